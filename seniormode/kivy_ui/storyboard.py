"""The storyboard: every step of a flow drawn by the real kiosk, at each text size and language, plus a tilted view.

UX staff review a flow change on one static page (`index.html`): a row per step with its words, what is
spoken, a picture per language and text scale, and warnings where text does not fit even at its smallest size
or lacks contrast, both as the theme declares it (SM501) and as measured on the picture.

It works on an app that is already running (`pilot.run_headless(app)`): Kivy opens one window per process.
Nothing Kivy is imported until `render_storyboard` runs, so importing this module opens no window.
"""

from __future__ import annotations

import datetime
import html
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.effects import ShowStep, Speak
from ..core.events import Event
from ..core.flow import Flow
from ..core.i18n import Catalogs
from ..core.problems import Problem, Problems, shorten
from ..core.session import Session, TicketCounter
from ..core.theme import CONTRAST_PAIRS, RGB, Theme, check_theme, contrast_ratio, to_hex

if TYPE_CHECKING:
    from .app import KioskApp

STANDARD_PRESET = "standard"
FIXED_TIME = datetime.datetime(2025, 3, 4, 10, 0)  # a Tuesday morning: rules on the hour see the same day every run
FRAMES = 3  # frames to let Kivy lay out, fit the labels and draw
# WCAG "large text" as this project counts it: at least 24 px bold or 31 px regular.
LARGE_BOLD_PX = 24.0
LARGE_PX = 31.0
SAME_COLOUR = 3  # channel distance under which a pixel counts as the text colour itself (rounding, blending)


@dataclass(frozen=True)
class ShotWarning:
    kind: str  # "overflow" (text too big even at its minimum size), "contrast" (measured), "theme_contrast" (SM501)
    message: str
    text: str = ""
    ratio: float | None = None
    required: float | None = None


@dataclass
class Shot:
    flow: str
    step: str
    step_kind: str
    screen_text: str
    spoken: str
    language: str
    scale: float
    tilted: bool
    file: Path
    view_preset: str = STANDARD_PRESET
    voice_language: str = ""
    tiles: tuple[str, ...] = ()
    ticket: str = ""  # the queue number on a hand-off screen
    words: tuple[str, ...] = ()  # every text drawn on the screen, top to bottom
    warnings: list[ShotWarning] = field(default_factory=list)

    def caption(self) -> str:
        text = f"{self.language} · ×{self.scale}"
        return f"{text} · {self.view_preset}" if self.tilted else text


@dataclass
class StoryboardReport:
    out: Path
    index: Path
    shots: list[Shot]
    theme_warnings: list[str] = field(default_factory=list)  # SM501 problems of the theme, as printed by `lint`
    seconds: float = 0.0

    @property
    def warnings(self) -> list[tuple[Shot, ShotWarning]]:
        return [(shot, w) for shot in self.shots for w in shot.warnings]

    @property
    def totals(self) -> dict[str, int]:
        counts = {"flows": len({s.flow for s in self.shots}), "steps": len({(s.flow, s.step) for s in self.shots}),
                  "shots": len(self.shots), "warnings": len(self.warnings),
                  "theme_warnings": len(self.theme_warnings)}
        for kind in ("overflow", "contrast", "theme_contrast"):
            counts[kind] = sum(1 for _, w in self.warnings if w.kind == kind)
        return counts


def render_storyboard(app: KioskApp, flows: list[Flow], out: Path, scales: Sequence[float] = (1.0, 1.4, 2.0),
                      languages: Sequence[str] = ("zh_Hans_CN",), tilt_preset: str = "wheelchair",
                      catalogs: Catalogs | None = None) -> StoryboardReport:
    """Draw every step of `flows` in the running `app`; write the PNGs and `out/index.html`."""
    from .pilot import Pilot

    if not languages or not scales:
        raise ValueError("a storyboard needs at least one language and one text scale")
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pilot = Pilot(app)
    theme = app.theme
    problems = Problems()
    check_theme(theme, problems)
    sm501 = [p for p in problems.sorted() if p.code == "SM501"]
    shots: list[Shot] = []
    for flow in flows:
        app.load(flow, Session(flow, clock=lambda: FIXED_TIME, catalogs=catalogs or app.session.catalogs))
        for step in flow.steps:
            for language in languages:
                for scale in scales:
                    shots.append(_take(app, pilot, flow, step.id, out, language, float(scale), STANDARD_PRESET,
                                       sm501))
            shots.append(_take(app, pilot, flow, step.id, out, languages[0], 1.0, tilt_preset, sm501))
    report = StoryboardReport(out, out / "index.html", shots, [p.format() for p in sm501])
    report.seconds = time.perf_counter() - started
    report.index.write_text(contact_sheet(report, flows), encoding="utf-8")
    return report


