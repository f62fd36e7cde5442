"""The journal's one table, versioned with `PRAGMA user_version`, and opening a file as a journal or refusing it.

The file is the interface: `sqlite3 state/journal.sqlite "select step, kind, count(*) from events group by 1, 2"`
reads it. Each event is one row, never updated; rows leave only by retention (days, then size).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# 'SMJ1' in the file header: a journal is known from any other SQLite file without reading a table.
APPLICATION_ID = 0x534D4A31
SCHEMA_VERSION = 1

# Numbered steps, each taking a journal of version N-1 to N; a new column is a new step, never an edit of one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        kiosk TEXT NOT NULL,            -- which machine in the hall
        flow TEXT NOT NULL,             -- flow id
        version TEXT NOT NULL,          -- content hash of flow, rule files, theme and catalogs
        session TEXT NOT NULL,          -- random per applicant, never derived from who they are
        seq INTEGER NOT NULL,           -- 0, 1, 2... within the session
        at TEXT NOT NULL,               -- UTC, to the second
        step TEXT NOT NULL,             -- the step on screen when it happened
        kind TEXT NOT NULL,             -- step_shown, step_left, repeat, help, ... (docs/journal.md)
        detail TEXT NOT NULL DEFAULT '',-- how a step was left, which field's error kind, which window, never a value
        ms INTEGER NOT NULL,            -- milliseconds since the step was shown
        text_scale REAL NOT NULL,
        speech_rate INTEGER NOT NULL,
        display_language TEXT NOT NULL,
        voice_language TEXT NOT NULL,
        view TEXT NOT NULL,             -- viewing-angle preset
        age_band TEXT NOT NULL,         -- under 60, 60-69, 70-79, 80+, unknown: never the age
        synthetic INTEGER NOT NULL DEFAULT 0,  -- 1: a simulated applicant (seniormode simulate --population)
        UNIQUE (kiosk, session, seq)
    );
    CREATE INDEX events_flow_at ON events (flow, at);
    CREATE INDEX events_at ON events (at);
    """,
)


class JournalError(Exception):
    """A file that cannot be used as a journal: says which file and why, in words for staff."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _check_identity(conn: sqlite3.Connection, path: Path, *, empty_ok: bool) -> int:
    """The schema version of a journal; a foreign or newer file raises JournalError."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise JournalError(path, f"not a readable journal ({exc}): truncated, or another kind of file") from None
    if app_id == 0 and version == 0 and not tables:
        if empty_ok:
            return 0
        raise JournalError(path, "an empty file, not a journal (nothing was ever written to it)")
    if app_id != APPLICATION_ID:
        raise JournalError(path, "an SQLite file of another program, not a seniormode journal")
    if version > SCHEMA_VERSION:
        raise JournalError(path, f"written by a newer seniormode (journal version {version}; this one reads up to "
                                 f"{SCHEMA_VERSION}): update seniormode to read it")
    return int(version)


def open_for_writing(path: Path) -> sqlite3.Connection:
    """Open (creating, or migrating forward) a journal for its one writer: WAL, so readers never block it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        version = _check_identity(conn, path, empty_ok=True)
        if version == 0:
            # Before the first table: freed pages can then be given back to the disk by the size cap.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL loses no committed row when the process is killed (only on power loss, the last
        # few); FULL would cost an fsync per commit on the kiosk's disk.
        conn.execute("PRAGMA synchronous = NORMAL")
        for step in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            _run_script(conn, MIGRATIONS[step])
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
    except (sqlite3.DatabaseError, JournalError) as exc:
        conn.close()
        raise _refusal(path, exc, "cannot be written as a journal") from None
    return conn


def _refusal(path: Path, exc: Exception, what: str) -> JournalError:
    return exc if isinstance(exc, JournalError) else JournalError(path, f"{what} ({exc})")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Each statement of a migration inside the caller's transaction (executescript would commit first)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def open_for_reading(path: Path, check: bool = True, *, beside_writer: bool = False) -> sqlite3.Connection:
    """Open a journal read-only: a report never writes into a journal, not even its WAL index.

    `check` reads every page (quick_check): once per file and report is enough (JournalSet does it first).
    `beside_writer`: the kiosk's own shipper, which a writer may start beside at any moment, reads through the WAL
    index always (it may create the -shm file); `immutable` would be undone by a writer starting mid-read.
    """
    if not path.exists():
        raise JournalError(path, "no such file")
    if path.is_dir():
        raise JournalError(path, "a folder, not a journal file")
    if path.stat().st_size == 0:
        raise JournalError(path, "an empty file, not a journal (nothing was ever written to it)")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise JournalError(path, "not an SQLite file, so not a journal")
    # No -wal beside it: no writer has it open, and `immutable` reads it without leaving -shm/-wal files.
    # With a -wal (a kiosk writing now, or one killed mid-write) read-only WAL mode sees its committed rows.
    live = beside_writer or path.with_name(path.name + "-wal").exists()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{'' if live else '&immutable=1'}", uri=True)
    try:
        _check_identity(conn, path, empty_ok=False)
        found = conn.execute("PRAGMA quick_check").fetchone()[0] if check else "ok"
        if found != "ok":
            raise JournalError(path, f"damaged ({found}): left out of the report; keep the file for staff")
    except (sqlite3.DatabaseError, JournalError) as exc:
        conn.close()
        raise _refusal(path, exc, "not a readable journal: it may be truncated") from None
    return conn


COLUMNS = ("kiosk", "flow", "version", "session", "seq", "at", "step", "kind", "detail", "ms", "text_scale",
           "speech_rate", "display_language", "voice_language", "view", "age_band", "synthetic")

__all__ = ["APPLICATION_ID", "COLUMNS", "JournalError", "SCHEMA_VERSION", "open_for_reading", "open_for_writing"]
