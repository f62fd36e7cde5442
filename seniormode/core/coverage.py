"""Which branches of a flow no scenario takes: every edge of the graph and every choice tile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .flow import Flow
from .graph import edges
from .problems import Location
from .scenario import check_scenario, load_scenarios


@dataclass(frozen=True)
class Branch:
    description: str
    location: Location
    covered: bool


def branch_coverage(flow: Flow, scenario_paths: list[Path]) -> tuple[list[Branch], int]:
    """Every branch with whether a scenario took it, and how many scenarios ran on this flow."""
    taken: set[tuple[str, str]] = set()
    chosen: set[tuple[str, str]] = set()
    ran = 0
    target = Path(flow.file).resolve()
    for path in scenario_paths:
        sf = load_scenarios(path)
        if sf.flow is None or sf.flow_path is None or sf.flow_path != target:
            continue
        for sc in sf.scenarios:
            run, _ = check_scenario(sf.flow, sc)
            ran += 1
            for t in run.session.transitions:
                hops = (t.source,) + t.silent + (t.target,)
                taken.update(zip(hops, hops[1:], strict=False))
            chosen |= run.session.choices_made
    out: list[Branch] = []
    for e in edges(flow):
        out.append(Branch(e.label(), e.location, (e.source, e.target) in taken))
    for step in flow.steps:
        for c in step.choices:
            out.append(Branch(f"{step.id}: choice {c.id}", c.location, (step.id, c.id) in chosen))
        if step.kind == "confirm":
            for answer in ("yes", "no"):
                out.append(Branch(f"{step.id}: answer {answer}", step.location, (step.id, answer) in chosen))
    return out, ran
