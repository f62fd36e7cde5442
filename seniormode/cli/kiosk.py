"""`seniormode run | demo | storyboard`: the Kivy kiosk."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..core.events import EventError
from ..core.i18n import Catalogs, UnknownLocale, normalise_locale
from ..core.problems import did_you_mean
from ..core.session import Session
from ..extras import needs
from .common import (
    DEMO_FLOW,
    DEMO_SCRIPT,
    FLOWS_DIR,
    LOCALES_DIR,
    UsageProblem,
    add_command,
    flows_or_all,
    hour_of_day,
    load_or_report,
    note_missing_locales,
    print_problems,
    screen_size,
    session_for,
    theme_for,
    under_xvfb,
)
from .journaling import add_journal_option, open_journal
from .kiosk_setup import add_config_option, kiosk_config, theme_of
from .simulate import cmd_simulate
from .updates import current_release, start_updates


def _need_kivy(command: str) -> None:
    said = needs("kiosk", f"'seniormode {command}'")
    if said:
        raise UsageProblem(said)


def cmd_run(args: argparse.Namespace) -> int:
    _need_kivy("run")
    from ..kivy_ui import runtime

    config = kiosk_config(args)
    release = current_release(config) if config.release.origin and not (args.script or args.screenshots) else None
    content = config.content(release.root if release else None)
    flow = load_or_report(str(content.flows[0]))
    if flow is None:
        return 1
    theme = theme_of(content, flow)
    session, events = session_for(flow, args, content.locales)
    locales = content.locales if config.voice else None
    if args.jump and not flow.has_step(args.jump):
        raise UsageProblem(f"no step '{args.jump}' in {flow.id}")
    if args.script or args.screenshots:
        if not runtime.has_display():
            raise UsageProblem("no display: run under xvfb-run, or use 'seniormode demo' which starts Xvfb")
        from ..kivy_ui.kiosk import run_script

        shots = Path(args.screenshots) if args.screenshots else None
        writer, journal, _ = open_journal(config, flow, theme, content.locales, scripted=bool(args.script))
        try:
            result = run_script(flow, theme, session, events, config.size, shots, locales, args.jump,
                                journal=journal)
        except EventError as exc:  # a `choose:` for a tile that screen does not have
            print_problems([exc.problem])
            return 1
        finally:
            if writer is not None:
                writer.close()
        for shot in result["screenshots"]:
            print(shot)
        for language, source, text in result["spoken"]:
            print(f"🔊 {language} ({source}) {text}")
        print(f"== status: {result['status']}; path: {' > '.join(result['path'])}")
        return 0
    if not runtime.has_display():
        raise UsageProblem("no display to open the kiosk on (set DISPLAY, or run under xvfb-run)")
    from ..core.tickets import DurableTicketCounter
    from ..kivy_ui.kiosk import run_kiosk

    try:
        session.tickets = DurableTicketCounter(config.tickets, config.station, clock=session.clock)
    except (OSError, sqlite3.Error) as exc:
        raise UsageProblem(f"cannot keep tickets in {config.tickets}: {exc}") from None
    print(f"seniormode: kiosk {config.kiosk_id}; queue numbers kept in {config.tickets}")
    printer = slip_printer(config, theme)
    writer, journal, version = open_journal(config, flow, theme, content.locales)
    updates, on_switch, stop = start_updates(args, config, writer, release, flow, theme, content.locales, version)
    if config.journal.path is not None and config.database.given(os.environ):
        from ..fleet.ship import start_thread as start_shipper  # psycopg: imported only by a kiosk that ships

        if start_shipper(config, stop) is not None:  # the journal is the outbox, sent to the fleet's PostgreSQL
            print("seniormode: shipping the journal to the fleet's database in the background", flush=True)
    try:
        return run_kiosk(flow, theme, session, config.size, config.fullscreen, args.jump, locales, journal=journal,
                         updates=updates, on_switch=on_switch, printer=printer)
    finally:
        stop.set()
        if writer is not None:
            writer.close()


def slip_printer(config: Any, theme: Any) -> Any:
    """The CUPS printer kiosk.yaml names (printer: queue:), or None: then the screen simulates the printer."""
    if config.printer.queue is None:
        return None
    try:
        from ..printing.cups import CupsPrinter
        from ..printing.slip_pdf import SlipFontError, SlipFonts
    except ImportError as exc:
        raise UsageProblem(f"kiosk.yaml names a printer, and printing needs the 'printing' extra ({exc.name} is "
                           "missing): pip install 'seniormode[printing]'") from None
    try:
        fonts = SlipFonts.of(theme.font)
    except SlipFontError as exc:
        raise UsageProblem(str(exc)) from None
    if shutil.which("lp") is None:
        print("seniormode: warning: kiosk.yaml names a printer but 'lp' is not installed (Debian: cups-client); "
              "every slip will fail to print", file=sys.stderr)
    print(f"seniormode: receipts and tickets print on the CUPS queue '{config.printer.queue}'")
    return CupsPrinter(config.printer.queue, fonts, timeout=config.printer.timeout)


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo kiosk: a window to touch where there is a screen; else a scripted applicant on a virtual one."""
    if not args.terminal:
        _need_kivy("demo")
    from ..kivy_ui import runtime

    flow_file, script_file = demo_files(args.flow)
    if not flow_file.is_file():  # the demo is the checkout's own flow, played where the README says: its root
        if args.flow and DEMO_FLOW.is_file():
            names = sorted(p.stem for p in FLOWS_DIR.glob("*.yaml"))
            hint = did_you_mean(args.flow, names) or f"the flows are: {', '.join(names)}"
            raise UsageProblem(f"there is no demo flow '{args.flow}' ({flow_file} is not there); {hint}")
        raise UsageProblem(f"the demo plays {flow_file} of the seniormode checkout, and there is none in "
                           f"{Path.cwd()} (the current folder): run it there ('./bootstrap.sh demo' does)")
    scripted = not args.interactive if args.terminal else args.scripted or not runtime.has_display()
    if scripted and not script_file.is_file():
        raise UsageProblem(f"flow '{flow_file.stem}' has no demo applicant ({script_file} is not there); play it "
                           "yourself: 'seniormode demo --flow NAME' with a display, or with --terminal --interactive")
    if args.terminal:
        script = None if args.interactive else str(script_file)
        return cmd_simulate(argparse.Namespace(flow=str(flow_file), script=script, input=args.input, hour=10,
                                               lang=None, voice=None, display=None))
    run = argparse.Namespace(flow=str(flow_file), kiosk=args.kiosk, size=args.size, theme=None, script=None,
                             screenshots=None, jump=None, input=args.input, hour=None, lang=None, voice=None,
                             display=None, no_voice=False)
    if runtime.has_display() and not args.scripted:
        return cmd_run(run)
    run.script, run.screenshots, run.hour = str(script_file), args.out, 10
    if runtime.has_display():
        return cmd_run(run)
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise UsageProblem("no display and no xvfb-run: install xvfb, or try 'seniormode demo --terminal'")
    print(f"no display: the demo applicant taps through {flow_file.name} on a virtual screen; "
          f"screenshots go to {args.out}/", flush=True)
    argv = [xvfb, "-a", "-s", "-screen 0 1280x800x24 +extension GLX", sys.executable, "-m", "seniormode.cli",
            "run", str(flow_file), "--script", str(script_file), "--screenshots", args.out, "--hour", "10",
            "--size", args.size]
    for pair in args.input or []:
        argv += ["--input", pair]
    return subprocess.run(argv, check=False).returncode


