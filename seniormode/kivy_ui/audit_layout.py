"""The audit's Kivy half: every step laid out by the real kiosk at each text size and screen language, and measured.

For each screen (a step, plus its error message, its help and the time-out warning where it has them) it reads the
widget tree the kiosk built, not the theme's numbers: the size each label is drawn at after fitting, the colour
actually behind it (the panels it sits on, over the window's clear colour, and once per step on the drawn pixels),
the ink height of a character in the label's font, each touch target's size in dp and in mm, and whether any text
is cut or off the glass. A failure is reported once, at the YAML line that causes it (the theme key, the step or
the choice), with the worst measurement, the screen it was seen on and how many other screens show it.

Screens are laid out without being put on the glass (Kivy's before-frame triggers only): with a software GL (Xvfb)
drawing a frame costs ten times the layout, so pixels are read once per step and language, at the smallest size.
Nothing Kivy is imported until `audit_layout` runs.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.effects import Effect, ShowHelp, ShowStep, WarnTimeout
from ..core.events import Event
from ..core.flow import HARDWARE_KINDS, Flow, Step
from ..core.i18n import Catalogs
from ..core.problems import Location, Problem, Severity, shorten
from ..core.session import Session, TicketCounter
from ..core.theme import (
    DEFAULT_ICON_OUTLINE,
    LARGEST_TEXT_SCALE,
    MIN_BODY_DP,
    MIN_LARGEST_BODY_DP,
    MIN_LINE_SPACING,
    MIN_TARGET_DP,
    MIN_TARGET_MM,
    RGB,
    SIZE_ROLES,
    Theme,
    contrast_ratio,
    relative_luminance,
    to_hex,
)
from ..core.viewing import PRESET_ORDER
from .icon_contrast import BAND, MIN_ICON_CONTRAST, MIN_OUTLINE_SHARE, outline_share
from .storyboard import FIXED_TIME, _background, _blend, _rgb, _visibility, required_contrast

Job = tuple[Flow, Theme, Sequence[float], Sequence[str]]

MIN_GLYPH_MM = 4.8  # ADA 707.7.2
CJK_LOCALES = ("zh_Hans_CN", "yue_Hans_CN")
# The character whose ink height is measured: an ideograph on a Chinese screen; ADA's capital I on a Latin one.
GLYPH_CJK, GLYPH_LATIN = "国", "I"
INK_ALPHA = 128  # a pixel at least half covered by the glyph counts as ink
SETTLE_PASSES = 4  # Kivy's before-frame triggers run this often per screen: layouts, label fitting, textures
SLACK_PX = 1.0  # what rounding may put outside a box or the window
FG_KEYS = ("text", "muted_text", "accent_text", "danger_text", "error_text")
BG_KEYS = ("background", "surface", "accent", "danger", "error_background")
ROLE_WORDS = {"body": "body text", "title": "title", "tile_text": "tile text", "button_text": "button text",
              "strip_text": "strip text", "small": "small text"}
STATE_ERROR, STATE_HELP, STATE_WARNING = "error message", "help", "time-out warning"
STATE_CHANGE = "opened from the summary's change link"  # with its 取消修改 button
STANDARD = "standard"
SHRINK_PX = 0.5  # a label's ink may be this much shorter at a larger setting before it counts as smaller (rounding)


@dataclass(frozen=True)
class Screen:
    """One laid-out screen: a step (in a state: its error, its help, the time-out warning) at a language and size."""

    step: str
    language: str
    scale: float
    state: str = ""
    preset: str = STANDARD  # the viewing-angle preset the screen is drawn through

    def __str__(self) -> str:
        what = f"step '{self.step}'" + (f", {self.state}" if self.state else "")
        view = f", {self.preset} view" if self.preset != STANDARD else ""
        return f"{what} ({self.language}, text ×{self.scale:.1f}{view})"


@dataclass
class Finding:
    """One failure on one screen; findings with the same code, location and subject become one Problem."""

    code: str
    location: Location
    subject: str
    detail: str
    screen: Screen
    rank: float  # lower is worse: the worst finding of a group is the one named
    hint: str = ""
    severity: Severity = Severity.ERROR


@dataclass
class _Group:
    worst: Finding
    screens: dict[Screen, None] = field(default_factory=dict)
    items: dict[str, None] = field(default_factory=dict)  # the labels or targets that fail


def audit_layout(jobs: Sequence[Job], size: tuple[int, int] = (1280, 800),
                 locales_dir: Path | None = None, seen: list[Screen] | None = None) -> list[Problem]:
    """Lay out and measure every screen of each (flow, theme, text scales, screen languages) job.

    Reuses the kiosk app already running in this process (it is given back with its flow, theme and window size),
    else starts one: Kivy has one window per process.
    """
    if not jobs:
        return []
    from . import runtime

    runtime.configure(size=size)
    from kivy.app import App
    from kivy.core.window import Window

    from .app import KioskApp
    from .pilot import run_headless

    catalogs = Catalogs(locales_dir) if locales_dir is not None else None
    running = App.get_running_app()
    if running is not None and not isinstance(running, KioskApp):
        raise RuntimeError(f"a {type(running).__name__} is running in this process; the audit needs the kiosk's app")
    flow, theme = jobs[0][0], jobs[0][1]
    app = running or KioskApp(flow, theme, Session(flow, catalogs=catalogs), tick=False)
    if app.root is None:
        run_headless(app)
    given_back = (app.flow, app.session, app.theme, tuple(Window.size)) if running is not None else None
    try:
        _resize(Window, size)
        audit = _Audit(app, catalogs)
        for job_flow, job_theme, scales, languages in jobs:
            audit.run(job_flow, job_theme, [float(s) for s in scales], list(languages))
        if seen is not None:  # what was laid out, for whoever asks (the tests)
            seen.extend(audit.screens)
        return audit.problems()
    finally:
        if given_back is not None:
            old_flow, old_session, old_theme, old_size = given_back
            app.load(old_flow, old_session, theme=old_theme)
            _resize(Window, (int(old_size[0]), int(old_size[1])))
        gc.enable()  # the app pauses collection while it draws and resumes on its clock, which the audit never ticks


def _resize(window: Any, size: tuple[int, int]) -> None:
    if tuple(window.size) != tuple(size):
        from kivy.base import EventLoop

        window.size = size
        for _ in range(3):  # the window system answers the resize with events: the GL viewport follows them
            EventLoop.idle()
    if tuple(window.size) != tuple(size):
        raise RuntimeError(f"the window is {window.size[0]}x{window.size[1]}, not the {size[0]}x{size[1]} asked for "
                           "(is the virtual screen smaller?)")


def _settle() -> None:
    """Run Kivy's before-frame work (layouts, label fitting, textures) without drawing a frame."""
    from kivy.clock import Clock
    from kivy.lang import Builder

    for _ in range(SETTLE_PASSES):
        Builder.sync()
        Clock.tick_draw()


