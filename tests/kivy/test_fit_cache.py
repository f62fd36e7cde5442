"""Fitted text sizes kept on disk: the next start reads the size instead of searching it, and draws the same."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.kivy

WORDS = "欢迎办理港澳签注续签，请先把身份证放在读卡区"


@pytest.fixture
def cache(kiosk_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from seniormode.kivy_ui import fit_cache
    from seniormode.kivy_ui.widgets import forget_measured

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fit_cache.forget_read()
    forget_measured()
    yield tmp_path / "seniormode" / "fits"
    fit_cache.forget_read()  # the next test reads the cache of its own XDG_CACHE_HOME
    forget_measured()


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every size search a FitLabel makes (FitLabel._largest_fitting), by the size it found."""
    from seniormode.kivy_ui.widgets import FitLabel

    found: list[float] = []
    search = FitLabel._largest_fitting

    def counted(self: Any, width: float) -> float:
        size = search(self, width)
        found.append(size)
        return size

    monkeypatch.setattr(FitLabel, "_largest_fitting", counted)
    return found


def fitted(pilot: Any, remember: bool = True, text: str = WORDS, size: tuple[int, int] = (420, 150)) -> Any:
    """A label of `text` in a box of `size` on the window, fitted and drawn: (font size, texture pixels)."""
    from kivy.core.window import Window

    from seniormode.kivy_ui.fonts import FONT_BOLD
    from seniormode.kivy_ui.widgets import FitLabel

    label = FitLabel(text=text, base_size=64, min_size=18, font_name=FONT_BOLD, line_height=1.1,
                     size_hint=(None, None), size=size, remember_fit=remember)
    Window.add_widget(label)
    try:
        pilot.frame(2)
        return label.font_size, bytes(label.texture.pixels)
    finally:
        Window.remove_widget(label)


def next_start() -> None:
    """What a kiosk started again has: nothing in memory, the cache on disk."""
    from seniormode.kivy_ui import fit_cache
    from seniormode.kivy_ui.widgets import forget_measured

    fit_cache.forget_read()
    forget_measured()


def entries(cache: Path) -> list[Any]:
    return [json.loads(line) for path in cache.glob("*.jsonl") for line in path.read_text("utf-8").splitlines()]


def test_a_size_found_is_read_back_at_the_next_start_and_draws_the_same(pilot: Any, cache: Path,
                                                                          searches: list[float]) -> None:
    size, pixels = fitted(pilot)
    assert searches == [size] and 18 < size < 64  # it had to shrink: a search, not the base size
    assert [found for _, found in entries(cache)] == [size]
    next_start()
    assert fitted(pilot) == (size, pixels)
    assert searches == [size], "the next start searched again"
    other_box = fitted(pilot, size=(300, 150))
    assert len(searches) == 2 and other_box[0] < size  # another box is another search


def test_a_label_not_marked_keeps_nothing_on_disk(pilot: Any, cache: Path, searches: list[float]) -> None:
    size, _ = fitted(pilot, remember=False, text="陈大伯 44010219450317661X")
    assert searches == [size]
    assert not cache.exists() or entries(cache) == []


def test_lines_cut_short_or_not_ours_are_skipped(pilot: Any, cache: Path, searches: list[float]) -> None:
    size, _ = fitted(pilot)
    path = next(cache.glob("*.jsonl"))
    good = path.read_text("utf-8")
    path.write_text('["cut short", 3\n{"not": "ours"}\n[1, 2]\n["a key", true]\n' + good + '["half a li',
                    encoding="utf-8")
    next_start()
    assert fitted(pilot)[0] == size and searches == [size]


def test_a_font_file_replaced_is_searched_again(pilot: Any, cache: Path, searches: list[float]) -> None:
    from kivy.core.text import LabelBase

    from seniormode.kivy_ui.fonts import FONT_BOLD

    size, _ = fitted(pilot)
    font = LabelBase._fonts[FONT_BOLD][0]
    stat = os.stat(font)
    try:
        os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        next_start()
        assert fitted(pilot)[0] == size
        assert searches == [size, size], "a replaced font file was trusted"
    finally:
        os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_cache_that_cannot_be_written_still_fits(pilot: Any, tmp_path: Path, cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch, searches: list[float]) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    next_start()
    size, _ = fitted(pilot)
    assert searches == [size]
    next_start()
    assert fitted(pilot)[0] == size and searches == [size, size]


def test_a_file_grown_past_its_limit_is_started_anew(pilot: Any, cache: Path, searches: list[float],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from seniormode.kivy_ui import fit_cache

    size, _ = fitted(pilot)
    path = next(cache.glob("*.jsonl"))
    with path.open("a", encoding="utf-8") as fh:
        for n in range(fit_cache.MAX_ENTRIES):
            fh.write(json.dumps([f"key {n}", 20.0]) + "\n")
    next_start()
    assert fitted(pilot)[0] == size and searches == [size, size]  # the old file was dropped, not trusted
    assert [found for _, found in entries(cache)] == [size]
