"""The shipper under real trouble: SIGKILL at random moments, PostgreSQL stopped and started while it ships, a
kiosk offline for a week. Each ends with PostgreSQL's count per kiosk equal to the journal's, and no key twice."""

from __future__ import annotations

import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from pg_helpers import ADMIN_PASSWORD, ROOT, PgCluster, journal_counts, make_journal, pg_counts

from seniormode.fleet.pg_schema import ConnInfo, migrate
from seniormode.fleet.ship import Shipper
from seniormode.fleet.status import fleet_status

KILLS = 60


@pytest.fixture()
def db(fresh_db: str) -> str:
    migrate(ConnInfo(fresh_db, ADMIN_PASSWORD))
    return fresh_db


def _count(db: str) -> int:
    with psycopg.connect(db, password=ADMIN_PASSWORD) as conn:
        row = conn.execute("SELECT count(*) FROM seniormode.events").fetchone()
    return int(row[0]) if row else 0


def test_sigkill_at_random_moments_loses_nothing_and_doubles_nothing(db: str, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    total = make_journal(journal, 400, seed=7, kiosk="hall-a-07")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PGPASSWORD": ADMIN_PASSWORD}
    argv = [sys.executable, "-m", "seniormode.cli", "ship", "--journal", str(journal), "--kiosk", "hall-a-07",
            "--db", db, "--batch", "5", "--every", "0.02"]
    rng = random.Random(20261204)
    between = 0
    behind = 0  # kills that found the database behind the journal: they struck in the middle of shipping
    for kill in range(KILLS):
        if kill % 6 == 5:  # the kiosk goes on serving applicants between two kills
            total += make_journal(journal, 8, seed=1000 + kill, kiosk="hall-a-07")
        child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert child.stderr is not None
        assert "shipping" in child.stderr.readline().decode()  # started: imports done, about to connect
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stderr.close()
        stored = _count(db)
        behind += stored < total
        # The database ahead of the watermark: this kill struck between a commit and the watermark's move, and
        # the next run sends that batch again (stored once, as the final counts show).
        between += stored > _acknowledged(journal)
    print(f"{KILLS} kills: {behind} while shipping, {between} between a commit and the watermark")
    assert behind >= 50, f"only {behind} of {KILLS} kills struck while shipping"
    assert between > 0, "no kill struck between a commit and the watermark: the resend path was not exercised"
    done = subprocess.run([*argv[:-4], "--once"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert pg_counts(db) == (journal_counts(journal), 0)
    assert sum(journal_counts(journal).values()) == total


def test_postgres_stopped_and_started_while_shipping(pg: PgCluster, db: str, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    journal = tmp_path / "journal.sqlite"
    total = make_journal(journal, 40, seed=11)
    shipper = Shipper(journal, "k-01", ConnInfo(db, ADMIN_PASSWORD), batch=50, ship_every=0.05, backoff_max=0.5)
    stop = threading.Event()
    caplog.set_level(logging.INFO, "seniormode.fleet.ship")
    thread = threading.Thread(target=shipper.run, args=(stop,))
    thread.start()
    try:
        _wait(lambda: _count(db) == total)
        pg.stop()
        for seed in range(3):  # the kiosk goes on recording while the database is away
            total += make_journal(journal, 15, seed=200 + seed)
            time.sleep(0.3)
        pg.start()
        _wait(lambda: _count(db) == total)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert pg_counts(db) == (journal_counts(journal), 0)
    # One line when the outage began, one when shipping resumed; no traceback.
    outage, resumed = (r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert ("went away or is restarting" in outage or "cannot reach the database" in outage) and "retrying" in outage
    assert "shipping again" in resumed
    assert all(r.exc_info is None for r in caplog.records)
    assert ADMIN_PASSWORD not in caplog.text


def test_a_kiosk_offline_for_a_week_catches_up(pg: PgCluster, db: str, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    # The network is down (a port nothing listens on) for a week of the hall's sessions.
    away = ConnInfo(f"postgresql://postgres@127.0.0.1:{pg.port + 7}/{db.rsplit('/', 1)[1]}", ADMIN_PASSWORD)
    shipper = Shipper(journal, "hall-b-02", away, batch=500, ship_every=0.05, backoff_max=0.2)
    stop = threading.Event()
    thread = threading.Thread(target=shipper.run, args=(stop,))
    thread.start()
    total = make_journal(journal, 700, seed=5, kiosk="hall-b-02", spread=7 * 86400)
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=10)
    assert shipper.last_error and "cannot reach the database" in shipper.last_error
    assert shipper.backlog() == total
    # Back online (the same watermark file: the kiosk reconnects to its database).
    back = Shipper(journal, "hall-b-02", ConnInfo(db, ADMIN_PASSWORD), batch=500, watermark=shipper.watermark_path)
    back.last_error, back.last_error_at = shipper.last_error, shipper.last_error_at
    result = back.ship_once()
    back.close()
    assert (result.sent, result.backlog) == (total, 0)
    assert pg_counts(db) == (journal_counts(journal), 0)
    with psycopg.connect(db, password=ADMIN_PASSWORD) as conn:
        days = conn.execute("SELECT extract(epoch FROM max(at) - min(at)) / 86400 FROM seniormode.events").fetchone()
    assert days is not None and days[0] >= 6.5
    (status,) = fleet_status(ConnInfo(db, ADMIN_PASSWORD))
    assert status.backlog == 0 and status.last_error and "cannot reach" in status.last_error


def _acknowledged(journal: Path) -> int:
    """Journal rows up to the watermark (the shipper's own count of what the database has)."""
    with sqlite3.connect(journal.with_name(journal.name + ".shipped")) as marks:
        row = marks.execute("SELECT max(rowid_) FROM shipped").fetchone()
    with sqlite3.connect(journal) as conn:
        return int(conn.execute("SELECT count(*) FROM events WHERE id <= ?", (row[0] or 0,)).fetchone()[0])


def _wait(done: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the shipper did not catch up in time"
        time.sleep(0.05)
