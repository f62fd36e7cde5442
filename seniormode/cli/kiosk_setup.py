"""The one kiosk configuration a command runs with: kiosk.yaml (`--config`), or at a desk its arguments.

Flags given next to `--config` change that one thing for this run (a desk trying `--no-voice`); everything else
comes from the file, so `run`, `ship` and the release client see one and the same kiosk.
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.kiosk_config import KEEP_DAYS, MAX_MB, JournalConfig, KioskConfig, KioskContent, load_kiosk_config
from .common import UsageProblem, print_problems, screen_size


def add_config_option(p: Any) -> None:
    p.add_argument("--config", metavar="KIOSK_YAML",
                   help="this kiosk's configuration (kiosk.yaml: id, flows, theme, journal, releases, database; "
                        "see docs/kiosk.md); flags given with it change only this run")


def kiosk_config(args: argparse.Namespace) -> KioskConfig:
    """Built once per command, from --config or from the arguments; flags given change that one thing."""
    given = getattr(args, "config", None)
    if given:
        config, problems = load_kiosk_config(given)
        print_problems(problems.sorted())
        if config is None:
            raise UsageProblem(f"{given} has mistakes (above); nothing was started")
    else:
        config = KioskConfig(kiosk_id="", folder=Path.cwd())
    changes: dict[str, Any] = {}
    flow = getattr(args, "flow", None)
    if flow:
        changes["flows"] = (Path(flow).resolve(),) + tuple(f for f in config.flows if f != Path(flow))
    elif not config.flows:
        raise UsageProblem("name the flow file, or a kiosk.yaml with --config")
    station = getattr(args, "station", None)
    if station is not None:
        if not 0 <= station <= 99:
            raise UsageProblem(f"--station is a number from 0 to 99, not {station}")
        changes["station"] = station
    if not config.kiosk_id:
        number = station if station is not None else config.station
        changes["kiosk_id"] = f"station-{number:02d}" if number is not None else socket.gethostname()
    if getattr(args, "theme", None):
        changes["theme"] = args.theme
    if getattr(args, "no_voice", False):
        changes["voice"] = False
    if getattr(args, "kiosk", False):
        changes["fullscreen"] = True
    if getattr(args, "size", None):
        changes["size"] = screen_size(args.size)
    if getattr(args, "tickets", None):
        changes["tickets"] = Path(args.tickets).resolve()
    elif not given:
        changes["tickets"] = Path.cwd() / "state" / "tickets.sqlite"
    journal = config.journal
    if getattr(args, "journal", None):
        journal = JournalConfig(Path(args.journal).resolve(), journal.keep_days, journal.max_mb)
    days, size = getattr(args, "journal_days", None), getattr(args, "journal_max_mb", None)
    if days is not None or size is not None:
        days, size = days if days is not None else journal.keep_days, size if size is not None else journal.max_mb
        if not KEEP_DAYS[0] <= days <= KEEP_DAYS[1] or not MAX_MB[0] <= size <= MAX_MB[1]:
            raise UsageProblem(f"--journal-days is {KEEP_DAYS[0]} to {KEEP_DAYS[1]} and --journal-max-mb "
                               f"{MAX_MB[0]} to {MAX_MB[1]}, not {days} and {size}")
        journal = JournalConfig(journal.path, days, size)
    changes["journal"] = journal
    return config.with_changes(**changes)


def theme_of(content: KioskContent, flow: Flow) -> Any:
    """The theme the kiosk shows: kiosk.yaml's (a file of the content root or a name), else the flow's own."""
    from ..core.problems import FlowError

    try:
        return content.load_theme(str(flow.settings.get("theme", "senior")))
    except FlowError as exc:
        print_problems(exc.problems)
        raise SystemExit(1) from None


__all__ = ["add_config_option", "kiosk_config", "theme_of"]
