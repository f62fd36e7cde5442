"""Reading journals for a report: one session at a time, in order, from any number of files, never writing."""

from __future__ import annotations

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


@dataclass
class Selection:
    """Which events a report reads: a flow, a time range (UTC dates or times, inclusive), versions."""

    flow: str | None = None
    since: str | None = None
    until: str | None = None
    versions: tuple[str, ...] = ()

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.flow:
            clauses.append("flow = ?")
            params.append(self.flow)
        if self.since:
            clauses.append("at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("at <= ?")
            params.append(self.until + ("T23:59:59Z" if len(self.until) == 10 else ""))
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
        for path in self.paths:
            try:
                open_for_reading(path).close()
                self.readable.append(path)
            except JournalError as exc:
                self.refused.append(exc)

    def sessions(self, selection: Selection) -> Iterator[list[tuple[object, ...]]]:
        """Every session's rows in seq order; a file damaged half-way stops with what it had (in `refused`)."""
        where, params = selection.where()
        query = (f"SELECT {', '.join(READ_COLUMNS)} FROM events{where} ORDER BY kiosk, session, seq")
        for path in self.readable:
            conn = open_for_reading(path)
            try:
                current: list[tuple[object, ...]] = []
                kiosk: object = None
                session: object = None
                for row in conn.execute(query, params):
                    if row[3] != session or row[0] != kiosk:
                        if current:
                            yield current
                        current = []
                        kiosk, session = row[0], row[3]
                    current.append(row)
                if current:
                    yield current
            except sqlite3.DatabaseError as exc:
                self.refused.append(JournalError(path, f"could be read only in part ({exc})"))
            finally:
                conn.close()

    def flows(self) -> dict[str, set[str]]:
        """Flow id -> the versions the journals hold."""
        found: dict[str, set[str]] = {}
        for path in self.readable:
            conn = open_for_reading(path)
            try:
                for flow, version in conn.execute("SELECT DISTINCT flow, version FROM events"):
                    found.setdefault(flow, set()).add(version)
            finally:
                conn.close()
        return found


__all__ = ["COL", "READ_COLUMNS", "JournalSet", "Selection"]
