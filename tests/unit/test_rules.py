"""Conditions are typed and checked at load; adaptation merges by priority; routing takes the first match."""

from __future__ import annotations

import pytest

from seniormode.core.flow import Flow
from seniormode.core.loader import load_flow_text
from seniormode.core.problems import Location, Problems
from seniormode.core.rules.expression import compile_condition
from seniormode.core.rules.symbols import Symbol, SymbolTable
from seniormode.core.source import Scalar

pytestmark = pytest.mark.unit

TABLE = SymbolTable.with_builtins().child(Symbol("destination", "text", "", ("hongkong", "macau")))


def compile_(source: str) -> tuple[object, list[str]]:
    problems = Problems()
    cond = compile_condition(Scalar(Location("r.yaml", 7, 11), source, quoted=False), TABLE, problems)
    return cond, [f"{p.code}@{p.location.column}:{p.hint}" for p in problems.items]


@pytest.mark.parametrize("source,code,column", [
    ("agee >= 70", "SM202", 11),
    ("age >= 70 and frist_time", "SM202", 25),
    ("age >= \"old\"", "SM203", 11),
    ("destination == 3", "SM203", 11),
    ("age >=", "SM201", 17),
    ("age", "SM205", 11),
    ("destination == \"macao\"", "SM204", 26),
])
def test_bad_conditions_are_load_problems_with_position(source: str, code: str, column: int) -> None:
    cond, problems = compile_(source)
    assert cond is None
    assert len(problems) == 1 and problems[0].startswith(f"{code}@{column}:"), problems


def test_unknown_name_suggests_the_closest() -> None:
    _, problems = compile_("agee >= 70")
    assert "did you mean 'age'?" in problems[0]


def test_conditions_evaluate_with_unknown_values_as_not_met() -> None:
    cond, _ = compile_("age >= 70")
    assert cond is not None
    assert cond.evaluate({"age": 76}).result is True  # type: ignore[attr-defined]
    ev = cond.evaluate({"age": None})  # type: ignore[attr-defined]
    assert ev.result is False and ev.unknown == ("age",)


def test_python_is_never_evaluated() -> None:
    for source in ("__import__('os').system('true')", "open('/etc/passwd')", "age.__class__"):
        cond, problems = compile_(source)
        assert cond is None and problems


RULES_FLOW = """
flow: r
title: 规则
call_staff: staff
rules:
  - {id: low, when: age >= 60, priority: 1, set: {text_scale: 1.2, speech_rate: 150}}
  - {id: high, when: age >= 70, priority: 10, set: {text_scale: 1.4}}
  - {id: tie_first, when: age >= 70, priority: 10, set: {text_scale: 1.9}}
  - {id: kid, when: first_time and age < 16, priority: 100, after: [card], go: staff}
  - {id: kid2, when: age < 16, priority: 50, after: [card], go: other}
steps:
  - {id: card, kind: id_card, text: 放身份证}
  - {id: next, kind: info, text: 好, next: done}
  - {id: other, kind: info, text: 别处}
  - {id: done, kind: end, text: 完成}
  - {id: staff, kind: handoff, text: 人工, window: 1号}
"""


@pytest.fixture(scope="module")
def rules_flow() -> Flow:
    flow, problems = load_flow_text(RULES_FLOW, "rules.yaml")
    assert flow is not None, [str(p) for p in problems]
    return flow


def test_adaptation_merges_by_priority_then_file_order(rules_flow: Flow) -> None:
    a = rules_flow.rules.adapt({"age": 76})
    assert a.settings["text_scale"] == 1.4  # high (10) beats low (1); tie with tie_first: earlier in file wins
    assert a.settings["speech_rate"] == 150  # only 'low' sets it
    assert a.decisions["text_scale"].winner.rule.id == "high"  # type: ignore[union-attr]
    assert [o.rule.id for o in a.decisions["text_scale"].overridden] == ["tie_first", "low"]
    assert a.decisions["theme"].winner is None


def test_explain_names_rules_files_lines_and_values(rules_flow: Flow) -> None:
    text = "\n".join(rules_flow.rules.adapt({"age": 76}).explain())
    assert "MATCHED     high at rules.yaml:7:5: when age >= 70  [age=76]" in text
    assert "text_scale = 1.4  from rule high at rules.yaml:7:5 (priority 10); beat tie_first" in text
    assert "theme = senior  (default)" in text


def test_routing_first_match_wins(rules_flow: Flow) -> None:
    route = rules_flow.rules.route("card", {"age": 9, "first_time": True})
    assert route is not None and route.target == "staff" and route.match.rule.id == "kid"
    route = rules_flow.rules.route("card", {"age": 9, "first_time": False})
    assert route is not None and route.target == "other"
    assert rules_flow.rules.route("next", {"age": 9, "first_time": True}) is None  # only after 'card'
