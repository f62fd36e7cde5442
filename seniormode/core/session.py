"""One applicant's way through a flow: a state machine driven by events, emitting effects as data.

The Kivy screen and the voice only render what `Session.handle` returns; every
decision (which step next, which settings, when to warn, what a ticket says)
is made here, so it can be tested headless in microseconds.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .changes import Before, cancel_hint, forget_off_path, offers_cancel
from .devices import TRIES_KINDS, VERDICTS, TriesState, failed_try, tries_reason
from .effects import (
    DoneSoFar,
    Effect,
    Finished,
    Handoff,
    PrintSlip,
    Rejected,
    Reset,
    ShowHelp,
    ShowStep,
    Speak,
    Strip,
    SummaryRow,
    Ticket,
    Tile,
    TimeoutCleared,
    Transition,
    WarnTimeout,
)
from .events import Event
from .feedback import BY_ID as FEEDBACK_LEVELS
from .feedback import DEFAULT_TIMEOUT as FEEDBACK_TIMEOUT
from .feedback import LEVELS, FeedbackState, Level
from .feedback import UNSATISFIED as FEEDBACK_UNSATISFIED
from .flow import DEVICE_OK_KINDS, IRREVERSIBLE_KINDS, Choice, Flow, Step, Text
from .graph import path_to
from .hand_over import BUTTON_WORD, start_next
from .i18n import LANGUAGE_NAMES, Catalogs, next_language
from .keypads import KEYPADS
from .messages import message
from .progress import StepNumbers, done_so_far
from .rules.ruleset import Adaptation, Route
from .rules.symbols import BUILTIN_SYMBOLS
from .settings import LOCALES, SETTINGS
from .slip import receipt_slip, ticket_slip
from .tickets import TicketCounter
from .viewing import PRESET_ORDER
from .wording import plain

ACTIVE, FINISHED, HANDED_OFF = "active", "finished", "handed_off"
# On the call-staff handoff before its ticket is printed: Back returns to where the applicant was.
CALLING = "calling_staff"
SLOWER_STEP = 30  # words per minute less for each press of the speed control
_BUILTIN_NAMES = tuple(s.name for s in BUILTIN_SYMBOLS)
_SESSION_FACTS = ("step", "errors", "extensions", "helps")
def _step_numbers(flow: Flow) -> StepNumbers:
    """A flow's step numbers, worked out once per flow (a kiosk starts a session for every applicant)."""
    key = (id(flow.steps), len(flow.steps), id(flow.steps[-1]) if flow.steps else 0)
    cached = flow.__dict__.get("_step_numbers")
    if cached is None or cached[0] != key:
        cached = (key, StepNumbers.of(flow))
        flow.__dict__["_step_numbers"] = cached
    numbers: StepNumbers = cached[1]
    return numbers
# What the keypad can type as a number: digits, a sign, a decimal point. No exponent, no NaN or infinity.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_PLAIN_NUMBER_START = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?")  # the start of a long number: too long, not unreadable


@dataclass
class _State:
    applicant: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    history: list[str] = field(default_factory=list)
    idle: float = 0.0
    warning: bool = False
    extensions: int = 0
    errors: int = 0
    helps: int = 0
    changing: bool = False
    return_to: str | None = None
    before_change: Before | None = None  # for 取消修改: the summary as it was when 修改 was pressed
    status: str = ACTIVE
    card_in: bool = False
    error: Text | None = None
    ticket: Ticket | None = None
    call_reason: str = ""  # why staff were called, for the ticket printed later
    before_call: str = ACTIVE  # the status to go back to if the call was a mistake (an end screen stays finished)
    # The applicant's own choices on the screen (viewing angle, language): above the rules.
    overrides: dict[str, Any] = field(default_factory=dict)
    # Bigger/smaller text and the speed control move the rules' value, so a rule that applies later
    # (the card says 82) still counts: text_scale +0.2 per press, speech_rate -30 per press.
    adjust: dict[str, float] = field(default_factory=dict)
    # The 好差评 step on screen: rating, then what was hard (seniormode/core/feedback.py).
    feedback: FeedbackState = field(default_factory=FeedbackState)
    # Failed fingerprint / live-face tries per step (core/devices.py); a signature is only ever a yes here.
    tries: TriesState = field(default_factory=TriesState)


