"""Shared by `run` and `simulate`: the journal a session writes to, opened once, refused in words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.kiosk_config import KioskConfig
from ..core.session import Session
from .common import UsageProblem


def add_journal_option(p: Any, default: str | None, what: str) -> None:
    p.add_argument("--journal", metavar="FILE", default=default,
                   help=f"record every session, with no personal data, in this SQLite journal ({what})")
    p.add_argument("--journal-days", type=int, metavar="DAYS",
                   help="with --journal: forget events older than this many days (default 90)")
    p.add_argument("--journal-max-mb", type=int, metavar="MB",
                   help="with --journal: keep the file under this size, the oldest days going first (default 200)")


def open_journal(config: KioskConfig, flow: Flow, theme: Any, locales: Path, *, synthetic: bool = False,
                 kiosk: str | None = None, scripted: bool = False) \
        -> tuple[Any, Callable[[Session], Any] | None, str]:
    """(writer, recorder factory, flow version) for the kiosk's journal, or (None, None, "") when it keeps none;
    a file that is no journal is refused. `scripted`: a script's ticks are its applicant's time."""
    journal = config.journal
    if journal.path is None:
        return None, None, ""
    from ..journal import JournalError, JournalWriter, Retention
    from ..journal.recorder import recorders
    from ..journal.version import flow_version

    path = journal.path
    try:
        writer = JournalWriter(path, Retention(days=journal.keep_days, max_bytes=journal.max_mb * 1024 * 1024))
    except JournalError as exc:
        raise UsageProblem(f"cannot record sessions in {exc}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot record sessions in {path.resolve()}: {exc.strerror}") from None
    theme_file = getattr(theme, "file", None)
    version = flow_version(flow, theme_file, locales)
    known = {(flow.id, flow.file): version}

    def version_of(other: Flow) -> str:  # a flow a start_flow step began is versioned by its own files
        key = (other.id, other.file)
        if key not in known:
            known[key] = flow_version(other, theme_file, locales)
        return known[key]

    print(f"seniormode: sessions recorded in {path.resolve()} (flow version {version})")
    return writer, recorders(writer.write, kiosk=kiosk or config.kiosk_id, version=version, synthetic=synthetic,
                             count_ticks=scripted, version_of=version_of), version


__all__ = ["add_journal_option", "open_journal"]
