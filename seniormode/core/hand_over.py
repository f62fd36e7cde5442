"""What goes with an applicant from one flow to the next (a `start_flow` step): the names the step lists, no more.

The values are the target's declared `inputs:` (lint proves the names, types and choices: flow_links.py); a
value that is still unknown is left out rather than handed over as nothing. The applicant's own screen choices
(language, 大字/小字, 慢一点, 角度) go with them too: they are how this person reads, not who they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .effects import Effect, StartFlow
from .flow import Flow, Step

if TYPE_CHECKING:
    from .session import Session

# Never handed over, whatever a step lists: what the card reader read about the person, and what the applicant
# typed (an ID or phone number, a number on the keypad): the next flow asks for its own.
PERSONAL_NAMES = frozenset({"name"})
TYPED_KINDS = frozenset({"text", "number"})


def is_typed(flow: Flow, name: str) -> bool:
    """`name` is the answer of a step where the applicant types (a `text` or `number` step)."""
    return flow.has_step(name) and flow.step(name).kind in TYPED_KINDS


def handed_over(step: Step, values: dict[str, Any], flow: Flow, walked: list[str]) -> dict[str, Any]:
    """The values `step.hand_over` names, as they stand now; unknown ones are left out, and so is a step's answer
    when that step is not on the way the applicant walked (a branch left with Back or by a change), or typed."""
    out: dict[str, Any] = {}
    for name in step.hand_over:
        if name in PERSONAL_NAMES or values.get(name) is None:
            continue
        if flow.has_step(name) and (is_typed(flow, name) or name not in walked):
            continue
        out[name] = values[name]
    return out


# The big button's default words by step kind (a step's own `button:` comes first).
BUTTON_WORD = {"end": "finish", "handoff": "finish", "start_flow": "start", "signature": "ui_signed"}


def start_next(session: Session, step: Step) -> list[Effect]:
    """Leaving a `start_flow` step (its big button): this flow is finished; the effect names the target, what it
    is handed, and the applicant's own screen choices. FlowChain (and the kiosk) then switch flows."""
    session.s.status = "finished"
    given = handed_over(step, session.values(), session.flow, session.s.history)
    return [StartFlow(step.target_flow, step.id, given, dict(session.s.overrides),
                      dict(session.s.adjust))]
