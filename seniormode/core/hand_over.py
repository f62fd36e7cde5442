"""What goes with an applicant from one flow to the next (a `start_flow` step): the names the step lists, no more.

The values are the target's declared `inputs:` (lint proves the names, types and choices: flow_links.py); a
value that is still unknown is left out rather than handed over as nothing. The applicant's own screen choices
(language, 大字/小字, 慢一点, 角度) go with them too: they are how this person reads, not who they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .effects import Effect, StartFlow
from .flow import Step

if TYPE_CHECKING:
    from .session import Session

# Never handed over, whatever a step lists: what the card reader read about the person.
PERSONAL_NAMES = frozenset({"name"})


def handed_over(step: Step, values: dict[str, Any]) -> dict[str, Any]:
    """The values `step.hand_over` names, as they stand now; unknown ones are left out."""
    return {name: values[name] for name in step.hand_over
            if name not in PERSONAL_NAMES and values.get(name) is not None}


# The big button's default words by step kind (a step's own `button:` comes first).
BUTTON_WORD = {"end": "finish", "handoff": "finish", "start_flow": "start", "signature": "ui_signed"}


def start_next(session: Session, step: Step) -> list[Effect]:
    """Leaving a `start_flow` step (its big button): this flow is finished; the effect names the target, what it
    is handed, and the applicant's own screen choices. FlowChain (and the kiosk) then switch flows."""
    session.s.status = "finished"
    return [StartFlow(step.target_flow, step.id, handed_over(step, session.values()), dict(session.s.overrides),
                      dict(session.s.adjust))]
