"""Nothing of an applicant outlives their session in the kiosk's memory, and every touch counts as activity."""

from __future__ import annotations

import datetime
import gc
import logging
import random
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.effects import WarnTimeout
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
HOME_VISIT = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
RENEWAL = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def reachable_texts(skip: object) -> list[str]:
    """Every string a live object (but `skip`) refers to, and the text of every Kivy label and its core label."""
    from kivy.core.text import LabelBase
    from kivy.uix.label import Label

    gc.unfreeze()  # what the kiosk froze at its start (KioskApp.build), module caches among it, is not listed else
    gc.collect()
    texts: list[str] = []
    for obj in gc.get_objects():
        if obj is skip or obj is texts:
            continue
        try:
            if isinstance(obj, Label):
                texts.append(str(obj.text))
                core = getattr(obj, "_label", None)
                if core is not None:
                    texts.append(str(core.text))
            elif isinstance(obj, LabelBase):
                texts.append(str(obj.text))
            texts.extend(_strings_in(gc.get_referents(obj)))
        except ReferenceError:  # a weak proxy whose widget is gone
            continue
    return texts


def _strings_in(items: list[Any]) -> list[str]:
    """The strings among `items`, and inside those of them the collector does not track: CPython stops tracking a
    tuple or a dict of plain values (a cache's keys, the cache itself), so gc.get_objects never lists them."""
    found, stack = [], list(items)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, (tuple, frozenset, dict)) and not gc.is_tracked(item):
            stack.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
    return found


def leaks(secrets: list[str]) -> dict[str, int]:
    texts = reachable_texts(skip=secrets)
    return {secret: n for secret in secrets if (n := sum(secret in t for t in texts))}


def home_visit_applicant(app: Any, pilot: Any, phone: str, finish: bool, id_number: str = "") -> None:
    events = [Event("ok"), Event("choose", "elderly"), Event("enter", id_number or "11010519491231002X"),
              Event("enter", phone), Event("choose", "weekend")]
    for event in events:
        pilot.perform(event)
    del events
    assert app.view.current.step == "check" and any(phone in row.answer for row in app.view.current.summary)
    if finish:
        for event in (Event("ok"), Event("device_ok"), Event("ok")):
            pilot.perform(event)
    else:
        pilot.perform(Event("tick", 10_000))  # walked away: the warning, then the wipe
        pilot.perform(Event("tick", 10_000))
    pilot.frame(3)
    assert app.session.history == ["welcome"], app.session.history


def test_no_applicant_data_is_reachable_after_a_reset(kiosk_app: Any, pilot: Any) -> None:
    # The secrets are kept as numbers and pieces, and made into text only when typed or checked: a list of them
    # in this test would itself be an object that refers to them.
    rng = random.Random(7)
    phones = [13 * 10**9 + rng.randrange(10**9) for _ in range(6)]
    ids = [11010519 * 10**9 + rng.randrange(10**9) for _ in range(6)]  # 17 digits; typed with an X at the end
    session = Session(HOME_VISIT, {"age": 76}, clock=CLOCK)
    kiosk_app.load(HOME_VISIT, session)
    pilot.frame(2)
    for n, (phone, id_digits) in enumerate(zip(phones, ids, strict=True)):
        home_visit_applicant(kiosk_app, pilot, str(phone), finish=n % 2 == 0, id_number=str(id_digits) + "X")
    found = leaks_of(phones) or leaks([str(i) for i in ids])
    assert found == {}, found
    assert found == {}, found
    # A renewal applicant whose card gave a name and an ID number, who took the card out half-way.
    kiosk_app.load(RENEWAL, Session(RENEWAL, {}, clock=CLOCK))
    pilot.frame(2)
    name, id_number = "".join(["陈", "大伯"]), str(44010219450317661) + "X"
    pilot.perform(Event("ok"))
    pilot.perform(Event("card", {"age": 81, "name": name, "id_number": id_number, "province": "广东"}))
    assert kiosk_app.session.s.applicant["name"] == name
    pilot.perform(Event("card_removed"))
    pilot.frame(3)
    del name, id_number
    found = leaks_of(phones)
    assert found == {}, found
    assert len(kiosk_app.effects) < 10  # the current applicant's only


def leaks_of(phones: list[int]) -> dict[str, int]:
    return leaks([str(p) for p in phones] + ["".join(["陈", "大伯"]), str(44010219450317661) + "X"])


def test_typing_on_the_keypad_keeps_the_time_out_away(kiosk_app: Any, pilot: Any) -> None:
    session = Session(HOME_VISIT, {"age": 76}, clock=CLOCK)
    kiosk_app.load(HOME_VISIT, session)
    pilot.frame(2)
    pilot.perform(Event("ok"))
    pilot.perform(Event("choose", "elderly"))
    pilot.perform(Event("enter", "11010519491231002X"))  # the ID number of the person to visit; then the phone
    limit = session.step_timeout()
    warnings: list[Any] = []
    kiosk_app.listeners.append(lambda e: warnings.append(e) if isinstance(e, WarnTimeout) else None)
    for digit in "13912345678":
        pilot.perform(Event("tick", limit * 0.6))  # slower than the step's time-out, key after key
        pilot.tap(f"key:{digit}")
    assert warnings == [] and kiosk_app.view.typed == "13912345678"
    pilot.tap("key:ok")
    assert kiosk_app.view.current.step == "time_slot"


