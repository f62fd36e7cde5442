"""Fonts for Kivy, which has no font fallback and opens only the first face of a font collection.

Debian's Noto CJK ships as `.ttc` collections whose first face is Japanese;
Simplified Chinese is the third. We cut the theme's face (e.g. "Noto Sans CJK
SC") out of the collection once, with fontTools, into a cached `.otf`, so
Mandarin text is drawn with Chinese glyph shapes, not Japanese ones.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from kivy.core.text import LabelBase

from ..core.theme import Theme

log = logging.getLogger("seniormode.fonts")

FONT = "SeniorSans"
FONT_BOLD = "SeniorSansBold"
EMOJI_FONT = "SeniorEmoji"


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seniormode" / "fonts"


def face_file(path: Path, family: str, cache: Path | None = None) -> Path:
    """The file Kivy should open for `family`: `path` itself, or that face cut out of a collection."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return path
    cache = cache or cache_dir()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", family).strip("-")
    out = cache / f"{path.stem}-{slug}.otf"
    if out.is_file() and out.stat().st_mtime >= path.stat().st_mtime:
        return out
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for face in collection.fonts:
        if face["name"].getDebugName(1) == family:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(f".{os.getpid()}.tmp")
            face.save(str(tmp))
            tmp.replace(out)
            return out
    names = [f["name"].getDebugName(1) for f in collection.fonts]
    log.warning("no face '%s' in %s (it has %s); using its first face", family, path, ", ".join(names))
    return path


def register_fonts(theme: Theme) -> list[str]:
    """Register the theme's text and emoji fonts under our names; return what is missing."""
    missing = theme.font.missing()
    regular, bold, emoji = theme.font.regular_path(), theme.font.bold_path(), theme.font.emoji_path()
    if regular is not None:
        regular_face = face_file(regular, theme.font.family)
        LabelBase.register(FONT, str(regular_face))
        LabelBase.register(FONT_BOLD, str(face_file(bold, theme.font.family) if bold else regular_face))
    else:  # boxes for Chinese glyphs are better than no kiosk; the missing font is logged
        LabelBase.register(FONT, "Roboto-Regular.ttf")
        LabelBase.register(FONT_BOLD, "Roboto-Bold.ttf")
    LabelBase.register(EMOJI_FONT, str(emoji) if emoji is not None else "Roboto-Regular.ttf")
    return missing
