"""The keypads a `text` step can ask for: which keys it has, and when a letter key may be pressed.

A flow says which with `keypad:` on a `text` step (docs/flow-format.md):

- `digits` (the default): 0-9, 删除, 确定. A phone number.
- `id_number`: the same and X, for a Chinese resident ID number, whose last character (the check digit) is a digit
  or X. X can be pressed only for the last character: when one character is left before `max_length` (the 18th of
  18). The field's `valid:` pattern still decides what is accepted (e.g. `value =~ "^[0-9]{17}[0-9X]$"`).

No keypad offers X on a field that cannot take it: a phone number's keypad has none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeypadKind:
    name: str
    last_letters: str = ""  # letters offered only for the field's last character
    words: str = ""  # what it is for, in docs/flow-format.md and the schema
    sample: str = ""  # what a sample applicant types (storyboard, simulated population): a made-up value

    def letters_now(self, typed: int, max_length: int) -> str:
        """The letter keys that may be pressed with `typed` characters already typed."""
        return self.last_letters if typed == max_length - 1 else ""


KEYPADS: dict[str, KeypadKind] = {
    "digits": KeypadKind("digits", "", "digits only (a phone number)", "13800138000"),
    # The specimen number of GB 11643 examples (Beijing, born 1949-12-31), ending in X: no one's card.
    "id_number": KeypadKind("id_number", "X", "digits, and X for the last character (a Chinese ID number)",
                            "11010519491231002X"),
}
DEFAULT_KEYPAD = "digits"
