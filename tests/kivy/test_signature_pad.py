"""The signature pad with real touch strokes on the real window: what it captures, what it refuses, and that the
strokes are gone from memory and disk after the applicant leaves."""

from __future__ import annotations

import datetime
import gc
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.devices import SignatureLimits, sample_strokes
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.journal.recorder import recorders
from seniormode.journal.schema import open_for_reading
from seniormode.journal.writer import JournalWriter

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
PERMIT = load_flow_or_raise(ROOT / "flows_yaml" / "permit_application.yaml")
CLOCK = lambda: datetime.datetime(2026, 12, 4, 10, 0)  # noqa: E731
TO_SIGNATURE = (Event("ok"), Event("card"), Event("yes"), Event("choose", "renew"), Event("choose", "retired"),
                Event("choose", "reuse"), Event("device_ok"))


def to_signature(app: Any, pilot: Any, session: Session | None = None) -> None:
    app.load(PERMIT, session or Session(PERMIT, {"age": 68}, clock=CLOCK))
    pilot.frame(2)
    for event in TO_SIGNATURE:
        pilot.perform(event)
    assert app.view.current.step == "signature" and app.view.pad is not None


def ink_pixels(png: Path, box: tuple[int, int, int, int]) -> int:
    """Near-black pixels inside `box` (left, top, right, bottom, in image pixels): the ink on the white pad (the
    dashed base line is the purple focus colour)."""
    from PIL import Image

    image = Image.open(png).convert("RGB").crop(box)
    return sum(1 for x in range(image.width) for y in range(image.height) if max(image.getpixel((x, y))) < 80)


def pad_box(app: Any) -> tuple[int, int, int, int]:
    from kivy.core.window import Window

    pad = app.view.pad
    (x0, y0), (x1, y1) = pad.to_window(pad.x, pad.y), pad.to_window(pad.right, pad.top)
    inset = 12  # inside the pad's border and its dashed base line's ends
    return int(x0) + inset, int(Window.height - y1) + inset, int(x1) - inset, int(Window.height - y0) - inset


def test_a_finger_signs_on_the_pad_and_the_strokes_are_captured(kiosk_app: Any, pilot: Any, tmp_path: Path) -> None:
    to_signature(kiosk_app, pilot)
    shots = Path(os.environ.get("SHOT_DIR", tmp_path))
    pad = kiosk_app.view.pad
    empty = kiosk_app.screenshot(shots / "signature_empty.png")
    assert ink_pixels(empty, pad_box(kiosk_app)) < 50  # only the dashed base line
    wanted = sample_strokes("ok", SignatureLimits(), *pad.size_mm)
    pilot.draw_signature(wanted)
    got = kiosk_app.view.strokes.strokes
    assert len(got) == len(wanted) == 3
    for drawn, meant in zip(got, wanted, strict=True):
        # Every point the finger passed, in mm on the pad, within a pixel of where it was meant to be.
        assert len(drawn) == len(meant)
        assert all(abs(a[0] - b[0]) < 0.4 and abs(a[1] - b[1]) < 0.4 for a, b in zip(drawn, meant, strict=True))
    m = kiosk_app.view.strokes.measure()
    assert m.width_mm > 100 and m.height_mm > 30 and m.length_mm > 300 and m.points == 75
    assert kiosk_app.view.signature_verdict() == "ok"
    signed = kiosk_app.screenshot(shots / "signature_signed.png")
    assert ink_pixels(signed, pad_box(kiosk_app)) > 1500  # the ink is on the glass, not only in the holder
    assert kiosk_app.session.answers.get("signature") is None  # nothing reaches the session before 签好了

    pilot.tap("sign:clear")  # 重签
    assert kiosk_app.view.strokes.empty and kiosk_app.view.current.step == "signature"
    cleared = kiosk_app.screenshot(shots / "signature_cleared.png")
    assert ink_pixels(cleared, pad_box(kiosk_app)) < 50

    pilot.sign("ok")  # the finger again, then 签好了
    assert kiosk_app.view.current.step == "live_face"
    assert kiosk_app.session.answers["signature"] is True
    assert kiosk_app.view.strokes.empty and kiosk_app.view.pad is None


