"""The report for a terminal or a CI log: the same numbers as the HTML, one line a step."""

from __future__ import annotations

from collections.abc import Sequence

from .analysis import Analysis
from .suggest import Finding, combined_patch

_SHOWN = ("bigger", "repeat", "help", "back", "entry_error", "timeout_warning", "call_staff")


def render_text(analysis: Analysis, findings: Sequence[Finding], refused: Sequence[str]) -> str:
    lines = [f"flow {analysis.flow}: {analysis.sessions} sessions, {analysis.events} events; "
             f"ends: {', '.join(f'{k} {v}' for k, v in sorted(analysis.ends.items())) or 'none'}"]
    if analysis.synthetic:
        lines.append(f"NOTE: {analysis.synthetic} of {analysis.sessions} sessions are simulated applicants "
                     "(assumptions, not elders)")
    lines += [f"warning: {r}" for r in refused]
    lines += [f"warning: step '{s}' is in the journal ({n} visits) but not in the flow (renamed or removed?)"
              for s, n in sorted(analysis.unknown_steps.items())]
    lines.append(f"{'step':20} {'reached':>7} {'left':>5} {'med s':>6} {'p90 s':>6} "
                 + " ".join(f"{k[:9]:>9}" for k in _SHOWN))
    for s in analysis.steps:
        if not s.reached:
            continue
        med = f"{s.median_ms / 1000:.1f}" if s.median_ms is not None else "-"
        p90 = f"{s.p90_ms / 1000:.1f}" if s.p90_ms is not None else "-"
        cells = []
        for k in _SHOWN:
            r = s.rates[k]
            cells.append(f"{100 * r.value:8.0f}%" + ("*" if r.small else " "))
        lines.append(f"{s.step[:20]:20} {s.reached:7} {s.abandoned:5} {med:>6} {p90:>6} " + "".join(cells))
    lines.append(f"(rates: share of applicants who reached the step; * fewer than {analysis.min_n})")
    sat = analysis.satisfaction
    if sat.answered:
        lines.append("好差评: " + ", ".join(f"{k} {v}" for k, v in sat.to_dict()["levels"].items())
                     + f" (n={sat.answered}); hard: "
                     + (", ".join(f"{k} {v}" for k, v in sorted(sat.hard.items())) or "none"))
    for f in findings:
        lines += ["", f"suggestion: {f.summary}", f"  {f.where}: {f.change}"]
        lines += f.diff.splitlines()  # each applies alone to the flow as it is now
    patch = combined_patch(list(findings))
    if patch and sum(bool(f.diff) for f in findings) > 1:
        lines += ["", "all the suggestions as one patch (save it and run `git apply` on it):"]
        lines += patch.splitlines()
    return "\n".join(lines) + "\n"


__all__ = ["render_text"]
