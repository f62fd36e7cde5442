"""The kiosk speaks: real espeak-ng prompts, played through Kivy's SoundLoader, stopped by a touch."""

from __future__ import annotations

import datetime
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.events import Event
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = [pytest.mark.kivy, pytest.mark.voice]
ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from seniormode.voice.service import VoiceService

    service = VoiceService(ROOT / "locales", tmp_path_factory.mktemp("voice_cache"))
    service.warm_up()
    yield service
    service.close()


@pytest.fixture()
def app(kiosk_app: Any, voice: Any) -> Iterator[Any]:
    kiosk_app.player.service = voice
    yield kiosk_app
    kiosk_app.player.stop()
    kiosk_app.player.service = None


def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise AssertionError("timed out waiting")
        pilot.frame()
        time.sleep(0.005)
    return time.perf_counter() - started


def start(app: Any, pilot: Any, **kw: Any) -> Session:
    session = Session(HK, kw.pop("inputs", {"age": 45}), clock=CLOCK, catalogs=Catalogs(ROOT / "locales"), **kw)
    app.load(HK, session)
    return session


def test_the_first_screen_speaks_and_again_after_back(app: Any, pilot: Any) -> None:
    start(app, pilot)
    wait_for(pilot, lambda: app.player.playing)
    first = app.player.played[-1]
    assert first.speak.reason == "prompt" and first.speak.text.startswith("您好")
    pilot.perform(Event("ok"))
    wait_for(pilot, lambda: app.player.playing and "身份证" in app.player.played[-1].speak.text)
    pilot.tap("bar:back")
    wait_for(pilot, lambda: app.player.playing and app.player.played[-1].speak.text.startswith("您好"))
    assert app.player.played[-1].speak.reason == "prompt"


def test_the_screen_shown_before_the_voice_was_up_speaks_when_it_comes_up(kiosk_app: Any, voice: Any,
                                                                          pilot: Any) -> None:
    """A kiosk just started shows its first screen silent while the voice starts in the background (seniormode
    run): when the voice is up, that screen's prompt plays; it used to stay silent until the next screen."""
    kiosk_app.player.service = None
    try:
        kiosk_app.player.forget()
        start(kiosk_app, pilot)
        pilot.frame()
        assert not kiosk_app.player.played
        kiosk_app.voice_ready(voice)
        wait_for(pilot, lambda: kiosk_app.player.playing)
        assert [p.speak.text[:2] for p in kiosk_app.player.played] == ["您好"]
    finally:
        kiosk_app.player.stop()
        kiosk_app.player.service = None


def test_a_touch_while_the_voice_was_down_leaves_nothing_to_replay(kiosk_app: Any, voice: Any, pilot: Any) -> None:
    kiosk_app.player.service = None
    try:
        kiosk_app.player.forget()
        start(kiosk_app, pilot)
        pilot.perform(Event("ok"))  # the applicant moved on; then tapped on the new screen
        kiosk_app.player.stop()
        kiosk_app.voice_ready(voice)
        for _ in range(20):
            pilot.frame()
        assert not kiosk_app.player.played
    finally:
        kiosk_app.player.stop()
        kiosk_app.player.service = None


def test_repeat_replays_from_the_cache_quickly(app: Any, pilot: Any) -> None:
    start(app, pilot)
    wait_for(pilot, lambda: app.player.playing)
    pilot.tap("bar:repeat")
    wait_for(pilot, lambda: app.player.playing and app.player.played[-1].speak.reason == "repeat")
    replay = app.player.played[-1]
    assert replay.source == "cache" and replay.seconds_to_start < 0.1


def test_a_touch_anywhere_stops_the_voice_within_100_ms(app: Any, pilot: Any) -> None:
    start(app, pilot)
    pilot.perform(Event("ok"))
    wait_for(pilot, lambda: app.player.playing)
    sound = app.player.sound
    from seniormode.kivy_ui.widgets import IconView

    icon = next(w for w in app.view.walk(restrict=True)
                if isinstance(w, IconView) and w.icon == app.theme.icon("id_card"))
    x, y = icon.to_window(*icon.center)  # the step's big icon: not a button
    app.time_offset += 1  # a calm touch, not a tremor right after the screen changed
    touched = time.perf_counter()
    pilot.tap_at(x, y)
    stopped = wait_for(pilot, lambda: not app.player.playing, timeout=1.0)
    assert time.perf_counter() - touched < 0.1 and stopped < 0.1
    assert sound.state == "stop"
    assert app.view.current.step == "read_card"  # the touch only silenced the voice


def test_the_timeout_warning_is_spoken(app: Any, pilot: Any) -> None:
    session = start(app, pilot)
    app.send(Event("tick", session.step_timeout()))
    wait_for(pilot, lambda: app.player.playing and app.player.played[-1].speak.reason == "warning")
    assert "还在" in app.player.played[-1].speak.text


def test_a_dead_speech_worker_never_stops_the_kiosk(app: Any, pilot: Any, voice: Any) -> None:
    start(app, pilot)
    wait_for(pilot, lambda: app.player.playing)
    pid = voice.provider.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    pilot.perform(Event("ok"))  # a prompt not in the cache yet: the worker must be restarted for it
    assert app.view.current.step == "read_card"
    wait_for(pilot, lambda: app.player.playing and "身份证" in app.player.played[-1].speak.text, timeout=20)
    assert voice.provider.pid != pid


def test_choices_are_read_in_order_with_the_tile_highlighted(app: Any, pilot: Any) -> None:
    session = start(app, pilot, inputs={"age": 86}, preferences={"speech_rate": 250})
    assert session.settings()["read_choices"] == "on"
    for event in (Event("ok"), Event("card")):
        pilot.perform(event)
    assert app.view.current.step == "purpose"
    seen: list[str] = []
    wait_for(pilot, lambda: (_note(app, seen), len(seen) >= 2)[1], timeout=30)
    assert seen[:2] == ["choice:normal", "choice:urgent"]
    read = [p.speak for p in app.player.played if p.speak.reason == "choice"]
    assert [s.target for s in read[-2:]] == ["choice:normal", "choice:urgent"]


def _note(app: Any, seen: list[str]) -> None:
    lit = [tid for tid, w in app.view.targets().items() if w.highlighted]
    if lit and (not seen or seen[-1] != lit[0]):
        seen.append(lit[0])


def test_the_speed_control_is_a_button_and_the_voice_slows(app: Any, pilot: Any) -> None:
    start(app, pilot, inputs={"age": 76})
    wait_for(pilot, lambda: app.player.playing)
    pilot.tap("bar:slower")
    wait_for(pilot, lambda: app.player.playing and app.player.played[-1].speak.reason == "repeat")
    assert app.player.played[-1].speak.rate == 100  # 130 from the over-70 rule, 30 slower
    assert app.view.current.settings["speech_rate"] == 100


def test_a_tremors_second_touch_leaves_the_new_prompt_playing(app: Any, pilot: Any) -> None:
    start(app, pilot)
    pilot.frame(2)  # laid out: the button is where it will be seen
    x, y = pilot.visual_centre("primary")
    app.time_offset += 1
    pilot.tap_at(x, y)  # 开始
    wait_for(pilot, lambda: app.player.playing and "身份证" in app.player.played[-1].speak.text)
    pilot.tap_at(x, y)  # the same finger again at once: ignored, and the voice goes on
    assert app.ignored_touches == 1 and app.player.playing
