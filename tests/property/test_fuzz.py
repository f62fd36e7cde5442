"""Fuzzing every file `seniormode lint` reads: whatever the bytes, problems at file:line:col or a clean pass.

Never a traceback, a hang or a memory blow-up. The targets:

- random YAML-ish documents, dumped in every style, under `flow:`, `theme:` or `rules:`;
- mutated demo files (flows, rule files, themes, catalogs, templates): lines deleted, duplicated, swapped and
  re-indented, scalars replaced, tokens and unicode inserted, bytes flipped;
- hostile bytes: BOMs (UTF-8/16/32), CRLF and lone CR, NUL and control characters, invalid UTF-8, encoded
  surrogates, tabs, Traditional/Simplified Chinese keys and values (簽注/签注), very long lines, YAML tags;
- conditions from a small grammar plus garbage, compiled and evaluated;
- rule files and rules inside a real flow (priorities NaN/inf/huge, random `set:`, rule-file paths);
- themes (bad colours, sizes from -1 to 1e308, missing sections, font paths, icons), alone and as a flow's theme;
- .po catalogs (headers, plural forms, charsets, flags, obsolete entries, broken quotes and escapes);
- the CLI itself (exit 0/1/2, never 3), on a sample;
- alias bombs, deep nesting and 10 MB files in a child process under RLIMIT_AS and a wall-clock timeout.

Examples per target: the `seniormode-fuzz` hypothesis profile (tests/property/conftest.py), 2,000 by default,
10,000 with SENIORMODE_FUZZ=nightly, N with SENIORMODE_FUZZ=N; the CLI target runs a tenth of that. Each example
has a 5 s deadline. Every bug the fuzzers found has a plain regression test at the end of this file.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seniormode.cli import main
from seniormode.core.problems import CODES, Location, Problem, Problems, format_problems
from seniormode.core.rules.expression import compile_condition
from seniormode.core.rules.symbols import Symbol, SymbolTable
from seniormode.core.settings import SETTINGS
from seniormode.core.source import Scalar
from seniormode.lint import LintOptions, lint_paths

pytestmark = [pytest.mark.fuzz, pytest.mark.property]


def fuzz_settings() -> settings:
    """The profile SENIORMODE_FUZZ asks for: unset for CI, 'nightly', or a number of examples (a quick look).

    The profiles are registered in tests/property/conftest.py and taken here, not loaded, so that the other
    property tests keep their own settings.
    """
    wanted = os.environ.get("SENIORMODE_FUZZ", "")
    if wanted.isdigit():
        return settings(settings.get_profile("seniormode-fuzz"), max_examples=int(wanted))
    return settings.get_profile("seniormode-fuzz-nightly" if wanted == "nightly" else "seniormode-fuzz")


FUZZ = fuzz_settings()
# The CLI adds argument parsing and printing to the same lint: a tenth of the examples is a fair sample.
CLI_SAMPLE = settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 10))

ROOT = Path(__file__).resolve().parents[2]
DEMO_FLOWS = sorted((ROOT / "flows_yaml").glob("*.yaml"))
DEMO_RULES = sorted((ROOT / "flows_yaml" / "rules").glob("*.yaml"))
DEMO_THEMES = sorted((ROOT / "themes").glob("*.yaml"))
DEMO_CATALOGS = sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))
DEMO_TEMPLATES = sorted((ROOT / "locales" / "templates").glob("*.pot"))
SOURCES: dict[str, list[bytes]] = {
    "flow": [p.read_bytes() for p in DEMO_FLOWS],
    "rules": [p.read_bytes() for p in DEMO_RULES],
    "theme": [p.read_bytes() for p in DEMO_THEMES],
    "catalog": [p.read_bytes() for p in DEMO_CATALOGS + DEMO_TEMPLATES],
}
SMALLEST_FLOW = min(DEMO_FLOWS, key=lambda p: p.stat().st_size)


def _words_as_keys(node: Any) -> Any:
    """YAML 1.1 reads the keys `yes:` and `no:` as true and false; put the words back before dumping again."""
    if isinstance(node, dict):
        return {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): _words_as_keys(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_words_as_keys(v) for v in node]
    return node


HK_FLOW: dict[str, Any] = _words_as_keys(yaml.safe_load((ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
                                                        .read_text("utf-8")))
SENIOR_THEME: dict[str, Any] = yaml.safe_load((ROOT / "themes" / "senior.yaml").read_text("utf-8"))
LOCALE_DIRS = ("en", "yue_Hans_CN", "zh_Hans_CN", "zh_Hant_TW", "xx", "并", "en-US", "C")
YAML_LINE_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


# ---- where fuzzed files live, and what every outcome must look like ----------------------------------------------

class Workspace:
    """A folder shaped like the repository (flows with a rules/ folder, locales with templates), fresh names only.

    Every example gets a new file name: the catalog reader caches by path, size and mtime, and a rewrite within
    the same clock tick would be read from the cache.
    """

    def __init__(self, root: Path):
        self.root = root
        self.flows = root / "flows"
        self.locales = root / "locales"
        (self.flows / "rules").mkdir(parents=True)
        for rules in DEMO_RULES:
            shutil.copy(rules, self.flows / "rules" / rules.name)
        for locale in LOCALE_DIRS:
            (self.locales / locale / "LC_MESSAGES").mkdir(parents=True)
        (self.locales / "templates").mkdir()
        self._numbers = itertools.count()

    def fresh(self, prefix: str = "fuzz") -> str:
        return f"{prefix}{next(self._numbers)}"

    def yaml_file(self, data: bytes, name: str | None = None) -> Path:
        path = self.flows / (name or f"{self.fresh()}.yaml")
        path.write_bytes(data)
        return path

    def catalog_file(self, data: bytes, locale: str, template: bytes | None) -> Path:
        domain = self.fresh()
        path = self.locales / locale / "LC_MESSAGES" / f"{domain}.po"
        path.write_bytes(data)
        if template is not None:
            (self.locales / "templates" / f"{domain}.pot").write_bytes(template)
        return path

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        (self.locales / "templates" / f"{path.stem}.pot").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("fuzz"))
    # Warm every cache (parse tables, fonts' character maps, themes) so the first example's time is like the rest.
    lint_paths([*DEMO_FLOWS, *DEMO_THEMES, *DEMO_RULES, *DEMO_CATALOGS])
    return workspace


def line_count(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    return max(len(YAML_LINE_BREAKS.split(text)), len(text.splitlines()) + 1, data.count(b"\n") + 1)


def check_problems(problems: Iterable[object], path: Path | None = None, data: bytes | None = None) -> list[Problem]:
    """Every result is a Problem with a known code and a place (line and column from 1) that can be printed."""
    items = list(problems)
    for p in items:
        assert isinstance(p, Problem), p
        assert p.code in CODES, p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert isinstance(p.location, Location), p
        loc = p.location
        assert isinstance(loc.file, str) and loc.file, p
        assert isinstance(loc.line, int) and loc.line >= 1, p
        assert isinstance(loc.column, int) and loc.column >= 1, p
        if path is not None and data is not None and loc.file in (str(path), path.name):
            assert loc.line <= line_count(data), (p, line_count(data))
        p.format()
        p.format_github()
    assert isinstance(json.loads(format_problems(items, "json")), list)
    sorted(items, key=lambda q: (q.location, q.code))  # Problems prints them sorted: the fields must compare
    return items


def lint_one(ws: Workspace, path: Path, data: bytes, options: LintOptions | None = None) -> list[Problem]:
    try:
        result = lint_paths([path], options or LintOptions(locales=ws.locales))
        return check_problems(result.problems, path, data)
    finally:
        ws.remove(path)


def lint_bytes(ws: Workspace, kind: str, data: bytes, locale: str = "en", template: bytes | None = None,
               options: LintOptions | None = None) -> list[Problem]:
    if kind == "catalog":
        path = ws.catalog_file(data, locale, template)
    else:
        path = ws.yaml_file(data)
    return lint_one(ws, path, data, options)


def dump(doc: object, style: dict[str, Any]) -> bytes:
    # libyaml's emitter when there is one: the pure-Python one takes longer than the lint of what it writes.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, **style).encode("utf-8")


# ---- strategies: scalars, documents, mutations, hostile bytes ----------------------------------------------------

TRICKY_WORDS = [
    "yes", "no", "on", "off", "~", "null", "NULL", ".nan", ".inf", "-.inf", "0x1F", "0o17", "1e308", "1e999",
    "2001-12-14", "12:30:45", "<<", "*a", "&a", "#", "!!python/object:os.system", "'", '"', "\\", "\\u0000",
    "- ", ": ", "{", "}", "[", "]", "|", ">", "%", "@", "`", "---", "...", "\t", "\u3000", "\ufeff",
    "簽注", "签注", "港澳簽注續簽", "港澳签注续签", "請選擇", "请选择", "𠮷野家", "🇭🇰", "👩‍🦽", "⬅", "🔷",
    "info", "choice", "end", "handoff", "welcome", "staff", "age >= 70", "senior", "#1A1A1A", "#FFF", "red",
    "0x" + "f" * 4_000, ":".join(["1"] * 3_000), "1" + "0" * 5_000, "1_000_000", "+.5e+3", "0b" + "1" * 5_000,
]
KEYS = [
    "flow", "title", "steps", "id", "kind", "text", "say", "next", "choices", "go", "if", "call_staff", "rules",
    "when", "set", "icon", "valid", "error", "field", "timeout", "inputs", "settings", "window", "priority",
    "languages", "display", "voice", "recorded", "theme", "colours", "sizes", "spacing", "icons", "font",
    "line_spacing", "min_target_dp", "screen_dpi", "density", "after", "note", "description", "<<", "簽注", "签注",
]
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(TRICKY_WORDS),
)
keys = st.sampled_from(KEYS) | st.text(max_size=10) | st.integers(-5, 5) | st.booleans()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(keys, inner, max_size=8),
    max_leaves=50,
)
dump_styles = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, True, None]),
    "allow_unicode": st.booleans(),
    "sort_keys": st.booleans(),
    "width": st.sampled_from([20, 80, 10_000]),
    "indent": st.integers(2, 9),
    "explicit_start": st.booleans(),
    "canonical": st.booleans(),
})

INSERTS = [
    "next: ", "kind: ", "- ", ":", ": ", "&a ", "*a", "<<: *a", "{", "}", "[", "]", "\t", "  ", "'", '"', "#",
    "|", ">-", "!!binary ", "!!set ", "!!omap ", "!!python/object:os.system ", "!custom ", "---", "...",
    "%YAML 1.1", "%TAG ! tag:x,2000:", "\n", "yes", "null", ".nan", "1e999", "steps:", "welcome", "read_card",
    "msgid ", "msgstr ", "msgctxt ", "msgstr[0] ", "msgid_plural ", "#, fuzzy", "#~ ", "#| ", '\\"', "\\",
    "\\x", "\\u", '"\n"', "簽注", "签注", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\r",
]
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc0\x80", b"\xe7\xad", b"\xed\xa0\x80", b"\xed\xbf\xbf",
                b"\xf4\x90\x80\x80", b"\x80", b"\xf0\x9f\x98", b"\xef\xbb"]
REPLACEMENT_SCALARS = st.sampled_from(TRICKY_WORDS) | st.text(max_size=12) | st.integers().map(str) \
    | st.floats().map(repr)
SCALAR_AFTER_COLON = re.compile(r"(:[ \t]+)([^\s#][^#\n]*)")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """Line and token mutations, as a person with a text editor (or a bad merge) makes them."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "tab", "scalar", "insert",
                                   "unicode", "char", "truncate", "join", "blank"]))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines[i:i] = [line] * draw(st.integers(1, 3))
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 9)) + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "tab":
            lines[i] = "\t" + line.lstrip() if draw(st.booleans()) else line.replace("  ", "\t", 1)
        elif op == "scalar":
            match = SCALAR_AFTER_COLON.search(line)
            if match:
                lines[i] = line[:match.start(2)] + draw(REPLACEMENT_SCALARS) + line[match.end(2):]
        elif op in ("insert", "unicode"):
            k = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(INSERTS)) if op == "insert" else draw(st.text(min_size=1, max_size=4))
            lines[i] = line[:k] + piece + line[k:]
        elif op == "char" and line:
            k = draw(st.integers(0, len(line) - 1))
            lines[i] = line[:k] + draw(st.characters()) + line[k + 1:]
        elif op == "truncate":
            lines[i] = line[: draw(st.integers(0, len(line)))]
            if draw(st.booleans()):
                del lines[i + 1:]
        elif op == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [line + lines[i + 1]]
        elif op == "blank":
            lines.insert(i, draw(st.sampled_from(["", " ", "\t", "#", "---", "..."])))
    return "\n".join(lines)


