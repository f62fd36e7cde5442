"""The terminal simulator: shows what the screen would show and what the voice would say."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from .core.effects import (
    Effect,
    Finished,
    Handoff,
    PrintSlip,
    Rejected,
    Reset,
    ShowHelp,
    ShowStep,
    Speak,
    StartFlow,
    TimeoutCleared,
    WarnTimeout,
)
from .core.events import Event
from .core.flow import DEVICE_OK_KINDS
from .core.flow_links import FlowChain
from .core.session import Session

WIDTH = 64


def _settings_line(settings: dict[str, object], timeout: float) -> str:
    help_ = settings.get("help")
    offers = ",".join(help_) if isinstance(help_, tuple) else str(help_)
    return (f"text x{settings['text_scale']} · theme {settings['theme']} · speech {settings['speech_rate']} wpm · "
            f"time-out {timeout:g} s · view {settings['view_preset']} · help {offers} · "
            f"screen {settings['display_language']} · voice {settings['voice_language']}")


def render(effect: Effect) -> list[str]:
    """Plain-text lines for one effect, as a person at the kiosk would experience it."""
    if isinstance(effect, ShowStep):
        s = effect.strip
        dots = "●" * s.position + "○" * (s.total - s.position)
        lines = ["", "┌" + "─" * WIDTH, f"│ {effect.strip_label}  {dots}   [{effect.step}]",
                 f"│ [{effect.icon or '?'}]  {effect.text}"]
        if effect.error:
            lines.append(f"│ ⚠ {effect.error}")
        for i, tile in enumerate(effect.tiles, 1):
            lines.append(f"│   {i}) {tile.text}  [{tile.icon}]")
        for i, row in enumerate(effect.summary, 1):
            lines.append(f"│   {row.label}: {row.answer}   (c{i} = 修改)")
        if effect.step_kind in ("number", "text"):
            lines.append(f"│   输入: {effect.value or '＿'}   (type the value, then Enter)")
        if effect.amount is not None:
            lines.append(f"│   金额: {effect.amount:g}")
        if effect.step_kind in ("info", "summary", "end", "start_flow"):
            lines.append(f"│   [ {effect.button} ]  (Enter)")
        if effect.instruction:
            lines.append(f"│   ▶ {effect.instruction}")
        if effect.step_kind in ("id_card", *DEVICE_OK_KINDS, "fingerprint", "live_face"):
            fails = "a poor try" if effect.step_kind in ("fingerprint", "live_face") else "device fails"
            left = f"; {effect.tries_left} tries left" if effect.tries_left else ""
            lines.append(f"│   (Enter = simulate the device, f = {fails}{left})")
        if effect.step_kind == "signature":
            lines.append(f"│   [ 签名框 ]  [ {effect.button} ]  (Enter = a good signature, f = too small, "
                         "o = too short)")
        lines.append(f"│ settings: {_settings_line(effect.settings, effect.timeout)}")
        back = "b 返回 · " if effect.can_back else ""
        back += "u 取消修改 · " if effect.can_cancel else ""
        lines.append(f"│ {back}r 再听一遍 · ? 帮助 · s 叫工作人员 · q 退出")
        lines.append("└" + "─" * WIDTH)
        return lines
    if isinstance(effect, Speak):
        return [f"  🔊 ({effect.language}, {effect.rate} wpm, {effect.reason}) {effect.text}"]
    if isinstance(effect, ShowHelp):
        return [f"  ❓ {effect.text}  (offers: {', '.join(effect.offers)})"]
    if isinstance(effect, WarnTimeout):
        return [f"  ⏰ 您还在吗？ {effect.seconds_left:g} s to press 'I need more time' "
                f"({effect.extensions_left} extensions left)"]
    if isinstance(effect, TimeoutCleared):
        return [f"  ⏰ more time given ({effect.extensions_left} extensions left)"]
    if isinstance(effect, Handoff):
        return ["  🎫 ticket:"] + [f"     {line}" for line in effect.ticket.lines()]
    if isinstance(effect, PrintSlip):  # what the kiosk's printer would print (a kiosk.yaml printer: prints it)
        slip = effect.slip
        lines = [slip.window, *(f"{r.label} {r.value}".strip() for r in slip.rows), *slip.notes, slip.issued]
        return [f"  🖨 {slip.title} {slip.number}"] + [f"     {line}" for line in lines if line]
    if isinstance(effect, Finished):
        return ["  ✔ finished"]
    if isinstance(effect, StartFlow):
        given = ", ".join(f"{k}={v}" for k, v in effect.inputs.items()) or "nothing"
        return [f"  ➜ on to flow '{effect.flow}', handed over: {given}"]
    if isinstance(effect, Reset):
        return [f"  ↺ reset ({effect.reason}): every answer wiped"]
    if isinstance(effect, Rejected):
        return [f"  (ignored {effect.event}: {effect.reason})"]
    return []


def print_effects(effects: Iterable[Effect], out: TextIO) -> None:
    for e in effects:
        for line in render(e):
            print(line, file=out)


def key_to_event(key: str, shown: ShowStep | None) -> Event | None:
    """Map what a person types in the terminal to a session event."""
    key = key.strip()
    simple = {"b": "back", "r": "repeat", "?": "help", "s": "staff", "m": "extend", "x": "card_removed"}
    if key in simple:
        return Event(simple[key])
    if key.startswith("t") and key[1:].strip().isdigit():
        return Event("tick", float(key[1:]))
    if shown is None:
        return Event("ok")
    if key == "u" and shown.can_cancel:
        return Event("cancel_change")
    kind = shown.step_kind
    if kind in ("choice", "confirm"):
        if key.isdigit() and 1 <= int(key) <= len(shown.tiles):
            tile = shown.tiles[int(key) - 1]
            return Event(tile.id) if kind == "confirm" else Event("choose", tile.id)
        return None
    if kind == "summary" and key.startswith("c") and key[1:].isdigit():
        i = int(key[1:])
        if 1 <= i <= len(shown.summary):
            return Event("change", shown.summary[i - 1].step)
        return None
    if kind in ("number", "text"):
        return Event("enter", key) if key else None
    if kind in ("id_card",):
        return Event("device_failed") if key == "f" else Event("card")
    if kind in (*DEVICE_OK_KINDS, "fingerprint", "live_face"):
        return Event("device_failed") if key == "f" else Event("device_ok")
    if kind == "signature":  # the terminal has no pad: the verdict a pad would give
        return Event("signed", {"f": "too_small", "o": "too_short"}.get(key, "ok"))  # s is 叫工作人员 everywhere
    return Event("ok") if key == "" else None


def interactive(session: Session | FlowChain, read: Callable[[str], str] = input, out: TextIO = sys.stdout,
                recorder: Any = None) -> int:
    """Play the flow at the terminal; with a journal recorder, every event goes into the journal too."""
    effects = session.start()
    if recorder is not None:
        recorder.started(effects)
    print_effects(effects, out)
    print("  keys: number = choose, Enter = OK/device, b back, r repeat, ? help, s staff, "
          "t30 = 30 s pass, m = more time, x = card removed, q quit", file=out)
    shown = _last_show(effects)
    while True:
        try:
            key = read("> ")
        except (EOFError, KeyboardInterrupt):
            print("", file=out)
            return 0
        if key.strip() == "q":
            return 0
        event = key_to_event(key, shown)
        if event is None:
            print("  (not a choice here: type a number from the list, or b/r/?/s/q)", file=out)
            continue
        effects = session.handle(event)
        if recorder is not None:
            recorder.handled(event, effects)
        print_effects(effects, out)
        shown = _last_show(effects) or shown


def _last_show(effects: list[Effect]) -> ShowStep | None:
    for e in reversed(effects):
        if isinstance(e, ShowStep):
            return e
    return None
