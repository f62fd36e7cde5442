"""`seniormode audit`: every screen of a flow checked against the senior numbers, at the line that causes a failure.

Two halves. The headless half reads the flow, its theme and its catalogs: at most 6 choices (SM109), an icon and
words on every choice (SM508), time-outs (SM111), a spoken prompt in every voice language (SM604), a confirm
before an irreversible step (SM112, from the loader), and the theme's own numbers (SM501-503). The Kivy half
(seniormode/kivy_ui/audit_layout.py) lays every step out in the real kiosk at each text size and screen language and
measures what is drawn: contrast against the colour behind each label (SM501), text sizes and line spacing
(SM502), touch targets in dp and mm (SM503), clipped or off-screen text (SM506), the ink height of the characters
(SM507) and the icon and word on each choice tile (SM508).

Kivy opens one window per process and needs a display. With a display the layout runs in this process (reusing a
kiosk app that is already running); without one it runs in a worker process under `xvfb-run`
(`python -m seniormode.lint.audit --worker REQUEST RESULT`) that writes its problems as JSON. Nothing Kivy is imported
here, so importing this module opens no window.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.i18n import Catalogs, UnknownLocale, catalog_path, normalise_locale
from ..core.loader import load_flow
from ..core.problems import Location, Problem, Problems, Severity, did_you_mean, shorten
from ..core.reader import IDENTIFIER
from ..core.settings import SETTINGS
from ..core.source import Mapping, Node, Scalar, display_path, load_file
from ..core.source import Sequence as YSequence
from ..core.theme import Theme, no_theme_message, read_theme_unchecked, theme_file, theme_names
from .audit_languages import screen_languages

# Folders of the current one, as every default of the command line (issue 12).
LOCALES_DIR = Path("locales")
DEMO_FLOWS_DIR = Path("flows_yaml")
DEFAULT_SIZE = (1280, 800)
# seniormode.core.session: the kiosk's ➕ and ➖ buttons move text_scale by this much, from where the rules set it.
TEXT_SCALE_STEP = 0.2
MAX_CHOICES = 6
MIN_WARNING_SECONDS = 20.0  # WCAG 2.2.1: at least 20 s to answer the time-out warning
MIN_EXTENSIONS = 10  # WCAG 2.2.1: the time can be extended at least 10 times
WORKER_SECONDS = 900  # a worker that has not answered in this long is stuck (Xvfb, a GL driver)


class AuditError(Exception):
    """The audit cannot run as asked (no display and no xvfb-run, a bad option, a worker that failed).

    One line for a person, not a traceback: the CLI prints it and exits 2. `problems` holds what the headless checks
    found before the layout could not run.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class AuditOptions:
    """What to audit with.

    `theme` is a theme name (themes/<name>.yaml) or a theme file; None uses each flow's own theme. `scales` None
    takes the text sizes the kiosk's ➕ button reaches with the theme (1.0 up to its largest); `languages` None takes
    each flow's screen languages. `locales_dir` None skips the catalogs (no SM604, screens in the source language).
    `in_process` None lays screens out here when there is a display, else in a worker under xvfb-run.
    """

    theme: str | None = None
    size: tuple[int, int] = DEFAULT_SIZE
    scales: tuple[float, ...] | None = None
    languages: tuple[str, ...] | None = None
    locales_dir: Path | None = LOCALES_DIR
    layout: bool = True
    in_process: bool | None = None


@dataclass(frozen=True)
class LayoutJob:
    """One flow to lay out: its file, the theme file, the text sizes and the screen languages."""

    flow: str
    theme: str
    scales: tuple[float, ...]
    languages: tuple[str, ...]


@dataclass
class _Plan:
    problems: Problems = field(default_factory=Problems)
    jobs: list[tuple[Flow, Theme, LayoutJob]] = field(default_factory=list)


# ---- the API ------------------------------------------------------------------------------------------------------
def run_audit(flow_paths: Sequence[str | Path], options: AuditOptions | None = None) -> Problems:
    """Every problem of the flows' screens: the headless checks here, then every screen laid out in Kivy."""
    options = options or AuditOptions()
    _check_options(options)
    plan = _plan(flow_paths, options)
    problems = plan.problems
    if options.layout and plan.jobs:
        problems.extend(_layout(plan, options))
    return problems


