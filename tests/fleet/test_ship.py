"""The shipper, the kiosk role's GRANTs, fleet status and report --db, against a real PostgreSQL (conftest)."""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import textwrap
from pathlib import Path

import psycopg
import pytest
from pg_helpers import ADMIN_PASSWORD, ROOT, PgCluster, journal_counts, make_journal, pg_counts

from seniormode.cli import main
from seniormode.fleet.pg_schema import (
    KIOSK_GRANTS,
    MIGRATIONS,
    SCHEMA_VERSION,
    ConnInfo,
    FleetDbError,
    migrate,
    safe_url,
)
from seniormode.fleet.ship import Shipper
from seniormode.fleet.status import fleet_status
from seniormode.journal.schema import JournalError

ADMIN = {"password": ADMIN_PASSWORD}


@pytest.fixture()
def db(fresh_db: str) -> str:
    migrate(ConnInfo(fresh_db, ADMIN_PASSWORD))
    return fresh_db


@pytest.fixture()
def admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", ADMIN_PASSWORD)


def kiosk_role(db: str, pg: PgCluster, name: str, password: str) -> ConnInfo:
    """A kiosk's login role with exactly the documented GRANTs."""
    with psycopg.connect(db, autocommit=True, **ADMIN) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'seniormode_kiosk'").fetchone()
        for statement in KIOSK_GRANTS.split(";"):
            if statement.strip() and not (exists and "CREATE ROLE" in statement):
                conn.execute(statement.encode())
        conn.execute(f"DROP ROLE IF EXISTS {name}".encode())
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE seniormode_kiosk".encode())
    return ConnInfo(pg.url(name, db.rsplit("/", 1)[1]), password)


