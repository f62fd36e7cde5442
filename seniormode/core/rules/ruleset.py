"""Rules as data: routing (first match wins) and adaptation (all matches merge by priority), with explain traces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Location, Problems
from ..reader import IDENTIFIER, Fields
from ..settings import defaults, read_settings
from ..source import Mapping as YMapping
from ..source import Node, Scalar, Sequence, display_path, load_file
from .expression import Condition, Evaluation, compile_condition
from .symbols import SymbolTable

RULE_KEYS = ("id", "when", "priority", "set", "go", "after", "note")


@dataclass
class Rule:
    id: str
    location: Location
    condition: Condition | None
    priority: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    go: str | None = None
    go_location: Location | None = None
    after: tuple[str, ...] = ()
    after_locations: tuple[Location, ...] = ()
    note: str = ""
    order: int = 0

    @property
    def is_route(self) -> bool:
        return self.go is not None

    def check(self, values: Mapping[str, Any]) -> Evaluation:
        if self.condition is None:
            return Evaluation(True, {})
        return self.condition.evaluate(values)

    def applies_after(self, step_id: str) -> bool:
        return not self.after or step_id in self.after


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    evaluation: Evaluation


@dataclass(frozen=True)
class SettingDecision:
    """For one setting: the value used, the rule that won (None = default), and the rules it beat."""

    name: str
    value: Any
    winner: RuleMatch | None
    overridden: tuple[RuleMatch, ...] = ()


@dataclass(frozen=True)
class Adaptation:
    settings: dict[str, Any]
    decisions: dict[str, SettingDecision]
    checked: tuple[RuleMatch, ...]

    def explain(self) -> list[str]:
        lines = ["adaptation rules:"]
        for m in self.checked:
            lines.append("  " + _describe(m))
        lines.append("settings:")
        for name, d in self.decisions.items():
            if d.winner is None:
                lines.append(f"  {name} = {_show(d.value)}  (default)")
            else:
                r = d.winner.rule
                beat = ""
                if d.overridden:
                    beat = "; beat " + ", ".join(f"{o.rule.id} ({_show(o.rule.settings[name])}, "
                                                 f"priority {o.rule.priority:g})" for o in d.overridden)
                lines.append(f"  {name} = {_show(d.value)}  from rule {r.id} at {r.location}"
                             f" (priority {r.priority:g}){beat}")
        return lines


@dataclass(frozen=True)
class Route:
    target: str
    match: RuleMatch
    checked: tuple[RuleMatch, ...]


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _describe(m: RuleMatch) -> str:
    ev = m.evaluation
    cond = m.rule.condition.source if m.rule.condition else "(always)"
    vals = ", ".join(f"{k}={'unknown' if v is None else v}" for k, v in ev.values.items())
    state = "MATCHED" if ev.result else "not matched"
    return f"{state:11} {m.rule.id} at {m.rule.location}: when {cond}" + (f"  [{vals}]" if vals else "")


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    base: dict[str, Any] = field(default_factory=defaults)
    _order_cache: tuple[Any, list[Rule], list[Rule]] | None = field(default=None, init=False, repr=False,
                                                                     compare=False)
    _names_cache: tuple[list[Rule], tuple[str, ...], bool] | None = field(default=None, init=False, repr=False,
                                                                          compare=False)

    @property
    def routes(self) -> list[Rule]:
        return self._ordered()[0]

    @property
    def adaptations(self) -> list[Rule]:
        return self._ordered()[1]

    def _ordered(self) -> tuple[list[Rule], list[Rule]]:
        """Routes and adaptations by priority, then file order; sorted again only when the rules change."""
        # Rules are only ever appended while a flow loads: the count and the last one tell a change.
        key = (len(self.rules), id(self.rules[-1]) if self.rules else 0)
        cached = self._order_cache
        if cached is None or cached[0] != key:
            order = sorted(self.rules, key=lambda r: (-r.priority, r.order))
            cached = (key, [r for r in order if r.is_route], [r for r in order if not r.is_route])
            self._order_cache = cached
        return cached[1], cached[2]

    @property
    def adaptation_names(self) -> tuple[str, ...]:
        """Every name an adaptation rule's condition reads, in a fixed order."""
        return self._adaptation_names()[1]

    @property
    def adaptation_remembered(self) -> bool:
        """Whether what the adaptation rules set may be kept per the values they read: not when one of them reads
        what an applicant typed or the card's name (Condition.remembers, Symbol.own)."""
        return self._adaptation_names()[2]

    def _adaptation_names(self) -> tuple[list[Rule], tuple[str, ...], bool]:
        order = self._ordered()
        cached = self._names_cache
        if cached is None or cached[0] is not order[1]:
            conditions = [r.condition for r in order[1] if r.condition is not None]
            names = sorted({n for c in conditions for n in c.names})
            cached = self._names_cache = (order[1], tuple(names), all(c.remembers for c in conditions))
        return cached

    def adapt(self, values: Mapping[str, Any]) -> Adaptation:
        """Merge every matching adaptation rule: per setting, the highest priority wins (then file order)."""
        checked = tuple(RuleMatch(r, r.check(values)) for r in self.adaptations)
        by_setting: dict[str, list[RuleMatch]] = {}  # the matching rules that set each setting, in priority order
        for m in checked:
            if m.evaluation.result:
                for name in m.rule.settings:
                    by_setting.setdefault(name, []).append(m)
        settings = dict(self.base)
        decisions: dict[str, SettingDecision] = {}
        for name in settings:
            setters = by_setting.get(name)
            if setters:
                settings[name] = setters[0].rule.settings[name]
                decisions[name] = SettingDecision(name, settings[name], setters[0], tuple(setters[1:]))
            else:
                decisions[name] = SettingDecision(name, settings[name], None)
        return Adaptation(settings, decisions, checked)

    def route(self, after_step: str, values: Mapping[str, Any], exclude: set[str] | frozenset[str] = frozenset()) \
            -> Route | None:
        """The first routing rule (by priority, then file order) that matches when leaving `after_step`."""
        checked: list[RuleMatch] = []
        for r in self.routes:
            # A rule for any step never sends back to a step already seen (it would loop); a rule that names
            # the steps it follows may (e.g. "retake the photo").
            if not r.applies_after(after_step) or (r.go in exclude and not r.after) or r.go == after_step:
                continue
            m = RuleMatch(r, r.check(values))
            checked.append(m)
            if m.evaluation.result:
                assert r.go is not None
                return Route(r.go, m, tuple(checked))
        return None

    def explain_routes(self, values: Mapping[str, Any]) -> list[str]:
        lines = ["routing rules (first match wins):"]
        first = True
        for r in self.routes:
            m = RuleMatch(r, r.check(values))
            where = f" after {', '.join(r.after)}" if r.after else " after any step"
            mark = ""
            if m.evaluation.result and first:
                mark, first = "  <- wins", False
            lines.append("  " + _describe(m) + f" -> go {r.go}{where}{mark}")
        if len(lines) == 1:
            lines.append("  (none)")
        return lines


