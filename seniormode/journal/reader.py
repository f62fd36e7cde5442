"""Reading journals for a report: one session at a time, in order, from any number of files, never writing."""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .schema import COLUMNS, JournalError, open_for_reading

# What a report reads of each row (not the settings it does not count: fewer columns, a faster scan), and
# where each is in a row the reader yields.
READ_COLUMNS = ("kiosk", "flow", "version", "session", "seq", "step", "kind", "detail", "ms", "voice_language",
                "age_band", "synthetic")
COL = {name: i for i, name in enumerate(READ_COLUMNS)}
assert set(READ_COLUMNS) <= set(COLUMNS)


def moment(text: str, end: bool = False) -> str:
    """`2026-11-01` or `2026-11-01T08:30:00+08:00` as a journal time (UTC, `...Z`); a date ends at 23:59:59.

    Raises ValueError for anything else (`2026/11/01`, `yesterday`).
    """
    text = text.strip()
    if len(text) == 10:
        day = datetime.date.fromisoformat(text)
        return f"{day.isoformat()}T{'23:59:59' if end else '00:00:00'}Z"
    when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Selection:
    """Which events a report reads: a flow, a time range (UTC dates or times, inclusive), versions."""

    flow: str | None = None
    since: str | None = None
    until: str | None = None
    versions: tuple[str, ...] = ()

    def where(self) -> tuple[str, list[object]]:
        """A session is in the range when it began in it: a session across midnight is never cut in two."""
        clauses: list[str] = []
        params: list[object] = []
        if self.flow:
            clauses.append("flow = ?")
            params.append(self.flow)
        if self.since or self.until:
            began = ["seq = 0"]
            if self.since:
                began.append("at >= ?")
                params.append(moment(self.since))
            if self.until:
                began.append("at <= ?")
                params.append(moment(self.until, end=True))
            clauses.append(f"(kiosk, session) IN (SELECT kiosk, session FROM events WHERE {' AND '.join(began)})")
        if self.versions:
            clauses.append(f"version IN ({', '.join('?' for _ in self.versions)})")
            params.extend(self.versions)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


@dataclass
class JournalSet:
    """The journals a report was given: the ones it can read, and a sentence for each it cannot."""

    paths: Sequence[Path]
    refused: list[JournalError] = field(default_factory=list)
    readable: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: set[Path] = set()
        for path in self.paths:
            if path.resolve() in seen:  # the same file named twice is read once
                continue
            seen.add(path.resolve())
            try:
                open_for_reading(path).close()
                self.readable.append(path)
            except JournalError as exc:
                self.refused.append(exc)

    def sessions(self, selection: Selection) -> Iterator[list[tuple[object, ...]]]:
        """Every session's rows in seq order; a file damaged half-way stops with what it had (in `refused`)."""
        where, params = selection.where()
        # A copy of a journal (a kiosk's file, and its backup) holds the same sessions: each is counted once.
        counted: set[tuple[object, object]] = set()
        query = (f"SELECT {', '.join(READ_COLUMNS)} FROM events{where} ORDER BY kiosk, session, seq")
        for path in self.readable:
            conn = open_for_reading(path, check=False)  # checked when the set was made
            try:
                current: list[tuple[object, ...]] = []
                kiosk: object = None
                session: object = None
                for row in conn.execute(query, params):
                    if row[3] != session or row[0] != kiosk:
                        if current and (kiosk, session) not in counted:
                            counted.add((kiosk, session))
                            yield current
                        current = []
                        kiosk, session = row[0], row[3]
                    current.append(row)
                if current and (kiosk, session) not in counted:
                    counted.add((kiosk, session))
                    yield current
            except sqlite3.DatabaseError as exc:
                self.refused.append(JournalError(path, f"could be read only in part ({exc})"))
            finally:
                conn.close()

    def flows(self) -> dict[str, set[str]]:
        """Flow id -> the versions the journals hold."""
        found: dict[str, set[str]] = {}
        for path in self.readable:
            conn = open_for_reading(path, check=False)
            try:
                for flow, version in conn.execute("SELECT DISTINCT flow, version FROM events"):
                    found.setdefault(flow, set()).add(version)
            finally:
                conn.close()
        return found


__all__ = ["COL", "READ_COLUMNS", "JournalSet", "Selection", "moment"]
