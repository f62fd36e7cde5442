"""Applicant inputs given by hand (CLI `--input age=76`, scenario `inputs:`), typed by what the flow declares."""

from __future__ import annotations

from typing import Any

from .flow import Flow
from .problems import Location, Problem, did_you_mean
from .rules.symbols import BUILTIN_SYMBOLS

_TRUE = {"true", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "no", "n", "0", "否", "不"}
_SESSION_FACTS = {"step", "errors", "extensions", "helps"}


def input_types(flow: Flow) -> dict[str, str]:
    types = {s.name: s.type for s in BUILTIN_SYMBOLS if s.name not in _SESSION_FACTS}
    types.update({name: spec.type for name, spec in flow.inputs.items()})
    return types


def coerce_inputs(flow: Flow, raw: dict[str, Any], location: Location) -> tuple[dict[str, Any], list[Problem]]:
    """Turn text or YAML values into the declared types; unknown names and bad values are problems."""
    types = input_types(flow)
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        kind = types.get(name)
        if kind is None:
            problems.append(Problem("SM202", f"unknown input '{name}'", location,
                                    hint=did_you_mean(name, types) or f"inputs: {', '.join(sorted(types))}"))
            continue
        try:
            out[name] = _coerce(kind, value)
        except ValueError:
            problems.append(Problem("SM102", f"input '{name}' should be {kind.replace('_', '/')}, not '{value}'",
                                    location))
    return out, problems


def _coerce(kind: str, value: Any) -> Any:
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(value)
        return int(number) if number.is_integer() else number
    return str(value)


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """`["age=76", "region=广东"]` -> {"age": "76", "region": "广东"}."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"'{pair}' should be NAME=VALUE, e.g. age=76")
        out[name.strip()] = value.strip()
    return out
