"""The kiosk with a real printer: the print step prints through lp to a cups-pdf queue and goes on by itself; a
printer that fails is the device_failed screen, a ticket that did not print is said on the hand-off screen; no
slip file is left once the applicant is gone."""

from __future__ import annotations

import datetime
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cups_helpers import CupsServer, qr_codes, rasterize, start_cups
from kiosk_helpers import shown

from seniormode.core.effects import PrintSlip
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.theme import FontSpec
from seniormode.core.tickets import TicketCounter
from seniormode.printing.cups import CupsPrinter
from seniormode.printing.slip_pdf import SlipFonts

pytestmark = [pytest.mark.kivy, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 12, 4, 10, 30)  # noqa: E731
TO_PRINT = (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "hongkong"),
            Event("choose", "tourism_once"), Event("choose", "new"), Event("device_ok"), Event("ok"), Event("yes"))


@pytest.fixture(scope="module")
def cups() -> Iterator[CupsServer]:
    server = start_cups(f"smkiosk{os.getpid()}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def with_printer(kiosk_app: Any) -> Iterator[Any]:
    yield kiosk_app
    if kiosk_app.printing is not None:
        kiosk_app.printing.close()
    kiosk_app.use_printer(None)  # the other Kivy tests share this window and simulate their printer


def wait_until(pilot: Any, done: Any, seconds: float = 40.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the printer did not answer in time"
        pilot.frame(1)
        time.sleep(0.05)


def pay(app: Any, pilot: Any, printer: CupsPrinter, station: int = 7) -> Session:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=station, clock=CLOCK))
    app.load(HK, session)
    app.use_printer(printer)
    for event in TO_PRINT:
        pilot.perform(event)
    assert shown(app).step == "pay"
    return session


def test_the_print_step_prints_through_cups_and_goes_on_by_itself(with_printer: Any, pilot: Any, cups: CupsServer,
                                                                  tmp_path: Path) -> None:
    app, spool = with_printer, tmp_path / "spool"
    spool.mkdir()
    session = pay(app, pilot, CupsPrinter(cups.queue, SlipFonts.of(FontSpec()), environ=cups.environ(), spool=spool))
    pilot.perform(Event("device_ok"))  # paid: the receipt prints while 正在打印回执 is on the glass
    assert shown(app).step == "print_receipt"
    # No simulator buttons with a real printer (and nothing to press while it prints: laying out takes a second)
    assert not {"device:ok", "device:fail"} & pilot.targets()
    app.screenshot(tmp_path / "printing.png")
    (slip,) = [e.slip for e in app.effects if isinstance(e, PrintSlip)]
    wait_until(pilot, lambda: session.current.id != "print_receipt")
    assert shown(app).step == "rating" and "print_receipt" in session.s.done  # device_ok from the printer
    app.screenshot(tmp_path / "after_print.png")
    (page,) = cups.printed()
    assert qr_codes(rasterize(page, tmp_path / "receipt.png")) == [slip.number] == ["261204-07-0001"]
    page.unlink()
    assert list(spool.iterdir()) == [] and cups.spooled() == []
    assert app.printing.last is not None  # the slip to print again, for this applicant only
    pilot.perform(Event("reset"))
    assert app.printing.last is None and not any(isinstance(e, PrintSlip) for e in app.effects)


def test_a_printer_that_fails_is_the_device_failed_screen_and_the_button_prints_again(
        with_printer: Any, pilot: Any, cups: CupsServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app, spool = with_printer, tmp_path / "spool"
    spool.mkdir()
    broken = CupsPrinter("no_such_printer", SlipFonts.of(FontSpec()), environ=cups.environ(), spool=spool)
    session = pay(app, pilot, broken)
    with caplog.at_level(logging.ERROR, logger="seniormode.printing"):
        pilot.perform(Event("device_ok"))
        wait_until(pilot, lambda: bool(shown(app).error))
    assert shown(app).step == "print_receipt" and session.status == "active"
    assert shown(app).error == "机器没有反应。请再试一次，或者按“叫工作人员”。"
    assert "no_such_printer" in caplog.text and "Traceback" not in caplog.text
    assert "device:ok" in pilot.targets() and "device:fail" not in pilot.targets()  # 再打印一次, alone
    app.screenshot(tmp_path / "print_failed.png")
    errors = session.s.errors
    first = [e.slip.number for e in app.effects if isinstance(e, PrintSlip)]
    pilot.tap("device:ok")  # with a printer, the device button prints the same receipt again
    wait_until(pilot, lambda: session.s.errors > errors)
    assert [e.slip.number for e in app.effects if isinstance(e, PrintSlip)] == first  # one receipt, one number
    assert list(spool.iterdir()) == []


def test_a_ticket_that_did_not_print_is_said_on_the_handoff_screen(with_printer: Any, pilot: Any, cups: CupsServer,
                                                                   tmp_path: Path) -> None:
    app, spool = with_printer, tmp_path / "spool"
    spool.mkdir()
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    app.load(HK, session)
    app.use_printer(CupsPrinter("no_such_printer", SlipFonts.of(FontSpec()), environ=cups.environ(), spool=spool))
    for event in (Event("ok"), Event("card"), Event("choose", "normal")):
        pilot.perform(event)
    pilot.tap("bar:staff")
    pilot.tap("primary")  # 打印号码纸
    wait_until(pilot, lambda: bool(shown(app).error))
    assert shown(app).step == "staff_window" and shown(app).printed
    assert shown(app).error == "号码纸没有打出来。请记住屏幕上的号码，到窗口找工作人员。"
    on_screen = "\n".join(label.text for label in app.view.labels())
    assert "S07001" in on_screen  # the number is still there to remember
    app.screenshot(tmp_path / "ticket_failed.png")
    assert list(spool.iterdir()) == []