@st.composite
def byte_mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Flipped, inserted and cut bytes: a bad copy, a broken encoding, a file cut off mid-character."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        k = draw(st.integers(0, len(buf)))
        op = draw(st.sampled_from(["flip", "insert", "invalid", "cut"]))
        if op == "flip" and k < len(buf):
            buf[k] = draw(st.integers(0, 255))
        elif op == "insert":
            buf[k:k] = draw(st.binary(min_size=1, max_size=4))
        elif op == "invalid":
            buf[k:k] = draw(st.sampled_from(INVALID_UTF8))
        elif op == "cut":
            del buf[k:]
    return bytes(buf)


@st.composite
def mutated_demo_file(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SOURCES)))
    original = draw(st.sampled_from(SOURCES[kind]))
    data = draw(mutated(original.decode("utf-8"))).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = draw(byte_mutated(data))
    return kind, data


LINE_ENDS = ["\r\n", "\r", "\n\r", "\x85", "\u2028"]
BOMS = [("utf-8-sig", b""), ("utf-16", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
        ("utf-32", b""), ("utf-8", b"\xef\xbb\xbf\xef\xbb\xbf"), ("utf-8", b"\xfe\xff")]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
           "\ufeff", "\ufffe", "\uffff", "\u200b", "\u200d", "\u202e", "\U0010ffff"]
