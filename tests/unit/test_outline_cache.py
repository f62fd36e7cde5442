"""The emoji outline cache on disk: computed once, read back the same, made again when damaged or unwritable."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.kivy_ui import outline_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "seniormode" / "outlines"


def counting(data: bytes) -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return data

    return calls, compute


def test_a_ring_is_computed_once_and_read_back_the_same(cache: Path) -> None:
    ring = bytes(range(256)) * 4
    calls, compute = counting(ring)
    assert outline_cache.ring(b"alpha", (32, 32), 3.0, 12, len(ring), compute) == ring  # type: ignore[arg-type]
    assert outline_cache.ring(b"alpha", (32, 32), 3.0, 12, len(ring), compute) == ring  # type: ignore[arg-type]
    assert len(calls) == 1 and len(list(cache.iterdir())) == 1


def test_another_silhouette_or_reach_is_another_ring(cache: Path) -> None:
    calls, compute = counting(b"\0" * 16)
    for alpha, reach in ((b"a", 3.0), (b"b", 3.0), (b"a", 2.75)):
        outline_cache.ring(alpha, (4, 4), reach, 12, 16, compute)  # type: ignore[arg-type]
    assert len(calls) == 3


def test_a_damaged_or_short_file_is_made_again(cache: Path) -> None:
    calls, compute = counting(b"\1" * 64)
    outline_cache.ring(b"a", (8, 8), 1.0, 12, 64, compute)  # type: ignore[arg-type]
    (file,) = cache.iterdir()
    for damage in (b"not zlib at all", b""):
        file.write_bytes(damage)
        assert outline_cache.ring(b"a", (8, 8), 1.0, 12, 64, compute) == b"\1" * 64  # type: ignore[arg-type]
    assert len(calls) == 3


def test_a_cache_path_that_is_a_file_still_gives_the_ring(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("not a folder")
    calls, compute = counting(b"\3" * 9)
    assert outline_cache.ring(b"a", (3, 3), 1.0, 12, 9, compute) == b"\3" * 9  # type: ignore[arg-type]
    assert outline_cache.ring(b"a", (3, 3), 1.0, 12, 9, compute) == b"\3" * 9  # type: ignore[arg-type]
    assert len(calls) == 2
