"""Strong signals become findings: which YAML line would change, and the change as a unified diff.

Nothing here edits a flow; `seniormode report --suggest` prints the diffs for a person to apply. The thresholds
are data (report/thresholds.yaml, or --thresholds FILE), read with file:line for every mistake.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.problems import Problems
from ..core.reader import Fields, expect_mapping
from ..core.rules.ruleset import Rule
from ..core.settings import SETTINGS
from ..core.source import Mapping, Scalar, Sequence, load_file
from .analysis import Analysis
from .stats import Rate

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.yaml")
# A typical age of each band: which rules apply to its applicants.
_BAND_AGE = {"under 60": 50, "60-69": 65, "70-79": 75, "80+": 85}
# signal -> the setting it moves, and which way
# How far one suggestion moves a setting when the thresholds file does not say.
_DEFAULT_STEP = {"text_scale": 0.2, "speech_rate": 20.0, "timeout_factor": 1.0}
_SIGNAL_SETTING = {"bigger": ("text_scale", +1), "repeat": ("speech_rate", -1),
                   "timeout_warning": ("timeout_factor", +1)}


@dataclass(frozen=True)
class SignalRule:
    rate: float
    ci_low: float
    step_by: float = 0.0


@dataclass
class Thresholds:
    min_n: int = 30
    signals: dict[str, SignalRule] = field(default_factory=dict)
    hard: dict[str, tuple[float, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    summary: str   # what the journal shows, with n and interval
    where: str     # file:line that would change
    change: str    # in words
    diff: str      # unified diff, empty when the change needs a person's words (shorter text)
    # The same change as (file, line, new text): line 0 appends at the end. combined_patch() uses it.
    edit: tuple[str, int, str] | None = None

    def to_dict(self) -> dict[str, str]:
        return {"summary": self.summary, "where": self.where, "change": self.change, "diff": self.diff}


def load_thresholds(path: Path | None = None) -> tuple[Thresholds, Problems]:
    problems = Problems()
    path = path or DEFAULT_THRESHOLDS
    root = load_file(path, problems)
    out = Thresholds()
    top = expect_mapping(root, problems, "a thresholds file", root.location) if root is not None else None
    if top is None:
        return out, problems
    f = Fields(top, ("min_n", "signals", "hard"), problems, "a thresholds file")
    out.min_n = int(f.number("min_n", low=1, high=100000) or 30)
    signals = f.mapping("signals")
    for name, node in signals.items() if signals else []:
        m = expect_mapping(node, problems, f"signal '{name}'", node.location)
        if m is None:
            continue
        if name not in _SIGNAL_SETTING and name != "help":
            problems.error("SM101", f"unknown signal '{name}'", signals.key_location(name),  # type: ignore
                           f"signals: {', '.join([*_SIGNAL_SETTING, 'help'])}")
            continue
        sf = Fields(m, ("rate", "ci_low", "step_by"), problems, f"signal '{name}'")
        rate, low = sf.number("rate", 0, 1, required=True), sf.number("ci_low", 0, 1, required=True)
        if rate is not None and low is not None:
            out.signals[name] = SignalRule(rate, low, sf.number("step_by", 0, 1000) or 0.0)
    hard = f.mapping("hard")
    for name, node in hard.items() if hard else []:
        m = expect_mapping(node, problems, f"tile '{name}'", node.location)
        if m is None:
            continue
        hf = Fields(m, ("share", "signal"), problems, f"tile '{name}'")
        share = hf.number("share", 0, 1, required=True)
        signal = hf.one_of("signal", list(_SIGNAL_SETTING), required=True)
        if share is not None and signal is not None:
            out.hard[name] = (share, signal)
    return out, problems


def _strong(rate: Rate, rule: SignalRule, min_n: int) -> bool:
    return rate.n >= min_n and rate.value >= rule.rate and rate.low >= rule.ci_low


def _setting_line(rule: Rule, setting: str) -> tuple[Path, int, str] | None:
    """The file, line and text of `setting:` inside this rule's `set:`, found in the located YAML."""
    path = Path(rule.location.file)
    root = load_file(path, Problems())
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            ident = node.get("id")
            if isinstance(ident, Scalar) and ident.value == rule.id and isinstance(node.get("set"), Mapping):
                value = node.get("set").get(setting)  # type: ignore[union-attr]
                if isinstance(value, Scalar):
                    line = value.location.line
                    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
                    # Only a line that is just `setting: value` is rewritten whole; a flow-style
                    # `set: {text_scale: 1.4, ...}` or a comment after it gets no diff rather than a broken one.
                    if not re.fullmatch(rf"\s*{re.escape(setting)}:\s*[^\s#{{}},]+\s*", text):
                        return None
                    return path, line, text
            stack.extend(v for _, v in node.items())
        elif isinstance(node, Sequence):
            stack.extend(node.items)
    return None