CHINESE_PAIRS = [("簽注", "签注"), ("續簽", "续签"), ("身份證", "身份证"), ("廣東", "广东"), ("請選擇", "请选择"),
                 ("港澳", "港澳"), ("臺灣", "台湾"), ("𠮷", "吉")]
SMALL_BASES = [
    "flow: f\ntitle: t\ncall_staff: s\nsteps:\n  - id: s\n    kind: handoff\n    text: 人工\n    window: 1号\n",
    "theme: t\ncolours: {text: '#000000'}\nsizes: {body: 24}\n",
    "rules:\n  - id: r\n    when: age >= 70\n    set: {text_scale: 1.4}\n",
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "a"\nmsgstr "b"\n',
]


@st.composite
def hostile_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real or small file, then the things that break readers: encodings, line ends, controls, long lines."""
    kind = draw(st.sampled_from(sorted(SOURCES)))
    base = draw(st.sampled_from([s.decode("utf-8") for s in SOURCES[kind]] + SMALL_BASES))
    text = base
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["line_ends", "control", "tabs", "chinese", "long_line", "escaped_surrogate",
                                   "tags", "anchors", "nothing"]))
        lines = text.split("\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "line_ends":
            end = draw(st.sampled_from(LINE_ENDS))
            text = end.join(lines) if draw(st.booleans()) else "\n".join(
                line + (end if draw(st.booleans()) else "") for line in lines)
        elif op == "control":
            k = draw(st.integers(0, len(text)))
            text = text[:k] + draw(st.sampled_from(CONTROL)) * draw(st.integers(1, 3)) + text[k:]
        elif op == "tabs":
            lines[i] = lines[i].replace("  ", "\t")
            text = "\n".join(lines)
        elif op == "chinese":
            trad, simp = draw(st.sampled_from(CHINESE_PAIRS))
            indent = re.match(r"[ \t]*", lines[i])
            pad = indent.group(0) if indent else ""
            lines.insert(i, draw(st.sampled_from([f"{pad}{trad}: {simp}", f"{pad}{simp}: {trad}",
                                                  f"{pad}- {trad}{simp}", f'msgid "{trad}"\nmsgstr "{simp}"',
                                                  f"{pad}text: {trad}", f"{pad}{trad}:"])))
            text = "\n".join(lines)
        elif op == "long_line":
            size = draw(st.sampled_from([1_000, 20_001, 100_000]))
            char = draw(st.sampled_from(["x", "字", "簽", " ", "-", "[", "\\", '"', "é"]))
            lines.insert(i, draw(st.sampled_from(["", "title: ", "  - ", 'msgstr "', "# "])) + char * size)
            text = "\n".join(lines)
        elif op == "escaped_surrogate":
            lines.insert(i, draw(st.sampled_from(['x: "\\ud800"', 'title: "\\udfff\\ud800"', 'msgid "\\ud800"',
                                                  'x: "\\x00"', 'x: "\\U0010FFFF"', 'x: "\\N\\_\\L\\P"'])))
            text = "\n".join(lines)
        elif op == "tags":
            lines.insert(i, draw(st.sampled_from(["x: !!binary aGVsbG8=", "x: !!timestamp 2001-12-14",
                                                  "x: !!set {a, b}", "x: !!omap [a: 1]", "x: !!pairs [a: 1]",
                                                  "x: !!python/tuple [1]", "x: !!float nan", "x: !!int 0b102",
                                                  "x: !local 1", "%YAML 1.2", "x: !!str", "x: !<tag:x> y"])))
            text = "\n".join(lines)
        elif op == "anchors":
            lines.insert(i, draw(st.sampled_from(["a: &a [*a]", "a: &a {b: *a}", "<<: *missing", "<<: [*a, 1]",
                                                  "? [a]\n: b", "? {a: b}\n: c", "&a a: *a", "a: &a &b 1"])))
            text = "\n".join(lines)
    encoding, prefix = draw(st.sampled_from([("utf-8", b"")] * 4 + BOMS))
    data = prefix + text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")
    if draw(st.integers(0, 4)) == 0:
        k = draw(st.integers(0, len(data)))
        data = data[:k] + draw(st.sampled_from(INVALID_UTF8)) + data[k:]
    return kind, data


# ---- 1-3: random documents, mutated demo files, hostile bytes ----------------------------------------------------

@FUZZ
@given(doc=documents, top=st.sampled_from([None, "flow", "theme", "rules", "steps", "scenarios", "events"]),
       style=dump_styles)
def test_random_documents_lint_or_give_problems(ws: Workspace, doc: object, top: str | None,
                                               style: dict[str, Any]) -> None:
    if top is not None:
        doc = {top: doc} if not isinstance(doc, dict) else {top: "fuzz", **doc}
    lint_bytes(ws, "yaml", dump(doc, style))


@FUZZ
@given(mutated_demo_file(), st.sampled_from(LOCALE_DIRS), st.sampled_from([None, *SOURCES["catalog"]]))
def test_mutated_demo_files_lint_or_give_problems(ws: Workspace, file: tuple[str, bytes], locale: str,
                                                  template: bytes | None) -> None:
    kind, data = file
    lint_bytes(ws, kind, data, locale, template)


@FUZZ
@given(hostile_file(), st.sampled_from(LOCALE_DIRS))
def test_hostile_bytes_lint_or_give_problems(ws: Workspace, file: tuple[str, bytes], locale: str) -> None:
    kind, data = file
    lint_bytes(ws, kind, data, locale, SOURCES["catalog"][-1])


# ---- 4: conditions ------------------------------------------------------------------------------------------------

CONDITION_TABLE = SymbolTable.with_builtins().child(
    Symbol("purpose", "text", "a choice", ("normal", "urgent")),
    Symbol("value", "text", "the text typed"),
    Symbol("years", "number", "the number typed"),
    Symbol("confirm_ok", "yes_no", "a confirm step"),
)
NAMES = ["age", "first_time", "region", "name", "wheelchair", "hour", "weekday", "errors", "helps", "purpose",
         "value", "years", "confirm_ok", "agee", "簽注", "$now", "$pi", "$e", "x", "step", "extensions"]
LITERALS = [
    "0", "1", "70", "-1", "16", "1.5", ".5", "1e308", "1e999", "1e-999", "0x1F", "0b101", "0o17", "9" * 60,
    "inf", "nan", "true", "false", "null", '"urgent"', '"normal"', '"macau"', '""', '"簽注"', "'签注'", '"\\x00"',
    '"\\u{1F600}"', '"\\n"', 'd"2020-01-01"', 'd"2020-99-99"', 't"P1D"', 't"P99999999999D"', 'b"x"',
    '"^1[3-9][0-9]{9}$"', '"(a+)+$"', '"("', '"a{99999}{99999}"', "[1, 2]", '["广东", "香港"]', "[]", "{}",
    '{"a": 1}', "{1, 2}",
]
BINARY = ["==", "!=", "<", "<=", ">", ">=", "=~", "!~", "=~~", "!~~", "in", "and", "or", "+", "-", "*", "/",
          "//", "%", "**", "&", "|", "^", "<<", ">>", "??"]
atoms = st.sampled_from(NAMES) | st.sampled_from(LITERALS)
expressions = st.recursive(
    atoms,
    lambda e: st.one_of(
        st.tuples(e, st.sampled_from(BINARY), e).map(" ".join),
        e.map(lambda x: f"not {x}"), e.map(lambda x: f"({x})"), e.map(lambda x: f"-{x}"),
        st.tuples(e, e, e).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(e, st.sampled_from(["length", "as_lower", "to_set", "is_empty", "x", "ceiling"])).map(".".join),
        st.tuples(e, e).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(st.sampled_from(["$abs", "$upper", "$split", "$range", "$parse_float", "$any", "$sum"]), e)
        .map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(e, e).map(lambda t: f"[v for v in {t[0]} if {t[1]}]"),
    ),
    max_leaves=12,
)
garbage = st.text(max_size=60) | st.text(alphabet="()[]{}<>=!~&|^*+-/%?:.,'\"\\ $#0123456789aeginorstx",
                                         max_size=80)


@st.composite
def conditions(draw: st.DrawFn) -> str:
    text = draw(expressions | garbage)
    if draw(st.integers(0, 4)) == 0:  # a typo in a good expression
        k = draw(st.integers(0, len(text)))
        text = text[:k] + draw(st.sampled_from(INSERTS + ["", "(", ")", '"', "=", "and"])) + text[k + 1:]
    return text


VALUES = st.fixed_dictionaries({}, optional={
    name: st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.sampled_from(["urgent", "normal", "广东", "13912345678"]))
    for name in ["age", "first_time", "region", "name", "wheelchair", "hour", "errors", "helps", "purpose",
                 "value", "years", "confirm_ok", "step", "extensions", "weekday"]
})


@FUZZ
@given(conditions(), st.lists(VALUES, max_size=3), st.booleans())
@example('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" =~ "(a+)+$"', [], False)
@example("2 << 9999999999 > 1", [], False)
@example(" and ".join(["age >= 70"] * 60), [], False)
@example("0 < nan", [], False)
def test_conditions_compile_or_give_problems(source: str, value_sets: list[dict[str, Any]], quoted: bool) -> None:
    problems = Problems()
    node = Scalar(Location("fuzz.yaml", 3, 11), source, quoted=quoted)
    condition = compile_condition(node, CONDITION_TABLE, problems)
    check_problems(problems)
    if condition is None:
        assert problems.has_errors, f"{source!r} refused without a problem"
        return
    assert not problems.has_errors
    for values in value_sets:
        # The kiosk evaluates conditions on whatever the session knows: never an exception, always a yes/no.
        evaluation = condition.evaluate(values)
        assert isinstance(evaluation.result, bool)


# ---- 5: rule files, and rules in a real flow ----------------------------------------------------------------------

priorities = st.one_of(
    st.integers(-2000, 2000), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 5e-324, 1000, -1000]),
    st.text(max_size=8), st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
)
setting_values = st.one_of(scalars, st.lists(scalars, max_size=4), st.sampled_from(
    ["senior", "high_contrast", "wheelchair", "staff", "on", "off", "yue_Hans_CN", "en", "zh_Hans_CN", "yue"]))
settings_blocks = st.dictionaries(st.sampled_from([*SETTINGS, "textscale", "簽注"]) | st.text(max_size=8),
                                  setting_values, max_size=6) | scalars | st.lists(scalars, max_size=3)
RULE_FILE_NAMES = ["rules/senior.yaml", "../flows/rules/senior.yaml", "senior.yaml", "", ".", "..", "/", "\x00",
                   "a\x00b", "a" * 300, "/dev/null", "/dev/zero", "/proc/self/status", "~", "~nosuchuser/r.yaml",
                   "rules", "簽注.yaml", "SELF"]
rules = st.fixed_dictionaries({}, optional={
    "id": st.sampled_from(["over_70", "over_70", "r1", "R1", "1r", "簽注", ""]) | st.text(max_size=10) | scalars,
    "when": conditions() | scalars,
    "priority": priorities,
    "set": settings_blocks,
    "go": st.sampled_from(["welcome", "purpose", "staff_window", "nowhere", "Go", ""]) | scalars,
    "after": st.lists(st.sampled_from(["read_card", "purpose", "x y", "簽注"]) | scalars, max_size=3) | scalars,
    "note": scalars,
    "junk": scalars,
})
rule_items = st.one_of(rules, st.sampled_from(RULE_FILE_NAMES), scalars, st.lists(scalars, max_size=2))


@FUZZ
@given(st.lists(rule_items, max_size=8), st.booleans(), dump_styles)
def test_rules_lint_or_give_problems(ws: Workspace, items: list[Any], in_flow: bool, style: dict[str, Any]) -> None:
    name = f"{ws.fresh('rules')}.yaml"
    items = [name if item == "SELF" else item for item in items]  # a rule file that names itself
    if in_flow:  # with a real flow's names, so conditions type-check and rule analysis runs on them
        doc: dict[str, Any] = {**HK_FLOW, "rules": items}
    else:
        doc = {"description": "fuzz", "rules": items}
    data = dump(doc, style)
    lint_one(ws, ws.yaml_file(data, name), data)


# ---- 6: themes ----------------------------------------------------------------------------------------------------

colours = st.one_of(
    st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z"), st.from_regex(r"\A#[0-9A-Fa-f]{3}\Z"),
    st.from_regex(r"\A#?[0-9A-Za-z+\- _]{0,9}\Z"),
    st.sampled_from(["red", "white", "#GGGGGG", "#12345", "#1234567", "# 1 2 3", "#+1+2+3", "#-1-2-3", "#_1_2_3",
                     "#１２３４５６", "#٠١٢٣٤٥", "rgb(0,0,0)", "#000000 ", " #FFFFFF", "0x000000", "#0x1234"]),
    scalars,
)
sizes = st.one_of(
    st.integers(-10, 500), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, -1e308, 5e-324, 10**400, "24", "24dp", "大", True, None, [24], {"dp": 24}]),
)
icons = st.one_of(st.sampled_from(["🔷", "⬅", "📷", "👩‍🦽", "🇭🇰", "👍🏽", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "ab", "", " ", "簽"]),
                  st.text(max_size=3), scalars)
NOT_A_FONT = str(ROOT / "README.md")  # a regular file fontTools cannot read
font_paths = st.sampled_from([NOT_A_FONT, "NotoSansCJK-Regular.ttc", "~", "~nosuchuser/fonts", "~/fonts", "/",
                              "/dev/null", "\x00", "a" * 300, "a/" * 200, "", ".", "/proc/self/fd/0",
                              "簽注字體.ttf"]) | scalars


def _section(doc: dict[str, Any], key: str) -> dict[Any, Any]:
    """A mapping inside the theme, made again if a previous mutation dropped or replaced it."""
    if not isinstance(doc.get(key), dict):
        doc[key] = {}
    section: dict[Any, Any] = doc[key]
    return section


@st.composite
def theme_documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(SENIOR_THEME, ensure_ascii=False))  # a deep copy
    for _ in range(draw(st.integers(1, 10))):
        section = draw(st.sampled_from(["colours", "sizes", "spacing", "numbers", "icons", "font", "drop",
                                        "replace", "name"]))
        if section in ("colours", "sizes", "spacing", "icons"):
            target = _section(doc, section)
            key = draw(st.sampled_from([*target, "extra", "fallback", "新图标", ""]))
            target[key] = draw({"colours": colours, "icons": icons}.get(section, sizes))
        elif section == "numbers":
            doc[draw(st.sampled_from(["line_spacing", "min_target_dp", "min_target_mm", "screen_dpi", "density",
                                      "largest_text_scale", "min_contrast"]))] = draw(sizes)
        elif section == "font":
            font = _section(doc, "font")
            key = draw(st.sampled_from(["family", "regular", "bold", "emoji", "dirs", "size"]))
            font[key] = draw(st.lists(font_paths, max_size=3)) if key == "dirs" else draw(font_paths)
        elif section == "drop":
            key = draw(st.sampled_from(sorted(doc) or ["theme"]))
            if key != "theme":
                doc.pop(key, None)
        elif section == "replace":
            doc[draw(st.sampled_from(sorted(doc) or ["colours"]))] = draw(documents)
        elif section == "name":
            doc["theme"] = draw(scalars)
    return doc


@FUZZ
@given(theme_documents(), st.integers(0, 3).map(lambda n: n == 0), dump_styles)
def test_themes_lint_or_give_problems(ws: Workspace, doc: dict[str, Any], as_flow_theme: bool,
                                      style: dict[str, Any]) -> None:
    name = ws.fresh("theme")
    if doc.get("theme") == "senior":
        doc["theme"] = name  # the file's name, so the other checks run
    data = dump(doc, style)
    path = ws.yaml_file(data, f"{name}.yaml")
    if as_flow_theme:  # a demo flow shown in this theme (1 in 4): icons and glyphs are checked against it
        try:
            options = LintOptions(theme=str(path), locales=None, rule_analysis=False)
            problems = lint_paths([SMALLEST_FLOW], options).problems
            check_problems(problems, path, data)
        finally:
            ws.remove(path)
    else:
        lint_one(ws, path, data)


# ---- 7: catalogs --------------------------------------------------------------------------------------------------

po_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "簽注", "签注", "{n} 岁", "%s", "%(name)s", "{", "}", "\\n", "\\t", '\\"', "\\\\",
                     "\\q", "\\x41", "\\u7b7e", "\\", '"', "\x00", "\x07", "\ufeff", "\u2028", "\r"]),
)
HEADERS = [
    "Project-Id-Version: seniormode VERSION", "Language: en", "Language: 并", "Language: zh_Hant_TW",
    "Plural-Forms: nplurals=2; plural=(n != 1);", "Plural-Forms: nplurals=1; plural=0;",
    "Plural-Forms: nplurals=x; plural=((((n;", "Plural-Forms: nplurals=99999999; plural=n;",
    "Plural-Forms: nplurals=2; plural=n ? 1 : 0 ? 1 : 0 ? 1 : 0;", "Plural-Forms: plural=(n", "Plural-Forms: ;;;",
    "Plural-Forms: nplurals=-1; plural=n;", "Plural-Forms: nplurals=2; plural=" + "(" * 300 + "n" + ")" * 300 + ";",
    "Plural-Forms: nplurals=2; plural=n/0;", "Plural-Forms: nplurals=2; plural=__import__('os');",
    "Content-Type: text/plain; charset=utf-8", "Content-Type: text/plain; charset=CHARSET",
    "Content-Type: text/plain; charset=latin-1", "Content-Type: text/plain; charset=utf-16",
    "Content-Type: text/plain; charset=rot13", "Content-Type: text/plain; charset=no-such-charset",
    "Content-Type: text/plain; charset=", "Content-Type: ;;;", "Content-Transfer-Encoding: base64",
    "POT-Creation-Date: 2026-11-25 13:26+0000", "POT-Creation-Date: YEAR-MO-DA HO:MI+ZONE",
    "POT-Creation-Date: 9999-99-99 99:99+9999", "PO-Revision-Date: garbage", "Generated-By: Babel 2.18.0",
    "MIME-Version: 1.0", "Last-Translator: 陈伯 <a@b>", "no colon at all", ":", "X-簽注: 签注",
]
FLAGS = ["fuzzy", "python-format", "no-python-format", "python-brace-format", "c-format", "fuzzy, fuzzy", "",
         "簽注", ",", "range: 0..10"]


def quoted(text: str, broken: bool) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") if not broken else text
    return f'"{body}"'


@st.composite
def po_entry(draw: st.DrawFn) -> str:
    broken = draw(st.integers(0, 5)) == 0
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(st.sampled_from(["#. note", "#: flows_yaml/x.yaml:4", "#: :0", "# translator",
                                           "#| msgid \"old\"", "#| msgctxt \"old\""])))
    if draw(st.booleans()):
        lines.append("#, " + draw(st.sampled_from(FLAGS)))
    if draw(st.booleans()):
        lines.append("msgctxt " + quoted(draw(po_text), broken))
    lines.append("msgid " + quoted(draw(po_text), broken))
    if draw(st.integers(0, 4)) == 0:
        lines.append("msgid_plural " + quoted(draw(po_text), broken))
        for n in range(draw(st.integers(0, 3))):
            index = draw(st.sampled_from([str(n), "x", "-1", "99999999999", ""]))
            lines.append(f"msgstr[{index}] " + quoted(draw(po_text), broken))
    else:
        lines.append("msgstr " + quoted(draw(po_text), broken))
    for _ in range(draw(st.integers(0, 2))):
        lines.append(quoted(draw(po_text), broken))  # continuation lines
    if draw(st.integers(0, 5)) == 0:
        lines = ["#~ " + line for line in lines]  # obsolete
    return "\n".join(lines)


@st.composite
def po_files(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.integers(0, 5)) > 0:
        header = draw(st.lists(st.sampled_from(HEADERS), max_size=8))
        parts.append(("#, fuzzy\n" if draw(st.booleans()) else "") + 'msgid ""\nmsgstr ""\n'
                     + "".join(f'"{h}\\n"\n' for h in header))
    entries = draw(st.lists(po_entry(), max_size=8))
    if entries and draw(st.booleans()):
        entries.append(draw(st.sampled_from(entries)))  # a duplicate msgid
    parts.extend(entries)
    text = "\n\n".join(parts) + draw(st.sampled_from(["\n", "", "\n\n", "\r\n"]))
    if draw(st.integers(0, 3)) == 0:
        text = draw(mutated(text))
    return text



@FUZZ
@given(po_files(), st.sampled_from(LOCALE_DIRS), st.sampled_from([None, *SOURCES["catalog"]]))
def test_catalogs_lint_or_give_problems(ws: Workspace, text: str, locale: str, template: bytes | None) -> None:
    lint_bytes(ws, "catalog", text.encode("utf-8", "surrogatepass"), locale, template)


# ---- 8: the CLI ---------------------------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@CLI_SAMPLE
@given(st.one_of(mutated_demo_file(), hostile_file(), documents.map(lambda d: ("yaml", dump(d, {})))),
       st.sampled_from(["text", "json", "github"]), st.booleans(), st.booleans())
def test_cli_lint_exits_0_1_or_2_never_3(ws: Workspace, file: tuple[str, bytes], fmt: str, strict: bool,
                                         no_catalogs: bool) -> None:
    kind, data = file
    path = ws.catalog_file(data, "en", None) if kind == "catalog" else ws.yaml_file(data)
    argv = ["lint", str(path), "--format", fmt, "--locales", str(ws.locales)]
    argv += ["--strict"] * strict + ["--no-catalogs"] * no_catalogs
    try:
        code, out, err = run_cli(argv)
    finally:
        ws.remove(path)
    assert code in (0, 1, 2), f"exit {code}: {err[-2000:]}"
    assert "Traceback" not in out + err
    if fmt == "json":
        for item in json.loads(out or "[]"):
            assert item["code"] in CODES
            assert item["location"]["line"] >= 1 and item["location"]["column"] >= 1
    elif fmt == "text":
        lines = err.splitlines()
        assert re.fullmatch(r"\d+ file\(s\) checked: \d+ error\(s\), \d+ warning\(s\)", lines[-1]), lines[-1:]
        if len(lines) > 1:  # (a message may run over lines: see test_a_problem_is_printed_on_one_line)
            assert re.match(r".+:\d+:\d+: (error|warning)\[SM\d{3}\] ", lines[0]), lines[0]


# ---- 9: resource bombs, in a child process with a memory limit and a wall-clock timeout -------------------------

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the whole interpreter
WALL_CLOCK = 90  # seconds; each case takes one or two
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from seniormode.cli import main
sys.exit(main(["lint", sys.argv[2], "--format", "json", "--locales", sys.argv[3]]))
"""


