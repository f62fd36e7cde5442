"""Located YAML: positions, duplicate keys and limits."""

from __future__ import annotations

import pytest

from seniormode.core.problems import Problems
from seniormode.core.source import Mapping, Scalar, Sequence, load_file, load_text

pytestmark = pytest.mark.unit


def test_every_value_knows_its_line_and_column() -> None:
    problems = Problems()
    root = load_text("flow: x\nsteps:\n  - id: a\n    text: 你好\n", "f.yaml", problems)
    assert isinstance(root, Mapping)
    steps = root.get("steps")
    assert isinstance(steps, Sequence)
    step = steps.items[0]
    assert isinstance(step, Mapping)
    text = step.get("text")
    assert isinstance(text, Scalar) and text.value == "你好"
    assert (text.location.line, text.location.column) == (4, 11)
    assert (step.key_location("text").line, step.key_location("text").column) == (4, 5)
    assert not problems.items


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    problems = Problems()
    load_text("a: 1\nb: 2\na: 3\n", "f.yaml", problems)
    [p] = problems.items
    assert (p.code, p.location.line, p.location.column) == ("SM002", 3, 1)
    assert "line 1" in p.hint


def test_yes_no_words_stay_distinguishable_as_keys() -> None:
    problems = Problems()
    root = load_text("no: 1\nyes: 2\n", "f.yaml", problems)
    assert isinstance(root, Mapping) and root.keys() == ["no", "yes"]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    problems = Problems()
    assert load_text("\n".join(lines), "bomb.yaml", problems) is None
    assert [p.code for p in problems.items] == ["SM003"]


def test_small_aliases_and_merge_keys_work() -> None:
    problems = Problems()
    root = load_text("base: &b {icon: x, text: t}\nstep:\n  <<: *b\n  text: own\n", "f.yaml", problems)
    assert isinstance(root, Mapping)
    assert root.plain()["step"] == {"text": "own", "icon": "x"}
    assert not problems.items


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 60))])
def test_deep_nesting_is_a_problem_not_a_crash(text: str) -> None:
    problems = Problems()
    load_text(text, "deep.yaml", problems)
    assert problems.has_errors
    assert {p.code for p in problems.items} <= {"SM001", "SM003"}


def test_huge_scalar_is_a_problem() -> None:
    problems = Problems()
    load_text("text: " + "长" * 30000, "big.yaml", problems)
    assert [p.code for p in problems.items] == ["SM003"]


def test_syntax_error_points_at_the_line() -> None:
    problems = Problems()
    load_text("flow: x\nsteps:\n  - id: a\n   text: b\n", "bad.yaml", problems)
    [p] = problems.items
    assert p.code == "SM001" and p.location.line == 4


def test_missing_and_non_utf8_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    problems = Problems()
    assert load_file(tmp_path / "nope.yaml", problems) is None
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("flow: x\ntitle: 港澳签注\n".encode("gbk"))
    assert load_file(bad, problems) is None
    assert [p.code for p in problems.items] == ["SM004", "SM004"]
    assert problems.items[1].location.line == 2
