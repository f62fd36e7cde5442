"""Typed conditions, checked at load time, evaluated many times.

Backed by the `rule-engine` library (parse once, type-check against declared
symbols, no Python eval). Everything else in seniormode sees only `Condition`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..problems import Location, Problems, did_you_mean
from ..source import Scalar
from . import engine_tables
from .patterns import literal_text, pattern_risk
from .symbols import SymbolTable

engine_tables.install()  # before rule_engine builds its parser: saved tables make the import ~10x faster
import rule_engine  # noqa: E402
import rule_engine.ast as ast  # noqa: E402
import rule_engine.errors as rerrors  # noqa: E402

engine_tables.save()

_ENGINE_TYPES = {
    "number": rule_engine.DataType.FLOAT,
    "text": rule_engine.DataType.STRING,
    "yes_no": rule_engine.DataType.BOOLEAN,
}
_TYPE_WORDS = {
    rule_engine.DataType.FLOAT.name: "number",
    rule_engine.DataType.STRING.name: "text",
    rule_engine.DataType.BOOLEAN.name: "yes/no",
}
MAX_EXPRESSION = 500
_NOT_A_NUMBER_HINT = "compare with a number, e.g. 'age >= 70'"
_MEMO_SIZE = 4096


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one condition on one set of values, for the explain trace."""

    result: bool
    values: dict[str, Any]
    unknown: tuple[str, ...] = ()


class Condition:
    """A compiled, type-checked condition such as `age >= 70 and first_time`."""

    def __init__(self, source: str, location: Location, rule: rule_engine.Rule, names: frozenset[str],
                 literals: Mapping[str, frozenset[Any]] | None = None, remember: bool = True):
        self.source = source
        self.location = location
        self._rule = rule
        self.names = names
        # The values each name is compared with (`age >= 70` -> {age: {70}}): the boundaries rule analysis tries.
        self.literals: dict[str, frozenset[Any]] = dict(literals or {})
        # Only and/or/not over `name OP value`, `name in [values]` and yes/no names: then trying the literals and
        # the values between them decides the condition for every value (seniormode/core/rules/analysis.py).
        self.analysable = _analysable(rule.statement)
        self._sorted_names = tuple(sorted(names))
        # The same few values come back on every screen of every applicant (age 76, step 'pay'): rule-engine
        # takes ~0.1 ms an evaluation, a lookup here a microsecond. Bounded: cleared when full. Not for a condition
        # over what an applicant typed or the card holds (Symbol.own): every applicant brings a new value, so
        # the memo would only hold the last 4,096 applicants' answers in memory.
        self.remembers = remember
        self._memo: dict[tuple[Any, ...], Evaluation] | None = {} if remember else None

    def evaluate(self, values: Mapping[str, Any]) -> Evaluation:
        if self._memo is None:
            return self._evaluate(values)
        key = tuple(map(values.get, self._sorted_names))
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list): evaluate without the memo
            return self._evaluate(values)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        result = self._memo[key] = self._evaluate(values)
        return result

    def _evaluate(self, values: Mapping[str, Any]) -> Evaluation:
        used = {n: values.get(n) for n in self._sorted_names}
        unknown = tuple(n for n, v in used.items() if v is None)
        if unknown:
            # A condition on something not known yet (the card is not read, the question not asked) is not met,
            # whatever it says: `not first_time` must not be true before the card is read.
            return Evaluation(False, used, unknown)
        try:
            result = bool(self._rule.evaluate(_engine_values(used)))
        except (rerrors.EngineError, ArithmeticError):
            # A comparison with a value not known yet (age before the card is read) is simply not met, nor one
            # the decimal arithmetic refuses (a value that is not a number: Decimal('NaN') < 70 raises).
            result = False
        return Evaluation(result, used, unknown)

    def __repr__(self) -> str:
        return f"Condition({self.source!r} at {self.location})"


def _engine_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, bool) or v is None or isinstance(v, str):
            out[k] = v
        elif isinstance(v, (int, float)):
            out[k] = Decimal(str(v))
        else:
            out[k] = str(v)
    return out


def _walk(node: object) -> Iterator[object]:
    yield node
    for attr in ("left", "right", "expression", "container", "member", "object", "item",
                 "condition", "case_true", "case_false", "statement"):
        child = getattr(node, attr, None)
        if isinstance(child, ast.ExpressionBase):
            yield from _walk(child)
    value = getattr(node, "value", None)
    if isinstance(node, (ast.ArrayExpression, ast.SetExpression)) and isinstance(value, tuple):
        for child in value:
            yield from _walk(child)