def audit_theme_file(path: str | Path, flow_paths: Sequence[str | Path] | None = None,
                     options: AuditOptions | None = None) -> Problems:
    """A theme file audited on real screens: the demo flows (or `flow_paths`) laid out with it."""
    flows = list(flow_paths) if flow_paths else sorted(DEMO_FLOWS_DIR.glob("*.yaml"))
    return run_audit(flows, dataclasses.replace(options or AuditOptions(), theme=str(path)))


def theme_scales(theme: Theme, flow: Flow | None = None) -> tuple[float, ...]:
    """The text sizes an applicant can reach with ➕ and ➖: from 1.0 and from every text_scale the flow's settings
    and rules start at, in steps of 0.2, up to the theme's largest (the kiosk draws nothing bigger)."""
    spec = SETTINGS["text_scale"]
    low, high = float(spec.low or 1.0), min(float(spec.high or 2.0), theme.largest_text_scale)
    starts = {1.0}
    if flow is not None:
        starts.add(float(flow.settings.get("text_scale", 1.0)))
        starts |= {float(r.settings["text_scale"]) for r in flow.rules.rules if "text_scale" in r.settings}
    found = {high}
    for start in starts:
        value = start
        while value >= low - 1e-9:
            found.add(min(round(value, 1), high))
            value = round(value - TEXT_SCALE_STEP, 1)
        value = start
        while value <= high + 1e-9:
            found.add(round(value, 1))
            value = round(value + TEXT_SCALE_STEP, 1)
    return tuple(sorted(s for s in found if low - 1e-9 <= s <= high + 1e-9))


# ---- the headless half --------------------------------------------------------------------------------------------
def _check_options(options: AuditOptions) -> None:
    width, height = options.size
    if width < 320 or height < 240:
        raise AuditError(f"the screen size {width}x{height} is too small to audit (at least 320x240)")
    for scale in options.scales or ():
        if not 1.0 <= scale <= 2.0:
            raise AuditError(f"text scale {scale:g} is outside the kiosk's 1.0 to 2.0")
    for language in options.languages or ():
        try:
            normalise_locale(language)
        except UnknownLocale as exc:
            raise AuditError(str(exc)) from None


def _plan(flow_paths: Sequence[str | Path], options: AuditOptions) -> _Plan:
    plan = _Plan()
    themes: dict[str, tuple[Theme | None, Path | None]] = {}
    catalogs = Catalogs(options.locales_dir) if options.locales_dir is not None else None
    for raw in flow_paths:
        path = Path(raw)
        flow, loaded = load_flow(path)
        plan.problems.extend(loaded)
        plan.problems.extend(raw_choice_problems(path))
        if flow is None:
            continue
        spec = options.theme or str(flow.settings.get("theme", "senior"))
        if spec not in themes:
            theme, theme_file, theme_problems = _read_theme(spec)
            plan.problems.extend(theme_problems)
            themes[spec] = (theme, theme_file)
        theme, theme_file = themes[spec]
        plan.problems.extend(flow_problems(flow, catalogs))
        if theme is None or theme_file is None:
            continue
        scales = tuple(options.scales) if options.scales else theme_scales(theme, flow)
        asked = tuple(normalise_locale(x) for x in options.languages) if options.languages else None
        languages, notes = screen_languages(flow, theme, options.locales_dir, asked)
        plan.problems.notes.extend(notes)
        plan.jobs.append((flow, theme, LayoutJob(str(path), str(theme_file), scales, languages)))
    return plan


def _read_theme(spec: str) -> tuple[Theme | None, Path | None, Problems]:
    """A theme by name (themes/<name>.yaml) or by file, read even when it fails the senior numbers."""
    if spec.endswith((".yaml", ".yml")) or "/" in spec or os.sep in spec:
        path = Path(spec)
        if not path.is_file():
            problems = Problems()
            problems.error("SM004", f"there is no theme file '{spec}'", Location(spec))
            return None, None, problems
    else:
        if not IDENTIFIER.match(spec):
            problems = Problems()
            problems.error("SM108", f"'{spec}' is not a theme name", Location("themes"),
                           did_you_mean(spec, theme_names()))
            return None, None, problems
        found = theme_file(spec)
        if found is None:
            problems = Problems()
            problems.error("SM004", no_theme_message(spec), Location(f"themes/{spec}.yaml"),
                           did_you_mean(spec, theme_names()) or f"themes are: {', '.join(theme_names())}")
            return None, None, problems
        path = found
    theme, problems = read_theme_unchecked(path)
    return theme, path.resolve(), problems