def test_migrations_apply_once_and_refuse_a_newer_schema(fresh_db: str, admin_env: None,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fleet", "status", "--db", fresh_db]) == 2
    assert "run seniormode fleet migrate" in capsys.readouterr().err
    info = ConnInfo(fresh_db, ADMIN_PASSWORD)
    assert migrate(info) == (0, SCHEMA_VERSION)
    assert migrate(info) == (SCHEMA_VERSION, SCHEMA_VERSION)
    with psycopg.connect(fresh_db, **ADMIN) as conn:
        conn.execute("INSERT INTO seniormode.schema_migrations (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(FleetDbError, match="newer than this seniormode knows"):
        migrate(info)
    capsys.readouterr()
    assert main(["fleet", "status", "--db", fresh_db]) == 2
    err = capsys.readouterr().err
    assert "update seniormode" in err and "Traceback" not in err


def test_the_kiosk_role_may_insert_and_nothing_else(db: str, pg: PgCluster, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    events = make_journal(journal, 20, kiosk="hall-a-07")
    info = kiosk_role(db, pg, "kiosk_hall_a_07", "kiosk-pw-1")
    shipper = Shipper(journal, "hall-a-07", info, batch=100)
    assert shipper.ship_once().sent == events
    assert shipper.ship_once().sent == 0  # and a heartbeat each time: INSERT only
    shipper.close()
    with psycopg.connect(info.url, autocommit=True, password=info.password) as conn:
        for sql in ("SELECT count(*) FROM seniormode.events", "SELECT * FROM seniormode.kiosk_heartbeats",
                    "UPDATE seniormode.events SET detail = 'x'", "DELETE FROM seniormode.events",
                    "DELETE FROM seniormode.kiosk_heartbeats", "TRUNCATE seniormode.events",
                    "SELECT * FROM seniormode.schema_migrations"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.encode())
    assert pg_counts(db)[0] == {"hall-a-07": events}
    docs = (ROOT / "docs" / "fleet-db.md").read_text(encoding="utf-8")
    assert KIOSK_GRANTS in docs
    assert all(textwrap.dedent(step).strip() in docs for step in MIGRATIONS)  # the schema as the docs show it


def test_resent_rows_are_stored_once_and_a_renumbered_journal_is_sent_again(db: str, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    events = make_journal(journal, 30)
    info = ConnInfo(db, ADMIN_PASSWORD)
    first = Shipper(journal, "k-01", info, batch=64)
    assert (first.ship_once().sent, first.backlog()) == (events, 0)
    first.close()
    (tmp_path / "j.sqlite.shipped").unlink()  # the watermark lost: everything again, nothing doubled
    again = Shipper(journal, "k-01", info, batch=64)
    result = again.ship_once()
    assert (result.sent, result.duplicates) == (0, events)
    # Retention empties the journal and SQLite numbers new rows from 1 again: the watermark must not skip them.
    with sqlite3.connect(journal) as conn:
        conn.execute("DELETE FROM events")
    more = make_journal(journal, 5, seed=99)
    assert again.ship_once().sent == more
    again.close()
    assert pg_counts(db) == ({"k-01": events + more}, 0)


def test_fleet_status_shows_release_backlog_and_last_error(db: str, tmp_path: Path, admin_env: None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "releases"
    store.mkdir()
    (store / "CURRENT").write_text("2026.12.03-2\n")
    (tmp_path / "pw").write_text(ADMIN_PASSWORD + "\n")
    (tmp_path / "kiosk.yaml").write_text(
        "kiosk: hall-a-07\nflows: [flows_yaml/hk_macau_renewal.yaml]\njournal: {path: j.sqlite}\n"
        f"release: {{origin: /nowhere, public_key: k.pub, store: releases}}\n"
        f"database: {{url: '{db}', password_file: pw, batch: 50}}\n")
    make_journal(tmp_path / "j.sqlite", 10)
    assert main(["ship", "--config", str(tmp_path / "kiosk.yaml"), "--once"]) == 0
    assert "waiting" in capsys.readouterr().out
    # A second kiosk never reached the database: its last error arrives with its next heartbeat.
    make_journal(tmp_path / "k2.sqlite", 3, kiosk="hall-a-08")
    lost = Shipper(tmp_path / "k2.sqlite", "hall-a-08", ConnInfo(db, ADMIN_PASSWORD), batch=10)
    lost.last_error, lost.last_error_at = "cannot reach the database (test)", 1_800_000_000.0
    lost.ship_once()
    lost.close()
    assert main(["fleet", "status", "--db", db, "--format", "json"]) == 0
    kiosks = {k["kiosk"]: k for k in json.loads(capsys.readouterr().out)["kiosks"]}
    assert kiosks["hall-a-07"]["release"] == "2026.12.03-2" and kiosks["hall-a-07"]["backlog"] == 0
    assert kiosks["hall-a-08"]["release"] == "local" and "cannot reach" in kiosks["hall-a-08"]["last_error"]
    assert main(["fleet", "status", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "hall-a-07" in table and "2026.12.03-2" in table and "last seen" in table
    assert [s.kiosk for s in fleet_status(ConnInfo(db, ADMIN_PASSWORD))] == ["hall-a-07", "hall-a-08"]


def test_bad_input_is_one_line_without_the_password(pg: PgCluster, db: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    make_journal(tmp_path / "j.sqlite", 2)
    secret = "wrong-horse-battery"
    (tmp_path / "pw").write_text(secret)
    base = ["ship", "--journal", str(tmp_path / "j.sqlite"), "--kiosk", "k-01", "--once"]
    assert main([*base, "--db", db, "--password-file", str(tmp_path / "pw")]) == 2
    err = capsys.readouterr().err
    assert "refused the login" in err and secret not in err and err.count("\n") == 1
    closed = f"postgresql://postgres@127.0.0.1:{pg.port + 1}/postgres"
    assert main([*base, "--db", closed]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and err.count("\n") == 1
    (tmp_path / "other.sqlite").write_bytes(b"not a journal at all" * 10)
    monkeypatch.setenv("PGPASSWORD", ADMIN_PASSWORD)
    assert main(["ship", "--journal", str(tmp_path / "other.sqlite"), "--kiosk", "k", "--once", "--db", db]) == 2
    assert "not an SQLite file" in capsys.readouterr().err
    assert main(["report", "--db", f"postgresql://postgres:{secret}@127.0.0.1:{pg.port + 1}/x"]) == 2
    err = capsys.readouterr().err
    assert secret not in err and err.count("\n") == 1
    assert safe_url(f"postgresql://u:{secret}@h/db?password={secret}") == "postgresql://u:***@h/db?password=***"


def test_report_from_the_database_equals_the_report_from_the_files(db: str, tmp_path: Path, admin_env: None,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    journals = [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]
    make_journal(journals[0], 150, seed=3, kiosk="hall-a-01")
    make_journal(journals[1], 120, seed=4, kiosk="hall-a-02")
    for path in journals:
        shipper = Shipper(path, path.stem, ConnInfo(db, ADMIN_PASSWORD), batch=300)
        shipper.ship_once()
        shipper.close()
    assert pg_counts(db)[0] == {**journal_counts(journals[0]), **journal_counts(journals[1])}
    with sqlite3.connect(journals[0]) as conn:  # a time in the middle of the first kiosk's sessions
        middle = conn.execute("SELECT at FROM events WHERE seq = 0 ORDER BY at LIMIT 1 OFFSET 70").fetchone()[0]
    sessions: dict[str, int] = {}
    for extra in ([], ["--by", "kiosk"], ["--since", "2000-01-01", "--by", "language"], ["--until", middle],
                  ["--since", middle, "--by", "version"], ["--compare", "v1", "v1"]):
        assert main(["report", *map(str, journals), "--format", "json", *extra]) == 0
        from_files = json.loads(capsys.readouterr().out)
        assert main(["report", "--db", db, "--format", "json", *extra]) == 0
        from_db = json.loads(capsys.readouterr().out)
        assert from_db == from_files, extra
        sessions[" ".join(extra)] = from_files.get("analysis", {}).get("sessions", -1)
    assert sessions[""] == sessions["--since 2000-01-01 --by language"] == 270
    assert 0 < sessions[f"--until {middle}"] < 270 and 0 < sessions[f"--since {middle} --by version"] < 270
    assert main(["report", "--db", db]) == 0  # the text report too
    assert "sessions" in capsys.readouterr().out


def test_the_kiosk_starts_the_shipper_in_the_background(db: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    import threading
    import time

    from seniormode.core.kiosk_config import load_kiosk_config_or_raise
    from seniormode.fleet.ship import start_thread

    monkeypatch.delenv("PGPASSWORD", raising=False)
    (tmp_path / "pw").write_text(ADMIN_PASSWORD)
    (tmp_path / "kiosk.yaml").write_text(
        "kiosk: hall-c-01\nflows: [flows_yaml/hk_macau_renewal.yaml]\njournal: {path: state/journal.sqlite}\n"
        "database: {url_env: HALL_DB, password_file: pw, ship_every: 1s}\n")
    config = load_kiosk_config_or_raise(tmp_path / "kiosk.yaml")
    stop = threading.Event()
    monkeypatch.delenv("HALL_DB", raising=False)
    caplog.set_level(logging.INFO, "seniormode.fleet.ship")
    assert start_thread(config, stop) is None  # no database named: one line in the log, the kiosk goes on
    assert "not started" in caplog.text and "HALL_DB" in caplog.text
    broken = config.with_changes(database=dataclasses.replace(config.database, password_file=tmp_path / "nope"))
    monkeypatch.setenv("HALL_DB", db)
    assert start_thread(broken, stop) is None
    assert "cannot read the database password file" in caplog.text
    monkeypatch.setenv("HALL_DB", db)
    events = make_journal(tmp_path / "state" / "journal.sqlite", 10, kiosk="hall-c-01")
    thread = start_thread(config, stop)
    assert thread is not None
    deadline = time.monotonic() + 20
    while pg_counts(db)[0].get("hall-c-01") != events:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert (tmp_path / "state" / "journal.sqlite.shipped").is_file()


def test_a_journal_that_went_bad_is_reported_in_fleet_status(db: str, tmp_path: Path) -> None:
    from seniormode.journal.schema import JournalError

    journal = tmp_path / "j.sqlite"
    make_journal(journal, 3, kiosk="hall-d-04")
    shipper = Shipper(journal, "hall-d-04", ConnInfo(db, ADMIN_PASSWORD))
    shipper.ship_once()
    journal.write_bytes(b"overwritten by mistake")
    with pytest.raises(JournalError, match="not an SQLite file"):
        shipper.ship_once()
    shipper.close()
    (status,) = fleet_status(ConnInfo(db, ADMIN_PASSWORD))
    assert status.backlog == -1 and status.last_error and "not an SQLite file" in status.last_error


def test_shipping_to_a_database_with_no_schema_says_to_migrate(fresh_db: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    make_journal(tmp_path / "j.sqlite", 2)
    monkeypatch.setenv("SENIORMODE_DB_URL", fresh_db)  # the URL from the environment, the password too
    monkeypatch.setenv("PGPASSWORD", ADMIN_PASSWORD)
    assert main(["ship", "--journal", str(tmp_path / "j.sqlite"), "--kiosk", "k-01", "--once"]) == 2
    err = capsys.readouterr().err
    assert "run seniormode fleet migrate" in err and err.count("\n") == 1


def test_the_reader_role_reads_status_and_reports(db: str, pg: PgCluster, tmp_path: Path) -> None:
    from seniormode.fleet.pg_reader import PgJournalSet

    kiosk = kiosk_role(db, pg, "kiosk_hall_e_01", "kiosk-pw-2")
    make_journal(tmp_path / "j.sqlite", 4, kiosk="hall-e-01")
    shipper = Shipper(tmp_path / "j.sqlite", "hall-e-01", kiosk)
    shipper.ship_once()
    shipper.close()
    with psycopg.connect(db, autocommit=True, **ADMIN) as conn:
        conn.execute("DROP ROLE IF EXISTS hall_reader")
        conn.execute("CREATE ROLE hall_reader LOGIN PASSWORD 'reader-pw' IN ROLE seniormode_reader")
    reader = ConnInfo(pg.url("hall_reader", db.rsplit("/", 1)[1]), "reader-pw")
    assert [s.kiosk for s in fleet_status(reader)] == ["hall-e-01"]
    assert PgJournalSet(reader).flows() == {"hk_macau_renewal": {"v1"}}



def test_a_refused_release_is_the_kiosks_last_error_in_fleet_status(db: str, tmp_path: Path, admin_env: None) -> None:
    from seniormode.core.kiosk_config import load_kiosk_config_or_raise
    from seniormode.fleet.client import CheckResult, ReleaseStore

    (tmp_path / "kiosk.yaml").write_text(
        "kiosk: hall-e-05\nflows: [flows_yaml/hk_macau_renewal.yaml]\njournal: {path: j.sqlite}\n"
        f"release: {{origin: /nowhere.git, public_key: k.pub}}\ndatabase: {{url: '{db}'}}\n")
    config = load_kiosk_config_or_raise(tmp_path / "kiosk.yaml")
    make_journal(tmp_path / "j.sqlite", 2, kiosk="hall-e-05")
    store = ReleaseStore(config.release.store)
    store.root.mkdir(parents=True)
    (store.root / "CURRENT").write_text("2026.1204.1\n")
    store.set_status(CheckResult("refused", "2026.1204.1", "the release at 1a2b is signed by another key: refused"))
    shipper = Shipper.from_config(config)
    shipper.ship_once()
    store.set_status(CheckResult("same", "2026.1204.1", "release 2026.1204.1 is the newest; nothing to do"))
    shipper.ship_once()
    shipper.close()
    (status,) = fleet_status(ConnInfo(db, ADMIN_PASSWORD))
    assert status.release == "2026.1204.1" and status.last_error is None  # the newest heartbeat: all well again
    with psycopg.connect(db, password=ADMIN_PASSWORD) as conn:
        errors = [r[0] for r in conn.execute("SELECT last_error FROM seniormode.kiosk_heartbeats ORDER BY at")]
    assert errors[0] == "release: the release at 1a2b is signed by another key: refused"


def test_a_watermark_that_cannot_be_written_is_a_journal_error_and_the_thread_goes_on(db: str, tmp_path: Path,
                                                                                     caplog) -> None:
    import threading
    import time

    journal = tmp_path / "j.sqlite"
    make_journal(journal, 2, kiosk="hall-f-06")
    (tmp_path / "j.sqlite.shipped").mkdir()  # not a file: the watermark cannot be kept
    shipper = Shipper(journal, "hall-f-06", ConnInfo(db, ADMIN_PASSWORD), ship_every=0.1, backoff_max=0.2)
    with pytest.raises(JournalError, match="cannot be used for shipping"):
        shipper.ship_once()
    stop = threading.Event()
    thread = threading.Thread(target=shipper.run, args=(stop,))
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive()  # retrying, not dead
    (tmp_path / "j.sqlite.shipped").rmdir()
    deadline = time.monotonic() + 10
    while pg_counts(db)[0].get("hall-f-06") != journal_counts(journal)["hall-f-06"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and shipper.last_error is None  # shipped again: the trouble is over


def test_no_password_in_a_repr_or_a_query_string_is_shown() -> None:
    from seniormode.fleet.pg_schema import FleetDbError, conninfo, safe_url

    info = ConnInfo("postgresql://k@h/db?pass%77ord=topsecret", "filesecret")
    assert "secret" not in repr(info) and "topsecret" not in info.shown
    assert set(info.secrets()) == {"topsecret", "filesecret"}
    assert safe_url("postgresql://u:pw@h/db?password=x&sslmode=require") == \
        "postgresql://u:***@h/db?password=***&sslmode=require"
    with pytest.raises(FleetDbError, match="cannot be read"):
        conninfo("postgresql://u:pw@[::1/db")


def test_a_row_the_database_refuses_does_not_block_the_others(db: str, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    make_journal(journal, 3, kiosk="hall-g-07")
    with sqlite3.connect(journal) as conn:  # a hand-edited journal: a NUL no recorder writes
        conn.execute("UPDATE events SET detail = ? WHERE id = (SELECT min(id) + 2 FROM events)", ("a\x00b",))
    conn.close()
    shipper = Shipper(journal, "hall-g-07", ConnInfo(db, ADMIN_PASSWORD), batch=50)
    result = shipper.ship_once()
    assert result.backlog == 0 and shipper.refused_rows == 1
    assert pg_counts(db)[0]["hall-g-07"] == journal_counts(journal)["hall-g-07"] - 1
    shipper.close()
    (status,) = fleet_status(ConnInfo(db, ADMIN_PASSWORD))
    assert status.last_error == "1 event(s) the database refused stay in the journal only"


def test_prune_forgets_old_heartbeats_but_every_kiosks_latest(db: str, tmp_path: Path, admin_env: None) -> None:
    with psycopg.connect(db, password=ADMIN_PASSWORD, autocommit=True) as conn:
        for kiosk, days in (("old-1", 40), ("old-1", 35), ("new-2", 40), ("new-2", 0)):
            conn.execute("INSERT INTO seniormode.kiosk_heartbeats (kiosk_id, release, backlog, shipped, at) "
                         "VALUES (%s, 'local', 0, 0, now() - make_interval(days => %s))", (kiosk, days))
    assert main(["fleet", "prune", "--keep-days", "30", "--db", db]) == 0
    with psycopg.connect(db, password=ADMIN_PASSWORD) as conn:
        left = sorted(conn.execute("SELECT kiosk_id, (now() - at) > interval '30 days' FROM "
                                   "seniormode.kiosk_heartbeats").fetchall())
    assert left == [("new-2", False), ("old-1", True)]  # old-1's latest is old, but kept: it is all staff have
