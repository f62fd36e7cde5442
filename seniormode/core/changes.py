"""A change made from the summary's 修改 link: what it may forget, and how 取消修改 undoes it.

The session (session.py) opens the question, asks only what the new answer needs and comes back to the
summary; this module holds what that takes beyond the moving itself:

- `Before`: the answers, the steps done and the way walked when the link was pressed, so 取消修改 ("cancel this
  change") puts them back exactly: back to the summary, the old answer kept, whatever was asked since.
- `forget_off_path`: when the summary is reached, an answer or a device step (a photo taken) that is no longer on
  the way walked is forgotten, so a later change that needs it again asks for it again instead of counting the
  photo thrown away with 用上次的照片 as taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .flow import Step, Text
from .messages import message


@dataclass(frozen=True)
class Before:
    """The session as it was on the summary when a 修改 link was pressed."""

    summary: str
    answers: dict[str, Any]
    done: frozenset[str]
    history: tuple[str, ...]
    tries: dict[str, int]  # failed device tries (a faint fingerprint), by step

    @classmethod
    def of(cls, summary: str, answers: dict[str, Any], done: set[str], history: list[str],
           tries: dict[str, int]) -> Before:
        return cls(summary, dict(answers), frozenset(done), tuple(history), dict(tries))

    def restore(self, answers: dict[str, Any], done: set[str], history: list[str], tries: dict[str, int]) -> None:
        """Put the answers, the steps done, the way walked and the failed tries back as they were (in place: the
        session's own): two faint prints on a branch the change then cancelled do not count against the next."""
        answers.clear()
        answers.update(self.answers)
        done.clear()
        done.update(self.done)
        history[:] = self.history
        tries.clear()
        tries.update(self.tries)


def forget_off_path(answers: dict[str, Any], done: set[str], history: list[str], tries: dict[str, int]) -> None:
    """Forget every answer, every step done and every failed try that is not on the way walked to the summary."""
    on_path = set(history)
    for sid in [s for s in answers if s not in on_path]:
        del answers[sid]
    done.intersection_update(on_path)
    for sid in [s for s in tries if s not in on_path]:
        del tries[sid]


# Where a change cannot be cancelled: the summary (where it ends), a hand-off (a ticket is printed or about to be),
# the end, and the start of another flow.
NO_CANCEL_KINDS = frozenset({"summary", "handoff", "end", "start_flow"})


def offers_cancel(step: Step, changing: bool, active: bool = True) -> bool:
    """取消修改 is on every question of a change while the session is on; not where the change cannot go back."""
    return changing and active and step.kind not in NO_CANCEL_KINDS


def cancel_hint() -> Text:
    """What a question opened from the 修改 link says after its prompt."""
    return message("change_cancel_say")
