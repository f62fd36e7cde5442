"""Fitted text sizes kept on disk: the next start reads the size instead of searching it, and draws the same."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.kivy

WORDS = "欢迎办理港澳签注续签，请先把身份证放在读卡区"


@pytest.fixture
def cache(kiosk_app: Any, pilot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from seniormode.core.loader import load_flow_or_raise
    from seniormode.core.session import Session
    from seniormode.kivy_ui import fit_cache
    from seniormode.kivy_ui.widgets import forget_measured

    # A settled screen behind the test's labels: one an earlier test left may still be fitting its words, into
    # this test's cache (the whole Kivy run found 13 such sizes in the first test's file).
    flow = load_flow_or_raise(Path(__file__).resolve().parents[2] / "flows_yaml" / "hk_macau_renewal.yaml")
    kiosk_app.load(flow, Session(flow, {"age": 76}))
    pilot.frame(3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fit_cache.forget_read()
    forget_measured()
    yield tmp_path / "seniormode" / "fits"
    fit_cache.forget_read()  # the next test reads the cache of its own XDG_CACHE_HOME
    forget_measured()


def answers_of_the_test_labels(monkeypatch: pytest.MonkeyPatch, method: str) -> list[Any]:
    """What FitLabel.`method` answers for the test's own labels (the kiosk's screen behind them is left out)."""
    from seniormode.kivy_ui.widgets import FitLabel

    answers: list[Any] = []
    real = getattr(FitLabel, method)

    def recorded(self: Any, width: float) -> Any:
        answer = real(self, width)
        if getattr(self, "under_test", False):
            answers.append(answer)
        return answer

    monkeypatch.setattr(FitLabel, method, recorded)
    return answers


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every size search the test's labels make (FitLabel._largest_fitting), by the size it found."""
    return answers_of_the_test_labels(monkeypatch, "_largest_fitting")


