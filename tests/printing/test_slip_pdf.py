"""The slip as a PDF, read back as a person and a scanner would: poppler draws it and finds its words, zbar reads
its QR code."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from cups_helpers import pdf_words, qr_codes, rasterize

from seniormode.core.effects import PrintSlip
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.slip import Slip
from seniormode.core.theme import FontSpec
from seniormode.core.tickets import TicketCounter
from seniormode.printing.slip_pdf import NUMBER, SlipFonts, break_lines, slip_pdf

ROOT = Path(__file__).resolve().parents[2]
HK = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 12, 4, 10, 30)  # noqa: E731
PT_PER_MM = 72 / 25.4


def receipt() -> Slip:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    session.start()
    effects: list = []
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "hongkong"),
                  Event("choose", "tourism_once"), Event("choose", "new"), Event("device_ok"), Event("ok"),
                  Event("yes"), Event("device_ok")):
        effects = session.handle(event)
    return next(e for e in effects if isinstance(e, PrintSlip)).slip


def ticket() -> Slip:
    session = Session(HK, {"age": 76}, clock=CLOCK, tickets=TicketCounter(station=7, clock=CLOCK))
    session.start()
    for event in (Event("ok"), Event("card"), Event("choose", "normal"), Event("staff")):
        session.handle(event)
    return next(e for e in session.handle(Event("ok")) if isinstance(e, PrintSlip)).slip


def write(slip: Slip, folder: Path) -> Path:
    path = folder / f"{slip.kind}.pdf"
    path.write_bytes(slip_pdf(slip, SlipFonts.of(FontSpec())))
    return path


@pytest.mark.parametrize("make", [ticket, receipt], ids=["ticket", "receipt"])
def test_the_slip_is_one_receipt_roll_page_with_the_number_largest_and_a_qr_code_of_it(make, tmp_path: Path) -> None:
    slip = make()
    pdf = write(slip, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages: +1$", info, re.M)
    width = float(info.split("Page size:")[1].split()[0])
    assert round(width / PT_PER_MM) == 80  # the 80 mm roll
    words = pdf_words(pdf)
    number = next(w for w in words if w.text == slip.number)
    body = [w for w in words if w is not number]
    assert number.height == max(w.height for w in words)  # nothing on the slip is larger than the number
    # The ticket's number at 44 pt (its box over 60 pt, the digits about 11 mm high), twice the 20 pt window;
    # the longer receipt number is set to fit the roll's width, still half as large again as the body.
    assert number.height >= (2.0 if slip.kind == "ticket" else 1.5) * max(w.height for w in body)
    assert number.height >= (1.3 * NUMBER if slip.kind == "ticket" else 28)
    text = " ".join(w.text for w in words)
    for expected in (slip.service, slip.title, slip.keep, *(r.label for r in slip.rows)):
        assert expected in text
    png = rasterize(pdf, tmp_path / f"{slip.kind}.png")
    assert qr_codes(png) == [slip.number]  # zbar reads the QR code off the drawn page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKSC" in fonts and "NotoSansCJKSC-Bold" in fonts.replace("SCBold", "SC-Bold")
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_the_ticket_page_as_drawn(tmp_path: Path) -> None:
    """The picture a person sees: kept in the test's folder to look at (the report names the file)."""
    pdf = write(ticket(), tmp_path)
    png = rasterize(pdf, tmp_path / "ticket.png", dpi=120)
    from PIL import Image

    with Image.open(png) as page:
        grey = page.convert("L")
        width, height = grey.size
        assert width == round(80 / 25.4 * 120)
        dark = sum(grey.histogram()[:128]) / (width * height)
    assert 0.05 < dark < 0.5  # ink on it, not a blank or black page


def test_lines_break_between_chinese_characters_and_never_before_closing_punctuation() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    assert break_lines("原因：申请人在“去哪里？”这一步请工作人员帮忙", 7, measure) == [
        "原因：申请人在", "“去哪里？”这", "一步请工作人员", "帮忙"]
    assert break_lines("请到5号窗口。", 6, measure) == ["请到5号窗口。"]  # the full stop hangs, never alone
    assert break_lines("Please go to window 5", 10, measure) == ["Please go", "to window", "5"]
    assert break_lines("abcdefghijkl", 5, measure) == ["abcde", "fghij", "kl"]
