"""The middle of a device step: the simulator's buttons, the live-face instruction, the signature pad."""

from __future__ import annotations

from collections.abc import Callable

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..core.devices import StrokeHolder
from ..core.effects import ShowStep
from ..core.theme import Theme
from .signature_pad import SignaturePad
from .widgets import FONT_BOLD, FitLabel, Panel, line_height, tile

Action = Callable[[str], None]
Words = Callable[..., str]  # a kiosk message's key (and values) -> its words in the screen's language

# The simulator's button on each device step: 模拟：<what the device does>, and what its failure is called.
HARDWARE_ACTION = {"id_card": "ui_card_action", "photo": "ui_photo_action", "payment": "ui_payment_action",
                   "print": "ui_print_action", "fingerprint": "ui_fingerprint_action",
                   "live_face": "ui_live_face_action", "signature": "ui_signature_action", "qr_scan": "ui_qr_action"}
HARDWARE_FAIL = {"fingerprint": "ui_fingerprint_fail", "live_face": "ui_live_face_fail"}
PAD_SHARE = 0.72  # of the width between the bars: a name written large fits, the buttons stay 20 mm


def device(theme: Theme, action: Action, t: Words, show: ShowStep, scale: float) -> Widget:
    """模拟 buttons: the device works (a clear print, a blink) or fails; the live face's instruction above them."""
    box = BoxLayout(orientation="vertical", spacing=dp(theme.gap), padding=(dp(40), dp(10)))
    c = theme.colours
    # The live face's instruction (请眨眨眼), large; after a failed try, how many are left before a person helps.
    words = [w for w in (show.instruction, t("ui_tries_left", tries=show.tries_left)
                                           if show.error and show.tries_left else "") if w]
    if words:
        panel = Panel(orientation="horizontal", background=list(c.rgba("surface")), border_width=dp(4),
                      border_color=list(c.rgba("focus")), padding=dp(8), size_hint_y=0.4)
        panel.add_widget(FitLabel(text="  ".join(words), color=c.rgba("text"), font_name=FONT_BOLD,
                                  base_size=dp(theme.font_size("title", scale)), line_height=line_height(theme)))
        box.add_widget(panel)
    row = BoxLayout(orientation="horizontal", spacing=dp(theme.gap))
    does = t("ui_simulate", action=t(HARDWARE_ACTION[show.step_kind]))
    fails = t(HARDWARE_FAIL[show.step_kind]) if show.step_kind in HARDWARE_FAIL else t("ui_simulate_fail")
    row.add_widget(tile(theme, "device:ok", does, theme.icon(show.icon), action, scale, primary=True,
                        orientation="horizontal", role="button_text", size_hint_x=0.6))
    row.add_widget(tile(theme, "device:fail", fails, theme.icon("warning"), action, scale,
                        orientation="horizontal", role="button_text", size_hint_x=0.4))
    box.add_widget(row)
    return box


def card_rows(theme: Theme, show: ShowStep, scale: float) -> Widget:
    """What the ID card gave (姓名 李阿姨, 户籍地 广东), one row each, to confirm: nothing to type or change."""
    c = theme.colours
    rows = BoxLayout(orientation="vertical", spacing=dp(6), size_hint_y=0.8)
    body = dp(theme.font_size("body", scale))
    for row in show.summary:
        line = Panel(orientation="horizontal", background=list(c.rgba("surface")), padding=(dp(12), 0),
                     spacing=dp(theme.gap), border_width=dp(2), border_color=list(c.rgba("strip_todo")))
        line.add_widget(FitLabel(text=row.label, color=c.rgba("muted_text"), size_hint_x=0.3, base_size=body,
                                 halign="left"))
        line.add_widget(FitLabel(text=row.answer, color=c.rgba("text"), font_name=FONT_BOLD, size_hint_x=0.7,
                                 base_size=dp(theme.font_size("title", scale)), halign="left"))
        rows.add_widget(line)
    return rows


def signature(theme: Theme, action: Action, t: Words, show: ShowStep, scale: float,
              holder: StrokeHolder) -> tuple[Widget, SignaturePad]:
    """The pad on the left; 签好了, 重签 and the simulator's 模拟：写一个签名 beside it."""
    c = theme.colours
    row = BoxLayout(orientation="horizontal", spacing=dp(theme.gap))
    pad = SignaturePad(holder, theme.screen_dpi / 25.4 / theme.density, ink=list(c.rgba("text")),
                       paper=list(c.rgba("surface")), border=list(c.rgba("focus")), size_hint_x=PAD_SHARE)
    row.add_widget(pad)
    side = BoxLayout(orientation="vertical", spacing=dp(theme.gap), size_hint_x=1 - PAD_SHARE)
    side.add_widget(tile(theme, "primary", show.button, theme.icon("yes"), action, scale, primary=True,
                         orientation="horizontal", role="button_text"))
    side.add_widget(tile(theme, "sign:clear", t("ui_sign_again"), theme.icon("keypad_delete"), action, scale,
                         orientation="horizontal", role="button_text"))
    side.add_widget(tile(theme, "device:ok", t("ui_simulate", action=t(HARDWARE_ACTION["signature"])),
                         theme.icon(show.icon), action, scale, orientation="horizontal", role="button_text"))
    row.add_widget(side)
    return row, pad


__all__ = ["HARDWARE_ACTION", "HARDWARE_FAIL", "card_rows", "device", "signature"]
