"""Large, calm widgets: labels that wrap and shrink instead of clipping, emoji icons, tiles, bars, a keypad."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from ..core.keypads import DEFAULT_KEYPAD, KEYPADS, KeypadKind
from ..core.theme import Theme
from ..core.wording import runs
from . import fit_cache, outline_cache
from .fonts import EMOJI_FONT, FONT, FONT_BOLD

EMOJI_STRIKE = 109  # the one bitmap size NotoColorEmoji has; scale the texture, not the font
KEY_PADDING = 5  # dp inside a key, as inside a bar button (the tiles' half padding cost each key 14 px of text)
DISABLED_OPACITY = 0.25  # a control that cannot be pressed now (Back on the first step, X before the last digit)
MIN_TEXT_DP = 18  # below this, shrinking would make text unreadable: report an overflow instead
# Noto Sans CJK's own line height (hhea ascent + descent) is 1.448 em: already above the 1.3 line spacing the
# senior rules ask for. Kivy's line_height multiplies it, so the theme's spacing is divided by it, not added.
FONT_LINE_EM = 1.448


def line_height(theme: Theme) -> float:
    """Kivy's line_height that gives the theme's line spacing (in em) with the CJK font."""
    return max(1.0, theme.line_spacing / FONT_LINE_EM)

Action = Callable[[str], None]


_emoji_textures: dict[str, Any] = {}
_emoji_outlines: dict[tuple[str, float], tuple[Any, int]] = {}
OUTLINE_STEPS = 12  # directions the silhouette is drawn in around the emoji: a smooth ring at 3 dp
_fitted: dict[tuple[Any, ...], float] = {}  # (text, font, sizes, box, line height) -> the size that fits
# (font, bold, italic, outline, size, text) -> the width SDL2 measures. Laying a label out at one size measures each
# line twice and every prefix of it once, the tiles and bars measure the same words on every screen: 849 calls at
# a cold start's first screen, 41 ms.
_widths: dict[tuple[Any, ...], float] = {}


def forget_measured() -> None:
    """Forget every text measured: a label shows what the applicant typed (the keypad's digits, a summary's
    answers, the card's name), and the caches above are keyed by it. The next applicant's screens measure anew."""
    _fitted.clear()
    _widths.clear()


def emoji_texture(char: str) -> Any:
    texture = _emoji_textures.get(char)
    if texture is None:
        label = CoreLabel(text=char, font_name=EMOJI_FONT, font_size=EMOJI_STRIKE)
        label.refresh()
        texture = label.texture
        _emoji_textures[char] = texture
    return texture


# Kivy's Label rule, with the texture placed where a box-wide texture would be (FitLabel._texture_lines).
Builder.load_string("""
<-FitLabel>:
    canvas:
        Color:
            rgba: 1, 1, 1, 1
        Rectangle:
            texture: self.texture
            size: self.texture_size
            pos: int(self.center_x - (self.box_texture_width or self.texture_size[0]) / 2.) + self.texture_shift, \
                int(self.center_y - self.texture_size[1] / 2.)
""")


# The Label properties that change how Kivy lays text out and measures it (Kivy 2.3).
_LAID_BY = ("bold", "italic", "outline_width", "padding", "line_height", "halign", "valign", "markup", "strip",
            "font_hinting", "font_kerning", "font_blended", "font_features", "font_context", "font_family",
            "font_direction", "font_script_name", "text_language", "base_direction", "max_lines", "shorten",
            "shorten_from", "split_str", "unicode_errors", "limit_render_to_text_bbox", "underline", "strikethrough",
            "ellipsis_options")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


class FitLabel(Label):
    """Wraps to its width at word boundaries and shrinks until it fits its box; never clips.

    `text` keeps the flow's words with their break marks (see core/wording.py); what is drawn has the marks taken
    out and a line end at the boundaries chosen. A word is never split to fit: the label shrinks instead, down to
    `min_size`. `overflowed` if even that does not fit its box, `broke_word` if a word still had to be split.
    """

    base_size = NumericProperty(dp(24))
    min_size = NumericProperty(dp(MIN_TEXT_DP))
    # The width of the texture Kivy would make for the box (0: the texture's own) and where in it this one starts.
    box_texture_width = NumericProperty(0)
    texture_shift = NumericProperty(0)
    overflowed = BooleanProperty(False)
    broke_word = BooleanProperty(False)
    # The size found may be kept on disk for the next start (fit_cache.py): only for the flow's and the kiosk's
    # own words, never for what an applicant typed or a card said.
    remember_fit = BooleanProperty(False)

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("font_name", FONT)
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("valign", "middle")
        super().__init__(**kwargs)
        self.shown = ""
        # Fitted once the layout has settled, before the frame is drawn (as Kivy's own Label renders its texture):
        # a box laid out in two passes was fitted at its first, passing size too, at twice the cost and with faces
        # of sizes never drawn.
        # Two hops, as IconView's rings: the label's trigger is armed when it is made, before its parent's layout
        # trigger, and ran first, fitting the text in the box's default or passing size (3 of the 16 searches a cold
        # kiosk made for its first screen); the second hop goes behind the layouts pending by then.
        self._refit_after_layout = Clock.create_trigger(self._refit, -1)
        self._refit_soon = Clock.create_trigger(self._second_hop, -1)
        # Whatever changes how the text is laid out is fitted again (and the texture trimmed again: Kivy's own update
        # would draw it at the last fit's trimmed width and shift).
        self.bind(size=self._refit_later, text=self._refit_later, base_size=self._refit_later,
                  min_size=self._refit_later, halign=self._refit_later, font_name=self._refit_later,
                  bold=self._refit_later, italic=self._refit_later, outline_width=self._refit_later,
                  padding=self._refit_later, line_height=self._refit_later)
        self._trigger_texture.cancel()  # Kivy's Label would draw the text with its marks first: _refit draws it
        if self.size_hint_x is None and self.size_hint_y is None:
            self._refit_soon()  # a box of its own fixed size may never be resized: fitted now (a layout sizes the rest)

    def _second_hop(self, *_: Any) -> None:
        self._refit_after_layout()

    def _refit_later(self, *_: Any) -> None:
        self._trigger_texture.cancel()
        self._refit_soon()

    def _refit(self, *_: Any) -> None:
        if self.width <= 1 or self.height <= 1:
            if self.box_texture_width:  # the last fit's trimmed width: Kivy wraps at the box's again
                self.text_size = (self.box_texture_width, None)
            self.box_texture_width, self.texture_shift = 0, 0
            self._trigger_texture()  # not fitted (no room yet): drawn as Kivy's Label draws it
            return
        width = max(1.0, self.width - dp(8))
        self.text_size = (width, None)
        key = (self.text, self.font_name, self.bold, self.italic, self.outline_width, tuple(self.padding),
               round(self.base_size), round(self.min_size), round(self.width), round(self.height), self.line_height)
        known = _fitted.get(key)
        if known is None:  # the bars and tiles repeat on every screen: measure once
            on_disk = self._fit_key(width) if self.remember_fit else ""
            known = fit_cache.recall(on_disk) if on_disk else None
            top, low = round(self.base_size), round(self.min_size)
            if known is not None and not min(top, low) <= known <= top:
                known = None  # not a size the search can find (a damaged file): searched again
            if known is None:
                known = self._largest_fitting(width)
                if on_disk:
                    fit_cache.remember(on_disk, known)
            if len(_fitted) > 4096:
                _fitted.clear()
            _fitted[key] = known
        lines = self._texture_lines(known, width)
        broken = not self._try(known, width)[1]
        if lines and len(self._label._cached_lines) != lines:
            # Kivy measures a line word by word and broke one of these at the trimmed width: the box's width then
            self.box_texture_width, self.texture_shift = 0, 0
            self.text_size = (width, None)
            broken = not self._try(known, width)[1]
        # Each size tried (font_size, the text shown) armed Kivy's own texture update, which would draw the same
        # texture again before the frame: on a screen change, 32 of the 58 label textures drawn.
        self._trigger_texture.cancel()
        self.overflowed = self._too_big()
        self.broke_word = broken

    def _fit_key(self, width: float) -> str:
        """Everything the size found depends on, exactly (the key above rounds the box, for one process only)."""
        return fit_cache.key_of([self.text, fit_cache.faces_of(self.font_name), width, self.width, self.height,
                                 self.base_size, self.min_size, *(_plain(getattr(self, name)) for name in _LAID_BY)])

    def _largest_fitting(self, width: float) -> float:
        """The largest whole-pixel size from the base down to the minimum at which the text fits unbroken.

        Searched, not stepped down a ladder: a larger base never ends smaller (the old 0.9 ladder drew a 48 px
        base at 43 px but a 45 px base at 45 px), so a larger text setting never draws smaller text.
        The search starts where the widths measured at the base size, scaled, say the text fits; then it checks
        that size and the one above exactly. SDL2 keeps a font face open for every size it measured (1.4 MiB
        each for Noto Sans CJK): a plain halving search opened 32 sizes of the bold face for the demo walk.
        """
        top, low = round(self.base_size), round(self.min_size)
        if top <= low or self._try(top, width)[0]:
            return float(top)
        guess = self._estimate(top, low, width)
        if self._try(guess, width)[0]:
            return self._search(guess + 1, top - 1, float(guess), width, first=guess + 1)
        return self._search(low, guess - 1, float(low), width, first=guess - 1)

    def _search(self, lo: int, hi: int, best: float, width: float, first: int) -> float:
        """Halving between lo and hi (the size tried first is `first`): the largest size that fits, or `best`."""
        mid = first
        while lo <= hi:
            if self._try(mid, width)[0]:
                best, lo = float(mid), mid + 1
            else:
                hi = mid - 1
            mid = (lo + hi) // 2
        return best

    def _estimate(self, top: int, low: int, width: float) -> int:
        """The largest size below `top` at which the text would fit if every width and the line height grew in
        proportion to the size; measured with the font at `top` (the size `_try` left it at)."""
        widths: dict[str, float] = {}

        def width_at_top(text: str) -> float:
            known = widths.get(text)
            if known is None:
                known = widths[text] = self._width_of(text)
            return known

        pieces = runs(self.text)
        # A line's height as Kivy lays lines out (the font's height times line_height); not the texture's height
        # over the lines shown, since Kivy splits a word too wide for the box into lines of its own.
        line_at_top = float(self._label.get_extents("字")[1]) * self.line_height
        for size in range(top - 1, low, -1):
            scale = size / top
            lines = _broken_lines(pieces, lambda t, k=scale: width_at_top(t) * k, width)
            if all(width_at_top(x) * scale <= width for x in lines) \
                    and len(lines) * line_at_top * scale <= self.height + 0.5:
                return size
        return low

    def _texture_lines(self, size: float, width: float) -> int:
        """Makes the texture only as wide as the widest line (text_size), drawn where the box-wide texture Kivy
        makes would be drawn (the <-FitLabel> rule), so that every line lands on the same pixels; the number of
        lines it holds, or 0 when it stays box-wide. The rest of a box-wide texture is transparent, and software
        GL blends every pixel of it: at text x2.0 the renewal's texts took 335,000 px a screen, where plain Kivy
        labels of the same text take 209,000."""
        self.box_texture_width, self.texture_shift = 0, 0
        full = int(width)  # Kivy's texture is int(text_size[0]) wide
        if self.halign not in ("left", "center", "right") or any(self.padding):  # Kivy clamps lines to padding
            return 0
        self.font_size = float(size)
        shown, whole = self._lines(width)
        lines = shown.split("\n")
        widest = max(self._width_of(x) for x in lines)
        if not widest or not whole:  # a word split by Kivy: its lines are Kivy's, not these
            return 0
        room = full - math.ceil(widest) - 2  # 2 px to spare
        if self.halign == "center":
            room -= room % 2  # the same on each side: Kivy centres each line on the same pixel as before
        if room <= 0:
            return 0
        self.box_texture_width = full
        self.texture_shift = {"left": 0, "center": room // 2, "right": room}[self.halign]
        self.text_size = (float(full - room), None)
        return len(lines)

    def _try(self, size: float, width: float) -> tuple[bool, bool]:
        """Lay the text out at `size`: (it fits its box with no word split, no word was split)."""
        self.font_size = float(size)
        self.shown, whole = self._lines(width)
        self._label.text = self.shown
        self.texture_update()
        return whole and not self._too_big(), whole

    def _lines(self, width: float) -> tuple[str, bool]:
        """The text with a line end at each boundary where the next word would pass the edge; and whether every
        line fits (False: a word is wider than the box, and Kivy will split it)."""
        lines = _broken_lines(runs(self.text), self._width_of, width)
        return "\n".join(lines), all(self._width_of(x) <= width for x in lines)

    def _width_of(self, text: str) -> float:
        if not text:
            return 0.0
        key = (self.font_name, self.bold, self.italic, self.outline_width, float(self.font_size), text)
        known = _widths.get(key)
        if known is None:
            if len(_widths) > 20_000:
                _widths.clear()
            known = _widths[key] = float(self._label.get_extents(text)[0])
        return known

    def _too_big(self) -> bool:
        return bool(self.texture_size[1] > self.height + 0.5 or self.texture_size[0] > self.width + 0.5)


def _broken_lines(pieces: list[str], width_of: Callable[[str], float], width: float) -> list[str]:
    """Lines of the runs, a line ended where the next run would pass `width` (and at each line end written)."""
    lines: list[str] = []
    line = ""
    for run in pieces:
        if line and width_of((line + run).rstrip()) > width:
            lines.append(line.rstrip())
            line = run.lstrip(" ")
        else:
            line += run
        if line.endswith("\n"):
            lines.append(line[:-1].rstrip())
            line = ""
    lines.append(line.rstrip())
    return lines


def emoji_outline(char: str, reach: float) -> tuple[Any, int]:
    """The emoji's silhouette grown by `reach` texture pixels, as one white texture tinted by a Color when drawn,
    and the padding added on each side (texture pixels).

    The silhouette is laid OUTLINE_STEPS times around the emoji, each copy shifted `reach` in its own direction,
    and the copies composed as the GL blends them (coverage a over b: 1 - (1-a)(1-b)): the same ring the kiosk
    drew as OUTLINE_STEPS textured quads an icon, made once per emoji and reach, and drawn as one quad. Under
    software GL the twelve quads cost every icon twelve times its area in blending."""
    key = (char, round(reach * 4) / 4)
    known = _emoji_outlines.get(key)
    if known is not None:
        return known
    from kivy.graphics.texture import Texture
    from PIL import Image as PILImage
    from PIL import ImageChops

    texture = emoji_texture(char)
    w, h = texture.size
    pad = math.ceil(key[1]) + 1
    silhouette = bytes(texture.pixels)[3::4]
    size = (w + 2 * pad, h + 2 * pad)

    def compute() -> bytes:
        base = PILImage.new("L", size)
        base.paste(PILImage.frombytes("L", (w, h), silhouette), (pad, pad))
        ring = PILImage.new("L", size)
        for n in range(OUTLINE_STEPS):
            angle = 2 * math.pi * n / OUTLINE_STEPS
            dx, dy = key[1] * math.cos(angle), key[1] * math.sin(angle)  # the directions are symmetric: rows may
            # run either way up
            shifted = base.transform(size, PILImage.Transform.AFFINE, (1, 0, -dx, 0, 1, -dy),
                                     resample=PILImage.Resampling.BILINEAR)
            ring = ImageChops.screen(ring, shifted)
        return ring.tobytes()

    ring = PILImage.frombytes("L", size, outline_cache.ring(silhouette, (w, h), key[1], OUTLINE_STEPS,
                                                            size[0] * size[1], compute))
    white = PILImage.new("L", size, 255)
    mask = Texture.create(size=size, colorfmt="rgba")
    mask.blit_buffer(PILImage.merge("RGBA", (white, white, white, ring)).tobytes(), colorfmt="rgba",
                     bufferfmt="ubyte")
    if _flipped(texture):
        mask.flip_vertical()
    if len(_emoji_outlines) > 512:
        _emoji_outlines.clear()
    _emoji_outlines[key] = (mask, pad)
    return mask, pad


def _flipped(texture: Any) -> bool:
    """Kivy's text textures hold their rows top first and are drawn flipped (tex_coords v from 1 to 0)."""
    coords = texture.tex_coords
    return bool(coords[1] > coords[5])


class IconView(Image):
    """A cartoon icon: a colour emoji drawn large, scaled to its box, with an outline of `outline_width` in the
    colour of the words beside it, so that its shape stands out from any tile (WCAG 1.4.11, 3:1; see
    seniormode/kivy_ui/icon_contrast.py). The outline is the emoji's silhouette grown around it (emoji_outline),
    one quad under the icon."""

    icon = StringProperty("")
    outline = ListProperty([0.0, 0.0, 0.0, 0.0])  # no outline until a colour is given
    outline_width = NumericProperty(0.0)

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("fit_mode", "contain")
        super().__init__(**kwargs)
        with self.canvas.before:
            self._outline_colour = Color(0, 0, 0, 0)
            self._ring = Rectangle(size=(0, 0))
        # Placed once the layout has settled, before the frame is drawn: placed at every move, an icon made the
        # rings of the sizes a layout passes through on its way, 25 rings for a cold kiosk's first screen where 13
        # are drawn. Two hops: the icon's trigger was armed when it was made, before its parent's layout trigger,
        # and runs first; its second hop goes behind the layouts pending by then.
        self._place_after_layout = Clock.create_trigger(self._place, -1)
        self._place_soon = Clock.create_trigger(self._second_hop, -1)
        self.bind(icon=self._draw, outline=self._place_soon, outline_width=self._place_soon, pos=self._place_soon,
                  size=self._place_soon)
        self._draw()

    def _second_hop(self, *_: Any) -> None:
        self._place_after_layout()

    def _draw(self, *_: Any) -> None:
        if self.icon:
            self.texture = emoji_texture(self.icon)
        self._place_soon()

    def _place(self, *_: Any) -> None:
        on = bool(self.icon) and self.outline_width > 0 and self.outline[3] > 0 and self.texture is not None
        self._outline_colour.rgba = self.outline if on else (0, 0, 0, 0)
        if not on:
            self._ring.size = (0, 0)  # nothing to blend
            return
        w, h = self.norm_image_size
        if w <= 0 or h <= 0:
            return
        scale = self.texture.size[0] / w  # texture pixels per pixel on the glass
        mask, pad = emoji_outline(self.icon, self.outline_width * scale)
        x, y = self.center_x - w / 2, self.center_y - h / 2
        self._ring.texture = mask
        self._ring.pos = (x - pad / scale, y - pad / scale)
        self._ring.size = (w + 2 * pad / scale, h + 2 * pad / scale)


class Panel(BoxLayout):
    """A box with a rounded background and an optional border."""

    background = ListProperty([1, 1, 1, 1])
    border_color = ListProperty([0, 0, 0, 0])
    border_width = NumericProperty(0)
    radius = NumericProperty(dp(16))

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        with self.canvas.before:
            self._bg_color = Color(*self.background)
            self._bg = RoundedRectangle(pos=self.pos, size=self.size, radius=[self.radius])
            self._line_color = Color(*self.border_color)
            self._line = Line(rounded_rectangle=(*self.pos, *self.size, self.radius), width=1)
        self.bind(pos=self._redraw, size=self._redraw, background=self._redraw, border_color=self._redraw,
                  border_width=self._redraw)
        self._redraw()

    def _redraw(self, *_: Any) -> None:
        self._bg_color.rgba = self.background
        self._bg.pos, self._bg.size = self.pos, self.size
        self._line_color.rgba = self.border_color if self.border_width else (0, 0, 0, 0)
        # Kivy draws a Line `width` to each side of its path: centred one width in, the border stays inside the
        # box (centred half a width in, it reached 3 px over whatever is next to the box).
        inset = self.border_width
        self._line.width = max(1.0, self.border_width)
        self._line.rounded_rectangle = (self.x + inset, self.y + inset, max(0, self.width - 2 * inset),
                                        max(0, self.height - 2 * inset), self.radius)


    def drawn_box(self) -> tuple[float, float, float, float]:
        """What the panel draws, border included, in window coordinates: x0, y0, x1, y1."""
        out = max(0.0, max(1.0, self.border_width) - self.border_width) if self.border_width else 0.0
        x0, y0 = self.to_window(self.x - out, self.y - out)
        x1, y1 = self.to_window(self.right + out, self.top + out)
        return x0, y0, x1, y1


class PressPanel(ButtonBehavior, Panel):
    """A panel that can be pressed; `target_id` names it for the pilot, tests and the double-touch guard."""

    target_id = StringProperty("")
    pressed_background = ListProperty([0.8, 0.8, 0.8, 1])
    enabled = BooleanProperty(True)
    highlighted = BooleanProperty(False)

    def __init__(self, action: Action | None = None, **kwargs: Any):
        self._action = action
        self._rest_background: list[float] = list(kwargs.get("background", [1, 1, 1, 1]))
        super().__init__(**kwargs)

    def set_highlight(self, on: bool, colour: list[float], width: float) -> None:
        if not hasattr(self, "_rest_border"):
            self._rest_border = (list(self.border_color), self.border_width)
        self.highlighted = on
        self.border_color, self.border_width = (colour, width) if on else self._rest_border

    def on_state(self, _: Any, state: str) -> None:
        self.background = self.pressed_background if state == "down" else self._rest_background

    def on_release(self) -> None:
        if self._action is not None and self.enabled:
            self._action(self.target_id)

    def on_touch_down(self, touch: Any) -> bool:
        if not self.enabled:
            return False
        return bool(super().on_touch_down(touch))


def tile(theme: Theme, target_id: str, text: str, icon: str, action: Action, text_scale: float,
         primary: bool = False, danger: bool = False, orientation: str = "vertical",
         role: str = "tile_text", icon_share: float | None = None, **layout: Any) -> PressPanel:
    """A large touch target: icon and word (never colour alone), a visible border.

    A tile's words are the flow's or the kiosk's (a choice, a button, a key), never an applicant's answer: their
    fitted size may be kept on disk (FitLabel.remember_fit)."""
    c = theme.colours
    bg, fg = ("accent", "accent_text") if primary else ("danger", "danger_text") if danger else ("surface", "text")
    background = list(c.rgba(bg))
    pressed = [max(0.0, v * 0.8) for v in background[:3]] + [1.0]
    layout.setdefault("padding", dp(theme.padding) / 2)
    layout.setdefault("spacing", dp(theme.gap) / 2)
    panel = PressPanel(action=action, target_id=target_id, orientation=orientation, background=background,
                       pressed_background=pressed, border_color=list(c.rgba("text" if not (primary or danger)
                                                                               else fg)),
                       border_width=dp(3), **layout)
    if icon:
        share = icon_share if icon_share is not None else (0.3 if orientation == "horizontal" else 0.55)
        panel.add_widget(IconView(icon=icon, size_hint=(share, 1) if orientation == "horizontal" else (1, share),
                                  outline=list(c.rgba(fg)), outline_width=dp(theme.icon_outline)))
    panel.add_widget(FitLabel(text=text, color=c.rgba(fg), font_name=FONT_BOLD,
                              base_size=dp(theme.font_size(role, text_scale)),
                              line_height=line_height(theme), remember_fit=True))
    return panel


class StepDots(Widget):
    """Where the applicant is: filled dots behind, a large ringed dot now, hollow dots ahead."""

    position = NumericProperty(1)
    total = NumericProperty(1)
    done_color = ListProperty([0, 0, 0, 1])
    todo_color = ListProperty([0.5, 0.5, 0.5, 1])
    focus_color = ListProperty([0, 0, 1, 1])

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, position=self._draw, total=self._draw)

    def _draw(self, *_: Any) -> None:
        self.canvas.clear()
        n = max(1, int(self.total))
        r = min(self.height * 0.32, self.width / (n * 3.2))
        step = self.width / n
        cy = self.center_y
        with self.canvas:
            for i in range(n):
                cx = self.x + step * (i + 0.5)
                if i + 1 < self.position:
                    Color(*self.done_color)
                    Ellipse(pos=(cx - r, cy - r), size=(2 * r, 2 * r))
                elif i + 1 == self.position:
                    Color(*self.focus_color)
                    Ellipse(pos=(cx - r * 1.4, cy - r * 1.4), size=(2.8 * r, 2.8 * r))
                else:
                    Color(*self.todo_color)
                    Line(circle=(cx, cy, r), width=max(1.5, r * 0.25))