@pytest.mark.parametrize(("kind", "said"), [("too_small", "签名太小了"), ("too_short", "签名太短了"),
                                            ("empty", "还没有签名")])
def test_a_signature_too_small_or_too_short_is_refused_with_the_reason_said(kiosk_app: Any, pilot: Any,
                                                                           tmp_path: Path, kind: str,
                                                                           said: str) -> None:
    to_signature(kiosk_app, pilot)
    pad = kiosk_app.view.pad
    pilot.draw_signature(sample_strokes(kind, SignatureLimits(), *pad.size_mm))
    assert kiosk_app.view.signature_verdict() == kind
    pilot.tap("primary")
    shown = kiosk_app.view.current
    assert shown.step == "signature" and said in shown.error
    assert said in kiosk_app.spoken[-1].text and kiosk_app.spoken[-1].reason == "error"
    assert kiosk_app.view.strokes.empty  # refused: sign again on an empty pad
    assert "signature" not in kiosk_app.session.answers
    if kind == "too_small":
        kiosk_app.screenshot(Path(os.environ.get("SHOT_DIR", tmp_path)) / "signature_too_small.png")


def test_the_simulator_button_writes_a_signature_the_pad_takes(kiosk_app: Any, pilot: Any) -> None:
    to_signature(kiosk_app, pilot)
    pilot.tap("device:ok")  # 模拟：签名
    assert kiosk_app.view.current.step == "signature" and kiosk_app.view.signature_verdict() == "ok"
    pilot.tap("primary")
    assert kiosk_app.view.current.step == "live_face"


def file_tree(*roots: Path) -> dict[str, str]:
    """Every file under the roots with a hash of its bytes."""
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def live_points(points: set[str], pixels: set[tuple[int, int]]) -> list[str]:
    """The captured points (mm, as 'x,y' strings) that any live object still refers to, and the Kivy lines that
    still draw them (their points within a pixel of the strokes' `pixels`)."""
    from kivy.graphics import Line

    gc.collect()
    found = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, Line):
                xy = obj.points
                near = sum((round(x), round(y)) in pixels for x, y in zip(xy[::2], xy[1::2], strict=False))
                if near >= 5:
                    found.append(f"a Line drawing {near} points of the strokes")
            for r in gc.get_referents(obj):
                if type(r) is tuple and len(r) == 2 and all(type(v) is float for v in r) \
                        and f"{r[0]},{r[1]}" in points:
                    found.append(f"{r} held by a {type(obj).__name__}")
        except ReferenceError:  # a weak proxy whose widget is gone
            continue
    return found


