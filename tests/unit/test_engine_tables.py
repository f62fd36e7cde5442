"""rule-engine's parse tables are saved once and reused; a missing or damaged cache only costs time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import sys
from seniormode.core.rules.engine_tables import MARKER, TABLE_MODULE, cache_file
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.events import Event
flow = load_flow_or_raise("flows_yaml/hk_macau_renewal.yaml")
s = Session(flow, {"age": 9, "first_time": True})
s.start(); s.handle(Event("ok")); s.handle(Event("card"))
assert s.history[-1] == "child_window", s.history
print(getattr(sys.modules.get(TABLE_MODULE), MARKER, False), cache_file().is_file())
"""


def run(cache: Path) -> str:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    proc = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_tables_are_saved_then_used(tmp_path: Path) -> None:
    assert run(tmp_path) == "False True"  # first start: built by PLY, then saved
    assert run(tmp_path) == "True True"  # next start: the saved tables are used, and the rules still work


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    run(tmp_path)
    [saved] = list((tmp_path / "seniormode").glob("rule-engine-*-tables.marshal"))
    saved.write_bytes(b"\x00garbage")
    assert run(tmp_path) == "False True"  # ignored, built by PLY, saved again
    assert run(tmp_path) == "True True"
