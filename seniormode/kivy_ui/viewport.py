"""A widget that draws its content through the viewing-angle transform and maps touches back through its inverse."""

from __future__ import annotations

from typing import Any

from kivy.graphics import MatrixInstruction, PopMatrix, PushMatrix
from kivy.graphics.transformation import Matrix
from kivy.uix.floatlayout import FloatLayout

from ..core.viewing import ViewAdjustment, apply, as_gl_matrix, invert, layout_factor, magnified, view_matrix


class TiltedView(FloatLayout):
    """Content drawn shifted, scaled and keystoned; a touch lands on the widget the eye sees under the finger."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.adjustment = ViewAdjustment()
        with self.canvas.before:
            PushMatrix()
            self._matrix = MatrixInstruction()
        with self.canvas.after:
            PopMatrix()
        self.factor = 1.0
        self._forward = view_matrix(1, 1, self.adjustment)
        self._inverse = invert(self._forward)
        self.bind(size=self._update, pos=self._update)

    def set_adjustment(self, adjustment: ViewAdjustment) -> None:
        if adjustment != self.adjustment:
            self.adjustment = adjustment
            self._update()

    def _update(self, *_: Any) -> None:
        w, h = max(1.0, self.width), max(1.0, self.height)
        self.factor = layout_factor(w, h, self.adjustment)
        self._forward = magnified(view_matrix(w, h, self.adjustment), self.factor)
        self._inverse = invert(self._forward)
        m = Matrix()
        m.set(flat=as_gl_matrix(self._forward))
        self._matrix.matrix = m
        self._trigger_layout()

    def do_layout(self, *_: Any) -> None:
        """The content is laid out in the share of the window that the view then magnifies onto the glass."""
        factor = getattr(self, "factor", 1.0)
        for child in self.children:
            child.pos = self.pos
            child.size = (self.width * factor, self.height * factor)

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        """Where a point of the content appears on the glass (window coordinates)."""
        sx, sy = apply(self._forward, x - self.x, y - self.y)
        return sx + self.x, sy + self.y

    def to_content(self, x: float, y: float) -> tuple[float, float]:
        cx, cy = apply(self._inverse, x - self.x, y - self.y)
        return cx + self.x, cy + self.y

    # Kivy's coordinate chain (to_widget / to_window, used for grabbed touches and by the pilot) goes through
    # these two, as it does for Scatter: the transform is part of the widget tree, not only of the drawing.
    def to_local(self, x: float, y: float, relative: bool = False) -> tuple[float, float]:
        return self.to_content(x, y)

    def to_parent(self, x: float, y: float, relative: bool = False) -> tuple[float, float]:
        return self.to_screen(x, y)

    def _mapped(self, name: str, touch: Any) -> bool:
        touch.push()
        touch.apply_transform_2d(self.to_local)
        try:
            return bool(getattr(super(), name)(touch))
        finally:
            touch.pop()

    def on_touch_down(self, touch: Any) -> bool:
        return self._mapped("on_touch_down", touch)

    def on_touch_move(self, touch: Any) -> bool:
        return self._mapped("on_touch_move", touch)

    def on_touch_up(self, touch: Any) -> bool:
        return self._mapped("on_touch_up", touch)
