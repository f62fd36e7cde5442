"""`seniormode lint`: flows, rule files, themes and catalogs checked together, as the gate before a kiosk.

A path is a file or a folder (read recursively). What a file is comes from what it holds: a `.po` file is a
catalog; a YAML file with `flow:` is a flow (or, with `scenarios:`, a scenario file), with `theme:` a theme,
and with only `rules:` a shared rule file.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.events import EventError, parse_event
from ..core.flow import Flow
from ..core.flow_links import link_problems
from ..core.icons import load_catalogue
from ..core.kiosk_config import kiosk_file_problems, theme_in
from ..core.loader import load_flow
from ..core.problems import FlowError, Location, Problem, Problems
from ..core.rules.analysis import rule_problems
from ..core.rules.ruleset import RuleSet, read_rules
from ..core.rules.symbols import SymbolTable
from ..core.source import Mapping, Scalar, load_file
from ..core.source import Sequence as YSequence
from ..core.theme import Theme, icon_problems, load_theme, load_theme_by_name

# The current folder's catalogs, not those of the checkout the package was installed from (issue 12).
LOCALES_DIR = Path("locales")
SKIP_DIRS = {".git", ".venv", "__pycache__", "out", "node_modules"}


@dataclass
class LintOptions:
    """`theme` is a theme name or a theme file (default: each flow's own); `locales` None skips catalog checks."""

    theme: str | None = None
    locales: Path | None = LOCALES_DIR
    rule_analysis: bool = True
    fonts: bool = True
    # A theme named here or by the flow is looked up in this folder's themes/ first (a release's own themes).
    theme_root: Path | None = None


@dataclass
class LintResult:
    problems: Problems = field(default_factory=Problems)
    files: list[Path] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the .yaml/.yml/.po files under folders named, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                # Not only regular files: a dangling link, a symlink loop or a pipe with a flow's name is said to
                # be skipped (lint_paths), never passed over in silence.
                if child.suffix in (".yaml", ".yml", ".po", ".pot") and not child.is_dir() \
                        and not SKIP_DIRS.intersection(child.relative_to(p).parts):
                    out.append(child)
        else:
            out.append(p)
    return out


TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", re.MULTILINE)


def file_kind(path: Path) -> str:
    """'catalog', 'flow', 'scenario', 'script', 'kiosk', 'theme', 'icons' or 'rules', from the top-level keys
    (read cheaply)."""
    if path.suffix in (".po", ".pot"):
        return "catalog"
    try:
        with path.open("rb") as fh:
            head = fh.read(256 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return "flow"  # the flow loader says what is wrong with it
    keys = set(TOP_KEY.findall(head))
    if "scenarios" in keys:
        return "scenario"
    if "events" in keys and "steps" not in keys:
        return "script"
    if "kiosk" in keys and "flows" in keys and "steps" not in keys:
        return "kiosk"
    if "theme" in keys and "steps" not in keys:
        return "theme"
    if keys == {"icons"}:
        return "icons"
    if "rules" in keys and "flow" not in keys and "steps" not in keys:
        return "rules"
    return "flow"


# Python's collector runs after every 700 new objects and now and then walks the whole heap; a lint of a 500-step
# flow with its catalogs makes about a million objects, nearly none of them in cycles, and spent a fifth of its
# time collecting (68 of 317 ms: 255 young, 23 middle and 2 whole-heap collections). With mypy's thresholds, set
# for the same reason (mypy/build.py), one young collection is left, 5 ms; reference counting still frees all
# that is not in a cycle, and the thresholds are put back when the lint is done.
LINT_GC_THRESHOLDS = (200_000, 30, 30)


@contextlib.contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = LINT_GC_THRESHOLDS) -> Iterator[None]:
    """The collector's thresholds raised for a batch that makes many objects and few cycles, then put back."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(new, old) for new, old in zip(thresholds, before, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def lint_paths(paths: Sequence[str | Path], options: LintOptions | None = None) -> LintResult:
    """Every file under `paths`. Flows go first: a rule file a flow includes is checked with that flow's names,
    and a catalog of a flow checked here reports its missing and fuzzy strings at the flow's lines, once."""
    with fewer_collections():
        return _lint_paths(paths, options or LintOptions())


def _lint_paths(paths: Sequence[str | Path], options: LintOptions) -> LintResult:
    result = LintResult()
    kinds: dict[str, list[Path]] = {}
    for path in expand(paths):
        why = _unreadable(path)
        if why:
            result.problems.error("SM004", why, Location(str(path)), "skipped: nothing in it was checked")
        else:
            result.files.append(path)
            kinds.setdefault(file_kind(path), []).append(path)
    for path in kinds.get("flow", []):
        flow, problems = lint_flow(path, options)
        result.problems.extend(problems)
        if flow is not None:
            result.flows.append(flow)
    included = {_resolved(r.location.file) for f in result.flows for r in f.rules.rules}
    for path in kinds.get("rules", []):
        if _resolved(str(path)) not in included:
            result.problems.extend(lint_rule_file(path))
    for path in kinds.get("theme", []):
        result.problems.extend(load_theme(path)[1])
    for path in kinds.get("icons", []):
        result.problems.extend(load_catalogue(path)[1])
    for path in kinds.get("kiosk", []):
        result.problems.extend(kiosk_file_problems(path))
    if kinds.get("catalog"):
        from .catalogs import catalog_file_problems

        covered = {f.id for f in result.flows} if options.locales is not None else set()
        for path in kinds["catalog"]:
            result.problems.extend(catalog_file_problems(path, entries=path.stem not in covered))
    for path in kinds.get("script", []):
        result.problems.extend(lint_script(path))
    if kinds.get("scenario"):
        for path in kinds["scenario"]:
            result.problems.extend(scenario_problems(path))
    return result


def _unreadable(path: Path) -> str:
    """Why lint cannot read `path` as a file (a sentence), or '' when it can."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=False)
            if not target.exists():
                return f"'{path}' is a link to '{target}', which does not exist"
        if not path.exists():
            return f"there is no file '{path}'"
        if not path.is_file():  # a pipe or a device would block the read for ever
            return f"'{path}' is not a regular file"
    except (OSError, RuntimeError):  # a symlink loop
        return f"'{path}' is a symbolic link that leads round in a loop"
    return ""


def _resolved(name: str) -> Path:
    try:
        return Path(name).resolve()
    except (OSError, ValueError):
        return Path(name)


def lint_rule_file(path: Path) -> Problems:
    """A shared rule file on its own, read as a flow reads it: conditions typed against every flow's names."""
    problems = Problems()
    where = Location(str(path))
    one_file = YSequence(where, [Scalar(where, path.name)])
    read_rules(one_file, SymbolTable.with_builtins(), problems, RuleSet(), path.parent)
    return problems


def lint_script(path: Path) -> Problems:
    """A scripted applicant (`seniormode run --script`): `inputs:` and a list of `events:` the session knows."""
    problems = Problems()
    root = load_file(path, problems, str(path))
    if not isinstance(root, Mapping):
        return problems
    events = root.get("events")
    if not isinstance(events, YSequence):
        problems.error("SM401", "'events' is a list of events", root.key_location("events"))
        return problems
    for node in events.items:
        try:
            parse_event(node.plain(), node.location)
        except EventError as exc:
            problems.add(exc.problem)
    return problems


def scenario_problems(path: Path) -> Problems:
    """A scenario file as read, then played: a `choose:` of a tile its screen does not show is an error too."""
    from ..core.scenario import load_scenarios, run_scenario

    loaded = load_scenarios(path)
    if loaded.flow is not None and not loaded.problems.has_errors:
        for scenario in loaded.scenarios:
            loaded.problems.extend(run_scenario(loaded.flow, scenario).problems)
    return loaded.problems


def theme_for(flow: Flow, options: LintOptions) -> Theme:
    name = options.theme or str(flow.settings.get("theme", "senior"))
    if options.theme_root is not None and not (name.endswith((".yaml", ".yml")) or "/" in name):
        name = str(theme_in(options.theme_root, name))
    if name.endswith((".yaml", ".yml")) or "/" in name:
        theme, problems = load_theme(name)
        if theme is None:
            raise FlowError(problems.sorted())
        return theme
    return load_theme_by_name(name)


def lint_flow(path: str | Path, options: LintOptions | None = None) -> tuple[Flow | None, Problems]:
    """Every check of one flow: the loader's, then (with no errors) rules, icons, glyphs, catalogs."""
    options = options or LintOptions()
    flow, problems = load_flow(path)
    if flow is None:
        return None, problems
    try:
        theme = theme_for(flow, options)
    except FlowError as exc:
        problems.extend(exc.problems)
        return flow, problems
    problems.extend(link_problems(flow))  # a start_flow step's target, hand-over and circles (SM122-SM125)
    problems.extend(icon_problems(flow, theme))
    if options.fonts:
        from .font_coverage import glyph_problems

        problems.extend(glyph_problems(flow, theme, options.locales))
    if options.rule_analysis:
        problems.extend(rule_problems(flow.rules, flow.symbols))
    if options.locales is not None:
        from .catalogs import flow_catalog_problems

        problems.extend(flow_catalog_problems(flow, options.locales))
    return flow, problems


def lint_file(path: str | Path, theme_name: str | None = None) -> Problems:
    """One flow, without catalog checks (the bad flows of tests/bad_flows have no catalogs)."""
    return lint_flow(path, LintOptions(theme=theme_name, locales=None))[1]


__all__ = ["LintOptions", "LintResult", "Problem", "expand", "file_kind", "lint_file", "lint_flow", "lint_paths"]
