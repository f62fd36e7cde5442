"""Simulated applicants walking the real session machine, reacting to the settings it resolves for them.

Each persona reads more slowly, presses 大字 or 再听一遍, asks for help, taps twice or walks away according to its
numbers (personas/hall.yaml) and to what the rules give it: a text size below what it needs makes every step
slower and harder, a voice faster than it follows is heard again. The rows go to the journal marked synthetic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.effects import Effect
from ..core.events import Event
from ..core.flow import DEVICE_OK_KINDS, Flow, Step
from ..core.keypads import KEYPADS
from ..core.session import Session
from ..journal.record import JournalEvent
from ..journal.recorder import SessionRecorder
from .personas import Persona

_DEVICE_KINDS = DEVICE_OK_KINDS
# Older fingers give fainter prints, and a trembling hand a signature too small: assumptions, not measurements.
_TRIES_KINDS = ("fingerprint", "live_face")


@dataclass
class PopulationResult:
    sessions: int
    events: int
    ends: dict[str, int]


class _SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Applicant:
    """One simulated person at the kiosk: think, maybe fumble, act; the session answers."""

    def __init__(self, persona: Persona, rng: random.Random, recorder: SessionRecorder, clock: _SimClock):
        self.p = persona
        self.rng = rng
        self.recorder = recorder
        self.session = recorder.session
        self.clock = clock
        self.age = rng.randint(*persona.age)

    def send(self, event: Event) -> list[Effect]:
        effects = self.session.handle(event)
        self.recorder.handled(event, effects)
        return effects

    def wait(self, seconds: float) -> None:
        """Time passes without a touch: the session may warn; a persona who is there asks for more time."""
        step = self.session.current.id
        while seconds > 0 and self.session.status == "active" and self.session.current.id == step:
            limit = self.session.step_timeout() - self.session.s.idle
            chunk = min(seconds, max(0.5, limit))
            self.clock.now += chunk
            seconds -= chunk
            effects = self.send(Event("tick", chunk))
            if any(e.kind == "warn_timeout" for e in effects):
                if self.rng.random() < 0.85 - 0.3 * self.p.hesitancy:
                    self.clock.now += 3
                    self.send(Event("extend"))
                else:  # they have left: the time-out takes the screen back
                    self.clock.now += 30
                    self.send(Event("tick", 30))
                    return

    def walk(self) -> None:
        self.recorder.started(self.session.start())
        for _ in range(60):  # a long walk ends: a person does not press forever
            if self.session.status != "active":
                break
            if not self.step_once(self.session.current):
                break
        self.clock.now += 5
        self.recorder.close()

    def step_once(self, step: Step) -> bool:
        """One step as this persona lives it; False when they walk away."""
        settings = self.session.settings()
        strain = max(0.0, self.p.needed_scale - float(settings["text_scale"]))
        too_fast = max(0, int(settings["speech_rate"]) - self.p.comfortable_rate)
        rng = self.rng
        presses = 0
        while strain > 0.05 and presses < 5 and rng.random() < 0.55 + strain:
            self.clock.now += 2
            self.send(Event("bigger"))
            presses += 1
            strain = max(0.0, self.p.needed_scale - float(self.session.settings()["text_scale"]))
        if too_fast and rng.random() < min(0.9, too_fast / 60):
            self.clock.now += 4
            self.send(Event("repeat"))
            if rng.random() < 0.4:
                self.send(Event("slower"))
        tiles = len(step.choices)
        if rng.random() < self.p.hesitancy * (0.08 + 0.04 * max(0, tiles - 2)) * (1 + 3 * strain):
            self.clock.now += 6
            self.send(Event("help"))
        think = (3 + 1.5 * tiles + len(step.text.value) / 6) * (1 + self.p.hesitancy) * (1 + 2 * strain)
        self.wait(think * rng.lognormvariate(0, 0.35))
        if self.session.status != "active" or self.session.current.id != step.id:
            return False  # the time-out moved them on (a rating skipped) or reset them: this walk is over
        if rng.random() < 0.004 + 0.02 * self.p.hesitancy * (strain + too_fast / 100):
            self.wait(self.session.step_timeout() + 200)  # they walk away from the kiosk
            return False
        if rng.random() < 0.002 + 0.01 * self.p.hesitancy:
            self.send(Event("staff"))
            return False
        if rng.random() < self.p.tremor * 0.3:
            self.recorder.note("double_touch")
        self.clock.now += 1
        self.send(self.answer(step))
        return True

    def answer(self, step: Step) -> Event:
        rng = self.rng
        if step.kind == "choice" and step.choices:
            # Most applicants take the first, usual tile (个人旅游, 普通办理); the others share the rest.
            first = step.choices[0] if rng.random() < 0.8 else rng.choice(step.choices)
            return Event("choose", first.id)
        if step.kind == "confirm":
            return Event("yes" if rng.random() < 0.95 else "no")
        if step.kind == "id_card":
            card: dict[str, Any] = {k: v for k, v in step.simulate.items() if k != "ok"}
            card["age"] = self.age
            return Event("card", card)
        if step.kind in _DEVICE_KINDS:
            return Event("device_ok" if rng.random() < 0.97 else "device_failed")
        if step.kind in _TRIES_KINDS:
            poor = 0.25 if self.age >= 70 and step.kind == "fingerprint" else 0.1
            return Event("device_failed" if rng.random() < poor else "device_ok")
        if step.kind == "signature":
            refused = 0.05 + self.p.tremor * 0.3
            return Event("signed", rng.choice(("too_small", "too_short")) if rng.random() < refused else "ok")
        if step.kind in ("number", "text"):
            if rng.random() < self.p.tremor * 0.4:
                return Event("enter", "9" * (step.max_length + 1))  # a key held down: too long
            return Event("enter", "3" if step.kind == "number" else KEYPADS[step.keypad].sample)
        return Event("ok")


def simulate_population(flow: Flow, personas: list[Persona], count: int, seed: int,
                        sink: Callable[[JournalEvent], None], *, version: str, kiosk: str = "simulated",
                        session_factory: Callable[[], Session] | None = None) -> PopulationResult:
    """Walk `count` simulated applicants through `flow`; the same seed gives the same journal."""
    rng = random.Random(seed)
    weights = [p.share for p in personas]
    clock = _SimClock()
    make_session = session_factory or (lambda: Session(flow))
    events = 0
    ends: dict[str, int] = {}

    def counting(row: JournalEvent) -> None:
        nonlocal events
        events += 1
        if row.kind == "session_end":
            ends[row.detail] = ends.get(row.detail, 0) + 1
        sink(row)

    # Simulated time runs from now, so a simulated journal is as recent as a real one (retention keeps it).
    base = time.time()

    def wall() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + clock.now))

    for _ in range(count):
        persona = rng.choices(personas, weights)[0]
        recorder = SessionRecorder(make_session(), counting, kiosk=kiosk, version=version, synthetic=True, clock=clock,
                                   wall_clock=wall)
        _Applicant(persona, rng, recorder, clock).walk()
        clock.now += 20
    return PopulationResult(count, events, ends)


__all__ = ["PopulationResult", "simulate_population"]
