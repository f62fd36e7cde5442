"""Flows that start flows (a `start_flow` step): where the target is, lint's checks of the hand-over, and the run.

A target is a flow of the same folder (the same release), found by its `flow:` id. Lint proves, at the step's
lines: the target exists and loads (SM122); every name handed over is known here, is one of the target's
declared `inputs:`, of the same type and within its choices (SM123); every input the target declares
`required: yes` is handed over (SM124); and no flow starts, through others, itself again (SM125).

At run time `FlowChain` drives the simulator and the scenarios (the Kivy kiosk does the same in its own
`load`): after a `StartFlow` effect the applicant goes on in the target with only the handed-over values and
their own screen choices; when that flow resets, the kiosk is back at its first flow for the next person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .effects import Effect, Reset, StartFlow, Transition
from .events import Event
from .flow import Flow, Step
from .hand_over import PERSONAL_NAMES, is_typed
from .loader import load_flow
from .problems import Problems, did_you_mean
from .session import Session

_FLOW_LINE = re.compile(r"^flow:[ \t]*['\"]?([a-z][a-z0-9_]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)
_TYPE_WORDS = {"number": "a number", "text": "text", "yes_no": "a yes/no"}
MAX_CHAIN = 20  # flows one walk may load: far more than a hall needs, and a bound on a broken folder


def flow_id_of(path: Path) -> str | None:
    """The `flow:` id a YAML file declares at its top level, read cheaply; None for any other file."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return None
    match = _FLOW_LINE.search(head)
    return match.group(1) if match and re.search(r"^steps:", head, re.MULTILINE) else None


def flow_ids(folder: Path) -> dict[str, Path]:
    """Every flow of a folder by its id (the first file wins when two give the same id)."""
    out: dict[str, Path] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        ident = flow_id_of(path)
        if ident is not None:
            out.setdefault(ident, path)
    return out


def flow_file(folder: Path, flow_id: str) -> Path | None:
    """The file of flow `flow_id` in `folder`: `<id>.yaml` when it declares that id, else any file that does."""
    named = folder / f"{flow_id}.yaml"
    if named.is_file() and flow_id_of(named) == flow_id:
        return named
    return flow_ids(folder).get(flow_id)


def start_steps(flow: Flow) -> list[Step]:
    return [s for s in flow.steps if s.kind == "start_flow"]


@dataclass
class _Loaded:
    """Flows loaded for one check or one kiosk, by id; None for a target that is missing or does not load."""

    folder: Path
    flows: dict[str, Flow | None] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    def get(self, flow_id: str) -> Flow | None:
        if flow_id not in self.flows:
            if len(self.flows) >= MAX_CHAIN:
                return None
            path = flow_file(self.folder, flow_id)
            flow = load_flow(path)[0] if path is not None else None
            self.flows[flow_id] = flow
            if path is not None:
                self.files[flow_id] = path
        return self.flows[flow_id]


def linked_flows(flow: Flow) -> tuple[dict[str, Flow], list[str]]:
    """Every flow `flow` can lead to through `start_flow` steps, loaded; and the ids that are missing or broken."""
    loaded = _Loaded(Path(flow.folder or "."), {flow.id: flow})
    queue = [flow]
    while queue:
        for step in start_steps(queue.pop()):
            known = step.target_flow in loaded.flows
            target = loaded.get(step.target_flow)
            if target is not None and not known:
                queue.append(target)
    good = {k: v for k, v in loaded.flows.items() if v is not None}
    return good, sorted(k for k, v in loaded.flows.items() if v is None)


def link_problems(flow: Flow) -> Problems:
    """SM122-SM125 for every `start_flow` step of `flow`, at the step's own lines."""
    problems = Problems()
    steps = start_steps(flow)
    if not steps:
        return problems
    folder = Path(flow.folder or ".")
    loaded = _Loaded(folder, {flow.id: flow})
    for step in steps:
        where = step.target_location or step.location
        target = loaded.get(step.target_flow) if step.target_flow != flow.id else flow
        if target is None:
            if step.target_flow in loaded.files:
                problems.error("SM122", f"flow '{step.target_flow}' ({loaded.files[step.target_flow]}) does not "
                                        "load", where, f"run 'seniormode lint {loaded.files[step.target_flow]}' "
                                                       "and fix it first")
            else:
                ids = [i for i in flow_ids(folder) if i != flow.id]
                problems.error("SM122", f"there is no flow '{step.target_flow}' in {folder}/", where,
                               did_you_mean(step.target_flow, ids) or
                               (f"the flows there are: {', '.join(ids)}" if ids else "put the flow in this folder"))
            continue
        _check_hand_over(flow, step, target, problems)
        circle = _circle(flow, step, loaded)
        if circle:
            problems.error("SM125", f"flows start each other round in a circle: {' > '.join(circle)}", where,
                           "end one of them with an 'end' or a 'handoff' step instead of starting the first again")
    return problems


