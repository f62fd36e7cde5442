"""A slip (seniormode.core.slip) laid out as a one-page PDF for an 80 mm receipt roll, in large type.

fpdf2 writes the PDF and embeds a subset of the Noto Sans CJK face the theme names (Debian's collection holds
it as its third face: fpdf2 opens a face of a .ttc by number, found here by name); segno makes the QR code,
drawn as filled rectangles so it stays sharp at any printer resolution. The page is as long as what is on it.

Sizes are for readers with poor sight at arm's length: body text 16 pt (5.6 mm), the window 20 pt, the number
44 pt bold (its digits about 11 mm high), the QR code 34 mm with its four-module quiet zone kept clear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..core.slip import Slip
from ..core.theme import FontSpec

WIDTH = 80.0  # mm: the common receipt roll
MARGIN = 5.0
BODY, WINDOW, NUMBER, SMALL = 16.0, 20.0, 44.0, 12.0  # points
MIN_NUMBER = 20.0  # a receipt number (261204-07-0012) shrinks to fit the width, to no less than this
# Never at the start of a line (Chinese line-breaking rules, 避头尾): closing punctuation hangs at the line's end.
NO_LINE_START = set("，。、：；！？）」』”’》〉】…,.:;!?)]%")
NO_LINE_END = set("（「『“‘《〈【([")
QR_SIDE = 34.0  # mm, quiet zone not included
LINE = 1.35  # line height as a multiple of the type size (the brief asks >= 1.3)
PT = 25.4 / 72  # mm per point


class SlipFontError(RuntimeError):
    """The theme's CJK font is not on this machine: the slip cannot be laid out (bootstrap.sh installs it)."""


@dataclass(frozen=True)
class SlipFonts:
    """The font files and the face (by family name) the slip is set in."""

    regular: Path
    bold: Path
    family: str

    @classmethod
    def of(cls, spec: FontSpec) -> SlipFonts:
        regular, bold = spec.regular_path(), spec.bold_path()
        if regular is None:
            raise SlipFontError(f"the slip's font {spec.regular} is not installed (Debian: fonts-noto-cjk)")
        return cls(regular, bold or regular, spec.family)


@functools.lru_cache(maxsize=8)
def face_number(path: Path, family: str) -> int:
    """Which face of a font collection is `family` (0 for a single font, or when the family is not there)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        names = [face["name"].getDebugName(1) for face in collection.fonts]
    finally:
        collection.close()
    return names.index(family) if family in names else 0


def slip_pdf(slip: Slip, fonts: SlipFonts) -> bytes:
    """The slip as PDF bytes: measured first, then drawn on a page exactly as long as what is on it.

    One document, its fonts read once: reading a CJK face is most of the time a slip takes (about a second).
    """
    pdf = FPDF(unit="mm", format=(WIDTH, 100.0))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{slip.title} {slip.number}")
    pdf.set_creator("seniormode")
    pdf.set_lang("zh-CN" if slip.language.startswith("zh") else "zh-HK" if slip.language.startswith("yue")
                 else slip.language.replace("_", "-"))
    pdf.add_font("slip", "", fonts.regular, collection_font_number=face_number(fonts.regular, fonts.family))
    pdf.add_font("slip", "B", fonts.bold, collection_font_number=face_number(fonts.bold, fonts.family))
    page = _Page(pdf)
    page.text(slip.service, BODY, bold=True, align="C")
    page.text(slip.title, BODY, align="C", gap=2)
    page.text(slip.number_label, BODY, align="C")
    pdf.set_font("slip", "B", NUMBER)
    # The number on one line: a long receipt number is set smaller, never broken (staff read it out).
    fit = (WIDTH - 2 * MARGIN - 2 * pdf.c_margin) / pdf.get_string_width(slip.number)
    page.text(slip.number, max(MIN_NUMBER, NUMBER * min(1.0, fit)), bold=True, align="C")
    if slip.window:
        page.text(slip.window, WINDOW, bold=True, align="C", gap=2)
    page.rule()
    if slip.rows:
        page.text(slip.rows_label, BODY, bold=True)
        for row in slip.rows:
            page.text(f"{row.label}  {row.value}".strip(), BODY)
    for note in slip.notes:
        page.text(note, BODY, bold=True)
    page.rule()
    page.qr(slip.qr)
    page.text(slip.number, SMALL, align="C")
    page.text(slip.issued, SMALL, align="C")
    page.text(slip.keep, BODY, bold=True, align="C")
    pdf.add_page(format=(WIDTH, page.height + 2 * MARGIN))
    for draw in page.steps:
        draw()
    return bytes(pdf.output())


class _Page:
    """The slip as drawing steps, each measured as it is planned: the page's length is known before it exists."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.steps: list[Callable[[], None]] = []
        self.height = 0.0

    def text(self, words: str, size: float, bold: bool = False, align: str = "L", gap: float = 0.0) -> None:
        pdf, style = self.pdf, "B" if bold else ""
        pdf.set_font("slip", style, size)
        width = WIDTH - 2 * MARGIN
        lines = break_lines(words, width - 2 * pdf.c_margin, pdf.get_string_width)
        step = size * PT * LINE

        def draw() -> None:
            pdf.set_font("slip", style, size)
            for line in lines:
                pdf.cell(width, step, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(gap)

        self.steps.append(draw)
        self.height += step * len(lines) + gap

    def rule(self) -> None:
        pdf = self.pdf

        def draw() -> None:
            y = pdf.get_y() + 1.5
            pdf.set_line_width(0.4)
            pdf.line(MARGIN, y, WIDTH - MARGIN, y)
            pdf.set_y(y + 2.5)

        self.steps.append(draw)
        self.height += 4.0

    def qr(self, data: str) -> None:
        """The QR code of `data`, centred, with its quiet zone: each run of dark modules in a row is one rectangle."""
        pdf = self.pdf
        matrix = segno.make_qr(data, error="m").matrix  # never a Micro QR: not every hall scanner reads those
        module = QR_SIDE / len(matrix)
        quiet = 4 * module

        def draw() -> None:
            x0, y0 = (WIDTH - QR_SIDE) / 2, pdf.get_y() + quiet
            pdf.set_fill_color(0, 0, 0)
            for r, row in enumerate(matrix):
                c = 0
                while c < len(row):
                    if not row[c]:
                        c += 1
                        continue
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    pdf.rect(x0 + start * module, y0 + r * module, (c - start) * module, module, style="F")
            pdf.set_y(y0 + QR_SIDE + quiet)

        self.steps.append(draw)
        self.height += QR_SIDE + 2 * quiet


def break_lines(words: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`words` in lines no wider than `width`: between any two Chinese characters, between Latin words (a word
    too long for a line is cut), never with closing punctuation first on a line nor opening punctuation last."""
    tokens = re.findall(r"[A-Za-z0-9@#&_'+\-]+|\s+|.", words)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if measure(line + token) <= width or not line.strip():
            line += token
        elif token.isspace():
            lines.append(line)
            line = ""
        elif token in NO_LINE_START:
            line += token  # hangs a little into the margin rather than begin the next line
        else:
            carry = ""
            while line and line[-1] in NO_LINE_END:  # an opening quote goes down with what it opens
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + token
        # A Latin word wider than the whole line is cut (a hanging closing mark is not a word)
        while measure(line) > width and len(line) > 1 and line[-1] not in NO_LINE_START:
            cut = len(line) - 1
            while cut > 1 and measure(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.strip())
    return [x for x in lines if x] or [""]


__all__ = ["SlipFontError", "SlipFonts", "face_number", "slip_pdf"]