def flow_problems(flow: Flow, catalogs: Catalogs | None) -> Problems:
    """The audit's checks that need no screen: choices (SM109, SM508), time-outs (SM111), spoken prompts (SM604)."""
    problems = Problems()
    for step in flow.steps:
        if len(step.choices) > MAX_CHOICES:
            problems.error("SM109", f"step '{step.id}' has {len(step.choices)} choices, more than {MAX_CHOICES}",
                           step.location, "give 2 to 6: more tiles are too small and too many to read")
        for choice in (*step.choices, *step.hard, *step.levels):
            lacking = _lacking(not choice.icon.strip(), not choice.text.value.strip())
            if lacking:
                problems.error("SM508", f"choice '{choice.id}' of step '{step.id}' has {lacking}", choice.location,
                               "give every choice an icon and words: never colour alone")
    timeout = flow.timeout
    where = timeout.location or flow.location
    if timeout.warning < MIN_WARNING_SECONDS:
        problems.error("SM111", f"the time-out warning gives {timeout.warning:g} s to answer, needs "
                       f"{MIN_WARNING_SECONDS:g} s", where, "WCAG 2.2.1: at least 20 seconds to ask for more time")
    if timeout.extensions < MIN_EXTENSIONS:
        problems.error("SM111", f"the time can be extended {timeout.extensions} times, needs {MIN_EXTENSIONS}",
                       where, "WCAG 2.2.1: allow at least 10 extensions")
    if catalogs is not None:
        for step in flow.steps:
            prompt = step.prompt
            for locale in flow.languages.voice:
                if not catalogs.has(prompt, locale):
                    what = "say" if step.say is not None else "text"
                    po = catalog_path(catalogs.locales_dir, locale, flow.id)
                    problems.error("SM604", f"step '{step.id}' has no spoken prompt in {locale}: its '{what}' "
                                   f"“{shorten(prompt.value)}” is not translated in {display_path(po)}",
                                   prompt.location,
                                   "run 'seniormode i18n extract' and 'update', then translate it")
    return problems


def raw_choice_problems(path: str | Path) -> list[Problem]:
    """SM508 for each choice written without an icon or without words, read from the YAML itself.

    The loader refuses such a flow (SM103), so the audit reads the file again to name the choice: it still has
    no screen to lay out.
    """
    found: list[Problem] = []
    root = load_file(path, Problems(), display_path(Path(path)))
    steps = root.get("steps") if isinstance(root, Mapping) else None
    if not isinstance(steps, YSequence):
        return found
    for step in steps.items:
        choices = step.get("choices") if isinstance(step, Mapping) else None
        if not isinstance(choices, YSequence):
            continue
        step_id = _word(step.get("id")) if isinstance(step, Mapping) else ""
        for item in choices.items:
            if not isinstance(item, Mapping):
                continue
            lacking = _lacking(not _word(item.get("icon")), not _word(item.get("text")))
            if lacking:
                name = _word(item.get("id")) or "?"
                found.append(Problem("SM508", f"choice '{name}' of step '{step_id or '?'}' has {lacking}",
                                     item.location, hint="give every choice an icon and words: never colour alone"))
    return found


def _lacking(no_icon: bool, no_words: bool) -> str:
    if no_icon and no_words:
        return "neither an icon nor words"
    return "no icon, only words" if no_icon else "an icon but no words" if no_words else ""


def _word(node: Node | None) -> str:
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
        return str(node.value).strip()
    return ""


