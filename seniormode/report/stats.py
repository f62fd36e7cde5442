"""A rate with its n and 95% Wilson interval, and the quantiles of a step's times."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    """k of n, with the Wilson score interval; `small` when n is under the report's minimum."""

    k: int
    n: int
    low: float
    high: float
    small: bool

    @property
    def value(self) -> float:
        return self.k / self.n if self.n else 0.0

    def percent(self) -> str:
        if not self.n:
            return "n=0"
        flag = " (small sample)" if self.small else ""
        return (f"{100 * self.value:.0f}% (n={self.n}, 95% CI {100 * self.low:.0f}-{100 * self.high:.0f}%)"
                f"{flag}")

    def to_dict(self) -> dict[str, object]:
        return {"k": self.k, "n": self.n, "rate": round(self.value, 4), "ci95": [round(self.low, 4),
                round(self.high, 4)], "small_sample": self.small}


def wilson(k: int, n: int, min_n: int = 30, z: float = Z95) -> Rate:
    """The Wilson score interval: right at 0% and 100% and for small n, where the normal interval is not."""
    if n <= 0:
        return Rate(0, 0, 0.0, 1.0, True)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Rate(k, n, max(0.0, centre - half), min(1.0, centre + half), n < min_n)


def quantile(sorted_values: list[int], q: float) -> int | None:
    """The q-quantile of sorted values (nearest rank); None for no values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def differ(a: Rate, b: Rate) -> bool:
    """Do two rates differ beyond chance? Their 95% intervals do not overlap (conservative), neither small."""
    if a.small or b.small:
        return False
    return a.high < b.low or b.high < a.low


__all__ = ["Rate", "differ", "quantile", "wilson"]