def billion_laughs(top: str, width: int = 9, levels: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + top.format(last=f"*a{levels - 1}") + "\n"


BOMBS: dict[str, tuple[str, bytes, set[str]]] = {
    "alias_bomb_flow": ("x.yaml", billion_laughs("flow: x\ntitle: t\ncall_staff: s\nsteps: {last}").encode(),
                        {"SM003"}),
    "alias_bomb_theme": ("x.yaml", billion_laughs("theme: x\nicons: {last}").encode(), {"SM003"}),
    "alias_bomb_rules": ("x.yaml", billion_laughs("rules: {last}").encode(), {"SM003"}),
    "alias_bomb_keys": ("x.yaml", billion_laughs("flow: x\n<<: {last}").encode(), {"SM003", "SM102"}),
    "deep_brackets": ("x.yaml", b"steps: " + b"[" * 10_000 + b"]" * 10_000, {"SM003"}),
    "deep_brackets_unclosed": ("x.yaml", b"[" * 10_000, {"SM003"}),
    "deep_braces": ("x.yaml", b"flow: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000, {"SM003"}),
    "deep_blocks": ("x.yaml", b"steps:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 1_000)),
                    {"SM003"}),
    "deep_theme": ("x.yaml", b"theme: x\ncolours: " + b"[" * 10_000, {"SM003"}),
    "huge_scalar_10mb": ("x.yaml", b"flow: x\ntitle: " + "字".encode() * 3_500_000, {"SM003"}),
    "huge_scalar_under_the_file_limit": ("x.yaml", b"flow: x\ntitle: " + b"x" * 1_990_000, {"SM003"}),
    "huge_line_of_brackets": ("x.yaml", b"flow: x\ntitle: " + b"[a, " * 490_000, {"SM003"}),
    "many_keys": ("x.yaml", b"flow: x\n" + b"".join(b"k%d: 1\n" % i for i in range(150_000)), {"SM003"}),
    "huge_catalog_10mb": ("x.po", b'msgid "a"\nmsgstr "' + b"x" * 10_000_000 + b'"\n', {"SM605"}),
    "big_catalog_line": ("x.po", b'msgid "a"\nmsgstr "' + "签".encode() * 2_000_000 + b'"\n', set()),
    "big_catalog_entries": ("x.po", b"".join(b'msgid "m%d"\nmsgstr "x"\n\n' % i for i in range(200_000)), set()),
    "catalog_of_quotes": ("x.po", b'msgid ""\n' + b'"\\"\n' * 400_000, {"SM605"}),
    "nul_file": ("x.yaml", b"\x00" * 5_000_000, {"SM003", "SM001"}),
    "long_condition": ("x.yaml", b"rules:\n  - id: r\n    when: " + b"(" * 100_000 + b"age" + b")" * 100_000
                       + b"\n    go: x\n", {"SM201"}),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_resource_bombs_are_bounded_in_a_child_process(tmp_path: Path, case: str) -> None:
    name, data, expected = BOMBS[case]
    path = tmp_path / name
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(MEMORY_LIMIT), str(path), str(tmp_path / "locales")],
                          cwd=ROOT, capture_output=True, timeout=WALL_CLOCK)
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")[-3000:]
    found = json.loads(proc.stdout or b"[]")  # a clean pass prints nothing
    for item in found:
        assert item["code"] in CODES
        assert item["location"]["line"] >= 1 and item["location"]["column"] >= 1
    codes = {item["code"] for item in found}
    if expected:
        assert codes & expected, found[:5]


# ---- regressions: each bug the fuzzers found, as a plain example -------------------------------------------------

def lint_text(tmp_path: Path, text: str | bytes, name: str = "case.yaml") -> list[Problem]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return check_problems(lint_paths([path], LintOptions(locales=None)).problems)


def codes_of(problems: Iterable[Problem]) -> set[str]:
    return {p.code for p in problems}


def test_a_rule_file_name_too_long_is_a_problem(tmp_path: Path) -> None:
    found = lint_text(tmp_path, "rules:\n  - " + "a" * 300 + "\n")  # is_file raised OSError (ENAMETOOLONG)
    assert codes_of(found) == {"SM004"}


def test_a_rule_file_in_a_symlink_loop_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    found = lint_text(tmp_path, "rules:\n  - loop1\n")  # Path.resolve raised RuntimeError
    assert codes_of(found) == {"SM004"}


def test_font_folders_of_unknown_users_and_impossible_names_are_not_found(tmp_path: Path) -> None:
    theme = dict(SENIOR_THEME, theme="case", font={"dirs": ["~nosuchuser/fonts"], "regular": "a" * 300,
                                                   "bold": "~nosuchuser/b.ttc", "emoji": "\x00"})
    found = lint_text(tmp_path, yaml.safe_dump(theme, allow_unicode=True), "case.yaml")  # expanduser: RuntimeError
    assert not any(p.severity.value == "error" for p in found), found
    from seniormode.core.theme import load_theme, resolve_font

    loaded, _ = load_theme(tmp_path / "case.yaml")
    assert loaded is not None and loaded.font.missing() == ["a" * 300, "~nosuchuser/b.ttc", "\x00"]
    assert resolve_font("a" * 300, ["/usr/share/fonts"]) is None  # is_file raised OSError (ENAMETOOLONG)


@pytest.mark.parametrize("colour", ["#+1+2+3", "# 1 2 3", "#_1_2_3", "#１２３４５６", "#٠١٢٣٤٥", "#-0-0-0"])
def test_colours_are_six_hex_digits_only(colour: str) -> None:
    from seniormode.core.theme import parse_hex

    assert parse_hex(colour) is None  # int(..., 16) took signs, spaces and non-ASCII digits
    assert parse_hex(" #1a2B3c ") == (0x1A, 0x2B, 0x3C)


@pytest.mark.parametrize("key", ["line_spacing", "min_target_dp"])
def test_a_number_too_big_for_a_float_is_out_of_range(tmp_path: Path, key: str) -> None:
    theme = dict(SENIOR_THEME, theme="case", **{key: 10**400})  # float(10**400) raised OverflowError
    found = lint_text(tmp_path, yaml.safe_dump(theme, allow_unicode=True), "case.yaml")
    limits = "1 to 3" if key == "line_spacing" else "1 to 1000"
    assert [p.message for p in found if p.code == "SM108"] == [f"'{key}' is a number of 401 digits; it must be "
                                                              f"from {limits}"]


@pytest.mark.parametrize("number", ["0x" + "f" * 4_000, ":".join(["1"] * 3_000)])
@pytest.mark.parametrize("key", ["timeout", "title"])
def test_a_number_too_long_to_print_is_a_problem(tmp_path: Path, number: str, key: str) -> None:
    # YAML reads both as whole numbers; str() of an int of more than 4,300 digits raised ValueError.
    found = lint_text(tmp_path, f"flow: x\ntitle: t\ncall_staff: s\nsteps: []\n{key}: {number}\n".replace(
        "title: t\n", "" if key == "title" else "title: t\n"))
    assert "SM108" in codes_of(found)


@pytest.mark.parametrize("text", ["\ud800 flow: x\n", "flow: x\ntitle: \udfff\n"])
def test_a_lone_surrogate_in_text_is_a_problem(text: str) -> None:
    from seniormode.core.loader import load_flow_text

    flow, problems = load_flow_text(text, "x.yaml")  # libyaml raised UnicodeEncodeError
    assert flow is None and codes_of(check_problems(problems)) == {"SM001"}


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    from seniormode.core.source import load_file

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    problems = Problems()
    assert load_file(fifo, problems) is None  # reading a FIFO with no writer blocked for ever
    assert codes_of(problems) == {"SM004"}


@pytest.mark.parametrize("source", [
    "2 << 9999999999 > 1",  # rule-engine folded it at parse time: a 1.25 GB integer, then a Decimal of it
    "age >> 2 == 1",
    '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" =~ "(a+)+$"',  # folded: catastrophic backtracking
    '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".as_lower =~~ "(a+)+$"',
    '$upper(name) =~ "A"',
    "name =~ name",
])
def test_conditions_that_rule_engine_would_fold_at_any_cost_are_refused(source: str) -> None:
    problems = Problems()
    assert compile_condition(Scalar(Location("f.yaml", 2, 7), source), CONDITION_TABLE, problems) is None
    assert codes_of(problems) == {"SM201"}
    assert problems.items[0].location.column > 7  # at the operator


@pytest.mark.parametrize("source", ['value =~ "^1[3-9][0-9]{9}$"', 'not name =~ "^陈"', "(name =~ 'a') and age >= 70",
                                    'name.as_lower !~~ "x" or errors > 1', 'name =~ r"\\d+" # a comment'])
def test_pattern_matches_on_a_name_still_compile(source: str) -> None:
    problems = Problems()
    assert compile_condition(Scalar(Location("f.yaml", 2, 7), source), CONDITION_TABLE, problems) is not None
    assert not problems.items


def test_an_unknown_name_before_a_pattern_is_still_sm202_with_a_suggestion() -> None:
    problems = Problems()
    assert compile_condition(Scalar(Location("f.yaml", 2, 7), 'vaule =~ "^1"'), CONDITION_TABLE, problems) is None
    assert [(p.code, p.hint) for p in problems] == [("SM202", "did you mean 'value'?")]


def test_a_catalog_babel_cannot_read_gives_the_source_text(tmp_path: Path) -> None:
    from seniormode.core.flow import Text
    from seniormode.core.i18n import Catalogs, catalog_path

    path = catalog_path(tmp_path, "en", "kiosk")
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=nonesuch\\n"\n\n'
                    'msgctxt "kiosk/x"\nmsgid "好"\nmsgstr "Good"\n', encoding="utf-8")
    text = Text("好", "kiosk/x", Location("f.yaml"))
    assert Catalogs(tmp_path).translate(text, "en") == "好"  # read_po raised LookupError: unknown encoding


