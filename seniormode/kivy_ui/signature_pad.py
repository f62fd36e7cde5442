"""The signature pad: a white box the applicant signs in with a finger.

Each touch that starts inside the box is one stroke; its points go, in millimetres on the glass, into the
screen's `StrokeHolder` (seniormode/core/devices.py) and nowhere else: not into the touch's user data, not
into a file, not into the session. The pad draws what the holder has, so clearing the holder and redrawing
leaves no trace of the strokes in the widget's graphics either.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Rectangle
from kivy.metrics import dp
from kivy.uix.widget import Widget

from ..core.devices import Point, StrokeHolder


class SignaturePad(Widget):
    def __init__(self, holder: StrokeHolder, px_per_mm: float, ink: list[float], paper: list[float],
                 border: list[float], **kwargs: Any):
        super().__init__(**kwargs)
        self.holder = holder
        self.px_per_mm = px_per_mm
        self.ink, self.paper, self.border = ink, paper, border
        self._live: Line | None = None  # the stroke being drawn now
        self.bind(pos=self.redraw, size=self.redraw)

    @property
    def size_mm(self) -> tuple[float, float]:
        return self.width / self.px_per_mm, self.height / self.px_per_mm

    def _mm(self, x: float, y: float) -> Point:
        return round((x - self.x) / self.px_per_mm, 2), round((y - self.y) / self.px_per_mm, 2)

    def _px(self, point: Point) -> tuple[float, float]:
        return self.x + point[0] * self.px_per_mm, self.y + point[1] * self.px_per_mm

    def window_point(self, point: Point) -> tuple[float, float]:
        """Where on the window a point of the pad (mm) is: for the pilot's finger."""
        return self.to_window(*self._px(point))

    # ---- the finger -------------------------------------------------------------------------------------------
    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return bool(super().on_touch_down(touch))
        touch.grab(self)
        self.holder.begin(self._mm(*touch.pos))
        with self.canvas:
            Color(*self.ink)
            self._live = Line(points=list(touch.pos), width=dp(2.5), cap="round", joint="round")
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return bool(super().on_touch_move(touch))
        x = min(max(touch.x, self.x), self.right)  # a finger that slides off the box draws along its edge
        y = min(max(touch.y, self.y), self.top)
        self.holder.extend(self._mm(x, y))
        if self._live is not None:
            self._live.points = self._live.points + [x, y]
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return bool(super().on_touch_up(touch))
        touch.ungrab(self)
        self._live = None
        return True

    # ---- drawing ----------------------------------------------------------------------------------------------
    def redraw(self, *_: Any) -> None:
        """The box, and the holder's strokes in it (none after a clear)."""
        self._live = None
        self.canvas.clear()
        with self.canvas:
            Color(*self.paper)
            Rectangle(pos=self.pos, size=self.size)
            Color(*self.border)
            Line(rectangle=(self.x, self.y, self.width, self.height), width=dp(3))
            # a base line to sign on, a third of the way up, as on paper forms
            Line(points=[self.x + dp(24), self.y + self.height / 3, self.right - dp(24), self.y + self.height / 3],
                 width=1, dash_length=8, dash_offset=6)  # Kivy dashes only lines 1 px wide
            Color(*self.ink)
            for stroke in self.holder.strokes:
                points = [c for p in stroke for c in self._px(p)]
                if len(points) == 2:
                    points += points  # a dot is a stroke too
                Line(points=points, width=dp(2.5), cap="round", joint="round")

    def clear(self) -> None:
        """重签: every point forgotten, the box empty."""
        self.holder.clear()
        self.redraw()

    def draw(self, strokes: list[list[Point]]) -> None:
        """The simulator's hand: these strokes (mm on the pad), as if a finger drew them."""
        self.holder.clear()
        for stroke in strokes:
            if not stroke:
                continue
            self.holder.begin(stroke[0])
            for point in stroke[1:]:
                self.holder.extend(point)
        self.redraw()
