"""`seniormode fleet status`: each kiosk's latest heartbeat (release, last seen, backlog, last error) as data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import psycopg

from .pg_schema import ConnInfo, FleetDbError, connect, describe, require_schema

_LATEST = """
SELECT DISTINCT ON (kiosk_id) kiosk_id, release, at, backlog, last_error, last_error_at
FROM seniormode.kiosk_heartbeats
ORDER BY kiosk_id, at DESC
"""


@dataclass(frozen=True)
class KioskStatus:
    kiosk: str
    release: str
    last_seen: datetime.datetime
    backlog: int
    last_error: str | None
    last_error_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"kiosk": self.kiosk, "release": self.release, "last_seen": _iso(self.last_seen),
                "backlog": self.backlog, "last_error": self.last_error,
                "last_error_at": _iso(self.last_error_at) if self.last_error_at else None}


def _iso(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fleet_status(info: ConnInfo) -> list[KioskStatus]:
    with connect(info) as conn:
        require_schema(conn, info)
        try:
            rows = conn.execute(_LATEST).fetchall()
        except psycopg.Error as exc:
            raise FleetDbError(describe(exc, info)) from None
    return [KioskStatus(str(r[0]), str(r[1]), r[2], int(r[3]), r[4], r[5]) for r in rows]


_PRUNE = """
DELETE FROM seniormode.kiosk_heartbeats h
WHERE h.at < now() - make_interval(days => %s)
  AND EXISTS (SELECT 1 FROM seniormode.kiosk_heartbeats n WHERE n.kiosk_id = h.kiosk_id AND n.at > h.at)
"""


def prune_heartbeats(info: ConnInfo, keep_days: int) -> int:
    """Forget heartbeats older than `keep_days`, never a kiosk's latest (fleet status would lose the kiosk); the
    number deleted. Run as the owner role: the kiosks may only INSERT and the readers only SELECT."""
    with connect(info) as conn:
        require_schema(conn, info)
        try:
            with conn.transaction():
                return max(conn.execute(_PRUNE, (keep_days,)).rowcount, 0)
        except psycopg.Error as exc:
            raise FleetDbError(describe(exc, info)) from None


def ago(when: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """'40 s ago', '3 h ago', '6 d ago': how staff read a last-seen time."""
    seconds = max(0, int(((now or datetime.datetime.now(datetime.timezone.utc)) - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def render_table(statuses: list[KioskStatus], now: datetime.datetime | None = None) -> str:
    if not statuses:
        return "no kiosk has shipped yet (no heartbeats in the database)\n"
    head = ("kiosk", "release", "last seen", "backlog", "last error")
    rows = [(s.kiosk, s.release, f"{_iso(s.last_seen)} ({ago(s.last_seen, now)})",
             str(s.backlog) if s.backlog >= 0 else "unknown",
             f"{s.last_error} ({ago(s.last_error_at, now)})" if s.last_error and s.last_error_at
             else (s.last_error or "-")) for s in statuses]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
             for r in [head, *rows]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


__all__ = ["KioskStatus", "ago", "fleet_status", "render_table"]
