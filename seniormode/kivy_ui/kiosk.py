"""`seniormode run`: the kiosk in a window, full screen, or driven by a script with a screenshot per step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.effects import ShowStep
from ..core.events import Event, EventError, tile_problem
from ..core.flow import Flow
from ..core.problems import Problem
from ..core.session import Session
from ..core.theme import Theme
from . import runtime

log = logging.getLogger("seniormode.kiosk")


def _voice(locales_dir: Path | None) -> Any:
    """The voice service, or None (a silent kiosk) when it cannot start: text goes on without it."""
    if locales_dir is None:
        return None
    try:
        from ..voice.service import VoiceService

        service = VoiceService(locales_dir)
        service.warm_up()
        return service
    except Exception:  # noqa: BLE001 - no voice is better than no kiosk
        log.exception("the voice could not start; the kiosk runs silent")
        return None


def run_kiosk(flow: Flow, theme: Theme, session: Session, size: tuple[int, int], kiosk: bool,
              jump: str | None = None, locales_dir: Path | None = None,
              journal: Callable[[Session], Any] | None = None, updates: Any = None,
              on_switch: Callable[[Any], Any] | None = None, printer: Any = None) -> int:
    """The kiosk's window. `updates` (seniormode.fleet.reload.FlowUpdates): new flows, taken between applicants;
    `printer` (seniormode.printing.cups.CupsPrinter): where receipts and tickets are printed, or None."""
    runtime.configure(size=size, kiosk=kiosk)
    from .app import KioskApp

    app = KioskApp(flow, theme, session, voice=None, journal=journal)
    app.updates, app.on_switch = updates, on_switch
    app.use_printer(printer)
    if locales_dir is not None:
        _start_voice_in_background(app, locales_dir)
    if jump:
        def open_at(a: Any) -> None:
            a.apply(a.session.jump_to(jump))
            if a.session.s.ticket is not None:
                a.view.set_ticket(a.session.s.ticket)

        app.on_ready = _chain(app.on_ready, open_at)
    app.run()
    return 0


def _start_voice_in_background(app: Any, locales_dir: Path) -> None:
    """The first screen shows at once, silent; the voice joins when its worker is up (retried with back-off)."""
    from kivy.clock import Clock

    from ..voice.starter import VoiceStarter

    def make() -> Any:
        from ..voice.service import VoiceService

        return VoiceService(locales_dir)

    def ready(service: Any) -> None:
        Clock.schedule_once(lambda dt: app.voice_ready(service), 0)

    def down(why: str) -> None:
        Clock.schedule_once(lambda dt: app.voice_down(why), 0)

    starter = VoiceStarter(make, ready, down)
    app.bind(on_stop=lambda *_: starter.stop())
    app.on_ready = _chain(app.on_ready, lambda a: starter.start())  # after the first frame is up


def _chain(first: Any, then: Any) -> Any:
    def both(app: Any) -> None:
        if first is not None:
            first(app)
        then(app)
    return both


def _tile_problem(app: Any, event: Event) -> Problem:
    """The script's `choose:` at its line, with the tiles the screen does show."""
    shown = app.view.current
    step = shown.step if shown is not None else "start"
    tiles = [t.id for t in shown.tiles] if shown is not None else []
    return tile_problem(event, step, tiles)


def run_script(flow: Flow, theme: Theme, session: Session, events: list[Event], size: tuple[int, int],
               shots: Path | None, locales_dir: Path | None = None, jump: str | None = None,
               journal: Callable[[Session], Any] | None = None) -> dict[str, Any]:
    """Drive the real kiosk with touches; write `NN_step.png` for every screen the applicant sees."""
    runtime.configure(size=size, kiosk=False)
    from .app import KioskApp
    from .pilot import Pilot, run_headless

    app = KioskApp(flow, theme, session, tick=False, voice=_voice(locales_dir), journal=journal)
    run_headless(app)
    pilot = Pilot(app)
    if jump:
        app.apply(session.jump_to(jump))
        if session.s.ticket is not None:
            app.view.set_ticket(session.s.ticket)
    pilot.frame(3)
    written: list[Path] = []

    def shoot(label: str) -> None:
        if shots is not None:
            pilot.frame(2)
            written.append(app.screenshot(shots / f"{len(written) + 1:02d}_{label}.png"))

    # A script is a demo applicant: what it was shown and heard is kept for the report, across resets.
    new: list[Any] = []
    played: list[Any] = []
    app.listeners.append(new.append)
    app.player.on_played = played.append
    shoot(app.view.current.step if app.view.current else "start")
    for event in events:
        if event.kind == "choose" and f"choice:{event.value}" not in pilot.targets():
            app.stop()  # the rest of the script was written for a screen that is not there
            raise EventError(_tile_problem(app, event))
        new.clear()
        pilot.perform(event)
        shown = [e for e in new if isinstance(e, ShowStep)]
        if shown or any(e.kind == "warn_timeout" for e in new):
            label = shown[-1].step if shown else "timeout_warning"
            shoot(label)
    pilot.frame(2)
    # app.session: the flow a start_flow step went on in, where the applicant is now
    result = {"status": app.session.status, "path": app.session.history, "screenshots": [str(p) for p in written],
              "ignored_touches": app.ignored_touches, "spoken": [(p.speak.language, p.source, p.speak.text)
                                                                 for p in played],
              "voice_failures": app.player.failures}
    app.stop()
    return result
