"""`seniormode ship` (a kiosk's journal into the fleet's PostgreSQL) and `seniormode fleet migrate | status`
(docs/fleet-db.md). Every database trouble is one line, with no password in it."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from .common import UsageProblem, add_command


def _shipper(args: argparse.Namespace) -> Any:
    from ..core.kiosk_config import KIOSK_ID, DatabaseConfig, JournalConfig, KioskConfig, load_kiosk_config
    from ..fleet.ship import Shipper

    config_file = args.config or ("kiosk.yaml" if not args.journal and Path("kiosk.yaml").is_file() else None)
    if config_file:
        from .common import print_problems

        config, problems = load_kiosk_config(config_file)
        print_problems(problems.sorted())
        if config is None:
            raise UsageProblem(f"{config_file} has mistakes (above); nothing was shipped")
        if args.journal:
            config = config.with_changes(journal=JournalConfig(Path(args.journal).resolve()))
    elif args.journal:
        if not args.kiosk or not KIOSK_ID.match(args.kiosk):
            raise UsageProblem("with --journal and no --config, say which kiosk this is with --kiosk ID "
                               "(letters, digits, '.', '-', '_'; e.g. hall-a-07)")
        config = KioskConfig(kiosk_id=args.kiosk, folder=Path.cwd(), journal=JournalConfig(Path(args.journal)))
    else:
        raise UsageProblem("name the kiosk: --config kiosk.yaml (or run in its folder), or --journal FILE "
                           "--kiosk ID")
    if args.kiosk:
        config = config.with_changes(kiosk_id=args.kiosk)
    db = config.database
    if args.password_file:
        db = DatabaseConfig(db.url, db.url_env, Path(args.password_file), db.batch, db.ship_every)
        config = config.with_changes(database=db)
    options: dict[str, Any] = {}
    if args.batch is not None:
        if not 1 <= args.batch <= 10_000:
            raise UsageProblem(f"--batch is 1 to 10000 events, not {args.batch}")
        options["batch"] = args.batch
    if args.every is not None:
        if not 0 < args.every <= 86400:
            raise UsageProblem(f"--every is a number of seconds above 0 and up to 86400, not {args.every}")
        options["ship_every"] = args.every
    return Shipper.from_config(config, url=args.db, **options)


def cmd_ship(args: argparse.Namespace) -> int:
    from ..fleet.pg_schema import FleetDbError
    from ..journal.schema import JournalError

    try:
        shipper = _shipper(args)
    except FleetDbError as exc:
        raise UsageProblem(str(exc)) from None
    if args.once:
        try:
            result = shipper.ship_once()
        except (FleetDbError, JournalError) as exc:
            raise UsageProblem(str(exc)) from None
        finally:
            shipper.close()
        print(f"shipped {result.sent} new event(s) of {shipper.journal} to {shipper.info.shown} "
              f"({result.duplicates} were there already); {result.backlog} waiting")
        return 0
    logging.basicConfig(level=logging.INFO, format="seniormode: %(message)s", stream=sys.stderr)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"seniormode: shipping {shipper.journal} to {shipper.info.shown} every {shipper.ship_every:g} s "
          f"(as kiosk {shipper.kiosk_id}); Ctrl-C stops", file=sys.stderr)
    shipper.run(stop)
    return 0


def _info(args: argparse.Namespace) -> Any:
    from ..fleet.pg_schema import FleetDbError, conninfo

    try:
        return conninfo(args.db, password_file=Path(args.password_file) if args.password_file else None)
    except FleetDbError as exc:
        raise UsageProblem(str(exc)) from None


def cmd_migrate(args: argparse.Namespace) -> int:
    from ..fleet.pg_schema import FleetDbError, migrate

    info = _info(args)
    try:
        before, after = migrate(info)
    except FleetDbError as exc:
        raise UsageProblem(str(exc)) from None
    if before == after:
        print(f"{info.shown}: the fleet schema is up to date (version {after})")
    else:
        print(f"{info.shown}: fleet schema migrated from version {before} to {after}; give the kiosks' roles "
              "their GRANTs (docs/fleet-db.md)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..fleet.pg_schema import FleetDbError
    from ..fleet.status import fleet_status, render_table

    info = _info(args)
    try:
        statuses = fleet_status(info)
    except FleetDbError as exc:
        raise UsageProblem(str(exc)) from None
    if args.format == "json":
        print(json.dumps({"database": info.shown, "kiosks": [s.to_dict() for s in statuses]}, ensure_ascii=False,
                         indent=1))
    else:
        sys.stdout.write(render_table(statuses))
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    from ..fleet.pg_schema import FleetDbError
    from ..fleet.status import prune_heartbeats

    if not 1 <= args.keep_days <= 3650:
        raise UsageProblem(f"--keep-days is 1 to 3650, not {args.keep_days}")
    info = _info(args)
    try:
        gone = prune_heartbeats(info, args.keep_days)
    except FleetDbError as exc:
        raise UsageProblem(str(exc)) from None
    print(f"{info.shown}: {gone} heartbeat(s) older than {args.keep_days} day(s) forgotten; every kiosk's latest "
          "is kept (events are never pruned here)")
    return 0


def _db_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="postgresql://ROLE@HOST/DB, no password in it (default: the "
                                               "environment variable SENIORMODE_DB_URL)")
    p.add_argument("--password-file", metavar="FILE",
                   help="read the password from this file (else PGPASSWORD or ~/.pgpass)")


def add_parsers(sub: Any) -> None:
    p = add_command(sub, "ship", "send this kiosk's journal to the fleet's PostgreSQL, now and every few seconds",
                    "seniormode ship --config kiosk.yaml")
    p.add_argument("--config", metavar="KIOSK_YAML", help="the kiosk's configuration (journal, database, id); "
                                                          "default: kiosk.yaml in the current folder")
    p.add_argument("--journal", metavar="FILE", help="ship this journal (with --kiosk ID when there is no kiosk.yaml)")
    p.add_argument("--kiosk", metavar="ID", help="the kiosk id its heartbeats carry")
    _db_options(p)
    p.add_argument("--once", action="store_true", help="ship what is there, print what was sent, and stop")
    p.add_argument("--batch", type=int, metavar="N", help="events per transaction (default database.batch, 500)")
    p.add_argument("--every", type=float, metavar="SECONDS", help="seconds between rounds (default "
                                                                   "database.ship_every, 30)")
    p.set_defaults(func=cmd_ship)

    p = add_command(sub, "fleet", "the fleet's database: create or update its schema, see every kiosk's state",
                    "seniormode fleet status --db postgresql://reader@db.hall.example/seniormode")
    fleet = p.add_subparsers(dest="fleet_command", required=True)
    m = add_command(fleet, "migrate", "create or update the fleet schema (run as the database's owner role)",
                    "seniormode fleet migrate --db postgresql://seniormode_owner@db.hall.example/seniormode")
    _db_options(m)
    m.set_defaults(func=cmd_migrate)
    s = add_command(fleet, "status", "every kiosk's release, last seen, outbox backlog and last error",
                    "seniormode fleet status --db postgresql://reader@db.hall.example/seniormode --format json")
    _db_options(s)
    s.add_argument("--format", choices=("table", "json"), default="table", help="a table, or json for machines")
    s.set_defaults(func=cmd_status)
    r = add_command(fleet, "prune", "forget old heartbeats (every kiosk's latest is kept); run as the owner role, "
                    "e.g. nightly", "seniormode fleet prune --keep-days 30 --db postgresql://seniormode_owner@db/seniormode")
    _db_options(r)
    r.add_argument("--keep-days", type=int, default=30, metavar="DAYS", help="keep this many days (default 30)")
    r.set_defaults(func=cmd_prune)


__all__ = ["add_parsers", "cmd_migrate", "cmd_prune", "cmd_ship", "cmd_status"]
