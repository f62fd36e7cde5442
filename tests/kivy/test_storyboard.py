"""The storyboard UX staff review a flow change with: every step drawn by the kiosk, one page, warnings in words."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from seniormode.core.loader import load_flow_or_raise
from seniormode.core.theme import contrast_ratio
from seniormode.kivy_ui.storyboard import StoryboardReport, render_storyboard

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
HOME_VISIT = load_flow_or_raise(ROOT / "flows_yaml" / "home_visit.yaml")
SCALES = (1.0, 2.0)
LANGUAGE = "zh_Hans_CN"
TILT = "wheelchair"
# A light grey on the warm off-white background (about 1.3:1) for muted text: the flow's name in the top strip,
# the names on the summary, "您的号码" on a ticket, "已办好" over what a handed-off applicant had done.
FADED_GREY = (0xD8, 0xD4, 0xCC)
MUTED_WORDS = {HOME_VISIT.title.value, "上门对象", "身份证号", "手机号", "上门时间", "您的号码", "已办好"}


@contextmanager
def restored(app: Any) -> Iterator[Any]:
    """Give the shared kiosk back with the flow and theme it had: other Kivy tests use the same window."""
    flow, theme = app.flow, app.theme
    try:
        yield app
    finally:
        app.load(flow, theme=theme)


@pytest.fixture(scope="module")
def storyboard(kiosk_app: Any, tmp_path_factory: pytest.TempPathFactory) -> StoryboardReport:
    with restored(kiosk_app):
        return render_storyboard(kiosk_app, [HOME_VISIT], tmp_path_factory.mktemp("storyboard"), scales=SCALES)


def test_one_picture_per_step_and_scale_and_one_tilted_per_step(storyboard: StoryboardReport) -> None:
    folder = storyboard.out / HOME_VISIT.id
    expected = {f"{s.id}__{LANGUAGE}__x{scale}.png" for s in HOME_VISIT.steps for scale in SCALES}
    expected |= {f"{s.id}__{LANGUAGE}__x1.0__{TILT}.png" for s in HOME_VISIT.steps}
    assert {p.name for p in folder.glob("*.png")} == expected
    assert len(storyboard.shots) == len(expected) == storyboard.totals["shots"]
    assert [s.step for s in storyboard.shots if s.tilted] == [s.id for s in HOME_VISIT.steps]
    for png in sorted(folder.glob("*.png")):
        with Image.open(png) as image:
            assert image.size == (1280, 800), png.name
            colours = image.convert("RGB").getcolors(maxcolors=4096)  # None: more than 4096 colours
            assert colours is None or len(colours) >= 16, f"{png.name} is (nearly) blank"


def test_the_tilted_picture_is_drawn_through_the_viewing_angle(storyboard: StoryboardReport) -> None:
    folder = storyboard.out / HOME_VISIT.id
    with Image.open(folder / f"who__{LANGUAGE}__x1.0.png") as straight, \
            Image.open(folder / f"who__{LANGUAGE}__x1.0__{TILT}.png") as tilted:
        # The wheelchair preset moves the content down: the top of the glass is bare background.
        top = (0, 0, 1280, 60)
        assert len(tilted.convert("RGB").crop(top).getcolors(maxcolors=4096) or []) == 1
        assert len(straight.convert("RGB").crop(top).getcolors(maxcolors=4096) or [0, 0]) > 1


def test_each_shot_records_what_is_shown_and_said(storyboard: StoryboardReport) -> None:
    for shot in storyboard.shots:
        step = HOME_VISIT.step(shot.step)
        assert (shot.flow, shot.step_kind, shot.screen_text) == (HOME_VISIT.id, step.kind, step.text.value)
        assert shot.spoken == step.prompt.value
        assert shot.language == LANGUAGE and shot.scale in SCALES
        assert shot.screen_text in shot.words
    handoff = [s for s in storyboard.shots if s.step_kind == "handoff"]
    assert handoff and all(s.ticket == "S001" and "S001" in s.words for s in handoff)  # the ticket shows a number


def test_the_contact_sheet_names_every_step_and_prompt(storyboard: StoryboardReport) -> None:
    page = storyboard.index.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and '<html lang="zh-Hans">' in page and "<script" not in page
    for step in HOME_VISIT.steps:
        assert f"<code>{step.id}</code>" in page
        assert html.escape(step.prompt.value) in page
        assert html.escape(step.text.value) in page
    for shot in storyboard.shots:
        link = shot.file.relative_to(storyboard.out).as_posix()
        assert f'<a href="{link}"><img src="{link}" width="320"' in page
    assert "S001" in page


def test_the_demo_flow_has_no_warnings_at_these_scales(storyboard: StoryboardReport) -> None:
    assert storyboard.theme_warnings == []
    assert [(s.file.name, w.message) for s, w in storyboard.warnings] == []
    page = storyboard.index.read_text(encoding="utf-8")
    assert "⚠" not in page and page.count("✓ no warnings") == len(HOME_VISIT.steps)


def test_a_faded_muted_text_colour_is_warned_on_the_screens_that_show_it(kiosk_app: Any, tmp_path: Path) -> None:
    theme = kiosk_app.theme
    broken = dataclasses.replace(theme, colours=dataclasses.replace(theme.colours, muted_text=FADED_GREY))
    assert contrast_ratio(FADED_GREY, theme.colours.background) < 1.5
    with restored(kiosk_app):
        kiosk_app.load(HOME_VISIT, theme=broken)
        report = render_storyboard(kiosk_app, [HOME_VISIT], tmp_path, scales=(1.0,))

    assert any("SM501" in w and "muted text on background" in w for w in report.theme_warnings)
    for shot in report.shots:
        # Every screen shows the flow's name in muted text: the theme's own problem is named on each.
        assert any(w.kind == "theme_contrast" and "muted text" in w.message for w in shot.warnings), shot.file.name
        measured = {w.text for w in shot.warnings if w.kind == "contrast"}
        if shot.tilted:
            assert not measured  # no measuring on a keystoned picture
            continue
        assert HOME_VISIT.title.value in measured, shot.file.name
        assert measured <= MUTED_WORDS, f"{shot.file.name}: text in other colours was flagged: {measured}"
        assert all(w.ratio is not None and w.ratio < 1.5 for w in shot.warnings if w.kind == "contrast")
    by_step = {s.step: {w.text for w in s.warnings if w.kind == "contrast"} for s in report.shots if not s.tilted}
    assert {"上门对象", "身份证号", "手机号", "上门时间"} <= by_step["check"]
    assert "您的号码" in by_step["staff_window"]
    page = report.index.read_text(encoding="utf-8")
    assert page.count('class="warn">⚠') >= len(HOME_VISIT.steps) and "✓ no warnings" not in page