@pytest.mark.parametrize("translation", ["{n:999999999}", "{n.__class__}", "{n[0]}", "{n!r}", "{m}", "{", "{0}"])
def test_a_translation_asking_for_more_than_its_placeholders_gives_the_source_text(tmp_path: Path,
                                                                                 translation: str) -> None:
    from seniormode.core.flow import Text
    from seniormode.core.i18n import Catalogs, catalog_path

    path = catalog_path(tmp_path, "en", "kiosk")
    path.parent.mkdir(parents=True)
    path.write_text(f'msgctxt "kiosk/x"\nmsgid "{{n}} 岁"\nmsgstr "{translation} years"\n', encoding="utf-8")
    text = Text("70 岁", "kiosk/x", Location("f.yaml"), template="{n} 岁", params=(("n", 70),))
    # str.format built a gigabyte of spaces, raised AttributeError/TypeError, or reached into the object.
    assert Catalogs(tmp_path).translate(text, "en") == "70 岁"
    path.write_text('msgctxt "kiosk/x"\nmsgid "{n} 岁"\nmsgstr "{n} years, {{sic}}"\n', encoding="utf-8")
    assert Catalogs(tmp_path).translate(text, "en") == "70 years, {sic}"


@pytest.mark.parametrize("charset", ["CHARSET", "nonesuch", "", "rot13"])
def test_a_catalog_with_an_unknown_charset_is_sm605(tmp_path: Path, charset: str) -> None:
    # Babel's read_po raised LookupError (found by the catalog fuzzer; fixed in lint_i18n by the lead).
    text = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    assert codes_of(lint_text(tmp_path, text, "x.po")) == {"SM605"}


