"""What a session did, as journal rows: it reads the events in and the effects out, never a typed value.

The recorder runs on the thread that drives the session (the kiosk's UI thread, the simulator's loop); it builds
small frozen rows and hands them to a sink (JournalWriter.write puts them on the writer's queue).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..core.effects import Effect, Finished, Handoff, Reset, ShowStep, StartFlow, WarnTimeout
from ..core.events import Event
from ..core.feedback import level_number
from ..core.flow import Flow
from ..core.flow_links import FlowChain
from ..core.session import Session
from .record import JournalEvent, age_band, utc_now

# How an event that moves the applicant to another step left the step before.
_HOW_LEFT = {"choose": "answer", "enter": "answer", "yes": "answer", "no": "answer", "ok": "answer",
             "device_ok": "answer", "device_failed": "answer", "signed": "answer", "card": "answer", "back": "back",
             "change": "change", "cancel_change": "cancel_change", "staff": "call_staff"}
_RESET_HOW = {"timeout": "timeout_reset"}
# Events that are a signal in themselves, recorded whether or not the screen changed.
_SIGNALS = {"repeat": "repeat", "help": "help", "bigger": "bigger", "smaller": "smaller"}
# The error kinds the kiosk's own messages stand for; a flow's own `error:` text is 'invalid'.
_KIOSK_ERRORS = {"number_unreadable", "too_long"}


def error_kind(key: str) -> str:
    """`kiosk/too_long` -> too_long; a flow's own error text (flow/step/error) -> invalid."""
    head, _, name = key.partition("/")
    return name if head == "kiosk" and name in _KIOSK_ERRORS else "invalid"


