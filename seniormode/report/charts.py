"""The report's pictures, drawn with matplotlib to PNG bytes: the funnel along the flow's branches, the per-step
heat table, satisfaction and what was hard, and time per step. Each title says what it shows, with its n."""

from __future__ import annotations

import io
from pathlib import Path

from ..core.flow import Flow
from ..core.progress import StepNumbers
from .analysis import FEEDBACK_LEVELS, SIGNALS, Analysis

CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"))
_KIND_COLOUR = {"handoff": "#b3541e", "end": "#2e7d32"}


def _pyplot() -> object:
    """matplotlib without a display, with a font that has the flows' Chinese (Debian's Noto CJK)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for font in CJK_FONTS:
        if font.exists() and not any(f.fname == str(font) for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(str(font))
    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans"]
    plt.rcParams["axes.titlesize"] = 13
    return plt


def _png(fig: object) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close(fig)  # type: ignore[arg-type]
    return out.getvalue()


def funnel_diagram(flow: Flow, analysis: Analysis) -> bytes:
    """The flow as the strip numbers it, left to right; boxes say how many reached each step, arrows how many
    went each way (thicker = more), red numbers how many left there."""
    plt = _pyplot()
    numbers = StepNumbers.of(flow)
    columns: dict[int, list[str]] = {}
    for step in flow.steps:
        if step.id in numbers.numbers:
            columns.setdefault(numbers.numbers[step.id], []).append(step.id)
    place: dict[str, tuple[float, float]] = {}
    for x, ids in columns.items():
        for i, sid in enumerate(ids):
            place[sid] = (float(x), -(i - (len(ids) - 1) / 2) * 1.6)
    width = max(columns) if columns else 1
    fig, ax = plt.subplots(figsize=(max(8.0, 1.5 * width), 5.2))  # type: ignore[attr-defined]
    most = max(analysis.edges.values(), default=1)
    for (a, b), n in analysis.edges.items():
        if a in place and b in place and a != b:
            (x0, y0), (x1, y1) = place[a], place[b]
            back = x1 <= x0
            ax.annotate("", xy=(x1 - 0.33, y1), xytext=(x0 + 0.33, y0),
                        arrowprops={"arrowstyle": "-|>", "lw": 0.6 + 6 * n / most,
                                    "color": "#c62828" if back else "#1565c0", "alpha": 0.55,
                                    "connectionstyle": "arc3,rad=0.35" if back else "arc3,rad=0.05"})
    for sid, (x, y) in place.items():
        s = analysis.step(sid)
        reached = s.reached if s else 0
        left = (s.abandoned if s else 0)
        colour = _KIND_COLOUR.get(flow.step(sid).kind, "#eceff1")
        ax.text(x, y, f"{sid}\n{reached}", ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.4", "fc": colour, "ec": "#37474f",
                      "alpha": 0.9 if colour != "#eceff1" else 1.0})
        if left:
            ax.text(x, y - 0.62, f"left: {left}", ha="center", va="top", fontsize=7, color="#c62828")
    ax.set_xlim(0.3, width + 0.7)
    ys = [y for _, y in place.values()] or [0.0]
    ax.set_ylim(min(ys) - 1.2, max(ys) + 1.0)
    ax.axis("off")
    ax.set_title(f"{flow.id}: how many applicants reached each step, and which way they went "
                 f"(n={analysis.sessions} sessions)")
    return _png(fig)


def heat_table(analysis: Analysis, title: str | None = None) -> bytes:
    """Steps down, signals across: the share of applicants who reached the step and did it there."""
    plt = _pyplot()
    steps = [s for s in analysis.steps if s.reached and s.kind not in ("end", "handoff")]
    signals = list(SIGNALS)
    fig, ax = plt.subplots(figsize=(1.05 * len(signals) + 3, 0.45 * max(3, len(steps)) + 1.6))  # type: ignore
    grid = [[s.rates[k].value for k in signals] for s in steps] or [[0.0] * len(signals)]
    top = max(0.3, max(max(r) for r in grid))
    ax.imshow(grid, cmap="OrRd", vmin=0, vmax=top, aspect="auto")
    for i, s in enumerate(steps):
        for j, k in enumerate(signals):
            rate = s.rates[k]
            label = f"{100 * rate.value:.0f}%" + ("*" if rate.small else "")
            dark = rate.value > 0.6 * top  # white on the darkest reds, black elsewhere: readable either way
            ax.text(j, i, label, ha="center", va="center", fontsize=8,
                    color="#9e9e9e" if rate.small else ("white" if dark else "black"))
    ax.set_xticks(range(len(signals)), [SIGNALS[k] for k in signals], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(steps)), [f"{s.step} (n={s.reached})" for s in steps], fontsize=8)
    ax.set_title(title or f"What applicants did on each step, as a share of those who reached it "
                          f"(* = fewer than {analysis.min_n}, not ranked)")
    return _png(fig)


def satisfaction_chart(analysis: Analysis) -> bytes:
    """The 好差评 levels by age band, and the 'what was hard?' tiles chosen after a bad rating."""
    plt = _pyplot()
    groups = analysis.groups if analysis.grouped_by == "age_band" and analysis.groups else {"all": analysis}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))  # type: ignore[attr-defined]
    levels = sorted(FEEDBACK_LEVELS, reverse=True)
    names = sorted(groups)
    bar = 0.8 / max(1, len(names))
    for gi, name in enumerate(names):
        sat = groups[name].satisfaction
        total = max(1, sat.answered)
        left.bar([i + gi * bar for i in range(len(levels))], [sat.levels.get(lv, 0) / total for lv in levels],
                 width=bar, label=f"{name} (n={sat.answered})")
    left.set_xticks([i + 0.4 - bar / 2 for i in range(len(levels))], [FEEDBACK_LEVELS[lv] for lv in levels])
    left.set_ylabel("share of ratings")
    left.legend(fontsize=8)
    left.set_title(f"好差评: how applicants rated the service (n={analysis.satisfaction.answered})")
    hard = sorted(analysis.satisfaction.hard.items(), key=lambda kv: -kv[1])
    right.barh([k for k, _ in hard] or ["(none)"], [v for _, v in hard] or [0], color="#c62828")
    right.invert_yaxis()
    right.set_title(f"What was hard, chosen after 不满意 or 非常不满意 (n={analysis.satisfaction.unsatisfied})")
    return _png(fig)


def time_chart(analysis: Analysis) -> bytes:
    """Median and 90th-percentile seconds from a step shown to a step left."""
    plt = _pyplot()
    steps = [s for s in analysis.steps if s.median_ms is not None]
    fig, ax = plt.subplots(figsize=(9, 0.4 * max(3, len(steps)) + 1.4))  # type: ignore[attr-defined]
    ys = range(len(steps))
    ax.barh(list(ys), [(s.p90_ms or 0) / 1000 for s in steps], color="#90caf9", label="90% of visits within")
    ax.barh(list(ys), [(s.median_ms or 0) / 1000 for s in steps], color="#1565c0", label="median")
    ax.set_yticks(list(ys), [f"{s.step} (n={s.entries})" for s in steps], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("seconds on the step")
    ax.legend(fontsize=8)
    ax.set_title("Time on each step: median and 90th percentile")
    return _png(fig)


__all__ = ["funnel_diagram", "heat_table", "satisfaction_chart", "time_chart"]
