"""Kivy's process-wide settings, applied before any Kivy module that opens a window is imported."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_configured = False


def configure(size: tuple[int, int] = (1280, 800), kiosk: bool = False, kivy_home: str | None = None,
              touch: str | None = None) -> None:
    """Window size and mode, one touch provider, no multitouch emulation, no Kivy command-line parsing."""
    global _configured
    if _configured:
        return
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    if not Path("/dev/snd").exists() and "PULSE_SERVER" not in os.environ:
        # No sound card (a server, CI, Xvfb): SDL plays into a silent device at the real pace, so prompts
        # still start, stop and end as they would at the kiosk.
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    home = kivy_home or os.environ.get("KIVY_HOME") or str(Path(tempfile.gettempdir()) / "seniormode-kivy")
    os.environ["KIVY_HOME"] = home
    Path(home).mkdir(parents=True, exist_ok=True)

    from kivy.config import Config

    width, height = size
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0" if kiosk else "1")
    Config.set("graphics", "fullscreen", "auto" if kiosk else "0")
    Config.set("graphics", "borderless", "1" if kiosk else "0")
    Config.set("graphics", "show_cursor", "0" if kiosk else "1")
    Config.set("kivy", "exit_on_escape", "0" if kiosk else "1")
    Config.set("kivy", "keyboard_mode", "system")
    # Exactly one touch provider. Windowed (tests, Xvfb): the mouse, with no multitouch emulation (its red
    # dots). Kiosk: the touch events SDL2 reads from the window system (its provider is always added by
    # the window), and no mouse provider, since SDL also turns each touch into a mouse click: two
    # providers would turn one touch into two presses. mtdev/hidinput are for kiosks without X touch.
    for name in list(Config.options("input")) if Config.has_section("input") else []:
        Config.remove_option("input", name)
    provider = touch or os.environ.get("SENIORMODE_TOUCH") or ("sdl2" if kiosk else "mouse")
    if provider == "sdl2":
        pass
    elif provider == "mouse":
        Config.set("input", "mouse", "mouse,disable_multitouch")
    elif provider == "mtdev":
        Config.set("input", "touchscreen", "probesysfs,provider=mtdev")
    elif provider == "hidinput":
        Config.set("input", "touchscreen", "probesysfs,provider=hidinput")
    else:
        raise ValueError(f"unknown touch provider '{provider}' (sdl2, mouse, mtdev, hidinput)")
    _configured = True


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
