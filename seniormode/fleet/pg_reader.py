"""The fleet's events in PostgreSQL as a report reads them: the same rows, in the same order and of the same types
as a JournalSet gives from the journal files, so `seniormode report --db` and a report of the files agree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ..journal.reader import READ_COLUMNS, Selection
from .pg_schema import ConnInfo, FleetDbError, connect, describe, require_schema

# The fleet's table under the journal's names and types (synthetic is 0/1 there), so that Selection.where(), the one
# definition of which sessions a report reads, serves both. NOT MATERIALIZED: the planner inlines it (its two uses
# would otherwise copy the whole table first).
_AS_JOURNAL = ("WITH events AS NOT MATERIALIZED (SELECT kiosk_id AS kiosk, session_id AS session, seq, flow, version, "
               "at, step, kind, detail, ms, voice_language, age_band, synthetic::int AS synthetic "
               "FROM seniormode.events) ")
# Byte order, as SQLite sorts: the order of sessions is then the files' order.
_ORDER = 'kiosk COLLATE "C", session COLLATE "C", seq'


def _query(selection: Selection) -> tuple[str, list[object]]:
    where, params = selection.where()
    # The journal's `at` is text in UTC; here a timestamptz, to which PostgreSQL casts the same text.
    return (f"{_AS_JOURNAL}SELECT {', '.join(READ_COLUMNS)} FROM events{where.replace('?', '%s')} "
            f"ORDER BY {_ORDER}"), params


@dataclass
class PgJournalSet:
    """What `seniormode report` asks of a JournalSet (readable, refused, sessions, flows), from PostgreSQL."""

    info: ConnInfo
    refused: list[Any] = field(default_factory=list)
    readable: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        with connect(self.info) as conn:
            require_schema(conn, self.info)
        self.readable.append(self.info.shown)

    def sessions(self, selection: Selection) -> Iterator[list[tuple[object, ...]]]:
        query, params = _query(selection)
        with connect(self.info) as conn:
            try:
                # A named (server-side) cursor: a year of a fleet is not held in memory at once.
                with conn.cursor(name="seniormode_report") as cur:
                    cur.itersize = 5000
                    cur.execute(query.encode(), params)
                    current: list[tuple[object, ...]] = []
                    key: tuple[object, object] | None = None
                    for row in cur:
                        if (row[0], row[3]) != key:
                            if current:
                                yield current
                            current, key = [], (row[0], row[3])
                        current.append(tuple(row))
                    if current:
                        yield current
            except psycopg.Error as exc:
                raise FleetDbError(describe(exc, self.info)) from None

    def flows(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        with connect(self.info) as conn:
            try:
                for flow, version in conn.execute("SELECT DISTINCT flow, version FROM seniormode.events"):
                    found.setdefault(flow, set()).add(version)
            except psycopg.Error as exc:
                raise FleetDbError(describe(exc, self.info)) from None
        return found


__all__ = ["PgJournalSet"]
