"""Issue 12 on the real kiosk: words kept whole, a larger setting never smaller, a tilted view as large as the
audit asks, and the time-out warning off the bars (each of these passed the audit once and was wrong on the glass)."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.wording import runs

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
RENEWAL = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
TALENT = load_flow_or_raise(ROOT / "flows_yaml" / "talent_endorsement.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731
MIN_GLYPH_MM = 4.8  # ADA 707.7.2, what the audit asks (seniormode/kivy_ui/audit_layout.py)
INK_ALPHA = 128


def show(app: Any, pilot: Any, flow: Any, step: str, scale: float, preset: str = "standard") -> None:
    from seniormode.kivy_ui.storyboard import _show

    if app.flow is not flow:
        app.load(flow, Session(flow, clock=CLOCK))
    _show(app, step, {"text_scale": scale, "display_language": "zh_Hans_CN", "view_preset": preset})
    pilot.frame(3)


def label_named(app: Any, text: str) -> Any:
    found = [w for w in app.view.labels() if w.text == text]
    assert len(found) == 1, f"one label “{text}” on the screen, found {len(found)}"
    return found[0]


def on_target(label: Any) -> str:
    """The target id of the button a label is on, or ''."""
    from seniormode.kivy_ui.widgets import PressPanel

    node = label.parent
    while node is not None and node is not node.parent and not isinstance(node, PressPanel):
        node = node.parent
    return node.target_id if isinstance(node, PressPanel) else ""


def drawn_lines(label: Any) -> list[str]:
    """The label's lines as Kivy drew them."""
    label.texture_update()
    return ["".join(word.text for word in line.words) for line in label._label._cached_lines]


def ink_rows(label: Any) -> int:
    """How many rows of the label's texture carry ink: the height of its one line of characters, in px."""
    label.texture_update()
    texture = label.texture
    width, height = texture.size
    alpha = texture.pixels[3::4]
    rows = [y for y in range(height) if max(alpha[y * width:(y + 1) * width], default=0) >= INK_ALPHA]
    return rows[-1] - rows[0] + 1 if rows else 0


def on_glass(widget: Any, height: float) -> float:
    """How long a vertical line of `height` px through the widget is drawn on the glass: the least over its width."""
    least = math.inf
    for x in (widget.x, widget.center_x, widget.right):
        x0, y0 = widget.to_window(x, widget.center_y - height / 2)
        x1, y1 = widget.to_window(x, widget.center_y + height / 2)
        least = min(least, math.hypot(x1 - x0, y1 - y0))
    return least


# ---- item 10: a line ends only where a word does ------------------------------------------------------------------
def word_ends(text: str) -> set[int]:
    """Where a line may end in the drawn text (counted without spaces): after each run core/wording.py keeps whole."""
    ends, at = set(), 0
    for run in runs(text):
        at += len(run.replace(" ", "").replace("\n", ""))
        ends.add(at)
    return ends


@pytest.mark.parametrize("scale", [1.4, 1.5, 1.6, 1.8, 2.0])
def test_the_title_and_tiles_break_only_between_words(kiosk_app: Any, pilot: Any, scale: float) -> None:
    # Kivy wrapped a run of ideographs at whichever character reached the edge: “港澳签注续/签” at x1.5,
    # “个人旅游一/次” at x1.4.
    show(kiosk_app, pilot, RENEWAL, "endorsement_type", scale)
    labels = [label_named(kiosk_app, RENEWAL.title.value)]
    labels += [w for w in kiosk_app.view.labels() if on_target(w).startswith("choice:")]
    assert len(labels) == 1 + len(RENEWAL.step("endorsement_type").choices)
    for label in labels:
        lines = drawn_lines(label)
        at, broken = 0, []
        for line in lines[:-1]:
            at += len(line.replace(" ", ""))
            if at not in word_ends(label.text):
                broken.append(" / ".join(lines))
        assert not broken, f"“{label.text}” at x{scale} is broken inside a word: {broken[0]}"


