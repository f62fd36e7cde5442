"""Typed reading of one located YAML mapping: unknown keys, missing keys and wrong types become problems."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .problems import Location, Problems, did_you_mean
from .source import Mapping, Node, Scalar, Sequence, type_name

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


class Fields:
    """Reads keys of one mapping by type; every key it is not told about is an SM101 problem."""

    def __init__(self, node: Mapping, allowed: Iterable[str], problems: Problems, what: str):
        self.node = node
        self.problems = problems
        self.what = what
        allowed = list(allowed)
        for key in node.keys():
            if key not in allowed:
                problems.error("SM101", f"unknown key '{key}' in {what}", node.key_location(key),
                               did_you_mean(key, allowed) or f"allowed here: {', '.join(allowed)}")

    def has(self, key: str) -> bool:
        return key in self.node

    def node_of(self, key: str) -> Node | None:
        return self.node.get(key)

    def location(self, key: str) -> Location:
        value = self.node.get(key)
        return value.location if value is not None else self.node.location

    def _missing(self, key: str, example: str) -> None:
        self.problems.error("SM103", f"{self.what} needs '{key}'", self.node.location,
                            f"add '{key}: {example}'" if example else "")

    def _wrong(self, key: str, node: Node, expected: str) -> None:
        got = node.kind_name
        hint = ""
        if isinstance(node, Scalar) and isinstance(node.value, bool) and expected == "text":
            hint = "yes/no/on/off mean true/false in YAML; put the word in quotes"
        elif isinstance(node, Scalar) and node.value is None:
            hint = "the value is empty; write it after the ':'"
        self.problems.error("SM102", f"'{key}' should be {expected}, not {got}", node.location, hint)

    def scalar(self, key: str) -> Scalar | None:
        node = self.node.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self._wrong(key, node, "a single value")
            return None
        return node

    def text(self, key: str, required: bool = False, example: str = "") -> Scalar | None:
        node = self.node.get(key)
        if node is None:
            if required:
                self._missing(key, example)
            return None
        if isinstance(node, Scalar) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return Scalar(node.location, str(node.value), node.quoted)
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            self._wrong(key, node, "text")
            return None
        if not node.value.strip():
            self.problems.error("SM108", f"'{key}' is empty", node.location)
            return None
        return node

    def identifier(self, key: str, required: bool = False, example: str = "") -> Scalar | None:
        node = self.text(key, required, example)
        if node is None:
            return None
        assert isinstance(node.value, str)
        if not IDENTIFIER.match(node.value):
            self.problems.error("SM108", f"'{node.value}' is not a valid {key}", node.location,
                                "use lower-case letters, digits and _ (e.g. pay_fee), starting with a letter")
            return None
        return node

    def number(self, key: str, low: float | None = None, high: float | None = None,
               required: bool = False, example: str = "") -> float | None:
        node = self.node.get(key)
        if node is None:
            if required:
                self._missing(key, example)
            return None
        if not isinstance(node, Scalar) or isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self._wrong(key, node, "a number")
            return None
        try:
            value = float(node.value)
            shown = _fmt(value)
        except OverflowError:  # a whole number too big for a float (10**400): outside every range
            value = math.inf if node.value > 0 else -math.inf
            shown = f"a number of {len(str(abs(node.value)))} digits"
        if value != value or (low is not None and value < low) or (high is not None and value > high):
            rng = f"from {_fmt(low)} to {_fmt(high)}" if low is not None and high is not None else \
                f"at least {_fmt(low)}" if low is not None else f"at most {_fmt(high)}"
            self.problems.error("SM108", f"'{key}' is {shown}; it must be {rng}", node.location)
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        node = self.node.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar) or not isinstance(node.value, bool):
            self._wrong(key, node, "yes or no")
            return None
        return node.value

    def sequence(self, key: str, required: bool = False, example: str = "") -> Sequence | None:
        node = self.node.get(key)
        if node is None:
            if required:
                self._missing(key, example)
            return None
        if not isinstance(node, Sequence):
            self._wrong(key, node, "a list (lines starting with '- ')")
            return None
        return node

    def mapping(self, key: str, required: bool = False, example: str = "") -> Mapping | None:
        node = self.node.get(key)
        if node is None:
            if required:
                self._missing(key, example)
            return None
        if not isinstance(node, Mapping):
            self._wrong(key, node, "a group of 'key: value' lines")
            return None
        return node

    def one_of(self, key: str, options: Iterable[str], required: bool = False, default: str | None = None) \
            -> str | None:
        node = self.text(key, required)
        if node is None:
            return default
        options = list(options)
        assert isinstance(node.value, str)
        if node.value not in options:
            self.problems.error("SM108", f"'{node.value}' is not a known {key}", node.location,
                                did_you_mean(node.value, options) or f"use one of: {', '.join(options)}")
            return default
        return node.value

    def string_list(self, key: str) -> list[Scalar]:
        """A list of words, also accepting a single word for a one-item list."""
        node = self.node.get(key)
        if node is None:
            return []
        items = node.items if isinstance(node, Sequence) else [node]
        out: list[Scalar] = []
        for item in items:
            if isinstance(item, Scalar) and isinstance(item.value, str) and not isinstance(item.value, bool):
                out.append(item)
            else:
                self.problems.error("SM102", f"'{key}' should list words, not {item.kind_name}", item.location)
        return out


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def expect_mapping(node: Node | None, problems: Problems, what: str, location: Location) -> Mapping | None:
    if node is None:
        return None
    if not isinstance(node, Mapping):
        problems.error("SM102", f"{what} should be a group of 'key: value' lines, not {node.kind_name}",
                       node.location)
        return None
    return node


def plain_value(node: Node) -> Any:
    return node.plain()


__all__ = ["Fields", "IDENTIFIER", "expect_mapping", "plain_value", "type_name"]