def _check_hand_over(flow: Flow, step: Step, target: Flow, problems: Problems) -> None:
    given = set(step.hand_over)
    for name, where in zip(step.hand_over, step.hand_over_locations, strict=True):
        here = flow.symbols.get(name)
        taken = target.inputs.get(name)
        declared = ", ".join(target.inputs) or "none"
        if name in PERSONAL_NAMES:
            problems.error("SM123", f"'{name}' is read from the ID card and never handed over", where,
                           f"the next flow reads the card itself; take '{name}' out of hand_over")
        elif is_typed(flow, name):
            problems.error("SM123", f"'{name}' is what the applicant typed (step kind '{flow.step(name).kind}'), "
                                    "and a typed value is never handed over", where,
                           f"hand over a choice or a yes/no; flow '{target.id}' asks for its own '{name}'")
        elif here is None:
            problems.error("SM123", f"'{name}' is no value of flow '{flow.id}'", where,
                           did_you_mean(name, flow.symbols.names()) or "hand over a step's answer or an input")
        elif taken is None:
            problems.error("SM123", f"flow '{target.id}' does not take '{name}' (its inputs: {declared})", where,
                           did_you_mean(name, target.inputs) or
                           f"hand over only what '{target.id}' declares under 'inputs:', or declare '{name}' there")
        elif taken.type != here.type:
            problems.error("SM123", f"'{name}' is {_TYPE_WORDS.get(here.type, here.type)} here, but flow "
                                    f"'{target.id}' takes {_TYPE_WORDS.get(taken.type, taken.type)}", where,
                           f"make the types agree ('{name}: {here.type}' under inputs: of '{target.id}')")
        elif taken.choices and here.choices and not set(here.choices) <= set(taken.choices):
            extra = sorted(set(here.choices) - set(taken.choices))
            problems.error("SM123", f"'{name}' may be '{extra[0]}' here, which is not one of flow '{target.id}''s "
                                    f"choices ({', '.join(taken.choices)})", where,
                           f"add '{extra[0]}' to the choices of input '{name}' in '{target.id}'")
    missing = [n for n, spec in target.inputs.items() if spec.required and n not in given]
    if missing:
        problems.error("SM124", f"flow '{target.id}' requires {', '.join(repr(m) for m in missing)}, which step "
                                f"'{step.id}' does not hand over", step.target_location or step.location,
                       f"add it: hand_over: [{', '.join([*step.hand_over, *missing])}]")


def _circle(flow: Flow, step: Step, loaded: _Loaded) -> list[str]:
    """The way back to `flow` from this step's target, through other flows' start_flow steps, if there is one."""
    start = step.target_flow
    previous: dict[str, str] = {start: flow.id}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == flow.id:
            way = [flow.id]
            node = previous[current]
            while node != flow.id:
                way.append(node)
                node = previous[node]
            return [flow.id, *reversed(way[1:]), flow.id]
        here = flow if current == flow.id else loaded.get(current)
        for nxt in (s.target_flow for s in start_steps(here)) if here is not None else ():
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    return []


def next_session(effect: StartFlow, target: Flow, before: Session) -> Session:
    """The applicant's session in the target: the handed-over values, their screen choices, the same tickets."""
    session = Session(target, dict(effect.inputs), clock=before.clock, tickets=before.tickets,
                      catalogs=before.catalogs, preferences=dict(before.preferences))
    session.s.overrides.update(effect.overrides)
    session.s.adjust.update(effect.adjust)
    return session


class FlowChain:
    """One kiosk's sessions when its flow starts others: the first flow, and the flow an applicant went on in."""

    def __init__(self, home: Session, flows: dict[str, Flow] | None = None):
        self.home = home
        self.session = home
        self.flows = flows if flows is not None else linked_flows(home.flow)[0]
        self.started: list[StartFlow] = []  # this applicant's switches (scenarios read them)

    @property
    def flow(self) -> Flow:
        return self.session.flow

    @property
    def current(self) -> Step:
        return self.session.current

    @property
    def history(self) -> list[str]:
        return self.session.history

    @property
    def status(self) -> str:
        return self.session.status

    @property
    def answers(self) -> dict[str, Any]:
        return self.session.answers

    @property
    def transitions(self) -> dict[Transition, int]:
        """The first flow's moves, for branch coverage of the flow a scenario file names."""
        return self.home.transitions

    @property
    def choices_made(self) -> set[tuple[str, str]]:
        return self.home.choices_made

    @property
    def s(self) -> Any:
        """The state of the session on the screen now (the journal's recorder reads it)."""
        return self.session.s

    def settings(self) -> dict[str, Any]:
        return self.session.settings()

    def tile_ids(self) -> list[str]:
        return self.session.tile_ids()

    def start(self) -> list[Effect]:
        return self.session.start()

    def handle(self, event: Event) -> list[Effect]:
        return self.follow(self.session.handle(event))

    def follow(self, effects: list[Effect]) -> list[Effect]:
        """Switch flows where the effects say so: into a target, or home again after the target's reset."""
        out: list[Effect] = []
        for effect in effects:
            if isinstance(effect, StartFlow):
                target = self.flows.get(effect.flow)
                if target is None:  # lint stops this before a kiosk; if it happens, a person takes over
                    return out + [effect] + self.session.handle(Event("staff"))
                before, self.session = self.session, next_session(effect, target, self.session)
                self.started.append(effect)
                if before is self.home:
                    self.home.handle(Event("reset"))  # nothing of the first flow's answers stays behind
                return out + [effect] + self.session.start()
            if isinstance(effect, Reset) and self.session is not self.home:
                self.session = self.home
                return out + [effect] + self.home.handle(Event("reset"))[1:]
            out.append(effect)
        return out