class _Audit:
    def __init__(self, app: Any, catalogs: Catalogs | None):
        from kivy.core.window import Window
        from kivy.metrics import Metrics

        self.app = app
        self.catalogs = catalogs
        self.window = Window
        self.density = float(Metrics.density)
        self.groups: dict[tuple[str, Location, str], _Group] = {}
        self.glyphs = _GlyphMeter()
        self.words: dict[tuple[str, str], frozenset[str]] = {}
        # Each label's ink on the glass, by screen (without its scale) and label: what larger settings must keep.
        self.inks: dict[tuple[Any, ...], tuple[float, Screen]] = {}
        self.screens: list[Screen] = []  # every screen laid out and measured, in order
        self.outlines: dict[tuple[Any, ...], float | None] = {}  # (icon, colour behind, box, outline) -> share
        self.smallest = 1.0  # the smallest text size of the flow being laid out

    # ---- walking the screens ---------------------------------------------------------------------------------
    def run(self, flow: Flow, theme: Theme, scales: list[float], languages: list[str]) -> None:
        session = Session(flow, clock=lambda: FIXED_TIME, catalogs=self.catalogs)
        self.app.load(flow, session, theme=theme)
        scales = sorted(set(scales))
        self.smallest = scales[0]
        for step in flow.steps:
            for language in languages:
                for scale in scales:
                    ends = scale in (scales[0], scales[-1])
                    # The ➕ and 📐 buttons reach every preset at every size, on every state of the screen: each
                    # tilted view is laid out like the upright one (the overlays, whose boxes do not change with
                    # the text size, at both ends). Pixels are read upright, at the smallest size.
                    for preset in PRESET_ORDER:
                        for state in _states(flow, step, overlays=ends):
                            screen = Screen(step.id, language, scale, state, preset)
                            show = self.present(session, step, screen)
                            self.measure(flow, theme, step, show, screen,
                                         pixels=preset == STANDARD and scale == scales[0] and not state)
            # The kiosk collects the screens it threw away on its clock, which the audit does not tick.
            gc.collect()

    def present(self, session: Session, step: Step, screen: Screen) -> ShowStep:
        """Show the step with sample answers on the way to it, at the screen's language and text size."""
        session.tickets = TicketCounter()  # every hand-off screen shows the same ticket number
        session.preferences = {"text_scale": screen.scale, "display_language": screen.language,
                               "view_preset": screen.preset}
        effects: list[Effect] = session.jump_to(step.id)
        if screen.state == STATE_ERROR:
            if step.kind == "signature":  # the pad's refusal, with its spoken reason
                effects = session.handle(Event("signed", "too_small"))
            elif step.kind in HARDWARE_KINDS:
                effects = session.handle(Event("device_failed"))
            elif step.error is not None:
                effects = session._input_error(step.error, "")  # noqa: SLF001 - the message a wrong entry shows
        show = next(e for e in effects if isinstance(e, ShowStep))
        self.app.apply([show])
        if session.s.ticket is not None:
            self.app.view.set_ticket(session.s.ticket)
        if screen.state == STATE_HELP:
            self.app.apply([e for e in session.handle(Event("help")) if isinstance(e, ShowHelp)])
        elif screen.state == STATE_WARNING:
            ticked = session.handle(Event("tick", session.step_timeout()))
            self.app.apply([e for e in ticked if isinstance(e, WarnTimeout)])
        elif screen.state == STATE_CHANGE:
            summary = _summary_of(session.flow, step)
            assert summary is not None
            session.jump_to(summary.id)
            changed = [e for e in session.handle(Event("change", step.id)) if isinstance(e, ShowStep)]
            if changed:  # a row the sample answers put on the summary: the question with its 取消修改
                show = changed[-1]
                self.app.apply([show])
        _settle()
        return show

    # ---- measuring one screen --------------------------------------------------------------------------------
    def measure(self, flow: Flow, theme: Theme, step: Step, show: ShowStep, screen: Screen, pixels: bool) -> None:
        from .widgets import FitLabel, IconView, PressPanel

        self.screens.append(screen)
        view = self.app.view
        scope = view.overlay if view.overlay is not None else view  # an overlay hides the step beneath it
        widgets = list(scope.walk(restrict=True))
        labels = [w for w in widgets if isinstance(w, FitLabel) and w.text.strip()]
        targets = {w.target_id: w for w in widgets if isinstance(w, PressPanel) and w.target_id}
        title = self.catalogs.translate(flow.title, screen.language) if self.catalogs else flow.title.value
        context = _Context(flow, step, show, screen, theme, self._flow_words(flow, screen.language), title)
        measured: list[tuple[Any, _Words]] = []
        for label in labels:
            alpha, inactive = _visibility(label)
            if alpha * float(label.color[3]) <= 0:
                continue
            words = _words_of(label, context, self.dp(label.base_size))
            self.text_fits(label, words, screen)
            self.word_breaks(label, words, theme, screen)
            self.text_size(label, words, theme, screen)
            self.glyph_height(label, words, theme, screen)
            self.never_smaller(label, words, theme, screen, flow)
            # WCAG 1.4.3/1.4.6: text of an inactive control (the faded Back on a first step) has no contrast minimum.
            if not inactive and self.contrast(label, words, theme, step, screen):
                measured.append((label, words))
        # Targets are held to their size upright: tilted, the keystone's narrow edge is smaller on the glass (the
        # keypad at text x2.0 in the wheelchair view is 73 dp; see the report of issue 12).
        for target_id, widget in targets.items() if screen.preset == STANDARD else ():
            if _visibility(widget)[0] > 0:
                self.target(target_id, widget, theme, step, screen)
        if step.kind == "choice" and not screen.state:
            self.choice_tiles(step, targets, screen)
        # Pixels are read upright at the smallest size (colours change with neither): every state for the icons,
        # the step as shown for the labels.
        image = self.draw() if screen.preset == STANDARD and screen.scale == self.smallest else None
        if image is not None:
            for icon in widgets:
                if isinstance(icon, IconView) and icon.icon and icon.texture is not None:
                    alpha, inactive = _visibility(icon)
                    if alpha > 0 and not inactive:
                        self.icon_contrast(icon, image, theme, step, screen)
        if view.overlay is not None:
            self.overlay_clear(flow, step, view, screen)
        if screen.state == STATE_WARNING and "overlay:more_time" not in targets:
            self.add(Finding("SM111", flow.timeout.location or flow.location, "more_time",
                             "the time-out warning offers no button for more time", screen, 0.0,
                             "WCAG 2.2.1: the applicant can extend the time, at least 10 times"), "overlay:more_time")
        if pixels and image is not None:
            self.drawn_contrast(measured, image, theme, step, screen)

    def _flow_words(self, flow: Flow, language: str) -> frozenset[str]:
        """Every string of the flow's YAML as the screen shows it in `language`."""
        key = (flow.id, language)
        if key not in self.words:
            tr = self.catalogs.translate if self.catalogs is not None else (lambda text, _: text.value)
            self.words[key] = frozenset(tr(text, language) for text in flow.texts())
        return self.words[key]

    def text_fits(self, label: Any, words: _Words, screen: Screen) -> None:
        tw, th = label.texture_size
        hint = "shorten the text, or split the step in two" if words.own else \
            f"the kiosk's own words do not fit at this theme's '{words.role or 'body'}' size"
        if label.overflowed or tw > label.width + 0.5 or th > label.height + 0.5:
            self.add(Finding("SM506", words.where, f"fit:{words.key}",
                             f"{words.said} does not fit its box even at {_dp(self.dp(label.font_size))} dp: the text "
                             f"needs {tw:.0f}×{th:.0f} px, the box is {label.width:.0f}×{label.height:.0f} px", screen,
                             screen.scale, hint), label.text)
        off = self.off_screen(label)
        if off:
            self.add(Finding("SM506", words.where, f"off:{words.key}", f"{words.said} is off the screen: {off}",
                             screen, screen.scale, hint), label.text)

    def text_size(self, label: Any, words: _Words, theme: Theme, screen: Screen) -> None:
        drawn, base = self.dp(label.font_size), self.dp(label.base_size)
        sized = f"sizes.{words.role or 'body'}"
        if drawn < MIN_BODY_DP - 0.01:
            by_theme = base < MIN_BODY_DP - 0.01 or not words.own
            self.add(Finding("SM502", theme.location(sized) if by_theme else words.where,
                             f"size:{sized}" if by_theme else f"size:{words.key}",
                             f"{words.said} is drawn at {_dp(drawn)} dp ({words.role_words}), needs at least "
                             f"{_dp(MIN_BODY_DP)} dp", screen, drawn,
                             "MIIT elder mode: no text below 18 dp" if by_theme
                             else "shorten the text: it was shrunk to fit its box"), label.text)
        largest = min(theme.largest_text_scale, LARGEST_TEXT_SCALE)  # the kiosk draws nothing bigger
        if words.role == "body" and screen.scale >= largest - 1e-9 and drawn < MIN_LARGEST_BODY_DP - 0.01:
            by_theme = base < MIN_LARGEST_BODY_DP - 0.01 or not words.own
            self.add(Finding("SM502", theme.location("sizes.body") if by_theme else words.where,
                             "largest:body" if by_theme else f"largest:{words.key}",
                             f"{words.said} is {_dp(drawn)} dp at the largest text size (×{screen.scale:.1f}), needs "
                             f"at least {_dp(MIN_LARGEST_BODY_DP)} dp", screen, drawn,
                             "MIIT: body text at the largest setting at least 30 dp"), label.text)
        lines, pitch = self.glyphs.lines(label)
        if lines >= 2 and label.font_size > 0:
            spacing = pitch / float(label.font_size)
            if spacing < MIN_LINE_SPACING - 0.005:
                self.add(Finding("SM502", theme.location("line_spacing"), "line_spacing",
                                 f"{words.said} has {lines} lines {pitch:.0f} px apart at {label.font_size:.0f} px: "
                                 f"line spacing {math.floor(spacing * 100) / 100:g}, needs {MIN_LINE_SPACING:g}",
                                 screen, spacing, "MIIT: line spacing at least 1.3 times the text size"), label.text)

    def glyph_height(self, label: Any, words: _Words, theme: Theme, screen: Screen) -> None:
        base = self.dp(label.base_size)
        if base < theme.font_size("body", screen.scale) - 0.5:
            return  # strip and small text: smaller than the body by design, held to 18 dp (SM502)
        glyph = GLYPH_CJK if screen.language in CJK_LOCALES else GLYPH_LATIN
        stretch = _stretch(label)
        ink = self.glyphs.ink(glyph, label.font_name, float(label.font_size)) * stretch
        mm = theme.dp_to_mm(self.dp(ink))
        if mm >= MIN_GLYPH_MM:
            return
        sized = f"sizes.{words.role or 'body'}"
        at_base = theme.dp_to_mm(self.dp(self.glyphs.ink(glyph, label.font_name, float(label.base_size)) * stretch))
        by_theme = at_base < MIN_GLYPH_MM or not words.own
        drawn = f", drawn ×{stretch:.2f} by the view" if abs(stretch - 1) > 0.005 else ""
        self.add(Finding("SM507", theme.location(sized) if by_theme else words.where,
                         f"glyph:{sized}" if by_theme else f"glyph:{words.key}",
                         f"{words.said}: {glyph} is {_mm(mm)} mm high ({ink:.0f} px of ink at "
                         f"{_dp(self.dp(label.font_size))} dp{drawn}, {theme.screen_dpi:g} dpi), needs "
                         f"{MIN_GLYPH_MM:g} mm", screen, mm, "ADA 707.7.2: characters at least 4.8 mm high" if by_theme
                         else "shorten the text: it was shrunk to fit its box"), label.text)

    def word_breaks(self, label: Any, words: _Words, theme: Theme, screen: Screen) -> None:
        """A word split across two lines ("港澳签注续/签"): the label could not keep its words whole even shrunk."""
        if not label.broke_word:
            return
        lines = _drawn_lines(label)
        self.add(Finding("SM510", words.where, f"break:{words.key}",
                         f"{words.said} is broken inside a word (“{shorten(lines, 40)}”) even at "
                         f"{_dp(self.dp(label.font_size))} dp: a run of characters with no break mark is one word",
                         screen, screen.scale,
                         "mark where a line may end with '|' (港澳签注|续签), in the flow and in each .po"
                         if words.own else "the kiosk's own words do not fit at this theme's size"), label.text)

    def never_smaller(self, label: Any, words: _Words, theme: Theme, screen: Screen, flow: Flow) -> None:
        """A larger text setting never draws a label's characters smaller on the glass (in the same view).

        The screens of a step come at rising sizes: each label is compared with itself at the last smaller size.
        (A tilted view is not compared with upright: a keystone draws its narrow edge smaller, which SM507 holds to
        4.8 mm.)
        """
        glyph = GLYPH_CJK if screen.language in CJK_LOCALES else GLYPH_LATIN
        ink = self.glyphs.ink(glyph, label.font_name, float(label.font_size)) * _stretch(label)
        press = _press_of(label)
        ident = (flow.id, screen.step, screen.language, screen.state, screen.preset,
                 press.target_id if press is not None else "", label.text)
        before = self.inks.get(ident)
        self.inks[ident] = (ink, screen)
        if before is None or before[1].scale >= screen.scale or ink >= before[0] - SHRINK_PX:
            return
        sized = f"sizes.{words.role or 'body'}"
        # Shrunk by its box's height with room to spare across: shorter words would not help, the theme's size is
        # more than the screen has room for (a title of 60 dp). Shrunk across: the words are too long for the box.
        by_theme = not words.own or _widest_line(label) < label.width - 8 * self.density - label.font_size
        self.add(Finding("SM511", theme.location(sized) if by_theme else words.where,
                         f"smaller:{sized}" if by_theme else f"smaller:{words.key}",
                         f"{words.said} is drawn smaller at text ×{screen.scale:.1f} than at ×{before[1].scale:.1f}: "
                         f"{glyph} is {ink:.0f} px of ink, was {before[0]:.0f} px", screen, ink - before[0],
                         "a larger setting must never draw smaller text: shorten the text so that it fits"
                         if not by_theme else f"the screen has less room than '{sized}' asks for: make it smaller"),
                 label.text)

    def overlay_clear(self, flow: Flow, step: Step, view: Any, screen: Screen) -> None:
        """An overlay (the time-out warning, the help) covers only the step: never the bars, the dots, the buttons."""
        from .widgets import FitLabel, PressPanel, StepDots

        overlay = view.overlay
        # What it covers by design: itself and the step between the bars.
        mine = set(overlay.walk(restrict=True)) | (set(view._body.walk(restrict=True)) if view._body else set())  # noqa: SLF001
        x0, y0, x1, y1 = overlay.drawn_box()
        where = (flow.timeout.location or flow.location) if screen.state == STATE_WARNING else \
            (step.help.location if step.help is not None and step.help.location else step.location)
        for widget in view.walk(restrict=True):
            if widget in mine or not isinstance(widget, PressPanel | StepDots | FitLabel) or \
                    (isinstance(widget, FitLabel) and not widget.text.strip()) or _visibility(widget)[0] <= 0:
                continue
            box = widget.drawn_box() if isinstance(widget, PressPanel) else \
                (*widget.to_window(*widget.pos), *widget.to_window(widget.right, widget.top))
            across = min(x1, box[2]) - max(x0, box[0])
            up = min(y1, box[3]) - max(y0, box[1])
            if across > SLACK_PX and up > SLACK_PX:
                name = f"'{widget.target_id}'" if isinstance(widget, PressPanel) else \
                    "the step dots" if isinstance(widget, StepDots) else f"“{shorten(widget.text, 20)}”"
                self.add(Finding("SM512", where, f"overlay:{screen.state}",
                                 f"the {screen.state} is drawn over {name} by {across:.0f}×{up:.0f} px", screen,
                                 -across * up, "an overlay covers the step, never its bars"), name)

    def contrast(self, label: Any, words: _Words, theme: Theme, step: Step, screen: Screen) -> bool:
        """Text colour against the colours it is drawn on (the panels behind it over the window); True if enough."""
        from .fonts import FONT_BOLD

        alpha = _visibility(label)[0] * float(label.color[3])
        behind = self.behind(label)
        text = _rgb(label.color)
        ratio = contrast_ratio(_blend(text, behind, alpha), behind)
        bold = label.font_name == FONT_BOLD
        size = self.dp(label.font_size)
        needed = required_contrast(theme, size, bold)
        if ratio >= needed:
            return True
        fg, bg = _colour_key(theme, text, FG_KEYS), _colour_key(theme, behind, BG_KEYS)
        self.add(Finding("SM501", theme.location(f"colours.{fg}") if fg else step.location,
                         f"contrast:{fg or to_hex(text)}:{bg or to_hex(behind)}:{needed:g}",
                         f"{words.said} {to_hex(text)} on {to_hex(behind)} has contrast {_ratio(ratio)}:1, needs "
                         f"{needed:g}:1", screen, ratio, _contrast_hint(fg, bg, text, behind, size, bold, needed)),
                 label.text)
        return False

    def drawn_contrast(self, labels: list[tuple[Any, _Words]], image: Any, theme: Theme, step: Step,
                       screen: Screen) -> None:
        """Contrast measured again on the drawn pixels: the most common other colour in each label's box.

        Catches what the panels do not tell (something drawn over a label, a colour the kiosk's code hard-codes);
        labels that already failed on their panels' colours are not reported twice.
        """
        from .fonts import FONT_BOLD

        height = image.height
        for label, words in labels:
            alpha = _visibility(label)[0] * float(label.color[3])
            if label.width < 4 or label.height < 4:
                continue
            x0, y0 = label.to_window(*label.pos)
            x1, y1 = label.to_window(label.right, label.top)
            box = (max(0, math.ceil(x0) + 1), max(0, math.ceil(height - y1) + 1),
                   min(image.width, math.floor(x1) - 1), min(height, math.floor(height - y0) - 1))
            if box[2] - box[0] < 2 or box[3] - box[1] < 2:
                continue
            crop = image.crop(box)
            text = _rgb(label.color)
            behind = _background(crop.getcolors(maxcolors=crop.width * crop.height) or [], text)
            if behind is None:
                continue
            ratio = contrast_ratio(_blend(text, behind, alpha), behind)
            size = self.dp(label.font_size)
            bold = label.font_name == FONT_BOLD
            needed = required_contrast(theme, size, bold)
            if ratio >= needed:
                continue
            fg, bg = _colour_key(theme, text, FG_KEYS), _colour_key(theme, behind, BG_KEYS)
            self.add(Finding("SM501", theme.location(f"colours.{fg}") if fg else step.location,
                             f"drawn:{fg or to_hex(text)}:{to_hex(behind)}:{needed:g}",
                             f"{words.said} {to_hex(text)} has contrast {_ratio(ratio)}:1 against {to_hex(behind)} "
                             f"measured on the drawn screen, needs {needed:g}:1", screen, ratio,
                             _contrast_hint(fg, bg, text, behind, size, bold, needed)), label.text)

    def target(self, target_id: str, widget: Any, theme: Theme, step: Step, screen: Screen) -> None:
        width, height = self.dp(widget.width), self.dp(widget.height)
        side = min(width, height)
        mm = theme.dp_to_mm(side)
        need_mm = max(theme.min_target_mm, MIN_TARGET_MM)
        kind, _, value = target_id.partition(":")
        choice = step.choice(value) if kind == "choice" else None
        if side < MIN_TARGET_DP - 0.01 or mm < need_mm - 0.005:
            theme_short = theme.min_target_dp < MIN_TARGET_DP or theme.dp_to_mm(theme.min_target_dp) < need_mm
            # No bigger than the theme's own target (which grows with the text): the theme's number is the cause.
            as_theme_says = side <= theme.min_target_dp * screen.scale + 0.5
            if theme_short and as_theme_says:
                where, subject = theme.location("min_target_dp"), "target:theme"
                hint = f"use at least {math.ceil(max(MIN_TARGET_DP, theme.mm_to_dp(need_mm)))} dp on this screen"
            elif choice is not None:
                where, subject, hint = choice.location, f"target:{target_id}", "fewer choices make bigger tiles"
            else:
                where, subject = step.location, f"target:{kind}"
                hint = "at this text size the kiosk leaves it too little room on this screen"
            self.add(Finding("SM503", where, subject,
                             f"touch target '{target_id}' is {width:.0f}×{height:.0f} dp ({mm:.1f} mm at "
                             f"{theme.screen_dpi:g} dpi), needs {MIN_TARGET_DP:g} dp and {need_mm:g} mm", screen,
                             side, hint), target_id)
        off = self.off_screen(widget)
        if off:
            where = choice.location if choice is not None else step.location
            self.add(Finding("SM506", where, f"off:{target_id}", f"touch target '{target_id}' is off the screen: {off}",
                             screen, screen.scale, "give the screen fewer things"), target_id)

    def icon_contrast(self, icon: Any, image: Any, theme: Theme, step: Step, screen: Screen) -> None:
        """WCAG 1.4.11 on the drawn icon: its outline against the colour behind it (kivy_ui/icon_contrast.py)."""
        behind = self.behind(icon)
        margin = icon.outline_width + BAND + 1
        x0, y0 = icon.to_window(icon.x - margin, icon.y - margin)
        x1, y1 = icon.to_window(icon.right + margin, icon.top + margin)
        box = (max(0, math.floor(x0)), max(0, math.floor(image.height - y1)),
               min(image.width, math.ceil(x1)), min(image.height, math.ceil(image.height - y0)))
        key = (icon.icon, behind, box[2] - box[0], box[3] - box[1], tuple(icon.outline), float(icon.outline_width))
        if key not in self.outlines:  # the same icon on the same button is drawn alike on every screen
            self.outlines[key] = outline_share(image.crop(box), behind) if box[2] > box[0] and box[3] > box[1] \
                else None
        share = self.outlines[key]
        if share is None or share >= MIN_OUTLINE_SHARE:
            return
        press = _press_of(icon)
        target = press.target_id if press is not None else ""
        kind, _, value = target.partition(":")
        name = next((n for n, e in theme.icons.items() if e == icon.icon), "fallback")
        choice = (step.choice(value) or step.hard_tile(value)) if kind == "choice" else None
        if choice is not None:
            where, what = choice.icon_location or choice.location, f"choice '{choice.id}''s icon '{choice.icon}'"
            hint = "choose an icon whose outline stands out from its tile (docs/icons.md)"
        elif press is None and step.icon and icon.icon == theme.icon(step.icon):
            where, what = step.icon_location or step.location, f"the step's icon '{step.icon}'"
            hint = "choose an icon whose outline stands out from the screen's background (docs/icons.md)"
        else:
            where, what = theme.location(f"icons.{name}"), f"the '{target or 'screen'}' icon '{name}'"
            hint = "the kiosk's own icon: choose an emoji whose outline stands out, or change the colour behind it"
        if theme.icon_outline < DEFAULT_ICON_OUTLINE:  # the kiosk's outline would have made it stand out
            where = theme.location("icon_outline")
            hint = f"draw the icons with an outline: 'icon_outline: {DEFAULT_ICON_OUTLINE:g}' (dp, in the colour of " \
                   "the words beside them)"
        bg = _colour_key(theme, behind, BG_KEYS)
        on = f"{to_hex(behind)} ('{bg}')" if bg else to_hex(behind)
        self.add(Finding("SM513", where, f"icon:{name}:{to_hex(behind)}",
                         f"{what} {icon.icon} on {on}: {share:.0%} of its outline has {MIN_ICON_CONTRAST:g}:1 against "
                         f"it, needs {MIN_OUTLINE_SHARE:.0%} (measured on the drawn screen)", screen, share,
                         f"WCAG 1.4.11: {hint}"), f"{name}@{target}")

    def choice_tiles(self, step: Step, targets: dict[str, Any], screen: Screen) -> None:
        """Every choice on the glass with an icon drawn and words: never colour alone."""
        from .widgets import FitLabel, IconView

        for choice in step.choices:
            tile = targets.get(f"choice:{choice.id}")
            if tile is None:
                self.add(Finding("SM508", choice.location, f"tile:{choice.id}",
                                 f"choice '{choice.id}' has no tile on the screen", screen, 0.0), choice.id)
                continue
            parts = list(tile.walk(restrict=True))
            icon = any(isinstance(w, IconView) and w.icon and w.texture is not None for w in parts)
            words = any(isinstance(w, FitLabel) and w.text.strip() for w in parts)
            if not (icon and words):
                drawn = "neither an icon nor words" if not (icon or words) else "no icon, only words" if not icon \
                    else "an icon but no words"
                self.add(Finding("SM508", choice.location, f"tile:{choice.id}",
                                 f"choice '{choice.id}' is drawn with {drawn}", screen, 0.0,
                                 "give every choice an icon and words: never colour alone"), choice.id)

    # ---- measuring tools -------------------------------------------------------------------------------------
    def dp(self, px: float) -> float:
        return float(px) / self.density

    def behind(self, widget: Any) -> RGB:
        """The colour drawn behind a widget: the panels it sits in, over the window's clear colour."""
        from kivy.uix.widget import Widget

        from .widgets import Panel

        layers: list[Sequence[float]] = []
        node = widget.parent
        while isinstance(node, Widget):
            if isinstance(node, Panel) and node.background[3] > 0:
                layers.append(node.background)
                if node.background[3] >= 1:
                    break
            node = node.parent
        colour = _rgb(self.window.clearcolor)
        for rgba in reversed(layers):
            colour = _blend(_rgb(rgba), colour, float(rgba[3]))
        return colour

    def off_screen(self, widget: Any) -> str:
        x0, y0 = widget.to_window(*widget.pos)
        x1, y1 = widget.to_window(widget.right, widget.top)
        width, height = self.window.size
        if x0 < -SLACK_PX or y0 < -SLACK_PX or x1 > width + SLACK_PX or y1 > height + SLACK_PX:
            return f"({x0:.0f}, {y0:.0f})–({x1:.0f}, {y1:.0f}) px on a {width}×{height} px screen"
        return ""

    def draw(self) -> Any:
        """The screen drawn into the back buffer and read back (no flip: nothing needs to reach the glass)."""
        try:
            from PIL import Image
        except ImportError:  # Pillow is a test extra: without it only the laid-out colours are measured
            return None
        from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

        self.window.dispatch("on_draw")
        width, height = (int(v) for v in self.window.size)
        data = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
        image = Image.frombytes("RGBA", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return image.convert("RGB")

    def add(self, finding: Finding, item: str) -> None:
        key = (finding.code, finding.location, finding.subject)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(finding)
        elif finding.rank < group.worst.rank:
            group.worst = finding
        group.screens[finding.screen] = None
        group.items[item] = None

    def problems(self) -> list[Problem]:
        """One problem per group: the worst case, where it was seen, and how much else fails the same way."""
        out = []
        for group in self.groups.values():
            f, items, screens = group.worst, len(group.items), len(group.screens)
            message = f"{f.screen}: {f.detail}"
            more = [f"{items - 1} more like it"] if items > 1 else []
            more += [f"on {screens} screens"] if screens > 1 else []
            if more:
                message += f" ({'; '.join(more)})"
            out.append(Problem(f.code, message, f.location, severity=f.severity, hint=f.hint))
        return out


class _GlyphMeter:
    """Ink heights and line pitches of the kiosk's fonts, measured on textures Kivy renders, cached."""

    def __init__(self) -> None:
        self._ink: dict[tuple[str, str, float], int] = {}
        self._pitch: dict[tuple[str, float, float], tuple[float, float]] = {}

    def ink(self, glyph: str, font_name: str, font_px: float) -> int:
        """Rows of a texture where `glyph` at `font_px` covers at least half a pixel: its real height in px."""
        key = (glyph, font_name, round(font_px, 2))
        if key not in self._ink:
            texture = _render(glyph, font_name, font_px, 1.0)
            width, height = texture.size
            alpha = texture.pixels[3::4]
            rows = [y for y in range(height) if max(alpha[y * width:(y + 1) * width], default=0) >= INK_ALPHA]
            self._ink[key] = rows[-1] - rows[0] + 1 if rows else 0
        return self._ink[key]

    def lines(self, label: Any) -> tuple[int, float]:
        """How many lines a label is drawn in, and the distance in px from one line to the next."""
        key = (label.font_name, round(float(label.font_size), 2), round(float(label.line_height), 3))
        if key not in self._pitch:
            one = _render(GLYPH_CJK, key[0], key[1], key[2]).size[1]
            two = _render(f"{GLYPH_CJK}\n{GLYPH_CJK}", key[0], key[1], key[2]).size[1]
            self._pitch[key] = (float(one), float(two - one))
        one, pitch = self._pitch[key]
        if pitch <= 0:
            return 1, 0.0
        return 1 + max(0, round((float(label.texture_size[1]) - one) / pitch)), pitch


def _stretch(widget: Any) -> float:
    """How much the viewing-angle transform between the widget and the glass lengthens it: the least, over its box."""
    least = 1.0e9
    for x, y in ((widget.x, widget.y), (widget.right, widget.y), (widget.x, widget.top), (widget.right, widget.top)):
        px, py = widget.to_window(x, y)
        vx, vy = widget.to_window(x, y + 1.0)
        hx, hy = widget.to_window(x + 1.0, y)
        least = min(least, math.hypot(vx - px, vy - py), math.hypot(hx - px, hy - py))
    return least


def _widest_line(label: Any) -> float:
    """The width in px of the label's longest drawn line (its texture is as wide as its box)."""
    return max((float(line.w) for line in getattr(label._label, "_cached_lines", [])), default=0.0)


def _drawn_lines(label: Any) -> str:
    """The label's text as drawn, a line to a part: where Kivy ended each line."""
    return " / ".join("".join(word.text for word in line.words) for line in getattr(label._label, "_cached_lines", []))


def _render(text: str, font_name: str, font_px: float, line_height: float) -> Any:
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text=text, font_name=font_name, font_size=font_px, line_height=line_height)
    label.refresh()
    return label.texture


