"""YAML scenarios: given inputs and events, expect steps, settings, speech and tickets. UX staff write them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .effects import Effect, Handoff, Rejected, ShowStep, Speak, StartFlow
from .events import Event, EventError, parse_event, tile_problem
from .flow import Flow
from .inputs import coerce_inputs
from .loader import load_flow
from .problems import Location, Problem, Problems
from .reader import Fields
from .session import Session

if TYPE_CHECKING:
    from .flow_links import FlowChain
from .source import Mapping, Node, Scalar, Sequence, display_path, load_file

SCENARIO_KEYS = ("name", "inputs", "events", "expect", "hour")
EXPECT_KEYS = ("steps", "path", "settings", "spoken", "handoff", "status", "answers", "not_visited", "started_flow",
               "flow")


@dataclass
class Scenario:
    name: str
    location: Location
    inputs: dict[str, Any]
    events: list[tuple[Event, Location]]
    expect: dict[str, tuple[Any, Location]]
    hour: int = 10


@dataclass
class ScenarioFile:
    path: Path
    flow_path: Path | None
    flow: Flow | None
    scenarios: list[Scenario] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


@dataclass
class Run:
    """What a scenario did: every effect, and the session at the end."""

    effects: list[Effect]
    session: Session | FlowChain
    # Events the screen had nothing for (a `choose:` of a tile not on it): mistakes in the scenario itself.
    problems: list[Problem] = field(default_factory=list)

    @property
    def steps(self) -> list[str]:
        shown: list[str] = []
        for e in self.effects:
            if isinstance(e, ShowStep) and (not shown or shown[-1] != e.step):
                shown.append(e.step)
        return shown

    @property
    def spoken(self) -> list[str]:
        return [e.text for e in self.effects if isinstance(e, Speak)]

    @property
    def last_settings(self) -> dict[str, Any]:
        for e in reversed(self.effects):
            if isinstance(e, ShowStep):
                return e.settings
        return {}

    @property
    def handoff(self) -> Handoff | None:
        for e in reversed(self.effects):
            if isinstance(e, Handoff):
                return e
        return None


def load_scenarios(path: str | Path) -> ScenarioFile:
    path = Path(path)
    problems = Problems()
    display = display_path(path)
    root = load_file(path, problems, display)
    result = ScenarioFile(path, None, None, problems=problems)
    if root is None:
        return result
    if not isinstance(root, Mapping):
        problems.error("SM401", "a scenario file holds 'flow:' and 'scenarios:'", root.location)
        return result
    f = Fields(root, ("flow", "scenarios", "description"), problems, "scenario file")
    flow_node = f.text("flow", required=True, example="../../flows_yaml/hk_macau_renewal.yaml")
    items = f.sequence("scenarios", required=True, example="[...]")
    if flow_node is None or items is None:
        return result
    result.flow_path = (path.parent / str(flow_node.value)).resolve()
    flow, flow_problems = load_flow(result.flow_path)
    if flow is None:
        problems.error("SM401", f"flow '{flow_node.value}' does not load", flow_node.location,
                       "; ".join(p.format() for p in flow_problems.errors[:3]))
        return result
    result.flow = flow
    names: set[str] = set()
    for item in items.items:
        sc = _read_scenario(item, flow, problems)
        if sc is not None:
            if sc.name in names:
                problems.error("SM401", f"scenario name '{sc.name}' is used twice", sc.location)
            names.add(sc.name)
            result.scenarios.append(sc)
    return result



def _read_scenario(node: Node, flow: Flow, problems: Problems) -> Scenario | None:
    if not isinstance(node, Mapping):
        problems.error("SM401", "a scenario is a group with name, inputs, events and expect", node.location)
        return None
    f = Fields(node, SCENARIO_KEYS, problems, "scenario")
    name = f.text("name", required=True, example="76-year-old renews for Macau")
    inputs_node = f.mapping("inputs")
    inputs: dict[str, Any] = {}
    if inputs_node is not None:
        inputs, bad = coerce_inputs(flow, inputs_node.plain(), inputs_node.location)
        problems.extend(bad)
    hour = f.number("hour", 0, 23)
    events_node = f.sequence("events", required=True, example="[ok, {choose: macau}]")
    events: list[tuple[Event, Location]] = []
    for ev in events_node.items if events_node is not None else []:
        try:
            events.append((parse_event(ev.plain(), ev.location), ev.location))
        except EventError as exc:
            problems.add(exc.problem)
    expect_node = f.mapping("expect")
    expect: dict[str, tuple[Any, Location]] = {}
    if expect_node is not None:
        Fields(expect_node, EXPECT_KEYS, problems, "expect")
        for key, value in expect_node.items():
            if key in EXPECT_KEYS:
                expect[key] = (value.plain(), value.location)
    if name is None:
        return None
    return Scenario(str(name.value), node.location, inputs, events, expect, int(hour if hour is not None else 10))


def run_scenario(flow: Flow, scenario: Scenario) -> Run:
    clock = lambda: datetime.datetime(2026, 11, 25, scenario.hour, 0)  # noqa: E731 - fixed time: repeatable
    from .flow_links import FlowChain, start_steps

    first = Session(flow, scenario.inputs, clock=clock)
    # A flow that starts others plays on into them (flow_links.py), as the kiosk does.
    session: Session | FlowChain = FlowChain(first) if start_steps(flow) else first
    effects = session.start()
    problems: list[Problem] = []
    for event, _ in scenario.events:
        new, problem = play_event(session, event)
        effects += new
        if problem is not None:
            problems.append(problem)
    return Run(effects, session, problems)


def play_event(session: Session | FlowChain, event: Event) -> tuple[list[Effect], Problem | None]:
    """Handle one written event; a `choose:` for a tile the screen does not show is a problem at its line."""
    step = session.current if session.history else session.flow.first
    tiles = session.tile_ids() if session.history else []  # what the screen shows before the event
    effects = session.handle(event)
    if event.kind == "choose" and any(isinstance(e, Rejected) and e.event == "choose" for e in effects):
        return effects, tile_problem(event, step.id, tiles)
    return effects, None


def check_scenario(flow: Flow, scenario: Scenario) -> tuple[Run, list[Problem]]:
    """Run a scenario and compare with its expectations; each mismatch is a problem at the expectation."""
    run = run_scenario(flow, scenario)
    failures: list[Problem] = list(run.problems)

    def fail(message: str, loc: Location) -> None:
        failures.append(Problem("SM401", message, loc))

    for key, (want, loc) in scenario.expect.items():
        if key == "steps" and run.steps != list(want or []):
            fail(f"steps shown were {run.steps}, expected {want}", loc)
        elif key == "path" and run.session.history != list(want or []):
            fail(f"path was {run.session.history}, expected {want}", loc)
        elif key == "not_visited":
            seen = set(run.steps)
            for sid in want or []:
                if sid in seen:
                    fail(f"step '{sid}' was shown but must not be", loc)
        elif key == "settings":
            got = run.last_settings
            for name, value in (want or {}).items():
                have = got.get(name)
                if isinstance(have, tuple):
                    have = list(have)
                if have != value:
                    fail(f"setting {name} was {have}, expected {value}", loc)
        elif key == "spoken":
            _check_spoken(run.spoken, list(want or []), loc, fail)
        elif key == "handoff":
            _check_handoff(run, want or {}, loc, fail)
        elif key == "started_flow":
            _check_started(run, want or {}, loc, fail)
        elif key == "flow" and run.session.flow.id != want:
            fail(f"the applicant ended in flow '{run.session.flow.id}', expected '{want}'", loc)
        elif key == "status" and run.session.status != want:
            fail(f"status was {run.session.status}, expected {want}", loc)
        elif key == "answers":
            for name, value in (want or {}).items():
                if run.session.answers.get(name) != value:
                    fail(f"answer {name} was {run.session.answers.get(name)!r}, expected {value!r}", loc)
    return run, failures


def _check_spoken(spoken: list[str], want: list[Any], loc: Location, fail: Any) -> None:
    """Each expected phrase must be found in what was spoken, in this order."""
    i = 0
    for phrase in want:
        while i < len(spoken) and str(phrase) not in spoken[i]:
            i += 1
        if i == len(spoken):
            fail(f"never heard '{phrase}' (in order); last spoken: {spoken[-3:]}", loc)
            return
        i += 1


def _check_handoff(run: Run, want: dict[str, Any], loc: Location, fail: Any) -> None:
    handoff = run.handoff
    if handoff is None:
        fail("expected a handoff ticket, none was given", loc)
        return
    t = handoff.ticket
    for key, value in want.items():
        if key == "number" and t.number != value:
            fail(f"ticket number was {t.number}, expected {value}", loc)
        elif key == "window" and str(value) not in t.window:
            fail(f"ticket window was '{t.window}', expected '{value}'", loc)
        elif key == "from_step" and t.step != value:
            fail(f"ticket says it came from '{t.step}', expected '{value}'", loc)
        elif key == "reason" and str(value) not in t.reason:
            fail(f"ticket reason was '{t.reason}', expected to contain '{value}'", loc)
        elif key == "answers":
            got = dict(t.answers)
            for label, answer in (value or {}).items():
                if got.get(label) != str(answer):
                    fail(f"ticket answer '{label}' was {got.get(label)!r}, expected {answer!r}", loc)
        elif key not in ("number", "window", "from_step", "reason", "answers"):
            fail(f"unknown handoff expectation '{key}' (number, window, from_step, reason, answers)", loc)


def _check_started(run: Run, want: dict[str, Any], loc: Location, fail: Any) -> None:
    """`started_flow: {flow: home_visit, inputs: {visit_for: ill}}`: the flow started and exactly what it was given."""
    started = [e for e in run.effects if isinstance(e, StartFlow)]
    if not started:
        fail("expected another flow to start, none did", loc)
        return
    effect = started[0]
    for key, value in want.items():
        if key == "flow" and effect.flow != value:
            fail(f"flow '{effect.flow}' was started, expected '{value}'", loc)
        elif key == "inputs" and effect.inputs != dict(value or {}):
            fail(f"the hand-over was {effect.inputs}, expected {value}", loc)
        elif key not in ("flow", "inputs"):
            fail(f"unknown started_flow expectation '{key}' (flow, inputs)", loc)


def scenario_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml"))


__all__ = ["Scenario", "ScenarioFile", "Run", "load_scenarios", "run_scenario", "check_scenario", "play_event",
           "scenario_files", "Scalar", "Sequence"]