def test_a_failing_event_logs_its_kind_never_what_was_typed(kiosk_app: Any, pilot: Any,
                                                            caplog: pytest.LogCaptureFixture,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session(HOME_VISIT, {"age": 76}, clock=CLOCK)
    kiosk_app.load(HOME_VISIT, session)
    pilot.frame(2)

    def broken(event: Event) -> list[Any]:
        raise ValueError(f"cannot take {event.value}")

    monkeypatch.setattr(session, "_on_enter", broken)  # any bug in the session, with the value in its message
    pilot.perform(Event("ok"))
    pilot.perform(Event("choose", "elderly"))
    with caplog.at_level(logging.INFO, logger="seniormode.kiosk"):
        pilot.perform(Event("enter", "13987654321"))
    assert "'enter' event (ValueError)" in caplog.text
    assert "13987654321" not in caplog.text and "987654321" not in caplog.text
    assert kiosk_app.view.current.step == HOME_VISIT.call_staff  # the applicant meets a person, not a crash


def test_an_answer_is_checked_off_the_frame(kiosk_app: Any, pilot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """However long a check takes, the screen keeps drawing, and what comes meanwhile waits its turn in order."""
    import time

    from kivy.base import EventLoop

    session = Session(HOME_VISIT, {"age": 76}, clock=CLOCK)
    kiosk_app.load(HOME_VISIT, session)
    pilot.frame(2)
    pilot.perform(Event("ok"))
    pilot.perform(Event("choose", "elderly"))
    pilot.perform(Event("enter", "11010519491231002X"))
    checked = session._on_enter  # noqa: SLF001 - slowed down on purpose, as the worst pattern would be

    def slow_check(event: Event) -> list[Any]:
        time.sleep(0.6)
        return checked(event)

    monkeypatch.setattr(session, "_on_enter", slow_check)
    for digit in "13912345678":
        pilot.tap(f"key:{digit}")
    kiosk_app.press("key:ok")
    frames = []
    while kiosk_app.checking:
        start = time.perf_counter()
        EventLoop.idle()
        frames.append(time.perf_counter() - start)
        kiosk_app.send(Event("repeat")) if len(frames) == 1 else None  # a touch meanwhile: it waits
    assert len(frames) >= 10 and max(frames) < 0.3, frames  # the window went on drawing through the check
    pilot.frame(2)
    assert kiosk_app.view.current.step == "time_slot"
    assert kiosk_app.spoken[-1].reason == "repeat"  # the waiting event came after the answer, on the new step


def test_what_an_applicant_typed_or_a_card_said_never_reaches_the_disk_caches(
        kiosk_app: Any, pilot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fitted sizes (and the emoji outlines) kept for the next start are kept for the flow's and the kiosk's
    words, never for an answer: the keypad's digits, the summary, a card's name and number. The file holds hashes;
    what was hashed is what this test reads."""
    from seniormode.kivy_ui import fit_cache
    from seniormode.kivy_ui.widgets import FitLabel, forget_measured

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fit_cache.forget_read()
    forget_measured()
    kept_for: list[str] = []
    key = FitLabel._fit_key

    def recorded(self: Any, width: float) -> str:
        kept_for.append(str(self.text))
        return key(self, width)

    monkeypatch.setattr(FitLabel, "_fit_key", recorded)
    try:
        kiosk_app.load(HOME_VISIT, Session(HOME_VISIT, {"age": 76}, clock=CLOCK))
        pilot.frame(2)
        # The secrets made into text only here, as in the test above: a literal would stay in memory as a
        # constant of this module, and that test looks for them in every live object.
        phone, id_number = str(13722334455), str(11010519390511771) + "X"
        home_visit_applicant(kiosk_app, pilot, phone, finish=True, id_number=id_number)
        kiosk_app.load(RENEWAL, Session(RENEWAL, {}, clock=CLOCK))
        pilot.frame(2)
        pilot.perform(Event("ok"))
        pilot.perform(Event("card", {"age": 81, "name": "".join(["陈", "大伯"]),
                                     "id_number": str(44010219450317661) + "X", "province": "广东"}))
        pilot.frame(2)
        kept = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
        assert list(tmp_path.rglob("*.fits")) and any("港澳" in t for t in kept_for), \
            "nothing was kept: this test would prove nothing"
        for secret in (phone, phone[2:], id_number, "".join(["陈", "大伯"]), str(44010219450317661) + "X"):
            assert not [t for t in kept_for if secret in t], secret
            assert secret.encode() not in kept, secret
    finally:
        fit_cache.forget_read()
        forget_measured()