# ---- one picture ------------------------------------------------------------------------------------
def _take(app: KioskApp, pilot: Any, flow: Flow, step_id: str, out: Path, language: str, scale: float,
          preset: str, sm501: list[Problem]) -> Shot:
    show, speak = _show(app, step_id, {"text_scale": scale, "display_language": language, "view_preset": preset})
    pilot.frame(FRAMES)
    tilted = preset != STANDARD_PRESET
    name = f"{step_id}__{language}__x{scale}" + (f"__{preset}" if tilted else "")
    path = app.screenshot(out / flow.id / f"{name}.png")
    shot = Shot(flow.id, step_id, show.step_kind, show.text, speak.text if speak else "", language, scale, tilted,
                path, preset, speak.language if speak else "", tuple(t.text for t in show.tiles))
    labels = [label for label in app.view.labels() if label.text.strip()]
    shot.words = tuple(label.text for label in labels)
    shot.ticket = app.view.ticket.number if show.step_kind == "handoff" and app.view.ticket else ""
    shot.warnings += _overflows(labels)
    shot.warnings += _theme_contrast(labels, app.theme, sm501)
    if not tilted:  # a tilted picture is keystoned: label boxes are no longer where the layout put them
        shot.warnings += _measured_contrast(labels, path, app.theme)
    return shot


def _show(app: KioskApp, step_id: str, overrides: dict[str, Any]) -> tuple[ShowStep, Speak | None]:
    """Show `step_id` with sample answers and the applicant's own settings `overrides`; return what it showed."""
    session = app.session
    session.tickets = TicketCounter()  # every picture of a hand-off step shows the same ticket number
    session.jump_to(step_id)  # a fresh state: overrides can only be set after it
    session.s.overrides.update(overrides)
    # Show the step again through the session with the new settings: what the language button does, here
    # choosing the voice the applicant already hears, so only the overrides above change.
    effects = session.handle(Event("language", session.settings()["voice_language"]))
    app.apply(effects)
    if session.s.ticket is not None:  # jump_to makes the ticket; only a Handoff effect would put it on screen
        app.view.set_ticket(session.s.ticket)
    show = next(e for e in effects if isinstance(e, ShowStep))
    speak = next((e for e in effects if isinstance(e, Speak)), None)
    return show, speak


# ---- warnings ---------------------------------------------------------------------------------------
def _overflows(labels: list[Any]) -> list[ShotWarning]:
    return [ShotWarning("overflow", f"text does not fit its box even at the smallest size ({label.font_size:.0f} px "
                        f"in {label.width:.0f}x{label.height:.0f} px): “{shorten(label.text, 40)}”", label.text)
            for label in labels if label.overflowed]


def _rgb(color: Sequence[float]) -> RGB:
    return round(color[0] * 255), round(color[1] * 255), round(color[2] * 255)


def _theme_contrast(labels: list[Any], theme: Theme, sm501: list[Problem]) -> list[ShotWarning]:
    """The theme's SM501 problems (a text colour too close to the colour it is drawn on) for colours on this screen."""
    drawn = {_rgb(label.color) for label in labels}
    found = []
    for fg, bg in CONTRAST_PAIRS:
        if theme.colours.get(fg) not in drawn:
            continue
        said = f"{fg.replace('_', ' ')} on {bg.replace('_', ' ')} has contrast"
        found += [ShotWarning("theme_contrast", p.format()) for p in sm501 if p.message.startswith(said)]
    return found


def required_contrast(theme: Theme, font_px: float, bold: bool) -> float:
    """The theme's minimum for body text; WCAG's lower bar for large text (AAA 7 -> 4.5, AA 4.5 -> 3)."""
    large = font_px >= LARGE_PX or (bold and font_px >= LARGE_BOLD_PX)
    if not large:
        return theme.min_contrast
    return min(theme.min_contrast, 4.5 if theme.min_contrast >= 7.0 else 3.0)