# ---- the Kivy half: here or in a worker -----------------------------------------------------------------------
def _layout(plan: _Plan, options: AuditOptions) -> list[Problem]:
    from ..extras import needs

    said = needs("kiosk", "the audit lays every screen out in Kivy, so it")
    if said:  # the headless checks have run: their problems are printed with this
        raise AuditError(said, plan.problems)
    from ..kivy_ui import runtime

    in_process = options.in_process if options.in_process is not None else runtime.has_display()
    if in_process:
        if not runtime.has_display():
            raise AuditError("no display to lay the screens out on (set DISPLAY, or run under xvfb-run)",
                             plan.problems)
        from ..kivy_ui.audit_layout import audit_layout

        jobs = [(flow, theme, job.scales, job.languages) for flow, theme, job in plan.jobs]
        try:
            return audit_layout(jobs, options.size, options.locales_dir)
        except RuntimeError as exc:  # another app owns this process's window, or the window cannot take the size
            raise AuditError(f"the audit could not lay the screens out: {exc}", plan.problems) from None
    return _run_worker([job for _, _, job in plan.jobs], options, plan.problems)


def _run_worker(jobs: list[LayoutJob], options: AuditOptions, found: Problems) -> list[Problem]:
    """Lay the screens out in a fresh process: under xvfb-run where there is no display."""
    from ..kivy_ui import runtime

    width, height = options.size
    command = [sys.executable, "-m", "seniormode.lint.audit", "--worker"]
    if not runtime.has_display():
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            raise AuditError("the audit lays every screen out in Kivy, which needs a display: there is none and no "
                             "xvfb-run (install xvfb, as ./bootstrap.sh does, or run under xvfb-run)", found)
        command = [xvfb, "-a", "-s", f"-screen 0 {max(width, 640)}x{max(height, 480)}x24 +extension GLX", *command]
    request = {"jobs": [job.__dict__ for job in jobs], "size": [width, height],
               "locales_dir": str(options.locales_dir) if options.locales_dir is not None else None}
    with tempfile.TemporaryDirectory(prefix="seniormode-audit-") as tmp:
        request_file, result_file = Path(tmp) / "request.json", Path(tmp) / "result.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        env = dict(os.environ)
        env.setdefault("KIVY_HOME", str(Path(tmp) / "kivy"))
        try:
            proc = subprocess.run([*command, str(request_file), str(result_file)], cwd=Path.cwd(), env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=WORKER_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise AuditError(f"the audit's Kivy worker did not finish in {WORKER_SECONDS} s", found) from None
        result = _read_result(result_file)
        if proc.returncode != 0 or result is None or "error" in result:
            said = (result or {}).get("error") or _last_line(proc.stderr) or f"exit code {proc.returncode}"
            raise AuditError(f"the audit could not lay the screens out: {said}", found)
    return [problem_from_dict(p) for p in result.get("problems", [])]


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def problem_from_dict(data: dict[str, Any]) -> Problem:
    """A Problem back from `Problem.to_dict()` (the worker's JSON)."""
    loc = data["location"]
    return Problem(str(data["code"]), str(data["message"]),
                   Location(str(loc["file"]), int(loc["line"]), int(loc["column"])),
                   severity=Severity(data.get("severity", "error")), hint=str(data.get("hint", "")))


def _worker(argv: list[str]) -> int:
    """The worker: read the request, lay every screen out, write {"problems": [...]} or {"error": "..."}."""
    if len(argv) != 3 or argv[0] != "--worker":
        print("usage: python -m seniormode.lint.audit --worker REQUEST.json RESULT.json", file=sys.stderr)
        return 2
    request_file, result_file = Path(argv[1]), Path(argv[2])
    try:
        request = json.loads(request_file.read_text(encoding="utf-8"))
        locales = request.get("locales_dir")
        width, height = request["size"]
        jobs = []
        for raw in request["jobs"]:
            flow, _ = load_flow(raw["flow"])
            theme, _ = read_theme_unchecked(raw["theme"])
            if flow is None or theme is None:
                raise AuditError(f"{raw['flow']} or {raw['theme']} no longer loads")
            jobs.append((flow, theme, tuple(raw["scales"]), tuple(raw["languages"])))
        from ..kivy_ui.audit_layout import audit_layout

        problems = audit_layout(jobs, (int(width), int(height)), Path(locales) if locales else None)
        result: dict[str, Any] = {"problems": [p.to_dict() for p in problems]}
        code = 0
    except Exception as exc:  # noqa: BLE001 - the parent turns this into one line for a person
        result, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
    result_file.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return code




__all__ = ["AuditError", "AuditOptions", "LayoutJob", "audit_theme_file", "flow_problems", "problem_from_dict",
           "raw_choice_problems", "run_audit", "theme_scales"]


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