def _symbol_column(source: str, name: str) -> int:
    m = re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", source)
    return m.start() if m else 0


# rule-engine's tokens, as far as _costly_construct needs them (same string, name and comment rules).
_TOKEN = re.compile(r"""
    (?P<comment>\#.*)
  | (?P<string>[bdtrs]?(?P<quote>["'])(?:[^\\\n]|\\.)*?(?P=quote))
  | (?P<name>\$?[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>=~~?|!~~?|<<|>>|\*\*|//|[<>=!]=|\?\?|&\.|[^\s\w])
  | (?P<other>\S)
""", re.VERBOSE)
_REGEX_OPS = frozenset({"=~", "=~~", "!~", "!~~"})
# Everything that binds less tightly than a comparison: where the operands of `=~` end.
_OPERAND_ENDS = frozenset({",", ":", "?", "??", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "if",
                           "for"}) | _REGEX_OPS
_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")


def _operand(tokens: list[tuple[str, str, int]], start: int, step: int) -> list[tuple[str, str, int]]:
    """The tokens of one comparison operand, walking from `start` in direction `step` (-1 left, 1 right)."""
    out: list[tuple[str, str, int]] = []
    depth = 0
    i = start
    into, out_of = (_CLOSING, _OPENING) if step < 0 else (_OPENING, _CLOSING)
    while 0 <= i < len(tokens):
        kind, text, _ = tokens[i]
        if kind != "string":
            if text in out_of:
                if depth == 0:
                    break
                depth -= 1
            elif text in into:
                depth += 1
            elif depth == 0 and text in _OPERAND_ENDS:
                break
        out.append(tokens[i])
        i += step
    return out[::-1] if step < 0 else out



def _costly_construct(source: str, table: SymbolTable) -> tuple[str, int, str] | None:
    """What rule-engine would work out at parse time at any cost: (message, offset, hint), else None.

    rule-engine folds constant parts while parsing, with no limit: `2 << 9999999999` builds a 1 GB number and
    `"aaaa…!" =~ "(a+)+$"` backtracks for ever. Conditions compare answers with fixed values, so a bit shift is
    never needed, and a pattern match is `name =~ "pattern"`: with a name on the left nothing is folded.
    """
    tokens = [(m.lastgroup or "", m.group(), m.start()) for m in _TOKEN.finditer(source)
              if m.lastgroup != "comment"]
    for i, (kind, text, offset) in enumerate(tokens):
        if kind != "op":
            continue
        if text in ("<<", ">>"):
            return (f"'{text}' is a bit shift, which conditions do not use", offset,
                    "compare with <, <=, > or >=, e.g. age >= 70")
        if text in _REGEX_OPS:
            left = _operand(tokens, i - 1, -1)
            right = _operand(tokens, i + 1, 1)
            comprehension = any(t == "for" for _, t, _ in tokens)
            is_pattern = len(right) == 1 and right[0][0] == "string" and right[0][1][0] in "\"'rs"
            if not (_is_name_path(left, table, comprehension) and is_pattern):
                return (f"'{text}' tests a name's text against a pattern: write the name on the left and the "
                        "pattern in quotes on the right", offset, 'e.g. value =~ "^1[3-9][0-9]{9}$"')
            pattern = literal_text(right[0][1])
            risk = pattern_risk(pattern) if pattern is not None else \
                "the pattern cannot be read (a control character inside the quotes?)"
            if risk is not None:
                return (f"unsafe pattern: {risk}", right[0][2],
                        "repeat single characters or classes only, e.g. ^[0-9]{6,18}$ or ^1[3-9][0-9]{9}$")
    return None


_LITERAL_WORDS = frozenset({"true", "false", "null", "inf", "nan", "and", "or", "not", "in", "if", "for"})


def _is_name_path(tokens: list[tuple[str, str, int]], table: SymbolTable, comprehension: bool) -> bool:
    """`value` or `name.as_lower`: a name (with attributes) whose value is only known when the kiosk runs."""
    if len(tokens) % 2 == 0 or any(kind != "name" for kind, _, _ in tokens[::2]) \
            or any(text not in (".", "&.") for _, text, _ in tokens[1::2]):
        return False
    first = tokens[0][1]
    if table.get(first) is not None:
        return True
    # An unknown name: rule-engine stops at it (SM202, with a "did you mean") before it folds anything; but not
    # a name a comprehension binds, a literal word or a `$` built-in, which may be constants.
    return not comprehension and not first.startswith("$") and first not in _LITERAL_WORDS