def demo_files(name: str | None) -> tuple[Path, Path]:
    """The demo's flow and its scripted applicant: the renewal, or flows_yaml/NAME.yaml and scripts/NAME.demo.yaml."""
    if not name:
        return DEMO_FLOW, DEMO_SCRIPT
    stem = Path(name).stem if name.endswith(".yaml") else name
    return FLOWS_DIR / f"{stem}.yaml", FLOWS_DIR / "scripts" / f"{stem}.demo.yaml"


def cmd_storyboard(args: argparse.Namespace) -> int:
    _need_kivy("storyboard")
    from ..kivy_ui import runtime

    if not runtime.has_display():
        return under_xvfb(sys.argv[1:] if args.argv is None else args.argv)
    flows = flows_or_all(args.flows)
    try:
        scales = [float(s) for s in args.scales.split(",")]
        languages = [normalise_locale(s) for s in args.languages.split(",")]
    except (ValueError, UnknownLocale) as exc:
        raise UsageProblem(str(exc)) from None
    theme = theme_for(flows[0], args.theme)
    note_missing_locales(LOCALES_DIR)
    runtime.configure(size=screen_size(args.size))
    from ..kivy_ui.app import KioskApp
    from ..kivy_ui.pilot import run_headless
    from ..kivy_ui.storyboard import render_storyboard

    app = KioskApp(flows[0], theme, Session(flows[0], catalogs=Catalogs(LOCALES_DIR)), tick=False)
    run_headless(app)
    report = render_storyboard(app, flows, Path(args.out), scales, languages)
    totals = report.totals
    print(f"{totals['shots']} screens of {totals['steps']} steps in {report.seconds:.1f} s: {report.index}")
    for shot, warning in report.warnings:
        print(f"warning: {shot.flow}/{shot.step} {shot.language} x{shot.scale}: {warning.kind}: {warning.message}")
    app.stop()
    return 1 if (args.strict and report.warnings) else 0


