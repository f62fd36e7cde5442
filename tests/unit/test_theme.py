"""Themes: WCAG contrast maths, the senior numbers each shipped theme meets, problems at the line to fix, icons."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from seniormode.core.flow import Flow
from seniormode.core.loader import load_flow_or_raise, load_flow_text
from seniormode.core.problems import FlowError, Location, Problems, Severity
from seniormode.core.settings import THEMES
from seniormode.core.theme import (
    CONTRAST_PAIRS,
    UI_ICONS,
    Theme,
    check_theme,
    contrast_ratio,
    icon_problems,
    load_theme,
    load_theme_by_name,
    parse_hex,
    relative_luminance,
    resolve_font,
    theme_names,
    themes_dir,
)

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
DEMO_FLOWS = sorted((REPO / "flows_yaml").glob("*.yaml"))
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


# --- contrast maths -------------------------------------------------------------------------------------------------

def test_wcag_contrast_known_values() -> None:
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio((0x76, 0x76, 0x76), WHITE) == pytest.approx(4.54, abs=0.005)  # the AA grey on white
    assert contrast_ratio((0x59, 0x59, 0x59), WHITE) == pytest.approx(7.0, abs=0.01)  # the AAA grey on white
    assert contrast_ratio((0x12, 0x34, 0x56), (0x12, 0x34, 0x56)) == pytest.approx(1.0)


def test_relative_luminance_and_hex() -> None:
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == pytest.approx(0.0)
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert parse_hex("#1A1a1A") == (26, 26, 26)
    for bad in ("1A1A1A", "#1A1A1", "#GG0000", "#1A1A1A00", ""):
        assert parse_hex(bad) is None


# --- the shipped themes ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=THEMES)
def shipped(request: pytest.FixtureRequest) -> Theme:
    theme, problems = load_theme(themes_dir() / f"{request.param}.yaml")
    assert theme is not None and not problems.items, "\n".join(p.format() for p in problems)
    return theme


def test_every_theme_the_rules_accept_has_a_file() -> None:
    assert theme_names() == sorted(THEMES)


def test_shipped_theme_meets_its_numbers(shipped: Theme) -> None:
    t = shipped
    assert t.min_contrast == (4.5 if t.name == "standard" else 7.0)
    for fg, bg in CONTRAST_PAIRS:
        assert t.contrast(fg, bg) >= t.min_contrast, (fg, bg)
    assert t.font_size("body", 1.0) >= 18
    assert t.font_size("body", 2.0) >= 30
    assert t.line_spacing >= 1.3
    assert t.min_target_dp >= 60 and t.target_mm >= 20
    assert t.dp_to_mm(t.min_target_dp) == pytest.approx(t.target_mm)
    for role in ("body", "title", "tile_text", "button_text", "strip_text", "small"):
        assert t.font_size(role) > 0
    assert set(UI_ICONS) <= set(t.icons)
    assert t.fallback_icon == t.icons["fallback"]


def test_senior_theme_is_the_brief() -> None:
    t = load_theme_by_name("senior")
    assert (t.sizes.body, t.sizes.title, t.sizes.tile_text) == (26, 40, 32)
    assert t.line_spacing == 1.4
    assert t.font_size("body", 2.0) == 52
    assert t.dp_to_mm(t.sizes.body) >= 6.1  # 0.7 degrees of visual angle at 500 mm
    assert all(t.contrast(fg, bg) >= 7 for fg, bg in CONTRAST_PAIRS)
    assert relative_luminance(t.colours.background) > relative_luminance(t.colours.text)  # light


def test_high_contrast_is_dark_and_standard_is_ordinary() -> None:
    dark = load_theme_by_name("high_contrast")
    assert relative_luminance(dark.colours.background) < 0.05 < relative_luminance(dark.colours.text)
    standard = load_theme_by_name("standard")
    assert standard.sizes.body == 18 and standard.min_contrast == 4.5


def test_shipped_icons_are_single_code_points() -> None:
    # The kiosk draws icons without an emoji shaper: no ZWJ, no FE0F, no flags, no skin tones.
    for name in THEMES:
        for icon_name, emoji in load_theme_by_name(name).icons.items():
            assert len(emoji) == 1, (name, icon_name, [hex(ord(c)) for c in emoji])


def test_units_follow_kivy() -> None:
    t = load_theme_by_name("senior")
    assert t.font_size("body", 1.4) == pytest.approx(26 * 1.4)
    assert t.font_size("body", 3.0) == t.font_size("body", 2.0)  # capped at largest_text_scale
    assert t.font_size("body", 0.5) == t.font_size("body", 1.0)
    with pytest.raises(KeyError):
        t.font_size("headline")
    # Kivy on Linux: density 1.0, so 1 dp = 1 px and the mm depend on the screen.
    linux = dataclasses.replace(t, density=1.0, screen_dpi=102.5)
    assert linux.dp_to_mm(128) == pytest.approx(128 / 102.5 * 25.4)
    assert linux.mm_to_dp(linux.dp_to_mm(77)) == pytest.approx(77)
    # The Android convention (density = dpi / 160): 20 mm is 126 dp on any screen.
    for dpi in (96.0, 160.0, 320.0):
        android = dataclasses.replace(t, screen_dpi=dpi, density=dpi / 160)
        assert android.dp_to_mm(126) == pytest.approx(20.0, abs=0.01)


def test_icon_lookup_falls_back() -> None:
    t = load_theme_by_name("senior")
    assert t.has_icon("camera") and t.icon("camera") == "\N{CAMERA}"
    assert not t.has_icon("unicorn") and t.icon("unicorn") == t.fallback_icon


def test_fonts_resolve_to_the_first_existing_path(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Face.ttf").write_bytes(b"")
    assert resolve_font("Face.ttf", [tmp_path / "a", tmp_path / "b"]) == tmp_path / "b" / "Face.ttf"
    assert resolve_font("Missing.ttf", [tmp_path / "b"]) is None
    assert resolve_font(str(tmp_path / "b" / "Face.ttf"), []) == tmp_path / "b" / "Face.ttf"
    assert resolve_font("", [tmp_path]) is None


def test_unknown_theme_name_is_a_flow_error_with_a_suggestion() -> None:
    with pytest.raises(FlowError) as info:
        load_theme_by_name("seniors")
    assert "did you mean 'senior'?" in str(info.value)
    with pytest.raises(FlowError):
        load_theme_by_name("../etc/passwd")


# --- bad themes -----------------------------------------------------------------------------------------------------

UI_ICON_LINES = "".join(f"  {name}: \N{LARGE BLUE DIAMOND}\n" for name in UI_ICONS)
GOOD = f"""\
theme: {{name}}
colours:
  background: "#FFFFFF"
  surface: "#FFFFFF"
  text: "#000000"
  muted_text: "#333333"
  accent: "#003366"
  accent_text: "#FFFFFF"
  danger: "#8B0000"
  danger_text: "#FFFFFF"
  error_background: "#FFFFFF"
  error_text: "#8B0000"
  strip_done: "#006400"
  strip_todo: "#777777"
  focus: "#000000"
