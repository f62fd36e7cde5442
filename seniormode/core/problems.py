"""One Problem type for every error and warning a flow, rule or scenario file can have."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based as editors show them."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def shifted(self, columns: int) -> Location:
        return Location(self.file, self.line, self.column + columns)


# Every code, what it means; docs/problems.md and tests/bad_flows/ follow this table.
CODES: dict[str, str] = {
    "SM001": "YAML syntax error",
    "SM002": "duplicate key",
    "SM003": "file too large, too deep or alias expansion too big",
    "SM004": "file cannot be read",
    "SM101": "unknown key",
    "SM102": "wrong type",
    "SM103": "missing required key",
    "SM104": "unknown step",
    "SM105": "duplicate id",
    "SM106": "unreachable step",
    "SM107": "step has no way out",
    "SM108": "invalid value",
    "SM109": "choice step needs 2 to 6 choices",
    "SM110": "call_staff must name a handoff step",
    "SM111": "time-out policy below the senior minimum",
    "SM112": "irreversible step without a confirm before it",
    "SM113": "error message does not name the field",
    "SM114": "name used twice (input and step id)",
    "SM115": "text too long for one screen",
    "SM116": "steps loop with no way to finish",
    "SM117": "summary offers to change an answer an irreversible step has used",
    "SM118": "flow has no end step",
    "SM119": "a step runs on into a handoff by the order of the steps",
    "SM120": "guidance that is never said: more lines than the tries leave room for",
    "SM121": "a step that can send the applicant to staff comes after the payment",
    "SM122": "start_flow names no flow of the same folder",
    "SM123": "hand-over gives a value the next flow does not take",
    "SM124": "hand-over misses an input the next flow requires",
    "SM125": "flows start each other round in a circle",
    "SM201": "expression syntax error",
    "SM202": "unknown name in expression",
    "SM203": "type error in expression",
    "SM204": "value is not one of the step's choices",
    "SM205": "condition is not true/false",
    "SM301": "rule needs exactly one of 'set' or 'go'",
    "SM302": "rule can never apply",
    "SM303": "rule is always overridden by a higher-priority rule",
    "SM304": "some answers leave a step with no way on",
    "SM401": "scenario problem",
    "SM501": "colour contrast below the theme's minimum",
    "SM502": "text size or line spacing below the senior minimum",
    "SM503": "touch target below the senior minimum",
    "SM504": "unknown icon",
    "SM505": "character the screen font cannot draw",
    "SM506": "text clipped or overflowing its box",
    "SM507": "character height below 4.8 mm",
    "SM508": "choice without both an icon and words",
    "SM509": "recording required but missing",
    "SM510": "text broken inside a word",
    "SM511": "text drawn smaller at a larger text setting or in a viewing preset",
    "SM512": "overlay drawn over the step's bars or buttons",
    "SM513": "icon without 3:1 contrast against its tile (WCAG 1.4.11)",
    "SM601": "translation missing",
    "SM602": "translation marked fuzzy",
    "SM603": "translation stale",
    "SM604": "spoken prompt missing in a voice language",
    "SM605": "catalog cannot be read",
    "SM606": "translation's placeholders differ from the source's",
    "SM607": "translation too long for the voice or the screen",
}


@dataclass(frozen=True)
class Problem:
    """A single problem found in user-written YAML, with where it is and how to fix it."""

    code: str
    message: str
    location: Location
    severity: Severity = field(default=Severity.ERROR, kw_only=True)
    hint: str = field(default="", kw_only=True)

    def format(self) -> str:
        """One line, always: a message quoting someone's text shows its line breaks as \\n."""
        text = f"{self.location}: {self.severity.value}[{self.code}] {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return _one_line(text)

    def format_github(self) -> str:
        """A GitHub workflow annotation, escaped as its format asks (%, line breaks; also , and : in properties)."""
        level = "error" if self.severity is Severity.ERROR else "warning"
        loc = self.location
        msg = _one_line(self.message + (f" ({self.hint})" if self.hint else ""))
        file = _github_escape(_one_line(loc.file), properties=True)
        return f"::{level} file={file},line={loc.line},col={loc.column},title={self.code}::{_github_escape(msg)}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def __str__(self) -> str:
        return self.format()


@dataclass
class Problems:
    """An ordered collection of problems, sorted by place when printed."""

    items: list[Problem] = field(default_factory=list)
    # Each problem once; a set, because a file can have thousands (a new catalog: every string untranslated).
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)
    # What a check decided not to do, said out loud (the audit: a staff language it did not lay out).
    notes: list[str] = field(default_factory=list, compare=False)

    def add(self, problem: Problem) -> None:
        if not self._seen and self.items:  # items given to the constructor
            self._seen.update(self.items)
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def error(self, code: str, message: str, location: Location, hint: str = "") -> None:
        self.add(Problem(code, message, location, severity=Severity.ERROR, hint=hint))

    def warning(self, code: str, message: str, location: Location, hint: str = "") -> None:
        self.add(Problem(code, message, location, severity=Severity.WARNING, hint=hint))

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.location, p.code))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


def _one_line(text: str) -> str:
    """Control characters (a line break in a quoted value, a NUL) written as escapes, so one problem is one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def _github_escape(text: str, properties: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def format_problems(problems: Sequence[Problem], fmt: str = "text") -> str:
    """Render problems as text lines, GitHub annotations or a JSON list."""
    if fmt == "json":
        return json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(p.format_github() for p in problems)
    return "\n".join(p.format() for p in problems)


class FlowError(Exception):
    """Raised when a file has errors; carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        first = self.problems[0].format() if self.problems else "no problems"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


def shorten(text: object, limit: int = 30) -> str:
    """Someone's words as a message quotes them: on one line, cut with … past `limit` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string when nothing is close."""
    options = sorted({c for c in candidates if c})
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f"did you mean '{close[0]}'?" if close else ""
