"""The flow as a graph: every way one step can lead to another, for checks and branch coverage."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .flow import Flow
from .problems import Location


@dataclass(frozen=True)
class Edge:
    """One way out of a step. `via` names it for coverage reports: 'next', 'if 2', 'choice macau', 'rule r'."""

    source: str
    target: str
    via: str
    location: Location

    def label(self) -> str:
        return f"{self.source} -> {self.target} ({self.via})"


def edges(flow: Flow) -> list[Edge]:
    out: list[Edge] = []
    for step in flow.steps:
        if step.is_terminal:
            continue
        for c in step.choices:
            if c.next:
                out.append(Edge(step.id, c.next, f"choice {c.id}", c.next_location or c.location))
        all_choices_route = bool(step.choices) and all(c.next for c in step.choices)
        for b in step.next:
            via = "next" if b.condition is None and len(step.next) == 1 else \
                (f"if {b.condition.source}" if b.condition else "otherwise")
            out.append(Edge(step.id, b.target, via, b.location))
        has_fallback = any(b.condition is None for b in step.next)
        if not has_fallback and not all_choices_route:
            following = flow.following(step.id)
            if following is not None:
                out.append(Edge(step.id, following.id, "next in list", step.location))
        if step.no_next:
            out.append(Edge(step.id, step.no_next, "answer no", step.no_next_location or step.location))
        for rule in flow.rules.routes:
            assert rule.go is not None
            if rule.applies_after(step.id) and rule.go != step.id:
                out.append(Edge(step.id, rule.go, f"rule {rule.id}", rule.go_location or rule.location))
    return out


def reachable(flow: Flow, all_edges: list[Edge] | None = None) -> set[str]:
    """Steps reachable from the first step; the call-staff handoff is reachable from every step."""
    graph: dict[str, list[str]] = {}
    for e in all_edges if all_edges is not None else edges(flow):
        graph.setdefault(e.source, []).append(e.target)
    seen = {flow.first.id}
    if flow.has_step(flow.call_staff):
        seen.add(flow.call_staff)
    queue = deque(seen)
    while queue:
        current = queue.popleft()
        for target in graph.get(current, []):
            if target not in seen and flow.has_step(target):
                seen.add(target)
                queue.append(target)
    return seen