def _patched(path: Path, edits: list[tuple[int, str]]) -> str:
    """The unified diff of `path` with every (line, new text) edit applied; line 0 appends at the end."""
    old = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if old and not old[-1].endswith("\n"):
        old[-1] += "\n"
    new = list(old)
    done: set[int] = set()
    for line, text in sorted(edits, key=lambda e: -e[0] if e[0] else -len(old) - 1):
        if line in done and line:
            continue  # two suggestions for one line: the first one stands
        done.add(line)
        parts = [part + "\n" for part in text.split("\n")]
        if line:
            new[line - 1:line] = parts
        else:
            new += ["\n", *parts]
    shown = os.path.relpath(path)
    return "".join(difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}", n=2))


def _diff(path: Path, line: int, new_line: str) -> str:
    return _patched(path, [(line, new_line)])


def _append_rule(path: Path, text: str) -> str:
    return _patched(path, [(0, text)])


def combined_patch(findings: list[Finding]) -> str:
    """Every suggestion as one patch, one diff per file: `git apply` takes it whole (separate diffs of one file
    do not apply one after the other)."""
    by_file: dict[str, list[tuple[int, str]]] = {}
    for f in findings:
        if f.edit is not None and f.diff:
            by_file.setdefault(f.edit[0], []).append((f.edit[1], f.edit[2]))
    return "".join(_patched(Path(name), edits) for name, edits in sorted(by_file.items()))


def _move_setting(flow: Flow, band: str, signal: str, step_by: float, summary: str) -> Finding | None:
    setting, sign = _SIGNAL_SETTING[signal]
    adaptation = flow.rules.adapt({"age": _BAND_AGE[band]})
    decision = adaptation.decisions.get(setting)
    spec = SETTINGS[setting]
    current = float(adaptation.settings[setting])
    target = current + sign * step_by
    target = min(max(target, spec.low or target), spec.high or target)
    if target == current:
        return None
    shown = f"{target:.1f}" if setting == "text_scale" else f"{target:g}"
    if decision is None or decision.winner is None:
        return None
    found = _setting_line(decision.winner.rule, setting)
    if found is None:
        return None
    path, line, text = found
    indent = text[: len(text) - len(text.lstrip())]
    new_line = f"{indent}{setting}: {shown}"
    return Finding(summary, f"{os.path.relpath(path)}:{line}",
                   f"rule {decision.winner.rule.id}: {setting} {current:g} → {shown}",
                   _diff(path, line, new_line), (str(path), line, new_line))


