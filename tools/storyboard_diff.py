"""Compare two storyboards pixel by pixel: every PNG of BEFORE against the one of the same name in AFTER.

    .venv/bin/python tools/storyboard_diff.py out/storyboard-before out/storyboard-after

Issue 15 holds a speed-up to "the kiosk's screenshots are unchanged": make a storyboard before the change
(`seniormode storyboard --out DIR`), one after, and run this. Every colour channel and the alpha channel are
compared (Pillow's getbbox() on an RGBA difference looks at alpha alone, and two opaque screenshots then always
look the same). Prints each screen that differs (how many pixels, where, by how much at most, out of 255) and a
count; exit 0 when every screen is the same, 1 when any differs or a screen is missing on one side, 2 when a
folder or a screen cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops


@dataclass(frozen=True)
class Difference:
    name: str
    pixels: int
    box: tuple[int, int, int, int]
    largest: int  # the largest difference of one channel at one pixel, 0-255

    def __str__(self) -> str:
        x0, y0, x1, y1 = self.box
        return (f"{self.name}: {self.pixels} px differ, within x {x0}-{x1 - 1}, y {y0}-{y1 - 1}, "
                f"by at most {self.largest}/255")


def difference(before: Path, after: Path, name: str) -> Difference | str | None:
    """How two screenshots differ: None when every channel of every pixel is the same, a sentence when their
    sizes differ."""
    with Image.open(before) as a, Image.open(after) as b:
        if a.size != b.size:
            return f"{name}: {a.size[0]}x{a.size[1]} before, {b.size[0]}x{b.size[1]} after"
        bands = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).split()
    largest = bands[0]
    for band in bands[1:]:
        largest = ImageChops.lighter(largest, band)  # per pixel, the channel that differs most
    box = largest.getbbox()
    if box is None:
        return None
    histogram = largest.histogram()
    top = max(level for level, count in enumerate(histogram) if count)
    return Difference(name, sum(histogram[1:]), box, top)


def compare(before: Path, after: Path) -> tuple[int, list[str]]:
    """(screens compared, what differs: a line per screen that differs or is on one side only)."""
    names = {p.relative_to(before).as_posix() for p in before.rglob("*.png")}
    others = {p.relative_to(after).as_posix() for p in after.rglob("*.png")}
    lines = [f"{n}: only in {before}" for n in sorted(names - others)]
    lines += [f"{n}: only in {after}" for n in sorted(others - names)]
    for name in sorted(names & others):
        found = difference(before / name, after / name, name)
        if found is not None:
            lines.append(str(found))
    return len(names & others), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example: tools/storyboard_diff.py out/sb-before out/sb-after")
    parser.add_argument("before", type=Path, help="a storyboard folder (seniormode storyboard --out DIR)")
    parser.add_argument("after", type=Path, help="the storyboard to compare with it")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not folder.is_dir() or not any(folder.rglob("*.png")):
            print(f"storyboard_diff: {folder} is not a folder with PNG screens in it", file=sys.stderr)
            return 2
    try:
        compared, lines = compare(args.before, args.after)
    except OSError as exc:  # a PNG that cannot be read or decoded (Pillow's UnidentifiedImageError is one)
        print(f"storyboard_diff: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    verdict = (f"{len(lines)} {'differs or is' if len(lines) == 1 else 'differ or are'} on one side only"
               if lines else "none differs")
    print(f"{compared} screens compared: {verdict}")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
