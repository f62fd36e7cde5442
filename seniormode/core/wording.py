"""Where screen text may break across lines: at spaces, after punctuation, and at the '|' marks a flow writes.

Chinese has no spaces between words, and Kivy wraps a run of ideographs at whichever character reaches the edge
("港澳签注续/签"). So a run of CJK characters is one unbreakable word unless the flow (or a translator, in the .po)
marks where a line may end with '|': "港澳签注|续签". The mark is never drawn or spoken.
"""

from __future__ import annotations

BREAK_MARK = "|"
# A line may end after these (CJK and Latin punctuation that closes a phrase), or after a space ...
BREAK_AFTER = frozenset(" ，。、！？；：,.!?;:）)」』”’…—")
# ... but never before closing punctuation: “叫工作人员”。 keeps its full stop (a line never starts with 。).
NO_LINE_START = BREAK_AFTER - {" "}


def plain(text: str) -> str:
    """The text as drawn and spoken: without its break marks."""
    return text.replace(BREAK_MARK, "")


def runs(text: str) -> list[str]:
    """The pieces a line may not break inside, in order; joined they are `plain(text)` (line ends are kept)."""
    out: list[str] = []
    current = ""
    may_end = False  # the run ends here unless closing punctuation follows
    for char in text:
        if char == BREAK_MARK:
            if current:
                out.append(current)
            current, may_end = "", False
            continue
        if may_end and char not in NO_LINE_START:
            out.append(current)
            current = ""
        current += char
        may_end = char in BREAK_AFTER
        if char == "\n":
            out.append(current)
            current, may_end = "", False
    if current:
        out.append(current)
    return out


__all__ = ["BREAK_AFTER", "BREAK_MARK", "NO_LINE_START", "plain", "runs"]