def _states(flow: Flow, step: Step, overlays: bool = True) -> list[str]:
    """The screens of a step: as shown, with its error message, its help, and (on the first step) the warning.

    The help and the warning are panels of a fixed share of the window over the step: their boxes do not change
    with the text size, so their smallest text is at the smallest size and their tightest fit at the largest, and
    `overlays` is only asked for at those two.
    """
    states = [""]
    if step.kind in HARDWARE_KINDS or (step.kind in ("number", "text") and step.error is not None):
        states.append(STATE_ERROR)
    if not overlays:
        return states
    if _summary_of(flow, step) is not None:
        states.append(STATE_CHANGE)
    if step.help is not None or step is flow.first:
        states.append(STATE_HELP)
    if step is flow.first:
        states.append(STATE_WARNING)
    return states


def _summary_of(flow: Flow, step: Step) -> Step | None:
    """The summary whose 修改 link opens this step (its `show:` list, or every question before it), or None."""
    for summary in flow.steps:
        if summary.kind != "summary":
            continue
        if step.id in summary.show or (not summary.show and step.is_question and step.kind != "confirm"):
            return summary
    return None


@dataclass(frozen=True)
class _Context:
    flow: Flow
    step: Step
    show: ShowStep
    screen: Screen
    theme: Theme
    flow_words: frozenset[str]  # every string of the flow's YAML as shown in the screen's language
    title: str  # the flow's title as shown


