"""Issue 16's screen gaps on the real kiosk under Xvfb: 取消修改 on a change, X on the ID-number keypad."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
from kiosk_helpers import shown
from PIL import Image

from seniormode.core.events import Event
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731
TO_CHECK = [Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
            Event("choose", "family"), Event("choose", "reuse")]


@pytest.fixture(autouse=True)
def renewal_afterwards(kiosk_app: Any) -> Any:
    """Leave the kiosk as the other Kivy tests expect it: the renewal, as the shared window started."""
    yield
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    kiosk_app.load(flow, Session(flow, clock=CLOCK))


def shot_dir(tmp_path: Path) -> Path:
    return Path(os.environ.get("SHOT_DIR", tmp_path))


@pytest.mark.parametrize("language, words", [("zh_Hans_CN", "取消修改"), ("yue_Hans_CN", "取消修改"),
                                             ("en", "Cancel change")])
def test_cancel_change_by_touch_keeps_the_old_answer(kiosk_app: Any, pilot: Any, tmp_path: Path, language: str,
                                                     words: str) -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    catalogs = Catalogs(ROOT / "locales")
    session = Session(flow, {"age": 45}, clock=CLOCK, catalogs=catalogs,
                      preferences={"display_language": language, "voice_language": language})
    kiosk_app.load(flow, session)
    for event in TO_CHECK:
        pilot.perform(event)
    assert shown(kiosk_app).step == "check"
    before = (session.answers, session.history)
    pilot.tap("change:photo_source")
    assert "cancel_change" in pilot.targets()
    pilot.perform(Event("choose", "new"))  # 重新拍照: the camera screen of the change
    assert shown(kiosk_app).step == "take_photo" and "cancel_change" in pilot.targets()
    player = kiosk_app.player  # no voice service here: the prompt stays "playing", what follows it waits
    assert player.current is not None and player.current.reason == "prompt"
    assert [q.reason for q in player.queue] == ["cancel_change"]  # after the prompt, not over it
    button = kiosk_app.view.targets()["cancel_change"]
    assert any(label.text == words for label in button.walk(restrict=True) if hasattr(label, "font_size"))
    heard = len(kiosk_app.spoken)
    path = kiosk_app.screenshot(shot_dir(tmp_path) / f"cancel_change_{language}.png")
    assert Image.open(path).size == (1280, 800)
    pilot.tap("cancel_change")
    assert shown(kiosk_app).step == "check" and "cancel_change" not in pilot.targets()
    assert (session.answers, session.history) == before
    assert "take_photo" not in session.answers
    rows = {r.step: r.answer for r in shown(kiosk_app).summary}
    assert rows["photo_source"] == catalogs.translate(flow.step("photo_source").choice("reuse").text, language)
    said = [s.text for s in kiosk_app.spoken[:heard]]
    hint = {"zh_Hans_CN": "取消修改", "yue_Hans_CN": "取消修改", "en": "Cancel change"}[language]
    assert any(hint in text for text in said), said  # the camera screen said how to cancel


def test_the_id_number_keypad_has_x_for_the_last_character_only(kiosk_app: Any, pilot: Any, tmp_path: Path) -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
    session = Session(flow, {"age": 45}, clock=CLOCK)
    kiosk_app.load(flow, session)
    pilot.perform(Event("ok"))
    pilot.perform(Event("choose", "ill"))
    assert shown(kiosk_app).step == "id_number"
    keys = kiosk_app.view.targets()
    assert "key:X" in keys and not keys["key:X"].enabled  # there, faded: not the first character
    pilot.tap("key:X")
    assert kiosk_app.view.typed == ""
    for key in "11010519491231002":
        pilot.tap(f"key:{key}")
    assert kiosk_app.view.targets()["key:X"].enabled  # the 18th character: a digit or X
    path = kiosk_app.screenshot(shot_dir(tmp_path) / "id_number_keypad_x.png")
    assert Image.open(path).size == (1280, 800)
    pilot.tap("key:X")
    assert kiosk_app.view.typed == "11010519491231002X"
    assert not kiosk_app.view.targets()["key:X"].enabled  # full: nothing more to type
    pilot.tap("key:ok")
    assert session.answers["id_number"] == "11010519491231002X" and shown(kiosk_app).step == "phone"
    # A phone number cannot end in X: its keypad offers none.
    assert "key:X" not in kiosk_app.view.targets() and "key:0" in kiosk_app.view.targets()


def test_x_keys_are_as_large_as_the_digits(kiosk_app: Any, pilot: Any) -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
    kiosk_app.load(flow, Session(flow, {"age": 86}, clock=CLOCK))
    pilot.perform(Event("ok"))
    pilot.perform(Event("choose", "ill"))
    pilot.frame(2)
    keys = kiosk_app.view.targets()
    x, one = keys["key:X"], keys["key:1"]
    assert x.height == pytest.approx(one.height, abs=1) and x.width >= one.width * 0.7
