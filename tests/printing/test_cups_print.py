"""Printing through a real CUPS scheduler to Debian's cups-pdf virtual printer, with `lp`, as a kiosk does.

The page cups-pdf writes is read back (its words, its QR code); the kiosk's temporary folder is empty after
every slip, printed or not; a printer that is missing, refuses or does not answer is a sentence, not a traceback.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cups_helpers import CupsServer, need, qr_codes, rasterize, same_ink

from seniormode.core.effects import PrintSlip
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.slip import Slip
from seniormode.core.theme import FontSpec
from seniormode.core.tickets import TicketCounter
from seniormode.printing.cups import CupsPrinter
from seniormode.printing.slip_pdf import SlipFonts, slip_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 12, 4, 10, 30)  # noqa: E731


def a_ticket() -> Slip:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    session.start()
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("staff")):
        session.handle(event)
    return next(e for e in session.handle(Event("ok")) if isinstance(e, PrintSlip)).slip


def _other_ticket(folder: Path) -> Path:
    """The next applicant's ticket, the same shape of page but another number: what `same_ink` must tell apart."""
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=8, clock=CLOCK))
    session.start()
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("staff")):
        session.handle(event)
    slip = next(e for e in session.handle(Event("ok")) if isinstance(e, PrintSlip)).slip
    path = folder / "other.pdf"
    path.write_bytes(slip_pdf(slip, SlipFonts.of(FontSpec())))
    return path


def printer(cups: CupsServer, spool: Path, queue: str | None = None, **kwargs: object) -> CupsPrinter:
    spool.mkdir(exist_ok=True)
    return CupsPrinter(queue or cups.queue, SlipFonts.of(FontSpec()), environ=cups.environ(), spool=spool,
                       **kwargs)  # type: ignore[arg-type]


def test_a_ticket_printed_through_lp_comes_out_of_cups_pdf_as_the_page_we_laid_out(cups: CupsServer,
                                                                                   tmp_path: Path) -> None:
    slip = a_ticket()
    before = set(cups.out.glob("*.pdf"))
    outcome = printer(cups, tmp_path / "spool").print_slip(slip)
    assert outcome.ok, outcome.message
    assert outcome.job.startswith(f"{cups.queue}-")
    assert list((tmp_path / "spool").iterdir()) == []  # the kiosk's copy is gone as soon as lp has it
    printed = [p for p in cups.printed() if p not in before]
    assert len(printed) == 1, cups.run("lpstat", "-W", "completed", "-o").stdout
    # What came out is the page we laid out (on cups-pdf's A4, its text turned to outlines by Ghostscript):
    # the same ink, and the QR code reads back as the number.
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(slip_pdf(slip, SlipFonts.of(FontSpec())))
    came_out = rasterize(printed[0], tmp_path / "printed.png", dpi=100)
    near = same_ink(came_out, rasterize(ours, tmp_path / "ours.png", dpi=100))
    far = same_ink(came_out, rasterize(_other_ticket(tmp_path), tmp_path / "other.png", dpi=100))
    assert near < 0.005 and far > 0.02, (near, far)  # S07001 is not S08001: one digit is 4 % of the ink
    assert qr_codes(came_out) == [slip.number]
    # The scheduler keeps no copy either (PreserveJobFiles No, as docs/kiosk.md asks of a kiosk's CUPS).
    assert cups.spooled() == []
    printed[0].unlink()


def test_a_queue_that_does_not_exist_is_a_sentence_and_leaves_nothing(cups: CupsServer, tmp_path: Path) -> None:
    outcome = printer(cups, tmp_path / "spool", queue="no_such_printer").print_slip(a_ticket())
    assert not outcome.ok
    assert "no_such_printer" in outcome.message and "refused" in outcome.message
    assert "S07001" not in outcome.message and "办不成事" not in outcome.message  # never the slip's content
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_scheduler_that_is_not_there_is_a_sentence(tmp_path: Path) -> None:
    need("lp")
    spool = tmp_path / "spool"
    spool.mkdir()
    outcome = CupsPrinter("receipts", SlipFonts.of(FontSpec()), environ={"CUPS_SERVER": str(tmp_path / "none.sock")},
                          spool=spool, timeout=20).print_slip(a_ticket())
    assert not outcome.ok and "receipts" in outcome.message, outcome.message
    assert list(spool.iterdir()) == []


def test_no_lp_is_a_sentence(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    outcome = CupsPrinter("receipts", SlipFonts.of(FontSpec()), lp=str(tmp_path / "lp"), spool=spool) \
        .print_slip(a_ticket())
    assert not outcome.ok and "is not installed" in outcome.message and "cups-client" in outcome.message
    assert list(spool.iterdir()) == []


def test_a_missing_font_is_a_sentence(tmp_path: Path) -> None:
    from seniormode.printing.slip_pdf import SlipFontError

    with pytest.raises(SlipFontError, match="fonts-noto-cjk"):
        SlipFonts.of(FontSpec(regular="NoSuchFont.ttc", dirs=(str(tmp_path),)))


def test_a_slip_a_killed_kiosk_left_behind_is_removed_when_the_printer_starts(tmp_path: Path) -> None:
    import os

    spool = tmp_path / "spool"
    stale, fresh = spool / "seniormode-slip-old", spool / "seniormode-slip-now"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "ticket.pdf").write_bytes(b"%PDF-1.6 someone's ticket")
    os.utime(stale, (0, 0))  # long ago; `fresh` may still be with a running lp
    unrelated = spool / "other"
    unrelated.mkdir()
    CupsPrinter("receipts", SlipFonts.of(FontSpec()), spool=spool, timeout=30)
    assert not stale.exists() and fresh.exists() and unrelated.exists()