@dataclass(frozen=True)
class _Words:
    """Where a label's words come from, for messages and for the line a problem points at."""

    said: str  # how messages name the label
    where: Location  # the YAML line of its words; for the kiosk's own words, the theme size they are drawn at
    key: str  # what groups its problems: its text, or its size for the kiosk's own words
    role: str | None  # the theme's text size it was given (body, title, ...)
    own: bool  # words written in the flow's YAML, not the kiosk's own

    @property
    def role_words(self) -> str:
        return ROLE_WORDS.get(self.role or "", "text")


def _words_of(label: Any, c: _Context, base_dp: float) -> _Words:
    """Name a label and find the YAML line its words come from: a choice, the step, a summarised step, the
    flow's title, or (for the kiosk's own words: its buttons, the step strip) the theme size they are drawn at."""
    text, quoted = label.text, f"“{shorten(label.text, 40)}”"
    press = _press_of(label)
    where, own = c.step.location, text in c.flow_words
    if press is not None:
        kind, _, value = press.target_id.partition(":")
        prefer: tuple[str, ...] = ("tile_text",) if kind == "choice" else ("title", "button_text") \
            if kind == "key" else ("button_text", "title")
        choice = c.step.choice(value) if kind == "choice" else None
        if choice is not None:
            said, where, own = f"choice '{choice.id}' {quoted}", choice.location, True
        else:
            said = f"the '{press.target_id}' button {quoted}"
    elif c.screen.state in (STATE_HELP, STATE_WARNING):
        said, prefer = f"the {c.screen.state} {quoted}", ("title", "body")
    elif text == c.show.text:
        said, prefer = f"the step's title {quoted}", ("title",)
    elif c.screen.state == STATE_ERROR and c.show.error and text == c.show.error and c.step.error is not None:
        said, prefer, where = f"the error message {quoted}", ("body",), c.step.error.location
    elif text == c.show.strip_label:
        said, prefer, own = f"the step strip {quoted}", ("strip_text",), False
    elif own and text == c.title:
        said, prefer, where = f"the flow's title {quoted}", ("strip_text",), c.flow.title.location
    else:
        row = _summary_row(label)
        if row and c.flow.has_step(row):
            said, prefer, where, own = f"the summary row of '{row}' {quoted}", ("body",), c.flow.step(row).location, \
                True
        else:
            said, prefer = quoted, ("body", "title")
    role = _role(c.theme, c.screen.scale, base_dp, prefer)
    if not own:
        return _Words(said, c.theme.location(f"sizes.{role or 'body'}"), f"kiosk:{role}", role, False)
    return _Words(said, where, text, role, True)


