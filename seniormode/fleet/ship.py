"""The shipper: a kiosk's journal (its outbox) copied into the fleet's PostgreSQL, at least once, stored once.

Order of a batch: read the journal rows after the watermark (by rowid), INSERT them with ON CONFLICT DO NOTHING in
one transaction, commit, and only then move the watermark. Killed between the commit and the watermark, the batch
is sent again and the primary key (kiosk_id, session_id, seq) drops it. The kiosk's role may only INSERT, so it
cannot ask the database what it already has: the watermark lives in a small SQLite file next to the journal
(`<journal>.shipped`), and the journal itself is only ever opened read-only.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from ..core.kiosk_config import KioskConfig
from ..journal.schema import JournalError, open_for_reading
from .pg_schema import ConnInfo, FleetDbError, conninfo, describe

log = logging.getLogger("seniormode.fleet.ship")

# Journal columns in the order the INSERT takes them (the journal's kiosk/session are kiosk_id/session_id here).
_JOURNAL_COLUMNS = ("id", "kiosk", "session", "seq", "flow", "version", "at", "step", "kind", "detail", "ms",
                    "text_scale", "speech_rate", "display_language", "voice_language", "view", "age_band",
                    "synthetic")
_PG_COLUMNS = ("kiosk_id", "session_id", "seq", "flow", "version", "at", "step", "kind", "detail", "ms",
               "text_scale", "speech_rate", "display_language", "voice_language", "view", "age_band", "synthetic")
_PG_TYPES = ("text", "text", "int4", "text", "text", "timestamptz", "text", "text", "text", "int8", "float8",
             "int4", "text", "text", "text", "text", "bool")
# One statement per batch (unnest of one array per column): one round trip, and rowcount is the rows that were
# new. No conflict target: naming one would need SELECT on its columns, which a kiosk's role does not have.
_INSERT = (f"INSERT INTO seniormode.events ({', '.join(_PG_COLUMNS)}) SELECT * FROM unnest("
           + ", ".join(f"%s::{t}[]" for t in _PG_TYPES) + ") ON CONFLICT DO NOTHING")
_HEARTBEAT = ("INSERT INTO seniormode.kiosk_heartbeats (kiosk_id, release, backlog, shipped, last_error, "
              "last_error_at) VALUES (%s, %s, %s, %s, %s, to_timestamp(%s))")


@dataclass(frozen=True)
class ShipResult:
    sent: int  # rows the database did not have
    duplicates: int  # rows it already had (a batch resent after a kill or a lost reply)
    backlog: int  # journal rows still after the watermark


class Watermark:
    """The last journal rowid the database acknowledged, per database, with that row's key.

    The key lets a journal that was emptied by retention and numbered again from 1 be noticed: then everything is
    sent again (and stored once)."""

    def __init__(self, path: Path):
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")  # a lost update only means a batch resent, deduplicated
        self._conn.execute("CREATE TABLE IF NOT EXISTS shipped (target TEXT PRIMARY KEY, rowid_ INTEGER NOT NULL, "
                           "kiosk TEXT, session TEXT, seq INTEGER, at TEXT NOT NULL)")

    def get(self, target: str) -> tuple[int, tuple[str, str, int] | None]:
        row = self._conn.execute("SELECT rowid_, kiosk, session, seq FROM shipped WHERE target = ?",
                                 (target,)).fetchone()
        if row is None:
            return 0, None
        return int(row[0]), (row[1], row[2], int(row[3])) if row[1] is not None else None

    def set(self, target: str, rowid: int, key: tuple[str, str, int] | None) -> None:
        kiosk, session, seq = key if key else (None, None, None)
        self._conn.execute("INSERT INTO shipped VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ')) "
                           "ON CONFLICT (target) DO UPDATE SET rowid_ = excluded.rowid_, kiosk = excluded.kiosk, "
                           "session = excluded.session, seq = excluded.seq, at = excluded.at",
                           (target, rowid, kiosk, session, seq))

    def close(self) -> None:
        self._conn.close()


class Shipper:
    """One kiosk's journal into one database. `ship_once()` sends what is there; `run()` keeps doing so."""

    def __init__(self, journal: Path, kiosk_id: str, info: ConnInfo, *, batch: int = 500, ship_every: float = 30.0,
                 release: Callable[[], str] = lambda: "local", backoff_max: float = 300.0,
                 watermark: Path | None = None):
        self.journal = Path(journal)
        self.kiosk_id = kiosk_id
        self.info = info
        self.batch = max(1, batch)
        self.ship_every = ship_every
        self.release = release
        self.backoff_max = backoff_max
        self.watermark_path = watermark or self.journal.with_name(self.journal.name + ".shipped")
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        # The release client's last refusal, if its last check was one: fleet status shows it as this kiosk's error.
        self.release_problem: Callable[[], tuple[str, float] | None] = lambda: None
        self.refused_rows = 0  # rows the database could not take (kept in the journal), said in every heartbeat
        self.refused_note = ""
        self._conn: psycopg.Connection[Any] | None = None
        self._watermark: Watermark | None = None

    @classmethod
    def from_config(cls, config: KioskConfig, *, url: str | None = None,
                    release: Callable[[], str] | None = None, **options: Any) -> Shipper:
        if config.journal.path is None:
            raise FleetDbError(f"{config.file or 'kiosk.yaml'} names no journal (journal.path): nothing to ship")
        db = config.database
        info = conninfo(url or db.url, url_env=db.url_env, password_file=db.password_file)
        options.setdefault("batch", db.batch)
        options.setdefault("ship_every", db.ship_every)
        shipper = cls(config.journal.path, config.kiosk_id, info, release=release or release_reader(config), **options)
        if config.release.origin is not None:
            shipper.release_problem = release_problem_reader(config)
        return shipper

    # -- one round ------------------------------------------------------------------------------------------------

    def ship_once(self, max_batches: int | None = None, stop: threading.Event | None = None) -> ShipResult:
        """Send every row after the watermark, a batch per transaction, then a heartbeat. Raises FleetDbError (the
        database) or JournalError (the journal) in words."""
        sent = duplicates = 0
        try:
            conn = self._journal()
            try:
                after = self._after(conn) if conn is not None else 0
                batches = 0
                while conn is not None and (max_batches is None or batches < max_batches) \
                        and not (stop is not None and stop.is_set()):
                    rows = self._read(conn, after)
                    if not rows:
                        break
                    new = self._send(rows)
                    sent += new
                    duplicates += len(rows) - new
                    after = int(rows[-1][0])
                    batches += 1
                backlog = self._count_after(conn, after) if conn is not None else 0
            finally:
                if conn is not None:
                    conn.close()
            self._heartbeat(backlog, sent)
        except psycopg.Error as exc:
            self._drop_connection()
            raise FleetDbError(describe(exc, self.info)) from None
        except JournalError as exc:
            self._journal_trouble(exc)
            raise
        except (sqlite3.Error, OSError) as exc:  # the watermark file, or the journal's own file, on this disk
            trouble = JournalError(self.watermark_path, f"cannot be used for shipping ({type(exc).__name__}: {exc})")
            self._journal_trouble(trouble)
            raise trouble from None
        self.last_error = self.last_error_at = None  # a round that went through: the trouble is over
        return ShipResult(sent, duplicates, backlog)

    def _journal_trouble(self, exc: JournalError) -> None:
        """A journal that cannot be read still lets the database know (backlog -1: unknown), so fleet status shows
        the kiosk's trouble rather than a kiosk gone quiet."""
        self.last_error, self.last_error_at = str(exc), time.time()
        try:
            self._heartbeat(-1, 0)
        except psycopg.Error:
            self._drop_connection()

    def backlog(self) -> int:
        """Journal rows not yet acknowledged by the database (0 while there is no journal yet)."""
        conn = self._journal()
        if conn is None:
            return 0
        try:
            return self._count_after(conn, self._after(conn))
        finally:
            conn.close()

    def _journal(self) -> sqlite3.Connection | None:
        """Opened read-only for one round and closed after it: between two rounds a kiosk's writer may open it."""
        if not self.journal.exists():
            return None
        return open_for_reading(self.journal, check=False, beside_writer=True)

    def _marks(self) -> Watermark:
        if self._watermark is None:
            self._watermark = Watermark(self.watermark_path)
        return self._watermark

    def _after(self, conn: sqlite3.Connection) -> int:
        """The watermark, or 0 when the journal was emptied and numbered again (its row there is not ours)."""
        after, key = self._marks().get(self.info.shown)
        if after == 0:
            return 0
        try:
            row = conn.execute("SELECT kiosk, session, seq FROM events WHERE id = ?", (after,)).fetchone()
            if row is not None:
                return after if key is None or tuple(row) == key else 0
            # Gone: retention forgets the oldest rows, so every row left is newer... unless some rows below it
            # remain, which only a journal numbered again can have.
            below = conn.execute("SELECT 1 FROM events WHERE id < ? LIMIT 1", (after,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise JournalError(self.journal, f"could not be read for shipping ({exc})") from None
        return 0 if below is not None else after

    def _read(self, conn: sqlite3.Connection, after: int) -> list[tuple[Any, ...]]:
        try:
            return conn.execute(f"SELECT {', '.join(_JOURNAL_COLUMNS)} FROM events WHERE id > ? ORDER BY id "
                                "LIMIT ?", (after, self.batch)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise JournalError(self.journal, f"could not be read for shipping ({exc})") from None

    def _count_after(self, conn: sqlite3.Connection, after: int) -> int:
        try:
            return int(conn.execute("SELECT count(*) FROM events WHERE id > ?", (after,)).fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise JournalError(self.journal, f"could not be read for shipping ({exc})") from None

    def _send(self, rows: list[tuple[Any, ...]]) -> int:
        conn = self._connection()
        try:
            new = self._insert(conn, rows)
        except psycopg.DataError:
            # A row the database cannot take (a NUL in a text, a number out of range) must not block every row
            # after it for ever: one by one, the others go; the refused stay in the journal and are counted.
            new = 0
            for row in rows:
                try:
                    new += self._insert(conn, [row])
                except psycopg.DataError as exc:
                    self.refused_rows += 1
                    log.warning("shipper: the database refused event %s/%s/%s (%s); it stays in the journal",
                                row[1], row[2], row[3], str(exc).splitlines()[0] if str(exc) else "data error")
            if self.refused_rows:
                self.refused_note = f"{self.refused_rows} event(s) the database refused stay in the journal only"
        # Committed (each insert is its own transaction): only now may the watermark pass these rows (a kill
        # before this line resends them).
        last = rows[-1]
        self._marks().set(self.info.shown, int(last[0]), (str(last[1]), str(last[2]), int(last[3])))
        return new

    @staticmethod
    def _insert(conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> int:
        columns: list[list[Any]] = [[] for _ in _PG_COLUMNS]
        for row in rows:
            for i, value in enumerate(row[1:]):
                columns[i].append(value)
        columns[-1] = [bool(v) for v in columns[-1]]
        with conn.transaction():
            return max(conn.execute(_INSERT, columns).rowcount, 0)

    def _heartbeat(self, backlog: int, sent: int) -> None:
        try:
            release = self.release()
        except Exception as exc:  # noqa: BLE001 - a release file being replaced must not stop the shipping
            release = f"unknown ({type(exc).__name__})"
        error, error_at = self.last_error, self.last_error_at
        if error is None and self.refused_note:
            error, error_at = self.refused_note, time.time()
        try:
            problem = self.release_problem()
        except Exception:  # noqa: BLE001 - a status file being replaced must not stop the shipping
            problem = None
        if problem is not None:  # both troubles, when there are two: neither hides the other
            error = f"release: {problem[0]}" + (f"; shipping: {error}" if error else "")
            error_at = max(problem[1], error_at or 0.0)
        conn = self._connection()
        with conn.transaction():
            conn.execute(_HEARTBEAT, (self.kiosk_id, release, backlog, sent, error, error_at))

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._drop_connection()
            self._conn = psycopg.connect(self.info.url, autocommit=True, **self.info.kwargs())
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
        self._conn = None

    def close(self) -> None:
        self._drop_connection()
        if self._watermark is not None:
            self._watermark.close()
            self._watermark = None

    # -- in the background ----------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Ship every `ship_every` seconds until `stop` is set. An outage is one line in the log when it begins
        (again each hour it lasts) and one when shipping resumes, never a traceback; meanwhile a retry after 1, 2,
        4... seconds, up to `backoff_max`."""
        failures = 0
        said_at = 0.0
        trouble = ""
        try:
            while not stop.is_set():
                try:
                    result = self.ship_once(stop=stop)
                except Exception as exc:  # noqa: BLE001 - whatever it is, said once and retried: never a dead thread
                    if not isinstance(exc, (FleetDbError, JournalError)):
                        log.exception("shipper: unexpected trouble")
                    failures += 1
                    self.last_error, self.last_error_at = str(exc), time.time()
                    trouble = str(exc)
                    if failures == 1 or time.monotonic() - said_at > 3600:
                        log.warning("shipper: %s; %s", exc, "retrying" if failures == 1 else "still retrying")
                        said_at = time.monotonic()
                    else:
                        log.debug("shipper: attempt %d failed: %s", failures, exc)
                    stop.wait(min(2.0 ** (failures - 1), self.backoff_max))
                    continue
                if failures:
                    log.warning("shipper: shipping again after %d failed attempt(s) (last: %s); %d event(s) sent, "
                                "%d waiting", failures, trouble, result.sent, result.backlog)
                    failures = 0
                elif result.sent:
                    log.info("shipper: sent %d event(s) to %s; %d waiting", result.sent, self.info.shown,
                             result.backlog)
                stop.wait(self.ship_every)
        finally:
            self.close()


def release_reader(config: KioskConfig) -> Callable[[], str]:
    """The release in force: `<release.store>/CURRENT`, else 'local' (a kiosk running its own folder)."""
    current = config.release.store / "CURRENT"

    def read() -> str:
        try:
            return current.read_text(encoding="utf-8").strip() or "local"
        except OSError:
            return "local"

    return read


def release_problem_reader(config: KioskConfig) -> Callable[[], tuple[str, float] | None]:
    """(message, when) of the release client's last check when it refused a release or could not reach the
    origin (`<release.store>/STATUS.json`), else None."""
    status = config.release.store / "STATUS.json"

    def read() -> tuple[str, float] | None:
        try:
            data = json.loads(status.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        last = data.get("last") if isinstance(data, dict) else None
        if not isinstance(last, dict) or last.get("outcome") not in ("refused", "offline"):
            return None
        try:
            when = datetime.datetime.strptime(str(data.get("checked")), "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            when = time.time()
        return str(last.get("message", "")), when

    return read


def start_thread(config: KioskConfig, stop: threading.Event, **options: Any) -> threading.Thread | None:
    """Ship in the background of a kiosk: `start_thread(config, stop)`, and `stop.set()` at shutdown (the thread
    closes its connection and ends within a second or a round). None, with one line in the log, when the kiosk
    keeps no journal, names no database, or its database settings cannot be used (e.g. an unreadable password
    file)."""
    if config.journal.path is None:
        return None
    if not config.database.given(os.environ) and "url" not in options:
        log.info("shipper: not started: no database in kiosk.yaml or %s (the journal stays on this kiosk)",
                 config.database.url_env)
        return None
    try:
        shipper = Shipper.from_config(config, **options)
    except FleetDbError as exc:
        log.warning("shipper: not started: %s", exc)
        return None
    thread = threading.Thread(target=shipper.run, args=(stop,), name="journal-shipper", daemon=True)
    thread.start()
    return thread


__all__ = ["ShipResult", "Shipper", "Watermark", "release_reader", "start_thread"]