def _visibility(widget: Any) -> tuple[float, bool]:
    """How opaque the widget is drawn (its and its parents' opacity), and whether it is part of a disabled button."""
    from kivy.uix.widget import Widget

    from .widgets import PressPanel

    alpha, inactive, node = 1.0, False, widget
    while isinstance(node, Widget):
        alpha *= float(node.opacity)
        if isinstance(node, PressPanel) and not node.enabled:
            inactive = True
        node = node.parent
    return alpha, inactive


def _measured_contrast(labels: list[Any], png: Path, theme: Theme) -> list[ShotWarning]:
    """Text colour against the most common other colour in the label's box on the picture itself."""
    from kivy.core.window import Window
    from PIL import Image

    from .fonts import FONT_BOLD

    found = []
    with Image.open(png) as opened:
        image = opened.convert("RGB")
    sx, sy = image.width / max(1, Window.width), image.height / max(1, Window.height)
    for label in labels:
        alpha, inactive = _visibility(label)
        alpha *= float(label.color[3])
        # WCAG 1.4.3/1.4.6: text of an inactive control (the faded Back on a first step) has no contrast minimum.
        if inactive or alpha <= 0 or label.width < 2 or label.height < 2:
            continue
        x0, y0 = label.to_window(*label.pos)
        x1, y1 = label.to_window(label.right, label.top)
        # Kivy counts y up from the bottom of the window, the PNG down from its top.
        box = (max(0, math.ceil(x0 * sx) + 1), max(0, math.ceil(image.height - y1 * sy) + 1),
               min(image.width, math.floor(x1 * sx) - 1), min(image.height, math.floor(image.height - y0 * sy) - 1))
        if box[2] - box[0] < 2 or box[3] - box[1] < 2:
            continue
        crop = image.crop(box)
        colours = crop.getcolors(maxcolors=crop.width * crop.height) or []
        text_rgb = _rgb(label.color)
        background = _background(colours, text_rgb)
        if background is None:
            continue
        fg = _blend(text_rgb, background, alpha)
        ratio = contrast_ratio(fg, background)
        bold = label.font_name == FONT_BOLD
        needed = required_contrast(theme, float(label.font_size), bold)
        if ratio < needed:
            shown = math.floor(ratio * 100) / 100
            found.append(ShotWarning(
                "contrast", f"contrast {shown:.2f}:1, below {needed:g}:1, measured on the screen for "
                f"“{shorten(label.text, 40)}” ({to_hex(fg)} on {to_hex(background)}, "
                f"{label.font_size:.0f} px{' bold' if bold else ''})", label.text, shown, needed))
    return found


def _blend(colour: RGB, under: RGB, alpha: float) -> RGB:
    r, g, b = (round(alpha * c + (1 - alpha) * u) for c, u in zip(colour, under, strict=True))
    return r, g, b


def _background(colours: list[tuple[int, Any]], text: RGB) -> RGB | None:
    """The most common colour that is not the text's own (a dense bold word can cover half its box)."""
    for _, colour in sorted(colours, key=lambda c: -c[0]):
        rgb: RGB = (colour[0], colour[1], colour[2])
        if max(abs(a - b) for a, b in zip(rgb, text, strict=True)) > SAME_COLOUR:
            return rgb
    return None



# ---- the contact sheet --------------------------------------------------------------------------------
_CSS = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 1.5rem; color: #1A1A1A;
       background: #FFFFFF; line-height: 1.5; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.5rem; margin-top: 2.5rem; border-bottom: 3px solid #1A1A1A; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #8A8578; padding: 0.5rem; vertical-align: top; text-align: left; }