@pytest.mark.parametrize("how", ["timeout", "next_applicant"])
def test_reset_leaves_no_stroke_in_memory_or_on_disk(kiosk_app: Any, pilot: Any, tmp_path: Path, how: str) -> None:
    state = tmp_path / "state"
    state.mkdir()
    journal = state / "journal.sqlite"
    writer = JournalWriter(journal)
    kivy_home = Path(os.environ["KIVY_HOME"])
    logs: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: logs.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        kiosk_app.journal = recorders(writer.write, kiosk="station-07", version="test")
        session = Session(PERMIT, {"age": 68}, clock=CLOCK)
        to_signature(kiosk_app, pilot, session)
        assert writer.flush()
        before = file_tree(state, kivy_home)
        pad = kiosk_app.view.pad
        pilot.draw_signature(sample_strokes("ok", SignatureLimits(), *pad.size_mm))
        captured = {f"{x},{y}" for stroke in kiosk_app.view.strokes.strokes for x, y in stroke}
        pixels = {(round(x) + dx, round(y) + dy) for stroke in kiosk_app.view.strokes.strokes for p in stroke
                  for x, y in [pad._px(p)] for dx in (-1, 0, 1) for dy in (-1, 0, 1)}  # noqa: SLF001
        assert len(captured) > 50
        while_there = live_points(captured, pixels)  # the check finds the strokes while they are there:
        assert any("Line" in f for f in while_there) and any("held by a list" in f for f in while_there)
        if how == "timeout":
            limit = session.step_timeout()
            pilot.perform(Event("tick", limit))
            pilot.perform(Event("tick", PERMIT.timeout.warning))
        else:  # signed, and on to the end; the next applicant touches the welcome screen
            pilot.tap("primary")
            for event in (Event("device_ok"), Event("ok"), Event("yes"), Event("device_ok"), Event("device_ok"),
                          Event("ok")):
                pilot.perform(event)
        assert kiosk_app.view.current.step == "welcome"
        pilot.frame(3)
        kiosk_app.recorder.close()
        assert writer.flush()
    finally:
        logging.getLogger().removeHandler(handler)
        kiosk_app.journal = None
        writer.close()
    # Memory: the holder, the widget tree, the session.
    assert kiosk_app.view.strokes.empty and kiosk_app.view.strokes.strokes == ()
    assert kiosk_app.view.pad is None
    assert kiosk_app.session.answers == {} and kiosk_app.session.s.tries.failed == {}
    assert live_points(captured, pixels) == []
    assert not any("李阿姨" in label.text for label in kiosk_app.view.labels())  # the card's name went too
    # Disk: the journal has the steps and nothing of the strokes; no other file was written or changed.
    rows = open_for_reading(journal).execute("SELECT step, kind, detail FROM events ORDER BY seq").fetchall()
    assert ("signature", "step_shown", "") in rows
    text = " ".join(f"{s} {k} {d}" for s, k, d in rows)
    assert not any(point.split(",")[0] in text for point in captured)
    after = file_tree(state, kivy_home)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed <= {str(journal), str(journal) + "-wal", str(journal) + "-shm"}, changed
    raw = b"".join(Path(p).read_bytes() for p in after if Path(p).exists())
    assert not any(point.split(",")[0].encode() in raw for point in captured if len(point.split(",")[0]) > 4)
    # Logs: nothing of the strokes either.
    assert not any(point.split(",")[0] in line for line in logs for point in captured
                   if len(point.split(",")[0]) > 4)


def test_a_reset_in_a_flow_the_triage_started_wipes_the_strokes(kiosk_app: Any, pilot: Any) -> None:
    """The entrance kiosk sends the applicant on into the one-machine application; she signs, then walks away.
    The time-out takes the kiosk back to the triage, and the pad's strokes are wiped there too (that reset used
    to drop the screen without wiping it, leaving the strokes to the garbage collector)."""
    triage = load_flow_or_raise(ROOT / "flows_yaml" / "triage.yaml")
    kiosk_app.load(triage, Session(triage, clock=CLOCK))
    pilot.frame(2)
    pilot.perform(Event("choose", "apply"))
    pilot.perform(Event("choose", "self"))
    pilot.tap("primary")  # 开始: on into the application, on the same machine
    assert kiosk_app.flow.id == "permit_application"
    for event in TO_SIGNATURE:
        pilot.perform(event)
    assert kiosk_app.view.current.step == "signature"
    holder, pad = kiosk_app.view.strokes, kiosk_app.view.pad
    pilot.draw_signature(sample_strokes("ok", SignatureLimits(), *pad.size_mm))
    assert not holder.empty
    session = kiosk_app.session
    pilot.perform(Event("tick", session.step_timeout()))
    pilot.perform(Event("tick", PERMIT.timeout.warning))
    assert kiosk_app.flow.id == "triage" and kiosk_app.view.current.step == "came_for"
    assert holder.empty and holder.strokes == ()  # the screen left behind keeps no stroke
    assert not [p for p in kiosk_app.player.played if p.speak.text_key.startswith("permit_application/")]
