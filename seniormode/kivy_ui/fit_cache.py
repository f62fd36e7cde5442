"""Text sizes that fit, kept on disk, so that a kiosk that starts again does not search them again.

FitLabel searches the largest size at which its words fit their box (widgets.py, `_largest_fitting`); every size
it tries, SDL2 opens the font face at that size and measures the words: 48-55 ms of a cold kiosk's first screen on
the 2026-12-08 VM, for sizes never drawn. The size found depends only on the words, the font files, the box and
the label's settings, and on the code that searches (widgets.py, core/wording.py) and measures (Kivy's version,
which pins the SDL2_ttf it bundles); so a size found once is kept, one JSON line an entry, in a file named by a
hash of that code, and each entry keyed by the rest, the font files by path, size and modification time.

Only the flow's and the kiosk's own words are kept (FitLabel.remember_fit, set where a label shows them): never a
label that shows what an applicant typed or read from a card. Reading is best effort like the emoji outlines'
cache (outline_cache.py): a line that does not parse is skipped, a home that cannot be written is left alone, and
what was not kept is searched again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4096  # a file that grew past this (many flows, many text sizes) is started anew
_known: dict[str, float] | None = None
_faces: dict[str, list[Any]] = {}
_file: list[Path] = []  # named once a process: the code it hashes does not change under a running kiosk


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seniormode" / "fits"


def _code_digest() -> str:
    import kivy

    digest = hashlib.sha256(f"kivy {kivy.__version__}".encode())
    here = Path(__file__).resolve().parent
    for source in (here / "widgets.py", here.parent / "core" / "wording.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def cache_file() -> Path:
    if not _file:
        _file.append(cache_dir() / f"{_code_digest()}.jsonl")
    return _file[0]


def _face(path: str) -> list[Any]:
    """A font file as it is now: its path, size and modification time (a file replaced is another face)."""
    known = _faces.get(path)
    if known is None:
        try:
            st = os.stat(path)
            known = [path, st.st_size, st.st_mtime_ns]
        except OSError:
            known = [path, None, None]
        _faces[path] = known
    return known


def faces_of(font_name: str) -> list[Any]:
    """The files Kivy may open for `font_name`: a registered family's four, or the file it names."""
    from kivy.core.text import LabelBase
    from kivy.resources import resource_find

    registered = LabelBase._fonts.get(font_name)  # noqa: SLF001 - the files LabelBase.register was given
    paths = list(registered) if registered else [resource_find(font_name) or font_name]
    return [_face(str(p)) for p in paths]


def key_of(parts: list[Any]) -> str:
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def _load() -> dict[str, float]:
    global _known
    if _known is None:
        _known = {}
        try:
            lines = cache_file().read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        if len(lines) > MAX_ENTRIES:
            _forget_file()
            lines = []
        for line in lines:
            try:
                key, size = json.loads(line)
            except (ValueError, TypeError):
                continue  # a line cut short by a kiosk killed mid-write, or not ours
            if isinstance(key, str) and isinstance(size, (int, float)) and not isinstance(size, bool):
                _known[key] = float(size)
    return _known


def recall(key: str) -> float | None:
    return _load().get(key)


def remember(key: str, size: float) -> None:
    """Keep a size found (best effort: a home that cannot be written keeps nothing)."""
    known = _load()
    if key in known:
        return
    known[key] = size
    try:
        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:  # one short append: whole lines or a cut last one
            fh.write(json.dumps([key, size], ensure_ascii=False) + "\n")
    except OSError:
        pass


def _forget_file() -> None:
    try:
        cache_file().unlink()
    except OSError:
        pass


def forget_read() -> None:
    """Forget what this process read and where, so that the next recall reads the file again (XDG_CACHE_HOME
    changed, a font file replaced)."""
    global _known
    _known = None
    _faces.clear()
    _file.clear()
