"""The kiosk's journal, with real touches: exactly what the applicant did, and nothing of who they are."""

from __future__ import annotations

import datetime
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.journal.recorder import recorders
from seniormode.journal.schema import open_for_reading
from seniormode.journal.writer import JournalWriter

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
RENEWAL = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731
NAME, ID_NUMBER = "陈桂芳", "440106195003157721"
SIGNALS = ("repeat", "help", "bigger", "smaller", "slower", "feedback", "hard", "entry_error", "timeout_warning",
           "extension", "double_touch", "language", "view", "handoff", "answer")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_the_journal_holds_exactly_what_was_done_and_no_name_or_id(kiosk_app: Any, pilot: Any,
                                                                   tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    writer = JournalWriter(journal)
    logs = Collect()
    logging.getLogger().addHandler(logs)
    try:
        kiosk_app.journal = recorders(writer.write, kiosk="station-07", version="test")
        kiosk_app.load(RENEWAL, Session(RENEWAL, clock=CLOCK))
        pilot.frame(2)
        card = {"age": 82, "name": NAME, "id_number": ID_NUMBER, "region": "广东", "first_time": False}
        steps = [Event("ok"), Event("card", card), Event("repeat"), Event("choose", "normal"), Event("bigger"),
                 Event("choose", "macau"), Event("help")]
        for event in steps:
            pilot.perform(event)
        pilot.tap("overlay:close")
        pilot.frame(2)
        for event in (Event("choose", "family"), Event("choose", "reuse"), Event("ok"), Event("yes"),
                      Event("device_ok"), Event("device_ok")):
            pilot.perform(event)
        assert kiosk_app.view.current.step == "rating"
        pilot.perform(Event("choose", "unsatisfied"))
        assert kiosk_app.view.current.step_kind == "feedback" and len(kiosk_app.view.current.tiles) == 7
        pilot.perform(Event("choose", "text_too_small"))
        assert kiosk_app.view.current.selected == ("text_too_small",)
        kiosk_app.screenshot(Path(os.environ.get("SHOT_DIR", tmp_path)) / "what_was_hard.png")
        pilot.perform(Event("ok"))
        assert kiosk_app.view.current.step == "done"
        kiosk_app.recorder.close()
        assert writer.flush()
    finally:
        logging.getLogger().removeHandler(logs)
        kiosk_app.journal = None
        writer.close()
    rows = open_for_reading(journal).execute("SELECT step, kind, detail, age_band FROM events ORDER BY seq").fetchall()
    signals = [(step, kind, detail) for step, kind, detail, _ in rows if kind in SIGNALS]
    # destination is the one step whose answer the flow marks safe to record (record_answer: yes)
    assert signals == [("purpose", "repeat", ""), ("destination", "bigger", ""), ("destination", "answer", "macau"),
                       ("endorsement_type", "help", ""),
                       ("rating", "feedback", "2"), ("rating", "hard", "text_too_small")]
    assert rows[-1][1:3] == ("session_end", "completed")
    assert {band for *_, band in rows[3:]} == {"80+"}  # from the card on: the band, never the age
    # The name and the ID number (and the birth date inside it) are nowhere: not in the journal's bytes, the log,
    # or any file the kiosk wrote (Kivy's home with its logs, the journal's folder).
    kivy_home = Path(os.environ.get("KIVY_HOME", tmp_path))
    files = [p for folder in (tmp_path, kivy_home) for p in folder.rglob("*") if p.is_file() and p.suffix != ".png"]
    blob = b"".join(p.read_bytes() for p in files) + "\n".join(logs.lines).encode("utf-8")
    for secret in (NAME, ID_NUMBER, "19500315"):
        assert secret.encode("utf-8") not in blob, secret
