"""The call-staff screen, touched: what was done is on it, Back undoes the call until the ticket is printed."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from kiosk_helpers import shown, words

from seniormode.core.effects import Handoff
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def test_tap_call_staff_see_the_summary_press_back_and_be_where_you_were(kiosk_app: Any, pilot: Any,
                                                                         tmp_path: Path) -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK)
    kiosk_app.load(HK, session)
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau")):
        pilot.perform(event)
    assert shown(kiosk_app).step == "endorsement_type"
    strip_before = shown(kiosk_app).strip_label

    pilot.tap("bar:staff")
    on_screen = words(kiosk_app)
    assert shown(kiosk_app).step == "staff_window"
    assert "办理方式 平常办理 · 去往 澳门" in on_screen and "停在：签注种类" in on_screen
    assert "停在第 5 步，共 12 步" in on_screen and strip_before == "第 5 步，共 12 步"
    assert "按错了？请按“返回”，回到刚才那一步" in on_screen
    assert "陈伯" not in on_screen  # the name the card reader read is not shown
    assert kiosk_app.view.targets()["bar:back"].enabled
    assert not [e for e in kiosk_app.effects if isinstance(e, Handoff)]  # nothing printed yet
    kiosk_app.screenshot(tmp_path / "staff_before_print.png")

    pilot.tap("bar:back")
    assert shown(kiosk_app).step == "endorsement_type" and session.status == "active"
    assert shown(kiosk_app).strip_label == strip_before
    assert session.answers["destination"] == "macau" and session.answers["purpose"] == "normal"
    pilot.tap("choice:family")
    assert shown(kiosk_app).step == "photo_source"

    pilot.tap("bar:staff")
    pilot.tap("primary")  # 打印号码纸
    [handoff] = [e for e in kiosk_app.effects if isinstance(e, Handoff)]
    on_screen = words(kiosk_app)
    assert handoff.ticket.number in on_screen and "签注种类 探亲" in on_screen and "停在：照片" in on_screen
    assert not kiosk_app.view.targets()["bar:back"].enabled
    kiosk_app.screenshot(tmp_path / "staff_printed.png")
    pilot.tap("bar:back")  # inert once the ticket is printed
    assert shown(kiosk_app).step == "staff_window" and session.status == "handed_off"
