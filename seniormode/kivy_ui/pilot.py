"""Drives the real kiosk like an applicant: finds what to press, taps its visual centre through the window.

Touches go in through Kivy's event loop and the window (as a mouse or touch
screen's would), so they pass the viewing-angle transform and the
double-touch guard like real ones.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent

from ..core.devices import SignatureLimits, sample_strokes
from ..core.events import Event
from .app import KioskApp

PRESS_INTERVAL = 0.6  # a simulated applicant presses no faster than this (the guard drops < 0.5 s)


class PilotTouch(MotionEvent):
    """A finger at window coordinates (x, y)."""

    def __init__(self, x: float, y: float, uid: int):
        win = EventLoop.window
        self._win_size = (max(1, win.width - 1), max(1, win.height - 1))
        super().__init__("pilot", uid, {"x": x / self._win_size[0], "y": y / self._win_size[1]},
                         is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)


class Pilot:
    def __init__(self, app: KioskApp):
        self.app = app
        self._uid = 1000

    def frame(self, count: int = 1) -> None:
        """Let Kivy lay out and draw; and, as an applicant would, wait for a typed answer to be checked."""
        for _ in range(count):
            EventLoop.idle()
        deadline = time.monotonic() + 10
        while self.app.checking and time.monotonic() < deadline:
            time.sleep(0.002)
            EventLoop.idle()

    def visual_centre(self, target_id: str) -> tuple[float, float]:
        widget = self.app.view.targets()[target_id]
        return widget.to_window(*widget.center)  # through the viewing-angle transform: where the eye sees it

    def tap_at(self, x: float, y: float) -> None:
        self._uid += 1
        touch = PilotTouch(x, y, self._uid)
        EventLoop.post_dispatch_input("begin", touch)
        touch.move({"x": touch.sx, "y": touch.sy})
        EventLoop.post_dispatch_input("end", touch)
        self.frame()

    def tap(self, target_id: str, wait: bool = True) -> None:
        if wait:
            self.app.time_offset += PRESS_INTERVAL
        self.frame()
        self.tap_at(*self.visual_centre(target_id))
        self.frame(2)

    def stroke(self, points: list[tuple[float, float]]) -> None:
        """One stroke of a finger through these window points: down at the first, moving, up at the last."""
        self._uid += 1
        win = EventLoop.window
        scale = (max(1, win.width - 1), max(1, win.height - 1))
        touch = PilotTouch(*points[0], self._uid)
        EventLoop.post_dispatch_input("begin", touch)
        for x, y in points[1:]:
            touch.move({"x": x / scale[0], "y": y / scale[1]})
            EventLoop.post_dispatch_input("update", touch)
        EventLoop.post_dispatch_input("end", touch)
        EventLoop.idle()

    def draw_signature(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Sign on the pad with the finger: each stroke in millimetres on the pad, through the real window."""
        pad = self.app.view.pad
        if pad is None:
            raise ValueError("no signature pad on this screen")
        self.frame()
        for stroke in strokes:
            self.stroke([pad.window_point(p) for p in stroke])
        self.frame()

    def sign(self, kind: str = "ok") -> None:
        """Draw a signature of this kind (ok, too_small, too_short, empty) with the finger, then press 签好了."""
        pad = self.app.view.pad
        shown = self.app.view.current
        if pad is None or shown is None:
            raise ValueError("no signature pad on this screen")
        self.draw_signature(sample_strokes(kind, shown.signature or SignatureLimits(), *pad.size_mm))
        self.tap("primary")

    def targets(self) -> set[str]:
        return set(self.app.view.targets())

    def perform(self, event: Event) -> None:
        """Do what an event means: press the right thing, or let time pass, or take the card out."""
        kind, value = event.kind, event.value
        if kind == "tick":
            self.app.time_offset += float(value)
            self.app.send(event)
        elif kind in ("card_removed", "reset"):
            self.app.send(event)
        elif kind == "enter":
            for ch in str(value):
                self.tap(f"key:{ch}")
            self.tap("key:ok")
        elif kind == "signed":
            self.sign(str(value or "ok"))
        elif kind == "card" and isinstance(value, dict) and value:
            self.app.send(event)  # a particular card: the reader, not a touch
        else:
            self.tap(target_for(event))
        self.frame(2)


def target_for(event: Event) -> str:
    kind, value = event.kind, event.value
    simple = {"ok": "primary", "back": "bar:back", "repeat": "bar:repeat", "help": "bar:help", "staff": "bar:staff",
              "extend": "overlay:more_time", "bigger": "bar:bigger", "smaller": "bar:smaller",
              "language": "bar:language", "view": "bar:view", "slower": "bar:slower", "card": "device:ok",
              "device_ok": "device:ok",
              "device_failed": "device:fail", "yes": "choice:yes", "no": "choice:no",
              "cancel_change": "cancel_change"}
    if kind in simple:
        return simple[kind]
    if kind == "choose":
        return f"choice:{value}"
    if kind == "change":
        return f"change:{value}"
    raise ValueError(f"no touch for event {event}")


def run_headless(app: KioskApp) -> Any:
    """Start the app's window and first screen without entering Kivy's blocking main loop."""
    app._run_prepare()  # noqa: SLF001 - Kivy's own split of App.run(): build, window, on_start
    EventLoop.idle()
    return app