sizes: {{{{body: 24, title: 40, tile_text: 32, button_text: 32, strip_text: 22, small: 20}}}}
line_spacing: 1.4
spacing: {{{{padding: 24, gap: 20}}}}
min_target_dp: 128
screen_dpi: 102.5
largest_text_scale: 2.0
icons:
{UI_ICON_LINES}"""


def write_theme(tmp_path: Path, replace: dict[str, str] | None = None, name: str = "kiosk") -> tuple[Path, str]:
    """A good theme file with some of its text replaced; returns the path and the text."""
    text = GOOD.format(name=name)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text: str, needle: str) -> int:
    [line] = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
    return line


def found(problems: Problems) -> list[tuple[str, int]]:
    return [(p.code, p.location.line) for p in problems.sorted()]


def test_the_good_theme_is_good(tmp_path: Path) -> None:
    path, _ = write_theme(tmp_path)
    theme, problems = load_theme(path)
    assert theme is not None and not problems.items, [str(p) for p in problems]
    assert theme.locations["sizes.body"].line == line_of(GOOD, "sizes:")


def test_bad_theme_gives_problems_at_the_lines_to_fix(tmp_path: Path) -> None:
    path, text = write_theme(tmp_path, {
        'text: "#000000"': 'text: "#767676"',  # 4.54:1 on white: fails AAA
        "body: 24": "body: 14",  # below 18, and 28 dp at x2.0
        "line_spacing: 1.4": "line_spacing: 1.2",
        "min_target_dp: 128": "min_target_dp: 50",  # below 60 dp, and 12.4 mm at 102.5 dpi
    })
    theme, problems = load_theme(path)
    assert theme is None
    text_line, sizes_line = line_of(text, 'text: "#767676"'), line_of(text, "sizes:")
    assert sorted(found(problems)) == sorted([
        ("SM501", text_line), ("SM501", text_line),  # on background and on surface
        ("SM502", sizes_line), ("SM502", line_of(text, "line_spacing:")), ("SM502", line_of(text, "largest_text")),
        ("SM503", line_of(text, "min_target_dp:")), ("SM503", line_of(text, "min_target_dp:")),
    ])
    messages = [p.format() for p in problems.sorted()]
    assert any(m.startswith(f"{path}:{text_line}:9: error[SM501] text on background has contrast 4.54:1, below 7:1")
               for m in messages), messages
    assert any("text on surface has contrast 4.54:1, below 7:1" in m for m in messages)
    assert any("body text is 14 dp, below 18 dp" in m for m in messages)
    assert any("28 dp (14 x 2), below 30 dp" in m for m in messages)
    assert any("line spacing is 1.2, below 1.3" in m for m in messages)
    assert any("touch target is 50 dp, below 60 dp" in m for m in messages)
    assert any("50 dp is 12.4 mm at 102.5 dpi" in m and "below 20 mm" in m for m in messages)
    body = next(p for p in problems.items if "body text is 14" in p.message)
    assert body.location.column == line_of_column(text, "body: 14")


def line_of_column(text: str, needle: str) -> int:
    row = text.splitlines()[line_of(text, needle) - 1]
    return row.index(needle) + len(needle.split(":")[0]) + 3


def test_a_high_dpi_screen_needs_more_dp_for_20_mm(tmp_path: Path) -> None:
    path, text = write_theme(tmp_path, {"screen_dpi: 102.5": "screen_dpi: 200"})
    theme, problems = load_theme(path)
    [p] = problems.items
    assert (p.code, p.location.line) == ("SM503", line_of(text, "min_target_dp:"))
    assert "128 dp is 16.3 mm at 200 dpi" in p.message and "use at least 158 dp" in p.hint


def test_contrast_is_checked_for_every_pair(tmp_path: Path) -> None:
    path, text = write_theme(tmp_path, {'danger_text: "#FFFFFF"': 'danger_text: "#FF6666"',  # 3.5:1
                                        'error_background: "#FFFFFF"': 'error_background: "#FF9999"'})  # 4.89:1
    _, problems = load_theme(path)
    assert found(problems) == [("SM501", line_of(text, "danger_text")), ("SM501", line_of(text, "error_text"))]
    danger = problems.sorted()[0]
    assert "danger text on danger has contrast" in danger.message
    assert "make 'danger_text' lighter or 'danger' darker" in danger.hint


def test_standard_minimum_is_aa(tmp_path: Path) -> None:
    path, _ = write_theme(tmp_path, {'text: "#000000"': 'text: "#767676"',
                                     "largest_text_scale: 2.0": "largest_text_scale: 2.0\nmin_contrast: 4.5"})
    theme, problems = load_theme(path)
    assert theme is not None and not problems.items, [str(p) for p in problems]


@pytest.mark.parametrize("old,new,code,needle,hint", [
    ("largest_text_scale: 2.0", "largest_text_scale: 2.0\ncolors: {}", "SM101", "colors:", "did you mean 'colours'?"),
    ("  focus:", "  focsu:", "SM101", "focsu", "did you mean 'focus'?"),
    ("sizes: {body: 24", "sizes: {bdy: 24", "SM101", "bdy", "did you mean 'body'?"),
    ("min_target_dp: 128", "min_target_dp: 128\nline_spacng: 1.5", "SM101", "line_spacng",
     "did you mean 'line_spacing'?"),
])
def test_unknown_keys_suggest_the_closest(tmp_path: Path, old: str, new: str, code: str, needle: str,
                                          hint: str) -> None:
    path, text = write_theme(tmp_path, {old: new})
    _, problems = load_theme(path)
    unknown = [p for p in problems.items if p.code == code]
    assert len(unknown) == 1, [str(p) for p in problems]
    assert unknown[0].location.line == line_of(text, needle)
    assert hint in unknown[0].hint


@pytest.mark.parametrize("old,new,code,needle", [
    ('accent: "#003366"', "accent: #003366", "SM102", "accent: #"),  # '#' starts a YAML comment
    ('accent: "#003366"', 'accent: "dark blue"', "SM108", "accent:"),
    ('accent: "#003366"', 'accent: "#00336"', "SM108", "accent:"),
    ('  accent: "#003366"\n', "", "SM103", "colours:"),
    ("line_spacing: 1.4", 'line_spacing: "wide"', "SM102", "line_spacing"),
    ("line_spacing: 1.4\n", "", "SM103", "theme:"),
    ("screen_dpi: 102.5", "screen_dpi: 102.5\nmin_target_mm: 15", "SM108", "min_target_mm"),  # only stricter
    ("theme: kiosk", "theme: other", "SM108", "theme:"),
    ("  yes: \N{LARGE BLUE DIAMOND}", "  yes: \U0001F1ED\U0001F1F0", "SM108", "yes:"),  # a flag
    ("  no: \N{LARGE BLUE DIAMOND}", "  no: \U0001F469\u200d\U0001F4BB", "SM108", "no:"),  # a ZWJ sequence
    ("  back: \N{LARGE BLUE DIAMOND}", "  back: \U0001F44D\U0001F3FD", "SM108", "  back:"),  # a skin tone
])
def test_bad_values_point_at_their_line(tmp_path: Path, old: str, new: str, code: str, needle: str) -> None:
    path, text = write_theme(tmp_path, {old: new})
    theme, problems = load_theme(path)
    assert theme is None
    assert found(problems) == [(code, line_of(text, needle))], [str(p) for p in problems]


def test_unquoted_colour_hint_says_why(tmp_path: Path) -> None:
    path, _ = write_theme(tmp_path, {'accent: "#003366"': "accent: #003366"})
    _, problems = load_theme(path)
    assert "put the colour in quotes" in problems.items[0].hint


def test_a_missing_ui_icon_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "icons.yaml").write_text("icons:\n  fallback: \N{LARGE BLUE DIAMOND}\n", encoding="utf-8")
    path, text = write_theme(tmp_path, {"  more_time: \N{LARGE BLUE DIAMOND}\n": ""})
    theme, problems = load_theme(path)
    assert theme is not None
    [p] = problems.items
    assert (p.code, p.severity, p.location.line) == ("SM504", Severity.WARNING, line_of(text, "icons:"))
    assert "'more_time'" in p.message


def test_a_theme_and_its_catalogue_without_a_fallback_icon_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "icons.yaml").write_text("icons:\n  wave: \N{WAVING HAND SIGN}\n", encoding="utf-8")
    path, text = write_theme(tmp_path, {"  fallback: \N{LARGE BLUE DIAMOND}\n": ""})
    theme, problems = load_theme(path)
    assert theme is None and found(problems) == [("SM103", line_of(text, "icons:"))]


def test_a_theme_with_no_icons_of_its_own_draws_the_shared_catalogue(tmp_path: Path) -> None:
    path, text = write_theme(tmp_path)
    without = text[:text.index("icons:")]
    path.write_text(without, encoding="utf-8")
    theme, problems = load_theme(path)
    assert theme is not None and not problems.items
    assert theme.icon("wave") == "\N{WAVING HAND SIGN}" and "search" in theme.icon_synonyms["magnifier"]


def test_a_theme_draws_its_own_icon_over_the_shared_one(tmp_path: Path) -> None:
    path, text = write_theme(tmp_path)
    path.write_text(text[:text.index("icons:")] + "icons:\n  wave: \N{RAISED HAND}\n", encoding="utf-8")
    theme, _ = load_theme(path)
    assert theme is not None and theme.icon("wave") == "\N{RAISED HAND}" and theme.icon("camera") == "\N{CAMERA}"


def test_check_theme_on_a_theme_built_in_code() -> None:
    t = dataclasses.replace(load_theme_by_name("senior"), line_spacing=1.0, file="", locations={})
    problems = Problems()
    check_theme(t, problems)
    [p] = problems.items
    assert (p.code, str(p.location)) == ("SM502", "<theme senior>:1:1")
    problems = Problems()
    check_theme(t, problems, {"line_spacing": Location("kiosk.yaml", 3, 15)})
    assert str(problems.items[0].location) == "kiosk.yaml:3:15"


# --- icons in flows -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flow_path", DEMO_FLOWS, ids=[p.stem for p in DEMO_FLOWS])
def test_every_demo_flow_icon_is_in_every_theme(flow_path: Path, shipped: Theme) -> None:
    flow = load_flow_or_raise(flow_path)
    used = {s.icon for s in flow.steps if s.icon} | {c.icon for s in flow.steps for c in s.choices}
    assert used  # the demo flows do use icons
    assert icon_problems(flow, shipped) == [], [p.format() for p in icon_problems(flow, shipped)]


ICON_FLOW = """\
flow: icons
title: 图标
call_staff: staff
steps:
  - id: where
    kind: choice
    text: 去哪里？
    icon: {step_icon}
    choices:
      - {{id: hongkong, text: 香港, icon: hongkong}}
      - {{id: macau, text: 澳门, icon: {choice_icon}}}
  - id: done
    kind: end
    text: 完成
    icon: thumbs_up
  - id: staff
    kind: handoff
    text: 人工
    icon: staff
    window: 1号窗口
