"""The JSON Schema of kiosk.yaml, from the loader's own key tables (core/kiosk_config.py), for the editor."""

from __future__ import annotations

from ..core.kiosk_config import (
    BRANCH,
    DATABASE_KEYS,
    ENV_NAME,
    JOURNAL_KEYS,
    KEEP_DAYS,
    KIOSK_ID,
    KIOSK_KEYS,
    MAX_MB,
    PRINT_TIMEOUT,
    PRINTER_KEYS,
    QUEUE,
    RELEASE_KEYS,
    SCREEN_KEYS,
    SIZE,
)
from .schema import NOT_BLANK, Schema, _document, _in_order, _number, _object, _one_or_list, _text

DURATION_PATTERN = r"^\s*[0-9]+(\.[0-9]+)?\s*[smhd]?\s*$"


def _duration(description: str) -> Schema:
    return {"description": description + " Seconds, or a number with s, m, h or d (30s, 15m, 1h).",
            "type": ["number", "string"], "pattern": DURATION_PATTERN}


def _path(description: str) -> Schema:
    return {"description": description, "type": "string", "pattern": NOT_BLANK}


def kiosk_schema() -> Schema:
    screen = _object(_in_order(SCREEN_KEYS, {
        "size": {"description": "The window, WIDTHxHEIGHT in pixels (default 1280x800).", "type": "string",
                 "pattern": SIZE.pattern},
        "fullscreen": {"description": "Full screen, borderless, no mouse cursor: as at the hall.", "type": "boolean"},
    }, "screen"), description="The screen the kiosk opens.")
    journal = _object(_in_order(JOURNAL_KEYS, {
        "path": _path("The SQLite journal every session is recorded in, with no personal data (docs/journal.md)."),
        "keep_days": _number("Events older than this many days are forgotten.", *KEEP_DAYS, 90),
        "max_mb": _number("The file is kept under this size, the oldest days going first.", *MAX_MB, 200),
    }, "journal"), required=["path"], description="The kiosk's journal: also the outbox the shipper sends from.")
    printer = _object(_in_order(PRINTER_KEYS, {
        "queue": {"description": "The CUPS queue the receipts and tickets go to, as 'lpstat -p' names it.",
                  "type": "string", "pattern": QUEUE.pattern},
        "timeout": _duration(f"How long lp may take to hand a slip to CUPS ({PRINT_TIMEOUT[0]} to "
                             f"{PRINT_TIMEOUT[1]} s, default 30s)."),
    }, "printer"), required=["queue"], description="The kiosk's printer: receipts and tickets printed through CUPS "
                                                    "(docs/kiosk.md). Without it the screen simulates the printer.")
    release = _object(_in_order(RELEASE_KEYS, {
        "origin": _path("The git remote releases are pulled from: a URL, or a path from this file's folder."),
        "branch": {"description": "The branch releases are published on (default releases).", "type": "string",
                   "pattern": BRANCH.pattern},
        "public_key": _path("The release signers' Ed25519 public key (PEM). Never the private key."),
        "check_every": _duration("How often the kiosk looks for a new release (default 15m)."),
        "pin": _text("A release version staff chose: the kiosk runs it and takes no newer one."),
        "store": _path("Where verified releases are kept (default state/releases)."),
    }, "release"), required=["origin", "public_key"], description="Signed flow releases pulled from git.")
    database = _object(_in_order(DATABASE_KEYS, {
        "url": {"description": "postgresql://role@host/database, with no password in it.", "type": "string",
                "pattern": r"^postgres(ql)?://"},
        "url_env": {"description": "An environment variable that may hold the whole URL instead "
                                   "(default SENIORMODE_DB_URL).", "type": "string", "pattern": ENV_NAME.pattern},
        "password_file": _path("A file holding the database password (else PGPASSWORD, or ~/.pgpass)."),
        "batch": _number("Events sent in one transaction.", 1, 10_000, 500),
        "ship_every": _duration("How often the shipper sends what is new (default 30s)."),
    }, "database"), description="The fleet's PostgreSQL, where the shipper sends the journal.")
    body = _object(_in_order(KIOSK_KEYS, {
        "kiosk": {"description": "This kiosk's id, in every journal row: letters, digits, '.', '-', '_'.",
                  "type": "string", "pattern": KIOSK_ID.pattern},
        "description": _text("What and where this kiosk is, for staff."),
        "station": {"description": "This kiosk's number in the hall, 0-99: its tickets read A07012.",
                    "type": "integer", "minimum": 0, "maximum": 99},
        "flows": _one_or_list("The flow files it runs, from the content root; the first opens.",
                              {"type": "string", "pattern": r"\.yaml$"}),
        "theme": _text("A theme name (themes/NAME.yaml) or file; default: the flow's own."),
        "locales": _path("The catalogs and recordings folder, from the content root (default locales)."),
        "voice": {"description": "Speak every screen (default yes).", "type": "boolean"},
        "screen": screen,
        "tickets": _path("Where the day's queue numbers are kept (default state/tickets.sqlite)."),
        "printer": printer,
        "journal": journal,
        "release": release,
        "database": database,
    }, "the kiosk configuration"), required=["kiosk", "flows"])
    return _document("seniormode kiosk",
                     "One kiosk: its id, flows, theme, voice, printer, journal, releases and database.", body, {})


__all__ = ["kiosk_schema"]
