"""Before and after: two flow versions (or two date ranges) side by side, per step and age band.

A difference is claimed only where both sides have enough applicants and the 95% intervals do not overlap;
otherwise the report says "no evidence yet" (too few) or "no clear change".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..journal.reader import Selection, moment
from .analysis import Analysis
from .stats import Rate, differ, wilson

METRICS = ("abandoned", "help", "repeat", "bigger", "timeout_warning")


def side(flow_id: str, spec: str) -> Selection:
    """`2026-11-01..2026-11-30` is a date range; anything else is a flow version (or the start of one)."""
    if ".." in spec:
        since, _, until = spec.partition("..")
        for part in (since, until):
            if part:
                moment(part)  # a ValueError for a date that is no date: the command says which
        return Selection(flow_id, since or None, until or None)
    return Selection(flow_id, versions=(spec,))


@dataclass(frozen=True)
class Change:
    step: str
    band: str
    metric: str
    before: Rate
    after: Rate
    verdict: str  # better | worse | no clear change | no evidence yet

    def to_dict(self) -> dict[str, object]:
        return {"step": self.step, "band": self.band, "metric": self.metric, "before": self.before.to_dict(),
                "after": self.after.to_dict(), "verdict": self.verdict}


@dataclass
class Comparison:
    before: str
    after: str
    sessions: tuple[int, int]
    changes: list[Change]
    satisfaction: Change | None

    def to_dict(self) -> dict[str, object]:
        return {"before": self.before, "after": self.after, "sessions": list(self.sessions),
                "changes": [c.to_dict() for c in self.changes],
                "satisfaction": self.satisfaction.to_dict() if self.satisfaction else None}


def _verdict(before: Rate, after: Rate, lower_is_better: bool = True) -> str:
    if before.small or after.small:
        return "no evidence yet"
    if not differ(before, after):
        return "no clear change"
    improved = after.value < before.value if lower_is_better else after.value > before.value
    return "better" if improved else "worse"


def _metric(analysis: Analysis, step: str, metric: str) -> Rate:
    s = analysis.step(step)
    if s is None:
        return wilson(0, 0, analysis.min_n)
    if metric == "abandoned":
        return s.abandon_rate or wilson(0, 0, analysis.min_n)
    return s.rates[metric]


def compare(before: tuple[str, Analysis], after: tuple[str, Analysis]) -> Comparison:
    (a_name, a), (b_name, b) = before, after
    changes = []
    bands = sorted(set(a.groups) | set(b.groups)) or ["all"]
    for band in bands:
        ga, gb = a.groups.get(band, a if band == "all" else None), b.groups.get(band, b if band == "all" else None)
        if ga is None or gb is None:
            continue
        for s in a.steps:
            for metric in METRICS:
                ra, rb = _metric(ga, s.step, metric), _metric(gb, s.step, metric)
                if ra.n or rb.n:
                    changes.append(Change(s.step, band, metric, ra, rb, _verdict(ra, rb)))
    sa, sb = a.satisfaction, b.satisfaction
    satisfied_a = wilson(sum(v for k, v in sa.levels.items() if k >= 4), sa.answered, a.min_n)
    satisfied_b = wilson(sum(v for k, v in sb.levels.items() if k >= 4), sb.answered, b.min_n)
    satisfaction = None
    if sa.answered or sb.answered:
        satisfaction = Change("(after the service)", "all", "satisfied (满意 or 非常满意)", satisfied_a, satisfied_b,
                              _verdict(satisfied_a, satisfied_b, lower_is_better=False))
    return Comparison(a_name, b_name, (a.sessions, b.sessions), changes, satisfaction)


def render_comparison(c: Comparison) -> str:
    lines = [f"before: {c.before} ({c.sessions[0]} sessions)   after: {c.after} ({c.sessions[1]} sessions)"]
    if not c.sessions[0] or not c.sessions[1]:
        lines.append("no evidence yet: one side has no sessions")
    shown = [ch for ch in c.changes if ch.verdict in ("better", "worse")]
    for ch in shown:
        lines.append(f"{ch.verdict.upper():6} {ch.step} {ch.band}: {ch.metric} {ch.before.percent()} -> "
                     f"{ch.after.percent()}")
    waiting = sum(ch.verdict == "no evidence yet" for ch in c.changes)
    steady = sum(ch.verdict == "no clear change" for ch in c.changes)
    lines.append(f"{len(shown)} change(s) shown; {steady} without a clear change; {waiting} with no evidence yet "
                 "(too few applicants on one side)")
    if c.satisfaction:
        s = c.satisfaction
        lines.append(f"satisfaction: {s.before.percent()} -> {s.after.percent()}: {s.verdict}")
    return "\n".join(lines) + "\n"


__all__ = ["Change", "Comparison", "compare", "render_comparison", "side"]
