"""The bare reference for kiosk_bench: a kiosk screen's shape read off its widget tree, rebuilt in plain Kivy.

`shape_of` walks a shown StepView and records its layout boxes, labels (the text they show, at the size they were
drawn, in the same font file), buttons (a tile: its word and its emoji) and emoji images, as plain data. `build`
makes that shape from kivy.uix BoxLayout / GridLayout / AnchorLayout / Label / Button / Image, the way an app
written without seniormode would: no fitting, no rounded panels, no step dots (an empty Widget holds their place),
emoji textures rendered once per character from the same emoji font (what the kiosk's IconView shows too).
"""

from __future__ import annotations

from typing import Any

Node = tuple[Any, ...]

# size hints and fixed sizes, copied so the bare boxes get the same room
_HINTS = ("size_hint_x", "size_hint_y")


def _sizing(w: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"size_hint": (w.size_hint_x, w.size_hint_y)}
    if w.size_hint_x is None:
        out["width"] = w.width
    if w.size_hint_y is None:
        out["height"] = w.height
    return out


def shape_of(view: Any, fonts: dict[str, str]) -> tuple[Node, dict[str, int]]:
    """The screen under `view` as nested tuples, and what it counts: labels, buttons, images, characters, other."""
    from kivy.uix.anchorlayout import AnchorLayout
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.gridlayout import GridLayout
    from kivy.uix.image import Image
    from kivy.uix.label import Label

    from seniormode.kivy_ui.widgets import PressPanel

    counts = {"labels": 0, "buttons": 0, "images": 0, "chars": 0, "other": 0, "text_px": 0}

    def label(w: Any) -> dict[str, Any]:
        text = getattr(w, "shown", "") or w.text
        counts["chars"] += len(text.replace("\n", ""))
        counts["text_px"] += int(w.texture_size[0] * w.texture_size[1])
        return {"text": text, "font_name": fonts.get(w.font_name, w.font_name), "font_size": w.font_size,
                "color": list(w.color), "halign": w.halign}

    def walk(w: Any) -> Node:
        kids = list(reversed(w.children))  # Kivy keeps children last-added first
        if isinstance(w, PressPanel):
            counts["buttons"] += 1
            words = [label(k) for k in kids if isinstance(k, Label)]
            icons = [k for k in kids if isinstance(k, Image)]
            counts["images"] += len(icons)
            icon = (icons[0].icon, _sizing(icons[0])) if icons else None
            return ("button", w.orientation, w.padding, w.spacing, _sizing(w), words[0] if words else None, icon)
        if isinstance(w, Label):
            counts["labels"] += 1
            return ("label", label(w), _sizing(w))
        if isinstance(w, Image):
            counts["images"] += 1
            return ("image", getattr(w, "icon", ""), _sizing(w))
        if isinstance(w, GridLayout):
            return ("grid", w.cols, w.padding, w.spacing, _sizing(w), [walk(k) for k in kids])
        if isinstance(w, AnchorLayout):
            return ("anchor", w.anchor_x, w.anchor_y, _sizing(w), [walk(k) for k in kids])
        if isinstance(w, BoxLayout):  # seniormode's Panel is one: its rounded background is left out
            return ("box", w.orientation, w.padding, w.spacing, _sizing(w), [walk(k) for k in kids])
        counts["other"] += 1  # StepDots: a plain empty widget holds its place
        return ("blank", _sizing(w))

    roots = [walk(k) for k in reversed(view.children)]
    return ("float", roots), counts


class BareEmoji:
    """Emoji textures from the emoji font, rendered once per character (what a plain app would cache)."""

    STRIKE = 109  # NotoColorEmoji's one bitmap size

    def __init__(self, font_file: str):
        self.font_file = font_file
        self.textures: dict[str, Any] = {}

    def texture(self, char: str) -> Any:
        t = self.textures.get(char)
        if t is None:
            from kivy.core.text import Label as CoreLabel

            core = CoreLabel(text=char, font_name=self.font_file, font_size=self.STRIKE)
            core.refresh()
            t = self.textures[char] = core.texture
        return t


def build(node: Node, emoji: BareEmoji) -> Any:
    """Plain Kivy widgets for a shape from `shape_of`."""
    from kivy.uix.anchorlayout import AnchorLayout
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.floatlayout import FloatLayout
    from kivy.uix.gridlayout import GridLayout
    from kivy.uix.image import Image
    from kivy.uix.label import Label
    from kivy.uix.widget import Widget

    kind = node[0]
    if kind == "float":
        w: Any = FloatLayout()
        for child in node[1]:
            w.add_widget(build(child, emoji))
        return w
    if kind == "label":
        return Label(**node[1], **node[2])
    if kind == "image":
        return Image(texture=emoji.texture(node[1]) if node[1] else None, fit_mode="contain", **node[2])
    if kind == "blank":
        return Widget(**node[1])
    if kind == "button":
        _, orientation, padding, spacing, sizing, words, icon = node
        button = Button(**(words or {"text": ""}))
        if icon is None:
            button.size_hint = sizing["size_hint"]
            for k in ("width", "height"):
                if k in sizing:
                    setattr(button, k, sizing[k])
            return button
        box = BoxLayout(orientation=orientation, padding=padding, spacing=spacing, **sizing)
        box.add_widget(Image(texture=emoji.texture(icon[0]), fit_mode="contain", **icon[1]))
        box.add_widget(button)
        return box
    if kind == "grid":
        _, cols, padding, spacing, sizing, kids = node
        w = GridLayout(cols=cols, padding=padding, spacing=spacing, **sizing)
    elif kind == "anchor":
        _, ax, ay, sizing, kids = node
        w = AnchorLayout(anchor_x=ax, anchor_y=ay, **sizing)
    else:
        _, orientation, padding, spacing, sizing, kids = node
        w = BoxLayout(orientation=orientation, padding=padding, spacing=spacing, **sizing)
    for child in kids:
        w.add_widget(build(child, emoji))
    return w


def text_px(root: Any) -> int:
    """The area of all the text textures under `root` (what the GL blends for text), in pixels."""
    from kivy.uix.label import Label

    return sum(int(w.texture_size[0] * w.texture_size[1]) for w in root.walk(restrict=True) if isinstance(w, Label))
