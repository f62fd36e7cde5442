"""The audit's own checks on screens made wrong on purpose, where no flow or theme can make them wrong any more."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
RENEWAL = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def warning_at(app: Any, pilot: Any, scale: float) -> Any:
    from seniormode.kivy_ui.storyboard import _show

    app.load(RENEWAL, Session(RENEWAL, clock=CLOCK))
    _show(app, "purpose", {"text_scale": scale, "display_language": "zh_Hans_CN", "view_preset": "standard"})
    app.send(Event("tick", app.session.step_timeout()))
    pilot.frame(3)
    assert app.view.overlay is not None
    return app.view.overlay


def test_a_panel_draws_its_border_inside_its_box(kiosk_app: Any, pilot: Any) -> None:
    panel = warning_at(kiosk_app, pilot, 2.0)
    x, y, w, h = panel._line.rounded_rectangle[:4]
    reach = panel._line.width  # Kivy draws a Line this far to each side of its path
    assert (x - reach, y - reach, x + w + reach, y + h + reach) == pytest.approx(
        (panel.x, panel.y, panel.right, panel.top))
    assert panel.drawn_box() == pytest.approx(tuple(panel.to_window(panel.x, panel.y))
                                              + tuple(panel.to_window(panel.right, panel.top)))


@pytest.mark.parametrize("moved_up", [0.0, 40.0])
def test_sm512_names_what_an_overlay_is_drawn_over(kiosk_app: Any, pilot: Any, moved_up: float) -> None:
    from seniormode.kivy_ui.audit_layout import STATE_WARNING, Screen, _Audit

    panel = warning_at(kiosk_app, pilot, 2.0)
    # Where the old kiosk drew it at x2.0: a share of the window, reaching 40 px into the top bar.
    panel.y += moved_up
    audit = _Audit(kiosk_app, None)
    screen = Screen("purpose", "zh_Hans_CN", 2.0, STATE_WARNING)
    audit.overlay_clear(RENEWAL, RENEWAL.step("purpose"), kiosk_app.view, screen)
    found = [p for p in audit.problems() if p.code == "SM512"]
    if not moved_up:
        assert found == []
        return
    assert len(found) == 1 and found[0].location == RENEWAL.timeout.location
    assert "the time-out warning is drawn over" in found[0].message and "by " in found[0].message
    assert "more like it" in found[0].message  # the dots and every button of the top bar
