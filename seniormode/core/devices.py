"""The biometric steps: fingerprint and live face (tries with spoken guidance, then staff), and the signature.

A signature's strokes are personal data. They live only in a `StrokeHolder` the screen owns (in memory, never
written anywhere) and are wiped when the applicant presses 重签, when the step changes and at every reset. The
session is told only the verdict (`signed: ok`, `signed: too_small`, ...): what `verdict` makes of the strokes'
measure against the step's limits, never the strokes themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .flow import Step, Text
from .messages import message

# The steps an applicant may try again, a few times, before a person takes over.
TRIES_KINDS = ("fingerprint", "live_face")
TRIES_RANGE = (1, 5)

# What the signature pad refuses, in the order it says so; `ok` is a signature it takes.
VERDICTS = ("ok", "empty", "too_small", "too_short")
# The YAML keys of a signature step's limits, their defaults and their ranges (mm on the glass, or points).
SIGNATURE_LIMITS: dict[str, tuple[float, float, float]] = {
    "min_width_mm": (40.0, 5.0, 250.0),
    "min_height_mm": (8.0, 2.0, 120.0),
    "min_length_mm": (80.0, 5.0, 2000.0),
    "min_points": (20.0, 2.0, 2000.0),
}


@dataclass(frozen=True)
class SignatureLimits:
    """How big and how long a signature must be: a dot or a tick is not a signature."""

    min_width_mm: float = SIGNATURE_LIMITS["min_width_mm"][0]
    min_height_mm: float = SIGNATURE_LIMITS["min_height_mm"][0]
    min_length_mm: float = SIGNATURE_LIMITS["min_length_mm"][0]
    min_points: int = int(SIGNATURE_LIMITS["min_points"][0])


@dataclass(frozen=True)
class SignatureMeasure:
    """What the limits are checked against: the strokes' bounding box, their total length, how many points."""

    width_mm: float
    height_mm: float
    length_mm: float
    points: int
    strokes: int


Point = tuple[float, float]  # millimetres on the pad, from its lower left corner


class StrokeHolder:
    """The strokes of the signature being drawn, in memory only; `clear` forgets every point."""

    def __init__(self) -> None:
        self._strokes: list[list[Point]] = []

    def begin(self, point: Point) -> None:
        self._strokes.append([point])

    def extend(self, point: Point) -> None:
        if not self._strokes:
            self.begin(point)
        elif self._strokes[-1][-1] != point:
            self._strokes[-1].append(point)

    def clear(self) -> None:
        for stroke in self._strokes:
            stroke.clear()  # the lists themselves, in case something still holds one
        self._strokes.clear()

    @property
    def strokes(self) -> tuple[tuple[Point, ...], ...]:
        """A copy, for drawing and for tests."""
        return tuple(tuple(s) for s in self._strokes)

    @property
    def empty(self) -> bool:
        return not any(self._strokes)

    def measure(self) -> SignatureMeasure:
        return measure(self._strokes)


def measure(strokes: list[list[Point]] | tuple[tuple[Point, ...], ...]) -> SignatureMeasure:
    points = [p for s in strokes for p in s]
    if not points:
        return SignatureMeasure(0.0, 0.0, 0.0, 0, 0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    length = sum(math.dist(a, b) for s in strokes for a, b in zip(s, s[1:], strict=False))
    return SignatureMeasure(max(xs) - min(xs), max(ys) - min(ys), length, len(points),
                            sum(1 for s in strokes if s))


def verdict(m: SignatureMeasure, limits: SignatureLimits) -> str:
    """ok, or why the signature is refused: nothing drawn, too small (its box), too short (its length or points)."""
    if m.points == 0:
        return "empty"
    if m.width_mm < limits.min_width_mm or m.height_mm < limits.min_height_mm:
        return "too_small"
    if m.length_mm < limits.min_length_mm or m.points < limits.min_points:
        return "too_short"
    return "ok"


def sample_strokes(kind: str, limits: SignatureLimits, width_mm: float, height_mm: float) -> list[list[Point]]:
    """Strokes the simulator (and the pilot's finger) draws on a pad of this size: a signature the limits take
    (`ok`), a scribble in a corner (`too_small`), one straight line (`too_short`), or nothing (`empty`)."""
    if kind == "empty":
        return []
    if kind == "too_small":
        side = max(1.0, min(limits.min_width_mm, limits.min_height_mm) / 3)
        x0, y0 = width_mm * 0.1, height_mm * 0.5
        return [[(x0 + side * t / 6, y0 + side * math.sin(t)) for t in range(7)]]
    if kind == "too_short":
        w = min(width_mm * 0.8, max(limits.min_width_mm * 1.2, 10.0))
        h = min(height_mm * 0.8, max(limits.min_height_mm * 1.2, 3.0))
        x0, y0 = (width_mm - w) / 2, (height_mm - h) / 2
        return [[(x0, y0), (x0 + w, y0 + h)]]
    # ok: three strokes of a written name, loops and waves, filling most of the pad
    w, h = width_mm * 0.8, height_mm * 0.6
    x0, y0 = width_mm * 0.1, height_mm * 0.2
    strokes: list[list[Point]] = []
    for part in range(3):
        left = x0 + part * w / 3
        stroke = []
        for i in range(25):
            t = i / 24
            x = left + t * w / 3.3 + (w / 30) * math.sin(t * math.pi * 4)
            y = y0 + h / 2 + (h / 2) * math.sin(t * math.pi * (3 + part)) * (0.6 + 0.4 * t)
            stroke.append((round(x, 2), round(y, 2)))
        strokes.append(stroke)
    return strokes


@dataclass
class TriesState:
    """How many times each step's device said no for this applicant (a fingerprint too faint, a face that did not
    blink). Wiped with the session at every reset."""

    failed: dict[str, int] = field(default_factory=dict)

    def fail(self, step_id: str) -> int:
        self.failed[step_id] = self.failed.get(step_id, 0) + 1
        return self.failed[step_id]

    def passed(self, step_id: str) -> None:
        self.failed.pop(step_id, None)

    def left(self, step_id: str, tries: int) -> int:
        return max(0, tries - self.failed.get(step_id, 0))


# What is said after a failed try when the flow gives no `guidance:` of its own.
DEFAULT_GUIDANCE = {"fingerprint": ("fingerprint_again_1", "fingerprint_again_2")}


def failed_try(tries: TriesState, step: Step) -> Text | None:
    """Count a failed try of `step`: the guidance to say and show now, or None when its tries are used up."""
    n = tries.fail(step.id)
    if n >= step.tries:
        return None
    if step.guidance:
        return step.guidance[min(n, len(step.guidance)) - 1]
    if step.kind == "live_face" and step.instruction is not None:
        return message("live_face_again", instruction=step.instruction)
    keys = DEFAULT_GUIDANCE.get(step.kind, ("device_failed",))
    return message(keys[min(n, len(keys)) - 1])


def tries_reason(step: Step) -> Text:
    """Why the ticket was printed: what the staff read on the slip."""
    return message("tries_reason", step=step.text, tries=step.tries)
