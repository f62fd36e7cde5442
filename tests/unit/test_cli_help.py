"""Every command explains each of its options and ends its --help with an example that parses; `python -m
seniormode` is the same program; `seniormode docs` says what it wrote and `--check` writes nothing."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from seniormode.cli import build_parser

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def commands(parser: argparse.ArgumentParser, name: str = "seniormode") \
        -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from commands(sub, f"{name} {sub_name}")


ALL = list(commands(build_parser()))


def test_every_command_is_walked() -> None:
    names = {name for name, _ in ALL}
    assert {"seniormode lint", "seniormode i18n status", "seniormode voice build", "seniormode demo",
            "seniormode explain", "seniormode schema", "seniormode storyboard", "seniormode docs"} <= names


@pytest.mark.parametrize("name, parser", ALL, ids=[name for name, _ in ALL])
def test_every_option_has_help(name: str, parser: argparse.ArgumentParser) -> None:
    bare = [a.option_strings[0] if a.option_strings else a.dest for a in parser._actions
            if not a.help and not isinstance(a, argparse._SubParsersAction)]
    assert not bare, f"{name}: no help text for {bare}"  # was: explain --input/--hour, schema --out, ...


@pytest.mark.parametrize("name, parser", ALL, ids=[name for name, _ in ALL])
def test_every_help_ends_with_an_example_that_parses(name: str, parser: argparse.ArgumentParser) -> None:
    lines = parser.format_help().rstrip("\n").splitlines()
    assert lines[-2] == "example:", f"{name} --help does not end with an example"
    example = lines[-1].strip()
    assert example.startswith(name + " ") or example == name or name == "seniormode", example
    build_parser().parse_args(shlex.split(example)[1:])  # a SystemExit here is an example that does not run


def test_python_dash_m_seniormode_is_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "seniormode", "lint", "flows_yaml/home_visit.yaml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in proc.stderr
    usage = subprocess.run([sys.executable, "-m", "seniormode", "--help"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: seniormode ")


def docs(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "docs", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_docs_says_what_it_wrote_and_check_writes_nothing(tmp_path: Path) -> None:
    for folder in [*ROOT.glob("tests/bad_*"), ROOT / "tests/audit_flows", ROOT / "tests/audit_themes"]:
        if folder.is_dir():
            shutil.copytree(folder, tmp_path / "tests" / folder.name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("screens"))
    shutil.copytree(ROOT / "locales", tmp_path / "locales")  # docs/events.md says the presets' spoken names
    page = tmp_path / "docs" / "problems.md"
    shipped = page.read_text(encoding="utf-8")
    proc = docs(tmp_path, "--check")
    assert proc.returncode == 0 and "docs/problems.md, docs/events.md and docs/icons.md are up to date" in \
        proc.stdout, proc.stderr
    page.write_text(shipped.replace("## SM101", "## SM101 edited by hand"), encoding="utf-8")
    proc = docs(tmp_path, "--check")
    assert proc.returncode == 1 and "docs/problems.md is out of date" in proc.stderr
    assert "edited by hand" in page.read_text(encoding="utf-8")  # --check writes nothing
    proc = docs(tmp_path)
    assert proc.returncode == 0 and "docs/problems.md rewritten: it was out of date" in proc.stdout
    assert page.read_text(encoding="utf-8") == shipped
