"""The flow model: what a UX staff member's YAML means, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .problems import Location
from .rules.symbols import SymbolTable

if TYPE_CHECKING:
    from .devices import SignatureLimits
    from .rules.expression import Condition
    from .rules.ruleset import RuleSet

STEP_KINDS = (
    "info", "choice", "confirm", "number", "text", "summary",
    "id_card", "photo", "payment", "print", "fingerprint", "signature", "live_face", "qr_scan", "handoff", "end",
    "feedback", "start_flow",
)
QUESTION_KINDS = ("choice", "confirm", "number", "text")
HARDWARE_KINDS = ("id_card", "photo", "payment", "print", "fingerprint", "signature", "live_face", "qr_scan")
# Devices that report done (device_ok) and move on at once: the camera, the payment terminal, the printer, the
# QR scanner (the card reader reads a card; fingerprint, signature and live face have their own tries: devices.py).
DEVICE_OK_KINDS = ("photo", "payment", "print", "qr_scan")
# A `start_flow` step ends this flow: the applicant goes on in the flow it names (seniormode/core/flow_links.py).
TERMINAL_KINDS = ("handoff", "end", "start_flow")
# Once done, these cannot be undone by Back: money has moved, paper is printed.
IRREVERSIBLE_KINDS = ("payment", "print")
DEFAULT_TRIES = 3  # a fingerprint or live face: tries before a person takes over (core/devices.py)


@dataclass(frozen=True)
class Text:
    """A human-visible string with its gettext identity (flow/step/field) and where it was written.

    A message with placeholders keeps its `template` (what translators translate) and its `params`
    (filled in after translation; a param that is itself a Text is translated too).
    """

    value: str
    key: str
    location: Location
    template: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def msgid(self) -> str:
        return self.template or self.value

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Choice:
    id: str
    text: Text
    icon: str
    location: Location
    say: Text | None = None
    next: str | None = None
    next_location: Location | None = None
    icon_location: Location | None = None


@dataclass(frozen=True)
class Branch:
    """One line of a step's `next:` list: go to `target` if `condition` holds (or always)."""

    target: str
    location: Location
    condition: Condition | None = None


@dataclass(frozen=True)
class Timeout:
    seconds: float = 90.0
    warning: float = 30.0
    extensions: int = 10
    location: Location | None = None


