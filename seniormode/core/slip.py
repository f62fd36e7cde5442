"""What goes on a printed slip: the receipt of a print step and the ticket of a hand-off, as plain data.

The core decides the words; seniormode.printing lays them out as a PDF and sends it to the printer. A slip
carries only what the hall's paper receipt carries: the service, the number (printed largest, and the only
thing in the QR code), the window, the steps done with the choices made by their labels, the amount paid,
when and at which kiosk. Never a name, an ID number, a typed value or what the card reader read: the "what
was done" rows come from progress.done_so_far, which names a typed step as done and nothing more.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .effects import DoneSoFar, Ticket
from .flow import Text
from .messages import message

RECEIPT, TICKET = "receipt", "ticket"


@dataclass(frozen=True)
class SlipRow:
    """One line of a slip: a label and its value ("去往", "香港"); the value may be empty ("拍照" done)."""

    label: str
    value: str = ""


@dataclass(frozen=True)
class Slip:
    """A receipt or a ticket, in the words of the screen's language (`language`)."""

    kind: str  # receipt | ticket
    language: str
    service: str  # the flow's title: what the applicant came for
    title: str  # 回执 / 号码纸
    number_label: str  # 回执号 / 您的号码
    number: str  # printed largest; the QR code holds exactly this, nothing more
    window: str = ""  # a ticket: 请到5号"办不成事"窗口, printed large under the number
    rows_label: str = ""  # 已办好
    rows: tuple[SlipRow, ...] = ()  # what was done, in order
    notes: tuple[str, ...] = ()  # paid, where they stopped, why staff were called
    issued: str = ""  # when, to the minute, and which kiosk
    keep: str = ""  # the last line: keep this paper

    @property
    def qr(self) -> str:
        """What the QR code encodes: the receipt or ticket number alone (staff scan it to find the record)."""
        return self.number


Translate = Callable[[Text], str]


def receipt_slip(*, number: str, service: str, done: DoneSoFar, paid: Sequence[Text], issued: datetime.datetime,
                 station: int | None, language: str, tr: Translate) -> Slip:
    """The print step's receipt: the choices made (by their labels), the amount paid, when and where."""
    rows = tuple(SlipRow(r.label, r.answer) for r in done.done if r.answer)  # the choices made, by their labels
    notes = tuple(tr(message("slip_paid", amount=amount)) for amount in paid)
    return Slip(RECEIPT, language, service, tr(message("slip_receipt_title")), tr(message("slip_receipt_number")),
                number, "", tr(message("slip_chosen")), rows, notes, _issued(issued, station, tr),
                tr(message("slip_receipt_keep")))


def ticket_slip(*, ticket: Ticket, service: str, window: str, reason: str, done: DoneSoFar,
                issued: datetime.datetime, station: int | None, language: str, tr: Translate) -> Slip:
    """A hand-off's queue ticket: the number and window large, then what was done and where they stopped."""
    rows = tuple(SlipRow(r.label, r.answer) for r in done.done)
    notes = [tr(message("ui_stopped_at", step=done.stopped_at))] if done.stopped_at else []
    if reason:
        notes.append(tr(message("slip_reason", reason=reason)))
    return Slip(TICKET, language, service, tr(message("slip_ticket_title")), tr(message("ui_ticket_number")),
                ticket.number, tr(message("ui_go_to_window", window=window)), tr(message("ui_done_so_far")), rows,
                tuple(notes), _issued(issued, station, tr), tr(message("slip_ticket_keep")))


def _issued(when: datetime.datetime, station: int | None, tr: Translate) -> str:
    time = f"{when:%Y-%m-%d %H:%M}"
    if station is None:
        return tr(message("slip_issued", time=time))
    return tr(message("slip_issued_at", time=time, station=station))


__all__ = ["RECEIPT", "TICKET", "Slip", "SlipRow", "receipt_slip", "ticket_slip"]
