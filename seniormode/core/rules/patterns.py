"""Which `=~` patterns the kiosk may run: only those that cannot backtrack for ever.

Python's `re` backtracks: `^(1+)+$` on 28 ones and a 2 takes 12 s, and the kiosk runs a `valid:` pattern on
what the applicant typed. A pattern is refused at load (with its place) when one repetition holds another
repetition or an alternation (`(a+)+`, `(a|ab)*`, `(\\d+\\s?)+`): the shapes behind catastrophic backtracking.
Back-references are refused too. What is left backtracks at most polynomially, and `max_length` bounds the
text, so one check stays well under a millisecond (tests/property/test_pattern_safety.py measures it).
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
_GROUPING = {_c.SUBPATTERN, _c.ATOMIC_GROUP} if hasattr(_c, "ATOMIC_GROUP") else {_c.SUBPATTERN}
MAX_PATTERN = 500


def pattern_risk(pattern: str) -> str | None:
    """Why the kiosk must not run `pattern` (a sentence), or None when it is safe to run on short text."""
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is {len(pattern)} characters long (limit {MAX_PATTERN})"
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"the pattern cannot be read: {exc}"
    return _walk(list(parsed), inside_repeat=False)


def _walk(items: list[tuple[Any, Any]], inside_repeat: bool) -> str | None:
    for op, arg in items:
        if op in _REPEATS:
            low, high, body = arg
            repeats = high is _c.MAXREPEAT or high > 1
            if inside_repeat and repeats:
                return "a repetition inside a repetition (such as (a+)+) can take minutes to refuse an answer"
            found = _walk(list(body), inside_repeat or repeats)
            if found:
                return found
        elif op is _c.BRANCH:
            if inside_repeat:
                return "an alternation inside a repetition (such as (a|ab)+) can take minutes to refuse an answer"
            for branch in arg[1]:
                found = _walk(list(branch), inside_repeat)
                if found:
                    return found
        elif op in _GROUPING:
            body = arg[-1]
            found = _walk(list(body), inside_repeat)
            if found:
                return found
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(list(arg[1]), inside_repeat)
            if found:
                return found
        elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
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
