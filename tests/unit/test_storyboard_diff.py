"""tools/storyboard_diff.py sees one pixel changed in one colour channel of an opaque screenshot, and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from tool_loader import tool

pytestmark = pytest.mark.unit

storyboard_diff = tool("storyboard_diff")


def screens(folder: Path, changed: dict[tuple[int, int], tuple[int, int, int, int]] | None = None) -> Path:
    """Two opaque RGBA screens as the storyboard writes them (a flow's folder, a PNG a step), one pixel changed."""
    for name in ("renewal/purpose__zh_Hans_CN__x1.0.png", "renewal/check__en__x2.0__wheelchair.png"):
        image = Image.new("RGBA", (64, 40), (245, 240, 232, 255))
        image.paste((30, 30, 30, 255), (10, 10, 30, 20))
        if changed and "check" in name:
            for xy, colour in changed.items():
                image.putpixel(xy, colour)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        image.save(folder / name)
    return folder


def test_the_same_screens_are_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert storyboard_diff.main([str(screens(tmp_path / "a")), str(screens(tmp_path / "b"))]) == 0
    assert capsys.readouterr().out.strip() == "2 screens compared: none differs"


def test_one_level_of_blue_at_one_pixel_is_a_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = screens(tmp_path / "a")
    after = screens(tmp_path / "b", {(40, 5): (245, 240, 233, 255)})
    assert storyboard_diff.main([str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert "renewal/check__en__x2.0__wheelchair.png: 1 px differ, within x 40-40, y 5-5, by at most 1/255" in out
    assert "purpose" not in out
    assert out.strip().endswith("2 screens compared: 1 differs or is on one side only")


def test_pixels_counted_and_the_largest_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = screens(tmp_path / "a")
    after = screens(tmp_path / "b", {(0, 0): (0, 240, 232, 255), (63, 39): (245, 240, 232, 128)})
    assert storyboard_diff.main([str(before), str(after)]) == 1
    assert "2 px differ, within x 0-63, y 0-39, by at most 245/255" in capsys.readouterr().out
    after = screens(tmp_path / "c", {(12, 7): (30, 30, 31, 255), (20, 33): (0, 0, 0, 255), (15, 30): (1, 1, 1, 255)})
    assert storyboard_diff.main([str(before), str(after)]) == 1
    assert "3 px differ, within x 12-20, y 7-33, by at most 245/255" in capsys.readouterr().out


def test_a_screen_that_is_not_a_png_is_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = screens(tmp_path / "a"), screens(tmp_path / "b")
    (after / "renewal/purpose__zh_Hans_CN__x1.0.png").write_bytes(b"not a picture")
    assert storyboard_diff.main([str(before), str(after)]) == 2
    assert "storyboard_diff: cannot identify image file" in capsys.readouterr().err


def test_a_missing_screen_and_another_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = screens(tmp_path / "a"), screens(tmp_path / "b")
    (after / "renewal/purpose__zh_Hans_CN__x1.0.png").unlink()
    Image.new("RGBA", (32, 40)).save(after / "renewal/check__en__x2.0__wheelchair.png")
    assert storyboard_diff.main([str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert f"renewal/purpose__zh_Hans_CN__x1.0.png: only in {before}" in out
    assert "renewal/check__en__x2.0__wheelchair.png: 64x40 before, 32x40 after" in out


def test_a_folder_without_screens_is_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert storyboard_diff.main([str(screens(tmp_path / "a")), str(tmp_path / "empty")]) == 2
    assert "is not a folder with PNG screens in it" in capsys.readouterr().err
