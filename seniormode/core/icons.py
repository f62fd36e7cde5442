"""The icon catalogue themes share (themes/icons.yaml): each icon's emoji, the words it means, where it is written."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Location, Problems, did_you_mean
from .reader import Fields
from .source import Mapping, Node, Scalar, Sequence, display_path, load_file

CATALOGUE_FILE = "icons.yaml"
ENTRY_KEYS = ("emoji", "synonyms")

# Code points that only mean something to a full emoji shaper; the kiosk draws each icon's code points one by one.
_SHAPED = {0x200D: "a zero-width joiner (ZWJ sequence)", 0x20E3: "a keycap sequence"}
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
_TAGS = range(0xE0020, 0xE0080)


@dataclass(frozen=True)
class IconCatalogue:
    """Icon name -> emoji, and -> the words it means; empty for a theme that brings every icon itself."""

    emoji: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict, compare=False)
    file: str = ""

    def meaning(self, word: str) -> str | None:
        """The icon that means `word` ('search' -> 'magnifier'), or None."""
        wanted = _normal(word)
        for name, words in self.synonyms.items():
            if wanted in (_normal(w) for w in words):
                return name
        return None

    def suggest(self, word: str) -> str:
        """A hint for an unknown icon: by meaning first, then by spelling, else every name the catalogue has."""
        by_meaning = self.meaning(word) or self.meaning(word.replace("_", " "))
        if by_meaning is not None:
            return f"did you mean '{by_meaning}' {self.emoji.get(by_meaning, '')}, which means '{word}'?"
        close = did_you_mean(word, self.emoji)
        if close:
            return close
        words = {_normal(w): name for name, ws in self.synonyms.items() for w in ws}
        near = difflib.get_close_matches(_normal(word), list(words), n=1, cutoff=0.75)
        if near:
            name = words[near[0]]
            return f"did you mean '{name}' {self.emoji.get(name, '')}, which means '{near[0]}'?"
        return f"the icons are: {', '.join(sorted(self.emoji))}"


def catalogue_path(theme_path: Path) -> Path:
    """The catalogue a theme file shares: icons.yaml beside it, else the one shipped in themes/."""
    beside = theme_path.parent / CATALOGUE_FILE
    return beside if beside.is_file() else shipped_catalogue()


def shipped_catalogue() -> Path:
    return Path(__file__).resolve().parents[2] / "themes" / CATALOGUE_FILE


_CACHE: dict[tuple[Path, int], tuple[IconCatalogue, Problems]] = {}


def load_catalogue(path: str | Path) -> tuple[IconCatalogue, Problems]:
    """Read a catalogue; an entry with a problem is left out (and said). Read once per file version."""
    path = Path(path)
    try:
        key = (path.resolve(), path.stat().st_mtime_ns)
    except OSError:
        key = (path, 0)
    if key not in _CACHE:
        _CACHE[key] = _read_catalogue(path)
    return _CACHE[key]


def _read_catalogue(path: Path) -> tuple[IconCatalogue, Problems]:
    problems = Problems()
    shown = display_path(path)
    root = load_file(path, problems, shown)
    catalogue = IconCatalogue(file=shown)
    if root is None:
        return catalogue, problems
    if not isinstance(root, Mapping):
        problems.error("SM102", "an icon catalogue holds 'icons:' and a list of names", root.location)
        return catalogue, problems
    f = Fields(root, ("icons",), problems, "the icon catalogue")
    node = f.mapping("icons", required=True, example="{wave: {emoji: 👋, synonyms: [welcome, 欢迎]}}")
    if node is not None:
        read_icons_into(catalogue, node, problems)
    return catalogue, problems


def read_icons_into(catalogue: IconCatalogue, node: Mapping, problems: Problems) -> None:
    """`name: 👋` or `name: {emoji: 👋, synonyms: [...]}` entries, into `catalogue` (a theme's override or the file)."""
    for name, value in node.items():
        emoji_node: Node | None = value
        words: tuple[str, ...] = ()
        if isinstance(value, Mapping):
            ef = Fields(value, ENTRY_KEYS, problems, f"icon '{name}'")
            emoji_node = value.get("emoji")
            if emoji_node is None:
                problems.error("SM103", f"icon '{name}' needs 'emoji'", value.location, "e.g. 'emoji: 👋'")
                continue
            words = tuple(str(s.value) for s in ef.string_list("synonyms")) if ef.has("synonyms") else ()
            syn = value.get("synonyms")
            if syn is not None and not isinstance(syn, Sequence):
                continue  # Fields said what is wrong with it
        if not isinstance(emoji_node, Scalar) or not isinstance(emoji_node.value, str) or not emoji_node.value.strip():
            where = emoji_node.location if emoji_node is not None else value.location
            problems.error("SM102", f"icon '{name}' should be one emoji", where,
                           "write the emoji after the ':', e.g. 'camera: 📷'")
            continue
        emoji = emoji_node.value.strip()
        trouble = unshapeable(emoji)
        if trouble:
            problems.error("SM108", f"icon '{name}' uses {trouble}", emoji_node.location,
                           "the kiosk draws icons without an emoji shaper: choose a single-character emoji")
            continue
        catalogue.emoji[name] = emoji
        if words:
            catalogue.synonyms[name] = words
        catalogue.locations[name] = emoji_node.location


def unshapeable(emoji: str) -> str:
    """What in an icon needs an emoji shaper the kiosk does not have, or '' when it draws code point by code point."""
    for ch in emoji:
        cp = ord(ch)
        if cp in _SHAPED:
            return _SHAPED[cp]
        if cp in _SKIN_TONES:
            return "a skin-tone modifier"
        if cp in _REGIONAL_INDICATORS:
            return "regional-indicator letters (a flag)"
        if cp in _TAGS:
            return "tag characters (a subdivision flag)"
    visible = [ch for ch in emoji if unicodedata.category(ch) not in ("Mn", "Me", "Cf")]
    if len(visible) > 1:
        return f"{len(visible)} characters ({emoji}); an icon is one emoji"
    return ""


def _normal(word: str) -> str:
    return " ".join(word.replace("_", " ").casefold().split())


__all__ = ["CATALOGUE_FILE", "IconCatalogue", "catalogue_path", "load_catalogue", "read_icons_into",
           "shipped_catalogue", "unshapeable"]
