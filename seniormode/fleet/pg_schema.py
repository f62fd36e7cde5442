"""The fleet's journal in PostgreSQL: numbered migrations, the roles' GRANTs, and connecting without ever showing a
password (docs/fleet-db.md).

Each kiosk's SQLite journal is its outbox; `seniormode ship` copies its rows into `seniormode.events`, whose primary
key (kiosk_id, session_id, seq) makes a resent row a no-op. Migrations are applied by the owner role
(`seniormode fleet migrate`); kiosks log in as roles that may only INSERT.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict as parse_conninfo

SCHEMA = "seniormode"
DEFAULT_URL_ENV = "SENIORMODE_DB_URL"

# Numbered steps, each taking the database from version N-1 to N; a change is a new step, never an edit of one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE seniormode.events (
        kiosk_id text COLLATE "C" NOT NULL,  -- ids sort by bytes, as in SQLite: the key's index
        session_id text COLLATE "C" NOT NULL,  -- gives a report its order without a sort
        seq integer NOT NULL,
        flow text NOT NULL,
        version text NOT NULL,
        at timestamptz NOT NULL,
        step text NOT NULL,
        kind text NOT NULL,
        detail text NOT NULL DEFAULT '',
        ms bigint NOT NULL,
        text_scale double precision NOT NULL,
        speech_rate integer NOT NULL,
        display_language text NOT NULL,
        voice_language text NOT NULL,
        view text NOT NULL,
        age_band text NOT NULL,
        synthetic boolean NOT NULL DEFAULT false,
        -- when the row arrived: the shipping lag is received_at - at
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (kiosk_id, session_id, seq)
    );
    CREATE INDEX events_flow_at ON seniormode.events (flow, at);
    CREATE TABLE seniormode.kiosk_heartbeats (
        kiosk_id text COLLATE "C" NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        release text NOT NULL,
        backlog bigint NOT NULL,            -- journal rows not yet shipped when the round ended (-1: unknown)
        shipped bigint NOT NULL DEFAULT 0,  -- rows this round sent (new ones)
        last_error text,                    -- the shipper's last error in words, never a password
        last_error_at timestamptz
    );
    CREATE INDEX kiosk_heartbeats_latest ON seniormode.kiosk_heartbeats (kiosk_id, at DESC);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# What a kiosk's login role and a reader (fleet status, report --db) may do; docs/fleet-db.md shows the same text,
# and a test proves the kiosk role can INSERT and nothing else.
KIOSK_GRANTS = """\
CREATE ROLE seniormode_kiosk NOLOGIN;
GRANT USAGE ON SCHEMA seniormode TO seniormode_kiosk;
GRANT INSERT ON seniormode.events, seniormode.kiosk_heartbeats TO seniormode_kiosk;
CREATE ROLE seniormode_reader NOLOGIN;
GRANT USAGE ON SCHEMA seniormode TO seniormode_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA seniormode TO seniormode_reader;
"""


class FleetDbError(Exception):
    """The database cannot be used: one sentence for staff, with no password in it."""


@dataclass(frozen=True)
class ConnInfo:
    """Where the fleet's database is: a URL with no password, and the password (if any) kept apart."""

    url: str = field(repr=False)  # may carry a password in its query, as libpq allows: never in a repr
    password: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"ConnInfo({self.shown!r})"

    @property
    def shown(self) -> str:
        return safe_url(self.url)

    def secrets(self) -> list[str]:
        """Every password this URL and file give libpq, to scrub from what the server or libpq says."""
        found = [self.password] if self.password else []
        try:
            found += [str(v) for k, v in parse_conninfo(self.url).items() if k == "password" and v]
        except psycopg.ProgrammingError:
            pass
        try:
            parts = urlsplit(self.url)
            found += [parts.password] if parts.password else []
            found += [unquote(q.split("=", 1)[1]) for q in parts.query.split("&") if "=" in q
                      and unquote(q.split("=", 1)[0]).lower() == "password"]
            found += [q.split("=", 1)[1] for q in parts.query.split("&") if "=" in q
                      and unquote(q.split("=", 1)[0]).lower() == "password"]
        except ValueError:
            pass
        return sorted({f for f in found if f}, key=len, reverse=True)

    def kwargs(self) -> dict[str, Any]:
        # A statement stuck behind a lock or a link gone silent never holds a kiosk's shutdown or a round: the
        # server gives up after 30 s and the kernel notices a dead peer within about a minute.
        extra: dict[str, Any] = {"connect_timeout": 5, "application_name": "seniormode",
                                 "options": "-c statement_timeout=30000 -c lock_timeout=10000",
                                 "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                                 "keepalives_count": 3}
        if self.password is not None:
            extra["password"] = self.password
        return extra


def safe_url(url: str) -> str:
    """The URL as it may be shown or logged: any password replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a database URL that cannot be read)"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = "&".join("password=***" if unquote(q.split("=", 1)[0]).lower() == "password" else q
                     for q in parts.query.split("&") if q) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def conninfo(url: str | None = None, *, url_env: str = DEFAULT_URL_ENV, password_file: Path | None = None,
             environ: Mapping[str, str] | None = None) -> ConnInfo:
    """The URL given, else the environment variable `url_env`; a password from `password_file`, else libpq's own
    PGPASSWORD or ~/.pgpass."""
    env = os.environ if environ is None else environ
    chosen = url or env.get(url_env)
    if not chosen:
        raise FleetDbError(f"no database given: pass --db postgresql://ROLE@HOST/DB, set {url_env}, or set "
                           "database.url in kiosk.yaml")
    try:
        scheme = urlsplit(chosen).scheme
    except ValueError:
        raise FleetDbError("the database URL cannot be read (postgresql://ROLE@HOST/DB)") from None
    if scheme not in ("postgresql", "postgres"):
        raise FleetDbError(f"'{safe_url(chosen)}' is not a PostgreSQL URL (postgresql://ROLE@HOST/DB)")
    password = None
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise FleetDbError(f"cannot read the database password file {password_file}: {exc.strerror}") from None
    return ConnInfo(chosen, password)


def describe(exc: BaseException, info: ConnInfo) -> str:
    """One line for staff about a failed database call; never the password, never a traceback."""
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return f"the database role of {info.shown} may not do this ({_first_line(exc, info)})"
    if isinstance(exc, pg_errors.UndefinedTable):
        return (f"the database {info.shown} has no fleet schema yet: run "
                f"seniormode fleet migrate --db {info.shown} (as the owner role)")
    text = _first_line(exc, info)
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"the database {info.shown} refused the login: wrong or missing password ({text})"
    if "does not exist" in lowered and "database" in lowered:
        return f"there is no such database: {text}"
    if (isinstance(exc, (pg_errors.AdminShutdown, pg_errors.CannotConnectNow))
            or "server closed the connection" in lowered):
        return f"the database {info.shown} went away or is restarting: {text}"
    if isinstance(exc, psycopg.OperationalError):
        return f"cannot reach the database {info.shown}: {text}"
    return f"the database {info.shown} said: {text}"


def _first_line(exc: BaseException, info: ConnInfo) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    # libpq repeats a bad connection string in its message: never let a password through that way.
    for secret in info.secrets():
        text = text.replace(secret, "***")
    return text.removeprefix("connection failed: ")


def connect(info: ConnInfo, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(info.url, autocommit=autocommit, **info.kwargs())
    except (psycopg.Error, ValueError) as exc:
        raise FleetDbError(describe(exc, info)) from None


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """0 for a database that has no fleet schema yet."""
    found = conn.execute("SELECT to_regclass('seniormode.schema_migrations')").fetchone()
    if found is None or found[0] is None:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM seniormode.schema_migrations").fetchone()
    return int(row[0]) if row else 0


def require_schema(conn: psycopg.Connection[Any], info: ConnInfo) -> None:
    """For readers (status, report --db): the schema this code knows, or a sentence saying what to do."""
    try:
        version = schema_version(conn)
    except psycopg.Error as exc:
        raise FleetDbError(describe(exc, info)) from None
    if version == 0:
        raise FleetDbError(f"the database {info.shown} has no fleet schema yet: run "
                           f"seniormode fleet migrate --db {info.shown}")
    if version > SCHEMA_VERSION:
        raise FleetDbError(f"the database {info.shown} has fleet schema version {version}, newer than this "
                           f"seniormode knows ({SCHEMA_VERSION}): update seniormode")


def migrate(info: ConnInfo) -> tuple[int, int]:
    """Apply the missing steps, each in its own transaction; (version before, version after)."""
    with connect(info) as conn:
        try:
            # One migrator at a time, even when two staff run it at once.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('seniormode.migrate'))")
            conn.execute("CREATE SCHEMA IF NOT EXISTS seniormode")
            conn.execute("CREATE TABLE IF NOT EXISTS seniormode.schema_migrations (version integer PRIMARY KEY, "
                         "applied_at timestamptz NOT NULL DEFAULT now())")
            before = schema_version(conn)
            if before > SCHEMA_VERSION:
                raise FleetDbError(f"the database {info.shown} has fleet schema version {before}, newer than "
                                   f"this seniormode knows ({SCHEMA_VERSION}): update seniormode")
            conn.commit()
            for step in range(before, SCHEMA_VERSION):
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('seniormode.migrate'))")
                if schema_version(conn) > step:  # another migrator did this step meanwhile
                    conn.commit()
                    continue
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement.encode())
                conn.execute("INSERT INTO seniormode.schema_migrations (version) VALUES (%s)", (step + 1,))
                conn.commit()
        except psycopg.Error as exc:
            raise FleetDbError(describe(exc, info)) from None
    return before, SCHEMA_VERSION


__all__ = ["DEFAULT_URL_ENV", "KIOSK_GRANTS", "MIGRATIONS", "SCHEMA", "SCHEMA_VERSION", "ConnInfo", "FleetDbError",
           "conninfo", "connect", "describe", "migrate", "require_schema", "safe_url", "schema_version"]
