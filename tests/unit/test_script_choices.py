"""A `choose:` for a tile its screen does not show is a mistake in the scenario or script, at its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from seniormode.core.events import Event, parse_event
from seniormode.core.problems import Location
from seniormode.core.scenario import check_scenario, load_scenarios
from seniormode.lint import lint_paths

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
HK = ROOT / "flows_yaml" / "hk_macau_renewal.yaml"


def test_an_event_remembers_where_it_was_written_without_changing_what_it_is() -> None:
    event = parse_event({"choose": "macau"}, Location("s.yaml", 4, 7))
    assert event.location == Location("s.yaml", 4, 7)
    assert event == Event("choose", "macau") and hash(event) == hash(Event("choose", "macau"))


def test_a_scenario_choosing_a_tile_that_is_not_on_the_screen_fails_at_that_event(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    # the card is not read yet: 'urgent' is a tile of the next screen, not of read_card
    path.write_text(f"flow: {HK}\nscenarios:\n  - name: skips the card\n    events:\n      - ok\n"
                    "      - choose: urgnt\n    expect:\n      status: active\n", encoding="utf-8")
    loaded = load_scenarios(path)
    assert loaded.flow is not None and not loaded.problems.items
    _, failures = check_scenario(loaded.flow, loaded.scenarios[0])
    assert [p.format() for p in failures] == [
        f"{path}:6:9: error[SM401] 'choose: urgnt', but step 'read_card' has no tile 'urgnt' "
        "(step 'read_card' shows no tiles)"]


def test_lint_plays_scenarios_and_names_the_tiles_of_that_screen(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(f"flow: {HK}\nscenarios:\n  - name: a typo\n    events: [ok, card, {{choose: urgnt}}]\n",
                    encoding="utf-8")
    problems = lint_paths([path]).problems.sorted()
    assert [p.format() for p in problems] == [
        f"{path}:4:24: error[SM401] 'choose: urgnt', but step 'purpose' has no tile 'urgnt' (did you mean 'urgent'?)"]


def test_simulate_script_stops_at_a_choice_the_screen_does_not_have(tmp_path: Path) -> None:
    script = tmp_path / "taps.yaml"
    script.write_text("events:\n  - ok\n  - card\n  - choose: hongkong\n  - choose: macau\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "simulate", str(HK), "--script", str(script)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout[-1000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        f"{script}:4:5: error[SM401] 'choose: hongkong', but step 'purpose' has no tile 'hongkong' "
        "(the tiles are: normal, urgent)")
    assert ">>> choose macau" not in proc.stdout  # the rest was written for another screen


@pytest.mark.parametrize("script", ["- ok\n- chose: normal\n", "events:\n  - ok\n  - {choose: }\n",
                                    "inputs: {age: 76}\nevents: [ok, blink]\n"])
def test_a_bad_event_in_a_script_is_told_once(tmp_path: Path, script: str) -> None:
    path = tmp_path / "script.yaml"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "seniormode", "simulate", "flows_yaml/hk_macau_renewal.yaml",
                           "--script", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if "SM401" in line]
    assert len(lines) == 1 and lines[0].startswith(f"{path}:"), proc.stderr
