"""The names a condition may use, with their types: applicant inputs, session facts and step answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..problems import Location

TYPES = ("number", "text", "yes_no")


@dataclass(frozen=True)
class Symbol:
    name: str
    type: str
    description: str
    choices: tuple[str, ...] = ()
    location: Location | None = None
    # What identifies an applicant: what they type (the answer of a text or number step, the value a `valid:`
    # checks, a free-text input) and the card's name. A condition over it is never remembered from one applicant
    # to the next (Condition's memo), which would keep the last few thousand applicants' answers in memory. Age,
    # region and the like take a few values each and stay remembered.
    own: bool = False


# What the kiosk knows about every applicant and session, whatever the flow.
BUILTIN_SYMBOLS: tuple[Symbol, ...] = (
    Symbol("age", "number", "applicant's age in years, from the ID card"),
    Symbol("first_time", "yes_no", "no earlier endorsement on record"),
    Symbol("region", "text", "region of the ID card's issuing office"),
    Symbol("name", "text", "applicant's name, from the ID card", own=True),
    Symbol("wheelchair", "yes_no", "applicant uses a wheelchair (staff or profile)"),
    Symbol("hour", "number", "hour of the day, 0-23"),
    Symbol("weekday", "number", "day of the week, 1 = Monday"),
    Symbol("step", "text", "id of the current step"),
    Symbol("errors", "number", "input errors so far in this session"),
    Symbol("extensions", "number", "time-outs extended so far"),
    Symbol("helps", "number", "times help was asked for"),
)


@dataclass
class SymbolTable:
    """Declared names and types; conditions are type-checked against it once, at load."""

    symbols: dict[str, Symbol] = field(default_factory=dict)
    # The compiled typing context of the expression engine, built once per table (see expression.py).
    engine_context: Any = field(default=None, compare=False, repr=False)
    # Conditions that compiled with no problem, by their text: a flow repeats the same `valid:` and `when:` on
    # many steps (a 500-step flow: 357 conditions, 233 different), and each costs rule-engine ~0.3 ms to parse
    # and type. Tables made by child() with the same extra names share it; add() starts a new one.
    compiled: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    _extras: tuple[Symbol, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def with_builtins(cls) -> SymbolTable:
        return cls({s.name: s for s in BUILTIN_SYMBOLS})

    def add(self, symbol: Symbol) -> None:
        self.symbols[symbol.name] = symbol
        self.engine_context = None
        self.compiled = {}

    def get(self, name: str) -> Symbol | None:
        return self.symbols.get(name)

    def names(self) -> list[str]:
        return sorted(self.symbols)

    def child(self, *extra: Symbol) -> SymbolTable:
        table = SymbolTable(dict(self.symbols))
        for s in extra:
            table.add(s)
        table.compiled, table._extras = self.compiled, self._extras + extra
        return table

    def compiled_key(self, source: str) -> tuple[Any, ...]:
        return (source, self._extras)