def compile_condition(node: Scalar, table: SymbolTable, problems: Problems,
                      extra_context: str = "") -> Condition | None:
    """Parse and type-check a condition written in YAML; problems carry the YAML position."""
    if not isinstance(node.value, str) or isinstance(node.value, bool):
        if isinstance(node.value, bool):
            problems.error("SM205", f"condition is the fixed value {node.value}; write a test such as 'age >= 70'",
                           node.location, "put the condition in quotes if it is text")
        else:
            problems.error("SM102", "a condition must be text such as 'age >= 70'", node.location)
        return None
    source = node.value.strip()
    if not source:
        problems.error("SM201", "empty condition", node.location)
        return None
    if len(source) > MAX_EXPRESSION or "\n" in source:
        problems.error("SM201", "condition too long; split it into simpler rules", node.location)
        return None
    key = table.compiled_key(source)
    known = table.compiled.get(key)
    if known is not None:
        return Condition(source, node.location, *known)
    before = len(problems.items)
    costly = _costly_construct(source, table)
    if costly is not None:
        message, offset, hint = costly
        problems.error("SM201", message, node.column_of(offset), hint)
        return None
    if table.engine_context is None:
        table.engine_context = rule_engine.Context(
            type_resolver=rule_engine.type_resolver_from_dict(
                {name: _ENGINE_TYPES[s.type] for name, s in table.symbols.items()}),
            default_value=None,
        )
    context = table.engine_context
    try:
        rule = rule_engine.Rule(source, context=context)
    except rerrors.SymbolResolutionError as exc:
        name = exc.symbol_name
        hint = did_you_mean(name, table.names()) or f"known names: {', '.join(table.names()[:12])}"
        where = node.column_of(_symbol_column(source, name))
        problems.error("SM202", f"unknown name '{name}' in condition", where, hint)
        return None
    except rerrors.RuleSyntaxError as exc:
        token = getattr(exc, "token", None)
        offset = getattr(token, "lexpos", len(source)) if token is not None else len(source)
        near = f" near '{source[offset:offset + 12]}'" if offset < len(source) else " at the end"
        problems.error("SM201", f"cannot read condition{near}", node.column_of(offset),
                       "use words like: age >= 70 and first_time, destination == \"macau\"")
        return None
    except (rerrors.EvaluationError, rerrors.SymbolTypeError, rerrors.AttributeResolutionError,
            rerrors.AttributeTypeError, rerrors.LookupError, rerrors.FunctionCallError) as exc:
        problems.error("SM203", f"type error in condition '{source}': {exc.message}", node.location,
                       "compare numbers with numbers and text with \"quoted text\"")
        return None
    except InvalidOperation:  # rule-engine works out the fixed part: `0 < nan` or `0 < inf - inf` raises there
        problems.error("SM203", f"condition '{source}' compares with a value that is not a number", node.location,
                       _NOT_A_NUMBER_HINT)
        return None
    except (rerrors.EngineError, RecursionError, ValueError, TypeError, ArithmeticError) as exc:
        problems.error("SM201", f"cannot read condition: {getattr(exc, 'message', exc)}", node.location)
        return None

    expression = rule.statement.expression
    if expression.result_type not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        problems.error("SM205", f"condition '{source}' gives a {_TYPE_WORDS.get(expression.result_type.name, 'value')},"
                                " not true/false", node.location, "compare it, e.g. 'age >= 70'")
        return None
    names: set[str] = set()
    literals: dict[str, set[Any]] = {}
    ok = True
    for sub in _walk(rule.statement):
        if isinstance(sub, ast.SymbolExpression):
            names.add(sub.name)
        _collect_literals(sub, literals)
        if isinstance(sub, ast.FloatExpression) and isinstance(sub.value, Decimal) and sub.value.is_nan():
            # `age < nan` is never met: nan is no number, and no comparison with it is true
            problems.error("SM203", f"condition '{source}' compares with nan, a value that is not a number",
                           node.location, _NOT_A_NUMBER_HINT)
            ok = False
        if isinstance(sub, ast.ComparisonExpression):
            ok &= _check_comparison(sub, source, node, table, problems)
        if isinstance(sub, ast.ContainsExpression) and isinstance(sub.member, ast.SymbolExpression) \
                and isinstance(sub.container, ast.ArrayExpression):
            for literal in sub.container.value:
                ok &= _check_choice_literal(sub.member.name, literal, source, node, table, problems)
    if not ok:
        return None
    remember = not any(getattr(table.get(name), "own", False) for name in names)
    compiled = (rule, frozenset(names), {name: frozenset(values) for name, values in literals.items()}, remember)
    if len(problems.items) == before:  # a condition that drew a warning is compiled again, to warn at each place
        table.compiled[key] = compiled
    return Condition(source, node.location, *compiled)


