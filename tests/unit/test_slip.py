"""What goes on the printed slips (core/slip.py): the receipt of a print step and the ticket of a hand-off.

Only what the hall's paper carries: the service, the number, the window, the choices by their labels, the amount
paid, when and where. Never what was typed or what the card reader read.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from seniormode.core.effects import PrintSlip, ShowStep
from seniormode.core.events import Event
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.tickets import DurableTicketCounter, TicketCounter

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
HOME = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
CLOCK = lambda: datetime.datetime(2026, 12, 4, 10, 30)  # noqa: E731


def slips(effects: list) -> list[PrintSlip]:
    return [e for e in effects if isinstance(e, PrintSlip)]


def renewal_to_print(session: Session) -> list:
    out = session.start()
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "hongkong"),
                  Event("choose", "tourism_once"), Event("choose", "new"), Event("device_ok"),
                  Event("ok"), Event("yes"), Event("device_ok")):
        out = session.handle(event)
    return out


def test_the_print_step_makes_a_receipt_with_the_choices_and_the_amount_and_nothing_the_card_read() -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    effects = renewal_to_print(session)
    assert session.current.id == "print_receipt"
    (printed,) = slips(effects)
    slip = printed.slip
    assert printed.step == "print_receipt" and slip.kind == "receipt"
    assert slip.number == "261204-07-0001" and slip.qr == slip.number  # the QR holds the number, nothing more
    assert slip.service == "港澳签注续签" and slip.title == "回执" and slip.window == ""
    assert [(r.label, r.value) for r in slip.rows] == [
        ("办理方式", "平常办理"), ("去往", "香港"), ("签注种类", "个人旅游一次"), ("照片", "重新拍照")]
    assert slip.notes == ("已付款 15 元",) and slip.issued == "2026-12-04 10:30  7号机"
    card = {k: v for k, v in HK.step("read_card").simulate.items() if k != "ok"}
    assert card, "the flow's card reader reads a name and a number"
    for value in card.values():  # the card's name, ID number, birth date: none of it is printed
        assert str(value) not in repr(slip)
    # The effect comes after the screen: the kiosk prints while the applicant reads 正在打印回执.
    assert isinstance(effects[0], ShowStep) and effects.index(printed) > 0


def test_a_typed_phone_number_is_never_on_the_slip() -> None:
    session = Session(HOME, {"age": 81}, clock=CLOCK)
    session.start()
    for event in (Event("ok"), Event("choose", HOME.step("who").choices[0].id), Event("enter", "11010519491231002X"),
                  Event("enter", "13912345678"), Event("choose", "weekday_morning")):
        session.handle(event)
    assert session.current.id == "check"
    (printed,) = slips(session.handle(Event("ok")))
    assert printed.step == "print_slip"
    assert "13912345678" not in repr(printed.slip) and "11010519491231002X" not in repr(printed.slip)
    assert "上门时间" in [r.label for r in printed.slip.rows]


def test_a_handoff_ticket_says_number_window_what_was_done_and_why() -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    session.start()
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("staff")):
        session.handle(event)
    (printed,) = slips(session.handle(Event("ok")))  # 打印号码纸
    slip, ticket = printed.slip, session.s.ticket
    assert ticket is not None and slip.kind == "ticket" and slip.number == ticket.number == "S07001"
    assert slip.window == "请到5号“办不成事”窗口" and slip.number_label == "您的号码"
    assert [r.label for r in slip.rows] == ["请放身份证", "办理方式"] and slip.rows[1].value == "平常办理"
    assert slip.notes == ("停在：去往", "原因：申请人在“去哪里？”这一步请工作人员帮忙")
    assert slip.keep == "请拿好号码纸，等候叫号"


def test_the_slip_is_in_the_screens_language() -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK, catalogs=Catalogs(ROOT / "locales"),
                      preferences={"display_language": "yue_Hans_CN"})
    (printed,) = slips(renewal_to_print(session))
    assert printed.slip.language == "yue_Hans_CN"
    assert printed.slip.rows_label == "您拣嘅" and printed.slip.keep == "请保管好呢张回执"


def test_a_ticket_that_did_not_print_is_said_on_the_handoff_screen() -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK)
    session.start()
    for event in (Event("ok"), Event("card"), Event("staff"), Event("ok")):
        session.handle(event)
    assert session.status == "handed_off"
    shown = [e for e in session.handle(Event("device_failed")) if isinstance(e, ShowStep)]
    assert shown and shown[0].error == "号码纸没有打出来。请记住屏幕上的号码，到窗口找工作人员。"
    assert shown[0].printed and session.s.ticket is not None  # the number stays on the glass


def test_a_receipt_that_did_not_print_is_the_device_failed_path() -> None:
    session = Session(HK, {"age": 76}, clock=CLOCK)
    renewal_to_print(session)
    shown = [e for e in session.handle(Event("device_failed")) if isinstance(e, ShowStep)]
    assert shown[0].step == "print_receipt" and shown[0].error.startswith("机器没有反应")
    assert session.status == "active" and session.current.id == "print_receipt"


def test_receipt_numbers_never_repeat_across_a_restart(tmp_path: Path) -> None:
    counter = DurableTicketCounter(tmp_path / "tickets.sqlite", station=3, clock=CLOCK)
    first = [counter.receipt() for _ in range(3)]
    assert counter.take("A") == "A03001"  # the ticket letters count on their own
    counter.close()
    again = DurableTicketCounter(tmp_path / "tickets.sqlite", station=3, clock=CLOCK)
    assert first == ["261204-03-0001", "261204-03-0002", "261204-03-0003"]
    assert again.receipt() == "261204-03-0004"
    again.close()


def test_a_kiosk_yaml_printer_becomes_a_cups_printer_or_a_sentence(tmp_path: Path, monkeypatch) -> None:
    import sys

    from seniormode.cli.common import UsageProblem
    from seniormode.cli.kiosk import slip_printer
    from seniormode.core.kiosk_config import load_kiosk_config
    from seniormode.core.theme import load_theme_by_name

    path = tmp_path / "kiosk.yaml"
    path.write_text("kiosk: k\nflows: [f.yaml]\nprinter: {queue: receipts, timeout: 20s}\n", encoding="utf-8")
    config, _ = load_kiosk_config(path)
    assert config is not None
    theme = load_theme_by_name("senior")
    printer = slip_printer(config, theme)
    assert (printer.queue, printer.timeout) == ("receipts", 20)
    assert slip_printer(config.with_changes(printer=type(config.printer)()), theme) is None  # no printer: none
    # Installed without the printing extra: which extra to install, not "internal error".
    for module in ("seniormode.printing.cups", "seniormode.printing.slip_pdf"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, "fpdf", None)  # what an import of a package not installed raises
    with pytest.raises(UsageProblem, match=r"\(fpdf is missing\): pip install 'seniormode\[printing\]'"):
        slip_printer(config, theme)
