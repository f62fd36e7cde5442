"""What a session asks the screen and the voice to do, as plain data: the UI only renders it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .devices import SignatureLimits
    from .slip import Slip

from .wording import plain


@dataclass(frozen=True)
class Strip:
    """The step strip: 'step 3 of 7' (ShowStep.strip_label says it in the screen's language). Counts from 1.

    The total is the flow's, the same on every screen (see progress.py); `steps` are the steps walked so far.
    On a handoff `stopped` is true and `position` is the step the applicant stopped at: not a finished flow.
    """

    position: int
    total: int
    steps: tuple[str, ...] = ()
    stopped: bool = False


@dataclass(frozen=True)
class Tile:
    id: str
    text: str
    icon: str
    text_key: str


@dataclass(frozen=True)
class SummaryRow:
    step: str
    label: str
    answer: str


@dataclass(frozen=True)
class DoneSoFar:
    """What an applicant handed to staff had done: steps by name (a choice with its label) and where they stopped."""

    done: tuple[SummaryRow, ...]
    stopped_at: str


@dataclass(frozen=True)
class Effect:
    @property
    def kind(self) -> str:
        return _KIND_NAMES[type(self)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind
        return data


@dataclass(frozen=True)
class ShowStep(Effect):
    step: str
    step_kind: str
    text: str
    text_key: str
    icon: str
    strip: Strip
    settings: dict[str, Any]
    timeout: float
    tiles: tuple[Tile, ...] = ()
    selected: tuple[str, ...] = ()  # tiles chosen on a screen where more than one may be (what was hard)
    summary: tuple[SummaryRow, ...] = ()
    error: str = ""
    value: str = ""
    can_back: bool = True
    button: str = ""
    amount: float | None = None
    changing: bool = False
    can_cancel: bool = False  # a screen of a change made from the summary: 取消修改 goes back with the old answer
    unit: str = ""  # after the typed number, e.g. 年
    max_length: int = 12  # how many keys the keypad takes
    keypad: str = "digits"  # which keypad (seniormode/core/keypads.py): digits, or id_number (X for the last one)
    language_button: str = ""  # the language the language button switches to, in its own name
    strip_label: str = ""  # "第 3 步，共 7 步" in the screen's language
    done_so_far: DoneSoFar | None = None  # on a handoff: the short account the ticket carries, in the screen's language
    printed: bool = False  # on a handoff: the ticket is printed (before that Back returns to where the applicant was)
    instruction: str = ""  # live face: what to do for the camera (请眨眨眼), in the screen's language
    tries_left: int = 0  # fingerprint, live face: how many tries are left
    signature: SignatureLimits | None = None  # signature: how big and long the pad's strokes must be


@dataclass(frozen=True)
class Speak(Effect):
    text: str
    text_key: str
    rate: int
    language: str
    reason: str  # prompt | repeat | error | help | warning | choice | view | cancel_change
    msgid: str = ""  # the source text: a human recording in the catalog is found by context + msgid
    target: str = ""  # for reason "choice": the tile to highlight while this is read


@dataclass(frozen=True)
class ShowHelp(Effect):
    text: str
    offers: tuple[str, ...]


@dataclass(frozen=True)
class WarnTimeout(Effect):
    seconds_left: float
    extensions_left: int


@dataclass(frozen=True)
class TimeoutCleared(Effect):
    extensions_left: int


@dataclass(frozen=True)
class Ticket:
    number: str
    window: str
    reason: str
    step: str
    answers: tuple[tuple[str, str], ...] = ()  # choices and yes/no by their labels; never a typed value
    steps_done: tuple[str, ...] = ()
    done_so_far: DoneSoFar = DoneSoFar((), "")

    def lines(self) -> list[str]:
        """The printed slip, for staff (in the flow's own language)."""
        done = plain(" · ".join(f"{r.label} {r.answer}".strip() for r in self.done_so_far.done)) or "—"
        return [f"号码 {self.number}  {self.window}", f"原因: {self.reason}", f"已办: {done}",
                f"停在: {self.done_so_far.stopped_at}"]


@dataclass(frozen=True)
class Handoff(Effect):
    ticket: Ticket


@dataclass(frozen=True)
class PrintSlip(Effect):
    """Print this slip now, on the kiosk's printer when it has one: the print step's receipt, a hand-off's ticket.

    The kiosk answers a print step's slip with device_ok or device_failed; a ticket that did not print is a
    device_failed on the hand-off screen (the number stays on the glass).
    """

    step: str
    slip: Slip


@dataclass(frozen=True)
class Finished(Effect):
    step: str


@dataclass(frozen=True)
class StartFlow(Effect):
    """The applicant goes on in another flow (a `start_flow` step): only these values go with them."""

    flow: str
    from_step: str
    inputs: dict[str, Any] = field(default_factory=dict)  # the target's declared inputs, by name
    overrides: dict[str, Any] = field(default_factory=dict)  # the applicant's own screen choices
    adjust: dict[str, float] = field(default_factory=dict)  # 大字 / 慢一点 presses


@dataclass(frozen=True)
class Reset(Effect):
    reason: str  # timeout | card_removed | reset


@dataclass(frozen=True)
class Rejected(Effect):
    """An event that means nothing here (a choice on an info screen): the UI ignores it."""

    event: str
    reason: str


@dataclass(frozen=True)
class Transition(Effect):
    """A move between steps, and why; kept for coverage and the explain trace, not shown."""

    source: str
    target: str
    via: str
    silent: tuple[str, ...] = field(default_factory=tuple)


_KIND_NAMES: dict[type, str] = {
    ShowStep: "show", Speak: "speak", ShowHelp: "help", WarnTimeout: "warn_timeout",
    TimeoutCleared: "timeout_cleared", Handoff: "handoff", PrintSlip: "print", Finished: "finished", Reset: "reset",
    StartFlow: "start_flow",
    Rejected: "rejected", Transition: "transition",
}
