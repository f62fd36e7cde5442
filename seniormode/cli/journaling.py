"""Shared by `run` and `simulate`: the journal a session writes to, opened once, refused in words."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.session import Session
from .common import LOCALES_DIR, UsageProblem


def add_journal_option(p: Any, default: str | None, what: str) -> None:
    p.add_argument("--journal", metavar="FILE", default=default,
                   help=f"record every session, with no personal data, in this SQLite journal ({what})")
    p.add_argument("--journal-days", type=int, default=90, metavar="DAYS",
                   help="with --journal: forget events older than this many days (default 90)")
    p.add_argument("--journal-max-mb", type=int, default=200, metavar="MB",
                   help="with --journal: keep the file under this size, the oldest days going first (default 200)")


def kiosk_id(args: argparse.Namespace) -> str:
    station = getattr(args, "station", None)
    return f"station-{station:02d}" if station is not None else socket.gethostname()


def open_journal(args: argparse.Namespace, flow: Flow, theme: Any, *, synthetic: bool = False,
                 kiosk: str | None = None) -> tuple[Any, Callable[[Session], Any] | None, str]:
    """(writer, recorder factory, flow version), or (None, None, "") without --journal; a file that is no journal
    is refused."""
    if not getattr(args, "journal", None):
        return None, None, ""
    from ..journal import JournalError, JournalWriter, Retention
    from ..journal.recorder import recorders
    from ..journal.version import flow_version

    path = Path(args.journal)
    days, size = getattr(args, "journal_days", 90), getattr(args, "journal_max_mb", 200)
    if not 1 <= days <= 3650 or not 1 <= size <= 100_000:
        raise UsageProblem(f"--journal-days is 1 to 3650 and --journal-max-mb 1 to 100000, not {days} and {size}")
    try:
        writer = JournalWriter(path, Retention(days=days, max_bytes=size * 1024 * 1024))
    except JournalError as exc:
        raise UsageProblem(f"cannot record sessions in {exc}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot record sessions in {path.resolve()}: {exc.strerror}") from None
    version = flow_version(flow, getattr(theme, "file", None), LOCALES_DIR)
    print(f"seniormode: sessions recorded in {path.resolve()} (flow version {version})")
    scripted = bool(getattr(args, "script", None))  # a script's ticks are its applicant's time
    return writer, recorders(writer.write, kiosk=kiosk or kiosk_id(args), version=version, synthetic=synthetic,
                             count_ticks=scripted), version


__all__ = ["add_journal_option", "kiosk_id", "open_journal"]
