"""What rules and branches can never do, found by trying every value that makes a difference.

A condition only compares names with literals (`age >= 70`, `purpose == "urgent"`), so its truth changes only
at those literals. For each name we try: yes and no; each choice of a choice answer; each literal a text is
compared with and one text none of them names; for a number, each literal and the numbers just either side.
Every combination of those values is tried (up to MAX_COMBINATIONS; beyond that a check says nothing rather
than guess). This is how `seniormode lint` proves a rule can never apply (SM302), a rule is always overridden
by a higher-priority one (SM303), and a step's `next: - if:` lines leave some answers with no way on (SM304).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..problems import Problem, Severity
from .expression import Condition
from .ruleset import Rule, RuleSet
from .symbols import SymbolTable

MAX_COMBINATIONS = 4096
OTHER_TEXT = "(another text)"
UNKNOWN = None


@dataclass(frozen=True)
class Domain:
    """The values of each name worth trying."""

    values: Mapping[str, tuple[Any, ...]]

    def combinations(self, names: Iterable[str]) -> Iterator[dict[str, Any]] | None:
        """Every combination of the names' values, or None when there are more than MAX_COMBINATIONS."""
        ordered = sorted(set(names))
        count = 1
        for n in ordered:
            count *= max(1, len(self.values.get(n, (UNKNOWN,))))
            if count > MAX_COMBINATIONS:
                return None
        pools = [self.values.get(n, (UNKNOWN,)) for n in ordered]
        return (dict(zip(ordered, combo, strict=True)) for combo in itertools.product(*pools))


def literals_of(conditions: Iterable[Condition | None]) -> dict[str, set[Any]]:
    found: dict[str, set[Any]] = {}
    for c in conditions:
        if c is not None:
            for name, values in c.literals.items():
                found.setdefault(name, set()).update(values)
    return found


def domain_for(table: SymbolTable, conditions: Iterable[Condition | None],
               maybe_unknown: Iterable[str] = ()) -> Domain:
    """The values worth trying for every name the conditions use; `maybe_unknown` names may also be unknown."""
    literals = literals_of(conditions)
    unknown = set(maybe_unknown)
    values: dict[str, tuple[Any, ...]] = {}
    for name, symbol in table.symbols.items():
        lits = literals.get(name, set())
        if symbol.type == "yes_no":
            pool: list[Any] = [True, False]
        elif symbol.choices:
            pool = list(symbol.choices)
        elif symbol.type == "number":
            pool = _number_points(lits)
        else:
            pool = sorted(str(v) for v in lits if isinstance(v, str)) + [OTHER_TEXT]
        if name in unknown:
            pool.append(UNKNOWN)
        values[name] = tuple(pool)
    return Domain(values)


def _number_points(literals: Iterable[Any]) -> list[float]:
    """A number on each side of every literal and one between each two: every answer behaves like one of these.

    Between two whole numbers a whole number is tried (ages, years and counts are whole); between others, the
    middle (a vision of 4.7 between 4.6 and 4.9).
    """
    numbers = sorted({float(v) for v in literals if isinstance(v, (int, float)) and not isinstance(v, bool)})
    if not numbers:
        return [0.0]
    points = {numbers[0] - 1.0, numbers[-1] + 1.0, *numbers}
    for low, high in zip(numbers, numbers[1:], strict=False):
        if low.is_integer() and high.is_integer():
            if high - low > 1:
                points.add(low + 1.0)
        else:
            points.add((low + high) / 2)
    return sorted(points)


class Budget:
    """How many condition evaluations the analysis may still spend: past it, a check decides nothing."""

    def __init__(self, evaluations: int = 200_000):
        self.left = evaluations

    def spend(self, count: int) -> bool:
        self.left -= count
        return self.left >= 0


def analysable(*conditions: Condition | None) -> bool:
    return all(c is None or c.analysable for c in conditions)


def _fires(condition: Condition | None, values: Mapping[str, Any]) -> bool:
    return condition is None or condition.evaluate(values).result


def describe(values: Mapping[str, Any], names: Iterable[str]) -> str:
    """`age is 69 and first_time is no`, as UX staff read it."""
    parts = []
    for n in sorted(set(names)):
        v = values.get(n)
        if v is UNKNOWN:
            shown = "not known yet"
        elif isinstance(v, bool):
            shown = "yes" if v else "no"
        elif isinstance(v, float):
            shown = f"{v:g}"
        else:
            shown = f'"{v}"' if v != OTHER_TEXT else OTHER_TEXT
        parts.append(f"{n} is {shown}")
    return " and ".join(parts) if parts else "always"


