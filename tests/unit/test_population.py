"""Simulated applicants: the same seed gives the same journal, the settings memo changes nothing, bad personas."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.journal.record import JournalEvent
from seniormode.population.personas import load_personas
from seniormode.population.walk import simulate_population

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def rows_of(flow_name: str, seed: int, n: int = 150) -> list[tuple[object, ...]]:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / f"{flow_name}.yaml")
    personas, problems = load_personas(ROOT / "personas" / "hall.yaml")
    assert not problems.items
    out: list[JournalEvent] = []
    simulate_population(flow, personas, n, seed, out.append, version="v")
    return [(r.step, r.kind, r.detail, r.ms, r.text_scale, r.speech_rate, r.voice_language, r.view, r.age_band,
             r.synthetic) for r in out]


def test_the_same_seed_walks_the_same_applicants() -> None:
    assert rows_of("hk_macau_renewal", 9) == rows_of("hk_macau_renewal", 9)
    assert rows_of("hk_macau_renewal", 9) != rows_of("hk_macau_renewal", 10)
    assert all(row[-1] for row in rows_of("home_visit", 1, 20))  # every row is marked synthetic


@pytest.mark.parametrize("flow_name", ["hk_macau_renewal", "home_visit", "talent_endorsement"])
def test_the_settings_memo_gives_what_the_rules_give(flow_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = rows_of(flow_name, 5)
    monkeypatch.setattr(Session, "_rule_settings", lambda self: self.adaptation().settings)
    assert rows_of(flow_name, 5) == fast


def test_a_personas_file_with_mistakes_is_told_at_its_lines(tmp_path: Path) -> None:
    bad = tmp_path / "personas.yaml"
    bad.write_text("personas:\n  - id: a\n    share: 1\n    age: [80, 70]\n    eyesight: 2\n    hearing: 0.5\n"
                   "    tremor: 0\n    hesitancy: 0\n    colour: red\n", encoding="utf-8")
    personas, problems = load_personas(bad)
    assert personas == []
    assert sorted((p.code, p.location.line) for p in problems.items) == [("SM101", 9), ("SM108", 4), ("SM108", 5)]
