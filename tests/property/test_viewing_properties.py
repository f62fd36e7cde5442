"""The viewing-angle transform keeps content on the glass and its inverse is exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seniormode.core.viewing import PRESETS, ViewAdjustment, apply, invert, quad, view_matrix

pytestmark = [pytest.mark.property, pytest.mark.unit]

adjustments = st.builds(ViewAdjustment, st.floats(-0.5, 0.5), st.floats(0.4, 1.2), st.floats(-45, 45))
sizes = st.tuples(st.integers(320, 3840), st.integers(240, 2160))


@settings(max_examples=300, deadline=None)
@given(adjustments, sizes, st.floats(0, 1), st.floats(0, 1))
def test_inverse_maps_every_seen_point_back(adj: ViewAdjustment, size: tuple[int, int], fx: float, fy: float) -> None:
    w, h = size
    m = view_matrix(w, h, adj)
    x, y = fx * w, fy * h
    sx, sy = apply(m, x, y)
    bx, by = apply(invert(m), sx, sy)
    assert abs(bx - x) < 1e-6 * w and abs(by - y) < 1e-6 * h


@settings(max_examples=300, deadline=None)
@given(adjustments, sizes)
def test_content_stays_on_the_glass(adj: ViewAdjustment, size: tuple[int, int]) -> None:
    w, h = size
    for x, y in quad(w, h, adj):
        assert -1e-6 <= x <= w + 1e-6 and -1e-6 <= y <= h + 1e-6


def test_presets_move_tilt_and_keep_the_content_square_to_the_eye() -> None:
    w, h = 1280, 800
    (bl, br, tr, tl) = quad(w, h, PRESETS["wheelchair"])
    assert tr[0] - tl[0] > br[0] - bl[0]  # seen from below: the far (top) edge is drawn wider
    # Not lowered nor scaled down any more (issue 12): the block keeps the glass's full height, no blank band.
    assert abs((bl[1] + tl[1]) / 2 - h / 2) < 1e-6
    assert quad(w, h, PRESETS["standard"]) == ((0, 0), (w, 0), (w, h), (0, h))
    (bl, br, tr, tl) = quad(w, h, PRESETS["tall"])
    assert tr[0] - tl[0] < br[0] - bl[0]
