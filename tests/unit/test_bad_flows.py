"""Every problem code is shown by a small bad example in tests/bad_*/, with its fix next to it in fixed/.

Each example starts with `# expect: SM104 line 13 col 11` (column 1-based, as editors show it). Linting it must give
exactly that one problem, at that line and column, with the code's severity; its twin in `fixed/` (same name,
starting with a `# fixed:` comment) must give no problem at all; and `seniormode check` must print it as
`file:line:col: severity[code] ...` without a traceback. docs/problems.md is generated from these files.

Examples are found when the tests run, so an example added to any tests/bad_*/ folder is checked at once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seniormode.cli import main
from seniormode.core.problems import CODES, Severity
from seniormode.core.scenario import check_scenario, load_scenarios
from seniormode.lint import file_kind
from seniormode.lint.problem_docs import (
    AUDIT_CODES,
    EXPECT,
    FIXED_PREFIX,
    WARNING_CODES,
    Example,
    example_files,
    lint_example,
    lint_options,
    read_example,
)
from seniormode.lint.problem_docs import examples as readable_examples

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
BAD_FLOWS = REPO / "tests" / "bad_flows"

# The lead adds these codes' checks and their bad examples. Remove a code from here when its example lands:
# test_pending_codes_have_no_example_yet fails until you do, so this set only shrinks.
PENDING: set[str] = set()

# Examples whose header states the right column while the linter reports another. The column test is a strict
# xfail for them: it fails once the linter is fixed, and then the entry must go.
KNOWN_COLUMN_BUGS: dict[str, str] = {}


def examples() -> list[Example]:
    """The examples whose first line reads; test_example_header fails on the others."""
    return readable_examples(REPO)


def params(known_column_bugs: bool = False) -> list[Any]:
    out = []
    for path in example_files(REPO):
        marks = []
        if known_column_bugs and path.name in KNOWN_COLUMN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_COLUMN_BUGS[path.name], strict=True))
        out.append(pytest.param(path, id=_rel(path), marks=marks))
    return out


def severity_of(code: str) -> Severity:
    return Severity.WARNING if code in WARNING_CODES else Severity.ERROR


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# --- the examples ------------------------------------------------------------------------------------------------


def test_there_are_examples() -> None:
    assert len(example_files(REPO)) >= 30


@pytest.mark.parametrize("path", params())
def test_example_header(path: Path) -> None:
    first = path.read_bytes().split(b"\n", 1)[0]
    assert EXPECT.match(first), f"{path.name}: the first line must be '# expect: SMxxx line N col M', not {first!r}"
    example = read_example(path)
    assert example.code in CODES, f"{path.name}: {example.code} is not in problems.CODES"
    # Theme names are lower case and equal the file's stem, so theme examples are named sm501_...
    assert re.fullmatch(rf"(?i:{example.code})_[a-z0-9_]+\.(yaml|po)", path.name), \
        f"{path.name}: name it like '{example.code}_what_is_wrong{path.suffix}'"


@pytest.mark.parametrize("path", params())
def test_example_gives_exactly_the_expected_problem(path: Path) -> None:
    example = read_example(path)
    problems = lint_example(path)

    found = [(p.code, p.location.line) for p in problems]
    assert found == [(example.code, example.line)], "\n".join(p.format() for p in problems)
    [problem] = problems
    assert Path(problem.location.file).name == path.name
    assert problem.severity is severity_of(example.code), \
        f"{example.code} is a {problem.severity.value}: update WARNING_CODES in seniormode/lint/problem_docs.py"
    assert re.match(rf"^{re.escape(problem.location.file)}:{example.line}:[1-9]\d*: "
                    rf"{problem.severity.value}\[{example.code}\] \S", problem.format()), problem.format()


@pytest.mark.parametrize("path", params(known_column_bugs=True))
def test_example_problem_is_at_the_expected_column(path: Path) -> None:
    example = read_example(path)
    columns = [p.location.column for p in lint_example(path)]
    assert columns == [example.column], f"{path.name}: the linter says column {columns}, the file {example.column}"


def test_known_column_bugs_name_existing_examples() -> None:
    names = {path.name for path in example_files(REPO)}
    assert set(KNOWN_COLUMN_BUGS) <= names


# --- the fixed twins ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", params())
def test_fixed_twin_has_no_problem(path: Path) -> None:
    fixed = read_example(path).fixed
    assert fixed.is_file(), f"add {_rel(fixed)}: the example with the fix the hint suggests"
    first = fixed.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith(FIXED_PREFIX + " "), f"{_rel(fixed)}: start with '# fixed: what was changed', not {first!r}"
    problems = lint_example(fixed)
    assert not problems, "\n".join(p.format() for p in problems)
    if file_kind(fixed) == "scenario":
        scenarios = load_scenarios(fixed)
        assert scenarios.flow is not None and scenarios.scenarios
        for scenario in scenarios.scenarios:
            assert not check_scenario(scenarios.flow, scenario)[1], scenario.name


def test_shared_files_of_fixed_folders_are_copies() -> None:
    """A file both an example and its twin use (a scenario's flow) is in both folders, the same."""
    for folder in sorted(REPO.glob("tests/bad_*/fixed")):
        for twin in sorted(folder.iterdir()):
            original = folder.parent / twin.name
            if twin.is_file() and not twin.read_bytes().startswith(b"# fixed:"):
                assert original.is_file() and original.read_bytes() == twin.read_bytes(), \
                    f"{_rel(twin)} is neither a fixed twin nor a copy of {_rel(original)}"


# --- every code ----------------------------------------------------------------------------------------------------


def test_every_code_has_an_example() -> None:
    covered = {example.code for example in examples()}
    missing = sorted(set(CODES) - covered - AUDIT_CODES - PENDING)
    assert not missing, f"add a bad example to tests/bad_*/ (and its fix in fixed/) for: {', '.join(missing)}"


def test_pending_codes_have_no_example_yet() -> None:
    landed = sorted(PENDING & {example.code for example in examples()})
    assert not landed, f"these codes have an example now: remove {', '.join(landed)} from PENDING"


def test_allow_lists_name_real_codes() -> None:
    assert PENDING <= set(CODES)
    assert set(AUDIT_CODES) <= set(CODES)
    assert set(WARNING_CODES) <= set(CODES)
    assert not set(AUDIT_CODES) & PENDING


def test_audit_codes_have_no_lint_example() -> None:
    """SM506-SM508 come from `seniormode audit` (tests/audit_*), never from the linter."""
    linted = sorted(AUDIT_CODES & {example.code for example in examples()})
    assert not linted, f"{', '.join(linted)} are audit codes: their examples belong in tests/audit_*/"


# --- the command line --------------------------------------------------------------------------------------------


def _cli_options(path: Path) -> list[str]:
    """The command-line twin of lint_options(): the folder's own locales/, or no catalog checks."""
    locales = lint_options(path).locales
    return ["--locales", str(locales)] if locales is not None else ["--no-catalogs"]


def _run_check(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, as UX staff run it."""
    env = {k: v for k, v in os.environ.items() if k != "SENIORMODE_DEBUG"}
    return subprocess.run([sys.executable, "-m", "seniormode.cli", "check", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)


def _by_folder(paths: list[Path]) -> dict[Path, list[Path]]:
    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(path.parent, []).append(path)
    return folders


@pytest.fixture(scope="module")
def check_all() -> dict[Path, subprocess.CompletedProcess[str]]:
    """`seniormode check` over each folder's examples at once: one process per folder keeps the module quick."""
    return {folder: _run_check(*_cli_options(paths[0]), *(_rel(p) for p in paths))
            for folder, paths in _by_folder(example_files(REPO)).items()}


def _sm104() -> Example:
    [path] = sorted(BAD_FLOWS.glob("SM104_*.yaml"))
    return read_example(path)


def test_cli_check_reports_unknown_step() -> None:
    example = _sm104()
    rel = _rel(example.path)
    result = _run_check(*_cli_options(example.path), rel)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(rf"^{re.escape(rel)}:{example.line}:{example.column}: error\[{example.code}\] \S",
                     result.stderr, re.MULTILINE), result.stderr


def test_cli_check_format_github() -> None:
    example = _sm104()
    rel = _rel(example.path)
    result = _run_check(*_cli_options(example.path), "--format", "github", rel)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(rf"^::error file={re.escape(rel)},line={example.line},col={example.column},"
                     rf"title={example.code}::\S", result.stdout, re.MULTILINE), result.stdout


def test_cli_check_format_json() -> None:
    example = _sm104()
    rel = _rel(example.path)
    result = _run_check(*_cli_options(example.path), "--format", "json", rel)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [problem] = json.loads(result.stdout)
    assert problem["code"] == example.code
    assert problem["severity"] == "error"
    assert problem["location"] == {"file": rel, "line": example.line, "column": example.column}
    assert problem["message"] and "hint" in problem


def test_cli_checks_every_example_without_traceback(check_all: dict[Path, subprocess.CompletedProcess[str]]) -> None:
    for folder, paths in _by_folder(example_files(REPO)).items():
        result = check_all[folder]
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        assert "internal error" not in output
        assert result.returncode == 1, output
        assert f"{len(paths)} file(s) checked" in result.stderr, output


@pytest.mark.parametrize("path", params())
def test_cli_prints_the_expected_problem(path: Path, check_all: dict[Path, subprocess.CompletedProcess[str]]) -> None:
    example = read_example(path)
    rel = _rel(path)
    stderr = check_all[path.parent].stderr
    printed = [x for x in stderr.splitlines() if x.startswith(rel + ":")]
    assert len(printed) == 1, stderr
    assert re.match(rf"^{re.escape(rel)}:{example.line}:[1-9]\d*: "
                    rf"{severity_of(example.code).value}\[{example.code}\] \S", printed[0]), printed[0]


@pytest.mark.parametrize("path", params())
def test_cli_exit_code_and_no_traceback_per_file(path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Each file alone through the CLI's main(); a crash raises here (SENIORMODE_DEBUG) instead of hiding."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SENIORMODE_DEBUG", "1")
    example = read_example(path)
    status = main(["check", *_cli_options(path), _rel(path)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    assert "internal error" not in output
    # Warnings alone do not fail `check`; with --strict they do.
    assert status == (0 if example.code in WARNING_CODES else 1), output
    assert main(["check", "--strict", *_cli_options(path), _rel(path)]) == 1


def test_cli_check_strict_passes_every_fixed_twin() -> None:
    for paths in _by_folder([read_example(p).fixed for p in example_files(REPO)]).values():
        result = _run_check("--strict", *_cli_options(paths[0]), *(_rel(p) for p in paths))
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 0, result.stderr
        assert f"{len(paths)} file(s) checked: 0 error(s), 0 warning(s)" in result.stderr, result.stderr
