"""YAML loading that remembers file:line:col for every value and refuses what UX staff get wrong.

Duplicate keys are an error (not last-one-wins); every limit (size, depth, alias
expansion, scalar length) turns into a Problem instead of a crash or a hang.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from .problems import Location, Problems

try:  # libyaml is much faster and gives the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]



class _ResolvingOnceLoader(_Loader):
    """PyYAML's safe loader, deciding the type of each distinct plain text once per file.

    A flow repeats the same few hundred words (`id`, `next`, `say`, `yes`) thousands of times, and PyYAML tries
    its regular expressions on every one: composing the 500-step benchmark flow took 25 ms, 19 ms with this.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self._tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000
MAX_SCALAR = 20_000
MAX_INT_DIGITS = 1_000
_INT_LIMIT = 10**MAX_INT_DIGITS
_STR_TAG = "tag:yaml.org,2002:str"

PlainValue = Union[str, int, float, bool, None]


@dataclass(eq=False)
class Node:
    location: Location

    def plain(self) -> Any:
        raise NotImplementedError

    @property
    def kind_name(self) -> str:
        return "value"


@dataclass(eq=False)
class Scalar(Node):
    value: PlainValue
    quoted: bool = False
    one_line: bool = True
    # The value as written, when it spans lines or is folded: to find a word in it (see column_of).
    source: str | None = field(default=None, repr=False)

    def plain(self) -> Any:
        return self.value

    @property
    def kind_name(self) -> str:
        return type_name(self.value)

    def column_of(self, offset: int) -> Location:
        """Where character `offset` of a string value sits in the file.

        A value written over several lines (`when: >-`) is folded: the word at `offset` is looked for in the
        text as written, counting the same word earlier in the value; failing that, the value's start.
        """
        if self.one_line:
            return self.location.shifted(offset + (1 if self.quoted else 0))
        value = self.value if isinstance(self.value, str) else ""
        match = re.match(r"\w+|\S", value[offset:]) if 0 <= offset < len(value) else None
        if match is None or self.source is None:
            return self.location
        word = match.group()
        before = len(re.findall(rf"(?<!\w){re.escape(word)}", value[:offset])) if word[0].isalnum() or word[0] == "_" \
            else value[:offset].count(word)
        found = -1
        for _ in range(before + 1):
            found = self.source.find(word, found + 1)
            if found < 0:
                return self.location
        lines = self.source[:found].split("\n")
        if len(lines) == 1:
            return self.location.shifted(found)
        return Location(self.location.file, self.location.line + len(lines) - 1, len(lines[-1]) + 1)


@dataclass(eq=False)
class Mapping(Node):
    entries: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)

    def plain(self) -> Any:
        return {k: v.plain() for k, (_, v) in self.entries.items()}

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def key_location(self, key: str) -> Location:
        entry = self.entries.get(key)
        return entry[0].location if entry else self.location

    def keys(self) -> list[str]:
        return list(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def items(self) -> Iterator[tuple[str, Node]]:
        for k, (_, v) in self.entries.items():
            yield k, v

    @property
    def kind_name(self) -> str:
        return "mapping"


@dataclass(eq=False)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)

    def plain(self) -> Any:
        return [i.plain() for i in self.items]

    @property
    def kind_name(self) -> str:
        return "list"