def _before_the_card(flow: Flow, analysis: Analysis, rule: SignalRule, min_n: int) -> list[Finding]:
    """大字 pressed on the screens before the card is read: no age rule can help there, the flow's own size can."""
    for step in analysis.steps:
        rate = step.rates["bigger"]
        if step.band_known >= 0.9 or not _strong(rate, rule, min_n):
            continue
        current = float(flow.settings.get("text_scale", 1.0))
        target = min(2.0, current + rule.step_by)
        path = Path(flow.file)
        summary = f"step {step.step} (before the card is read): bigger for everyone: {rate.percent()}"
        root = load_file(path, Problems())
        settings = root.get("settings") if isinstance(root, Mapping) else None
        scale = settings.get("text_scale") if isinstance(settings, Mapping) else None
        if isinstance(scale, Scalar):
            line = scale.location.line
            text = path.read_text(encoding="utf-8").splitlines()[line - 1]
            indent = text[: len(text) - len(text.lstrip())]
            return [Finding(summary, f"{os.path.relpath(path)}:{line}",
                            f"the flow's text_scale {current:g} → {target:.1f}",
                            _diff(path, line, f"{indent}text_scale: {target:.1f}"),
                            (str(path), line, f"{indent}text_scale: {target:.1f}"))]
        anchor = root.get("call_staff") if isinstance(root, Mapping) else None
        if anchor is None or settings is not None:
            return []
        line = anchor.location.line
        old = path.read_text(encoding="utf-8").splitlines()[line - 1]
        return [Finding(summary, f"{os.path.relpath(path)}:{line}",
                        f"give the flow a text_scale of {target:.1f} until a rule knows the applicant",
                        _diff(path, line, f"{old}\nsettings:\n  text_scale: {target:.1f}"),
                        (str(path), line, f"{old}\nsettings:\n  text_scale: {target:.1f}"))]
    return []


def suggest(flow: Flow, analysis: Analysis, thresholds: Thresholds) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    groups = analysis.groups if analysis.grouped_by == "age_band" else {}
    for signal, rule in thresholds.signals.items():
        if signal == "help":
            continue
        for band, group in sorted(groups.items()):
            if band not in _BAND_AGE:
                continue
            for step in group.steps:
                rate = step.rates.get(signal)
                if step.band_known < 0.9:
                    continue  # before the card is read no age rule applies: changing one would not help here
                if rate is None or not _strong(rate, rule, thresholds.min_n) or (band, signal) in seen:
                    continue
                summary = f"step {step.step}: {signal} for {band}: {rate.percent()}"
                finding = _move_setting(flow, band, signal, rule.step_by, summary)
                if finding is not None:
                    seen.add((band, signal))
                    findings.append(finding)
    bigger = thresholds.signals.get("bigger")
    if bigger is not None:
        findings += _before_the_card(flow, analysis, bigger, thresholds.min_n)
    help_rule = thresholds.signals.get("help")
    if help_rule is not None:
        for step in analysis.steps:
            rate = step.rates["help"]
            if not _strong(rate, help_rule, thresholds.min_n):
                continue
            # Appended at the end of a rule file of its own (rules/senior.yaml), never of the flow file, where
            # the end of the file is its steps.
            files = [Path(r.location.file) for r in flow.rules.rules if Path(r.location.file) != Path(flow.file)]
            target = files[0] if files else None
            rule_text = (f"  - id: read_choices_{step.step}\n    when: step == \"{step.step}\"\n    priority: 5\n"
                         f"    set:\n      read_choices: \"on\"\n    note: 帮助用得多：选项一个一个读出来")
            findings.append(Finding(f"step {step.step}: help opened by {rate.percent()}",
                                    f"{step.where}", "read this step's choices aloud (or split the step, or "
                                    "shorten its text: a person's words)",
                                    _append_rule(target, rule_text) if step.kind == "choice" and target else "",
                                    (str(target), 0, rule_text) if target else None))
    sat = analysis.satisfaction
    for tile, (share, signal) in thresholds.hard.items():
        chosen = sat.hard.get(tile, 0)
        if sat.unsatisfied >= thresholds.min_n and chosen / sat.unsatisfied >= share:
            for band in ("80+", "70-79"):
                step_by = thresholds.signals[signal].step_by if signal in thresholds.signals else 0.0
                finding = _move_setting(flow, band, signal, step_by or _DEFAULT_STEP[_SIGNAL_SETTING[signal][0]],
                                        f"'{tile}' chosen by {chosen} of {sat.unsatisfied} unsatisfied applicants")
                if finding is not None and (band, signal) not in seen:
                    seen.add((band, signal))
                    findings.append(finding)
                    break
    return findings


__all__ = ["DEFAULT_THRESHOLDS", "Finding", "Thresholds", "combined_patch", "load_thresholds", "suggest"]
