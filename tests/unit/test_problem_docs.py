"""docs/problems.md is generated from problems.CODES and the examples in tests/bad_*/, and must be up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.problems import CODES
from seniormode.lint.problem_docs import AUDIT_CODES, caret_line, cells, render_problem_docs, visible

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "problems.md"
REGENERATE = ".venv/bin/python -m seniormode.lint.problem_docs"


@pytest.fixture(scope="module")
def rendered() -> str:
    return render_problem_docs(REPO)


def test_docs_page_is_up_to_date(rendered: str) -> None:
    assert PAGE.is_file(), f"docs/problems.md is missing: run {REGENERATE}"
    page = PAGE.read_text(encoding="utf-8")
    if page != rendered:
        old, new = page.splitlines(), rendered.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        pytest.fail(f"docs/problems.md is out of date (from line {line + 1}): run {REGENERATE}")


def test_one_section_per_code_in_order(rendered: str) -> None:
    headings = [line.removeprefix("## ") for line in rendered.splitlines() if line.startswith("## SM")]
    assert headings == list(CODES)
    for code, meaning in CODES.items():
        assert f"[{code}](#{code.lower()})" in rendered
        assert f"**{meaning}**" in rendered


def test_sections_show_example_message_and_fix(rendered: str) -> None:
    section = rendered.split("## SM104\n", 1)[1].split("\n## ", 1)[0]
    assert "`tests/bad_flows/SM104_unknown_step.yaml`" in section
    assert "    next: chek  # <- typo of 'check'\n#         ^ SM104\n" in section
    assert "tests/bad_flows/SM104_unknown_step.yaml:13:11: error[SM104] unknown step 'chek'" in section
    assert "-    next: chek  # <- typo of 'check'\n+    next: check\n" in section
    assert "# expect:" not in section


def test_audit_codes_say_who_reports_them(rendered: str) -> None:
    for code in AUDIT_CODES:
        section = rendered.split(f"## {code}\n", 1)[1].split("\n## ", 1)[0]
        assert "reported by `seniormode audit`" in section


def test_caret_lines_count_wide_characters() -> None:
    assert cells("港澳 ok") == 7
    # Column 7 is '好': after 'say: ' (5 cells) and '您' (2 cells), so the caret is in cell 8.
    assert caret_line("say: 您好", 7, "SM001") == "#      ^ SM001"
    assert caret_line("x", 1, "SM001") == "^ SM001"
    assert visible("a\x0bb") == "a\u240bb"
