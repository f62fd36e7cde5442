"""docs/problems.md, generated: every problem code with its bad example, what the linter prints, and the fix.

The examples are the test fixtures themselves: a file directly in a `tests/bad_*/` folder whose first line is
`# expect: SM104 line 13 col 11` gives exactly that problem, and its twin in `fixed/` next to it gives none
(tests/unit/test_bad_flows.py holds both to it). So the page cannot drift from what the linter does.

Regenerate with `python -m seniormode.lint.problem_docs`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import CODES, Location, Problem
from .files import LintOptions, lint_paths

REPO = Path(__file__).resolve().parents[2]
DOCS_PAGE = Path("docs") / "problems.md"
EXAMPLE_FOLDERS = "tests/bad_*"
# Fixtures of `seniormode audit`, which renders the screens: the audit engineer's folders, if they exist yet.
AUDIT_FOLDERS = ("tests/audit_flows", "tests/audit_themes")
EXAMPLE_SUFFIXES = (".yaml", ".po")

# Codes `seniormode lint` reports as warnings: `check` passes with them unless `--strict`.
WARNING_CODES = frozenset({"SM112", "SM113", "SM115", "SM118", "SM120", "SM302", "SM303", "SM504", "SM601", "SM602",
                           "SM603", "SM607"})
# Codes only `seniormode audit` reports (it draws every screen); `seniormode lint` never does.
AUDIT_CODES = frozenset({"SM506", "SM507", "SM508", "SM510", "SM511", "SM512", "SM513"})

# Audit codes no flow or theme can cause any more: what the check guards, instead of an example.
WITHOUT_EXAMPLE = {
    "SM512": "No flow or theme can cause it: the kiosk lays the time-out warning and the help out over the step "
             "between its bars, with the border drawn inside the panel, whatever the theme's sizes, spacing or text "
             "setting (a share of the window once reached 20 px into the top bar at text ×2.0, with the border 3 px "
             "over its own box). The check stays, so that a change to the kiosk's layout cannot bring it back; it is "
             "tested on a warning moved over the bars on purpose (tests/kivy/test_audit_checks.py).",
}

AUDIT_SEVERITY = "reported by `seniormode audit` (which draws every screen), not by `seniormode lint`"

# Read as bytes: an example may deliberately not be UTF-8 (SM004), but its first line is ASCII.
EXPECT = re.compile(rb"^# expect: (SM\d{3}) line (\d+) col (\d+)\r?$")
EXPECT_PREFIX = b"# expect:"
FIXED_PREFIX = "# fixed:"
# Lines longer than this are cut in the page (SM003's example is a 20,000-character line).
MAX_SHOWN = 160


@dataclass(frozen=True)
class Example:
    """A bad example file and the one problem it must give, at a line and column (1-based, as editors show)."""

    path: Path
    code: str
    line: int
    column: int

    @property
    def fixed(self) -> Path:
        """Its twin with the fix: same name in a `fixed/` folder next to it."""
        return self.path.parent / "fixed" / self.path.name


def has_expect_line(path: Path) -> bool:
    return path.read_bytes().startswith(EXPECT_PREFIX)


def example_files(repo: Path = REPO) -> list[Path]:
    """Every file with an `# expect:` first line directly in a tests/bad_*/ folder (not in fixed/)."""
    return sorted(p for folder in repo.glob(EXAMPLE_FOLDERS) if folder.is_dir() for p in folder.iterdir()
                  if p.is_file() and p.suffix in EXAMPLE_SUFFIXES and has_expect_line(p))


def read_example(path: Path) -> Example:
    """The example's expectation; ValueError when its first line is not `# expect: SMxxx line N col M`."""
    first = _first_line(path)
    match = EXPECT.match(first)
    if not match:
        raise ValueError(f"{path.name}: the first line must be '# expect: SMxxx line N col M', not {first!r}")
    return Example(path, match.group(1).decode("ascii"), int(match.group(2)), int(match.group(3)))


def examples(repo: Path = REPO) -> list[Example]:
    """Every example whose first line reads (the tests fail on the others; see malformed_examples)."""
    return [read_example(path) for path in example_files(repo) if EXPECT.match(_first_line(path))]


def malformed_examples(repo: Path = REPO) -> list[Path]:
    """Examples whose `# expect:` line does not read."""
    return [path for path in example_files(repo) if not EXPECT.match(_first_line(path))]


def _first_line(path: Path) -> bytes:
    return path.read_bytes().split(b"\n", 1)[0]


def lint_options(path: Path) -> LintOptions:
    """Catalog checks against the example folder's own locales/, and none when it has no such folder."""
    locales = path.parent / "locales"
    return LintOptions(locales=locales if locales.is_dir() else None)


def lint_example(path: Path) -> list[Problem]:
    """What `seniormode lint` finds in one example file (or its fixed twin), sorted by place."""
    return lint_paths([path], lint_options(path)).problems.sorted()


