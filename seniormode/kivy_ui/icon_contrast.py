"""How well a cartoon icon stands out from what it is drawn on: WCAG 1.4.11 (non-text contrast, 3:1), measured.

The icons are colour emoji (NotoColorEmoji): pictures, not one-colour glyphs, so the theme's colours alone say
nothing about them. What is measured is the icon as the screen shows it: the pixels read back from the drawn
screen in the icon's box, against the colour actually behind it (the tile, the bar button, the window). A
picture is recognised by its shape, and a shape is seen where its edge differs from what is around it; so the
measure is its outline: the drawn pixels two pixels in (past the anti-aliased edge) from the background around it
(the colour behind, reached from the box's edge: a white inside of the picture is not its edge), and the share of
them whose colour has 3:1 against the colour behind.

Drawn bare, most of these emoji fail it: a yellow sun on a white tile has none of its outline at 3:1, a
thumbs-up on the warm background none. So the kiosk draws every icon with an outline (IconView, the theme's
`icon_outline`, 3 dp) in the colour of the words beside it, which has 7:1 against the tile (SM501); the audit
measures the result, so a theme with `icon_outline: 0`, or any change that loses the outline, is an SM513.

WCAG asks 3:1 for "the parts of the graphic required to understand it" and gives no share; MIN_OUTLINE_SHARE is
this toolkit's reading of it, at least half of the outline. It is a judgement, stated here and in
docs/problems.md, not a number from the standard. Every icon here comes with words (SM508), which WCAG would
accept instead; the check is for applicants who read little and go by the picture.
"""

from __future__ import annotations

from typing import Any

from ..core.theme import RGB, contrast_ratio

MIN_ICON_CONTRAST = 3.0  # WCAG 1.4.11: graphical objects against adjacent colours
MIN_OUTLINE_SHARE = 0.5  # of the icon's outline at 3:1 or more (see the module's words)
BACKGROUND_SLACK = 12  # a pixel this close to the colour behind (in every channel) is background, not icon
BAND = 2  # the outline: drawn pixels this many pixels in from the background (past the anti-aliased edge)


def outline_share(crop: Any, behind: RGB) -> float | None:
    """The share of the drawn icon's outline at 3:1 against `behind`, from an RGB image (Pillow) of its box; None if
    nothing is drawn there."""
    from PIL import Image, ImageChops, ImageFilter

    width, height = crop.size
    # 255 where a pixel is the colour behind (within the slack in every channel), else 0.
    bands = ImageChops.difference(crop, Image.new("RGB", crop.size, behind)).split()
    spread = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    like = spread.point(lambda v: 255 if v <= BACKGROUND_SLACK else 0)
    outside = _outside(like)
    near, within = outside, []
    for _ in range(BAND):  # grown one pixel at a time in the eight directions
        near = near.filter(ImageFilter.MaxFilter(3))
        within.append(near)
    inner = within[-2] if BAND > 1 else outside
    band_mask = ImageChops.subtract(within[-1], inner)
    colours = crop.get_flattened_data()
    band = [colours[i] for i, v in enumerate(band_mask.get_flattened_data()) if v]
    if not band:
        return None
    good = sum(contrast_ratio(p, behind) >= MIN_ICON_CONTRAST for p in band)
    return good / len(band)


def _outside(like: Any) -> Any:
    """The colour behind as seen from the box's edge: along each row from the left and the right, along each column
    from the top and the bottom, up to the first drawn pixel. A white inside of the picture (a clock's face) is not
    reached; a deep notch seen from no edge is counted as inside, so its edge is left out, never added."""
    from PIL import Image

    def scan(mask: Any) -> bytearray:
        w, h = mask.size
        data = mask.tobytes()
        out = bytearray(w * h)
        for y in range(h):
            row = data[y * w:(y + 1) * w]
            first, last = row.find(0), row.rfind(0)
            if first < 0:
                out[y * w:(y + 1) * w] = b"\xff" * w
                continue
            out[y * w:y * w + first] = b"\xff" * first
            out[y * w + last + 1:(y + 1) * w] = b"\xff" * (w - last - 1)
        return out

    rows = Image.frombytes("L", like.size, bytes(scan(like)))
    columns = Image.frombytes("L", (like.size[1], like.size[0]), bytes(scan(like.transpose(Image.Transpose.TRANSPOSE))))
    from PIL import ImageChops

    return ImageChops.lighter(rows, columns.transpose(Image.Transpose.TRANSPOSE))
