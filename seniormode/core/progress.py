"""Where an applicant is in a flow: step numbers that a branch cannot change, and what was done before a handoff.

The strip's numbers come from the flow, not from the applicant's answers: each step's number is the length of
the longest way to it from the first step (loops such as 'no' on a confirm back to the summary do not count), and
the total is the longest way through the flow. So the total is the same on every screen of every applicant, and
a step hidden by `show_if` (take_photo after 用上次的照片) is a number skipped, never a total that grows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .effects import DoneSoFar, SummaryRow
from .flow import HARDWARE_KINDS, QUESTION_KINDS, Flow
from .graph import edges

# What counts as done on a ticket: questions answered and devices used; greetings and summaries are not news
# to the staff.
_DONE_KINDS = QUESTION_KINDS + HARDWARE_KINDS


@dataclass(frozen=True)
class StepNumbers:
    """Each step's number on the strip and the flow's total, worked out once per flow."""

    numbers: dict[str, int]
    total: int

    @classmethod
    def of(cls, flow: Flow) -> StepNumbers:
        graph: dict[str, list[str]] = {}
        for e in edges(flow):
            if flow.has_step(e.target):
                graph.setdefault(e.source, []).append(e.target)
        on_loop = _loop_edges(flow.first.id, graph)
        order = _forward_order(flow.first.id, graph, on_loop)
        numbers = {flow.first.id: 1}
        for source in order:
            for target in graph.get(source, []):
                if (source, target) not in on_loop:
                    # A rating after the service is no step of the service: it shares the number before it.
                    step = 0 if flow.step(target).kind == "feedback" else 1
                    numbers[target] = max(numbers.get(target, 0), numbers[source] + step)
        counted = [n for sid, n in numbers.items() if flow.step(sid).kind != "handoff"]
        return cls(numbers, max(counted, default=1))

    def position(self, step_id: str) -> int:
        return min(self.numbers.get(step_id, 1), self.total)


def _loop_edges(start: str, graph: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The edges that go back to a step still being walked (depth first, in the flow's own order)."""
    back: set[tuple[str, str]] = set()
    on_path: set[str] = {start}
    seen: set[str] = {start}
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, i = stack[-1]
        targets = graph.get(node, [])
        if i == len(targets):
            stack.pop()
            on_path.discard(node)
            continue
        stack[-1] = (node, i + 1)
        target = targets[i]
        if target in on_path:
            back.add((node, target))
        elif target not in seen:
            seen.add(target)
            on_path.add(target)
            stack.append((target, 0))
    return back


def _forward_order(start: str, graph: dict[str, list[str]], loops: set[tuple[str, str]]) -> list[str]:
    """Steps reachable from `start`, each after every step that leads to it without a loop."""
    finished: list[str] = []
    seen = {start}
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, i = stack[-1]
        targets = [t for t in graph.get(node, []) if (node, t) not in loops]
        if i == len(targets):
            stack.pop()
            finished.append(node)
            continue
        stack[-1] = (node, i + 1)
        if targets[i] not in seen:
            seen.add(targets[i])
            stack.append((targets[i], 0))
    return finished[::-1]


def done_so_far(flow: Flow, walked: list[str], finished: set[str], answered: set[str], stopped_at: str,
                label: Callable[[str], str], answer: Callable[[str], str]) -> DoneSoFar:
    """The short account staff need: the steps done, by name, and the step the applicant stopped at.

    Only a choice or a yes/no is given with its answer, by its label; a typed value (an ID number, a phone
    number) or what the card reader read is never on it: the step is named as done, nothing more.
    """
    rows = []
    for sid in walked:
        step = flow.step(sid)
        if step.kind not in _DONE_KINDS or sid not in finished | answered:
            continue
        said = answer(sid) if step.kind in ("choice", "confirm") else ""
        rows.append(SummaryRow(sid, label(sid), said))
    return DoneSoFar(tuple(rows), label(stopped_at) if flow.has_step(stopped_at) else "")
