"""Every problem code a flow file can have is shown by a small bad flow in tests/bad_flows/.

Each bad flow starts with `# expect: SM104 line 14`: loading it must give exactly that one problem,
at that line, and `seniormode check` must print it as `file:line:col: error[SM104] ...` without a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seniormode.cli import main
from seniormode.core.loader import load_flow
from seniormode.core.problems import CODES, Severity
from seniormode.lint import lint_file

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
BAD_FLOWS = REPO / "tests" / "bad_flows"
# SM401 is for scenario files, SM501-SM503 for theme files (tests/unit/test_theme.py).
NOT_FLOW_CODES = {"SM401", "SM501", "SM502", "SM503"}
WARNING_CODES = {"SM112", "SM113", "SM115", "SM504"}
# Read as bytes: SM004's file is deliberately not UTF-8, but its first line is ASCII.
EXPECT = re.compile(rb"^# expect: (SM\d{3}) line (\d+)\r?$")

# Bad flows where the loader is known to be wrong today. Each file states the correct behaviour;
# strict xfail turns into a failure once the loader is fixed, so the entry must then be removed.
KNOWN_LOADER_BUGS: dict[str, str] = {}


def bad_flow_files() -> list[Path]:
    return sorted(BAD_FLOWS.glob("*.yaml"))


def expectation(path: Path) -> tuple[str, int]:
    first_line = path.read_bytes().split(b"\n", 1)[0]
    match = EXPECT.match(first_line)
    assert match, f"{path.name}: first line must be '# expect: SMxxx line N', not {first_line!r}"
    return match.group(1).decode("ascii"), int(match.group(2))


def params(with_known_bugs: bool) -> list[Any]:
    out = []
    for path in bad_flow_files():
        marks = []
        if with_known_bugs and path.name in KNOWN_LOADER_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_LOADER_BUGS[path.name], strict=True))
        out.append(pytest.param(path, id=path.name, marks=marks))
    return out


def severity_of(code: str) -> Severity:
    return Severity.WARNING if code in WARNING_CODES else Severity.ERROR


@pytest.mark.parametrize("path", params(with_known_bugs=True))
def test_bad_flow_gives_exactly_the_expected_problem(path: Path) -> None:
    code, line = expectation(path)
    problems = lint_file(path)

    found = [(p.code, p.location.line) for p in problems]
    assert found == [(code, line)], "\n".join(p.format() for p in problems)

    problem = problems.sorted()[0]
    assert problem.location.file.endswith(path.name)
    assert problem.location.column >= 1
    assert problem.severity is severity_of(code)
    # Warnings still give a flow; any error means there is none.
    flow, _ = load_flow(path)
    assert (flow is None) == (problem.severity is Severity.ERROR)

    text = problem.format()
    expected = re.compile(rf"^{re.escape(problem.location.file)}:{line}:{problem.location.column}: "
                          rf"{problem.severity.value}\[{code}\] \S")
    assert expected.match(text), text


def test_file_names_match_their_expected_code() -> None:
    for path in bad_flow_files():
        code, _ = expectation(path)
        assert re.fullmatch(rf"{code}_[a-z0-9_]+\.yaml", path.name), \
            f"{path.name}: name it like '{code}_what_is_wrong.yaml'"
        assert code in CODES, f"{path.name}: {code} is not in problems.CODES"


def test_every_flow_problem_code_has_a_bad_flow() -> None:
    # A file that only documents a known loader bug does not count: each code needs one that passes.
    covered = {expectation(path)[0] for path in bad_flow_files() if path.name not in KNOWN_LOADER_BUGS}
    missing = sorted(set(CODES) - NOT_FLOW_CODES - covered)
    assert not missing, f"add a bad flow to tests/bad_flows/ for: {', '.join(missing)}"


def test_known_loader_bugs_name_existing_files() -> None:
    names = {path.name for path in bad_flow_files()}
    assert set(KNOWN_LOADER_BUGS) <= names


def _run_check(*paths: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, as UX staff run it."""
    env = {k: v for k, v in os.environ.items() if k != "SENIORMODE_DEBUG"}
    return subprocess.run([sys.executable, "-m", "seniormode.cli", "check", *paths], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.fixture(scope="module")
def check_all() -> subprocess.CompletedProcess[str]:
    """`seniormode check` over every bad flow at once: one process keeps the module quick."""
    return _run_check(*(_rel(path) for path in bad_flow_files()))


def test_cli_check_reports_unknown_step() -> None:
    [path] = sorted(BAD_FLOWS.glob("SM104_*.yaml"))
    code, line = expectation(path)
    result = _run_check(_rel(path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(rf"^{re.escape(_rel(path))}:{line}:[1-9]\d*: error\[{code}\] \S", result.stderr,
                     re.MULTILINE), result.stderr


def test_cli_checks_every_bad_flow_without_traceback(check_all: subprocess.CompletedProcess[str]) -> None:
    output = check_all.stdout + check_all.stderr
    assert "Traceback" not in output
    assert "internal error" not in output
    assert check_all.returncode == 1, output
    assert f"{len(bad_flow_files())} file(s) checked" in check_all.stderr, output


@pytest.mark.parametrize("path", params(with_known_bugs=True))
def test_cli_prints_the_expected_problem(path: Path, check_all: subprocess.CompletedProcess[str]) -> None:
    code, line = expectation(path)
    rel = _rel(path)
    printed = [x for x in check_all.stderr.splitlines() if x.startswith(rel + ":")]
    assert len(printed) == 1, check_all.stderr
    assert re.match(rf"^{re.escape(rel)}:{line}:[1-9]\d*: {severity_of(code).value}\[{code}\] \S", printed[0]), \
        printed[0]


@pytest.mark.parametrize("path", params(with_known_bugs=False))
def test_cli_exit_code_and_no_traceback_per_file(path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Each file alone through the CLI's main(); a crash raises here (SENIORMODE_DEBUG) instead of hiding."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SENIORMODE_DEBUG", "1")
    code, _ = expectation(path)
    status = main(["check", _rel(path)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    assert "internal error" not in output
    # Warnings alone do not fail `check`; with --strict they do.
    assert status == (0 if code in WARNING_CODES else 1), output
    assert main(["check", "--strict", _rel(path)]) == 1