def severity_of(code: str) -> str:
    return "warning" if code in WARNING_CODES else "error"


# --- text as the page shows it ---------------------------------------------------------------------------------


def decoded(path: Path) -> tuple[str, str]:
    """The file's text and a note on its encoding ('' for UTF-8)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace"), "The file is not UTF-8; it is shown decoded as GB18030."


def file_lines(text: str) -> list[str]:
    # Only '\n' ends a line, as in YAML: str.splitlines() would also split at the control characters shown here.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines


def visible(line: str) -> str:
    """Control characters as their Unicode pictures (U+2400...), one for one, so columns stay the same."""
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 and c != "\t" else "\u2421" if c == "\x7f" else c
                   for c in line)


def cut(line: str, keep_to: int = 0) -> str:
    """A line short enough to read, still showing column `keep_to`."""
    if len(line) <= MAX_SHOWN:
        return line
    keep = max(MAX_SHOWN - 40, keep_to + 20)
    return f"{line[:keep]} … ({len(line) - keep} more characters)"


def cells(text: str) -> int:
    """Width in a monospace font: CJK characters take two cells, combining marks none."""
    width = 0
    for c in text:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return width


def caret_line(line: str, column: int, code: str) -> str:
    """A comment line with '^' under `column` of `line`."""
    width = cells(line[: column - 1])
    if width == 0:
        return f"^ {code}"
    return "#" + " " * (width - 1) + f"^ {code}"


def header_lines(lines: list[str], before: int | None = None) -> int:
    """How many leading comment lines the file has (`# expect:`, `# fixed:` and the story), up to line `before`."""
    count = 0
    limit = len(lines) if before is None else min(len(lines), before - 1)
    while count < limit and lines[count].startswith("#"):
        count += 1
    return count


def story(lines: list[str], start: int, end: int) -> list[str]:
    return [line.removeprefix("#").strip() for line in lines[start:end] if line.removeprefix("#").strip()]


def fence(body: str, language: str = "") -> str:
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    return f"{ticks}{language}\n{body}\n{ticks}"


def relative(path: Path, repo: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def printed(problem: Problem, repo: Path) -> str:
    """The problem as `seniormode lint` prints it, with the path relative to the repository."""
    file = Path(problem.location.file)
    where = relative(file if file.is_absolute() else Path.cwd() / file, repo)
    located = dataclasses.replace(problem, location=Location(where, problem.location.line, problem.location.column))
    return located.format().replace(str(repo.resolve()) + "/", "")


def language(path: Path) -> str:
    return "po" if path.suffix == ".po" else "yaml"


# --- sections ----------------------------------------------------------------------------------------------------


def render_example(example: Example, repo: Path, number: str, audit: bool = False) -> list[str]:
    rel = relative(example.path, repo)
    text, encoding_note = decoded(example.path)
    lines = file_lines(text)
    skip = header_lines(lines, before=example.line)
    out = [f"### Example{number}: `{Path(rel).name}`", ""]
    out += [*story(lines, 1, skip), ""] if story(lines, 1, skip) else []
    out += [f"[`{rel}`](../{rel}), line {example.line}, column {example.column}."
            + (f" {encoding_note}" if encoding_note else ""), ""]
    shown: list[str] = []
    for number_in_file, line in enumerate(lines[skip:], start=skip + 1):
        shown.append(cut(visible(line), example.column if number_in_file == example.line else 0))
        if number_in_file == example.line:
            shown.append(caret_line(visible(line), example.column, example.code))
    out += [fence("\n".join(shown), language(example.path)), ""]
    if audit:
        # The audit draws the screens (Kivy): tests/kivy/test_audit.py checks it reports exactly this place.
        out += [f"`seniormode audit` reports {example.code} at line {example.line}, column {example.column}, "
                "with what it measured on each screen (checked by tests/kivy/test_audit.py).", ""]
    else:
        problems = lint_example(example.path)
        out += ["`seniormode lint` prints:", "",
                fence("\n".join(printed(p, repo) for p in problems) or "(nothing)", "text"), ""]
    out += render_fix(example, lines[skip:], repo, encoding_note)
    return out


def render_fix(example: Example, bad_body: list[str], repo: Path, encoding_note: str) -> list[str]:
    fixed = example.fixed
    if not fixed.is_file():
        return ["No fixed twin yet.", ""]
    rel = relative(fixed, repo)
    lines = file_lines(decoded(fixed)[0])
    skip = header_lines(lines)
    comment = " ".join(line.removeprefix(FIXED_PREFIX).strip() for line in lines[:skip]
                       if line.startswith(FIXED_PREFIX))
    out = [f"The fix ([`{rel}`](../{rel})): {comment}" if comment else f"The fix ([`{rel}`](../{rel})):", ""]
    diff = difflib.unified_diff([cut(visible(x)) for x in bad_body], [cut(visible(x)) for x in lines[skip:]],
                                fromfile=relative(example.path, repo), tofile=rel, lineterm="", n=2)
    body = "\n".join(diff)
    if body:
        out += [fence(body, "diff"), ""]
    else:
        differ = "the encoding" if encoding_note else "invisible bytes"
        out += [f"The text is the same; only {differ} differs.", ""]
    return out


def audit_fixtures(code: str, repo: Path) -> list[Path]:
    """The audit's fixtures for a code: named after it (SM506_...) or naming it in their opening comment."""
    found: list[Path] = []
    for folder in AUDIT_FOLDERS:
        base = repo / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file() or path.suffix not in EXAMPLE_SUFFIXES or "fixed" in path.relative_to(base).parts:
                continue
            lines = file_lines(decoded(path)[0])
            opening = "\n".join(lines[: header_lines(lines)])
            if path.name.lower().startswith(code.lower()) or re.search(rf"\b{code}\b", opening):
                found.append(path)
    return found