class Keypad(BoxLayout):
    """A big on-screen keypad: digits, delete, OK, and the letter keys its field can take (X on an ID number's, for
    the last character only: seniormode/core/keypads.py). Never the system keyboard."""

    def __init__(self, theme: Theme, action: Action, text_scale: float, ok_text: str, delete_text: str,
                 keypad: KeypadKind = KEYPADS[DEFAULT_KEYPAD], max_length: int = 12, **kwargs: Any):
        gap = dp(theme.gap) / 2
        super().__init__(orientation="vertical", spacing=gap, **kwargs)
        self.kind, self.max_length = keypad, max_length
        # Four rows share the step's height: a thin padding leaves the digit the room to be drawn at its size.
        pad = dp(KEY_PADDING)
        rows = [BoxLayout(orientation="horizontal", spacing=gap) for _ in range(4)]
        for n, key in enumerate("123456789"):
            rows[n // 3].add_widget(tile(theme, f"key:{key}", key, "", action, text_scale, role="title", padding=pad))
        last = rows[3]
        last.add_widget(tile(theme, "key:del", delete_text, theme.icon("keypad_delete"), action, text_scale,
                             orientation="horizontal", role="button_text", padding=pad))
        last.add_widget(tile(theme, "key:0", "0", "", action, text_scale, role="title", padding=pad))
        self.letters: dict[str, PressPanel] = {}
        for letter in keypad.last_letters:  # beside 0: the last row takes one more key, the digits stay put
            self.letters[letter] = tile(theme, f"key:{letter}", letter, "", action, text_scale, role="title",
                                        padding=pad)
            last.add_widget(self.letters[letter])
        last.add_widget(tile(theme, "key:ok", ok_text, theme.icon("yes"), action, text_scale, primary=True,
                             orientation="horizontal", role="button_text", padding=pad))
        for row in rows:
            self.add_widget(row)
        self.typed(0)

    def typed(self, count: int) -> None:
        """A letter key can be pressed only where the field takes it (X: the last character); faded otherwise."""
        allowed = self.kind.letters_now(count, self.max_length)
        for letter, key in self.letters.items():
            key.enabled = letter in allowed
            key.opacity = 1.0 if key.enabled else DISABLED_OPACITY
