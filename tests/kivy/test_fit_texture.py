"""A fitted label's texture is only as wide as its text, and every pixel of it is where Kivy's box-wide one puts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

ROOT = Path(__file__).resolve().parents[2]


def _box_wide_rows(label: Any) -> tuple[int, list[bytes]]:
    """The texture Kivy's Label draws for this text in a box-wide texture, as rows of RGBA bytes."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=label._label.text, font_name=label.font_name, font_size=label.font_size, bold=label.bold,
                     italic=label.italic, halign=label.halign, valign=label.valign, line_height=label.line_height,
                     outline_width=label.outline_width, color=label.color, text_size=(label.box_texture_width, None))
    core.refresh()
    width, height = core.texture.size
    pixels = core.texture.pixels
    return width, [pixels[y * width * 4:(y + 1) * width * 4] for y in range(height)]


def _same_as_box_wide(label: Any, where: str) -> None:
    width, height = label.texture.size
    shift = label.texture_shift * 4
    full_width, rows = _box_wide_rows(label)
    assert len(rows) == height, f"{where}: {label.text!r} has {height} rows, box-wide {len(rows)}"
    own = label.texture.pixels
    for y, row in enumerate(rows):
        assert row[shift:shift + width * 4] == own[y * width * 4:(y + 1) * width * 4], \
            f"{where}: {label.text!r} row {y} differs"
        outside = row[:shift] + row[shift + width * 4:]
        assert not any(outside[3::4]), f"{where}: {label.text!r} row {y} has ink outside the trim"
    # and it is placed where the box-wide one is: Kivy's Label rule, int(centre - width / 2)
    assert label.canvas.children[-1].pos[0] == int(label.center_x - full_width / 2) + label.texture_shift


@pytest.mark.parametrize("scale,language", [(1.0, "zh_Hans_CN"), (2.0, "zh_Hans_CN"), (2.0, "en")])
def test_trimmed_textures_draw_the_same_pixels(kiosk_app: Any, pilot: Any, scale: float, language: str) -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    session = Session(flow, {"age": 76})
    kiosk_app.load(flow, session)
    trimmed = 0
    for step in flow.steps:
        effects = session.jump_to(step.id)
        session.s.overrides.update(text_scale=scale, display_language=language)
        kiosk_app.apply(effects + session._show(reason="prompt", speak=False))
        if session.s.ticket is not None:  # a hand-off: the ticket, with what was done so far
            kiosk_app.view.set_ticket(session.s.ticket)
        pilot.frame(2)
        for label in kiosk_app.view.labels():
            if label.box_texture_width and label.texture is not None:
                trimmed += 1
                _same_as_box_wide(label, step.id)
    assert trimmed > 20


# What the hand-off screen shows done so far (a line the trim once made Kivy break, at 33 px in 586 px)
ENGLISH = "… · Pay 15 yuan? Yes · Please pay 15 yuan · Printing your receipt"


@pytest.mark.parametrize("halign", ["left", "center", "right"])
def test_lines_kivy_measures_word_by_word_are_never_broken_by_the_trim(kiosk_app: Any, pilot: Any,
                                                                       halign: str) -> None:
    """Kivy measures a line word by word, a few pixels wider than the line measured whole: where the trim would
    make it break a line, the texture stays box-wide."""
    from kivy.core.window import Window

    from seniormode.kivy_ui.fonts import FONT_BOLD
    from seniormode.kivy_ui.widgets import FitLabel

    label = FitLabel(text=ENGLISH, base_size=33, min_size=33, halign=halign, font_name=FONT_BOLD,
                     line_height=1.3, size_hint=(None, None), height=125)
    Window.add_widget(label)
    kept_wide = 0
    try:
        for width in range(500, 700):
            label.width = width + 0.4
            pilot.frame(1)
            assert label.texture is not None
            kept_wide += not label.box_texture_width
            if label.box_texture_width:
                _same_as_box_wide(label, f"{width} px")
    finally:
        Window.remove_widget(label)
    assert kept_wide < 100  # most are trimmed


def test_a_label_changed_after_its_fit_is_fitted_and_trimmed_again(kiosk_app: Any, pilot: Any) -> None:
    from kivy.core.window import Window

    from seniormode.kivy_ui.widgets import FitLabel

    label = FitLabel(text=ENGLISH, base_size=30, min_size=20, size_hint=(None, None), size=(520, 160))
    Window.add_widget(label)
    try:
        pilot.frame(1)
        trimmed = 0
        # Only the alignment, which decides the shift: after a change of font or line height Kivy's core label
        # went on measuring as before in a try (a fresh label of the same properties laid the text out otherwise,
        # trimmed or not), and the kiosk sets those once, when it builds a label.
        for name, value in (("halign", "left"), ("halign", "right"), ("halign", "center"), ("halign", "left"),
                            ("halign", "center"), ("halign", "right")):
            setattr(label, name, value)
            pilot.frame(1)
            assert label._label.text == label.shown, f"{name}={value}: Kivy drew the text with its marks"
            if label.box_texture_width:
                trimmed += 1
                _same_as_box_wide(label, f"{name}={value}")
        assert trimmed >= 3, trimmed
    finally:
        Window.remove_widget(label)
