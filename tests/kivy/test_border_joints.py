"""The kiosk's borders and step rings are drawn with two triangles per round joint instead of Kivy's ten, and every
pixel is the same.

A rounded rectangle or a circle turns by a few degrees at each of its points; Kivy fills the outside of each turn
with a fan of `joint_precision` thin triangles. Two triangles reach the same two edges and differ from the fan only
between its arc and its chord, a sliver a thousandth of a pixel deep: no pixel centre falls in it, so software GL
colours the same pixels with a fifth of the triangles (issue 15: the rasterising of these Lines was the kiosk's
remaining screen-change time). One triangle would leave the turns open, and this test sees that.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

SIZE = (640, 400)


def _draw(precision: int | None, matrix: Any = None) -> bytes:
    """Borders of every width and radius the kiosk uses, at fractional positions, and step rings; RGBA pixels."""
    from kivy.graphics import ClearBuffers, ClearColor, Color, Fbo, Line, MatrixInstruction, PopMatrix, PushMatrix

    extra = {} if precision is None else {"joint_precision": precision}
    fbo = Fbo(size=SIZE)
    with fbo:
        ClearColor(1, 1, 1, 1)
        ClearBuffers()
        PushMatrix()
        if matrix is not None:
            MatrixInstruction(matrix=matrix)
        Color(0.1, 0.2, 0.6, 1)
        offsets = (0.0, 0.25, 0.5, 0.73)
        widths = (1.0, 1.5, 2.4, 3.0, 4.2)
        for i, (width, radius, off) in enumerate(itertools.product(widths, (8.0, 16.0, 22.4), offsets)):
            x, y = 8 + (i % 10) * 62 + off, 8 + (i // 10) * 62 + off * 0.6
            Line(rounded_rectangle=(x, y, 54.3, 50.1 + off, radius), width=width, **extra)
        for j, r in enumerate((3.2, 5.0, 7.7, 11.0, 16.4, 20.0)):
            Line(circle=(40 + j * 60 + 0.37 * j, 372.5, r), width=max(1.5, r * 0.25), **extra)
        Color(0.3, 0.3, 0.3, 0.6)  # a translucent border: where the triangles overlap, blending would show
        Line(rounded_rectangle=(420.4, 330.2, 200, 40, 16), width=2.4, **extra)
        PopMatrix()
    fbo.draw()
    return bytes(fbo.pixels)


def _differing_pixels(a: bytes, b: bytes) -> int:
    return sum(1 for i in range(0, len(a), 4) if a[i:i + 4] != b[i:i + 4])


@pytest.mark.parametrize("preset", ["standard", "seated", "wheelchair", "tall"])
def test_two_triangles_per_joint_draw_what_kivys_ten_draw(kiosk_app: Any, preset: str) -> None:
    from kivy.graphics.transformation import Matrix

    from seniormode.core.viewing import PRESETS, as_gl_matrix, layout_factor, magnified, view_matrix
    from seniormode.kivy_ui.widgets import JOINT_PRECISION

    adjustment = PRESETS[preset]
    matrix = Matrix()
    matrix.set(flat=as_gl_matrix(magnified(view_matrix(*SIZE, adjustment), layout_factor(*SIZE, adjustment))))
    kivys = _draw(None, matrix)
    assert any(kivys[i] != 255 for i in range(0, len(kivys), 4)), "nothing was drawn"
    assert _differing_pixels(_draw(JOINT_PRECISION, matrix), kivys) == 0
    # the comparison sees a difference where there is one: one triangle per joint leaves each turn open
    assert _differing_pixels(_draw(1, matrix), kivys) > 100


def test_the_kiosk_draws_its_lines_with_that_precision(kiosk_app: Any) -> None:
    from kivy.graphics import Line

    from seniormode.kivy_ui.widgets import JOINT_PRECISION, Panel, StepDots

    panel = Panel(border_width=2.4, border_color=[0, 0, 0, 1], size=(200, 100))
    dots = StepDots(total=5, position=2)
    dots.size = (300, 40)  # it draws when laid out: two dots done or current, three rings ahead
    lines = [i for w in (panel, dots) for i in w.canvas.before.children + w.canvas.children if isinstance(i, Line)]
    assert len(lines) == 1 + 3
    assert {line.joint_precision for line in lines} == {JOINT_PRECISION}
