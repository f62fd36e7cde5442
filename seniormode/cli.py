"""`seniormode`: check, simulate, explain, scenarios, coverage, demo. No traceback ever reaches the user."""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .core.coverage import branch_coverage
from .core.effects import Effect, Handoff, ShowStep, Speak
from .core.events import EventError, parse_event
from .core.flow import Flow
from .core.i18n import Catalogs, UnknownLocale, normalise_locale
from .core.inputs import coerce_inputs, parse_pairs
from .core.loader import load_flow
from .core.problems import Location, Problem, Problems, Severity, format_problems
from .core.scenario import check_scenario, load_scenarios, scenario_files
from .core.session import Session
from .core.source import Mapping, load_file
from .core.source import Sequence as YSequence
from .simulator import interactive, print_effects, render

REPO = Path(__file__).resolve().parent.parent
DEMO_FLOW = REPO / "flows_yaml" / "hk_macau_renewal.yaml"
DEMO_SCRIPT = REPO / "flows_yaml" / "scripts" / "hk_macau_renewal.demo.yaml"
LOCALES_DIR = REPO / "locales"


class UsageProblem(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def _print_problems(problems: Sequence[Problem], fmt: str = "text") -> None:
    if problems or fmt == "json":  # an empty JSON list is still JSON
        print(format_problems(list(problems), fmt), file=sys.stderr if fmt == "text" else sys.stdout)


def _load(path: str) -> Flow | None:
    flow, problems = load_flow(path)
    _print_problems(problems.sorted())
    return flow


def _inputs(flow: Flow, pairs: list[str] | None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = dict(base or {})
    try:
        raw.update(parse_pairs(pairs or []))
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    values, problems = coerce_inputs(flow, raw, Location("--input"))
    if problems:
        raise UsageProblem("; ".join(p.message + (f" ({p.hint})" if p.hint else "") for p in problems))
    return values


def _language_preferences(flow: Flow, args: argparse.Namespace) -> dict[str, str]:
    """--lang sets the voice (and the screen, where the flow shows that language); --voice/--display one each."""
    prefs: dict[str, str] = {}
    try:
        if getattr(args, "lang", None):
            locale = normalise_locale(args.lang)
            prefs["voice_language"] = locale
            prefs["display_language"] = locale
        if getattr(args, "voice", None):
            prefs["voice_language"] = normalise_locale(args.voice)
        if getattr(args, "display", None):
            prefs["display_language"] = normalise_locale(args.display)
    except UnknownLocale as exc:
        raise UsageProblem(str(exc)) from None
    return prefs


def _hour(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise argparse.ArgumentTypeError(f"an hour of the day is 0 to 23, not '{text}'")
    return int(text)


def _clock(hour: int | None) -> Any:
    if hour is None:
        return None
    return lambda: datetime.datetime.now().replace(hour=hour, minute=0)


DEFAULT_LINT_PATHS = ("flows_yaml", "themes", "locales")


def cmd_check(args: argparse.Namespace) -> int:
    """`seniormode lint`: flows, rule files, themes and catalogs; with --audit, every screen laid out too."""
    from .lint import LintOptions, expand, lint_paths

    names = args.paths or [str(REPO / p) for p in DEFAULT_LINT_PATHS]
    if not expand(names):
        raise UsageProblem("no flow, theme, rule or catalog files found in " + ", ".join(names))
    locales = None if args.no_catalogs else Path(args.locales)
    result = lint_paths(names, LintOptions(theme=args.theme, locales=locales))
    if args.audit:
        from .audit import AuditError

        try:
            result.problems.extend(_audit_problems([str(f.file) for f in result.flows], args))
        except AuditError as exc:  # lint's own findings still count; the layout could not run
            _print_problems(result.problems.sorted(), args.format)
            raise UsageProblem(str(exc)) from None
    everything = result.problems.sorted()
    _print_problems(everything, args.format)
    errors = sum(p.severity is Severity.ERROR for p in everything)
    warnings = len(everything) - errors
    if args.format == "text":
        audited = f", {len(result.flows)} flow(s) audited" if args.audit else ""
        print(f"{len(result.files)} file(s) checked{audited}: {errors} error(s), {warnings} warning(s)",
              file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


# What only laying the screens out can find. The audit also runs the loader's and the catalogs' checks, which
# lint has just reported at the same lines: those are left to lint, so each problem is told once.
AUDIT_ONLY_CODES = frozenset({"SM111", "SM501", "SM502", "SM503", "SM506", "SM507", "SM508"})


def _audit_problems(flow_files: list[str], args: argparse.Namespace) -> list[Problem]:
    from .audit import AuditOptions, run_audit

    try:
        scales = tuple(float(s) for s in args.scales.split(",")) if args.scales else None
        languages = tuple(normalise_locale(s) for s in args.languages.split(",")) if args.languages else None
    except (ValueError, UnknownLocale) as exc:
        raise UsageProblem(f"--scales takes numbers like 1.0,2.0 and --languages locales: {exc}") from None
    options = AuditOptions(theme=args.theme, size=_size(args.size), scales=scales, languages=languages,
                           locales_dir=None if args.no_catalogs else Path(args.locales))
    found = run_audit([Path(f) for f in flow_files], options)
    return [p for p in found.sorted() if p.code in AUDIT_ONLY_CODES]


def cmd_audit(args: argparse.Namespace) -> int:
    """`seniormode audit`: the lint with every screen laid out at every text size and language."""
    args.audit = True
    return cmd_check(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from . import schema

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out} is a file; give a folder for the schemas")
    if args.check:
        stale = schema.check_schemas(out)
        for name in stale:
            print(f"{out / name} is out of date: run 'seniormode schema'", file=sys.stderr)
        return 1 if stale else 0
    try:
        written = schema.write_schemas(out)
    except OSError as exc:
        raise UsageProblem(f"cannot write the schemas to {out}: {exc.strerror}") from None
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from . import problem_docs

    print(f"wrote {problem_docs.write_problem_docs(REPO)}")
    return 0


def _read_script(path: str, flow: Flow) -> tuple[dict[str, Any], list[Any]]:
    problems = Problems()
    root = load_file(path, problems)
    if root is None:
        _print_problems(problems.sorted())
        raise SystemExit(1)
    if isinstance(root, YSequence):
        events_node, inputs = root, {}
    elif isinstance(root, Mapping) and isinstance(root.get("events"), YSequence):
        events_node = root.get("events")  # type: ignore[assignment]
        inputs_node = root.get("inputs")
        inputs = inputs_node.plain() if isinstance(inputs_node, Mapping) else {}
    else:
        _print_problems([Problem("SM401", "a script is a list of events, or 'events:' with a list",
                                 root.location)])
        raise SystemExit(1)
    events = []
    for node in events_node.items:
        try:
            events.append(parse_event(node.plain(), node.location))
        except EventError as exc:
            problems.add(exc.problem)
    if problems.items:
        _print_problems(problems.sorted())
        raise SystemExit(1)
    return inputs, events


def _session_for(flow: Flow, args: argparse.Namespace) -> tuple[Session, list[Any]]:
    """The applicant of `simulate` and `run`: --input, a --script's inputs and events, --hour, --lang."""
    script_inputs: dict[str, Any] = {}
    events: list[Any] = []
    if args.script:
        script_inputs, events = _read_script(args.script, flow)
    session = Session(flow, _inputs(flow, args.input, script_inputs), clock=_clock(args.hour),
                      catalogs=Catalogs(LOCALES_DIR), preferences=_language_preferences(flow, args))
    return session, events


def cmd_simulate(args: argparse.Namespace) -> int:
    flow = _load(args.flow)
    if flow is None:
        return 1
    session, events = _session_for(flow, args)
    print(f"== {flow.title.value}  ({flow.file})")
    if not args.script:
        return interactive(session)
    effects: list[Effect] = session.start()
    print_effects(effects, sys.stdout)
    for event in events:
        print(f"\n>>> {event}")
        effects = session.handle(event)
        print_effects(effects, sys.stdout)
    print(f"\n== status: {session.status}; path: {' > '.join(session.history)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    flow = _load(args.flow)
    if flow is None:
        return 1
    inputs = _inputs(flow, args.input)
    session = Session(flow, inputs, clock=_clock(args.hour))
    session.start()
    values = session.values()
    if args.step:
        if not flow.has_step(args.step):
            raise UsageProblem(f"no step '{args.step}' in {flow.id}")
        values["step"] = args.step
    adaptation = flow.rules.adapt(values)
    shown = {k: v for k, v in values.items() if v is not None and not flow.has_step(k)}
    print(f"flow {flow.id} ({flow.file})")
    print("values: " + ", ".join(f"{k}={v}" for k, v in sorted(shown.items())))
    for line in adaptation.explain():
        print(line)
    for line in flow.rules.explain_routes(values):
        print(line)
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    paths: list[Path] = []
    for name in args.paths:
        p = Path(name)
        paths.extend(scenario_files(p) if p.is_dir() else [p])
    failed = passed = 0
    for path in paths:
        sf = load_scenarios(path)
        if sf.problems.items:
            _print_problems(sf.problems.sorted())
            failed += max(1, len(sf.scenarios))
            continue
        assert sf.flow is not None
        for sc in sf.scenarios:
            _, failures = check_scenario(sf.flow, sc)
            if failures:
                failed += 1
                print(f"FAIL {path}: {sc.name}")
                _print_problems(failures)
            else:
                passed += 1
                print(f"ok   {path}: {sc.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_coverage(args: argparse.Namespace) -> int:
    flow = _load(args.flow)
    if flow is None:
        return 1
    paths: list[Path] = []
    for name in args.scenarios:
        p = Path(name)
        paths.extend(scenario_files(p) if p.is_dir() else [p])
    branches, ran = branch_coverage(flow, paths)
    missing = [b for b in branches if not b.covered]
    print(f"{flow.id}: {len(branches) - len(missing)} of {len(branches)} branches covered by {ran} scenario(s)")
    for b in missing:
        print(f"{b.location}: not covered: {b.description}")
    return 1 if (missing and args.strict) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo kiosk: a window to touch where there is a screen; else a scripted applicant on a virtual one."""
    from .kivy_ui import runtime

    if args.terminal:
        script = None if args.interactive else str(DEMO_SCRIPT)
        return cmd_simulate(argparse.Namespace(flow=str(DEMO_FLOW), script=script, input=args.input, hour=10,
                                               lang=None, voice=None, display=None))
    run = argparse.Namespace(flow=str(DEMO_FLOW), kiosk=args.kiosk, size=args.size, theme=None, script=None,
                             screenshots=None, jump=None, input=args.input, hour=None, lang=None, voice=None,
                             display=None, no_voice=False)
    if runtime.has_display() and not args.scripted:
        return cmd_run(run)
    run.script, run.screenshots, run.hour = str(DEMO_SCRIPT), args.out, 10
    if runtime.has_display():
        return cmd_run(run)
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise UsageProblem("no display and no xvfb-run: install xvfb, or try 'seniormode demo --terminal'")
    print(f"no display: the demo applicant taps through {DEMO_FLOW.name} on a virtual screen; "
          f"screenshots go to {args.out}/", flush=True)
    argv = [xvfb, "-a", "-s", "-screen 0 1280x800x24 +extension GLX", sys.executable, "-m", "seniormode.cli",
            "run", str(DEMO_FLOW), "--script", str(DEMO_SCRIPT), "--screenshots", args.out, "--hour", "10",
            "--size", args.size]
    for pair in args.input or []:
        argv += ["--input", pair]
    return subprocess.run(argv, check=False).returncode


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageProblem(f"--size takes WIDTHxHEIGHT, e.g. 1280x800, not '{text}'") from None
    return w, h


def _theme(flow: Flow, name: str | None) -> Any:
    from .core.problems import FlowError
    from .core.theme import load_theme_by_name

    try:
        return load_theme_by_name(name or str(flow.settings.get("theme", "senior")))
    except FlowError as exc:
        _print_problems(exc.problems)
        raise SystemExit(1) from None


def cmd_run(args: argparse.Namespace) -> int:
    from .kivy_ui import runtime

    flow = _load(args.flow)
    if flow is None:
        return 1
    theme = _theme(flow, args.theme)
    session, events = _session_for(flow, args)
    if args.jump and not flow.has_step(args.jump):
        raise UsageProblem(f"no step '{args.jump}' in {flow.id}")
    if args.script or args.screenshots:
        if not runtime.has_display():
            raise UsageProblem("no display: run under xvfb-run, or use 'seniormode demo' which starts Xvfb")
        from .kivy_ui.kiosk import run_script

        shots = Path(args.screenshots) if args.screenshots else None
        result = run_script(flow, _theme(flow, args.theme), session, events, _size(args.size), shots,
                            None if args.no_voice else LOCALES_DIR, args.jump)
        for shot in result["screenshots"]:
            print(shot)
        for language, source, text in result["spoken"]:
            print(f"🔊 {language} ({source}) {text}")
        print(f"== status: {result['status']}; path: {' > '.join(result['path'])}")
        return 0
    if not runtime.has_display():
        raise UsageProblem("no display to open the kiosk on (set DISPLAY, or run under xvfb-run)")
    from .core.tickets import DurableTicketCounter
    from .kivy_ui.kiosk import run_kiosk

    if args.station is not None and not 0 <= args.station <= 99:
        raise UsageProblem(f"--station is a number from 0 to 99, not {args.station}")
    try:
        session.tickets = DurableTicketCounter(args.tickets, args.station, clock=session.clock)
    except (OSError, sqlite3.Error) as exc:
        raise UsageProblem(f"cannot keep tickets in {Path(args.tickets).resolve()}: {exc}") from None
    print(f"seniormode: queue numbers kept in {Path(args.tickets).resolve()}")
    return run_kiosk(flow, theme, session, _size(args.size), args.kiosk, args.jump,
                     None if args.no_voice else LOCALES_DIR)


def _demo_flows(names: list[str] | None) -> list[Flow]:
    paths = [Path(n) for n in names] if names else sorted((REPO / "flows_yaml").glob("*.yaml"))
    flows = []
    for path in paths:
        flow = _load(str(path))
        if flow is None:
            raise SystemExit(1)
        flows.append(flow)
    return flows


def cmd_i18n(args: argparse.Namespace) -> int:
    from . import translations

    try:
        return _i18n(args)
    except translations.CatalogUnreadable as exc:
        print(f"seniormode: {exc}", file=sys.stderr)
        return 1


def _i18n(args: argparse.Namespace) -> int:
    from . import translations

    locales_dir = Path(args.locales)
    if args.action == "extract":
        for path in translations.extract(_demo_flows(args.flows), locales_dir):
            print(f"wrote {path}")
    elif args.action == "update":
        for path in translations.update(locales_dir):
            print(f"updated {path}")
    elif args.action == "compile":
        for path in translations.compile_all(locales_dir):
            print(f"compiled {path}")
    else:
        rows = translations.status(locales_dir)
        incomplete = [r for r in rows if not r.complete]
        print(f"{'locale':12} {'catalog':22} {'total':>5} {'done':>5} {'fuzzy':>5} {'missing':>7} {'stale':>5}")
        for r in rows:
            print(f"{r.locale:12} {r.domain:22} {r.total:5} {r.translated:5} {r.fuzzy:5} {r.missing:7} {r.stale:5}")
            for m in r.missing_ids[: args.show]:
                print(f"    missing: {m}")
        if not rows:
            print("no templates: run 'seniormode i18n extract' first")
            return 1
        if args.strict and incomplete:
            print(f"{len(incomplete)} catalog(s) incomplete (missing or fuzzy strings)")
            return 1
    return 0


def _under_xvfb(argv: list[str]) -> int:
    """Run this command again on a virtual screen (a machine with no display)."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise UsageProblem("no display and no xvfb-run: install xvfb (./bootstrap.sh does)")
    return subprocess.run([xvfb, "-a", "-s", "-screen 0 1280x800x24 +extension GLX", sys.executable, "-m",
                           "seniormode.cli", *argv], check=False).returncode


def cmd_storyboard(args: argparse.Namespace) -> int:
    from .kivy_ui import runtime

    if not runtime.has_display():
        return _under_xvfb(sys.argv[1:] if args.argv is None else args.argv)
    flows = _demo_flows(args.flows)
    try:
        scales = [float(s) for s in args.scales.split(",")]
        languages = [normalise_locale(s) for s in args.languages.split(",")]
    except (ValueError, UnknownLocale) as exc:
        raise UsageProblem(str(exc)) from None
    theme = _theme(flows[0], args.theme)
    runtime.configure(size=_size(args.size))
    from .kivy_ui.app import KioskApp
    from .kivy_ui.pilot import run_headless
    from .kivy_ui.storyboard import render_storyboard

    app = KioskApp(flows[0], theme, Session(flows[0], catalogs=Catalogs(LOCALES_DIR)), tick=False)
    run_headless(app)
    report = render_storyboard(app, flows, Path(args.out), scales, languages)
    totals = report.totals
    print(f"{totals['shots']} screens of {totals['steps']} steps in {report.seconds:.1f} s: {report.index}")
    for shot, warning in report.warnings:
        print(f"warning: {shot.flow}/{shot.step} {shot.language} x{shot.scale}: {warning.kind}: {warning.message}")
    app.stop()
    return 1 if (args.strict and report.warnings) else 0


def _rule_rates(flows: list[Flow]) -> list[int]:
    """Every speech rate the flows can ask for: the default and each rule's and flow's own."""
    rates = {int(f.settings.get("speech_rate", 170)) for f in flows}
    for f in flows:
        rates |= {int(r.settings["speech_rate"]) for r in f.rules.rules if "speech_rate" in r.settings}
    return sorted(rates)


def cmd_voice(args: argparse.Namespace) -> int:
    from .voice.build import build_all
    from .voice.service import VoiceService

    if args.action == "build":
        flows = _demo_flows(args.flows)
        rates = [int(r) for r in args.rates.split(",")] if args.rates else _rule_rates(flows)
        locales = [normalise_locale(v) for v in args.voices.split(",")]
        width = 30

        def progress(p: Any) -> None:
            done = int(width * p.done / max(1, p.total))
            mark = "" if p.source != "failed" else f"  FAILED {p.prompt.context}: {p.error}"
            end = "\n" if (mark or p.done == p.total) else "\r"
            print(f"[{'#' * done}{'.' * (width - done)}] {p.done}/{p.total} {p.locale} {p.rate} wpm{mark}",
                  end=end, flush=True)

        report = build_all(flows, locales, rates, progress, locales_dir=LOCALES_DIR)
        print(report.summary())
        for failure in report.failures:
            print(f"failed: {failure}")
        return 0 if report.ok else 1
    # preview: one step's prompt in one voice, as the kiosk would say it
    flow = _load(args.flow)
    if flow is None:
        return 1
    if not flow.has_step(args.step):
        raise UsageProblem(f"no step '{args.step}' in {flow.id}")
    try:
        voice = normalise_locale(args.voice)
    except UnknownLocale as exc:
        raise UsageProblem(str(exc)) from None
    session = Session(flow, catalogs=Catalogs(LOCALES_DIR), preferences={"voice_language": voice})
    if args.rate:
        session.preferences["speech_rate"] = args.rate
    speak = next(e for e in session.jump_to(args.step) if isinstance(e, Speak))
    with VoiceService(LOCALES_DIR) as service:
        prepared = service.prepare(speak.text, speak.text_key, speak.language, speak.rate, msgid=speak.msgid)
    out = Path(args.out) if args.out else prepared.path
    if args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepared.path, out)
    print(f"{flow.id}/{args.step} in {voice} at {speak.rate} wpm ({prepared.source}): {prepared.text}")
    print(out)
    if args.play:
        player = shutil.which("aplay") or shutil.which("play")
        if player is None:
            raise UsageProblem("nothing to play sound with here (aplay or sox's play); the WAV is written above")
        subprocess.run([player, str(out)], check=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seniormode", description="Accessible kiosk flows for senior applicants.")
    sub = parser.add_subparsers(dest="command", required=True)

    for name in ("lint", "check", "audit"):
        helps = {"lint": "check flows, rule files, themes and catalogs; print problems as file:line:col",
                 "check": "the same as lint", "audit": "lint, and lay out every screen at every text size and "
                                                      "language to check the senior numbers (Kivy under Xvfb)"}
        p = sub.add_parser(name, help=helps[name])
        p.add_argument("paths", nargs="*", help="files or folders (default: flows_yaml themes locales)")
        p.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text (file:line:col), json, or github (workflow annotations)")
        p.add_argument("--strict", action="store_true", help="fail on warnings too")
        p.add_argument("--theme", help="theme name or file (default: each flow's own)")
        p.add_argument("--locales", default=str(LOCALES_DIR), help="the catalogs' folder")
        p.add_argument("--no-catalogs", action="store_true", help="skip the translation checks")
        if name != "audit":
            p.add_argument("--audit", action="store_true", help="also lay out every screen (see 'seniormode audit')")
        p.add_argument("--size", default="1280x800", help="audit: screen size, WIDTHxHEIGHT")
        p.add_argument("--scales", help="audit: text sizes, e.g. 1.0,2.0 (default: every step of the theme's)")
        p.add_argument("--languages", help="audit: screen languages (default: each flow's)")
        p.set_defaults(func=cmd_audit if name == "audit" else cmd_check)

    p = sub.add_parser("schema", help="write the JSON Schemas of flows, rule files and themes (for editors)")
    p.add_argument("--out", default=str(REPO / "schemas"))
    p.add_argument("--check", action="store_true", help="exit 1 if the files in --out are out of date")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("docs", help="write docs/problems.md: every problem code with a bad example and its fix")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("simulate", help="walk a flow in the terminal, or run a scripted applicant")
    p.add_argument("flow")
    p.add_argument("--script", help="YAML list of events (a scripted applicant)")
    p.add_argument("--input", action="append", metavar="NAME=VALUE", help="applicant value, e.g. age=76")
    p.add_argument("--hour", type=_hour, help="pretend it is this hour of the day")
    p.add_argument("--lang", help="screen and voice language, e.g. yue_Hans_CN (translators)")
    p.add_argument("--voice", help="voice language only")
    p.add_argument("--display", help="screen language only")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("run", help="open the kiosk (Kivy): windowed, --kiosk full screen, or --script with screenshots")
    p.add_argument("flow")
    p.add_argument("--kiosk", action="store_true", help="full screen, borderless, no mouse cursor")
    p.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    p.add_argument("--theme", help="theme name (default: the flow's, else senior)")
    p.add_argument("--script", help="YAML list of events: a scripted applicant taps the screen")
    p.add_argument("--screenshots", metavar="DIR", help="write a PNG of every screen to DIR")
    p.add_argument("--jump", metavar="STEP", help="open at this step with sample answers")
    p.add_argument("--no-voice", action="store_true", help="a silent kiosk (no speech worker)")
    p.add_argument("--input", action="append", metavar="NAME=VALUE")
    p.add_argument("--hour", type=_hour)
    p.add_argument("--lang", help="screen and voice language, e.g. yue_Hans_CN (translators)")
    p.add_argument("--voice", help="voice language only")
    p.add_argument("--display", help="screen language only")
    p.add_argument("--tickets", default="state/tickets.sqlite", metavar="FILE",
                   help="where the day's queue numbers are kept, so a restart never repeats one "
                        "(default: state/tickets.sqlite in this folder)")
    p.add_argument("--station", type=int, metavar="N",
                   help="this kiosk's number in the hall, 0-99: its tickets read A07012 and no other kiosk's do")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("storyboard", help="every step x language x text size as PNG, and an index.html to review")
    p.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/)")
    p.add_argument("--out", default="out/storyboard")
    p.add_argument("--scales", default="1.0,1.4,2.0", help="text sizes, e.g. 1.0,1.4,2.0")
    p.add_argument("--languages", default="zh_Hans_CN,en", help="screen languages, e.g. zh_Hans_CN,yue_Hans_CN,en")
    p.add_argument("--theme")
    p.add_argument("--size", default="1280x800")
    p.add_argument("--strict", action="store_true", help="exit 1 on any overflow or contrast warning")
    p.set_defaults(func=cmd_storyboard, argv=None)

    p = sub.add_parser("voice", help="translator tools: voice build | voice preview FLOW STEP --voice yue")
    vsub = p.add_subparsers(dest="action", required=True)
    b = vsub.add_parser("build", help="pre-render every prompt of every flow in every voice")
    b.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/)")
    b.add_argument("--voices", default="zh_Hans_CN,yue_Hans_CN")
    b.add_argument("--rates", help="words per minute, e.g. 110,130,170 (default: every rate the rules use)")
    b.set_defaults(func=cmd_voice)
    v = vsub.add_parser("preview", help="write (and play) one step's prompt in one voice")
    v.add_argument("flow")
    v.add_argument("step")
    v.add_argument("--voice", default="yue_Hans_CN", help="zh_Hans_CN, yue_Hans_CN (yue), en")
    v.add_argument("--rate", type=int, help="words per minute (default: as the rules decide)")
    v.add_argument("--out", help="copy the WAV here")
    v.add_argument("--play", action="store_true", help="play it with aplay")
    v.set_defaults(func=cmd_voice)

    p = sub.add_parser("i18n", help="translator tools: extract | update | compile | status of the catalogs")
    p.add_argument("action", choices=("extract", "update", "compile", "status"))
    p.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/)")
    p.add_argument("--locales", default=str(REPO / "locales"), help="the catalogs' folder")
    p.add_argument("--strict", action="store_true", help="status: exit 1 if any string is missing or fuzzy")
    p.add_argument("--show", type=int, default=5, help="status: list this many missing strings per catalog")
    p.set_defaults(func=cmd_i18n)

    p = sub.add_parser("explain", help="show which rules match and which setting each one wins")
    p.add_argument("flow")
    p.add_argument("--input", action="append", metavar="NAME=VALUE")
    p.add_argument("--step", help="explain as if on this step")
    p.add_argument("--hour", type=_hour)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("scenarios", help="run YAML scenario files and report pass/fail")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("coverage", help="list branches of a flow that no scenario takes")
    p.add_argument("flow")
    p.add_argument("scenarios", nargs="*", default=["tests/scenarios"])
    p.add_argument("--strict", action="store_true", help="exit 1 if any branch is not covered")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("demo", help="the demo kiosk: the HK/Macau renewal (scripted 76-year-old with no display)")
    p.add_argument("--scripted", action="store_true", help="the scripted applicant even where there is a display")
    p.add_argument("--out", default="out/demo", help="where the scripted run writes its screenshots")
    p.add_argument("--kiosk", action="store_true", help="full screen, as at the hall")
    p.add_argument("--size", default="1280x800")
    p.add_argument("--terminal", action="store_true", help="the text simulator instead of the Kivy screens")
    p.add_argument("--interactive", action="store_true", help="with --terminal: play it yourself")
    p.add_argument("--input", action="append", metavar="NAME=VALUE")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, not a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageProblem as exc:
        print(f"seniormode: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise: no traceback for staff
        if os.environ.get("SENIORMODE_DEBUG"):
            raise
        print(f"seniormode: internal error: {type(exc).__name__}: {exc}. "
              "Please report it; set SENIORMODE_DEBUG=1 to see the details.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "render", "ShowStep", "Handoff"]