def read_rules(node: Node, table: SymbolTable, problems: Problems, ruleset: RuleSet, base_dir: Path,
               seen_files: set[Path] | None = None, root_dir: Path | None = None) -> None:
    """Read a `rules:` list: each item is a rule, or the path of a rule file (relative to this file).

    Rule files stay inside `root_dir`, the flow's own folder tree (by default `base_dir`).
    """
    seen_files = seen_files if seen_files is not None else set()
    root_dir = root_dir if root_dir is not None else base_dir
    if not isinstance(node, Sequence):
        problems.error("SM102", "'rules' should be a list of rules or rule files", node.location)
        return
    for item in node.items:
        if isinstance(item, Scalar) and isinstance(item.value, str):
            _read_rule_file(item, table, problems, ruleset, base_dir, seen_files, root_dir)
        elif isinstance(item, YMapping):
            rule = _read_rule(item, table, problems, len(ruleset.rules))
            if rule is not None:
                if any(r.id == rule.id for r in ruleset.rules):
                    problems.error("SM105", f"rule id '{rule.id}' is used twice", rule.location)
                ruleset.rules.append(rule)
        else:
            problems.error("SM102", "a rule is a group of 'key: value' lines, or a rule file's name", item.location)


RULE_FILE_SUFFIXES = (".yaml", ".yml")


