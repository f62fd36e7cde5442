"""Emoji outlines kept on disk, so a kiosk that starts again does not compute them again.

An outline ring is twelve bilinear shifts of the emoji's silhouette (seniormode/kivy_ui/widgets.py,
emoji_outline): about 2 ms an emoji, and the first screen has a dozen of them: 54 of the 94 ms a cold kiosk spent
between building its first screen and drawing it. The ring depends only on the silhouette's pixels, the reach, the
number of shifts and Pillow's resampling, so the file is named by a hash of exactly those; a file that does not
unpack to the ring's length is ignored and made again. Kept compressed (a ring is mostly empty). Written to a
temporary file and renamed: a kiosk killed mid-write leaves no half ring behind.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable
from pathlib import Path


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seniormode" / "outlines"


def ring(alpha: bytes, size: tuple[int, int], reach: float, steps: int, length: int,
         compute: Callable[[], bytes]) -> bytes:
    """The ring's `length` bytes: from the cache when it has them, else `compute()`d and kept (best effort)."""
    import PIL

    digest = hashlib.sha256(alpha)
    digest.update(f"|{size[0]}x{size[1]}|{reach!r}|{steps}|{length}|pillow {PIL.__version__}".encode())
    path = cache_dir() / f"{digest.hexdigest()[:32]}.ring"
    try:
        data = zlib.decompress(path.read_bytes(), bufsize=length)
        if len(data) == length:
            return data
    except (OSError, zlib.error):
        pass
    data = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(zlib.compress(data, 6))
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: compute it again next start
    return data
