"""Theme model and the contrast, size and touch-target maths that keep every kiosk screen senior-friendly.

A theme is one YAML file in `themes/`: colours, fonts, text sizes in dp, spacing, touch targets and an icon set
(colour emoji used as cartoon icons). Loading a theme checks it against the brief's numbers: WCAG 2.x contrast
(SM501), MIIT text size and line spacing (SM502) and touch-target size in dp and mm (SM503), each at the
file:line:col of the value to change.

Units, as Kivy has them (kivy/metrics.py, Kivy 2.3): ``px = dp * density`` and ``px = mm * dpi / 25.4``, so a
length of ``dp`` density-independent pixels is ``dp * density / screen_dpi * 25.4`` mm on the glass. Kivy's
`density` is 1.0 on Linux (only Android, iOS, macOS and Windows change it) unless ``KIVY_METRICS_DENSITY`` is set;
a theme states the density its kiosk runs with. With the Android convention ``density = screen_dpi / 160`` the
dpi cancels out and ``mm = dp / 160 * 25.4`` (20 mm = 126 dp on any screen); with Kivy's Linux default of 1.0 the
physical size depends on the screen, and a 20 mm target needs ``20 / 25.4 * screen_dpi`` dp (81 dp at 102.5 dpi,
126 dp at 160 dpi). The shipped themes use targets of at least 126 dp, which meet 20 mm under both conventions
on any screen of up to 160 dpi.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from .icons import IconCatalogue, catalogue_path, load_catalogue, read_icons_into
from .problems import FlowError, Location, Problem, Problems, Severity, did_you_mean
from .reader import IDENTIFIER, Fields, expect_mapping
from .settings import LOCALES
from .source import Node, Scalar, display_path, load_file

if TYPE_CHECKING:
    from .flow import Flow

RGB = tuple[int, int, int]

COLOUR_NAMES = (
    "background", "surface", "text", "muted_text", "accent", "accent_text", "danger", "danger_text",
    "error_background", "error_text", "strip_done", "strip_todo", "focus",
)
# Text colour on the colour it is drawn on: every pair must reach the theme's min_contrast.
CONTRAST_PAIRS = (
    ("text", "background"), ("text", "surface"), ("muted_text", "background"), ("muted_text", "surface"),
    ("accent_text", "accent"),
    ("danger_text", "danger"), ("error_text", "error_background"),
)
SIZE_ROLES = ("body", "title", "tile_text", "button_text", "strip_text", "small")
SPACING_NAMES = ("padding", "gap")
# Icons the kiosk's own buttons and screens use, whatever the flow.
UI_ICONS = (
    "back", "repeat", "bigger_text", "smaller_text", "language", "staff", "more_time", "yes", "no",
    "keypad_delete", "change", "help", "view_angle", "warning", "slower", "fallback",
)

# The brief's floors (MIIT 适老化, WCAG 2.2, kiosk research). A theme may be stricter, never looser.
MIN_BODY_DP = 18.0
MIN_LARGEST_BODY_DP = 30.0
MIN_LINE_SPACING = 1.3
MIN_TARGET_DP = 60.0
MIN_TARGET_MM = 20.0
MIN_CONTRAST_FLOOR = 4.5
LARGEST_TEXT_SCALE = 2.0  # seniormode.core.settings: text_scale runs from 1.0 to 2.0

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/truetype/noto",  # Debian/Ubuntu fonts-noto-color-emoji
    "/usr/share/fonts/noto-cjk",  # Arch
    "/usr/share/fonts/google-noto-cjk",  # Fedora
    "/usr/share/fonts/google-noto-color-emoji-fonts",  # Fedora
    "/usr/share/fonts/noto",  # Arch
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)
DEFAULT_FONT_FAMILY = "Noto Sans CJK SC"
DEFAULT_REGULAR = "NotoSansCJK-Regular.ttc"
DEFAULT_BOLD = "NotoSansCJK-Bold.ttc"
DEFAULT_EMOJI = "NotoColorEmoji.ttf"
DEFAULT_ICON_OUTLINE = 3.0  # dp

THEME_KEYS = (
    "theme", "description", "colours", "font", "sizes", "line_spacing", "spacing", "min_target_dp",
    "min_target_mm", "screen_dpi", "density", "largest_text_scale", "min_contrast", "icons", "staff_languages",
    "icon_outline",
)
FONT_KEYS = ("family", "regular", "bold", "emoji", "dirs")


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour with 0-255 channels."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2.x contrast ratio, from 1.0 (same colour) to 21.0 (black on white); order does not matter."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def parse_hex(text: str) -> RGB | None:
    """'#RRGGBB' -> (r, g, b), or None when the text is not such a colour."""
    text = text.strip()
    # Not int(..., 16) alone: it takes '+1', ' 1', '_' and full-width digits, so '#+1+2+3' was a colour.
    if not _HEX_COLOUR.fullmatch(text):
        return None
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def resolve_font(name: str, dirs: Iterable[str | Path] = DEFAULT_FONT_DIRS) -> Path | None:
    """The first existing file for a font: `name` itself if it is an absolute path, else `name` in each dir."""
    if not name:
        return None
    path = _expand_user(Path(name))
    if path.is_absolute():
        return path if _is_file(path) else None
    for folder in dirs:
        candidate = _expand_user(Path(folder)) / name
        if _is_file(candidate):
            return candidate
    return None


def _expand_user(path: Path) -> Path:
    """`~/fonts` as the user's folder; `~nosuchuser/fonts` stays as written (pathlib raises RuntimeError)."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def _is_file(path: Path) -> bool:
    """Path.is_file, but False for a name the file system refuses (too long: is_file raises OSError)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Palette:
    """The theme's colours as 0-255 RGB tuples."""

    background: RGB
    surface: RGB
    text: RGB
    muted_text: RGB
    accent: RGB
    accent_text: RGB
    danger: RGB
    danger_text: RGB
    error_background: RGB
    error_text: RGB
    strip_done: RGB
    strip_todo: RGB
    focus: RGB

    def get(self, name: str) -> RGB:
        if name not in COLOUR_NAMES:
            raise KeyError(f"no colour '{name}'; colours are: {', '.join(COLOUR_NAMES)}")
        value: RGB = getattr(self, name)
        return value

    def rgba(self, name: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
        """A colour as Kivy wants it: four floats from 0 to 1."""
        r, g, b = self.get(name)
        return r / 255, g / 255, b / 255, alpha

    def hex(self, name: str) -> str:
        return to_hex(self.get(name))

    def contrast(self, foreground: str, background: str) -> float:
        return contrast_ratio(self.get(foreground), self.get(background))


@dataclass(frozen=True)
class FontSpec:
    """Font file names (kept as written in YAML) and the folders to find them in."""

    family: str = DEFAULT_FONT_FAMILY
    regular: str = DEFAULT_REGULAR
    bold: str = DEFAULT_BOLD
    emoji: str = DEFAULT_EMOJI
    dirs: tuple[str, ...] = DEFAULT_FONT_DIRS

    def regular_path(self) -> Path | None:
        return resolve_font(self.regular, self.dirs)

    def bold_path(self) -> Path | None:
        return resolve_font(self.bold, self.dirs)

    def emoji_path(self) -> Path | None:
        return resolve_font(self.emoji, self.dirs)

    def missing(self) -> list[str]:
        """The font files that cannot be found, for a start-up log line or a lint warning."""
        return [name for name, path in ((self.regular, self.regular_path()), (self.bold, self.bold_path()),
                                        (self.emoji, self.emoji_path())) if path is None]


@dataclass(frozen=True)
class Sizes:
    """Text sizes in dp at text_scale 1.0."""

    body: float
    title: float
    tile_text: float
    button_text: float
    strip_text: float
    small: float

    def get(self, role: str) -> float:
        if role not in SIZE_ROLES:
            raise KeyError(f"no text size '{role}'; sizes are: {', '.join(SIZE_ROLES)}")
        value: float = getattr(self, role)
        return value


@dataclass(frozen=True)
class Theme:
    """One colour, font, size and icon theme, as read from themes/<name>.yaml."""

    name: str
    description: str
    colours: Palette
    sizes: Sizes
    line_spacing: float
    padding: float
    gap: float
    min_target_dp: float
    screen_dpi: float
    icons: Mapping[str, str] = field(compare=False)
    fallback_icon: str = "\N{LARGE BLUE DIAMOND}"
    # The shared catalogue's words for each icon ('magnifier' means search, 查找), for suggestions by meaning.
    icon_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    font: FontSpec = field(default_factory=FontSpec)
    min_target_mm: float = MIN_TARGET_MM
    density: float = 1.0
    largest_text_scale: float = LARGEST_TEXT_SCALE
    min_contrast: float = 7.0
    # Screen languages only staff see (English): never a flow's applicant screens. The audit lays them out only
    # when asked (--languages), and says that it did not.
    staff_languages: tuple[str, ...] = ()
    # dp of outline around each icon, in the colour of the words beside it: its shape against any tile (SM513).
    icon_outline: float = DEFAULT_ICON_OUTLINE
    file: str = ""
    # Where each value was written ("colours.text", "sizes.body", "line_spacing", ...), for problems.
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def icon(self, name: str) -> str:
        """The emoji for an icon name; the fallback icon for a name the theme does not know."""
        return self.icons.get(name) or self.fallback_icon

    def has_icon(self, name: str) -> bool:
        return name in self.icons

    def dp_to_px(self, dp: float) -> float:
        return dp * self.density

    def dp_to_mm(self, dp: float) -> float:
        """Physical size on the kiosk's glass, as Kivy draws it: px = dp * density, mm = px / dpi * 25.4."""
        return dp * self.density / self.screen_dpi * 25.4

    def mm_to_dp(self, mm: float) -> float:
        return mm / 25.4 * self.screen_dpi / self.density

    @property
    def target_mm(self) -> float:
        """The smallest touch target's side in mm on this kiosk's screen."""
        return self.dp_to_mm(self.min_target_dp)

    def font_size(self, role: str, text_scale: float = 1.0) -> float:
        """Text size in dp for a role ('body', 'title', ...) at a text scale, capped at largest_text_scale."""
        scale = min(max(text_scale, 1.0), self.largest_text_scale)
        return self.sizes.get(role) * scale

    def contrast(self, foreground: str, background: str) -> float:
        return self.colours.contrast(foreground, background)

    def location(self, key: str) -> Location:
        return self.locations.get(key) or Location(self.file or f"<theme {self.name}>")


def check_theme(theme: Theme, problems: Problems, locations: Mapping[str, Location] | None = None) -> None:
    """Check a theme against the senior numbers; each problem points at the value to change."""
    locs = locations if locations is not None else theme.locations

    def at(*keys: str) -> Location:
        for key in keys:
            if key in locs:
                return locs[key]
        return theme.location(keys[0])

    for fg, bg in CONTRAST_PAIRS:
        ratio = theme.contrast(fg, bg)
        if ratio < theme.min_contrast:
            lighter_fg = relative_luminance(theme.colours.get(fg)) > relative_luminance(theme.colours.get(bg))
            hint = (f"make '{fg}' lighter or '{bg}' darker" if lighter_fg
                    else f"make '{fg}' darker or '{bg}' lighter")
            problems.error("SM501", f"{_words(fg)} on {_words(bg)} has contrast {_ratio(ratio)}:1, "
                           f"below {_num(theme.min_contrast)}:1", at(f"colours.{fg}"),
                           f"{hint} ({theme.colours.hex(fg)} on {theme.colours.hex(bg)})")

    body = theme.sizes.body
    if body < MIN_BODY_DP:
        problems.error("SM502", f"body text is {_num(body)} dp, below {_num(MIN_BODY_DP)} dp",
                       at("sizes.body"), "MIIT elder mode: body text at least 18 dp")
    largest = body * theme.largest_text_scale
    if largest < MIN_LARGEST_BODY_DP:
        hint = f"MIIT: the largest text setting at least 30 dp; raise the body size to " \
               f"{_ceil(MIN_LARGEST_BODY_DP / theme.largest_text_scale)} dp"
        if MIN_LARGEST_BODY_DP / body <= LARGEST_TEXT_SCALE:
            hint += f" or largest_text_scale to {_ceil(MIN_LARGEST_BODY_DP / body * 100) / 100:g}"
        problems.error("SM502", f"body text at the largest text scale is {_num(largest)} dp "
                       f"({_num(body)} x {_num(theme.largest_text_scale)}), below {_num(MIN_LARGEST_BODY_DP)} dp",
                       at("largest_text_scale", "sizes.body"), hint)
    if theme.line_spacing < MIN_LINE_SPACING:
        problems.error("SM502", f"line spacing is {_num(theme.line_spacing)}, below {_num(MIN_LINE_SPACING)}",
                       at("line_spacing"), "MIIT: line spacing at least 1.3 times the text size")

    target = theme.min_target_dp
    if target < MIN_TARGET_DP:
        problems.error("SM503", f"touch target is {_num(target)} dp, below {_num(MIN_TARGET_DP)} dp",
                       at("min_target_dp"), "MIIT elder mode: touch targets at least 60 x 60 dp")
    mm = theme.dp_to_mm(target)
    needed = max(theme.min_target_mm, MIN_TARGET_MM)
    if mm < needed:
        problems.error("SM503", f"touch target of {_num(target)} dp is {mm:.1f} mm at {_num(theme.screen_dpi)} dpi "
                       f"(density {_num(theme.density)}), below {_num(needed)} mm", at("min_target_dp"),
                       f"use at least {_ceil(theme.mm_to_dp(needed))} dp on this screen")


def icon_problems(flow: Flow, theme: Theme) -> list[Problem]:
    """An SM504 warning for every step or choice icon of a flow that the theme has no emoji for."""
    found: list[Problem] = []
    known = IconCatalogue(dict(theme.icons), dict(theme.icon_synonyms))

    def warn(icon: str, where: str, location: Location) -> None:
        hint = f"{known.suggest(icon)}; every icon, its picture and meanings: docs/icons.md; a new one goes in " \
               "themes/icons.yaml"
        found.append(Problem("SM504", f"theme '{theme.name}' has no icon '{icon}' ({where}); it shows "
                             f"{theme.fallback_icon} instead", location, severity=Severity.WARNING, hint=hint))

    for step in flow.steps:
        if step.icon and not theme.has_icon(step.icon):
            warn(step.icon, f"step '{step.id}'", step.icon_location or step.location)
        for choice in (*step.choices, *step.hard, *step.levels):
            if choice.icon and not theme.has_icon(choice.icon):
                warn(choice.icon, f"choice '{choice.id}' of step '{step.id}'", choice.icon_location or choice.location)
    return found


def themes_dir() -> Path:
    """The toolkit's own themes/ (senior and the others that ship with it), next to the installed package."""
    return Path(__file__).resolve().parents[2] / "themes"


# A theme name is looked up in the current folder's themes/ first, so the file `seniormode lint` checks there is
# the one the kiosk shows; the toolkit's own themes are the fallback, so a folder of flows need not copy them.
LOCAL_THEMES = Path("themes")


def theme_file(name: str) -> Path | None:
    """themes/<name>.yaml of the current folder, else of the toolkit; None when neither has it."""
    for folder in (LOCAL_THEMES, themes_dir()):
        if (folder / f"{name}.yaml").is_file():
            return folder / f"{name}.yaml"
    return None


def theme_names() -> list[str]:
    """Every theme in themes/ here and the toolkit's (icons.yaml is the catalogue they share, not a theme)."""
    return sorted({p.stem for folder in (LOCAL_THEMES, themes_dir()) for p in folder.glob("*.yaml")
                   if p.name != "icons.yaml"})


def no_theme_message(name: str) -> str:
    return f"there is no theme '{name}' in {LOCAL_THEMES}/ of {Path.cwd()} nor in the toolkit's {themes_dir()}"


def load_theme_by_name(name: str) -> Theme:
    """Load themes/<name>.yaml (see theme_file); raises FlowError carrying every problem when it has errors."""
    if not IDENTIFIER.match(name):
        raise FlowError([Problem("SM108", f"'{name}' is not a theme name", Location("themes"),
                                 hint=did_you_mean(name, theme_names()))])
    path = theme_file(name)
    if path is None:
        raise FlowError([Problem("SM004", no_theme_message(name), Location(f"themes/{name}.yaml"),
                                 hint=did_you_mean(name, theme_names())
                                 or f"themes are: {', '.join(theme_names())}")])
    theme, problems = load_theme(path)
    if theme is None:
        raise FlowError(problems.sorted())
    return theme


def load_theme(path: str | Path) -> tuple[Theme | None, Problems]:
    """Read and check a theme file. The theme is None when there are errors; warnings come with a theme."""
    theme, problems = read_theme_unchecked(path)
    return (None if problems.has_errors else theme), problems


class _ThemeReader:
    def __init__(self, problems: Problems, path: Path):
        self.problems = problems
        self.path = path
        self.file = display_path(path)
        self.locations: dict[str, Location] = {}

    def read(self, root: Node) -> Theme | None:
        p = self.problems
        node = expect_mapping(root, p, "a theme file", Location(self.file))
        if node is None:
            return None
        f = Fields(node, THEME_KEYS, p, "a theme")
        name_node = f.identifier("theme", required=True, example=self.path.stem)
        if name_node is not None and name_node.value != self.path.stem:
            p.error("SM108", f"theme '{name_node.value}' is in a file named '{self.path.name}'", name_node.location,
                    f"rules choose a theme by its file name: write 'theme: {self.path.stem}' or rename the file")
        description = f.text("description")
        colours = self.read_colours(f)
        sizes = self.read_sizes(f)
        font = self.read_font(f)
        spacing = self.read_spacing(f)
        numbers = {
            "line_spacing": self.number(f, "line_spacing", 1.0, 3.0, required=True, example="1.4"),
            "min_target_dp": self.number(f, "min_target_dp", 1, 1000, required=True, example="128"),
            "screen_dpi": self.number(f, "screen_dpi", 50, 1000, required=True, example="102.5"),
            # The brief's floors cannot be configured away: a theme may only ask for more.
            "min_target_mm": self.number(f, "min_target_mm", MIN_TARGET_MM, 60),
            "density": self.number(f, "density", 0.25, 8),
            "largest_text_scale": self.number(f, "largest_text_scale", 1.0, LARGEST_TEXT_SCALE),
            "min_contrast": self.number(f, "min_contrast", MIN_CONTRAST_FLOOR, 21),
            "icon_outline": self.number(f, "icon_outline", 0, 12),
        }
        icons, synonyms, fallback = self.read_icons(f)
        staff = self.read_staff_languages(f)
        required = (name_node, colours, sizes, spacing, fallback, numbers["line_spacing"],
                    numbers["min_target_dp"], numbers["screen_dpi"])
        if any(v is None for v in required):
            return None
        assert name_node is not None and colours is not None and sizes is not None and spacing is not None
        assert fallback is not None
        return Theme(
            name=str(name_node.value),
            description=str(description.value) if description is not None else "",
            colours=colours,
            sizes=sizes,
            line_spacing=_given(numbers["line_spacing"], 1.0),
            padding=spacing[0],
            gap=spacing[1],
            min_target_dp=_given(numbers["min_target_dp"], 0.0),
            screen_dpi=_given(numbers["screen_dpi"], 96.0),
            icons=MappingProxyType(icons),
            fallback_icon=fallback,
            icon_synonyms=MappingProxyType(synonyms),
            font=font,
            min_target_mm=_given(numbers["min_target_mm"], MIN_TARGET_MM),
            density=_given(numbers["density"], 1.0),
            largest_text_scale=_given(numbers["largest_text_scale"], LARGEST_TEXT_SCALE),
            min_contrast=_given(numbers["min_contrast"], 7.0),
            staff_languages=staff,
            icon_outline=_given(numbers["icon_outline"], DEFAULT_ICON_OUTLINE),
            file=self.file,
            locations=MappingProxyType(dict(self.locations)),
        )

    def number(self, f: Fields, key: str, low: float, high: float, required: bool = False, example: str = "",
               prefix: str = "") -> float | None:
        if f.has(key):
            self.locations[prefix + key] = f.location(key)
        return f.number(key, low, high, required=required, example=example)

    def read_staff_languages(self, f: Fields) -> tuple[str, ...]:
        if f.has("staff_languages"):
            self.locations["staff_languages"] = f.location("staff_languages")
        found = []
        for item in f.string_list("staff_languages"):
            if item.value in LOCALES:
                found.append(str(item.value))
            else:
                self.problems.error("SM108", f"'{item.value}' is not a screen language", item.location,
                                    did_you_mean(str(item.value), LOCALES) or f"use one of: {', '.join(LOCALES)}")
        return tuple(found)

    def read_colours(self, f: Fields) -> Palette | None:
        node = f.mapping("colours", required=True, example="{background: \"#FFFFFF\", ...}")
        if node is None:
            return None
        cf = Fields(node, COLOUR_NAMES, self.problems, "the theme's colours")
        found: dict[str, RGB] = {}
        for name in COLOUR_NAMES:
            value = node.get(name)
            if value is None:
                self.problems.error("SM103", f"the theme's colours need '{name}'", f.node.key_location("colours"),
                                    f"add '{name}: \"#RRGGBB\"'")
                continue
            self.locations[f"colours.{name}"] = value.location
            if isinstance(value, Scalar) and value.value is None:
                self.problems.error("SM102", f"'{name}' has no colour", value.location,
                                    "a '#' starts a comment in YAML: put the colour in quotes, e.g. \"#1A1A1A\"")
                continue
            text = cf.text(name)
            if text is None:
                continue
            rgb = parse_hex(str(text.value))
            if rgb is None:
                self.problems.error("SM108", f"'{text.value}' is not a colour", text.location,
                                    "write colours as \"#RRGGBB\" in quotes, e.g. \"#1A1A1A\"")
                continue
            found[name] = rgb
        if len(found) != len(COLOUR_NAMES):
            return None
        return Palette(**found)

    def read_sizes(self, f: Fields) -> Sizes | None:
        node = f.mapping("sizes", required=True, example="{body: 24, title: 40, ...}")
        if node is None:
            return None
        sf = Fields(node, SIZE_ROLES, self.problems, "the theme's sizes")
        found: dict[str, float] = {}
        for role in SIZE_ROLES:
            value = self.number(sf, role, 1, 400, required=True, example="24", prefix="sizes.")
            if value is not None:
                found[role] = value
        return Sizes(**found) if len(found) == len(SIZE_ROLES) else None

    def read_spacing(self, f: Fields) -> tuple[float, float] | None:
        node = f.mapping("spacing", required=True, example="{padding: 24, gap: 16}")
        if node is None:
            return None
        sf = Fields(node, SPACING_NAMES, self.problems, "the theme's spacing")
        padding = self.number(sf, "padding", 0, 400, required=True, example="24", prefix="spacing.")
        gap = self.number(sf, "gap", 0, 400, required=True, example="16", prefix="spacing.")
        return (padding, gap) if padding is not None and gap is not None else None

    def read_font(self, f: Fields) -> FontSpec:
        node = f.mapping("font")
        if node is None:
            return FontSpec()
        ff = Fields(node, FONT_KEYS, self.problems, "the theme's font")
        default = FontSpec()

        def text(key: str, fallback: str) -> str:
            node = ff.text(key)
            return str(node.value) if node is not None else fallback

        dirs = default.dirs
        if ff.has("dirs"):
            # A relative folder is relative to the theme file, so a kiosk can ship fonts next to its themes.
            folders = [_expand_user(Path(str(s.value))) for s in ff.string_list("dirs")]
            dirs = tuple(str(d if d.is_absolute() else self.path.parent / d) for d in folders)
        return FontSpec(family=text("family", default.family), regular=text("regular", default.regular),
                        bold=text("bold", default.bold), emoji=text("emoji", default.emoji), dirs=dirs)

    def read_icons(self, f: Fields) -> tuple[dict[str, str], dict[str, tuple[str, ...]], str | None]:
        """The shared catalogue's icons, with this theme's own `icons:` drawn over them."""
        shared, shared_problems = load_catalogue(catalogue_path(self.path))
        self.problems.extend(p for p in shared_problems.items if p.severity is Severity.ERROR)
        own = IconCatalogue()
        node = f.mapping("icons")
        where = f.node.key_location("icons") if node is not None else Location(shared.file or self.file)
        self.locations["icons"] = where
        if node is not None:
            read_icons_into(own, node, self.problems)
        for name, location in {**shared.locations, **own.locations}.items():
            self.locations[f"icons.{name}"] = location
        icons = {**shared.emoji, **own.emoji}
        written = set(icons) | ({k for k, _ in node.items()} if node is not None else set())
        fallback = icons.get("fallback")
        if fallback is None and "fallback" not in written:
            self.problems.error("SM103", "the theme's icons need 'fallback'", where,
                                "add 'fallback: 🔷' to themes/icons.yaml, shown for an icon name the theme lacks")
        for name in UI_ICONS:
            if name not in written and name != "fallback":
                self.problems.warning("SM504", f"the theme has no icon '{name}', used by the kiosk's own buttons",
                                      where, did_you_mean(name, icons) or f"add '{name}: <emoji>'")
        return icons, {**shared.synonyms, **own.synonyms}, fallback


def _given(value: float | None, default: float) -> float:
    return default if value is None else value


def _words(name: str) -> str:
    return name.replace("_", " ")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _ratio(value: float) -> str:
    """A contrast ratio rounded down to 2 decimals, so 6.999:1 never prints as a passing 7:1."""
    floored = math.floor(value * 100) / 100
    return f"{floored:.2f}".rstrip("0").rstrip(".")


def _ceil(value: float) -> int:
    """Round up, ignoring float noise (30 / 1.5 is 20, not 21)."""
    return math.ceil(round(value, 6))



__all__ = [
    "COLOUR_NAMES", "CONTRAST_PAIRS", "SIZE_ROLES", "UI_ICONS", "FontSpec", "Palette", "Sizes", "Theme",
    "check_theme", "contrast_ratio", "icon_problems", "load_theme", "load_theme_by_name", "parse_hex",
    "no_theme_message", "relative_luminance", "resolve_font", "theme_file", "theme_names", "themes_dir",
    "to_hex",
]


# ---- for the accessibility audit --------------------------------------------------------------------------------
def read_theme_unchecked(path: str | Path) -> tuple[Theme | None, Problems]:
    """Read and check a theme file like `load_theme`, but return the Theme whenever it is complete.

    The kiosk refuses a theme with errors; the audit (seniormode/lint/audit.py) lays every screen out with it anyway, to
    report what its colours, sizes and targets measure on each screen. None only when the file cannot be read or a
    required value is missing or unusable.
    """
    problems = Problems()
    path = Path(path)
    root = load_file(path, problems, display_path(path))
    if root is None:
        return None, problems
    theme = _ThemeReader(problems, path).read(root)
    if theme is not None:
        check_theme(theme, problems)
    return theme, problems


__all__ += ["read_theme_unchecked"]
