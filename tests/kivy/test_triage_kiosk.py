"""The triage (导办) at the kiosk, touched: its icon screens, the switch into the flow it names with only what it
hands over, the QR scanner's simulator button, and the kiosk's own flow again for the next person."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from kiosk_helpers import shown, words

from seniormode.core.effects import Handoff, StartFlow
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
TRIAGE = load_flow_or_raise(ROOT / "flows_yaml" / "triage.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def test_home_visit_goes_on_in_its_flow_with_only_who_it_is_for(kiosk_app: Any, pilot: Any, tmp_path: Path) -> None:
    kiosk_app.load(TRIAGE, Session(TRIAGE, clock=CLOCK))
    assert shown(kiosk_app).step == "came_for"
    assert {f"choice:{c}" for c in ("renew", "apply", "appointment", "home_visit", "cant_get_done")} \
        <= pilot.targets()
    pilot.frame(2)
    kiosk_app.screenshot(tmp_path / "came_for.png")
    seen: list[Any] = []
    kiosk_app.listeners.append(seen.append)
    try:
        pilot.tap("bar:bigger")
        pilot.tap("choice:home_visit")
        pilot.tap("choice:ill")
        assert shown(kiosk_app).step == "go_home_visit" and "在这里预约上门" in words(kiosk_app)
        kiosk_app.screenshot(tmp_path / "go_home_visit.png")
        pilot.tap("primary")  # 开始
        [started] = [e for e in seen if isinstance(e, StartFlow)]
    finally:
        kiosk_app.listeners.remove(seen.append)
    assert started.flow == "home_visit" and started.inputs == {"visit_for": "ill"}
    assert kiosk_app.flow.id == "home_visit" and kiosk_app.home is TRIAGE
    assert kiosk_app.session.s.applicant == {"visit_for": "ill"}  # only what was handed over
    assert shown(kiosk_app).step == "welcome" and shown(kiosk_app).settings["text_scale"] == 1.2  # 大字 kept
    pilot.tap("primary")
    # who it is for was asked at the door, not again; the ID number of that person still is
    assert shown(kiosk_app).step == "id_number"
    kiosk_app.screenshot(tmp_path / "home_visit_id_number.png")

    pilot.perform(Event("reset"))  # the next person
    assert kiosk_app.flow is TRIAGE and shown(kiosk_app).step == "came_for"
    assert kiosk_app.session.answers == {} and shown(kiosk_app).settings["text_scale"] == 1.0


def test_renewal_starts_here_and_the_qr_scanner_checks_an_appointment_in(kiosk_app: Any, pilot: Any,
                                                                          tmp_path: Path) -> None:
    kiosk_app.load(TRIAGE, Session(TRIAGE, clock=CLOCK))
    pilot.tap("choice:renew")
    pilot.tap("choice:self")
    pilot.tap("primary")
    assert kiosk_app.flow.id == "hk_macau_renewal" and shown(kiosk_app).step == "welcome"
    assert kiosk_app.session.s.applicant == {}  # the renewal reads the card itself
    pilot.perform(Event("reset"))
    assert kiosk_app.flow is TRIAGE

    pilot.tap("choice:appointment")
    assert shown(kiosk_app).step == "scan_appointment"
    assert {"device:ok", "device:fail"} <= pilot.targets()
    assert "模拟：扫二维码" in words(kiosk_app)
    kiosk_app.screenshot(tmp_path / "scan_appointment.png")
    pilot.tap("device:ok")
    assert shown(kiosk_app).step == "appointment_window"
    [ticket] = [e.ticket for e in kiosk_app.effects if isinstance(e, Handoff)]
    assert ticket.window == "2号预约窗口" and ticket.number.startswith("Y")
    kiosk_app.screenshot(tmp_path / "appointment_window.png")
