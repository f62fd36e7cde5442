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

    @classmethod
    def of(cls, summary: str, answers: dict[str, Any], done: set[str], history: list[str]) -> Before:
        return cls(summary, dict(answers), frozenset(done), tuple(history))

    def restore(self, answers: dict[str, Any], done: set[str], history: list[str]) -> None:
        """Put the answers, the steps done and the way walked back as they were (in place: the session's own)."""
        answers.clear()
        answers.update(self.answers)
        done.clear()
        done.update(self.done)
        history[:] = self.history


def forget_off_path(answers: dict[str, Any], done: set[str], history: list[str]) -> None:
    """Forget every answer and every step done that is not on the way walked to the summary now."""
    on_path = set(history)
    for sid in [s for s in answers if s not in on_path]:
        del answers[sid]
    done.intersection_update(on_path)


def offers_cancel(step: Step, changing: bool) -> bool:
    """取消修改 is on every screen of a change but the summary itself (where the change ends)."""
    return changing and step.kind != "summary"


def cancel_hint() -> Text:
    """What a question opened from the 修改 link says after its prompt."""
    return message("change_cancel_say")
