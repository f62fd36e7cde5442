"""What an applicant (or a device, or the clock) does to a session, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .problems import Location, Problem

# kind -> does it take a value, and what the value means
EVENT_KINDS: dict[str, str] = {
    "ok": "",                # press the big button of an info/summary/end step
    "choose": "choice id",   # tap a choice tile
    "enter": "typed value",  # finish typing on the keypad
    "yes": "",               # confirm
    "no": "",                # decline a confirm
    "back": "",
    "repeat": "",            # say the prompt again
    "help": "",
    "staff": "",             # call staff: hand off from any step
    "tick": "seconds",       # time passes with no touch
    "extend": "",            # "I need more time"
    "card": "card data",     # ID card read (a mapping of applicant values, or nothing for the sample)
    "card_removed": "",
    "device_ok": "",         # photo taken, payment made, receipt printed, QR code scanned
    "device_failed": "",
    "signed": "verdict",     # the signature pad's verdict on the strokes: ok, empty, too_small, too_short
    "change": "step id",     # a change link on the summary
    "cancel_change": "",     # 取消修改 on a question opened from a change link
    "reset": "",
    "bigger": "",            # the applicant's own text-size control
    "smaller": "",
    "view": "preset name",   # the viewing-angle control: a preset, or nothing for the next one
    "language": "locale",    # the language button: a locale, or nothing to switch the voice
    "slower": "",            # the speed control: slower, slower still, then the rules' pace again
    "touch": "",             # any other touch (a keypad key, the screen itself): the applicant is there
}
USER_EVENTS = frozenset(EVENT_KINDS) - {"tick"}

# What each event does at the kiosk, in the words of docs/events.md (made from this table; a test keeps it so).
EVENT_HELP: dict[str, str] = {
    "ok": "Presses the big button of an `info`, `summary` or `end` step (on `end`: starts again for the next "
          "person); on `start_flow`, goes on in the flow it names.",
    "choose": "Taps the tile with this id on a `choice` step. A tile that screen does not show is an error at "
              "the event's line.",
    "enter": "Types this value on the keypad of a `number` or `text` step and presses 确定.",
    "yes": "Answers 对 / 是 on a `confirm` step.",
    "no": "Answers 不对 / 否 on a `confirm` step: goes to `no_next`, or back.",
    "back": "The 返回 button: the step before, answers kept (not back over a finished payment or print).",
    "repeat": "The 再听一遍 button: the prompt is spoken again.",
    "help": "The 帮助 button: the step's `help` is shown and spoken.",
    "staff": "The 叫工作人员 button: a queue ticket for the `call_staff` window, from any step.",
    "tick": "This many seconds pass with no touch: the time-out warning, then the reset.",
    "extend": "The 我还需要时间 button of the time-out warning: more time (never refused).",
    "card": "The ID card is read: the step's `simulate` sample card, or these values (`card: {age: 9}`).",
    "card_removed": "The ID card is taken out: every answer is wiped.",
    "device_ok": "The photo is taken, the payment made, the receipt printed, the QR code scanned; a clear "
                 "fingerprint; the live face check passed.",
    "device_failed": "The camera, payment terminal, printer or QR scanner fails: an error, a way to try again; "
                     "after a hand-off, its ticket did not print (the number stays on the screen). On a `fingerprint` "
                     "or `live_face` step: a try failed; its guidance is said, and after its last try the applicant "
                     "goes to `fail_next` (or the `call_staff` window) with a ticket.",
    "signed": "The applicant presses 签好了 on a `signature` step, and the pad's verdict on the strokes is this: "
              "`ok` (also `signed` alone), `empty`, `too_small` or `too_short`. A refusal says why; under the "
              "pilot the finger really draws such a signature on the pad.",
    "change": "The 修改 link of this step's row on the summary.",
    "cancel_change": "The 取消修改 button of a question opened from a 修改 link: back to the summary, every answer "
                     "as it was before the link was pressed.",
    "reset": "Starts again from the first step, every answer wiped.",
    "bigger": "The 大字 button: text one step (×0.2) larger, up to the theme's largest.",
    "smaller": "The 小字 button: text one step smaller, not below ×1.0.",
    "view": "The 角度 button: the next viewing preset (or this one, `view: wheelchair`), and its name is spoken.",
    "language": "The language button: the next voice (or screen) language, or this locale (`language: en`).",
    "slower": "The 慢一点 button: the voice slower, slower still, then back to the rules' pace; says it again.",
    "touch": "Any other touch (a keypad key, the screen): the applicant is there; during the warning, more time.",
}


@dataclass(frozen=True)
class Event:
    kind: str
    value: Any = None
    # Where a script or scenario wrote it, so a mistake found while it plays is reported at its line.
    location: Location | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind} {self.value}"


class EventError(ValueError):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.format())


def parse_event(raw: Any, location: Location) -> Event:
    """`ok`, `{choose: macau}`, `{tick: 30}`, `{card: {age: 76}}` -> Event; bad input raises EventError."""
    from .problems import did_you_mean

    kind: Any
    value: Any = None
    if isinstance(raw, bool):  # YAML 1.1 reads a bare `yes` / `no` as true / false
        raw = "yes" if raw else "no"
    if isinstance(raw, str):
        kind, value = raw.strip(), None
        if " " in kind:
            kind, value = kind.split(None, 1)
    elif isinstance(raw, dict) and len(raw) == 1:
        kind, value = next(iter(raw.items()))
    else:
        raise EventError(Problem("SM401", f"an event is a word like 'ok' or a pair like 'choose: macau', "
                                          f"not {raw!r}", location))
    if kind not in EVENT_KINDS:
        raise EventError(Problem("SM401", f"unknown event '{kind}'", location,
                                 hint=did_you_mean(str(kind), EVENT_KINDS) or f"events: {', '.join(EVENT_KINDS)}"))
    if kind == "tick":
        if isinstance(value, bool) or not _is_number(value):
            raise EventError(Problem("SM401", "tick needs a number of seconds, e.g. 'tick: 30'", location))
        value = float(value)
    if kind in ("choose", "change") and not isinstance(value, str):
        raise EventError(Problem("SM401", f"'{kind}' needs an id, e.g. '{kind}: macau'", location))
    if kind == "signed":
        from .devices import VERDICTS

        value = "ok" if value is None else value
        if value not in VERDICTS:
            raise EventError(Problem("SM401", f"'signed: {value}' is not a verdict of the signature pad", location,
                                     hint=did_you_mean(str(value), VERDICTS) or f"verdicts: {', '.join(VERDICTS)}"))
    if kind == "enter":
        if value is None:
            raise EventError(Problem("SM401", "'enter' needs the typed value, e.g. 'enter: 3'", location))
        value = str(value)
    return Event(str(kind), value, location)


def tile_problem(event: Event, step: str, tiles: list[str]) -> Problem:
    """A `choose:` the screen has no tile for: an error in the script or scenario, at the event's line."""
    from .problems import did_you_mean

    on_screen = f"the tiles are: {', '.join(tiles)}" if tiles else f"step '{step}' shows no tiles"
    return Problem("SM401", f"'choose: {event.value}', but step '{step}' has no tile '{event.value}'",
                   event.location or Location("<events>"), hint=did_you_mean(str(event.value), tiles) or on_screen)


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False
