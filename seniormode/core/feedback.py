"""The 好差评 step: five official levels, one touch, then "what was hard?" tiles after a bad rating.

The five levels and their words are those of China's government-service rating system (非常满意 ... 非常不满意);
they are kiosk messages, translated in the kiosk catalog. The "what was hard?" tiles are the flow's own
(`hard:` on a `kind: feedback` step), translated in the flow's catalog. The step never blocks the next
applicant: it has its own short time-out and moves on, skipped, with no warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from .flow import Text
from .messages import message


@dataclass(frozen=True)
class Level:
    id: str
    number: int  # 5 非常满意 ... 1 非常不满意
    icon: str

    @property
    def text(self) -> Text:
        return message(f"feedback_{self.id}")


LEVELS = (
    Level("very_satisfied", 5, "face_very_happy"),
    Level("satisfied", 4, "face_happy"),
    Level("basically_satisfied", 3, "face_neutral"),
    Level("unsatisfied", 2, "face_sad"),
    Level("very_unsatisfied", 1, "face_very_sad"),
)
BY_ID = {level.id: level for level in LEVELS}
# After these, the second screen asks what was hard (if the flow gives tiles for it).
UNSATISFIED = frozenset({"unsatisfied", "very_unsatisfied"})
# The step's own time-out when the flow gives none: long enough to touch a face, short enough for the queue.
DEFAULT_TIMEOUT = 20.0


@dataclass
class FeedbackState:
    """Where the applicant is on one feedback step: rating, then (after a bad one) choosing what was hard."""

    phase: str = "rate"  # rate | hard
    level: str | None = None
    hard: tuple[str, ...] = ()

    def toggle(self, tile: str) -> None:
        self.hard = tuple(t for t in self.hard if t != tile) if tile in self.hard else (*self.hard, tile)


def level_number(level_id: str | None) -> int | None:
    level = BY_ID.get(level_id or "")
    return level.number if level else None


__all__ = ["BY_ID", "DEFAULT_TIMEOUT", "LEVELS", "UNSATISFIED", "FeedbackState", "Level", "level_number"]
