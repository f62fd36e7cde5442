"""Shared by every command: the one-line usage problem, printing problems, loading a flow, the applicant's values."""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.events import EventError, parse_event
from ..core.flow import Flow
from ..core.i18n import Catalogs, UnknownLocale, normalise_locale
from ..core.inputs import coerce_inputs, parse_pairs
from ..core.loader import load_flow
from ..core.problems import Location, Problem, Problems, format_problems
from ..core.session import Session
from ..core.source import Mapping, load_file
from ..core.source import Sequence as YSequence

# Every default is a folder of the current one, never of the checkout the package was installed from: a second
# checkout, or a folder of flows a UX team keeps, checks and runs its own files and nobody else's.
FLOWS_DIR = Path("flows_yaml")
LOCALES_DIR = Path("locales")
DEMO_FLOW = FLOWS_DIR / "hk_macau_renewal.yaml"
DEMO_SCRIPT = FLOWS_DIR / "scripts" / "hk_macau_renewal.demo.yaml"


class UsageProblem(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def in_here(folder: Path) -> str:
    """A default folder as messages name it: with the current folder it was looked for in."""
    return f"{folder}/ in {Path.cwd()}"


def default_folder(folder: Path, what: str, instead: str = "name the files") -> Path:
    """A default folder of the current one, or a usage problem naming where it was looked for."""
    if not folder.is_dir():
        raise UsageProblem(f"there is no {in_here(folder)} (the current folder) to take {what} from: "
                           f"run this in the folder that has it, or {instead}")
    return folder


def note_missing_locales(locales: Path) -> None:
    """Say, once, that the flow runs in its own words only because there are no catalogs where we looked."""
    if not locales.is_dir():
        print(f"seniormode: no catalogs: there is no {in_here(locales)}, so screens and voice use the flow's "
              "own words", file=sys.stderr)


def print_problems(problems: Sequence[Problem], fmt: str = "text") -> None:
    if problems or fmt == "json":  # an empty JSON list is still JSON
        print(format_problems(list(problems), fmt), file=sys.stderr if fmt == "text" else sys.stdout)


def load_or_report(path: str) -> Flow | None:
    flow, problems = load_flow(path)
    print_problems(problems.sorted())
    return flow


def applicant_values(flow: Flow, pairs: list[str] | None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = dict(base or {})
    try:
        raw.update(parse_pairs(pairs or []))
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    values, problems = coerce_inputs(flow, raw, Location("--input"))
    if problems:
        raise UsageProblem("; ".join(p.message + (f" ({p.hint})" if p.hint else "") for p in problems))
    return values


def language_preferences(flow: Flow, args: argparse.Namespace) -> dict[str, str]:
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


def hour_of_day(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise argparse.ArgumentTypeError(f"an hour of the day is 0 to 23, not '{text}'")
    return int(text)


def clock_at(hour: int | None) -> Any:
    if hour is None:
        return None
    return lambda: datetime.datetime.now().replace(hour=hour, minute=0)


def screen_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageProblem(f"--size takes WIDTHxHEIGHT, e.g. 1280x800, not '{text}'") from None
    return w, h


def theme_for(flow: Flow, name: str | None) -> Any:
    from ..core.problems import FlowError
    from ..core.theme import load_theme_by_name

    try:
        return load_theme_by_name(name or str(flow.settings.get("theme", "senior")))
    except FlowError as exc:
        print_problems(exc.problems)
        raise SystemExit(1) from None


def flows_or_all(names: list[str] | None) -> list[Flow]:
    if names:
        paths = [Path(n) for n in names]
    else:
        paths = sorted(default_folder(FLOWS_DIR, "the flows").glob("*.yaml"))
        if not paths:
            raise UsageProblem(f"no flows (*.yaml) in {in_here(FLOWS_DIR)}: name the flow files")
    flows = []
    for path in paths:
        flow = load_or_report(str(path))
        if flow is None:
            raise SystemExit(1)
        flows.append(flow)
    return flows


def under_xvfb(argv: list[str]) -> int:
    """Run this command again on a virtual screen (a machine with no display)."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise UsageProblem("no display and no xvfb-run: install xvfb (./bootstrap.sh does)")
    return subprocess.run([xvfb, "-a", "-s", "-screen 0 1280x800x24 +extension GLX", sys.executable, "-m",
                           "seniormode.cli", *argv], check=False).returncode


def read_script(path: str, flow: Flow) -> tuple[dict[str, Any], list[Any]]:
    problems = Problems()
    root = load_file(path, problems)
    if root is None:
        print_problems(problems.sorted())
        raise SystemExit(1)
    if isinstance(root, YSequence):
        events_node, inputs = root, {}
    elif isinstance(root, Mapping) and isinstance(root.get("events"), YSequence):
        events_node = root.get("events")  # type: ignore[assignment]
        inputs_node = root.get("inputs")
        inputs = inputs_node.plain() if isinstance(inputs_node, Mapping) else {}
    else:
        print_problems([Problem("SM401", "a script is a list of events, or 'events:' with a list",
                                 root.location)])
        raise SystemExit(1)
    events = []
    for node in events_node.items:
        try:
            events.append(parse_event(node.plain(), node.location))
        except EventError as exc:
            problems.add(exc.problem)
    if problems.items:
        print_problems(problems.sorted())
        raise SystemExit(1)
    return inputs, events


def session_for(flow: Flow, args: argparse.Namespace, locales: Path = LOCALES_DIR) -> tuple[Session, list[Any]]:
    """The applicant of `simulate` and `run`: --input, a --script's inputs and events, --hour, --lang."""
    script_inputs: dict[str, Any] = {}
    events: list[Any] = []
    if args.script:
        script_inputs, events = read_script(args.script, flow)
    note_missing_locales(locales)
    session = Session(flow, applicant_values(flow, args.input, script_inputs), clock=clock_at(args.hour),
                      catalogs=Catalogs(locales), preferences=language_preferences(flow, args))
    return session, events


def add_command(sub: Any, name: str, help: str, example: str) -> argparse.ArgumentParser:
    """A command whose --help says what it does and ends with one example to copy."""
    return sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".",
                          epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