th { background: #F7F3EA; }
.words { min-width: 16rem; max-width: 24rem; }
.words dt { font-weight: bold; } .words dd { margin: 0 0 0.5rem 0; }
.shots { display: flex; flex-wrap: wrap; gap: 0.75rem; }
figure { margin: 0; } figure img { width: 320px; height: auto; border: 1px solid #1A1A1A; display: block; }
figcaption { font-size: 0.95rem; }
.warn { color: #A3001B; font-weight: bold; }
ul.warnings { margin: 0.5rem 0 0 0; padding-left: 1.2rem; }
.ok { color: #1B6E3A; }
code { font-size: 0.95rem; }
"""


def contact_sheet(report: StoryboardReport, flows: list[Flow]) -> str:
    """One static HTML page: a section per flow, a row per step, every picture and every warning in words."""
    e = html.escape
    totals = report.totals
    parts = ["<!DOCTYPE html>", '<html lang="zh-Hans">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Storyboard 故事板</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             '<header lang="en">', "<h1>Storyboard</h1>",
             f"<p>Flows: {totals['flows']}. Steps: {totals['steps']}. Pictures: {totals['shots']}. "
             f"Warnings: {totals['warnings']}. Made in {report.seconds:.1f} s. "
             "Click a picture to see it full size.</p>"]
    if report.theme_warnings:
        parts.append('<p class="warn">⚠ The theme has contrast problems:</p><ul class="warnings">')
        parts += [f'<li class="warn">⚠ {e(w)}</li>' for w in report.theme_warnings]
        parts.append("</ul>")
    parts.append("</header>")
    titles = {f.id: f.title.value for f in flows}
    for flow_id in dict.fromkeys(s.flow for s in report.shots):
        shots = [s for s in report.shots if s.flow == flow_id]
        parts.append(f'<section id="{e(flow_id)}"><h2>{e(titles.get(flow_id, flow_id))} '
                     f'<code lang="en">{e(flow_id)}</code></h2>')
        parts.append('<table><thead lang="en"><tr><th>Step</th><th>Words and voice</th><th>Pictures</th>'
                     "<th>Warnings</th></tr></thead><tbody>")
        for step_id in dict.fromkeys(s.step for s in shots):
            parts.append(_row([s for s in shots if s.step == step_id], report.out))
        parts.append("</tbody></table></section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _row(shots: list[Shot], out: Path) -> str:
    e = html.escape
    first = shots[0]
    spoken = list(dict.fromkeys((s.language, s.voice_language, s.spoken) for s in shots))
    words = [f"<dt lang=\"en\">Screen text</dt><dd>{e(first.screen_text)}</dd>"]
    if first.tiles:
        words.append(f"<dt lang=\"en\">Choices</dt><dd>{e(' · '.join(first.tiles))}</dd>")
    if first.ticket:
        words.append(f"<dt lang=\"en\">Ticket</dt><dd>{e(first.ticket)}</dd>")
    for language, voice, text in spoken:
        where = f" ({e(language)} screen, {e(voice)} voice)" if len(spoken) > 1 or voice else ""
        words.append(f"<dt lang=\"en\">Spoken{where}</dt><dd>{e(text)}</dd>")
    figures = []
    for s in shots:
        href = e(s.file.relative_to(out).as_posix() if s.file.is_relative_to(out) else s.file.as_posix())
        alt = e(f"{s.step}: {s.screen_text} ({s.caption()})")
        note = f' <span class="warn">⚠ {len(s.warnings)}</span>' if s.warnings else ""
        figures.append(f'<figure><a href="{href}"><img src="{href}" width="320" alt="{alt}" loading="lazy"></a>'
                       f"<figcaption>{e(s.caption())}{' (tilted)' if s.tilted else ''}{note}</figcaption></figure>")
    # The same warning on several pictures is listed once, with the pictures it is on.
    grouped: dict[str, list[str]] = {}
    for s in shots:
        for w in s.warnings:
            grouped.setdefault(w.message, []).append(s.caption())
    if grouped:
        warnings = '<ul class="warnings" lang="en">' + "".join(
            f'<li class="warn">⚠ {e(message)} <span>(on {e("; ".join(on))})</span></li>'
            for message, on in grouped.items()) + "</ul>"
    else:
        warnings = '<span class="ok" lang="en">✓ no warnings</span>'
    return (f'<tr id="{e(first.flow)}--{e(first.step)}"><td><strong><code>{e(first.step)}</code></strong><br>'
            f'<span lang="en">kind: {e(first.step_kind)}</span></td>'
            f'<td class="words"><dl>{"".join(words)}</dl></td>'
            f'<td><div class="shots">{"".join(figures)}</div></td><td>{warnings}</td></tr>')