@pytest.fixture
def ours(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys the test's own labels are kept under (FitLabel._fit_key), in the order they were made."""
    return answers_of_the_test_labels(monkeypatch, "_fit_key")


def fitted(pilot: Any, remember: bool = True, text: str = WORDS, size: tuple[int, int] = (420, 150),
           **settings: Any) -> Any:
    """A label of `text` in a box of `size` on the window, fitted and drawn: (font size, texture pixels)."""
    from kivy.core.window import Window

    from seniormode.kivy_ui.fonts import FONT_BOLD
    from seniormode.kivy_ui.widgets import FitLabel

    settings = {"base_size": 64, "min_size": 18, "font_name": FONT_BOLD, "line_height": 1.1, **settings}
    label = FitLabel(text=text, size_hint=(None, None), size=size, remember_fit=remember, **settings)
    label.under_test = True
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


def entries(cache: Path) -> list[tuple[str, float]]:
    """The file's lines: a key (32 hex digits) and a size."""
    lines = [line.split() for path in cache.glob("*.fits") for line in path.read_text("ascii").splitlines()]
    assert all(len(key) == 32 and int(key, 16) >= 0 for key, _ in lines), lines
    return [(key, float(size)) for key, size in lines]


def test_a_size_found_is_read_back_at_the_next_start_and_draws_the_same(pilot: Any, cache: Path,
                                                                          searches: list[float],
                                                                          ours: list[str]) -> None:
    size, pixels = fitted(pilot)
    assert searches == [size] and 18 < size < 64  # it had to shrink: a search, not the base size
    assert [found for key, found in entries(cache) if key in ours] == [size]
    next_start()
    assert fitted(pilot) == (size, pixels)
    assert searches == [size], "the next start searched again"
    other_box = fitted(pilot, size=(300, 150))
    assert len(searches) == 2 and other_box[0] < size  # another box is another search


def test_a_label_not_marked_keeps_nothing_on_disk(pilot: Any, cache: Path, searches: list[float],
                                                  ours: list[str]) -> None:
    # (made-up words; not the secrets test_privacy_and_activity looks for in every live object)
    size, _ = fitted(pilot, remember=False, text="王阿姨 13600001111")
    assert searches == [size] and ours == []  # never given a key: nothing of it written


# Lines a cache file must survive: cut short, damaged, written by something else, or made to break a reader.
BAD_LINES = [b"0123456789abcdef0123456789abcdef", b"0123456789abcdef0123456789abcdef 1" + b"0" * 400,
             b"0123456789abcdef0123456789abcdef nan", b"0123456789abcdef0123456789abcdef 1e400",
             b"0123456789abcdef0123456789abcdef -3", b"0123456789abcdef0123456789abcdeg 30",
             b"\xe6\xac\xa2 30", b"[" * 100_000, b'["key", 30]', b"", b"\x00" * 40]


def test_lines_cut_short_damaged_or_not_ours_are_skipped_and_written_anew(pilot: Any, cache: Path,
                                                                       searches: list[float],
                                                                       ours: list[str]) -> None:
    size, _ = fitted(pilot)
    path = next(cache.glob("*.fits"))
    good = path.read_bytes()
    path.write_bytes(b"\n".join(BAD_LINES) + b"\n" + good + good[:20])  # the last one cut short by a kill
    next_start()
    assert fitted(pilot)[0] == size and searches == [size]
    other = fitted(pilot, size=(300, 150))[0]
    # the damage is gone (entries() reads every line as a key and a size)
    assert sorted(found for key, found in entries(cache) if key in ours) == sorted([size, other])


@pytest.mark.parametrize("damage", ["cut in its size", "a size the search cannot find"])
def test_a_kept_size_that_cannot_be_right_is_searched_again(pilot: Any, cache: Path, searches: list[float],
                                                           ours: list[str], damage: str) -> None:
    size, _ = fitted(pilot)
    path = next(cache.glob("*.fits"))
    key = ours[0]
    # '37.0' cut to '3' by a power cut (no line end after it), or a whole line below the label's min_size (18)
    path.write_bytes(f"{key} {str(size)[:1]}".encode() if damage == "cut in its size" else f"{key} 5.0\n".encode())
    next_start()
    assert fitted(pilot)[0] == size and searches == [size, size]


def test_every_setting_the_size_depends_on_is_in_its_key(pilot: Any, cache: Path, searches: list[float]) -> None:
    from seniormode.kivy_ui.fonts import FONT

    fitted(pilot)
    changes: list[dict[str, Any]] = [{"base_size": 60}, {"min_size": 20}, {"line_height": 1.3}, {"halign": "left"},
                                     {"font_name": FONT}, {"bold": True}, {"padding": [4, 0, 4, 0]},
                                     {"outline_width": 2}]
    for n, change in enumerate(changes, start=2):
        next_start()
        fitted(pilot, **change)
        assert len(searches) == n, f"{change}: the size kept for other settings was used"


def test_a_font_file_replaced_is_searched_again(pilot: Any, cache: Path, searches: list[float],
                                                tmp_path: Path) -> None:
    import shutil

    from kivy.core.text import LabelBase

    from seniormode.kivy_ui.fonts import FONT_BOLD

    font = tmp_path / "replaced.otf"
    shutil.copyfile(LabelBase._fonts[FONT_BOLD][0], font)
    LabelBase.register("FitCacheTestFace", str(font))
    size, _ = fitted(pilot, font_name="FitCacheTestFace")
    next_start()
    assert fitted(pilot, font_name="FitCacheTestFace")[0] == size and searches == [size]
    stat = os.stat(font)
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    next_start()
    assert fitted(pilot, font_name="FitCacheTestFace")[0] == size
    assert searches == [size, size], "a replaced font file was trusted"


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
                                                     ours: list[str]) -> None:
    from seniormode.kivy_ui import fit_cache

    size, _ = fitted(pilot)
    path = next(cache.glob("*.fits"))
    with path.open("a", encoding="ascii") as fh:
        for n in range(fit_cache.MAX_ENTRIES):
            fh.write(f"{n:032x} 20.0\n")
    next_start()
    assert fitted(pilot)[0] == size and searches == [size, size]  # the old file was dropped, not trusted
    assert [found for key, found in entries(cache) if key in ours] == [size] and len(entries(cache)) < 100


def test_a_kiosk_that_runs_long_keeps_its_file_within_the_limit(pilot: Any, cache: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from seniormode.kivy_ui import fit_cache

    monkeypatch.setattr(fit_cache, "MAX_ENTRIES", 5)
    for width in range(300, 312):
        fitted(pilot, size=(width, 150))
    assert 1 <= len(entries(cache)) <= 5
    (cache / "an older version's.fits").write_text("0" * 32 + " 30.0\n", encoding="ascii")
    for width in range(312, 320):
        fitted(pilot, size=(width, 150))
    assert [p.name for p in cache.iterdir()] == [fit_cache.cache_file().name]  # the older version's removed
    assert 1 <= len(entries(cache)) <= 5