class SessionRecorder:
    """Turns one kiosk's sessions into journal rows; a new anonymous session id after every reset."""

    def __init__(self, session: Session | FlowChain, sink: Callable[[JournalEvent], None], *, kiosk: str, version: str,
                 synthetic: bool = False, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], str] = utc_now, count_ticks: bool = False):
        self.session = session
        self.sink = sink
        self.kiosk = kiosk
        self.version = version
        self.synthetic = synthetic
        self.clock = clock
        self.wall_clock = wall_clock
        # A script's `tick: 125` is time that passes only in the script: its steps' times must include it.
        self.count_ticks = count_ticks
        self._ticked = 0.0
        self._lock = threading.Lock()
        self._before = self._now = self._snapshot()
        # The flow whose rows these are: a FlowChain's session moves on to the next flow before its rows are made.
        self.flow_id = session.flow.id
        self._new_session()

    def _new_session(self) -> None:
        self.id = secrets.token_hex(8)  # random: nothing about the applicant can be read back from it
        self.seq = 0
        self.step = ""
        self.shown_at = self._time()
        self.ended = False
        self.handed_off_at: str | None = None
        # The welcome screen waiting for someone is not a session: rows wait here until a first touch.
        self.engaged = False
        self._pending: list[JournalEvent] = []

    @property
    def safe_answers(self) -> frozenset[str]:
        """The steps whose tile ids the flow on the screen now marks safe to record (`record_answer: yes`)."""
        flow = self.session.flow
        if getattr(self, "_safe_for", None) is not flow:
            self._safe_for, self._safe = flow, frozenset(s.id for s in flow.steps if s.journal_answer)
        return self._safe

    def _time(self) -> float:
        return self.clock() + self._ticked

    # ---- what the driver calls ------------------------------------------------------------------
    # A typed answer is handled on the kiosk's answer-check thread, a double touch noted on the UI thread:
    # one at a time, so seq numbers are never given twice.
    def started(self, effects: Iterable[Effect]) -> None:
        with self._lock:
            self._started(effects)

    def handled(self, event: Event, effects: Iterable[Effect]) -> None:
        """After `session.handle(event)` returned `effects`: one settings lookup, then rows."""
        with self._lock:
            self._handled(event, effects)

    def _started(self, effects: Iterable[Effect]) -> None:
        self._before = self._now = self._snapshot()
        self._effects(None, list(effects))

    def _handled(self, event: Event, effects: Iterable[Effect]) -> None:
        effects = list(effects)
        kind = event.kind
        if kind == "tick":
            if self.count_ticks:
                self._ticked += float(event.value or 0)
            if not effects:  # time passed and nothing happened: nothing to record, the settings stand
                return
        self._before, self._now = self._now, self._snapshot()
        if not self.engaged and kind != "tick":
            # The first touch: the session starts now. The welcome screen's idle time and its warnings belong
            # to nobody: only its step_shown is kept, and the step's time counts from this touch.
            self.engaged = True
            self.shown_at = self._time()
            for row in self._pending:
                if row.kind == "step_shown":
                    self.sink(JournalEvent(**{**row.__dict__, "seq": 0, "ms": 0}))
            self.seq = 1 if self._pending else 0
            self._pending.clear()
            if kind in ("extend", "touch"):
                self._effects(kind, effects)
                return
        if kind in _SIGNALS:
            self._row(_SIGNALS[kind])
        elif kind == "slower":
            self._row("slower" if self._now[2] < self._before[2] else "normal_speech")
        elif kind == "language":
            self._row("language", self._now[4])
        elif kind == "view":
            self._row("view", self._now[5])
        elif kind in ("extend", "touch") and any(e.kind == "timeout_cleared" for e in effects):
            self._row("extension")
        elif kind == "enter" and self.session.s.error is not None and self._same_step(effects):
            self._row("entry_error", f"{self.step}:{error_kind(self.session.s.error.key)}")
        elif kind == "choose" and self._on_feedback() and level_number(str(event.value)) is not None \
                and not any(e.kind == "rejected" for e in effects):
            self._row("feedback", str(level_number(str(event.value))))
        elif kind == "choose" and self.step in self.safe_answers and event.value is not None:
            chosen = self.session.answers.get(self.step)
            if chosen == event.value:
                self._row("answer", str(chosen))
        self._effects(kind, effects)

    def note(self, kind: str, detail: str = "") -> None:
        """What only the screen knows: an ignored double touch."""
        with self._lock:
            self._now = self._snapshot()
            self._row(kind, detail)

    def close(self) -> None:
        """The kiosk or the run stops: the session on screen ends as it stands."""
        with self._lock:
            self._end()

    # ---- from effects to rows -------------------------------------------------------------------
    def _on_feedback(self) -> bool:
        flow = self.session.flow
        return bool(self.step) and flow.has_step(self.step) and flow.step(self.step).kind == "feedback"

    def _same_step(self, effects: list[Effect]) -> bool:
        return all(not isinstance(e, ShowStep) or e.step == self.step for e in effects)

    def _effects(self, kind: str | None, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Reset):
                # The session is already the next applicant's: the last rows keep the leaving one's settings.
                self._left(_RESET_HOW.get(effect.reason, effect.reason), old=True)
                self._end(old=True)
                self._new_session()
                self.flow_id = self.session.flow.id  # a flow a triage started: the kiosk's own flow again
            elif isinstance(effect, ShowStep):
                if effect.step != self.step:
                    if self._on_feedback():  # what was hard, as it stood when the applicant moved on
                        for tile in self.session.s.feedback.hard:
                            self._row("hard", tile)
                    if self.step:
                        self._left(_HOW_LEFT.get(kind or "", "answer"))
                    self.step = effect.step
                    self.shown_at = self._time()
                    self._row("step_shown")
            elif isinstance(effect, WarnTimeout):
                self._row("timeout_warning")
            elif isinstance(effect, Handoff):
                self.handed_off_at = self.step
                self._row("handoff", str(effect.ticket.window))
            elif isinstance(effect, Finished):
                self._end("completed")
            elif isinstance(effect, StartFlow):
                # Sent on to another flow: this session is done; the next flow's is another, with its own random
                # id, so the two cannot be joined. Only the target's id is kept, never what was handed over.
                self._left("answer")
                self._row("flow_started", effect.flow)
                self._end("completed")
                self._new_session()
                self.flow_id, self.engaged = effect.flow, True  # the applicant is there: they pressed 开始

    def _left(self, how: str, old: bool = False) -> None:
        if self.step and not self.ended:
            self._row("step_left", how, old)

    def _end(self, how: str | None = None, old: bool = False) -> None:
        if self.ended or not self.step or not self.engaged:
            return
        if how is None:
            # A reset or a stop after the handoff screen: handed off, unless 'back' took them on again first.
            handed = self.handed_off_at is not None and self.step == self.handed_off_at
            # Still on the call-staff screen when the run stops: the kiosk prints that ticket by itself.
            calling = not old and self.session.status == "calling_staff"
            how = "handed_off" if handed or calling else "abandoned"
        self._row("session_end", how, old)
        self.ended = True

    def _snapshot(self) -> tuple[Any, ...]:
        settings: dict[str, Any] = self.session.settings()
        return (age_band(self.session.s.applicant.get("age")), float(settings.get("text_scale", 1.0)),
                int(settings.get("speech_rate", 170)), str(settings.get("display_language", "")),
                str(settings.get("voice_language", "")), str(settings.get("view_preset", "")))

    def _row(self, kind: str, detail: str = "", old: bool = False) -> None:
        band, scale, rate, display, voice, view = self._before if old else self._now
        (self.sink if self.engaged else self._pending.append)(JournalEvent(
            kiosk=self.kiosk, flow=self.flow_id, version=self.version, session=self.id, seq=self.seq,
            at=self.wall_clock(), step=self.step or self.session.flow.first.id, kind=kind, detail=detail,
            ms=max(0, int((self._time() - self.shown_at) * 1000)), text_scale=scale, speech_rate=rate,
            display_language=display, voice_language=voice, view=view, age_band=band, synthetic=self.synthetic))
        self.seq += 1





def recorders(sink: Callable[[JournalEvent], None], *, kiosk: str, version: str, synthetic: bool = False,
              count_ticks: bool = False, version_of: Callable[[Flow], str] | None = None) \
        -> Callable[[Session | FlowChain], SessionRecorder]:
    """What a kiosk is handed: makes the recorder for each session it runs, all writing to one sink.

    `version_of` gives each session's own flow its version (a flow a triage started is another flow, with files of
    its own); without it every session carries `version`."""
    def make(session: Session | FlowChain) -> SessionRecorder:
        flow = getattr(session, "flow", None)
        own = version_of(flow) if version_of is not None and isinstance(flow, Flow) else version
        return SessionRecorder(session, sink, kiosk=kiosk, version=own, synthetic=synthetic,
                               count_ticks=count_ticks)
    return make
__all__ = ["SessionRecorder", "error_kind", "recorders"]