def add_parsers(sub: Any) -> None:
    p = add_command(sub, "run", "open the kiosk (Kivy): windowed, --kiosk full screen, or --script with screenshots",
                    "seniormode run flows_yaml/hk_macau_renewal.yaml --jump check --lang yue_Hans_CN")
    p.add_argument("flow", nargs="?", help="the flow file (default: the first of --config's flows)")
    add_config_option(p)
    p.add_argument("--kiosk", action="store_true", help="full screen, borderless, no mouse cursor")
    p.add_argument("--size", help="window size, WIDTHxHEIGHT (default: 1280x800)")
    p.add_argument("--theme", help="theme name or file (default: the flow's, else senior)")
    p.add_argument("--script", help="YAML list of events: a scripted applicant taps the screen")
    p.add_argument("--screenshots", metavar="DIR", help="write a PNG of every screen to DIR")
    p.add_argument("--jump", metavar="STEP", help="open at this step with sample answers")
    p.add_argument("--no-voice", action="store_true", help="a silent kiosk (no speech worker)")
    p.add_argument("--input", action="append", metavar="NAME=VALUE", help="applicant value, e.g. age=76 (repeat it)")
    p.add_argument("--hour", type=hour_of_day, help="pretend it is this hour of the day, 0-23")
    p.add_argument("--lang", help="screen and voice language, e.g. yue_Hans_CN (translators)")
    p.add_argument("--voice", help="voice language only")
    p.add_argument("--display", help="screen language only")
    p.add_argument("--tickets", metavar="FILE",
                   help="where the day's queue numbers are kept, so a restart never repeats one "
                        "(default: state/tickets.sqlite in this folder)")
    add_journal_option(p, None, "default: kiosk.yaml's journal; see docs/journal.md")
    p.add_argument("--watch", action="store_true",
                   help="at a desk: load and lint every edit of the flow, theme or catalogs, and show it at the "
                        "next welcome screen (a broken edit keeps the last good flow, and says why)")
    p.add_argument("--station", type=int, metavar="N",
                   help="this kiosk's number in the hall, 0-99: its tickets read A07012 and no other kiosk's do")
    p.set_defaults(func=cmd_run)

    p = add_command(sub, "storyboard", "every step x language x text size as PNG, and an index.html to review",
                    "seniormode storyboard flows_yaml/home_visit.yaml --languages zh_Hans_CN,yue_Hans_CN")
    p.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/ of the current folder)")
    p.add_argument("--out", default="out/storyboard", metavar="DIR",
                   help="where the PNGs and index.html go (default: out/storyboard in this folder)")
    p.add_argument("--scales", default="1.0,1.4,2.0", help="text sizes, e.g. 1.0,1.4,2.0")
    p.add_argument("--languages", default="zh_Hans_CN,en", help="screen languages, e.g. zh_Hans_CN,yue_Hans_CN,en")
    p.add_argument("--theme", help="theme name or file (default: the first flow's, else senior)")
    p.add_argument("--size", default="1280x800", help="screen size, WIDTHxHEIGHT (default: 1280x800)")
    p.add_argument("--strict", action="store_true", help="exit 1 on any overflow or contrast warning")
    p.set_defaults(func=cmd_storyboard, argv=None)

    p = add_command(sub, "demo", "the demo kiosk: the HK/Macau renewal (scripted 76-year-old with no display); "
                    "run it in the seniormode checkout", "seniormode demo --terminal")
    p.add_argument("--flow", metavar="NAME",
                   help="another demo flow: flows_yaml/NAME.yaml, its applicant flows_yaml/scripts/NAME.demo.yaml "
                        "(e.g. triage, the 导办 at the entrance, or permit_application; default: hk_macau_renewal)")
    p.add_argument("--scripted", action="store_true", help="the scripted applicant even where there is a display")
    p.add_argument("--out", default="out/demo", metavar="DIR",
                   help="where the scripted run writes its screenshots (default: out/demo in this folder)")
    p.add_argument("--kiosk", action="store_true", help="full screen, as at the hall")
    p.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT (default: 1280x800)")
    p.add_argument("--terminal", action="store_true", help="the text simulator instead of the Kivy screens")
    p.add_argument("--interactive", action="store_true", help="with --terminal: play it yourself")
    p.add_argument("--input", action="append", metavar="NAME=VALUE",
                   help="change the applicant, e.g. age=86 (repeat it)")
    p.set_defaults(func=cmd_demo)