def broken_catalogs(tmp_path: Path) -> Path:
    """A locales folder with a real template and a catalog whose header names an unknown charset."""
    locales = tmp_path / "locales"
    (locales / "templates").mkdir(parents=True)
    shutil.copy(DEMO_TEMPLATES[0], locales / "templates")
    po = locales / "en" / "LC_MESSAGES" / f"{DEMO_TEMPLATES[0].stem}.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=CHARSET\\n"\n\nmsgid "a"\nmsgstr "b"\n',
                  encoding="utf-8")
    return locales


def test_i18n_tools_name_the_catalog_they_cannot_read(tmp_path: Path) -> None:
    from seniormode import translations

    locales = broken_catalogs(tmp_path)
    for tool in (translations.status, translations.update, translations.compile_all):
        with pytest.raises(translations.CatalogUnreadable, match=r"en/LC_MESSAGES/.*\.po cannot be read"):
            tool(locales)  # a bare LookupError from Babel before


@pytest.mark.parametrize("font", ["README.md", "truncated.ttf", "truncated.ttc"])
def test_a_theme_font_that_is_not_a_font_is_a_problem(tmp_path: Path, font: str) -> None:
    # font_coverage let fontTools' TTLibError out (found here; fixed in font_coverage by the lead).
    path = ROOT / font if font == "README.md" else tmp_path / font
    if font != "README.md":
        path.write_bytes(b"\x00\x01\x00\x00\x00\x10" + b"\xff" * 10)
    theme = dict(SENIOR_THEME, theme="case", font={"regular": str(path), "dirs": [str(tmp_path)]})
    (tmp_path / "case.yaml").write_text(yaml.safe_dump(theme, allow_unicode=True), encoding="utf-8")
    options = LintOptions(theme=str(tmp_path / "case.yaml"), locales=None)
    check_problems(lint_paths([SMALLEST_FLOW], options).problems)  # raised TTLibError


