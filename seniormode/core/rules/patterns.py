"""Which `=~` patterns the kiosk may run: only those whose matching time stays small on short text.

Python's `re` backtracks: `^(1+)+$` on 28 ones and a 2 takes 12 s, and the kiosk runs a `valid:` pattern on
what the applicant typed. A pattern is refused at load (with its place) when

- a repetition of more than one holds anything of variable length: another repetition, an optional part or an
  alternation (`(a+)+`, `(?:a?){40}`, `(a|ab)*`, `(\\d+\\s?)+`): the shapes of exponential backtracking;
- it has more than MAX_VARIABLE parts of variable length in all (`\\d*\\d*\\d*\\d*x`, `.*.*.*.*=`): each one
  multiplies the ways a near-miss is tried, n**k for k of them;
- it has a back-reference.

What is left tries at most about 64**3 ways on the 64 characters `max_length` allows, well under a millisecond
in practice (tests/unit/test_entry_and_patterns.py generates patterns and times them on near-misses). The rule
is conservative: `((ab)+c)+` is refused although it is harmless.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from typing import Any

# The standard library's own regex parser (re._parser since 3.11, sre_parse before): private, but the only parser
# that reads a pattern exactly as `re` will run it.
_c: Any = importlib.import_module("re._constants" if sys.version_info >= (3, 11) else "sre_constants")
_p: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ATOMIC = {_c.ATOMIC_GROUP} if hasattr(_c, "ATOMIC_GROUP") else set()
MAX_PATTERN = 500


MAX_VARIABLE = 3


def pattern_risk(pattern: str) -> str | None:
    """Why the kiosk must not run `pattern` (a sentence), or None when it is safe to run on short text."""
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is {len(pattern)} characters long (limit {MAX_PATTERN})"
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        return f"the pattern cannot be read: {exc}"
    try:
        walk = _Walk()
        found = walk.items(list(parsed), inside_repeat=False)
    except (TypeError, ValueError, IndexError, RecursionError):  # a construct this check does not know
        return "the pattern uses a construct the kiosk does not run; use characters, classes and counts"
    if found is None and walk.variable > MAX_VARIABLE:
        found = (f"{walk.variable} parts of variable length (such as .* or \\d+; at most {MAX_VARIABLE}) can "
                 "take seconds to refuse an answer")
    return found


def _variable(low: int, high: Any) -> bool:
    return bool(high is _c.MAXREPEAT or high != low)


class _Walk:
    def __init__(self) -> None:
        self.variable = 0  # repetitions whose length can vary, in the whole pattern

    def items(self, items: list[tuple[Any, Any]], inside_repeat: bool) -> str | None:
        for op, arg in items:
            found = self.item(op, arg, inside_repeat)
            if found:
                return found
        return None

    def item(self, op: Any, arg: Any, inside_repeat: bool) -> str | None:
        if op in _REPEATS:
            low, high, body = arg
            variable = _variable(low, high)
            self.variable += variable
            if inside_repeat and variable:
                return "a part of variable length inside a repetition (such as (a+)+ or (a?){40}) can take " \
                       "minutes to refuse an answer"
            return self.items(list(body), inside_repeat or high is _c.MAXREPEAT or high > 1)
        if op is _c.BRANCH:
            if inside_repeat:
                return "an alternation inside a repetition (such as (a|ab)+) can take minutes to refuse an answer"
            self.variable += 1
            for branch in arg[1]:
                found = self.items(list(branch), inside_repeat)
                if found:
                    return found
            return None
        if op is _c.SUBPATTERN:
            return self.items(list(arg[-1]), inside_repeat)
        if op in _ATOMIC:
            return self.items(list(arg), inside_repeat)  # an atomic group's argument is the pattern itself
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            return self.items(list(arg[1]), inside_repeat)
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return "a back-reference (\\1) makes matching slow; write the alternatives out"
        return None


def literal_text(token: str) -> str | None:
    """The text of a rule-engine string literal token (`"^1[3-9]"`, `r'\\d+'`, `s"x"`), or None if not a string."""
    if token[0] in "bdt":
        return None
    try:
        value = ast.literal_eval(token[1:] if token[0] == "s" else token)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None