_LITERALS = (ast.FloatExpression, ast.StringExpression, ast.BooleanExpression)
_ORDERINGS = ("eq", "ne", "lt", "le", "gt", "ge")


def _analysable(node: object) -> bool:
    if isinstance(node, ast.Statement):
        return _analysable(node.expression)
    if isinstance(node, ast.LogicExpression):
        return _analysable(node.left) and _analysable(node.right)
    if isinstance(node, ast.UnaryExpression):
        return node.type == "not" and _analysable(node.right)
    if isinstance(node, (ast.SymbolExpression, ast.BooleanExpression)):
        return True
    if isinstance(node, ast.ComparisonExpression) and not isinstance(node, ast.FuzzyComparisonExpression):
        sides = (node.left, node.right)
        return node.type in _ORDERINGS and any(isinstance(x, ast.SymbolExpression) for x in sides) \
            and any(isinstance(x, _LITERALS) for x in sides)
    if isinstance(node, ast.ContainsExpression):
        values = getattr(node.container, "value", None)
        return isinstance(node.member, ast.SymbolExpression) and isinstance(values, (tuple, list)) \
            and all(isinstance(v, (*_LITERALS, str, bool, int, float, Decimal)) for v in values)
    return False


def _collect_literals(sub: object, literals: dict[str, set[Any]]) -> None:
    """`name OP literal`, `literal OP name` and `name in [literals]`: the literal values, by name."""
    if isinstance(sub, ast.ComparisonExpression):
        for sym, lit in ((sub.left, sub.right), (sub.right, sub.left)):
            if isinstance(sym, ast.SymbolExpression) and isinstance(lit, _LITERALS):
                value = lit.value
                literals.setdefault(sym.name, set()).add(float(value) if isinstance(lit, ast.FloatExpression)
                                                         else value)
    elif isinstance(sub, ast.ContainsExpression) and isinstance(sub.member, ast.SymbolExpression) \
            and isinstance(sub.container, (ast.ArrayExpression, ast.SetExpression)) \
            and isinstance(sub.container.value, (tuple, list)):
        for lit in sub.container.value:
            # A literal array is folded to plain values at parse time; an array with names in it is not.
            value = lit.value if isinstance(lit, _LITERALS) else lit
            if isinstance(value, (str, bool, Decimal, int, float)):
                literals.setdefault(sub.member.name, set()).add(
                    float(value) if isinstance(value, (Decimal, int)) and not isinstance(value, bool) else value)


def _check_comparison(sub: Any, source: str, node: Scalar, table: SymbolTable, problems: Problems) -> bool:
    # rule-engine lets `text == 3` through (it is simply false); for UX staff it is always a mistake.
    left, right = sub.left, sub.right
    lt, rt = left.result_type, right.result_type
    undefined = rule_engine.DataType.UNDEFINED
    null = rule_engine.DataType.NULL
    if lt not in (undefined, null) and rt not in (undefined, null) and lt != rt:
        problems.error("SM203", f"condition '{source}' compares {_TYPE_WORDS.get(lt.name, lt.name)} with "
                                f"{_TYPE_WORDS.get(rt.name, rt.name)}", node.location,
                       "text values need quotes: destination == \"macau\"; numbers do not: age >= 70")
        return False
    for sym, lit in ((left, right), (right, left)):
        if isinstance(sym, ast.SymbolExpression):
            if not _check_choice_literal(sym.name, lit, source, node, table, problems):
                return False
    return True


def _check_choice_literal(name: str, literal: Any, source: str, node: Scalar, table: SymbolTable,
                          problems: Problems) -> bool:
    symbol = table.get(name)
    if symbol is None or not symbol.choices or not isinstance(literal, ast.StringExpression):
        return True
    if literal.value in symbol.choices:
        return True
    offset = source.find(f'"{literal.value}"')
    if offset < 0:
        offset = source.find(f"'{literal.value}'")
    hint = did_you_mean(literal.value, symbol.choices) or f"choices are: {', '.join(symbol.choices)}"
    problems.error("SM204", f"'{literal.value}' is not a choice of '{name}'",
                   node.column_of(max(offset, 0)), hint)
    return False