# ---- outside the modules this file may fix: reproductions for the lead (strict: an XPASS says remove the mark) ----

@pytest.mark.parametrize("fmt", ["json", "github"])
def test_a_file_name_that_is_not_utf8_is_printed(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff\xfe.yaml")).write_bytes(b"flow: [\n")
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")  # as under an en_US.UTF-8 locale
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "lint", str(folder), "--format", fmt,
                           "--no-catalogs"], cwd=ROOT, capture_output=True, timeout=WALL_CLOCK, env=env)
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("action", ["status", "update", "compile"])
def test_i18n_on_a_broken_catalog_exits_1_not_3(tmp_path: Path, action: str) -> None:
    code, _, err = run_cli(["i18n", action, "--locales", str(broken_catalogs(tmp_path))])
    assert code == 1, err


@pytest.mark.parametrize(("name", "text"), [
    ("x.po", 'msgid "a"\n"line 1\\n"\n"line 2\\n"\n\nmsgid "b"\nmsgstr "c"\n'),  # SM605 quotes the msgid
    ("x.yaml", 'flow: "a\\nb"\ntitle: t\ncall_staff: s\nsteps: []\n'),  # SM108 quotes the value
], ids=["catalog", "flow"])
def test_a_problem_is_printed_on_one_line(tmp_path: Path, name: str, text: str) -> None:
    # A GitHub annotation or a file:line:col line ends at the first newline; the rest is lost or misread.
    found = lint_text(tmp_path, text, name)
    assert found and all("\n" not in p.format() + p.format_github() for p in found), [p.format() for p in found]


