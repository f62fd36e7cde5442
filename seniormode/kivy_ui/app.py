"""The kiosk app: owns one Session, turns touches into events and effects into screens."""

from __future__ import annotations

import gc
import logging
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from ..core.effects import (
    Effect,
    Handoff,
    PrintSlip,
    Reset,
    ShowHelp,
    ShowStep,
    Speak,
    StartFlow,
    TimeoutCleared,
    WarnTimeout,
)
from ..core.events import Event
from ..core.flow import Flow
from ..core.session import Session
from ..core.theme import Theme
from ..core.viewing import PRESETS
from .fonts import register_fonts
from .printer import PrintQueue
from .step_view import StepView
from .viewport import TiltedView
from .voice_player import VoicePlayer

log = logging.getLogger("seniormode.kiosk")
# EN 301 549 5.8: a second touch this soon on the same target is not a second press. Also after a press that
# changed the screen: a trembling double tap must not press what the new screen put under the finger.
DOUBLE_TOUCH_SECONDS = 0.5

# What a press on each kind of target means to the session.
_SIMPLE_TARGETS = {
    "primary": Event("ok"), "bar:repeat": Event("repeat"), "bar:bigger": Event("bigger"),
    "bar:smaller": Event("smaller"), "bar:language": Event("language"), "bar:back": Event("back"),
    "bar:staff": Event("staff"), "bar:help": Event("help"), "bar:view": Event("view"),
    "bar:slower": Event("slower"), "cancel_change": Event("cancel_change"),
    "overlay:more_time": Event("extend"), "device:fail": Event("device_failed"), "overlay:help_staff": Event("staff"),
}