"""


def icon_flow(tmp_path: Path, step_icon: str, choice_icon: str) -> tuple[Flow, str]:
    text = ICON_FLOW.format(step_icon=step_icon, choice_icon=choice_icon)
    (tmp_path / "icons.yaml").write_text(text, encoding="utf-8")
    flow, problems = load_flow_text(text, str(tmp_path / "icons.yaml"), base_dir=tmp_path)
    assert flow is not None, [str(p) for p in problems]
    return flow, text


@pytest.mark.parametrize("step_icon,choice_icon,needle,suggestion", [
    ("map", "macao", "id: macau", "did you mean 'macau' \U0001FAB7, which means 'macao'?"),
    ("mapp", "macau", "icon: mapp", "did you mean 'map'?"),
    ("search", "macau", "icon: search", "did you mean 'magnifier' \N{LEFT-POINTING MAGNIFYING GLASS}, which means "
                                        "'search'?"),  # not 'star', which is only spelt alike
    ("pasport", "macau", "icon: pasport", "did you mean 'document' \N{PAGE FACING UP}, which means 'passport'?"),
    ("zzzz", "macau", "icon: zzzz", "the icons are: back, backpack, bed, bigger_text,"),
])
def test_unknown_icon_is_one_warning_with_a_suggestion(tmp_path: Path, step_icon: str, choice_icon: str,
                                                       needle: str, suggestion: str) -> None:
    flow, text = icon_flow(tmp_path, step_icon, choice_icon)
    theme = load_theme_by_name("senior")
    [p] = icon_problems(flow, theme)
    assert (p.code, p.severity, p.location.line) == ("SM504", Severity.WARNING, line_of(text, needle))
    assert p.hint.startswith(suggestion)
    assert p.hint.endswith("; every icon, its picture and meanings: docs/icons.md; a new one goes in themes/icons.yaml")
    assert theme.fallback_icon in p.message
    assert p.format().startswith(f"{tmp_path / 'icons.yaml'}:{line_of(text, needle)}:")


def test_known_icons_give_no_warning(tmp_path: Path) -> None:
    flow, _ = icon_flow(tmp_path, "map", "macau")
    assert icon_problems(flow, load_theme_by_name("high_contrast")) == []
