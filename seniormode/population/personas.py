"""Personas of simulated applicants, read from YAML with file:line:col for every mistake (personas/hall.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.problems import Location, Problems
from ..core.reader import IDENTIFIER, Fields, expect_mapping
from ..core.source import Mapping, Scalar, load_file

PERSONA_KEYS = ("id", "share", "age", "eyesight", "hearing", "tremor", "hesitancy", "note")


@dataclass(frozen=True)
class Persona:
    id: str
    share: float
    age: tuple[int, int]
    eyesight: float
    hearing: float
    tremor: float
    hesitancy: float
    location: Location

    @property
    def needed_scale(self) -> float:
        """The text size this persona reads without strain."""
        return round(1.0 + 1.2 * (1.0 - self.eyesight), 2)

    @property
    def comfortable_rate(self) -> int:
        """The fastest speech, in words a minute, this persona follows the first time."""
        return int(100 + 100 * self.hearing)


def load_personas(path: str | Path) -> tuple[list[Persona], Problems]:
    problems = Problems()
    root = load_file(path, problems)
    personas: list[Persona] = []
    if root is None:
        return personas, problems
    top = expect_mapping(root, problems, "a personas file", root.location)
    if top is None:
        return personas, problems
    fields = Fields(top, ("personas",), problems, "a personas file")
    items = fields.sequence("personas", required=True, example="[{id: seventies, share: 1, age: [70, 79], ...}]")
    seen: set[str] = set()
    for item in items.items if items else []:
        node = expect_mapping(item, problems, "a persona", item.location)
        if node is not None:
            persona = _persona(node, problems)
            if persona is not None and persona.id in seen:
                problems.error("SM105", f"persona '{persona.id}' is defined twice", persona.location)
            elif persona is not None:
                seen.add(persona.id)
                personas.append(persona)
    if items is not None and not items.items:
        problems.error("SM103", "a personas file needs at least one persona", items.location)
    return personas, problems


def _persona(node: Mapping, problems: Problems) -> Persona | None:
    f = Fields(node, PERSONA_KEYS, problems, "a persona")
    ident = f.identifier("id", required=True, example="seventies")
    share = f.number("share", low=0.0, high=1000.0, required=True, example="0.3")
    measures = {k: f.number(k, low=0.0, high=1.0, required=True, example="0.5")
                for k in ("eyesight", "hearing", "tremor", "hesitancy")}
    age = _age(f, node, problems)
    if ident is None or share is None or age is None or any(v is None for v in measures.values()):
        return None
    if not IDENTIFIER.match(str(ident.value)):
        return None
    return Persona(str(ident.value), share, age, measures["eyesight"] or 0.0, measures["hearing"] or 0.0,
                   measures["tremor"] or 0.0, measures["hesitancy"] or 0.0, node.location)


def _age(f: Fields, node: Mapping, problems: Problems) -> tuple[int, int] | None:
    seq = f.sequence("age", required=True, example="[70, 79]")
    if seq is None:
        return None
    values = [i.value for i in seq.items if isinstance(i, Scalar)]
    if len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values) \
            or not 18 <= values[0] <= values[1] <= 110:  # type: ignore[operator]
        problems.error("SM108", "'age' is [youngest, oldest] in whole years, 18 to 110, e.g. [70, 79]",
                       seq.location)
        return None
    return int(values[0]), int(values[1])  # type: ignore[arg-type]


__all__ = ["Persona", "load_personas"]