@pytest.mark.parametrize("source", ["0 < nan", "0 < -nan", "0 < inf - inf", "age < nan", "nan > age",
                                    "age + nan > 1", "years >= nan"])
def test_a_condition_with_nan_is_a_problem_not_a_traceback(source: str) -> None:
    # Found by the fuzzer (CI, 2026-12-07): rule-engine works out `0 < nan` while parsing and decimal raises
    # InvalidOperation; `age < nan` parsed, linted clean, and raised in the kiosk on the first applicant.
    problems = Problems()
    assert compile_condition(Scalar(Location("fuzz.yaml", 3, 11), source), CONDITION_TABLE, problems) is None
    assert [p.code for p in problems.items] == ["SM203"] * len(problems.items) and problems.has_errors
    assert "not a number" in problems.items[0].message


def test_a_value_that_is_not_a_number_does_not_meet_a_condition() -> None:
    # The session never holds nan (typed numbers are checked for plain digits first), but a condition must not
    # raise on one: Decimal('NaN') >= 70 raises InvalidOperation.
    condition = compile_condition(Scalar(Location("fuzz.yaml", 3, 11), "age >= 70"), CONDITION_TABLE, Problems())
    assert condition is not None
    for value in (float("nan"), float("-nan")):
        assert condition.evaluate({"age": value}).result is False
    assert condition.evaluate({"age": float("inf")}).result is True