# ---- item 12: a larger setting never draws smaller -----------------------------------------------------------------
@pytest.mark.parametrize("flow", [RENEWAL, TALENT], ids=lambda f: f.id)
def test_the_summary_title_and_the_bars_are_not_smaller_at_x2_than_at_x1_5(kiosk_app: Any, pilot: Any,
                                                                          flow: Any) -> None:
    inks: dict[float, dict[str, int]] = {}
    for scale in (1.5, 2.0):
        show(kiosk_app, pilot, flow, "check", scale)
        measured = {"title": ink_rows(label_named(kiosk_app, "请核对"))}
        for label in kiosk_app.view.labels():
            if on_target(label).startswith("bar:") and label.text.strip():
                measured[on_target(label)] = ink_rows(label)
        inks[scale] = measured
    assert set(inks[1.5]) == set(inks[2.0]) and len(inks[2.0]) >= 9
    smaller = {name: (inks[1.5][name], ink) for name, ink in inks[2.0].items() if ink < inks[1.5][name]}
    assert not smaller, f"px of ink at x1.5 and at x2.0: {smaller}"


# ---- item 13: the tilted view keeps the characters as high as the audit asks --------------------------------------
@pytest.mark.parametrize("preset", ["seated", "wheelchair", "tall"])
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_a_tilted_view_draws_no_character_smaller(kiosk_app: Any, pilot: Any, preset: str, scale: float) -> None:
    theme = kiosk_app.theme
    min_px = MIN_GLYPH_MM / 25.4 * theme.screen_dpi * theme.density
    show(kiosk_app, pilot, RENEWAL, "endorsement_type", scale, preset)
    checked = 0
    for label in kiosk_app.view.labels():
        if not label.text.strip() or label.base_size < theme.font_size("body", scale) - 0.5:
            continue  # strip and small text are held to 18 dp, not to 4.8 mm (as in the audit)
        ink = ink_rows(label)
        drawn = on_glass(label, ink)
        assert drawn >= min_px - 0.5, f"“{label.text}” is {drawn:.1f} px high on the glass, needs {min_px:.1f}"
        # The wheelchair preset once scaled the content to 0.85: every character drawn smaller than it was laid out.
        assert drawn >= ink - 0.5, f"“{label.text}”: {ink} px of ink drawn {drawn:.1f} px high in the {preset} view"
        checked += 1
    assert checked >= 7


# ---- item 14: the time-out warning is drawn between the bars ------------------------------------------------------
def drawn_border(panel: Any) -> tuple[float, float, float, float]:
    """The panel's border as Kivy draws it (a Line reaches its width to each side of its path), on the glass."""
    x, y, w, h, _ = panel._line.rounded_rectangle[:5]
    reach = panel._line.width
    corners = [panel.to_window(px, py) for px in (x - reach, x + w + reach) for py in (y - reach, y + h + reach)]
    return (min(c[0] for c in corners), min(c[1] for c in corners), max(c[0] for c in corners),
            max(c[1] for c in corners))


def glass_box(widget: Any) -> tuple[float, float, float, float]:
    corners = [widget.to_window(px, py) for px in (widget.x, widget.right) for py in (widget.y, widget.top)]
    return (min(c[0] for c in corners), min(c[1] for c in corners), max(c[0] for c in corners),
            max(c[1] for c in corners))


@pytest.mark.parametrize(("scale", "preset"), [(1.0, "standard"), (2.0, "standard"), (2.0, "wheelchair")])
def test_the_time_out_warning_is_not_drawn_over_the_bars(kiosk_app: Any, pilot: Any, tmp_path: Path, scale: float,
                                                         preset: str) -> None:
    from seniormode.kivy_ui.widgets import StepDots

    show(kiosk_app, pilot, RENEWAL, "purpose", scale, preset)
    session = kiosk_app.session
    kiosk_app.send(Event("tick", session.step_timeout()))
    pilot.frame(3)
    panel = kiosk_app.view.overlay
    assert panel is not None, "the time-out warning is on the screen"
    kiosk_app.screenshot(tmp_path / f"warning_x{scale}_{preset}.png")
    x0, y0, x1, y1 = drawn_border(panel)
    inside = set(panel.walk(restrict=True))
    others = [w for w in kiosk_app.view.walk(restrict=True) if w not in inside and
              (isinstance(w, StepDots) or getattr(w, "target_id", "").startswith("bar:"))]
    assert len(others) >= 10  # the dots, the top bar's three buttons, the bottom bar's six
    over = []
    for widget in others:
        bx0, by0, bx1, by1 = glass_box(widget)
        across, up = min(x1, bx1) - max(x0, bx0), min(y1, by1) - max(y0, by0)
        if across > 0.5 and up > 0.5:
            over.append(f"{getattr(widget, 'target_id', '') or 'the step dots'} by {across:.0f}x{up:.0f} px")
    assert not over, f"the warning's border at x{scale} ({preset}) is drawn over {', '.join(over)}"
