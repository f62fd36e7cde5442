"""One self-contained HTML file UX staff open in a browser: pictures first, then the numbers behind them."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from ..core.flow import Flow
from . import charts
from .analysis import SIGNALS, Analysis
from .stats import Rate
from .suggest import Finding

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em auto; max-width: 1200px;
       color: #212121; line-height: 1.5; }
h1 { font-size: 1.7em; } h2 { margin-top: 2em; border-bottom: 2px solid #cfd8dc; }
.banner { background: #fff3e0; border: 2px solid #ef6c00; padding: .8em 1em; font-weight: bold; }
.problem { background: #ffebee; border-left: 5px solid #c62828; padding: .5em 1em; margin: .4em 0; }
table { border-collapse: collapse; font-size: .9em; } td, th { border: 1px solid #cfd8dc; padding: .3em .6em; }
th { background: #eceff1; } td.num { text-align: right; white-space: nowrap; } .small { color: #9e9e9e; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eceff1; }
pre.diff { background: #263238; color: #eceff1; padding: 1em; overflow-x: auto; }
.finding { border: 1px solid #cfd8dc; padding: .5em 1em; margin: 1em 0; }
"""


# How many charts the browser decoded, on the page itself: a test (and a person with the inspector) can read it.
_DRAWN = ("<script>addEventListener('load', () => { const drawn = [...document.images].filter("
          "i => i.complete && i.naturalWidth > 0); document.body.dataset.chartsDrawn = drawn.length; });</script>")


def _img(png: bytes, alt: str, chart: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img class="chart" data-chart="{chart}" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(alt)}</figcaption></figure>')


def _rate_cell(r: Rate | None) -> str:
    if r is None or not r.n:
        return '<td class="num small">–</td>'
    cls = "num small" if r.small else "num"
    return (f'<td class="{cls}" title="{html.escape(r.percent())}">{100 * r.value:.0f}%'
            f'<br><span class="small">{100 * r.low:.0f}–{100 * r.high:.0f}%</span></td>')


def _step_table(analysis: Analysis) -> str:
    head = "".join(f"<th>{html.escape(t)}</th>" for t in SIGNALS.values())
    rows = []
    for s in analysis.steps:
        median = f"{s.median_ms / 1000:.1f}" if s.median_ms is not None else "–"
        p90 = f"{s.p90_ms / 1000:.1f}" if s.p90_ms is not None else "–"
        errors = ", ".join(f"{html.escape(k)} ×{v}" for k, v in sorted(s.field_errors.items())) or ""
        rows.append(f"<tr><th>{html.escape(s.step)}<br><span class='small'>{html.escape(s.where)}</span></th>"
                    f"<td class='num'>{s.reached}</td><td class='num'>{s.completed}</td>"
                    f"{_rate_cell(s.abandon_rate)}<td class='num'>{median}</td><td class='num'>{p90}</td>"
                    + "".join(_rate_cell(s.rates[k]) for k in SIGNALS) + f"<td>{errors}</td></tr>")
    return ("<table><tr><th>step</th><th>reached</th><th>answered</th><th>left here</th><th>median s</th>"
            f"<th>p90 s</th>{head}<th>entry errors</th></tr>" + "".join(rows) + "</table>")


def _findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "<p>No signal is strong enough for a suggestion (see the thresholds file).</p>"
    out = []
    for f in findings:
        diff = f"<pre class='diff'>{html.escape(f.diff)}</pre>" if f.diff else ""
        out.append(f"<div class='finding'><p><b>{html.escape(f.summary)}</b><br>{html.escape(f.where)}: "
                   f"{html.escape(f.change)}</p>{diff}</div>")
    return "".join(out)


def render_html(flow: Flow, analysis: Analysis, findings: Sequence[Finding], refused: Sequence[str],
                period: str) -> str:
    parts = [f"<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>"
             f"<title>seniormode report: {html.escape(flow.id)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{html.escape(flow.title.value)} ({html.escape(flow.id)})</h1>",
             f"<p>{analysis.sessions} sessions, {analysis.events} events, {html.escape(period)}; flow versions "
             f"{html.escape(', '.join(analysis.versions) or '–')}. Ends: "
             + html.escape(", ".join(f"{k} {v}" for k, v in sorted(analysis.ends.items()))) + "</p>"]
    if analysis.synthetic:
        parts.append(f"<p class='banner'>{analysis.synthetic} of {analysis.sessions} sessions are SIMULATED "
                     "applicants (seniormode simulate --population): their behaviour is an assumption from the "
                     "personas file, not what elders did.</p>")
    for text in refused:
        parts.append(f"<p class='problem'>{html.escape(text)}</p>")
    for step, n in sorted(analysis.unknown_steps.items()):
        parts.append(f"<p class='problem'>The journal has {n} visit(s) to step '{html.escape(step)}', which "
                     f"{html.escape(flow.file)} no longer has (renamed or removed): they are left out of the "
                     "tables.</p>")
    if not analysis.sessions:
        parts.append("<p class='problem'>No sessions of this flow in the journals and dates given.</p>")
        return "".join(parts) + "</body></html>"
    parts.append("<h2>Suggested changes</h2>" + _findings(findings))
    parts.append("<h2>The way through the flow</h2>")
    parts.append(_img(charts.funnel_diagram(flow, analysis), "How many applicants reached each step, and which "
                      "way they went", "funnel"))
    parts.append("<h2>Each step</h2>")
    parts.append(_img(charts.heat_table(analysis), "What applicants did on each step, as a share of those who "
                      "reached it", "heat"))
    parts.append(_img(charts.time_chart(analysis), "Time on each step", "time"))
    parts.append(_step_table(analysis))
    parts.append("<h2>好差评 and what was hard</h2>")
    parts.append(_img(charts.satisfaction_chart(analysis), "How applicants rated the service, by age band",
                      "satisfaction"))
    if analysis.grouped_by:
        for name, group in sorted(analysis.groups.items()):
            parts.append(f"<h2>{html.escape(analysis.grouped_by)}: {html.escape(name)} "
                         f"(n={group.sessions})</h2>")
            parts.append(_img(charts.heat_table(group, f"{analysis.grouped_by} {name}: what applicants did on "
                                                       f"each step (n={group.sessions})"),
                              f"{analysis.grouped_by} {name}", f"heat-{name}"))
    parts.append("<p class='small'>Rates are per applicant who reached the step, with 95% Wilson intervals; "
                 f"a grey value has fewer than {analysis.min_n} applicants and is not ranked.</p>" + _DRAWN
                 + "</body></html>")
    return "".join(parts)


__all__ = ["render_html"]
