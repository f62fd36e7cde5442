"""A virtual environment with seniormode and its core dependencies only, as `pip install seniormode` makes it.

    python tools/core_venv.py DEST [SOURCE_VENV]

There is no package index here, so the core dependencies (PyYAML, Babel, rule-engine and theirs) are copied
from an installed environment (by default the checkout's .venv) file by file as their RECORD lists them, which
is what pip itself would have put there; setuptools and wheel likewise, to build seniormode. seniormode is then
installed from this checkout by pip (`--no-deps --no-build-isolation --no-index`), not linked, and `pip check`
must find every requirement met. No extra (kiosk, voice, fleet, report, test) is installed: no Kivy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from importlib.metadata import PathDistribution
from pathlib import Path

CORE = ("PyYAML", "babel", "rule-engine", "python-dateutil", "six")
BUILD = ("setuptools", "wheel", "packaging")
ROOT = Path(__file__).resolve().parents[1]


def _site_packages(env: Path) -> Path:
    found = sorted(env.glob("lib/python3*/site-packages"))
    if not found:
        raise SystemExit(f"{env}: no lib/python3*/site-packages")
    return found[0]


def _copy_distribution(name: str, source: Path, dest: Path) -> None:
    wanted = name.lower().replace("-", "_")
    infos = [p for p in source.glob("*.dist-info") if p.name.split("-")[0].lower().replace("-", "_") == wanted]
    if not infos:
        raise SystemExit(f"{name} is not installed in {source}")
    dist = PathDistribution(infos[0])
    for file in dist.files or ():
        src = source / file
        if ".." in file.parts or not src.is_file() or "__pycache__" in file.parts:
            continue
        target = dest / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def make(dest: Path, source_env: Path = ROOT / ".venv") -> Path:
    """Make the environment at `dest`; returns its python."""
    if dest.exists():
        shutil.rmtree(dest)
    venv.EnvBuilder(with_pip=True).create(dest)
    python = dest / "bin" / "python"
    source, target = _site_packages(source_env), _site_packages(dest)
    for name in BUILD:  # the venv's own (older) setuptools goes: the checkout needs setuptools>=64
        for old in [*target.glob(f"{name}"), *target.glob(f"{name}-*.dist-info")]:
            shutil.rmtree(old)
    for name in (*CORE, *BUILD):
        _copy_distribution(name, source, target)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # pip sees only the new environment
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", str(ROOT)], check=True, cwd=dest, env=env)
    subprocess.run([str(python), "-m", "pip", "check"], check=True, cwd=dest, env=env)
    return python


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    print(make(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT / ".venv"))
