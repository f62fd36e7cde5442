"""seniormode.core must import and run with no Kivy and no pyttsx3 installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import sys, pkgutil, importlib
import importlib.abc

class Forbid(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("kivy", "pyttsx3"):
            raise ImportError(f"{name} is not installed here")
        return None

sys.meta_path.insert(0, Forbid())
import seniormode.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "seniormode.core.")]
for name in names:
    importlib.import_module(name)
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.core.events import Event
flow = load_flow_or_raise("flows_yaml/hk_macau_renewal.yaml")
s = Session(flow, {"age": 76})
s.start()
for e in ["ok", "card"]:
    s.handle(Event(e))
assert s.settings()["text_scale"] == 1.4
bad = [m for m in sys.modules if m.split(".")[0] in ("kivy", "pyttsx3")]
assert not bad, bad
print("headless ok", len(names))
"""


def test_core_imports_and_runs_without_kivy_or_pyttsx3() -> None:
    proc = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("headless ok")


def test_import_contract_holds() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("import-linter is a test dependency; install with pip install -e .[test]")
    proc = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 4 kept, 0 broken." in proc.stdout
