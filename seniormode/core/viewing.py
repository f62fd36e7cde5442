"""The adjustable viewing angle: shift, scale and keystone tilt of the content, and its exact inverse.

The kiosk draws the content through a projective map (a homography) so that a
screen seen from below (a wheelchair user) or above looks square; touches are
mapped back through the inverse, so a finger lands on what the eye sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Matrix3 = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
Point = tuple[float, float]


@dataclass(frozen=True)
class ViewAdjustment:
    """shift: fraction of the height (negative = down); scale: of the content; tilt: degrees (> 0 widens the top)."""

    shift: float = 0.0
    scale: float = 1.0
    tilt: float = 0.0

    def clamped(self) -> ViewAdjustment:
        return ViewAdjustment(max(-0.3, min(0.3, self.shift)), max(0.6, min(1.0, self.scale)),
                              max(-30.0, min(30.0, self.tilt)))


# Named presets the rules choose (`view_preset`), and the steps of the on-screen control.
PRESETS: dict[str, ViewAdjustment] = {
    "standard": ViewAdjustment(),
    # Tilt only: a preset that also scaled the content down (wheelchair: 0.85, lowered) drew every character
    # smaller (text x2.0 tilted looked like x1.7 upright) and left 180 px blank at the top. The kiosk lays the
    # content out so that the keystone never draws it smaller than upright (see layout_factor).
    "seated": ViewAdjustment(tilt=10.0),
    "wheelchair": ViewAdjustment(tilt=20.0),
    "tall": ViewAdjustment(tilt=-10.0),
}
PRESET_ORDER = ("standard", "seated", "wheelchair", "tall")


def quad(width: float, height: float, adj: ViewAdjustment) -> tuple[Point, Point, Point, Point]:
    """Where the content's corners land: bottom-left, bottom-right, top-right, top-left (y up, as in Kivy)."""
    a = adj.clamped()
    w, h = width * a.scale, height * a.scale
    cx = width / 2
    # The shift moves the block within the room the scale leaves; never off the glass.
    bottom = min(max((height - h) / 2 + a.shift * height, 0.0), height - h)
    top = bottom + h
    # A screen tilted back by `tilt` degrees foreshortens its far (top) edge; widen it by the same factor.
    k = 1.0 / math.cos(math.radians(abs(a.tilt))) - 1.0
    top_half = w / 2 * (1 + k) if a.tilt >= 0 else w / 2 * (1 - k)
    bottom_half = w / 2
    if top_half > width / 2:  # keep the widened edge on the screen: shrink both edges together
        f = (width / 2) / top_half
        top_half *= f
        bottom_half *= f
    return ((cx - bottom_half, bottom), (cx + bottom_half, bottom), (cx + top_half, top), (cx - top_half, top))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            raise ValueError("degenerate quadrilateral")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def homography(src: tuple[Point, ...], dst: tuple[Point, ...]) -> Matrix3:
    """The projective map taking the four `src` points to the four `dst` points."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    h = _solve(rows, rhs)
    return ((h[0], h[1], h[2]), (h[3], h[4], h[5]), (h[6], h[7], 1.0))


def view_matrix(width: float, height: float, adj: ViewAdjustment) -> Matrix3:
    """Content coordinates (0..width, 0..height) -> screen coordinates."""
    rect = ((0.0, 0.0), (width, 0.0), (width, height), (0.0, height))
    return homography(rect, quad(width, height, adj))


def stretch(m: Matrix3, x: float, y: float) -> float:
    """How much `m` lengthens a short line at (x, y): the smaller of its horizontal and vertical stretch."""
    e = 1e-3
    px, py = apply(m, x, y)
    hx, hy = apply(m, x + e, y)
    vx, vy = apply(m, x, y + e)
    return min(math.hypot(hx - px, hy - py), math.hypot(vx - px, vy - py)) / e


def layout_factor(width: float, height: float, adj: ViewAdjustment) -> float:
    """The share of the window to lay the content out in, so that drawn through the view it is nowhere smaller.

    A projective map stretches least at a corner of the rectangle: laid out in `width * f` by `height * f` and
    magnified by 1 / f, the content is drawn at least at its own size everywhere.
    """
    m = view_matrix(width, height, adj)
    return min(1.0, *(stretch(m, x, y) for x in (0.0, width) for y in (0.0, height)))


def magnified(m: Matrix3, factor: float) -> Matrix3:
    """`m` applied after scaling by 1 / factor: content laid out in the smaller area, drawn into the same quad."""
    (a, b, c), (d, e, f), (g, h, i) = m
    k = 1.0 / factor
    return ((a * k, b * k, c), (d * k, e * k, f), (g * k, h * k, i))


def invert(m: Matrix3) -> Matrix3:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    if abs(det) < 1e-12:
        raise ValueError("matrix cannot be inverted")
    inv = ((e * i - f * h, c * h - b * i, b * f - c * e),
           (f * g - d * i, a * i - c * g, c * d - a * f),
           (d * h - e * g, b * g - a * h, a * e - b * d))
    return tuple(tuple(v / det for v in row) for row in inv)  # type: ignore[return-value]


def apply(m: Matrix3, x: float, y: float) -> Point:
    w = m[2][0] * x + m[2][1] * y + m[2][2]
    return ((m[0][0] * x + m[0][1] * y + m[0][2]) / w, (m[1][0] * x + m[1][1] * y + m[1][2]) / w)


def as_gl_matrix(m: Matrix3) -> list[float]:
    """The 4x4 column-major matrix that applies `m` to (x, y, 0, 1): the GPU divides by w for us."""
    (a, b, c), (d, e, f), (g, h, i) = m
    # rows of the 4x4: [a b 0 c], [d e 0 f], [0 0 1 0], [g h 0 i]; listed column by column
    return [a, d, 0.0, g, b, e, 0.0, h, 0.0, 0.0, 1.0, 0.0, c, f, 0.0, i]
