"""`pip install seniormode` without the kiosk extra: the commands that need Kivy say which extra to install.

A real virtual environment (tools/core_venv.py): seniormode installed from this checkout by pip, with its core
dependencies only; Kivy cannot be imported there. Nothing is faked inside the interpreter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from core_venv import make  # noqa: E402


@pytest.fixture(scope="module")
def core_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The python of a core-only install, and a folder with the demo flows, themes and catalogs to run in."""
    base = tmp_path_factory.mktemp("core_only")
    python = make(base / "venv", Path(sys.prefix))
    work = base / "work"
    for folder in ("flows_yaml", "themes", "locales"):
        shutil.copytree(ROOT / folder, work / folder)
    yield python, work


CLEAN = {"PATH": "/usr/bin:/bin"}  # no PYTHONPATH: only what is installed in the environment


def seniormode(core_only: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess[str]:
    python, work = core_only
    env = {**CLEAN, "HOME": str(work), "DISPLAY": ":99"}  # a display: the extra is the problem
    return subprocess.run([str(python.parent / "seniormode"), *args], cwd=work, capture_output=True, text=True,
                          timeout=120, env=env, check=False)


def test_the_environment_really_has_no_kivy(core_only: tuple[Path, Path]) -> None:
    python, work = core_only
    proc = subprocess.run([str(python), "-c", "import seniormode, kivy"], cwd=work, capture_output=True, text=True,
                          check=False, env=CLEAN)
    assert proc.returncode == 1 and "No module named 'kivy'" in proc.stderr
    located = subprocess.run([str(python), "-c", "import seniormode; print(seniormode.__file__)"], cwd=work,
                             capture_output=True, text=True, check=True, env=CLEAN).stdout
    assert str(python.parents[1]) in located  # the installed copy, not this checkout


@pytest.mark.parametrize("args", [["run", "flows_yaml/hk_macau_renewal.yaml"], ["storyboard", "--out", "sb"],
                                  ["demo"], ["lint", "--audit", "flows_yaml/home_visit.yaml"],
                                  ["audit", "flows_yaml/home_visit.yaml"]])
def test_a_kivy_command_names_the_kiosk_extra(core_only: tuple[Path, Path], args: list[str]) -> None:
    proc = seniormode(core_only, *args)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 2, said
    assert "pip install 'seniormode[kiosk]'" in said and "'kiosk' extra" in said, said
    assert "internal error" not in said and "Traceback" not in said


def test_the_core_commands_work_without_the_extra(core_only: tuple[Path, Path]) -> None:
    proc = seniormode(core_only, "lint", "flows_yaml")
    assert proc.returncode == 0, proc.stderr
    assert "0 error(s), 0 warning(s)" in proc.stderr
    proc = subprocess.run([str(core_only[0].parent / "seniormode"), "simulate", "flows_yaml/home_visit.yaml"],
                          cwd=core_only[1], input="\n1\nq\n", capture_output=True, text=True, timeout=60, check=False,
                          env=CLEAN)
    assert proc.returncode == 0 and "[who]" in proc.stdout and "Traceback" not in proc.stderr, proc.stderr