def rule_problems(ruleset: RuleSet, table: SymbolTable, budget: Budget | None = None) -> list[Problem]:
    """SM302 for a rule no values can make apply; SM303 for a rule that never decides anything.

    Conditions beyond and/or/not over comparisons with fixed values (a pattern, `name.length`, `errors > helps`)
    are left alone: trying literals does not decide them.
    """
    budget = budget or Budget()
    found: list[Problem] = []
    domain = domain_for(table, (r.condition for r in ruleset.rules))
    for rule in ruleset.rules:
        if rule.condition is None or not rule.condition.analysable:
            continue
        combos = domain.combinations(rule.condition.names)
        if combos is None:
            continue
        combos_list = list(combos)
        if not budget.spend(len(combos_list)):
            return found
        if not any(_fires(rule.condition, v) for v in combos_list):
            found.append(Problem("SM302", f"rule '{rule.id}' can never apply: '{rule.condition.source}' is false "
                                          "for every value", rule.condition.location, severity=Severity.WARNING,
                                 hint="check the comparison (> or <, and or or), or remove the rule"))
    found += _shadowed(ruleset.adaptations, domain, True, budget)
    found += _shadowed(ruleset.routes, domain, False, budget)
    return found


def _shadowed(ranked: Sequence[Rule], domain: Domain, adaptation: bool, budget: Budget) -> list[Problem]:
    """A rule every one of whose decisions is always taken by rules ranked above it (priority, then order)."""
    found: list[Problem] = []
    for i, rule in enumerate(ranked):
        if adaptation:
            keys = list(rule.settings)
            above = {k: [h for h in ranked[:i] if k in h.settings] for k in keys}
        else:
            keys = ["go"]
            above = {"go": [h for h in ranked[:i] if not h.after or set(rule.after or ()) <= set(h.after)
                            and rule.after]}
        if not keys or not all(above.values()):
            continue
        involved = [rule.condition] + [h.condition for rules in above.values() for h in rules]
        if not analysable(*involved):
            continue
        names: set[str] = set()
        for c in involved:
            names |= c.names if c else set()
        combos = domain.combinations(names)
        if combos is None:
            continue
        combos_list = list(combos)
        if not budget.spend(len(combos_list) * len(involved)):
            return found
        fired = False
        winners: dict[str, list[str]] = {k: [] for k in keys}
        always_beaten = True
        for values in combos_list:
            if not _fires(rule.condition, values):
                continue
            fired = True
            for k in keys:
                winner = next((h for h in above[k] if _fires(h.condition, values)), None)
                if winner is None:
                    always_beaten = False
                    break
                if winner.id not in winners[k]:
                    winners[k].append(winner.id)
            if not always_beaten:
                break
        if fired and always_beaten:
            found.append(_overridden(rule, winners, adaptation))
    return found


def _overridden(rule: Rule, winners: Mapping[str, list[str]], adaptation: bool) -> Problem:
    def who(ids: list[str]) -> str:
        return " or ".join(f"'{w}'" for w in ids)

    if adaptation:
        by_winners: dict[str, list[str]] = {}
        for key, ids in winners.items():
            by_winners.setdefault(who(ids), []).append(key)
        what = "; ".join(f"{w} decides {', '.join(ks)}" for w, ks in by_winners.items())
        message = f"rule '{rule.id}' is always overridden: whenever it applies, {what}"
    else:
        message = f"rule '{rule.id}' never routes: whenever it applies, {who(winners['go'])} routes first"
    return Problem("SM303", message, rule.location, severity=Severity.WARNING,
                   hint="give it a higher priority, narrow the rule above it, or remove it")


def route_gap(conditions: Sequence[Condition], table: SymbolTable, own: str | None = None,
              own_values: Sequence[Any] | None = None, maybe_unknown: Iterable[str] = (),
              valid: Condition | None = None) -> tuple[bool, dict[str, Any] | None]:
    """(decided, example): an example of values no condition matches, or None when every combination has one.

    `own` is the step's own answer: tried only with `own_values` when given (a choice step's choices that do
    not route themselves), and only with values its `valid` condition (on `value`) accepts. `decided` is False
    when a condition is beyond the analysis or there were too many combinations to try.
    """
    if not analysable(*conditions, valid):
        return False, None
    domain = domain_for(table, list(conditions) + [valid], maybe_unknown)
    if own is not None:
        if own_values is not None:
            pool: Sequence[Any] = tuple(own_values)
        else:
            symbol = table.symbols.get(own)
            valid_literals = valid.literals.get("value", frozenset()) if valid is not None else frozenset()
            if symbol is not None and symbol.type == "number":
                pool = _number_points(set(literals_of(conditions).get(own, set())) | set(valid_literals))
            else:
                pool = domain.values.get(own, (UNKNOWN,))
            if valid is not None:
                pool = [v for v in pool if v is not UNKNOWN and valid.evaluate({"value": v}).result]
        domain = Domain({**domain.values, own: tuple(pool)})
    names: set[str] = set()
    for c in conditions:
        names |= c.names
    if own is not None:
        names.add(own)
    combos = domain.combinations(names)
    if combos is None:
        return False, None
    for values in combos:
        if not any(_fires(c, values) for c in conditions):
            return True, values
    return True, None
