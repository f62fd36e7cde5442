"""The quick scan for unclosed quotes in a .po file finds exactly what the line-by-line check finds.

The scan (one regular expression over the whole file) only hands unusual lines to the line-by-line check, so a
line it wrongly took for usual would hide an unclosed quote from the translator.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from seniormode.lint.catalogs import _unterminated_quote, _unterminated_quote_by_line

PIECES = st.sampled_from(['msgid ', 'msgstr ', 'msgstr[0] ', 'msgctxt ', 'msgid_plural ', '#~ ', '#, fuzzy', '#. ',
                          '"', '\\"', '\\\\', '\\', ' ', '\t', '\u3000', '\xa0', '\r', '\n', '\n', '\n', '\x0c',
                          '\u2028', 'x', '原文', '#', 'msgidx', '""'])
LINES = st.lists(PIECES, max_size=12).map("".join)
TEXTS = st.lists(LINES, max_size=8).map("\n".join)


@given(st.one_of(TEXTS, st.text(max_size=60)))
@example('msgid "a"\nmsgstr "b\n')
@example('msgid "a"\nmsgstr "\\"\n')
@example('#~ msgstr "a"  \n"b\\\\"\n"c\\"d"\n msgid "e')
@example('msgid "a"\u3000\nmsgstr "\u3000')
def test_the_scan_finds_what_the_line_by_line_check_finds(text: str) -> None:
    assert _unterminated_quote(text, "x.po") == _unterminated_quote_by_line(text, "x.po")


def test_the_line_of_an_unclosed_quote_is_counted_after_other_unusual_lines() -> None:
    text = '#. a "comment\nmsgid "say \\"hi\\""\nmsgstr ""\n\nmsgid "b"\nmsgstr "open\n'
    problem = _unterminated_quote(text, "x.po")
    assert problem is not None and (problem.location.line, problem.location.column) == (6, 8)