@dataclass
class Step:
    id: str
    kind: str
    location: Location
    text: Text
    say: Text | None = None
    label: Text | None = None
    icon: str = ""
    icon_location: Location | None = None
    help: Text | None = None
    button: Text | None = None
    next: list[Branch] = field(default_factory=list)
    show_if: Condition | None = None
    timeout: float | None = None
    choices: list[Choice] = field(default_factory=list)
    # entry (number / text)
    field_name: Text | None = None
    valid: Condition | None = None
    error: Text | None = None
    max_length: int = 12
    keypad: str = "digits"  # text: which keypad (core/keypads.py): digits, or id_number with X for the last character
    unit: Text | None = None
    # confirm
    yes: Text | None = None
    no: Text | None = None
    no_next: str | None = None
    no_next_location: Location | None = None
    # confirm: what the ID card gave (name, region, ...), shown to be confirmed; the card cannot be changed here
    card: list[str] = field(default_factory=list)
    # summary
    show: list[str] = field(default_factory=list)
    show_locations: list[Location] = field(default_factory=list)
    # hardware
    simulate: dict[str, Any] = field(default_factory=dict)
    amount: float | None = None
    # fingerprint / live_face (core/devices.py): tries before staff, what is said after each failed one, where to
    tries: int = DEFAULT_TRIES
    guidance: list[Text] = field(default_factory=list)
    instruction: Text | None = None  # live_face: what to do for the camera, e.g. 请眨眨眼
    fail_next: str | None = None  # after the last failed try; None: the flow's call_staff
    fail_next_location: Location | None = None
    # signature: how big and long a signature must be (the strokes themselves never reach the flow or session)
    signature: SignatureLimits | None = None
    # handoff
    window: Text | None = None
    ticket_prefix: str = "A"
    # choice: the flow says its answers (tile ids, e.g. a destination) are safe for the journal to record
    journal_answer: bool = False
    # feedback: the "what was hard?" tiles after 不满意 / 非常不满意
    hard: list[Choice] = field(default_factory=list)
    # feedback: the flow's own words and icons for the five levels (all five, in order), else the official ones
    levels: list[Choice] = field(default_factory=list)
    # start_flow: the flow the applicant goes on in, and the names whose values go with them
    target_flow: str = ""
    target_location: Location | None = None
    hand_over: list[str] = field(default_factory=list)
    hand_over_locations: list[Location] = field(default_factory=list)

    @property
    def prompt(self) -> Text:
        """What is spoken when the step appears: `say`, or the screen text when none is given."""
        return self.say or self.text

    @property
    def short_label(self) -> Text:
        """The name of this step's answer on the summary and the ticket."""
        return self.label or self.field_name or self.text

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_KINDS

    @property
    def is_terminal(self) -> bool:
        return self.kind in TERMINAL_KINDS

    def choice(self, choice_id: str) -> Choice | None:
        for c in self.choices:
            if c.id == choice_id:
                return c
        return None

    def hard_tile(self, tile_id: str) -> Choice | None:
        return next((c for c in self.hard if c.id == tile_id), None)

    def texts(self) -> list[Text]:
        """Every human-visible string of this step, for catalogs and linting."""
        found = [t for t in (self.text, self.say, self.label, self.help, self.button, self.field_name, self.error,
                             self.unit, self.yes, self.no, self.window, self.instruction) if t is not None]
        found.extend(self.guidance)
        for c in (*self.choices, *self.hard, *self.levels):
            found.append(c.text)
            if c.say is not None:
                found.append(c.say)
        return found


@dataclass(frozen=True)
class Languages:
    """Which languages the screen and the voice offer, and what the language button switches."""

    display: tuple[str, ...] = ("zh_Hans_CN",)
    voice: tuple[str, ...] = ("zh_Hans_CN", "yue_Hans_CN")
    button: str = "voice"  # voice | display | both
    # Voice languages whose every prompt must be a human recording (locales/<locale>/audio/), not the synthesiser.
    recorded: tuple[str, ...] = ()
    recorded_location: Location | None = None


@dataclass
class InputSpec:
    """A value the rules may read that does not come from a step's answer."""

    name: str
    type: str  # "number" | "text" | "yes_no"
    description: str
    location: Location
    choices: tuple[str, ...] = ()
    # A flow that starts this one must hand it over (lint SM124); run alone, it may be unknown.
    required: bool = False


@dataclass
class Flow:
    id: str
    title: Text
    language: str
    location: Location
    steps: list[Step]
    inputs: dict[str, InputSpec]
    timeout: Timeout
    call_staff: str
    settings: dict[str, Any]
    rules: RuleSet
    file: str = ""
    # The folder the file is in: a `start_flow` step's target is looked up there (flow_links.py).
    folder: str = ""
    languages: Languages = field(default_factory=Languages)
    # The names conditions may use, with their types and choices (kept for rule analysis).
    symbols: SymbolTable = field(default_factory=SymbolTable.with_builtins)

    def __post_init__(self) -> None:
        self._by_id = {s.id: s for s in self.steps}
        self._index = {s.id: i for i, s in enumerate(self.steps)}

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, step_id: str) -> Step:
        return self._by_id[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._by_id

    def following(self, step_id: str) -> Step | None:
        """The step written after this one, for a step with no `next:`."""
        i = self._index[step_id] + 1
        return self.steps[i] if i < len(self.steps) else None

    def texts(self) -> list[Text]:
        out = [self.title]
        for s in self.steps:
            out.extend(s.texts())
        return out