def _press_of(label: Any) -> Any:
    """The button a label is on, or None."""
    from kivy.uix.widget import Widget

    from .widgets import PressPanel

    node = label.parent
    while isinstance(node, Widget) and not isinstance(node, PressPanel):
        node = node.parent  # up to the window, whose parent is itself
    return node if isinstance(node, PressPanel) else None


def _summary_row(label: Any) -> str:
    """The step a summary row is about, from the row's change link."""
    from .widgets import PressPanel

    row = label.parent
    for sibling in getattr(row, "children", []):
        if isinstance(sibling, PressPanel) and sibling.target_id.startswith("change:"):
            return str(sibling.target_id.partition(":")[2])
    return ""


def _role(theme: Theme, scale: float, base_dp: float, prefer: Sequence[str] = ()) -> str | None:
    """Which of the theme's text sizes a label was given (body, title, ...), from its size before fitting; where two
    sizes are equal, the one the kiosk uses for such a label."""
    for role in (*prefer, *SIZE_ROLES):
        if abs(theme.font_size(role, scale) - base_dp) < 0.51:
            return role
    return None


def _colour_key(theme: Theme, rgb: RGB, preferred: Sequence[str]) -> str | None:
    from ..core.theme import COLOUR_NAMES

    for name in (*preferred, *COLOUR_NAMES):
        if theme.colours.get(name) == rgb:
            return name
    return None


def _contrast_hint(fg: str | None, bg: str | None, text: RGB, behind: RGB, size: float, bold: bool,
                   needed: float) -> str:
    fg_name, bg_name = f"'{fg}'" if fg else to_hex(text), f"'{bg}'" if bg else to_hex(behind)
    lighter = relative_luminance(text) > relative_luminance(behind)
    move = f"make {fg_name} lighter or {bg_name} darker" if lighter else f"make {fg_name} darker or {bg_name} lighter"
    return f"{move}: {_dp(size)} dp{' bold' if bold else ''} text needs {needed:g}:1"


def _ratio(value: float) -> str:
    """Rounded down, so 6.999:1 never prints as a passing 7:1."""
    return f"{math.floor(value * 100) / 100:.2f}".rstrip("0").rstrip(".")


def _dp(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _mm(value: float) -> str:
    return f"{math.floor(value * 100) / 100:.2f}".rstrip("0").rstrip(".")


__all__ = ["Finding", "Screen", "audit_layout"]
