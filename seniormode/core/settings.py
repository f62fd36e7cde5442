"""Presentation settings that adaptation rules change: their names, types, ranges and defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .problems import Problems, did_you_mean
from .source import Mapping, Scalar, Sequence


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: Any
    description: str
    low: float | None = None
    high: float | None = None
    options: tuple[str, ...] = ()
    is_list: bool = False


THEMES = ("senior", "high_contrast", "standard")
VIEW_PRESETS = ("standard", "seated", "wheelchair", "tall")
HELP_OFFERS = ("staff", "repeat", "video", "guide", "magnifier")
LOCALES = ("zh_Hans_CN", "yue_Hans_CN", "en")

SETTINGS: dict[str, SettingSpec] = {s.name: s for s in (
    SettingSpec("text_scale", 1.0, "multiplies every text size", 1.0, 2.0),
    SettingSpec("theme", "senior", "colour and size theme", options=THEMES),
    SettingSpec("speech_rate", 170, "speech rate in words per minute", 80, 250),
    SettingSpec("timeout_factor", 1.0, "multiplies every step's time-out", 1.0, 5.0),
    SettingSpec("view_preset", "standard", "viewing-angle preset: content shift and tilt", options=VIEW_PRESETS),
    SettingSpec("help", ("staff", "repeat"), "which help to offer on screen", options=HELP_OFFERS, is_list=True),
    SettingSpec("read_choices", "off", "read every choice aloud after the prompt, its tile highlighted",
                options=("off", "on")),
    SettingSpec("display_language", "zh_Hans_CN", "language of the screen text", options=LOCALES),
    SettingSpec("voice_language", "zh_Hans_CN", "language of the voice", options=LOCALES),
)}


def defaults() -> dict[str, Any]:
    return {name: spec.default for name, spec in SETTINGS.items()}


def read_settings(node: Mapping, problems: Problems, what: str) -> dict[str, Any]:
    """Validate a `set:` or `settings:` block; bad entries become problems and are left out."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        spec = SETTINGS.get(key)
        if spec is None:
            problems.error("SM101", f"unknown setting '{key}' in {what}", node.key_location(key),
                           did_you_mean(key, SETTINGS) or f"settings are: {', '.join(SETTINGS)}")
            continue
        checked = _check(spec, value, problems)
        if checked is not None:
            out[key] = checked
    return out


def _check(spec: SettingSpec, node: Any, problems: Problems) -> Any:
    if spec.is_list:
        items = node.items if isinstance(node, Sequence) else [node]
        words = []
        for item in items:
            if not isinstance(item, Scalar) or not isinstance(item.value, str):
                problems.error("SM102", f"'{spec.name}' lists words such as {spec.options[0]}", item.location)
                return None
            if item.value not in spec.options:
                problems.error("SM108", f"'{item.value}' is not a known {spec.name}", item.location,
                               did_you_mean(item.value, spec.options) or f"use: {', '.join(spec.options)}")
                return None
            words.append(item.value)
        return tuple(words)
    if not isinstance(node, Scalar):
        problems.error("SM102", f"'{spec.name}' should be a single value", node.location)
        return None
    value = node.value
    if isinstance(value, bool) and set(spec.options) == {"on", "off"}:
        return "on" if value else "off"  # YAML reads a bare on/off as true/false
    if spec.options:
        if not isinstance(value, str) or value not in spec.options:
            problems.error("SM108", f"'{value}' is not a known {spec.name}", node.location,
                           did_you_mean(str(value), spec.options) or f"use one of: {', '.join(spec.options)}")
            return None
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.error("SM102", f"'{spec.name}' should be a number", node.location)
        return None
    assert spec.low is not None and spec.high is not None
    if not spec.low <= value <= spec.high:
        problems.error("SM108", f"'{spec.name}' is {value}; it must be from {spec.low:g} to {spec.high:g}",
                       node.location, spec.description)
        return None
    return value