def _read_rule_file(item: Scalar, table: SymbolTable, problems: Problems, ruleset: RuleSet, base_dir: Path,
                    seen_files: set[Path], root_dir: Path) -> None:
    assert isinstance(item.value, str)
    try:
        path = (base_dir / item.value).resolve()
        is_file = path.is_file()
        inside = path.is_relative_to(root_dir.resolve())
    except (ValueError, OSError, RuntimeError):
        # A NUL byte (ValueError), a name too long (OSError: is_file only ignores "not found"), a symlink loop
        # (RuntimeError from resolve): none is a rule file.
        problems.error("SM004", f"'{item.value[:40]}' is not a file name", item.location)
        return
    # Nothing outside the flow's folder is read (no absolute path, no '..' out, no symlink out), and nothing but
    # YAML: a problem quoting a line of some other file would print it (a key file, /etc/shadow) in CI.
    if Path(item.value).is_absolute() or not inside:
        problems.error("SM004", f"rule file '{item.value[:80]}' is outside the flow's folder {display_path(root_dir)}",
                       item.location, "keep rule files beside the flow, e.g. rules/senior.yaml")
        return
    if path.suffix.lower() not in RULE_FILE_SUFFIXES:
        problems.error("SM004", f"rule file '{item.value[:80]}' is not a .yaml file", item.location,
                       "a rule file is YAML with a 'rules:' list, e.g. rules/senior.yaml")
        return
    if path in seen_files:
        return
    seen_files.add(path)
    if not is_file:
        problems.error("SM004", f"rule file '{item.value}' not found", item.location,
                       f"looked in {base_dir}")
        return
    display = display_path(path)
    root = load_file(path, problems, display)
    if root is None:
        return
    if not isinstance(root, YMapping):
        problems.error("SM102", "a rule file holds 'rules:' and a list of rules", root.location)
        return
    f = Fields(root, ("rules", "description"), problems, "rule file")
    rules_node = f.sequence("rules", required=True, example="[...]")
    if rules_node is not None:
        read_rules(rules_node, table, problems, ruleset, path.parent, seen_files, root_dir)



def _read_rule(node: YMapping, table: SymbolTable, problems: Problems, order: int) -> Rule | None:
    f = Fields(node, RULE_KEYS, problems, "rule")
    ident = f.identifier("id", required=True, example="over_70")
    priority = f.number("priority", -1000, 1000)
    when = f.scalar("when")
    condition = compile_condition(when, table, problems) if when is not None else None
    if when is not None and condition is None:
        return None
    settings_node = f.mapping("set")
    go = f.identifier("go")
    if (settings_node is None) == (go is None):
        problems.error("SM301", "a rule either changes settings ('set:') or routes the flow ('go:')",
                       node.location, "split it into two rules")
        return None
    settings = read_settings(settings_node, problems, "rule") if settings_node is not None else {}
    after = f.string_list("after")
    note = f.text("note")
    if ident is None:
        return None
    assert isinstance(ident.value, str)
    for a in after:
        if not IDENTIFIER.match(str(a.value)):
            problems.error("SM108", f"'{a.value}' is not a step id", a.location)
    return Rule(
        id=ident.value, location=node.location, condition=condition, priority=priority or 0.0,
        settings=settings, go=str(go.value) if go else None, go_location=go.location if go else None,
        after=tuple(str(a.value) for a in after), after_locations=tuple(a.location for a in after),
        note=str(note.value) if note else "", order=order,
    )
