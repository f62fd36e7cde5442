"""Rule analysis against brute force: what the lint proves about conditions holds for every value on a fine grid.

The analysis tries only the values that make a difference (each literal and its neighbours); brute force tries
every whole age from -3 to 130 (ages are whole years; between two whole literals the analysis tries only whole
numbers), yes and no, and every region named plus one more. They must agree. Decimal literals are tried with
vision, on a grid of hundredths.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seniormode.core.problems import Location, Problems
from seniormode.core.rules.analysis import route_gap, rule_problems
from seniormode.core.rules.expression import Condition, compile_condition
from seniormode.core.rules.ruleset import Rule, RuleSet
from seniormode.core.rules.symbols import Symbol, SymbolTable
from seniormode.core.source import Scalar

pytestmark = pytest.mark.property

TABLE = SymbolTable.with_builtins()
REGIONS = ("广东", "香港", "北京")
AGES = list(range(-3, 131))
GRID = [{"age": a, "wheelchair": w, "region": r} for a, w, r in
        itertools.product(AGES, (True, False), (*REGIONS, "上海"))]

atoms = st.one_of(
    st.builds(lambda op, n: f"age {op} {n}", st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
              st.integers(0, 120)),
    st.sampled_from(["wheelchair", "not wheelchair"]),
    st.builds(lambda op, r: f'region {op} "{r}"', st.sampled_from(["==", "!="]), st.sampled_from(REGIONS)),
    st.builds(lambda rs: f"region in [{', '.join(repr(r).replace(chr(39), chr(34)) for r in rs)}]",
              st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True)),
)
conditions = st.recursive(atoms, lambda inner: st.builds(lambda a, op, b: f"({a}) {op} ({b})", inner,
                                                         st.sampled_from(["and", "or"]), inner), max_leaves=4)


def compile_(source: str) -> Condition:
    problems = Problems()
    condition = compile_condition(Scalar(Location("t.yaml", 1, 1), source), TABLE, problems)
    assert condition is not None, [str(p) for p in problems.items]
    return condition


def fires(condition: Condition, values: dict[str, Any]) -> bool:
    return condition.evaluate(values).result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions)
def test_never_applies_exactly_when_no_value_on_the_grid_makes_it_true(source: str) -> None:
    condition = compile_(source)
    rule = Rule("r", Location("t.yaml", 1, 1), condition, settings={"text_scale": 1.4})
    said_never = any(p.code == "SM302" for p in rule_problems(RuleSet([rule]), TABLE))
    assert said_never == (not any(fires(condition, v) for v in GRID)), source


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditions, min_size=1, max_size=3))
def test_a_route_gap_is_real_and_no_gap_means_none_on_the_grid(sources: list[str]) -> None:
    compiled = [compile_(s) for s in sources]
    decided, example = route_gap(compiled, TABLE)
    assert decided
    if example is not None:
        assert not any(fires(c, example) for c in compiled), (sources, example)
    else:
        assert all(any(fires(c, v) for c in compiled) for v in GRID), sources


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions, conditions, st.integers(0, 20), st.integers(0, 20))
def test_overridden_means_the_higher_rule_applies_wherever_the_lower_one_does(
        low_source: str, high_source: str, low_priority: int, high_priority: int) -> None:
    low = Rule("low", Location("t.yaml", 1, 1), compile_(low_source), priority=low_priority,
               settings={"text_scale": 1.6}, order=1)
    high = Rule("high", Location("t.yaml", 2, 1), compile_(high_source), priority=high_priority,
                settings={"text_scale": 1.4}, order=0)
    overridden = any(p.code == "SM303" and p.message.startswith("rule 'low'")
                     for p in rule_problems(RuleSet([high, low]), TABLE))
    low_fires = [v for v in GRID if fires(low.condition, v)]  # type: ignore[arg-type]
    ranks_above = high_priority >= low_priority  # equal priority: the earlier rule (order 0) wins
    truly = ranks_above and bool(low_fires) and all(fires(high.condition, v) for v in low_fires)  # type: ignore[arg-type]
    assert overridden == truly, (low_source, high_source, low_priority, high_priority)


VISION_TABLE = SymbolTable.with_builtins()
VISION_TABLE.add(Symbol("vision", "number", "eyesight on the decimal chart"))
VISIONS = [v / 100 for v in range(300, 560)]
# Not 4.0 or 5.0: between two whole literals only whole numbers are tried (the documented assumption).
vision_atoms = st.builds(lambda op, n: f"vision {op} {n / 10}", st.sampled_from(["<", "<=", ">", ">="]),
                         st.integers(35, 52).filter(lambda n: n % 10 != 0))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.recursive(vision_atoms, lambda inner: st.builds(lambda a, op, b: f"({a}) {op} ({b})", inner,
                                                                   st.sampled_from(["and", "or"]), inner),
                             max_leaves=3), min_size=1, max_size=3))
def test_decimal_literals_are_tried_between_as_well(sources: list[str]) -> None:
    problems = Problems()
    compiled = [compile_condition(Scalar(Location("t.yaml", 1, 1), s), VISION_TABLE, problems) for s in sources]
    assert all(c is not None for c in compiled), [str(p) for p in problems.items]
    decided, example = route_gap(compiled, VISION_TABLE)  # type: ignore[arg-type]
    assert decided
    covered = all(any(c.evaluate({"vision": v}).result for c in compiled) for v in VISIONS)  # type: ignore[union-attr]
    assert (example is None) == covered, (sources, example)


def test_patterns_and_comparisons_between_names_are_left_undecided() -> None:
    for source in ['region =~ "^广"', "errors > helps", "age + 1 > 70"]:
        decided, _ = route_gap([compile_(source)], TABLE)
        assert not decided, source
        rule = Rule("r", Location("t.yaml", 1, 1), compile_(source), settings={"text_scale": 1.4})
        assert rule_problems(RuleSet([rule]), TABLE) == []
