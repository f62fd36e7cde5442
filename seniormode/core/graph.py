"""The flow as a graph: every way one step can lead to another, for checks and branch coverage."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .devices import TRIES_KINDS
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
        for c in (*step.choices, *step.hard):
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
        if step.kind in TRIES_KINDS:  # the last failed try: a person takes over
            out.append(Edge(step.id, step.fail_next or flow.call_staff, "too many tries",
                            step.fail_next_location or step.location))
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


def dominators(flow: Flow, all_edges: list[Edge] | None = None) -> dict[str, set[str]]:
    """For each reachable step, the steps every way to it from the first step passes through (itself included)."""
    all_edges = all_edges if all_edges is not None else edges(flow)
    reach = reachable(flow, all_edges)
    order = [s.id for s in flow.steps if s.id in reach]
    index = {name: i for i, name in enumerate(order)}
    preds: dict[str, list[int]] = {name: [] for name in order}
    for e in all_edges:
        if e.source in index and e.target in index:
            preds[e.target].append(index[e.source])
    everything = (1 << len(order)) - 1
    first = flow.first.id
    dom = {name: everything for name in order}
    # The call-staff handoff is entered from every step by its button, not by an edge: only itself before it.
    roots = {first, flow.call_staff}
    for r in roots:
        if r in index:
            dom[r] = 1 << index[r]
    changed = True
    while changed:
        changed = False
        for name in order:
            if name in roots:
                continue
            meet = everything
            for p in preds[name]:
                meet &= dom[order[p]]
            new = meet | (1 << index[name]) if preds[name] else 1 << index[name]
            if new != dom[name]:
                dom[name], changed = new, True
    return {name: {order[i] for i in range(len(order)) if mask >> i & 1} for name, mask in dom.items()}


def can_finish(flow: Flow, all_edges: list[Edge] | None = None) -> set[str]:
    """Steps from which an 'end' or 'handoff' step can be reached by answering (not by calling staff)."""
    back: dict[str, list[str]] = {}
    for e in all_edges if all_edges is not None else edges(flow):
        back.setdefault(e.target, []).append(e.source)
    done = {s.id for s in flow.steps if s.is_terminal}
    queue = deque(done)
    while queue:
        current = queue.popleft()
        for source in back.get(current, []):
            if source not in done:
                done.add(source)
                queue.append(source)
    return done


class Reach:
    """Steps reachable from each step, each worked out once (a flow can ask for hundreds)."""

    def __init__(self, all_edges: list[Edge]):
        self.graph: dict[str, list[str]] = {}
        for e in all_edges:
            self.graph.setdefault(e.source, []).append(e.target)
        self._after: dict[str, set[str]] = {}

    def after(self, start: str) -> set[str]:
        """Steps reachable from `start` (not including it unless it is on a loop)."""
        if start not in self._after:
            seen: set[str] = set()
            queue = deque(self.graph.get(start, []))
            while queue:
                current = queue.popleft()
                if current not in seen:
                    seen.add(current)
                    queue.extend(self.graph.get(current, []))
            self._after[start] = seen
        return self._after[start]


def path_to(flow: Flow, step_id: str, rules: bool = False) -> list[str]:
    """A shortest way from the first step to `step_id` (breadth-first over the flow's graph): the usual way, not a
    routing rule's short cut (a question a triage answered), unless only a rule leads there."""
    if not flow.has_step(step_id):
        raise KeyError(step_id)
    graph: dict[str, list[str]] = {}
    for e in edges(flow):
        if rules or not e.via.startswith("rule "):
            graph.setdefault(e.source, []).append(e.target)
    start = flow.first.id
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == step_id:
            break
        for target in graph.get(current, []):
            if target not in previous and flow.has_step(target):
                previous[target] = current
                queue.append(target)
    if step_id not in previous:  # only reachable through a routing rule, or through call_staff
        return path_to(flow, step_id, rules=True) if not rules else [start, step_id] if step_id != start else [start]
    path: list[str] = []
    node: str | None = step_id
    while node is not None:
        path.append(node)
        node = previous[node]
    return path[::-1]