class KioskApp(App):
    def __init__(self, flow: Flow, theme: Theme, session: Session | None = None, tick: bool = True,
                 on_ready: Callable[[KioskApp], None] | None = None, voice: Any | None = None,
                 journal: Callable[[Session], Any] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        # Makes the journal's recorder for a session (seniormode.journal.SessionRecorder): it sees each event
        # with the effects it caused, and the double touches only the screen knows. None: no journal.
        self.journal = journal
        self.recorder: Any = None
        self.player = VoicePlayer(voice, on_highlight=lambda target: self.view.highlight(target))
        self.flow = flow
        self.theme = theme
        self.session = session or Session(flow)
        # The kiosk's own flow: a start_flow step sends an applicant on in another (links: flow id -> Flow, loaded
        # when first needed); at that flow's reset the kiosk comes back here for the next person.
        self.home, self.home_inputs = self.flow, dict(self.session.start_inputs)
        self.links: dict[str, Flow] | None = None
        self.tick_enabled = tick
        self.on_ready = on_ready
        # The current applicant's effects and prompts only: emptied at every reset (they hold typed answers).
        self.spoken: list[Speak] = []
        self.effects: list[Effect] = []
        # Called with every effect as it is applied (the scripted run's screenshots, a journal): they must keep
        # nothing of an applicant past the Reset effect they are also given.
        self.listeners: list[Callable[[Effect], None]] = []
        self.ignored_touches = 0
        self.voice_problem = ""
        self.time_offset = 0.0  # the pilot's simulated applicant presses slower than the double-touch guard
        self._last_press: dict[str, float] = {}
        self._screen_changed_at = float("-inf")
        self._warn_deadline: float | None = None
        self._collect_event: Any = None
        self._checker: ThreadPoolExecutor | None = None
        self._checking: Future[list[Effect]] | None = None
        self._waiting: list[Event] = []
        # A new flow (a release, an edit under --watch) waits here until no applicant is in a session; on_switch
        # is told of it and hands back the journal's recorder factory for the new version (seniormode.fleet).
        self.updates: Any = None
        self._touched = False
        self.voice_locales: Path | None = None  # set by a switch: where the voice's recordings now come from
        self.on_switch: Callable[[Any], Callable[[Session], Any] | None] | None = None
        self.title = f"seniormode · {flow.title.value}"
        # The kiosk's printer (seniormode.printing.cups.CupsPrinter), or None: the simulator buttons stand in.
        self.printing: PrintQueue | None = None
        self._applicant = 0  # counts Resets: a printer's late answer is for this applicant only

    def use_printer(self, printer: Any) -> None:
        self.printing = PrintQueue(printer) if printer is not None else None
        if hasattr(self, "view"):
            self.view.real_devices = self._real_devices()

    def _real_devices(self) -> frozenset[str]:
        return frozenset({"print"}) if self.printing is not None else frozenset()

    # ---- Kivy -------------------------------------------------------------------------------------
    def build(self) -> TiltedView:
        missing = register_fonts(self.theme)
        if missing:
            log.warning("fonts not found: %s (Chinese text will show as boxes)", ", ".join(missing))
        Window.clearcolor = self.theme.colours.rgba("background")
        self.view = StepView(self.theme, self.press, self.flow.title, self.session.catalogs)
        self.view.real_devices = self._real_devices()
        self.tilted = TiltedView()
        self.tilted.add_widget(self.view)
        Window.bind(on_touch_down=self._any_touch)
        self._start_session()
        if self.tick_enabled:
            Clock.schedule_interval(self._tick, 1.0)
        gc.freeze()  # what start-up built lives as long as the kiosk: keep it out of every later collection
        if self.on_ready is not None:
            Clock.schedule_once(lambda dt: self.on_ready(self), 0)  # type: ignore[misc]
        return self.tilted

    def load(self, flow: Flow, session: Session | None = None, theme: Theme | None = None,
             going_on: bool = False) -> list[Effect]:
        """Show another flow (or a fresh session) in the same window: tests, storyboard, the next applicant.

        It becomes the kiosk's own flow, unless `going_on`: an applicant a start_flow step sent on into it."""
        self.flow = flow
        self.session = session or Session(flow)
        if not going_on:
            if flow is not self.home:
                self.links = None
            self.home, self.home_inputs = flow, dict(self.session.start_inputs)
        if theme is not None and theme is not self.theme:
            self.theme = theme
            register_fonts(theme)
            Window.clearcolor = theme.colours.rgba("background")
        self.player.forget()  # silence, and the last applicant's prompts dropped (a summary's says their answers)
        self.spoken.clear()
        self.effects.clear()
        self._checking, self._waiting = None, []
        self._last_press.clear()
        self._screen_changed_at = float("-inf")
        self._warn_deadline = None
        self._touched = False
        self.ignored_touches = 0
        self._applicant += 1  # a slip still with the printer belongs to the session before
        if self.printing is not None:
            self.printing.forget()
        self.view.forget()  # the screen left behind keeps nothing typed or drawn until it is collected
        self.tilted.remove_widget(self.view)
        self.view = StepView(self.theme, self.press, self.flow.title, self.session.catalogs)
        self.view.real_devices = self._real_devices()
        self.tilted.add_widget(self.view)
        if self.recorder is not None:
            self.recorder.close()
        return self._start_session()

    def between_applicants(self) -> bool:
        """On the welcome screen with nobody's session begun: the only time a flow may change under the screen."""
        s = self.session
        if s.status != "active" or s.s.history != [s.flow.first.id] or s.s.answers or self.checking:
            return False
        return not self._touched and (self.recorder is None or not self.recorder.engaged)

    def switch(self, loaded: Any) -> None:
        """Bring a checked flow into force: a fresh welcome screen of it, the same tickets, inputs and voice.
        Anything that goes wrong keeps the flow on the screen and is said, never a crash of the kiosk."""
        if loaded is None:
            return
        from ..core.i18n import Catalogs

        before = (self.flow, self.session, self.theme, self.journal)
        try:
            session = Session(loaded.flow, dict(self.session.start_inputs), clock=self.session.clock,
                              tickets=self.session.tickets, catalogs=Catalogs(loaded.locales),
                              preferences=dict(self.session.preferences))
            journal = self.on_switch(loaded) if self.on_switch is not None else self.journal
            self.journal = journal
            self.load(loaded.flow, session, loaded.theme)
        except Exception as exc:  # noqa: BLE001 - the kiosk goes on with the flow it had
            log.exception("switching to %s failed", loaded.label)
            self.journal = before[3]
            self.load(before[0], Session(before[0], dict(before[1].start_inputs), clock=before[1].clock,
                                         tickets=before[1].tickets, catalogs=before[1].catalogs,
                                         preferences=dict(before[1].preferences)), before[2])
            if self.updates is not None:
                self.updates.refuse(f"{loaded.label} could not be shown ({type(exc).__name__}: {exc})")
            return
        self.title = f"seniormode · {loaded.flow.title.value}"
        self.voice_locales = Path(loaded.locales)  # the release's recordings, from the next prompt on
        if self.player.service is not None and hasattr(self.player.service, "locales_dir"):
            self.player.service.locales_dir = self.voice_locales
        if self.updates is not None:
            self.updates.switched(loaded)

    def _start_session(self) -> list[Effect]:
        """Show the session's first screen, with a fresh journal recorder for it when there is a journal."""
        self.recorder = self.journal(self.session) if self.journal else None
        effects = self.session.start()
        if self.recorder is not None:
            self.recorder.started(effects)
        self.apply(effects)
        return effects

    def _tick(self, dt: float) -> None:
        if self.updates is not None and self.updates.pending and self.between_applicants():
            self.switch(self.updates.take())
            return
        self.send(Event("tick", dt))
        if self._warn_deadline is not None:
            self.view.count_down(self._warn_deadline - self.now())

    # ---- touches in -------------------------------------------------------------------------------
    def _any_touch(self, window: Any, touch: Any) -> bool:
        """Any touch, anywhere, silences the voice at once (the touch then goes on to its target).

        Not a tremor's second touch just after the screen changed: the guard ignores it, so must the voice.
        """
        if self.now() - self._screen_changed_at >= DOUBLE_TOUCH_SECONDS:
            self.player.stop()
        self.send(Event("touch"))  # every touch is activity: the idle timer starts again, a warning goes
        return False

    def now(self) -> float:
        return time.monotonic() + self.time_offset

    def press(self, target_id: str) -> None:
        """A widget was pressed. A second press of the same target within 0.5 s is ignored."""
        now = self.now()
        last = max(self._last_press.get(target_id, float("-inf")), self._screen_changed_at)
        if now - last < DOUBLE_TOUCH_SECONDS:
            self.ignored_touches += 1
            log.info("ignored a touch on %s %.2f s after the last press", target_id, now - last)
            if self.recorder is not None:
                try:
                    self.recorder.note("double_touch")
                except Exception as exc:  # noqa: BLE001 - a journal never stops a kiosk
                    log.error("journal: a double touch was not recorded (%s)", type(exc).__name__)
            return
        self._last_press[target_id] = now
        event = self.event_for(target_id)
        if event is not None:
            self.send(event)

    def event_for(self, target_id: str) -> Event | None:
        if target_id == "overlay:close":
            self.view.clear_warning()
            return None
        shown = self.view.current
        on_pad = shown is not None and shown.step_kind == "signature"
        if on_pad and target_id in ("primary", "sign:clear", "device:ok"):
            return self._signature_press(target_id)
        if target_id in _SIMPLE_TARGETS:
            return _SIMPLE_TARGETS[target_id]
        kind, _, value = target_id.partition(":")
        if kind == "choice":
            shown = self.view.current
            if shown is not None and shown.step_kind == "confirm":
                return Event(value)
            return Event("choose", value)
        if kind == "change":
            return Event("change", value)
        if kind == "device":
            shown = self.view.current
            last = self.printing.last if self.printing is not None else None
            if shown is not None and last is not None and shown.step == last.step and shown.step_kind == "print":
                self._print(last)  # with a real printer this button prints the same receipt again
                return None
            return Event("card") if shown is not None and shown.step_kind == "id_card" else Event("device_ok")
        if kind == "key":
            if value == "ok":
                return Event("enter", self.view.typed)
            self.view.type_key(value)  # typing stays on the screen until OK; the session sees the value
            return None
        log.warning("no event for target %s", target_id)
        return None

    def _signature_press(self, target_id: str) -> Event | None:
        """签好了: the session hears only the pad's verdict on the strokes; 重签 and the simulator stay on the pad."""
        if target_id == "sign:clear":
            self.view.wipe_signature()
            return None
        if target_id == "device:ok":
            self.view.simulate_signature("ok")
            return None
        return Event("signed", self.view.signature_verdict())

    def send(self, event: Event) -> list[Effect]:
        """Give the session an event and apply what it answers.

        A typed answer is checked off the UI thread (its `valid:` pattern and number checks run in the checker
        thread), so the screen keeps drawing whatever was typed; events that come meanwhile wait their turn,
        in order, so the session only ever sees one event at a time. Returns the effects applied now.
        """
        if event.kind != "tick":
            self._touched = True  # someone is at the kiosk: no flow changes under them until the next Reset
        if self._checking is not None:
            self._waiting.append(event)
            return []
        if event.kind == "enter":
            if self._checker is None:
                self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer-check")
            future = self._checker.submit(self._handle, event)
            self._checking = future
            future.add_done_callback(lambda done: Clock.schedule_once(lambda dt: self._checked(done), 0))
            return []
        effects = self._handle(event)
        self.apply(effects)
        return effects

    @property
    def checking(self) -> bool:
        """An answer is being checked, or events are waiting for it."""
        return self._checking is not None or bool(self._waiting)

    def _checked(self, done: Future[list[Effect]]) -> None:
        if done is not self._checking:
            return  # a new applicant was loaded meanwhile: the old answer is dropped
        self._checking = None
        self.apply(done.result())
        waiting, self._waiting = self._waiting, []
        for event in waiting:
            self.send(event)

    def _handle(self, event: Event) -> list[Effect]:
        try:
            effects = self.session.handle(event)
        except Exception as exc:  # noqa: BLE001 - the applicant sees a calm screen, staff see the log
            # The event's kind and where it failed, never its value or the exception's message: both can carry
            # what the applicant typed.
            where = "".join(traceback.format_tb(exc.__traceback__, limit=-3)).rstrip()
            log.error("session failed on a '%s' event (%s); handing over to staff\n%s", event.kind,
                      type(exc).__name__, where)
            try:
                event, effects = Event("staff"), self.session.handle(Event("staff"))
            except Exception as again:  # noqa: BLE001 - the screen stays as it is; staff see the log
                log.error("handing over to staff failed too (%s); the screen stays as it was", type(again).__name__)
                return []
        self._record(event, effects)
        return effects

    def _record(self, event: Event, effects: list[Effect]) -> None:
        """Into the journal, here, on whichever thread handled the event, while the session is as it left it.

        The recorder builds a small row and queues it (the writer thread does the disk); if it fails, the
        applicant is served all the same.
        """
        if self.recorder is None:
            return
        try:
            self.recorder.handled(event, effects)
        except Exception as exc:  # noqa: BLE001 - a journal never stops a kiosk
            log.error("journal: an event was not recorded (%s)", type(exc).__name__)

    def _forget_applicant(self) -> None:
        """At every reset, in the kiosk's own flow or one a start_flow began: nothing of this applicant stays."""
        self._touched = False
        self.effects.clear()
        self.spoken.clear()
        self.player.forget()
        self._applicant += 1
        if self.printing is not None:
            self.printing.forget()

    # ---- effects out ------------------------------------------------------------------------------
    def apply(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, StartFlow):
                for listener in self.listeners:
                    listener(effect)
                self._go_on(effect)
                return  # the screens that follow are the next flow's
            if isinstance(effect, Reset):
                self._forget_applicant()
            if isinstance(effect, Reset) and self.flow is not self.home:
                for listener in self.listeners:
                    listener(effect)
                self.view.forget()  # the started flow's screen: strokes on a signature pad, digits typed
                self._go_home()
                return
            self.effects.append(effect)
            for listener in self.listeners:
                listener(effect)
            if isinstance(effect, ShowStep):
                if self.view.current is None or self.view.current.step != effect.step:
                    self._screen_changed_at = self.now()
                # A rebuilt screen leaves its old widget tree as cyclic garbage: collect it while the
                # applicant reads, not in the middle of drawing the next screen.
                gc.disable()
                self.view.show(effect)
                self._collect()
                self.tilted.set_adjustment(PRESETS.get(str(effect.settings.get("view_preset")), PRESETS["standard"]))
                self._warn_deadline = None
            elif isinstance(effect, WarnTimeout):
                self.view.warn(effect)
                self._warn_deadline = self.now() + effect.seconds_left
            elif isinstance(effect, (TimeoutCleared, Reset)):
                self.view.clear_warning()
                self._warn_deadline = None
                if isinstance(effect, Reset):
                    self.view.forget()  # nothing the last applicant typed or saw survives on the screen
            elif isinstance(effect, ShowHelp):
                self.view.show_help(effect)
            elif isinstance(effect, Handoff):
                self.view.set_ticket(effect.ticket)
            elif isinstance(effect, PrintSlip):
                self._print(effect)
            elif isinstance(effect, Speak):
                self.spoken.append(effect)
                self.player.speak(effect)

    def _print(self, effect: PrintSlip) -> None:
        if self.printing is None:
            return  # no printer: the print step's simulator buttons answer for it
        applicant = self._applicant
        self.printing.submit(effect, lambda slip, outcome: self._printed(applicant, slip, outcome))

    def _printed(self, applicant: int, effect: PrintSlip, outcome: Any) -> None:
        """The printer's answer, told to the session if the same applicant is still on the step that printed."""
        if applicant != self._applicant or self.session.current.id != effect.step:
            return
        if self.session.current.kind == "print":
            self.send(Event("device_ok" if outcome.ok else "device_failed"))
        elif not outcome.ok:  # a hand-off's ticket: the number stays on the glass, with what to do instead
            self.send(Event("device_failed"))
    # ---- one flow starting another (core/flow_links.py) -------------------------------------------
    def _go_on(self, effect: StartFlow) -> None:
        """Into the flow a start_flow step names, with only what it hands over; staff if it cannot be shown."""
        from ..core.flow_links import linked_flows, next_session

        if self.links is None:
            self.links = linked_flows(self.home)[0]
        target = self.links.get(effect.flow)
        if target is None:  # lint (SM122) keeps this from a kiosk; should it happen, a person takes over
            log.error("flow '%s' could not be loaded; handing over to staff", effect.flow)
            self.apply(self.session.handle(Event("staff")))
            return
        self.load(target, next_session(effect, target, self.session), going_on=True)
        self._touched = True  # the applicant who pressed 开始 is there: no flow update under them (between_applicants)

    def _go_home(self) -> None:
        """The next applicant: the kiosk's own flow again, a fresh session, the same tickets and voice."""
        s = self.session
        self.load(self.home, Session(self.home, dict(self.home_inputs), clock=s.clock, tickets=s.tickets,
                                     catalogs=s.catalogs, preferences=dict(s.preferences)))

    # ---- the voice, started in the background ------------------------------------------------------
    def voice_ready(self, service: Any) -> None:
        if self.voice_locales is not None and hasattr(service, "locales_dir"):
            service.locales_dir = self.voice_locales  # a switch came before the voice was up
        self.player.service = service
        self.player.resume()  # the screen on show was silent: its prompt now
        self.voice_problem = ""
        self.title = f"seniormode · {self.flow.title.value}"
        Window.set_title(self.title)
        log.info("voice ready")

    def voice_down(self, why: str) -> None:
        """Staff see it in the window title and the log; the applicant goes on with the text on the screen."""
        self.voice_problem = why
        self.title = f"seniormode · {self.flow.title.value} · 语音故障 voice down"
        Window.set_title(self.title)

    def on_stop(self) -> None:
        if self.printing is not None:
            self.printing.close()
        if self.recorder is not None:
            self.recorder.close()
        if self._checker is not None:
            self._checker.shutdown(wait=False)
        self.player.stop()
        if self.player.service is not None:
            self.player.service.close()

    def _collect(self) -> None:
        if self._collect_event is None:
            self._collect_event = Clock.schedule_once(self._collect_now, 0.4)

    def _collect_now(self, dt: float) -> None:
        self._collect_event = None
        gc.enable()
        gc.collect()

    # ---- looking at it ----------------------------------------------------------------------------
    def screenshot(self, path: str | Path) -> Path:
        """Write what is on the glass now to `path` (PNG)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Kivy numbers the file itself (name0001.png); write there, then move it to the name asked for.
        written = Window.screenshot(name=str(path.with_name("kivy-shot.png")))
        Path(written).replace(path)
        return path
