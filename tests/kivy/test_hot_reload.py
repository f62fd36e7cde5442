"""Hot reload between applicants, in the real window: an edit (real inotify, through watchfiles) is loaded and
linted in the background, waits while an applicant is in a session, comes into force on the welcome screen, and
a broken edit keeps the last good flow, saying where it is broken. The journal records each switch."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.events import Event
from seniormode.core.i18n import Catalogs
from seniormode.core.kiosk_config import KioskConfig
from seniormode.core.session import Session
from seniormode.fleet.reload import FlowUpdates, load_content, start_thread, switch_event, watch_files
from seniormode.journal.record import utc_now
from seniormode.journal.recorder import recorders
from seniormode.journal.schema import open_for_reading
from seniormode.journal.writer import JournalWriter

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
WELCOME = "欢迎办理港澳签注"


def wait_for(condition: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited 15 s")
        time.sleep(0.05)


def test_an_edit_waits_for_the_welcome_screen_and_a_broken_one_is_refused(kiosk_app: Any, pilot: Any,
                                                                          tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    for folder in ("flows_yaml", "themes", "locales"):
        shutil.copytree(ROOT / folder, desk / folder)
    flow_file = desk / "flows_yaml" / "hk_macau_renewal.yaml"
    config = KioskConfig(kiosk_id="desk", folder=desk, flows=(Path("flows_yaml/hk_macau_renewal.yaml"),))
    first = load_content(config, None, "the desk's flow")
    said: list[str] = []
    updates = FlowUpdates(say=said.append)
    writer = JournalWriter(tmp_path / "journal.sqlite")
    running = [first]

    def on_switch(loaded: Any) -> Any:
        writer.write(switch_event("desk", running[0], loaded, utc_now()))
        running[0] = loaded
        return recorders(writer.write, kiosk="desk", version=loaded.version)

    stop, ready = threading.Event(), threading.Event()
    try:
        kiosk_app.journal = recorders(writer.write, kiosk="desk", version=first.version)
        kiosk_app.load(first.flow, Session(first.flow, catalogs=Catalogs(first.locales)), first.theme)
        kiosk_app.updates, kiosk_app.on_switch = updates, on_switch
        start_thread(watch_files, config, updates, stop, ready, name="flow watcher")
        assert ready.wait(10)
        time.sleep(0.3)  # inotify watches are in place once watch() has begun iterating
        pilot.perform(Event("ok"))  # an applicant has begun
        assert kiosk_app.view.current.step == "read_card"

        flow_file.write_text(flow_file.read_text(encoding="utf-8").replace(WELCOME, "您好，办理港澳签注"),
                             encoding="utf-8")
        wait_for(lambda: updates.pending)
        kiosk_app._tick(1.0)
        pilot.frame(2)
        assert kiosk_app.flow is first.flow and kiosk_app.view.current.step == "read_card"  # not mid-session

        pilot.perform(Event("reset"))  # the applicant leaves: the welcome screen of the same, old flow
        pilot.frame(2)
        kiosk_app._tick(1.0)
        pilot.frame(3)
        assert kiosk_app.flow is not first.flow and kiosk_app.view.current.text == "您好，办理港澳签注"
        assert kiosk_app.voice_locales == desk / "locales"  # the recordings of what is now shown
        kiosk_app.screenshot(Path(os.environ.get("SHOT_DIR", tmp_path)) / "after_reload.png")
        good = kiosk_app.flow

        flow_file.write_text(flow_file.read_text(encoding="utf-8").replace("kind: info", "kind: infoo", 1),
                             encoding="utf-8")
        wait_for(lambda: any("kept the last good flow" in line for line in said))
        refusal = next(line for line in said if "kept the last good flow" in line)
        assert "hk_macau_renewal.yaml:" in refusal and "SM108" in refusal and "infoo" in refusal
        kiosk_app._tick(1.0)
        assert kiosk_app.flow is good and not updates.pending  # the last good flow runs on
        kiosk_app.recorder.close()
        assert writer.flush()
    finally:
        stop.set()
        kiosk_app.updates = kiosk_app.on_switch = kiosk_app.journal = None
        writer.close()
    rows = open_for_reading(tmp_path / "journal.sqlite").execute(
        "SELECT version, kind, detail FROM events WHERE kind = 'version_switch'").fetchall()
    assert len(rows) == 1 and rows[0][0] == running[0].version
    assert rows[0][2] == f"{first.version}>{running[0].version} local" and first.version != running[0].version


def test_a_touch_on_the_welcome_screen_holds_the_switch_until_the_next_reset(kiosk_app: Any, pilot: Any,
                                                                          tmp_path: Path) -> None:
    config = KioskConfig(kiosk_id="desk", folder=ROOT, flows=(Path("flows_yaml/hk_macau_renewal.yaml"),))
    first = load_content(config, None, "the flow")
    kiosk_app.load(first.flow, Session(first.flow, catalogs=Catalogs(first.locales)), first.theme)
    updates = FlowUpdates(say=lambda line: None)
    kiosk_app.updates = updates
    try:
        pilot.perform(Event("bigger"))  # an applicant reading the welcome screen, bigger: still on it
        assert kiosk_app.view.current.step == "welcome"
        updates.offer(load_content(config, None, "the same flow again"))
        kiosk_app._tick(1.0)
        assert kiosk_app.flow is first.flow and updates.pending
        pilot.perform(Event("reset"))
        kiosk_app._tick(1.0)
        assert kiosk_app.flow is not first.flow and not updates.pending
    finally:
        kiosk_app.updates = None