class Session:
    def __init__(self, flow: Flow, inputs: dict[str, Any] | None = None,
                 clock: Callable[[], datetime.datetime] | None = None, tickets: TicketCounter | None = None,
                 catalogs: Catalogs | None = None, preferences: dict[str, Any] | None = None):
        self.flow = flow
        self.catalogs = catalogs
        # Kiosk-wide choices (a translator's --lang, a kiosk's own voice): above the rules, kept across resets.
        self.preferences = dict(preferences or {})
        self.start_inputs = dict(inputs or {})
        self.clock = clock or datetime.datetime.now
        self.tickets = tickets or TicketCounter()
        # Kept across resets: what this kiosk has walked, for branch coverage. Each distinct move once (with how
        # often), so a kiosk's memory stays flat over a day of applicants.
        self.transitions: dict[Transition, int] = {}
        self.choices_made: set[tuple[str, str]] = set()
        self._settings_memo: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.s = _State(dict(self.start_inputs))
        self.numbers = _step_numbers(flow)

    # ---- what the rules see -------------------------------------------------------------------
    @property
    def current(self) -> Step:
        return self.flow.step(self.s.history[-1])

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.s.answers)

    @property
    def history(self) -> list[str]:
        return list(self.s.history)

    @property
    def status(self) -> str:
        return self.s.status

    def values(self) -> dict[str, Any]:
        now = self.clock()
        values: dict[str, Any] = dict.fromkeys(_BUILTIN_NAMES)
        values.update(hour=now.hour, weekday=now.isoweekday())
        values.update(self.s.applicant)
        values.update(step=self.s.history[-1] if self.s.history else None, errors=self.s.errors,
                      extensions=self.s.extensions, helps=self.s.helps)
        for name in self.flow.inputs:
            values.setdefault(name, None)
        for step in self.flow.steps:
            if step.id not in values:
                values[step.id] = self.s.answers.get(step.id)
        return values

    def adaptation(self) -> Adaptation:
        return self.flow.rules.adapt(self.values())

    def _rule_settings(self) -> dict[str, Any]:
        """What the rules set for the applicant as they are now: the same as adaptation().settings.

        The screens ask many times an event (the screen, the voice, the time-out, the journal); the answer
        depends only on the values the adaptation rules read, so it is kept per those values.
        """
        names = self.flow.rules.adaptation_names
        s = self.s
        values: dict[str, Any] = {}
        now = None
        for n in names:
            if n in _SESSION_FACTS:
                values[n] = (s.history[-1] if s.history else None) if n == "step" else getattr(s, n)
            elif n in s.applicant:
                values[n] = s.applicant[n]
            elif n in ("hour", "weekday"):
                now = now or self.clock()
                values[n] = now.hour if n == "hour" else now.isoweekday()
            else:
                values[n] = s.answers.get(n) if self.flow.has_step(n) else None
        if not self.flow.rules.adaptation_remembered:  # rules over what an applicant typed: not kept past them
            return self.flow.rules.adapt(values).settings
        try:
            key = tuple(values[n] for n in names)
            hit = self._settings_memo.get(key)
        except TypeError:  # an unhashable value (a list): no memo
            return self.flow.rules.adapt(values).settings
        if hit is None:
            if len(self._settings_memo) >= 512:
                self._settings_memo.clear()
            hit = self._settings_memo[key] = self.flow.rules.adapt(values).settings
        return hit

    def settings(self) -> dict[str, Any]:
        settings = dict(self._rule_settings())
        settings.update(self.preferences)
        settings.update(self.s.overrides)
        for name, delta in self.s.adjust.items():
            spec = SETTINGS[name]
            value = min(max(float(settings[name]) + delta, spec.low or 0.0), spec.high or float(settings[name]))
            settings[name] = round(value, 1) if name == "text_scale" else int(value)
        return settings

    # ---- driving ------------------------------------------------------------------------------
    def start(self) -> list[Effect]:
        return self._enter(self.flow.first.id, "start", [])

    def handle(self, event: Event) -> list[Effect]:
        if not self.s.history:
            return self.start()
        kind = event.kind
        if kind == "tick":
            return self._tick(float(event.value or 0))
        out: list[Effect] = []
        if kind == "extend" or kind == "touch" and self.s.warning:
            return self._extend()  # a touch during the warning is the applicant saying they are still here
        if self.s.warning:
            self.s.warning = False
            out.append(TimeoutCleared(self._extensions_left()))
        self.s.idle = 0.0
        handler = getattr(self, f"_on_{kind}", None)
        if handler is None:
            return out + [Rejected(kind, "unknown event")]
        if self.s.status == CALLING and kind in ("ok", "staff"):
            return out + self._print_ticket()  # the big button, or calling again: yes, a person please
        if self.s.status == HANDED_OFF and kind == "staff":
            return out + [Rejected(kind, "a person is already on the way")]
        if self.s.status != ACTIVE and kind not in ("reset", "card_removed", "repeat", "ok", "help", "bigger",
                                                     "smaller", "view", "language", "slower", "staff", "touch", "back",
                                                     "device_failed"):
            return out + [Rejected(kind, "the session has ended; touch to start again")]
        result: list[Effect] = handler(event)
        return out + result

    # ---- events -------------------------------------------------------------------------------
    def _on_ok(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind == "feedback" and self.s.status == ACTIVE:
            return self._feedback_done(step)  # 跳过 on the rating, 好了 on what was hard
        if step.kind == "end" or self.s.status != ACTIVE:
            return self._reset("finished")
        if step.kind == "start_flow":  # on into the flow it names (hand_over.py): this one is finished
            return start_next(self, step)
        if step.kind not in ("info", "summary"):
            return [Rejected("ok", f"a {step.kind} step is answered, not passed with OK")]
        self.s.done.add(step.id)
        if step.kind == "summary":
            self.s.changing, self.s.return_to = False, None
        return self._advance(step)

    def _on_choose(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind == "feedback":
            return self._feedback_choose(step, str(event.value))
        choice = step.choice(str(event.value)) if step.kind == "choice" else None
        if choice is None:
            return [Rejected("choose", f"no choice '{event.value}' on step {step.id}")]
        self.s.answers[step.id] = choice.id
        self.choices_made.add((step.id, choice.id))
        return self._advance(step, choice.next, f"choice {choice.id}" if choice.next else None)

    def _on_enter(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind not in ("number", "text"):
            return [Rejected("enter", f"step {step.id} takes no typed value")]
        raw = str(event.value if event.value is not None else "").strip()
        field_name = step.field_name or step.text
        value: Any = raw
        # Form and length before any arithmetic, looking at no more than max_length + 1 characters: an answer is
        # refused in microseconds, whatever was typed or sent (int(Decimal("1e999999")) took 39 s).
        head = raw[:step.max_length + 1]
        if step.kind == "number" and not _PLAIN_NUMBER.fullmatch(head) and not _PLAIN_NUMBER_START.fullmatch(head):
            return self._input_error(message("number_unreadable", field=field_name), head)
        if len(raw) > step.max_length:
            return self._input_error(message("too_long", field=field_name), head)
        if step.kind == "number":
            number = Decimal(raw)
            value = int(number) if number == number.to_integral_value() else float(number)
        if step.valid is not None:
            values = self.values()
            values["value"] = value
            if not step.valid.evaluate(values).result:
                assert step.error is not None
                return self._input_error(step.error, raw)
        self.s.answers[step.id] = value
        return self._advance(step)

    def _on_yes(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind != "confirm":
            return [Rejected("yes", f"step {step.id} asks nothing to confirm")]
        self.s.answers[step.id] = True
        self.choices_made.add((step.id, "yes"))
        return self._advance(step)

    def _on_no(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind != "confirm":
            return [Rejected("no", f"step {step.id} asks nothing to confirm")]
        self.s.answers[step.id] = False
        self.choices_made.add((step.id, "no"))
        if step.no_next:
            return self._enter(step.no_next, "answer no", [])
        if self._can_back():
            return self._on_back(event)
        return self._advance(step)  # nothing to go back to (a payment is done): "no" is an answer, go on

    def _on_back(self, event: Event) -> list[Effect]:
        h = self.s.history
        if self.s.status not in (ACTIVE, CALLING) or len(h) < 2:
            return [Rejected("back", "nothing to go back to")]
        if self.s.status == CALLING:  # a mistaken tap on 叫工作人员: back to that step, answers kept, no ticket
            self.s.status, self.s.call_reason = self.s.before_call, ""
            self._walked(Transition(h.pop(), h[-1], "back before the ticket is printed"))
            return self._show(reason="prompt")
        previous = self.flow.step(h[-2])
        if previous.kind in IRREVERSIBLE_KINDS and previous.id in self.s.done:
            return [Rejected("back", f"{previous.id} is done and cannot be undone")]
        h.pop()
        if self.s.changing and h[-1] == self.s.return_to:
            self.s.changing, self.s.return_to = False, None
        self.s.error = None
        return self._show(reason="prompt")

    def _on_touch(self, event: Event) -> list[Effect]:
        return []  # handle() has already counted it as activity: the idle time starts again

    def _on_repeat(self, event: Event) -> list[Effect]:
        return [self._speak(self._prompt(), "repeat")]

    def _prompt(self) -> Text:
        """What this screen says: before a call-staff ticket prints, that Back undoes the call."""
        if self.current.kind == "feedback" and self.s.feedback.phase == "hard":
            return message("feedback_hard_say")
        if self.s.status == CALLING:
            return message("handoff_print_or_back")
        step = self.current
        if step.instruction is not None:  # live face: what to do for the camera, after the prompt
            return message("live_face_say", prompt=step.prompt, instruction=step.instruction)
        return step.prompt

    # ---- the 好差评 step -----------------------------------------------------------------------
    def _feedback_choose(self, step: Step, value: str) -> list[Effect]:
        fb = self.s.feedback
        if fb.phase == "rate":
            if value not in FEEDBACK_LEVELS:
                return [Rejected("choose", f"no level '{value}' on step {step.id}")]
            fb.level = value
            self.s.answers[step.id] = value
            if value in FEEDBACK_UNSATISFIED and step.hard:
                fb.phase = "hard"
                self.s.idle = 0.0
                return self._show(reason="prompt")
            return self._feedback_done(step)
        tile = step.hard_tile(value)
        if tile is None:
            return [Rejected("choose", f"no tile '{value}' on step {step.id}")]
        fb.toggle(tile.id)
        if tile.next:  # 其他 -> a person: what was chosen so far is kept for the journal
            return self._advance(step, tile.next, f"choice {tile.id}")
        return self._show(reason="choice", spoken=tile.say or tile.text) if tile.id in fb.hard else \
            self._show(reason="prompt", speak=False)

    def _feedback_done(self, step: Step) -> list[Effect]:
        self.s.done.add(step.id)
        return self._advance(step)

    def _on_help(self, event: Event) -> list[Effect]:
        self.s.helps += 1
        text = self.current.help or message("help_default")
        settings = self.settings()
        shown = self._tr(text, settings["display_language"])
        return [ShowHelp(shown, tuple(settings["help"])), self._speak(text, "help", settings)]

    def _on_staff(self, event: Event) -> list[Effect]:
        reason = message("staff_reason", step=self.current.text).value
        return self._enter(self.flow.call_staff, "call staff", [], reason=reason)

    def _on_card(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind != "id_card":
            return [Rejected("card", "no card is asked for now")]
        data = dict(step.simulate)
        data.update(self.start_inputs)
        if isinstance(event.value, dict):
            data.update(event.value)
        self.s.applicant.update({k: v for k, v in data.items() if k != "ok"})
        self.s.card_in = True
        self.s.answers[step.id] = True
        self.s.done.add(step.id)
        return self._advance(step)

    def _on_card_removed(self, event: Event) -> list[Effect]:
        if not self.s.card_in:
            return [Rejected("card_removed", "no card was read")]
        if self.s.status == CALLING:
            # They asked for a person and took their card: print the ticket now, so Back cannot hand this
            # applicant's answers to whoever touches the screen next.
            self.s.card_in = False
            return self._print_ticket()
        if self.s.status != ACTIVE:
            # Taking the card at the end is what we asked for: the ticket or the goodbye stays on the screen
            # until its own time-out wipes the session.
            self.s.card_in = False
            return []
        return self._reset("card_removed")

    def _on_device_ok(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind not in (*DEVICE_OK_KINDS, *TRIES_KINDS):
            return [Rejected("device_ok", f"step {step.id} uses no device")]
        self.s.tries.passed(step.id)
        self.s.answers[step.id] = True
        self.s.done.add(step.id)
        return self._advance(step)

    def _on_device_failed(self, event: Event) -> list[Effect]:
        step = self.current
        if step.kind == "handoff" and self.s.status == HANDED_OFF:  # the ticket's paper: the number is on the glass
            return self._input_error(message("ticket_not_printed"), "")
        if self.s.status != ACTIVE or step.kind not in ("id_card", *DEVICE_OK_KINDS, *TRIES_KINDS):
            return [Rejected("device_failed", f"step {step.id} uses no device")]
        if step.kind in TRIES_KINDS:  # a faint print, a face that did not blink: say how, then a person
            guidance = failed_try(self.s.tries, step)
            if guidance is None:
                return self._enter(step.fail_next or self.flow.call_staff, "too many tries", [],
                                   reason=tries_reason(step).value)
            return self._input_error(guidance, "")
        return self._input_error(message("device_failed"), "")

    def _on_signed(self, event: Event) -> list[Effect]:
        """The screen's verdict on the strokes (core/devices.py): the session keeps only that it was signed."""
        step, result = self.current, str(event.value or "ok")
        if step.kind != "signature" or result not in VERDICTS:
            return [Rejected("signed", f"step {step.id} asks for no signature" if step.kind != "signature"
                             else f"no verdict '{result}'")]
        if result != "ok":
            return self._input_error(message(f"signature_{result}"), "")
        self.s.answers[step.id] = True
        self.s.done.add(step.id)
        return self._advance(step)

    def _on_change(self, event: Event) -> list[Effect]:
        step = self.current
        rows = {r.step for r in self._summary_rows(step)} if step.kind == "summary" else set()
        target = str(event.value)
        if target not in rows:
            return [Rejected("change", f"'{target}' has no change link here")]
        self.s.changing, self.s.return_to = True, step.id
        self.s.before_change = Before.of(step.id, self.s.answers, self.s.done, self.s.history, self.s.tries.failed)
        h = self.s.history
        del h[h.index(target) + 1:]
        self._walked(Transition(step.id, target, "change"))
        return self._show(reason="prompt")

    def _on_cancel_change(self, event: Event) -> list[Effect]:
        before = self.s.before_change
        if before is None or not offers_cancel(self.current, self.s.changing, self.s.status == ACTIVE):
            return [Rejected("cancel_change", "no change to cancel here")]
        source = self.current.id
        before.restore(self.s.answers, self.s.done, self.s.history, self.s.tries.failed)
        self.s.changing, self.s.return_to, self.s.before_change, self.s.error = False, None, None, None
        self._walked(Transition(source, before.summary, "cancel change"))
        return self._show(reason="prompt")

    def _on_reset(self, event: Event) -> list[Effect]:
        return self._reset("reset")

    def _on_bigger(self, event: Event) -> list[Effect]:
        return self._adjust_text(+0.2)

    def _on_smaller(self, event: Event) -> list[Effect]:
        return self._adjust_text(-0.2)

    def _adjust_text(self, step: float) -> list[Effect]:
        before = self.settings()["text_scale"]
        self.s.adjust["text_scale"] = round(self.s.adjust.get("text_scale", 0.0) + step, 1)
        if self.settings()["text_scale"] == before:  # at the limit: pressing again changes nothing
            self.s.adjust["text_scale"] = round(self.s.adjust["text_scale"] - step, 1)
            return [Rejected("text_scale", "already at the limit")]
        return self._show(reason="prompt", speak=False)

    def _on_slower(self, event: Event) -> list[Effect]:
        """The speed control: slower, slower still, then back to the pace the rules chose; says it again."""
        current = -self.s.adjust.get("speech_rate", 0.0) // SLOWER_STEP
        self.s.adjust["speech_rate"] = -SLOWER_STEP * ((current + 1) % 3)
        return self._show(reason="repeat")

    def _on_view(self, event: Event) -> list[Effect]:
        current = self.settings()["view_preset"]
        if event.value is None:
            value = PRESET_ORDER[(PRESET_ORDER.index(current) + 1) % len(PRESET_ORDER)]
        elif event.value in PRESET_ORDER:
            value = event.value
        else:
            return [Rejected("view", f"no viewing preset '{event.value}'")]
        effects = self._override("view_preset", value)
        if not any(isinstance(e, Rejected) for e in effects):  # the screen moves: say where to, in the voice
            effects.append(self._speak(message(f"view_{value}"), "view"))
        return effects

    def _on_language(self, event: Event) -> list[Effect]:
        """The language button: switches the voice, the screen text or both, as the flow says."""
        langs = self.flow.languages
        settings = self.settings()
        if event.value is not None and event.value not in LOCALES:
            return [Rejected("language", f"no language '{event.value}'")]
        if langs.button in ("voice", "both"):
            voice = event.value or next_language(langs.voice, settings["voice_language"])
            self.s.overrides["voice_language"] = voice
            if langs.button == "both":  # the screen follows the voice where it can, else shows the first
                self.s.overrides["display_language"] = voice if voice in langs.display else langs.display[0]
        else:
            self.s.overrides["display_language"] = event.value or next_language(langs.display,
                                                                           settings["display_language"])
        return self._show(reason="prompt")

    def language_button_label(self, settings: dict[str, Any]) -> str:
        """What the language button offers: the next language's own name (粤语 / 普通话 / English)."""
        langs = self.flow.languages
        if langs.button == "display":
            return LANGUAGE_NAMES[next_language(langs.display, settings["display_language"])]
        return LANGUAGE_NAMES[next_language(langs.voice, settings["voice_language"])]

    def _tr(self, text: Text, locale: str) -> str:
        return self.catalogs.translate(text, locale) if self.catalogs is not None else text.value

    def _override(self, name: str, value: Any) -> list[Effect]:
        if self.settings()[name] == value:
            return [Rejected(name, "already at the limit")]
        self.s.overrides[name] = value
        return self._show(reason="prompt", speak=False)

    def jump_to(self, step_id: str) -> list[Effect]:
        """Show any step with sample answers on a way to it (storyboard, translators' preview)."""
        self.s = _State(dict(self.start_inputs))
        path = path_to(self.flow, step_id)
        for sid in path[:-1]:
            self._sample_answer(self.flow.step(sid), path)
        self.s.history = path
        if self.flow.step(step_id).kind == "handoff":
            self.s.status = HANDED_OFF
            self.s.ticket = self._ticket(self.flow.step(step_id), self.flow.step(step_id).text.value,
                                         path[-2] if len(path) > 1 else step_id)
        elif self.flow.step(step_id).kind == "end":
            self.s.status = FINISHED
        return self._show(reason="prompt")

    def _sample_answer(self, step: Step, path: list[str]) -> None:
        if step.kind == "choice" and step.choices:
            nxt = path[path.index(step.id) + 1]
            self.s.answers[step.id] = step.choices[0].id
            for c in step.choices:  # the choice that leads on along the path, if one does
                self.s.answers[step.id] = c.id
                values = self.values()
                target, _, _ = self._next_from(step, c.next, set(), values)
                if target == nxt and self._visible(nxt, values):
                    break
        elif step.kind == "confirm":
            self.s.answers[step.id] = True
        elif step.kind in ("number", "text"):
            for candidate in ([1, 2, 3, 5, 10, 30] if step.kind == "number" else [KEYPADS[step.keypad].sample, "示例"]):
                values = self.values()
                values["value"] = candidate
                if step.valid is None or step.valid.evaluate(values).result:
                    self.s.answers[step.id] = candidate
                    break
        elif step.kind == "id_card":
            self.s.applicant.update({k: v for k, v in step.simulate.items() if k != "ok"})
            self.s.applicant.update(self.start_inputs)
            self.s.answers[step.id] = True
            self.s.card_in = True
        elif step.kind in (*DEVICE_OK_KINDS, "signature", *TRIES_KINDS):
            self.s.answers[step.id] = True
        self.s.done.add(step.id)

    # ---- time ---------------------------------------------------------------------------------
    def step_timeout(self, settings: dict[str, Any] | None = None) -> float:
        if self.current.kind == "feedback":
            # Its own short time-out, not stretched by the age rules: the next applicant must not wait on it.
            return float(self.current.timeout or FEEDBACK_TIMEOUT)
        base = self.current.timeout or self.flow.timeout.seconds
        return float(base) * float((settings or self.settings())["timeout_factor"])

    def _extensions_left(self) -> int:
        return max(0, self.flow.timeout.extensions - self.s.extensions)

    def _tick(self, seconds: float) -> list[Effect]:
        if seconds <= 0:
            return []
        self.s.idle += seconds
        limit = self.step_timeout()
        if self.s.status == CALLING:  # nobody pressed anything: whoever called for help gets the ticket
            return self._print_ticket() if self.s.idle >= limit else []
        if self.s.status != ACTIVE:
            return self._reset("finished") if self.s.idle >= limit else []
        if self.current.kind == "feedback":  # never a warning: a rating nobody gives is a rating skipped
            return self._feedback_done(self.current) if self.s.idle >= limit else []
        out: list[Effect] = []
        if not self.s.warning and self.s.idle >= limit:
            self.s.warning = True
            left = self.flow.timeout.warning
            out += [WarnTimeout(left, self._extensions_left()), self._speak(message("timeout_warning"), "warning")]
        if self.s.warning and self.s.idle >= limit + self.flow.timeout.warning:
            out += self._reset("timeout")
        return out

    def _extend(self) -> list[Effect]:
        if not self.s.warning:
            self.s.idle = 0.0
            return [Rejected("extend", "no time-out warning is showing")]
        # WCAG 2.2.1 asks for at least 10 extensions; a person pressing the button is there, so it never refuses.
        self.s.extensions += 1
        self.s.warning = False
        self.s.idle = 0.0
        return [TimeoutCleared(self._extensions_left())]

    # ---- moving -------------------------------------------------------------------------------
    def _walked(self, transition: Transition) -> None:
        self.transitions[transition] = self.transitions.get(transition, 0) + 1

    def _reset(self, reason: str) -> list[Effect]:
        self.s = _State(dict(self.start_inputs))
        return [Reset(reason)] + self.start()

    def _next_from(self, step: Step, choice_next: str | None, exclude: set[str],
                   values: dict[str, Any]) -> tuple[str | None, str, Route | None]:
        route = self.flow.rules.route(step.id, values, exclude)
        if route is not None:
            return route.target, f"rule {route.match.rule.id}", route
        if choice_next:
            return choice_next, "choice", None
        if step.kind == "choice" and step.choices:
            answer = self.s.answers.get(step.id)
            chosen = step.choice(answer) if isinstance(answer, str) else None
            if chosen is not None and chosen.next:  # the answer given before leads its own way
                return chosen.next, "choice", None
            if chosen is None and all(c.next for c in step.choices):
                return step.choices[0].next, "choice", None
        for b in step.next:
            if b.condition is None:
                return b.target, "next" if len(step.next) == 1 else "otherwise", None
            if b.condition.evaluate(values).result:
                return b.target, f"if {b.condition.source}", None
        following = self.flow.following(step.id)
        return (following.id if following else None), "next in list", None

    def _visible(self, step_id: str, values: dict[str, Any]) -> bool:
        cond = self.flow.step(step_id).show_if
        return cond is None or cond.evaluate(values).result

    def _advance(self, step: Step, choice_next: str | None = None, via: str | None = None) -> list[Effect]:
        self.s.error = None
        values = self.values()
        target, how, _ = self._next_from(step, choice_next, set(self.s.history), values)
        silent: list[str] = []
        if self.s.changing:
            # Ask only what the new branch needs: skip steps answered before, stop at the summary.
            guard = 0
            while target is not None and target != self.s.return_to and guard < len(self.flow.steps):
                guard += 1
                t = self.flow.step(target)
                answered = target in self.s.answers or target in self.s.done
                if not answered and self._visible(target, values):
                    break
                if answered and self._visible(target, values):
                    self.s.history.append(target)
                    silent.append(target)
                target, how, _ = self._next_from(t, None, set(self.s.history), values)
            if target == self.s.return_to:
                self.s.changing, self.s.return_to = False, None
        return self._enter(target, via or how, silent, source=step.id)

    def _enter(self, target: str | None, via: str, silent: list[str], source: str | None = None,
               reason: str = "") -> list[Effect]:
        values = self.values()
        guard = 0
        while target is not None and not self._visible(target, values) and guard < len(self.flow.steps):
            guard += 1
            target, via2, _ = self._next_from(self.flow.step(target), None, set(self.s.history), values)
            via = f"{via}, skipped hidden step"
        if target is None or guard >= len(self.flow.steps):
            # A flow with no way on (only possible if checks were bypassed): a person takes over.
            target, via = self.flow.call_staff, "no way on"
        self._walked(Transition(source or (self.s.history[-1] if self.s.history else "start"), target, via,
                                tuple(silent)))
        if self.s.history and self.s.history[-1] == target:
            self.s.history.pop()
        if target in self.s.history and not self.s.changing:
            # Going round a loop (e.g. 'no' on a confirm back to a question): cut the path back to it.
            del self.s.history[self.s.history.index(target):]
        self.s.history.append(target)
        step = self.flow.step(target)
        out: list[Effect] = []
        if step.kind == "summary":
            forget_off_path(self.s.answers, self.s.done, self.s.history, self.s.tries.failed)
        if step.kind == "feedback":
            self.s.feedback = FeedbackState()
        if step.kind == "handoff":
            self.s.call_reason = reason or step.text.value
            if via == "call staff":  # printed when the applicant says so (or at the time-out), not at once
                self.s.before_call, self.s.status = self.s.status, CALLING
                return self._show(reason="prompt")
            return self._print_ticket()
        if step.kind == "end":
            self.s.status = FINISHED
        out += self._show(reason="prompt")
        if step.kind == "print":
            out.append(self._receipt(step))
        if step.kind == "end":
            out.append(Finished(step.id))
        return out

    def _print_ticket(self) -> list[Effect]:
        """Take the queue number and print the slip: from now on Back is no longer offered."""
        h = self.s.history
        self.s.status, self.s.idle = HANDED_OFF, 0.0
        ticket = self._ticket(self.current, self.s.call_reason or self.current.text.value,
                              h[-2] if len(h) > 1 else h[-1])
        self.s.ticket = ticket
        return self._show(reason="prompt") + [Handoff(ticket), self._ticket_slip(ticket)]

    def _input_error(self, text: Text, raw: str) -> list[Effect]:
        self.s.errors += 1
        self.s.error = text
        return self._show(reason="error", spoken=text, value=raw)

    # ---- what the screen shows ----------------------------------------------------------------
    def strip(self) -> Strip:
        """The flow's own numbers (progress.py): a branch taken never changes the total."""
        history, numbers = tuple(self.s.history), self.numbers
        if self.current.kind == "handoff":  # where the applicant stopped, never "step 8 of 8"
            return Strip(numbers.position(history[-2] if len(history) > 1 else history[-1]), numbers.total,
                         history, stopped=True)
        if self.current.kind == "end":
            return Strip(numbers.total, numbers.total, history)
        return Strip(numbers.position(self.current.id), numbers.total, history)

    def _show(self, reason: str, spoken: Text | None = None, value: str = "", speak: bool = True) -> list[Effect]:
        step = self.current
        settings = self.settings()
        display = str(settings["display_language"])

        def tr(text: Text) -> str:
            return self._tr(text, display)

        tiles = tuple(Tile(c.id, tr(c.text), c.icon, c.text.key) for c in step.choices)
        title = step.text
        selected: tuple[str, ...] = ()
        if step.kind == "feedback":
            title, tiles, selected, feedback_button = self._feedback_screen(step, tr)
        if step.kind == "confirm":
            yes, no = step.yes or message("yes"), step.no or message("no")
            tiles = (Tile("yes", tr(yes), "yes", yes.key), Tile("no", tr(no), "no", no.key))
        answer = self.s.answers.get(step.id)
        shown_value = value or ("" if answer is None or isinstance(answer, bool) else str(answer))
        button = step.button or message(BUTTON_WORD.get(step.kind, "ok"))
        if self.s.status == CALLING:
            button = message("ui_print_ticket")
        if step.kind == "feedback":
            button = feedback_button
        strip = self.strip()
        show = ShowStep(
            step=step.id, step_kind=step.kind, text=tr(title), text_key=title.key, icon=step.icon, selected=selected,
            strip=strip, settings=settings, timeout=self.step_timeout(settings), tiles=tiles,
            summary=self._summary_rows(step, display) if step.kind == "summary" else self._card_rows(step, display),
            error=tr(self.s.error) if self.s.error else "", value=shown_value, can_back=self._can_back(),
            button=tr(button), amount=step.amount, changing=self.s.changing,
            unit=tr(step.unit) if step.unit is not None and step.kind != "payment" else "",
            max_length=step.max_length, keypad=step.keypad,
            language_button=self.language_button_label(settings), strip_label=tr(message(
                "ui_strip_stopped" if strip.stopped else "ui_strip", position=strip.position, total=strip.total)),
            done_so_far=self._done_so_far(display) if step.kind == "handoff" else None,
            printed=step.kind == "handoff" and self.s.status == HANDED_OFF,
            instruction=tr(step.instruction) if step.instruction is not None else "",
            tries_left=self.s.tries.left(step.id, step.tries) if step.kind in TRIES_KINDS else 0,
            signature=step.signature,
            can_cancel=offers_cancel(step, self.s.changing, self.s.status == ACTIVE),
        )
        if not speak:
            return [show]
        out: list[Effect] = [show, self._speak(spoken or self._prompt(), reason, settings)]
        if show.can_cancel and reason in ("prompt", "repeat"):
            out.append(self._speak(cancel_hint(), "cancel_change", settings))
        if step.kind == "choice" and settings.get("read_choices") == "on" and reason in ("prompt", "repeat"):
            out += [self._speak(c.say or c.text, "choice", settings, target=f"choice:{c.id}") for c in step.choices]
        return out

    def tile_ids(self) -> list[str]:
        """The tiles on the screen now: a choice's, yes/no, a rating's five faces or what was hard."""
        step = self.current
        if step.kind == "feedback":
            return [c.id for c in step.hard] if self.s.feedback.phase == "hard" else [lv.id for lv in LEVELS]
        if step.kind == "confirm":
            return ["yes", "no"]
        return [c.id for c in step.choices]

    def _feedback_screen(self, step: Step, tr: Callable[[Text], str]) \
            -> tuple[Text, tuple[Tile, ...], tuple[str, ...], Text]:
        """The five faces with their words, or (after a bad rating) the 'what was hard?' tiles, some chosen."""
        fb = self.s.feedback
        if fb.phase == "hard":
            tiles = tuple(Tile(c.id, tr(c.text), c.icon, c.text.key) for c in step.hard)
            return message("feedback_hard_text"), tiles, fb.hard, message("feedback_hard_done")
        levels: Sequence[Choice | Level] = step.levels or LEVELS  # the flow's own words, else the official ones
        tiles = tuple(Tile(lv.id, tr(lv.text), lv.icon, lv.text.key) for lv in levels)
        return step.text, tiles, (), step.button or message("feedback_skip")

    def _can_back(self) -> bool:
        h = self.s.history
        if self.s.status == CALLING:
            return len(h) > 1
        if self.s.status != ACTIVE or len(h) < 2:
            return False
        previous = self.flow.step(h[-2])
        return not (previous.kind in IRREVERSIBLE_KINDS and previous.id in self.s.done)

    def _speak(self, text: Text, reason: str, settings: dict[str, Any] | None = None, target: str = "") -> Speak:
        settings = settings or self.settings()
        voice = str(settings["voice_language"])
        return Speak(plain(self._tr(text, voice)), text.key, int(settings["speech_rate"]), voice, reason, text.msgid,
                     target)

    def answer_text(self, step: Step, locale: str = "zh_Hans_CN") -> str:
        answer = self.s.answers.get(step.id)
        if step.kind == "choice":
            choice = step.choice(str(answer))
            return self._tr(choice.text, locale) if choice else ""
        if step.kind == "confirm":
            return self._tr(message("yes") if answer else message("no"), locale)
        if step.kind == "number" and step.unit is not None:
            return f"{answer}{self._tr(step.unit, locale)}"
        return "" if answer is None else str(answer)

    def _summary_rows(self, summary: Step, locale: str = "zh_Hans_CN") -> tuple[SummaryRow, ...]:
        ids = summary.show or [sid for sid in self.s.history if self.flow.step(sid).is_question
                               and self.flow.step(sid).kind != "confirm"]
        rows = []
        for sid in ids:
            if sid in self.s.answers and sid in self.s.history:
                step = self.flow.step(sid)
                label = self._tr(step.short_label, locale)
                rows.append(SummaryRow(sid, label, self.answer_text(step, locale)))
        return tuple(rows)

    def _card_rows(self, step: Step, locale: str) -> tuple[SummaryRow, ...]:
        """A confirm step's `card:` rows: what the ID card gave, to be confirmed (never changed here)."""
        return tuple(SummaryRow(name, self._tr(message(f"card_{name}"), locale),
                                str(self.s.applicant.get(name) if self.s.applicant.get(name) is not None else "—"))
                     for name in step.card)

    def _done_so_far(self, locale: str = "zh_Hans_CN") -> DoneSoFar:
        """What was done before this handoff, in `locale`: the screen shows it and the slip carries it."""
        h, flow = self.s.history, self.flow
        return done_so_far(flow, h[:-1], self.s.done, set(self.s.answers), h[-2] if len(h) > 1 else h[-1],
                           label=lambda sid: self._tr(flow.step(sid).short_label, locale),
                           answer=lambda sid: self.answer_text(flow.step(sid), locale))

    def _ticket(self, step: Step, reason: str, came_from: str) -> Ticket:
        summary = self._done_so_far()
        answered = tuple((plain(r.label), plain(r.answer)) for r in summary.done if r.answer)  # choices, yes/no
        assert step.window is not None
        return Ticket(self.tickets.take(step.ticket_prefix), step.window.value, reason, came_from,
                      answered, tuple(self.s.history), summary)

    # ---- what is printed (core/slip.py lays down the words) --------------------------------------
    def _receipt(self, step: Step) -> PrintSlip:
        """The print step's receipt in the screen's language, with a new receipt number."""
        display = str(self.settings()["display_language"])
        paid = [message("ui_amount", amount=f"{s.amount:g}", unit=s.unit or "") for s in map(self.flow.step,
                self.s.history) if s.kind == "payment" and s.id in self.s.done and s.amount is not None]
        chosen = tuple(r for r in self._done_so_far(display).done if self.flow.step(r.step).kind == "choice")
        return PrintSlip(step.id, receipt_slip(
            number=self.tickets.receipt(), service=self._tr(self.flow.title, display),
            done=DoneSoFar(chosen, ""), paid=paid, issued=self.clock(), station=self.tickets.station,
            language=display, tr=lambda text: self._tr(text, display)))

    def _ticket_slip(self, ticket: Ticket) -> PrintSlip:
        """A hand-off's ticket in the screen's language; why staff were called when they were called."""
        display, step = str(self.settings()["display_language"]), self.current
        assert step.window is not None
        return PrintSlip(step.id, ticket_slip(
            ticket=ticket, service=self._tr(self.flow.title, display), window=self._tr(step.window, display),
            reason=ticket.reason if ticket.reason != step.text.value else "", done=self._done_so_far(display),
            issued=self.clock(), station=self.tickets.station, language=display,
            tr=lambda text: self._tr(text, display)))