def type_name(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _loc(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed PyYAML nodes into located nodes, within budgets."""

    def __init__(self, file: str, problems: Problems, text: str = ""):
        self.file = file
        self.problems = problems
        self.text = text
        self.count = 0
        self.constructor = yaml.SafeLoader("")
        self.over_budget = False
        self._collections: set[int] = set()  # a collection met twice came through an alias
        self.aliased = False

    def build(self, node: yaml.Node, depth: int = 0) -> Node | None:
        if self.over_budget:
            return None
        self.count += 1
        loc = _loc(self.file, node.start_mark)
        if depth > MAX_DEPTH:
            self.problems.error("SM003", f"nesting deeper than {MAX_DEPTH} levels", loc,
                                "flows are shallow; check the indentation")
            self.over_budget = True
            return None
        if self.count > MAX_NODES:
            if self.aliased:
                self.problems.error("SM003", f"more than {MAX_NODES} values after expanding aliases", loc,
                                    "remove the '*alias' references that repeat large blocks")
            else:
                self.problems.error("SM003", f"more than {MAX_NODES} values in one file", loc,
                                    "a flow has a few hundred; split it into several flows")
            self.over_budget = True
            return None
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            if id(node) in self._collections:
                self.aliased = True
            self._collections.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        if isinstance(node, yaml.SequenceNode):
            seq = Sequence(loc)
            for child in node.value:
                built = self.build(child, depth + 1)
                if built is not None:
                    seq.items.append(built)
            return seq
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        return None  # pragma: no cover - PyYAML has no other node kinds

    def _scalar(self, node: yaml.ScalarNode, loc: Location) -> Scalar:
        if len(node.value) > MAX_SCALAR:
            self.problems.error("SM003", f"a value of {len(node.value)} characters (limit {MAX_SCALAR})", loc,
                                "screens hold a few short sentences")
            return Scalar(loc, node.value[:80], quoted=node.style in ("'", '"'))
        if node.tag == _STR_TAG:
            value: Any = node.value  # what SafeConstructor's construct_yaml_str returns, without its bookkeeping
        else:
            value = self._plain(node, self._construct(node, loc), loc)
        quoted = node.style in ("'", '"')
        # Columns inside the value are exact only when the source is the value itself, on one line (no folding,
        # no escapes, no block scalar).
        span = node.end_mark.index - node.start_mark.index
        one_line = node.start_mark.line == node.end_mark.line and span == len(node.value) + (2 if quoted else 0)
        written = None
        if not one_line and isinstance(value, str):
            written = self.text[node.start_mark.index:node.end_mark.index] or None
        return Scalar(loc, value, quoted=quoted, one_line=one_line, source=written)

    def _construct(self, node: yaml.ScalarNode, loc: Location) -> Any:
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problems.error("SM001", f"cannot read this value: {exc}".splitlines()[0], loc)
            return node.value

    def _plain(self, node: yaml.ScalarNode, value: Any, loc: Location) -> Any:
        """The constructed value kept, or the text written where the value cannot be shown or held."""
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = node.value
        elif isinstance(value, bytes):
            value = node.value
        elif not isinstance(value, (str, int, float, bool, type(None))):
            value = node.value
        elif isinstance(value, int) and abs(value) >= _INT_LIMIT:
            # 0x and 1:2:3 (base 60) numbers have no digit limit in YAML, but Python refuses to print an int of
            # more than 4300 digits (ValueError), and every message quotes the value: keep it as the text written.
            self.problems.error("SM108", f"a number of more than {MAX_INT_DIGITS:,} digits", loc,
                                "numbers in a flow are short: ages, seconds, sizes")
            value = node.value
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Location, depth: int) -> Mapping:
        mapping = Mapping(loc)
        merged: list[Mapping] = []
        for key_node, value_node in node.value:
            key_loc = _loc(self.file, key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                built = self.build(value_node, depth + 1)
                if isinstance(built, Mapping):
                    merged.append(built)
                elif isinstance(built, Sequence):
                    merged.extend(m for m in built.items if isinstance(m, Mapping))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.error("SM102", "a key must be a plain word, not a list or mapping", key_loc)
                continue
            key = key_node.value
            value = self.build(value_node, depth + 1)
            if value is None:
                continue
            if key in mapping.entries:
                first = mapping.entries[key][0].location
                self.problems.error("SM002", f"duplicate key '{key}'", key_loc,
                                    f"first given at line {first.line}; keep one")
                continue
            mapping.entries[key] = (Scalar(key_loc, key), value)
        for extra in merged:
            for key, entry in extra.entries.items():
                mapping.entries.setdefault(key, entry)
        return mapping


def display_path(path: Path) -> str:
    """A file's name as problems show it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def load_text(text: str, file: str, problems: Problems) -> Node | None:
    """Parse YAML text into located nodes; problems are added, never raised."""
    if len(text) > MAX_BYTES:
        problems.error("SM003", f"file is {len(text)} characters (limit {MAX_BYTES})", Location(file))
        return None
    try:
        composed = yaml.compose(text, Loader=_ResolvingOnceLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in str(exc.problem):
            # An unclosed quote or bracket: point where it opens, not at the end of the file.
            mark = exc.context_mark
        loc = _loc(file, mark) if mark is not None else Location(file)
        what = (exc.problem or exc.context or "YAML syntax error").strip()
        hint = "check the indentation and that every ':' has a space after it"
        if mark is exc.context_mark and exc.context:
            opened = exc.context.strip().removeprefix("while scanning ").removeprefix("while parsing ")
            what = "a quoted text starts here and never ends" if "quoted" in opened else f"{opened} never ends"
            hint = "close the quote or bracket opened here"
        if "expected a single document" in str(exc):
            hint = "a flow file holds one document; remove the extra '---'"
        if "maximum nesting depth" in str(exc.problem):
            # libyaml stops at 1,000 levels (10,000 '[' is hostile, not a typo): too deep, as SM003 says.
            problems.error("SM003", "nesting too deep to read", loc, "flows are shallow; check the brackets")
            return None
        problems.error("SM001", what, loc, hint)
        return None
    except yaml.reader.ReaderError as exc:
        # No mark on reader errors: find the character itself (its position is in bytes or characters,
        # depending on whether libyaml is used).
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        _bad_character(text, text.find(char), char, file, problems)
        return None
    except UnicodeEncodeError as exc:
        # Text handed over as a str may hold a lone surrogate ('\ud800'), which libyaml's UTF-8 cannot.
        _bad_character(text, exc.start, text[exc.start], file, problems)
        return None
    except yaml.YAMLError as exc:
        problems.error("SM001", str(exc).splitlines()[0] if str(exc) else "YAML error", Location(file))
        return None
    except RecursionError:
        problems.error("SM003", "nesting too deep to read", Location(file), "check the indentation")
        return None
    if composed is None:
        problems.error("SM103", "the file is empty", Location(file), "start with 'flow: my_flow_id'")
        return None
    builder = _Builder(file, problems, text)
    try:
        built = builder.build(composed)
    except RecursionError:
        problems.error("SM003", "nesting too deep to read", Location(file), "check the indentation")
        return None
    return None if builder.over_budget else built


def _bad_character(text: str, offset: int, char: str, file: str, problems: Problems) -> None:
    line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
    column = offset - text.rfind("\n", 0, offset) if offset >= 0 else 1
    problems.error("SM001", f"a character that cannot be in a flow file (#x{ord(char[:1] or '?'):04x})",
                   Location(file, line, column), "delete it; text pasted from a word processor brings these")


def load_file(path: str | Path, problems: Problems, display_name: str | None = None) -> Node | None:
    """Read and parse a YAML file; unreadable or non-UTF-8 files become SM004 problems."""
    name = display_name or str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # Reading a FIFO blocks for ever and a device may never end: only regular files are flow files.
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            problems.error("SM004", f"cannot read file: it is {kind}", Location(name))
            return None
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # never more than the limit, whatever size the file says it has
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        problems.error("SM004", f"cannot read file: {getattr(exc, 'strerror', None) or exc}", Location(name))
        return None
    if len(raw) > MAX_BYTES:
        size = max(info.st_size, len(raw))
        problems.error("SM003", f"file is {size} bytes (limit {MAX_BYTES})", Location(name))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # Editors count characters: decode what comes before the bad byte on its line to find its column.
        column = len(raw[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        problems.error("SM004", "file is not UTF-8 text", Location(name, line, column), "save it as UTF-8")
        return None
    return load_text(text, name, problems)
