"""One screen of the kiosk, built from a ShowStep: a strip on top, one thing in the middle, a fixed bar below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from ..core.devices import SignatureLimits, StrokeHolder, sample_strokes, verdict
from ..core.effects import ShowHelp, ShowStep, Ticket, WarnTimeout
from ..core.flow import Text
from ..core.i18n import SOURCE_LOCALE, Catalogs
from ..core.keypads import DEFAULT_KEYPAD, KEYPADS
from ..core.messages import message
from ..core.theme import Theme
from . import device_screens
from .device_screens import HARDWARE_ACTION
from .signature_pad import SignaturePad
from .widgets import (
    DISABLED_OPACITY,
    FONT_BOLD,
    FitLabel,
    IconView,
    Keypad,
    Panel,
    PressPanel,
    StepDots,
    forget_measured,
    line_height,
    tile,
)

Action = Callable[[str], None]

ENTRY_KINDS = ("number", "text")
BAR_GROWTH = 0.35  # the bars' height grows by this share of each step of the text setting above x1.0 ...
BARS_GROW_UNTIL = 1.4  # ... up to this setting
# ... or this one in a tilted view, laid out in less room (viewing.layout_factor): bars that grew to x1.4 there took
# so much of the step that its titles and keys were fitted a pixel smaller at x1.4 than at x1.2 (SM511).
TILTED_BARS_GROW_UNTIL = 1.2


class StepView(FloatLayout):
    """Renders steps; every pressable thing has a `target_id` and calls `action(target_id)`."""

    def __init__(self, theme: Theme, action: Action, flow_title: Text, catalogs: Catalogs | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.catalogs = catalogs
        self.theme = theme
        self.action = action
        self.flow_title = flow_title
        self.current: ShowStep | None = None
        self.typed = ""
        self.ticket: Ticket | None = None
        # Device kinds a real device answers for (the kiosk's printer): no simulator buttons on their steps.
        self.real_devices: frozenset[str] = frozenset()
        self.overlay: Widget | None = None
        self._overlay_label: FitLabel | None = None
        self._display: FitLabel | None = None
        self._keypad: Keypad | None = None
        self._body: Widget | None = None  # the step between its bars: where an overlay goes
        # A signature's strokes: only here and in the pad that draws them; wiped on a new step, a refusal, a reset.
        self.strokes = StrokeHolder()
        self.pad: SignaturePad | None = None

    def _t(self, key: str, **values: Any) -> str:
        """The kiosk's own words in the screen's language."""
        return self._tr(message(key, **values))

    def _tr(self, text: Text) -> str:
        locale = str(self.current.settings.get("display_language", SOURCE_LOCALE)) if self.current else SOURCE_LOCALE
        return self.catalogs.translate(text, locale) if self.catalogs is not None else text.value

    # ---- building -----------------------------------------------------------------------------
    def show(self, show: ShowStep) -> None:
        if self.current is None or show.step != self.current.step or show.error:
            self.typed = ""  # a new entry starts empty (a change or Back too: the old answer is not appended to)
        if self.current is None or show.step != self.current.step:
            self.ticket = None
        if self.current is None or show.step != self.current.step or show.error:
            self.wipe_signature()  # signed and on to the next step, or refused: sign again on an empty pad
        self.current = show
        self._rebuild()

    def _rebuild(self) -> None:
        show = self.current
        assert show is not None
        theme = self.theme
        scale = float(show.settings.get("text_scale", 1.0))
        self.clear_widgets()
        self.overlay = None
        self.pad = None
        self._keypad = None
        # The bars grow with the text up to x1.4 (x1.14), then stop: every inch they took beyond it came off the
        # step between them, whose labels then shrank as the text grew (an error screen's title 44 -> 42 px of ink
        # from x1.6 to x1.8). Past the cap no box changes with the setting, so a larger setting never draws smaller.
        until = BARS_GROW_UNTIL if show.settings.get("view_preset", "standard") == "standard" \
            else TILTED_BARS_GROW_UNTIL
        target = dp(theme.min_target_dp) * (1 + BAR_GROWTH * (min(scale, until) - 1))
        if show.step_kind == "summary" and len(show.summary) > 2:
            target = dp(theme.min_target_dp)  # the rows need the height: every change link stays >= 20 mm
        # No background of its own: the window is cleared to the theme's background (one full-screen layer less
        # to draw on every screen).
        root = BoxLayout(orientation="vertical", padding=dp(theme.padding), spacing=dp(theme.gap))
        root.add_widget(self._top_bar(show, scale, target))
        body = BoxLayout(orientation="vertical", spacing=dp(theme.gap))
        body.add_widget(self._header(show, scale))
        body.add_widget(self._content(show, scale, target))
        root.add_widget(body)
        self._body = body
        root.add_widget(self._bottom_bar(show, scale, target))
        self.add_widget(root)

    def _top_bar(self, show: ShowStep, scale: float, target: float) -> BoxLayout:
        theme, c = self.theme, self.theme.colours
        bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=target, spacing=dp(theme.gap))
        # The flow's and the kiosk's own words: their fitted sizes may be kept on disk (FitLabel.remember_fit).
        bar.add_widget(FitLabel(text=self._tr(self.flow_title), color=c.rgba("muted_text"), size_hint_x=0.17,
                                base_size=dp(theme.font_size("strip_text", scale)), halign="left", remember_fit=True))
        strip = BoxLayout(orientation="vertical", size_hint_x=0.38)
        strip.add_widget(FitLabel(text=show.strip_label, color=c.rgba("text"),
                                  font_name=FONT_BOLD, base_size=dp(theme.font_size("strip_text", scale)),
                                  remember_fit=True))
        strip.add_widget(StepDots(position=show.strip.position, total=show.strip.total,
                                  done_color=list(c.rgba("strip_done")), todo_color=list(c.rgba("strip_todo")),
                                  focus_color=list(c.rgba("focus")), size_hint_y=0.45))
        bar.add_widget(strip)
        bar.add_widget(tile(theme, "bar:slower", self._t("ui_slower"), theme.icon("slower"), self.action, scale,
                            orientation="horizontal", role="button_text", size_hint_x=0.15))
        bar.add_widget(tile(theme, "bar:help", self._t("ui_help"), theme.icon("help"), self.action, scale,
                            orientation="horizontal", role="button_text", size_hint_x=0.15))
        bar.add_widget(tile(theme, "bar:view", self._t("ui_view"), theme.icon("view_angle"), self.action, scale,
                            orientation="horizontal", role="button_text", size_hint_x=0.15))
        return bar

    def _header(self, show: ShowStep, scale: float) -> BoxLayout:
        theme, c = self.theme, self.theme.colours
        # The summary's title has a low row of its own: high enough for the title at x1.2 (0.12 shrank it from x1.0).
        share = 0.18 if show.step_kind == "summary" else 0.3
        # An entry's error goes beside its keypad (see _entry): the header does not grow, so the keys do not shrink.
        error_here = bool(show.error) and show.step_kind not in ENTRY_KINDS
        header = BoxLayout(orientation="horizontal", size_hint_y=share + (0.14 if error_here else 0),
                           spacing=dp(theme.gap))
        header.add_widget(IconView(icon=theme.icon(show.icon), size_hint_x=0.22, outline=list(c.rgba("text")),
                                   outline_width=dp(theme.icon_outline)))
        words = BoxLayout(orientation="vertical", spacing=dp(theme.gap) / 2)
        words.add_widget(FitLabel(text=show.text, color=c.rgba("text"), font_name=FONT_BOLD,
                                  base_size=dp(theme.font_size("title", scale)), halign="left",
                                  line_height=line_height(theme), remember_fit=True))  # the step's prompt
        if error_here:
            words.add_widget(self._error(show.error, scale))
        header.add_widget(words)
        if show.can_cancel:  # a change from the summary: back to it with the old answer, beside the question
            header.add_widget(tile(theme, "cancel_change", self._t("ui_cancel_change"), theme.icon("check"),
                                   self.action, scale, orientation="horizontal", role="button_text",
                                   size_hint_x=0.3))
        return header

    def _error(self, text: str, scale: float, **kwargs: Any) -> Widget:
        theme, c = self.theme, self.theme.colours
        box = Panel(orientation="horizontal", background=list(c.rgba("error_background")),
                    border_color=list(c.rgba("error_text")), border_width=dp(3), padding=dp(8), **kwargs)
        box.add_widget(IconView(icon=theme.icon("warning"), size_hint_x=0.12, outline=list(c.rgba("error_text")),
                                outline_width=dp(theme.icon_outline)))
        box.add_widget(FitLabel(text=text, color=c.rgba("error_text"), font_name=FONT_BOLD,
                                base_size=dp(theme.font_size("body", scale)), halign="left",
                                line_height=line_height(theme)))
        return box

    def _content(self, show: ShowStep, scale: float, target: float) -> Widget:
        kind = show.step_kind
        if kind == "confirm" and show.summary:  # what the ID card gave, above 对 / 不对
            box = BoxLayout(orientation="vertical", spacing=dp(self.theme.gap))
            box.add_widget(device_screens.card_rows(self.theme, show, scale))
            box.add_widget(self._tiles(show, scale))
            return box
        if kind in ("choice", "confirm"):
            return self._tiles(show, scale)
        if kind in ("number", "text"):
            return self._entry(show, scale)
        if kind == "summary":
            return self._summary(show, scale, target)
        if kind == "signature":
            content, self.pad = device_screens.signature(self.theme, self.action, self._t, show, scale, self.strokes)
            return content
        if kind in self.real_devices:
            # The printer answers by itself: its picture while it prints; after a failure, one button to try again.
            if not show.error:
                return IconView(icon=self.theme.icon(show.icon))
            return self._primary(self._t("ui_print_again"), "device:ok", show.icon, scale)
        if kind in HARDWARE_ACTION:
            return device_screens.device(self.theme, self.action, self._t, show, scale)
        if kind == "handoff":
            return self._handoff(show, scale, target)
        if kind == "feedback":
            return self._feedback(show, scale, target)
        return self._primary(show.button, "primary", "yes", scale)

    def _tiles(self, show: ShowStep, scale: float) -> Widget:
        n = len(show.tiles)
        cols = n if n <= 3 else 2 if n == 4 else 3
        grid = GridLayout(cols=cols, spacing=dp(self.theme.gap))
        # Two rows of tiles are wide and low: icon beside the word, so both stay large.
        orientation = "horizontal" if n > 3 else "vertical"
        for t in show.tiles:
            icon = self.theme.icon(t.icon)
            grid.add_widget(tile(self.theme, f"choice:{t.id}", t.text, icon, self.action, scale,
                                 primary=(show.step_kind == "confirm" and t.id == "yes") or t.id in show.selected,
                                 orientation=orientation,
                                 icon_share=0.38 if n > 3 else None))
        return grid

    def _primary(self, text: str, target_id: str, icon: str, scale: float) -> Widget:
        box = AnchorLayout(anchor_x="center", anchor_y="center")
        box.add_widget(tile(self.theme, target_id, text, self.theme.icon(icon), self.action, scale, primary=True,
                            orientation="horizontal", role="title", size_hint=(0.6, 0.7)))
        return box

    def _entry(self, show: ShowStep, scale: float) -> Widget:
        theme, c = self.theme, self.theme.colours
        row = BoxLayout(orientation="horizontal", spacing=dp(theme.gap))
        left = BoxLayout(orientation="vertical", size_hint_x=0.42, spacing=dp(theme.gap))
        display = Panel(orientation="vertical", background=list(c.rgba("surface")), border_width=dp(4),
                        border_color=list(c.rgba("focus")), size_hint_y=0.45, padding=dp(8))
        self._display = FitLabel(text=self._display_text(show), color=c.rgba("text"), font_name=FONT_BOLD,
                                 base_size=dp(theme.font_size("title", scale)))
        display.add_widget(self._display)
        if show.error:  # under the field it is about, beside the keypad that fixes it
            left.add_widget(display)
            left.add_widget(self._error(show.error, scale, size_hint_y=0.55))
        else:
            centred = AnchorLayout(anchor_y="center")
            centred.add_widget(display)
            left.add_widget(centred)
        row.add_widget(left)
        self._keypad = Keypad(theme, self.action, scale, self._t("ui_enter"), self._t("ui_delete"),
                              KEYPADS.get(show.keypad, KEYPADS[DEFAULT_KEYPAD]), show.max_length, size_hint_x=0.58)
        self._keypad.typed(len(self.typed))
        row.add_widget(self._keypad)
        return row

    def _display_text(self, show: ShowStep) -> str:
        return f"{self.typed or '＿'} {show.unit}".strip()

    def _summary(self, show: ShowStep, scale: float, target: float) -> Widget:
        theme, c = self.theme, self.theme.colours
        box = BoxLayout(orientation="vertical", spacing=dp(theme.gap) / 2)
        rows = BoxLayout(orientation="vertical", spacing=dp(6))
        for row in show.summary:
            # Rows share the height left (at least a touch target each on the demo flows, checked in tests).
            line = Panel(orientation="horizontal", background=list(c.rgba("surface")), padding=(dp(8), 0, 0, 0),
                         spacing=dp(theme.gap), border_width=dp(2), border_color=list(c.rgba("strip_todo")))
            line.add_widget(FitLabel(text=row.label, color=c.rgba("muted_text"), size_hint_x=0.3,
                                     base_size=dp(theme.font_size("body", scale)), halign="left"))
            line.add_widget(FitLabel(text=row.answer, color=c.rgba("text"), font_name=FONT_BOLD, size_hint_x=0.45,
                                     base_size=dp(theme.font_size("body", scale)), halign="left"))
            line.add_widget(tile(theme, f"change:{row.step}", self._t("ui_change"), theme.icon("change"), self.action,
                                 scale, orientation="horizontal", role="button_text", size_hint_x=0.25))
            rows.add_widget(line)
        box.add_widget(rows)
        button = AnchorLayout(size_hint_y=None, height=target)
        button.add_widget(tile(theme, "primary", show.button, theme.icon("yes"), self.action, scale, primary=True,
                               orientation="horizontal", role="button_text", size_hint=(0.5, 1)))
        box.add_widget(button)
        return box

    def _handoff(self, show: ShowStep, scale: float, target: float) -> Widget:
        """The ticket (or, before it prints, how to undo the call) beside what was done so far, then the button."""
        theme, c = self.theme, self.theme.colours
        body = dp(theme.font_size("body", scale))
        box = BoxLayout(orientation="vertical", spacing=dp(theme.gap))
        row = BoxLayout(orientation="horizontal", spacing=dp(theme.gap))
        ticket = Panel(orientation="vertical", background=list(c.rgba("surface")), border_width=dp(4),
                       border_color=list(c.rgba("text")), padding=dp(10), size_hint_x=0.5)
        if show.printed and self.ticket is not None:
            ticket.add_widget(FitLabel(text=self._t("ui_ticket_number"), color=c.rgba("muted_text"),
                                       base_size=body, size_hint_y=0.22))
            ticket.add_widget(FitLabel(text=self.ticket.number, color=c.rgba("text"), font_name=FONT_BOLD,
                                       # One size at every text setting: already the largest thing on any screen,
                                       # and never drawn smaller at a larger setting (SM511) for want of room.
                                       base_size=dp(theme.font_size("title", 1.0) * 1.3), size_hint_y=0.4))
            # Two lines at the largest sizes ("请到2号人才签注窗口"): the window is what the applicant must read.
            ticket.add_widget(FitLabel(text=self._t("ui_go_to_window", window=self.ticket.window),
                                       color=c.rgba("text"), base_size=body, size_hint_y=0.38,
                                       line_height=line_height(theme)))
        elif show.can_back:  # the call is not final yet: say how to undo it, where Back is
            ticket.add_widget(FitLabel(text=self._t("ui_undo_call"), color=c.rgba("text"), font_name=FONT_BOLD,
                                       base_size=body, line_height=line_height(theme)))
        row.add_widget(ticket)
        row.add_widget(self._done_so_far(show, body, scale))
        box.add_widget(row)
        box.add_widget(self._primary_row(show.button, scale, target))
        return box

    def _feedback(self, show: ShowStep, scale: float, target: float) -> Widget:
        """好差评: the five faces (or what was hard, the chosen ones filled), and 跳过 / 好了 under them."""
        box = BoxLayout(orientation="vertical", spacing=dp(self.theme.gap))
        box.add_widget(self._tiles(show, scale))  # a chosen tile is drawn as the primary button: filled, framed
        box.add_widget(self._primary_row(show.button, scale, target))
        return box

    def _primary_row(self, text: str, scale: float, target: float) -> Widget:
        """The one big button under the content: half the width, centred, one touch target high."""
        row = AnchorLayout(size_hint_y=None, height=target)
        row.add_widget(tile(self.theme, "primary", text, self.theme.icon("yes"), self.action, scale, primary=True,
                            orientation="horizontal", role="button_text", size_hint=(0.5, 1)))
        return row

    def _done_so_far(self, show: ShowStep, body: float, scale: float) -> Widget:
        """What the applicant had done and where they stopped, large: the staff read it off the screen too.

        At the largest text sizes only the last few things done fit at 30 dp; the slip has them all.
        """
        c = self.theme.colours
        panel = Panel(orientation="vertical", background=list(c.rgba("surface")), border_width=dp(2),
                      border_color=list(c.rgba("strip_todo")), padding=dp(10), size_hint_x=0.5)
        summary = show.done_so_far
        rows = list(summary.done) if summary else []
        keep = 3  # the same few at every text size, so a larger setting never draws them smaller
        shown_rows = rows[-keep:]
        done = ("… · " if len(rows) > keep else "") + " · ".join(f"{r.label} {r.answer}".strip() for r in shown_rows)
        done = done if rows else ""
        panel.add_widget(FitLabel(text=self._t("ui_done_so_far"), color=c.rgba("muted_text"), base_size=body,
                                  halign="left", size_hint_y=0.25))
        panel.add_widget(FitLabel(text=done or "—", color=c.rgba("text"), font_name=FONT_BOLD, base_size=body,
                                  halign="left", line_height=line_height(self.theme), size_hint_y=0.5))
        stopped = summary.stopped_at if summary else ""
        if len(stopped) > 12:  # a long step title is the flow's problem, reported at its step; the slip has it whole
            stopped = stopped[:11] + "…"
        panel.add_widget(FitLabel(text=self._t("ui_stopped_at", step=stopped), color=c.rgba("text"),
                                  font_name=FONT_BOLD, base_size=body, halign="left", size_hint_y=0.25))
        return panel

    def _bottom_bar(self, show: ShowStep, scale: float, target: float) -> BoxLayout:
        theme = self.theme
        bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=target, spacing=dp(theme.gap) / 2)
        language = show.language_button
        buttons = [("bar:repeat", self._t("ui_repeat"), "repeat"), ("bar:bigger", self._t("ui_bigger"), "bigger_text"),
                   ("bar:smaller", self._t("ui_smaller"), "smaller_text"), ("bar:language", language, "language"),
                   ("bar:back", self._t("ui_back"), "back")]
        for target_id, text, icon in buttons:
            # Icon above the word: six buttons share the width, so the word gets all of a button's width.
            button = tile(theme, target_id, text, theme.icon(icon), self.action, scale, orientation="vertical",
                          role="button_text", icon_share=0.36, padding=dp(5), spacing=0)
            if target_id == "bar:back" and not show.can_back:
                button.enabled = False
                button.opacity = DISABLED_OPACITY
            bar.add_widget(button)
        bar.add_widget(tile(theme, "bar:staff", self._t("ui_staff"), theme.icon("staff"), self.action, scale,
                            danger=True, orientation="horizontal", role="button_text", size_hint_x=1.7,
                            icon_share=0.25))
        return bar

    # ---- changes within a step ----------------------------------------------------------------
    def forget(self) -> None:
        """Drop everything of the last applicant: the screen shown, the typed digits, the ticket, and the labels
        that showed them (the next screen is built anew)."""
        self.current = None
        self.typed = ""
        self.ticket = None
        self.wipe_signature()
        self._display = None
        self._keypad = None
        self._overlay_label = None
        self.clear_warning()
        forget_measured()

    def wipe_signature(self) -> None:
        """重签, a new step, a refusal, the next applicant: every point of the strokes forgotten, the pad empty."""
        self.strokes.clear()
        if self.pad is not None:
            self.pad.redraw()

    def signature_verdict(self) -> str:
        """What the pad's strokes are against the step's limits (ok, empty, too_small, too_short)."""
        limits = self.current.signature if self.current is not None else None
        return verdict(self.strokes.measure(), limits or SignatureLimits())

    def simulate_signature(self, kind: str = "ok") -> None:
        """The simulator's hand writes a signature on the pad (the same strokes the pilot's finger draws)."""
        if self.pad is None or self.current is None:
            return
        self.pad.draw(sample_strokes(kind, self.current.signature or SignatureLimits(), *self.pad.size_mm))

    def type_key(self, key: str) -> None:
        assert self.current is not None
        if key == "del":
            self.typed = self.typed[:-1]
        elif not key.isdigit() and key not in KEYPADS.get(self.current.keypad, KEYPADS[DEFAULT_KEYPAD]).letters_now(
                len(self.typed), self.current.max_length):
            return  # a letter this field cannot take here (X before the last character)
        elif len(self.typed) < self.current.max_length:
            self.typed += key
        if self._display is not None:
            self._display.text = self._display_text(self.current)
        if self._keypad is not None:
            self._keypad.typed(len(self.typed))

    def set_ticket(self, ticket: Ticket) -> None:
        self.ticket = ticket
        if self.current is not None and self.current.step_kind == "handoff":
            self._rebuild()

    def _open_overlay(self, title: str) -> tuple[Panel, float]:
        """A panel over the step (time-out warning, help) with its title; returns it and the text scale."""
        theme, c = self.theme, self.theme.colours
        scale = float(self.current.settings.get("text_scale", 1.0)) if self.current else 1.0
        self.clear_warning()
        panel = Panel(orientation="vertical", background=list(c.rgba("surface")), border_width=dp(6),
                      border_color=list(c.rgba("focus")), padding=dp(24), spacing=dp(theme.gap),
                      size_hint=(None, None))
        # Over the step between its bars, border included: a share of the window ran into the step dots and the
        # top buttons once the bars grew with the text (x2.0). The bars stay where the applicant knows them.
        if self._body is not None:
            body = self._body

            def follow(*_: Any) -> None:
                panel.pos, panel.size = body.pos, body.size

            body.bind(pos=follow, size=follow)
            follow()
        panel.add_widget(FitLabel(text=title, color=c.rgba("text"), font_name=FONT_BOLD,
                                  base_size=dp(theme.font_size("title", scale)), line_height=line_height(theme)))
        self.overlay = panel
        self.add_widget(panel)
        return panel, scale

    def warn(self, warning: WarnTimeout) -> None:
        theme, c = self.theme, self.theme.colours
        panel, scale = self._open_overlay(self._t("ui_still_there"))
        self._overlay_label = FitLabel(text=self._t("ui_seconds_left", seconds=int(warning.seconds_left)),
                                       color=c.rgba("text"), base_size=dp(theme.font_size("body", scale)),
                                       size_hint_y=0.4)
        panel.add_widget(self._overlay_label)
        panel.add_widget(tile(theme, "overlay:more_time", self._t("ui_more_time"), theme.icon("more_time"), self.action,
                              scale, primary=True, orientation="horizontal", role="title"))

    def show_help(self, help_: ShowHelp) -> None:
        """The help, on the screen as well as spoken (for applicants who hear poorly), with a way to staff."""
        theme = self.theme
        panel, scale = self._open_overlay(help_.text)
        buttons = BoxLayout(orientation="horizontal", spacing=dp(theme.gap), size_hint_y=0.45)
        if "staff" in help_.offers:
            buttons.add_widget(tile(theme, "overlay:help_staff", self._t("ui_staff"), theme.icon("staff"),
                                    self.action, scale, danger=True, orientation="horizontal", role="button_text"))
        buttons.add_widget(tile(theme, "overlay:close", self._t("ui_close"), theme.icon("yes"), self.action, scale,
                                primary=True, orientation="horizontal", role="button_text"))
        panel.add_widget(buttons)

    def count_down(self, seconds: float) -> None:
        if self._overlay_label is not None:
            self._overlay_label.text = self._t("ui_seconds_left", seconds=max(0, int(seconds)))

    def clear_warning(self) -> None:
        if self.overlay is not None:
            self.remove_widget(self.overlay)
            self.overlay = None
            self._overlay_label = None

    # ---- looking at it ------------------------------------------------------------------------
    def highlight(self, target_id: str) -> None:
        """Mark the tile being read aloud with a thick focus border (shape, not colour alone); "" clears."""
        focus = list(self.theme.colours.rgba("focus"))
        for tid, widget in self.targets().items():
            widget.set_highlight(tid == target_id, focus, dp(9))

    def targets(self) -> dict[str, PressPanel]:
        found: dict[str, PressPanel] = {}
        for w in self.walk(restrict=True):
            if isinstance(w, PressPanel) and w.target_id:
                found[w.target_id] = w
        return found

    def labels(self) -> list[FitLabel]:
        return [w for w in self.walk(restrict=True) if isinstance(w, FitLabel)]
