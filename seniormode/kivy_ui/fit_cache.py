"""Text sizes that fit, kept on disk, so that a kiosk that starts again does not search them again.

FitLabel searches the largest size at which its words fit their box (widgets.py, `_largest_fitting`); every size
it tries, SDL2 opens the font face at that size and measures the words: 48-55 ms of a cold kiosk's first screen on
the 2026-12-08 VM, for sizes never drawn. The size found depends only on the words, the font files, the box and
the label's settings, and on the code that searches (widgets.py, core/wording.py) and measures (Kivy's version,
which pins the SDL2_ttf it bundles); so a size found once is kept, one line an entry, in a file named by a
hash of that code and Kivy's text provider, each entry keyed by a hash of the rest (the font files by path, size
and modification time): a line of 32 hex digits and a size.

Only the flow's and the kiosk's own words are kept (FitLabel.remember_fit, set where a label shows them): never a
label that shows what an applicant typed or read from a card. Reading is best effort like the emoji outlines'
cache (outline_cache.py): a line that does not read back is skipped (and the file written anew), a home that
cannot be written is left alone, and what was not kept is searched again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4096  # a file that grew past this (many flows, many text sizes) is started anew
_known: dict[str, float] | None = None
_lines = 0  # lines in the file, as this process read and wrote it
_damaged = False  # a line of the file did not read back: written anew at the next size kept
_faces: dict[str, list[Any]] = {}
_file: list[Path] = []  # named once a process: the code it hashes does not change under a running kiosk


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seniormode" / "fits"


def _code_digest() -> str:
    import kivy
    from kivy.core.text import Label as CoreLabel

    # Kivy's version pins the SDL2_ttf and FreeType its wheel bundles; the provider is the one that measures.
    provider = f"{CoreLabel.__module__}.{CoreLabel.__name__}"
    digest = hashlib.sha256(f"kivy {kivy.__version__} {provider}".encode())
    here = Path(__file__).resolve().parent
    for source in (here / "widgets.py", here.parent / "core" / "wording.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def cache_file() -> Path:
    if not _file:
        _file.append(cache_dir() / f"{_code_digest()}.fits")
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
    """What a size is kept under: a hash of everything it depends on (short lines, quick to read back; the words
    themselves are not written down)."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _entry(line: bytes) -> tuple[str, float] | None:
    """A line's key and size, or None when it is not a whole line of ours (cut short by a kiosk killed
    mid-write, damaged on the disk, or written by something else)."""
    parts = line.split()
    if len(parts) != 2 or len(parts[0]) != 32:
        return None
    try:
        key, size = parts[0].decode("ascii"), float(parts[1])
        int(key, 16)
    except (UnicodeDecodeError, ValueError, OverflowError):
        return None
    return (key, size) if math.isfinite(size) and 0 < size < 10_000 else None


def _load() -> dict[str, float]:
    global _known, _lines, _damaged
    if _known is None:
        _known, _lines, _damaged = {}, 0, False
        try:
            data = cache_file().read_bytes()
        except OSError:
            data = b""
        lines = data.splitlines()
        if data and not data.endswith(b"\n"):  # the last line was cut short (a power cut, a full disk): its size
            lines.pop()  # may be cut too ('4' of '44.0'), so it is not read
            _damaged = True
        if len(lines) > MAX_ENTRIES:
            _forget_file()
            lines = []
        for line in lines:
            found = _entry(line)
            if found is None:
                _damaged = True  # written anew at the next size kept
            else:
                _known[found[0]] = found[1]
        _lines = len(lines)
    return _known


def recall(key: str) -> float | None:
    return _load().get(key)


def remember(key: str, size: float) -> None:
    """Keep a size found (best effort: a home that cannot be written keeps nothing).

    Appended as one short line; a file past MAX_ENTRIES or with a damaged line is written anew (to a temporary
    file, then renamed), and the files of other versions of the code are removed then."""
    global _known, _lines, _damaged
    known = _load()
    if key in known or not (math.isfinite(size) and 0 < size < 10_000):
        return
    if _lines >= MAX_ENTRIES:
        known.clear()
        _damaged = True
    known[key] = size
    try:
        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        if _damaged or _lines == 0:
            _write_anew(path, known)
            _lines, _damaged = len(known), False
        else:
            with path.open("ab") as fh:
                fh.write(f"{key} {size!r}\n".encode("ascii"))
            _lines += 1
    except OSError:
        pass


def _write_anew(path: Path, known: dict[str, float]) -> None:
    for pattern in ("*.fits", "*.jsonl", "*.tmp"):  # other versions' sizes (that code is gone), and what a kiosk
        for other in path.parent.glob(pattern):  # stopped mid-write left
            if other != path:
                try:
                    other.unlink()
                except OSError:
                    pass
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes("".join(f"{k} {v!r}\n" for k, v in known.items()).encode("ascii"))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


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
