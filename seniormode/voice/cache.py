"""A content-addressed cache of rendered prompts: one WAV per (engine, versions, voice, rate, spoken text)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".wav"


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/seniormode/voice` (or `~/.cache/...`): renders survive a kiosk restart."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seniormode" / "voice"


def cache_key(engine: str, engine_version: str, binding_version: str, voice: str, rate: int, text: str) -> str:
    """SHA-256 (hex) of everything that changes the audio; a new espeak-ng or pyttsx3 gives new keys."""
    fields = {"engine": engine, "engine_version": engine_version, "binding_version": binding_version,
              "voice": voice, "rate": int(rate), "text": text}
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    stores: int

    @property
    def hit_rate(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0


class VoiceCache:
    """WAV files under `root/<key[:2]>/<key>.wav`, written atomically (temporary file, then rename)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0
        self._stores = 0

    def path_for(self, key: str) -> Path:
        if len(key) < 3 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def lookup(self, key: str) -> Path | None:
        """The cached WAV for `key`, or None; counts a hit or a miss."""
        path = self.path_for(key)
        found = path.is_file() and path.stat().st_size > 0
        with self._lock:
            if found:
                self._hits += 1
            else:
                self._misses += 1
        return path if found else None

    def __contains__(self, key: str) -> bool:
        path = self.path_for(key)
        return path.is_file() and path.stat().st_size > 0

    def scratch_path(self, key: str) -> Path:
        """A fresh path next to where `key` will live, for a renderer to write into before `store`."""
        final = self.path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".part" + SUFFIX, dir=final.parent)
        os.close(fd)
        return Path(name)

    def store(self, key: str, source: str | Path, *, move: bool = True) -> Path:
        """Put the WAV at `source` into the cache under `key` and return its cache path.

        Readers never see a half-written file: the WAV is renamed into place (atomic on POSIX); when it
        lives on another file system it is first copied to a temporary file beside the final name.
        """
        final = self.path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        source = Path(source)
        moved = False
        if move:
            try:
                os.replace(source, final)
                moved = True
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
        if not moved:
            self._copy_into_place(source, final)
            if move:
                source.unlink(missing_ok=True)
        with self._lock:
            self._stores += 1
        return final

    @staticmethod
    def _copy_into_place(source: Path, final: Path) -> None:
        fd, name = tempfile.mkstemp(prefix=f".{final.stem[:16]}.", suffix=".part" + SUFFIX, dir=final.parent)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, final)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def store_bytes(self, key: str, data: bytes) -> Path:
        scratch = self.scratch_path(key)
        try:
            scratch.write_bytes(data)
            return self.store(key, scratch)
        except BaseException:
            scratch.unlink(missing_ok=True)
            raise

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, self._stores)

    def reset_stats(self) -> None:
        with self._lock:
            self._hits = self._misses = self._stores = 0

    def entries(self) -> list[Path]:
        """Every cached WAV (not the temporary files of writes in progress)."""
        return sorted(p for p in self.root.glob(f"??/*{SUFFIX}") if not p.name.startswith("."))
