"""The journal's one writer: its own thread and queue, so recording an event never delays a screen."""

from __future__ import annotations

import datetime
import logging
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .record import JournalEvent
from .schema import COLUMNS, JournalError, open_for_writing

log = logging.getLogger("seniormode.journal")

_INSERT = (f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
           "ON CONFLICT (kiosk, session, seq) DO NOTHING")
_STOP = object()


@dataclass(frozen=True)
class Retention:
    """How long and how much the journal keeps (docs/journal.md); the oldest days go first."""

    days: int = 90
    max_bytes: int = 200 * 1024 * 1024
    check_every: int = 2000  # events between two retention checks


class JournalWriter:
    """`write()` puts a row on a queue (microseconds); the thread commits what has arrived, one transaction each."""

    def __init__(self, path: Path | str, retention: Retention | None = None):
        self.path = Path(path)
        self.retention = retention or Retention()
        self.written = 0
        self.dropped = 0
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._conn = open_for_writing(self.path)  # a bad file is refused here, before the kiosk opens
        self._since_check = 0
        self._apply_retention()
        self._flushed = threading.Condition()
        self._queued = 0
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    def write(self, event: JournalEvent) -> None:
        with self._flushed:
            self._queued += 1
        self._queue.put(event.row())

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every event written so far is committed (or dropped); False on time-out."""
        deadline = time.monotonic() + timeout
        with self._flushed:
            while self.written + self.dropped < self._queued:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._flushed.wait(left)
        return True

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
        self._conn.close()

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch: list[tuple[object, ...]] = []
            stop = item is _STOP
            if not stop:
                batch.append(item)  # type: ignore[arg-type]
            while not stop and len(batch) < 500:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                else:
                    batch.append(more)  # type: ignore[arg-type]
            if batch:
                self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[object, ...]]) -> None:
        try:
            with self._conn:
                self._conn.execute("BEGIN")
                self._conn.executemany(_INSERT, batch)
            ok = True
        except sqlite3.Error as exc:  # a full disk, a removed file: the kiosk goes on serving applicants
            log.error("journal: %d event(s) not recorded in %s: %s", len(batch), self.path, exc)
            ok = False
        with self._flushed:
            if ok:
                self.written += len(batch)
            else:
                self.dropped += len(batch)
            self._flushed.notify_all()
        self._since_check += len(batch)
        if self._since_check >= self.retention.check_every:
            self._since_check = 0
            self._apply_retention()

    def _apply_retention(self) -> None:
        """Forget rows older than the retention days; then, over the size cap, the oldest days until under it."""
        cutoff = (datetime.datetime.now(datetime.timezone.utc)
                  - datetime.timedelta(days=self.retention.days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            with self._conn:
                self._conn.execute("BEGIN")
                self._conn.execute("DELETE FROM events WHERE at < ?", (cutoff,))
            while self._size() > self.retention.max_bytes:
                oldest = self._conn.execute("SELECT substr(min(at), 1, 10) FROM events").fetchone()[0]
                newest = self._conn.execute("SELECT substr(max(at), 1, 10) FROM events").fetchone()[0]
                if oldest is None:
                    break
                with self._conn:
                    self._conn.execute("BEGIN")
                    if oldest == newest:  # one day over the cap: its older half goes
                        self._conn.execute("DELETE FROM events WHERE id <= (SELECT (min(id) + max(id)) / 2 "
                                           "FROM events)")
                    else:
                        self._conn.execute("DELETE FROM events WHERE substr(at, 1, 10) = ?", (oldest,))
                # executescript steps the pragma to the end; execute() would free a single page.
                self._conn.executescript("PRAGMA incremental_vacuum;")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            log.error("journal: retention could not run on %s: %s", self.path, exc)

    def _size(self) -> int:
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        free = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
        size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)


__all__ = ["JournalError", "JournalWriter", "Retention"]
