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


def kiosk_id(args: argparse.Namespace) -> str:
    station = getattr(args, "station", None)
    return f"station-{station:02d}" if station is not None else socket.gethostname()


def open_journal(args: argparse.Namespace, flow: Flow, theme: Any, *, synthetic: bool = False,
                 kiosk: str | None = None) -> tuple[Any, Callable[[Session], Any] | None]:
    """(writer, recorder factory), or (None, None) without --journal; a file that is no journal is refused."""
    if not getattr(args, "journal", None):
        return None, None
    from ..journal import JournalError, JournalWriter
    from ..journal.recorder import recorders
    from ..journal.version import flow_version

    path = Path(args.journal)
    try:
        writer = JournalWriter(path)
    except JournalError as exc:
        raise UsageProblem(f"cannot record sessions in {exc}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot record sessions in {path.resolve()}: {exc.strerror}") from None
    version = flow_version(flow, getattr(theme, "file", None), LOCALES_DIR)
    print(f"seniormode: sessions recorded in {path.resolve()} (flow version {version})")
    scripted = bool(getattr(args, "script", None))  # a script's ticks are its applicant's time
    return writer, recorders(writer.write, kiosk=kiosk or kiosk_id(args), version=version, synthetic=synthetic,
                             count_ticks=scripted)


__all__ = ["add_journal_option", "kiosk_id", "open_journal"]
