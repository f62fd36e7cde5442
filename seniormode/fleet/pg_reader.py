"""The fleet's events in PostgreSQL as a report reads them: the same rows, in the same order and of the same types
as a JournalSet gives from the journal files, so `seniormode report --db` and a report of the files agree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ..journal.reader import READ_COLUMNS, Selection, moment
from .pg_schema import ConnInfo, FleetDbError, connect, describe, require_schema

# Journal column -> PostgreSQL expression giving the journal's value (synthetic is 0/1 there).
_EXPR = {"kiosk": "kiosk_id", "session": "session_id", "synthetic": "synthetic::int"}
_SELECT = ", ".join(_EXPR.get(c, c) for c in READ_COLUMNS)
# Byte order, as SQLite sorts: the order of sessions is then the files' order.
_ORDER = 'kiosk_id COLLATE "C", session_id COLLATE "C", seq'


def _where(selection: Selection) -> tuple[str, list[object]]:
    """Selection.where() in PostgreSQL: a session is in the range when it began in it."""
    clauses: list[str] = []
    params: list[object] = []
    if selection.flow:
        clauses.append("flow = %s")
        params.append(selection.flow)
    if selection.since or selection.until:
        began = ["seq = 0"]
        if selection.since:
            began.append("at >= %s::timestamptz")
            params.append(moment(selection.since))
        if selection.until:
            began.append("at <= %s::timestamptz")
            params.append(moment(selection.until, end=True))
        clauses.append("(kiosk_id, session_id) IN (SELECT kiosk_id, session_id FROM seniormode.events WHERE "
                       f"{' AND '.join(began)})")
    if selection.versions:
        clauses.append("version = ANY(%s)")
        params.append(list(selection.versions))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


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
        where, params = _where(selection)
        query = f"SELECT {_SELECT} FROM seniormode.events{where} ORDER BY {_ORDER}"
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
