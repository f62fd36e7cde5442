"""Queue numbers for hand-offs: unique in the hall for the day, and never issued twice by one kiosk.

A ticket is the hand-off step's letter, the kiosk's two-digit station number when it has one, and a counter
for the day: `A012` on a lone kiosk, `A07012` on station 7. The counter starts again at 001 each day and goes
on past 999 (A1000) rather than wrapping onto a ticket still in the queue. `TicketCounter` keeps it in memory
(tests, previews); `DurableTicketCounter` in SQLite, committed before the ticket is shown, so a restart or a
power cut never issues the same number again that day. A print step's receipt number comes from the same
counter under its own key ("receipt", never a ticket letter): the day, the station and the day's count.
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

Clock = Callable[[], datetime.datetime]
RECEIPT_KEY = "receipt"  # the counter's key for receipt numbers: a ticket prefix is one or two letters


def receipt_number(day: datetime.date, station: int | None, count: int) -> str:
    """A receipt's number, unique to a kiosk for ever: the day, the station, the day's count (261204-07-0012)."""
    return f"{day:%y%m%d}-{station or 0:02d}-{count:04d}"


def ticket_number(prefix: str, station: int | None, count: int) -> str:
    return f"{prefix}{station:02d}{count:03d}" if station is not None else f"{prefix}{count:03d}"


class TicketCounter:
    """Queue numbers per letter and day, in memory: for one process that never restarts (tests, previews)."""

    def __init__(self, station: int | None = None, clock: Clock | None = None) -> None:
        if station is not None and not 0 <= station <= 99:
            raise ValueError(f"a station number is 0 to 99, not {station}")
        self.station = station
        self.clock = clock or datetime.datetime.now
        self._next: dict[tuple[str, str], int] = {}

    def take(self, prefix: str) -> str:
        return ticket_number(prefix, self.station, self._count(prefix))

    def receipt(self) -> str:
        """The next receipt number (261204-07-0012): never the same twice on this kiosk."""
        day = self.clock().date()
        return receipt_number(day, self.station, self._count(RECEIPT_KEY))

    def _count(self, prefix: str) -> int:
        key = (self.clock().date().isoformat(), prefix)
        count = self._next.get(key, 1)
        self._next = {k: v for k, v in self._next.items() if k[0] == key[0]}  # yesterday's counters go
        self._next[key] = count + 1
        return count


class DurableTicketCounter(TicketCounter):
    """Queue numbers kept in a SQLite file (WAL, synchronous=FULL): a number survives a restart and a power cut."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS tickets (day TEXT NOT NULL, prefix TEXT NOT NULL, last INTEGER NOT NULL, " \
             "PRIMARY KEY (day, prefix))"

    def __init__(self, path: str | Path, station: int | None = None, clock: Clock | None = None) -> None:
        super().__init__(station, clock)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The kiosk takes a ticket on the UI thread or on its answer-check thread: one connection, one lock.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(self.SCHEMA)

    def _count(self, prefix: str) -> int:
        today = self.clock().date()
        day = today.isoformat()
        # Only days well past: a clock that jumps ahead for a moment must not erase today's count.
        stale = (today - datetime.timedelta(days=3)).isoformat()
        with self._lock, self._db:  # one transaction: the number is on disk before anyone sees it
            self._db.execute("BEGIN IMMEDIATE")
            (count,) = self._db.execute(
                "INSERT INTO tickets (day, prefix, last) VALUES (?, ?, 1) "
                "ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1 RETURNING last", (day, prefix)).fetchone()
            self._db.execute("DELETE FROM tickets WHERE day < ?", (stale,))
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._db.close()
