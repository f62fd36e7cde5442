"""Which characters the theme's screen font can draw: Kivy has no font fallback, so any other one is a box.

The character map of the face is read with fontTools (from a `.ttc` collection, the theme's family's face)
and kept in ~/.cache/seniormode as code-point ranges, so a lint run does not parse a 20 MB font every time.
"""

from __future__ import annotations

import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..core.flow import Flow
from ..core.i18n import SOURCE_LOCALE, Catalogs
from ..core.problems import Location, Problem
from ..core.theme import Theme
from ..translations import flow_messages

# Drawn as nothing, on purpose: the line break a long prompt may have, and the space.
NEVER_DRAWN = {"\n", "\r", "\t", " "}


def _cache_file(font: Path, family: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    stat = font.stat()
    slug = "".join(c if c.isalnum() else "-" for c in f"{font.stem}-{family}")
    return base / "seniormode" / "cmaps" / f"{slug}-{stat.st_size}-{int(stat.st_mtime)}.json"


def _ranges(points: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for p in sorted(points):
        if out and p == out[-1][1] + 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


@lru_cache(maxsize=8)
def covered(font: Path, family: str) -> frozenset[int]:
    """Code points the face `family` of `font` has a glyph for (the collection's first face if none is named so)."""
    cache = _cache_file(font, family)
    try:
        ranges = json.loads(cache.read_text())
        return frozenset(p for lo, hi in ranges for p in range(lo, hi + 1))
    except (OSError, ValueError, TypeError):
        pass
    from fontTools.ttLib import TTCollection, TTFont

    if font.suffix.lower() in (".ttc", ".otc"):
        faces = TTCollection(str(font), lazy=True).fonts
        face = next((f for f in faces if f["name"].getDebugName(1) == family), faces[0])
    else:
        face = TTFont(str(font), lazy=True)
    points = sorted(face.getBestCmap() or {})
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_ranges(points)))
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home: read the font again next time
    return frozenset(points)


def glyph_problems(flow: Flow, theme: Theme, locales_dir: Path | None = None) -> list[Problem]:
    """An SM505 error for each string the screen shows with a character its font cannot draw.

    Spoken-only words (`say:`) are never drawn. With `locales_dir`, each translation the flow's other screen
    languages show is checked too, at the flow's line of the string (the catalog names the translation).
    """
    font = theme.font.regular_path()
    if font is None:
        return []  # the theme check already says the font is missing
    try:
        have = covered(font, theme.font.family)
    except ImportError:
        return []  # fontTools comes with the kiosk extra; without it the kiosk cannot run either
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds on a damaged or wrong file
        return [Problem("SM004", f"the theme's font {font} cannot be read ({type(exc).__name__}: {exc})",
                        theme.location("font"), hint="point 'font: regular:' at an OpenType/TrueType font")]
    catalogs = Catalogs(locales_dir) if locales_dir is not None else None
    languages = [SOURCE_LOCALE] + [loc for loc in flow.languages.display if loc != SOURCE_LOCALE]
    found: list[Problem] = []
    lines: list[str] | None = None
    for text, _ in flow_messages(flow):
        if text.key.endswith("/say"):
            continue
        for language in languages:
            if language != SOURCE_LOCALE and catalogs is None:
                break
            shown = text.value if language == SOURCE_LOCALE else catalogs.translate(text, language)  # type: ignore[union-attr]
            if language != SOURCE_LOCALE and shown == text.value:
                continue  # not translated: the source text, checked above
            missing = sorted({c for c in shown if c not in NEVER_DRAWN and ord(c) not in have}, key=shown.index)
            if not missing:
                continue
            if lines is None:
                lines = _source_lines(flow.file)
            where = _at_character(text.location, missing[0], lines) if language == SOURCE_LOCALE else text.location
            chars = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            whose = "" if language == SOURCE_LOCALE else f" in its {language} translation"
            found.append(Problem("SM505", f"{theme.font.family} cannot draw {chars}{more}{whose}; the kiosk would "
                                          "show a box", where,
                                 hint="use a word instead; icons go in 'icon:', not in the text"))
    return found


def _source_lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []


def _at_character(location: Location, char: str, lines: list[str]) -> Location:
    """The column of the first undrawable character, when it is on the line where the text starts."""
    if 0 < location.line <= len(lines):
        found = lines[location.line - 1].find(char, location.column - 1)
        if found >= 0:
            return Location(location.file, location.line, found + 1)
    return location
