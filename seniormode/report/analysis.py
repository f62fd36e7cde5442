"""From journal rows to numbers per step, following the flow's branches: the data every output renders.

Rates are per applicant: of those who reached a step, how many did X there at least once (pressed 大字, heard it
again, asked for help, ...). Times are per visit: from the step shown to the step left.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.flow import Flow
from ..journal.reader import COL
from .stats import Rate, quantile, wilson

# What a step's row of the heat table shows, in order: journal kind (or step_left how) -> column title.
SIGNALS: dict[str, str] = {
    "repeat": "再听一遍 repeat",
    "help": "help",
    "bigger": "大字 bigger text",
    "slower": "slower speech",
    "back": "back",
    "entry_error": "entry errors",
    "timeout_warning": "time-out warning",
    "extension": "more time",
    "call_staff": "call staff",
    "double_touch": "double touch ignored",
}
_FLAG_KINDS = frozenset(SIGNALS) - {"back", "call_staff"}
_FLAG_HOWS = frozenset({"back", "call_staff"})
GROUPINGS = ("age_band", "language", "kiosk", "version")
_GROUP_COLUMN = {"age_band": COL["age_band"], "language": COL["voice_language"], "kiosk": COL["kiosk"],
                 "version": COL["version"]}
FEEDBACK_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


@dataclass
class StepStats:
    step: str
    kind: str
    where: str  # flow file:line of the step
    reached: int = 0
    entries: int = 0
    completed: int = 0
    abandoned: int = 0
    handed_off: int = 0
    median_ms: int | None = None
    p90_ms: int | None = None
    rates: dict[str, Rate] = field(default_factory=dict)
    abandon_rate: Rate | None = None
    field_errors: dict[str, int] = field(default_factory=dict)
    ways_in: dict[str, int] = field(default_factory=dict)
    ways_out: dict[str, int] = field(default_factory=dict)
    # Of the visits, the share where the applicant's age band was known (the card read): only there can a
    # rule for an age band have been in force.
    band_known: float = 0.0
    answers: dict[str, int] = field(default_factory=dict)  # only for steps marked record_answer: yes

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "kind": self.kind, "where": self.where, "reached": self.reached,
                "entries": self.entries, "completed": self.completed, "abandoned": self.abandoned,
                "handed_off": self.handed_off, "median_ms": self.median_ms, "p90_ms": self.p90_ms,
                "abandonment": self.abandon_rate.to_dict() if self.abandon_rate else None,
                "rates": {k: r.to_dict() for k, r in self.rates.items()}, "field_errors": self.field_errors,
                "ways_in": self.ways_in, "ways_out": self.ways_out, "band_known": round(self.band_known, 3),
                "answers": self.answers}


@dataclass
class Satisfaction:
    levels: dict[int, int]
    hard: dict[str, int]
    answered: int
    unsatisfied: int

    def to_dict(self) -> dict[str, Any]:
        return {"levels": {FEEDBACK_LEVELS[k]: v for k, v in sorted(self.levels.items(), reverse=True)},
                "hard": self.hard, "answered": self.answered, "unsatisfied": self.unsatisfied}


@dataclass
class Analysis:
    flow: str
    sessions: int
    events: int
    synthetic: int  # sessions from simulated applicants
    versions: list[str]
    steps: list[StepStats]
    ends: dict[str, int]
    edges: dict[tuple[str, str], int]
    satisfaction: Satisfaction
    unknown_steps: dict[str, int]  # steps the journal has and the flow no longer does
    min_n: int
    groups: dict[str, Analysis] = field(default_factory=dict)
    grouped_by: str | None = None

    def step(self, step_id: str) -> StepStats | None:
        return next((s for s in self.steps if s.step == step_id), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "flow": self.flow, "sessions": self.sessions, "events": self.events, "synthetic_sessions": self.synthetic,
            "versions": self.versions, "ends": self.ends, "min_n": self.min_n,
            "steps": [s.to_dict() for s in self.steps],
            "edges": [{"from": a, "to": b, "n": n} for (a, b), n in sorted(self.edges.items())],
            "satisfaction": self.satisfaction.to_dict(), "unknown_steps": self.unknown_steps}
        if self.grouped_by:
            out["grouped_by"] = self.grouped_by
            out["groups"] = {k: g.to_dict() for k, g in sorted(self.groups.items())}
        return out


class _Tally:
    """Counts for one flow (or one group of its sessions), one session at a time."""

    def __init__(self) -> None:
        self.sessions = self.events = self.synthetic = 0
        self.reached: Counter[str] = Counter()
        self.entries: Counter[str] = Counter()
        self.band_known: Counter[str] = Counter()
        self.completed: Counter[str] = Counter()
        self.flags: dict[str, Counter[str]] = defaultdict(Counter)
        self.durations: dict[str, list[int]] = defaultdict(list)
        self.field_errors: dict[str, Counter[str]] = defaultdict(Counter)
        self.ways_in: dict[str, Counter[str]] = defaultdict(Counter)
        self.ways_out: dict[str, Counter[str]] = defaultdict(Counter)
        self.end_at: dict[str, Counter[str]] = defaultdict(Counter)
        self.ends: Counter[str] = Counter()
        self.edges: Counter[tuple[str, str]] = Counter()
        self.levels: Counter[int] = Counter()
        self.hard: Counter[str] = Counter()
        self.answers: dict[str, Counter[str]] = defaultdict(Counter)
        self.unsatisfied = 0
        self.versions: set[str] = set()
        self.switches = 0

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        if rows[0][COL["kind"]] == "version_switch":  # the kiosk's own row, no applicant's session
            self.switches += 1
            return
        self.sessions += 1
        self.events += len(rows)
        if rows[0][COL["synthetic"]]:
            self.synthetic += 1
        self.versions.add(rows[0][COL["version"]])
        reached: set[str] = set()
        flagged: set[tuple[str, str]] = set()
        previous = "start"
        i_step, i_kind, i_detail, i_ms = COL["step"], COL["kind"], COL["detail"], COL["ms"]
        i_band = COL["age_band"]
        for row in rows:
            step, kind, detail = row[i_step], row[i_kind], row[i_detail]
            if kind == "step_shown":
                self.entries[step] += 1
                if row[i_band] != "unknown":
                    self.band_known[step] += 1
                reached.add(step)
                self.edges[(previous, step)] += 1
                self.ways_in[step][previous] += 1
            elif kind == "step_left":
                self.durations[step].append(row[i_ms])
                self.ways_out[step][detail] += 1
                if detail == "answer":
                    self.completed[step] += 1
                elif detail in _FLAG_HOWS:
                    flagged.add((step, detail))
                previous = step
            elif kind in _FLAG_KINDS:
                flagged.add((step, kind))
                if kind == "entry_error":
                    self.field_errors[step][detail] += 1
            elif kind == "session_end":
                self.ends[detail] += 1
                self.end_at[step][detail] += 1
            elif kind == "feedback" and detail.isdigit():
                level = int(detail)
                self.levels[level] += 1
                self.unsatisfied += level <= 2
            elif kind == "hard":
                self.hard[detail] += 1
            elif kind == "answer":
                self.answers[step][detail] += 1
        self.reached.update(reached)
        for step, signal in flagged:
            self.flags[step][signal] += 1

    def analysis(self, flow: Flow, min_n: int) -> Analysis:
        steps = []
        for s in flow.steps:
            n = self.reached[s.id]
            durations = sorted(self.durations.get(s.id, []))
            stats = StepStats(
                s.id, s.kind, f"{s.location.file}:{s.location.line}", reached=n, entries=self.entries[s.id],
                completed=self.completed[s.id], abandoned=self.end_at[s.id]["abandoned"],
                handed_off=self.end_at[s.id]["handed_off"], median_ms=quantile(durations, 0.5),
                p90_ms=quantile(durations, 0.9),
                rates={k: wilson(self.flags[s.id][k], n, min_n) for k in SIGNALS},
                abandon_rate=wilson(self.end_at[s.id]["abandoned"], n, min_n),
                field_errors=dict(self.field_errors.get(s.id, {})), ways_in=dict(self.ways_in.get(s.id, {})),
                ways_out=dict(self.ways_out.get(s.id, {})),
                band_known=self.band_known[s.id] / self.entries[s.id] if self.entries[s.id] else 0.0,
                answers=dict(self.answers.get(s.id, {})))
            steps.append(stats)
        known = {s.id for s in flow.steps}
        unknown = Counter({k: v for k, v in self.entries.items() if k not in known})
        return Analysis(flow.id, self.sessions, self.events, self.synthetic, sorted(self.versions), steps,
                        dict(self.ends), dict(self.edges),
                        Satisfaction(dict(self.levels), dict(self.hard), sum(self.levels.values()), self.unsatisfied),
                        dict(unknown), min_n)


def analyse(flow: Flow, sessions: Iterable[list[tuple[Any, ...]]], by: str | None = None,
            min_n: int = 30) -> Analysis:
    """One pass over the sessions; with `by`, the same numbers for each age band, language, kiosk or version."""
    total = _Tally()
    groups: dict[str, _Tally] = defaultdict(_Tally)
    column = _GROUP_COLUMN[by] if by else None
    for rows in sessions:
        if not rows or rows[0][COL["flow"]] != flow.id:
            continue
        total.add(rows)
        if column is not None:
            # A session's group is what it ended as: the age band is known only once the card was read.
            known = [r[column] for r in rows if r[column] not in ("unknown", "")]
            groups[known[-1] if known else "unknown"].add(rows)
    result = total.analysis(flow, min_n)
    if by:
        result.grouped_by = by
        result.groups = {k: t.analysis(flow, min_n) for k, t in groups.items()}
    return result


__all__ = ["FEEDBACK_LEVELS", "GROUPINGS", "SIGNALS", "Analysis", "Satisfaction", "StepStats", "analyse"]