def render_audit_code(code: str, repo: Path) -> list[str]:
    out: list[str] = []
    fixtures = audit_fixtures(code, repo)
    if not fixtures:
        return [WITHOUT_EXAMPLE.get(code, "No example yet."), ""]
    for path in fixtures:
        if EXPECT.match(_first_line(path)):
            example = read_example(path)
            if example.code == code:
                out += render_example(example, repo, "", audit=True)
                continue
        rel = relative(path, repo)
        text, note = decoded(path)
        lines = file_lines(text)
        out += [f"### Example: `{path.name}`", "", f"[`{rel}`](../{rel})." + (f" {note}" if note else ""), ""]
        out += [fence("\n".join(cut(visible(x)) for x in lines), language(path)), ""]
    return out


def render_code(code: str, found: list[Example], repo: Path) -> list[str]:
    severity = AUDIT_SEVERITY if code in AUDIT_CODES else severity_of(code)
    out = [f"## {code}", "", f"**{CODES[code]}** · {severity}", ""]
    if code in AUDIT_CODES:
        return out + render_audit_code(code, repo)
    if not found:
        return [*out, "No example yet.", ""]
    for i, example in enumerate(found, start=1):
        out += render_example(example, repo, f" {i} of {len(found)}" if len(found) > 1 else "")
    return out


def render_problem_docs(repo: Path = REPO) -> str:
    """The whole of docs/problems.md, one section per code in the order of problems.CODES."""
    by_code: dict[str, list[Example]] = {code: [] for code in CODES}
    for example in examples(repo):
        by_code.setdefault(example.code, []).append(example)
    out = [
        "# Problem codes",
        "",
        "<!-- Generated by `python -m seniormode.lint.problem_docs` from seniormode/core/problems.py and the examples",
        "     in tests/bad_*/ (each with its fix in fixed/). Do not edit by hand. -->",
        "",
        "`seniormode lint` prints each problem as `file:line:col: severity[code] message (hint)`; line and column",
        "count from 1, as editors show them. An **error** stops the flow from running and makes `seniormode check`",
        "fail; a **warning** does too with `--strict`. Each example below is a test: the file gives exactly that",
        "problem at the marked place (`^`), and its fixed twin gives none.",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    for code, meaning in CODES.items():
        severity = "audit" if code in AUDIT_CODES else severity_of(code)
        out.append(f"| [{code}](#{code.lower()}) | {severity} | {meaning} |")
    out.append("")
    for code in CODES:
        out += render_code(code, by_code[code], repo)
    unknown = sorted(set(by_code) - set(CODES))
    if unknown:
        out += ["## Examples of codes not in problems.CODES", ""]
        for code in unknown:
            out += [f"- `{relative(e.path, repo)}`: {code}" for e in by_code[code]]
        out.append("")
    unread = malformed_examples(repo)
    if unread:
        out += ["## Examples whose first line does not read", ""]
        out += [f"- `{relative(path, repo)}`: write '# expect: SMxxx line N col M'" for path in unread]
        out.append("")
    return "\n".join(_no_trailing_blank(out)) + "\n"


def _no_trailing_blank(lines: Iterable[str]) -> list[str]:
    out = list(lines)
    while out and out[-1] == "":
        out.pop()
    return out


def write_problem_docs(repo: Path = REPO) -> Path:
    """Write docs/problems.md and return its path."""
    target = repo / DOCS_PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_problem_docs(repo), encoding="utf-8", newline="\n")
    return target


if __name__ == "__main__":
    print(f"wrote {write_problem_docs()}")


__all__ = ["AUDIT_CODES", "WARNING_CODES", "Example", "example_files", "examples", "lint_example", "lint_options",
           "malformed_examples", "read_example", "render_problem_docs", "severity_of", "write_problem_docs"]
