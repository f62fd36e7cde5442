"""The fleet tests' real PostgreSQL 15 and journal helpers, shared by tests/fleet/conftest.py (the fixtures), the
test modules and bench/fleet_bench.py. A module of its own name: `from conftest import ...` would find whichever
conftest.py was imported first (tests/kivy's, when both folders are collected).

As root (initdb refuses root) the server runs as the `postgres` user, in a folder handed to it.
"""


from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("SENIORMODE_PG_BIN", "/usr/lib/postgresql/15/bin"))
ADMIN_PASSWORD = "admin-secret-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    """One throw-away server on 127.0.0.1:port with password (scram) logins; `postgres` is its superuser."""

    root: Path
    port: int
    fsync: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_server_user(self, *argv: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return list(argv)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        pwfile = self.root / "pw"
        pwfile.write_text(ADMIN_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(self._as_server_user(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                                            "--pwfile", str(pwfile), "-A", "scram-sha-256", "-E", "UTF8",
                                            "--locale", "C.UTF-8"),
                       check=True, capture_output=True)
        pwfile.unlink()

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=400 "
                   f"-c shared_buffers=64MB -c fsync={'on' if self.fsync else 'off'}")
        subprocess.run(self._as_server_user(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l",
                                            str(self.root / "server.log"), "-w", "-o", options, "start"),
                       check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self._as_server_user(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                                            "stop"), check=False, capture_output=True)

    def url(self, user: str = "postgres", db: str = "postgres") -> str:
        """No password in it: tests hand the password apart, as kiosks do."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    @classmethod
    def create(cls, fsync: bool = False) -> PgCluster:
        cluster = cls(Path(tempfile.mkdtemp(prefix="seniormode-pg-")), free_port(), fsync)
        cluster.init()
        cluster.start()
        return cluster

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


ROOT = Path(__file__).resolve().parents[2]


def make_journal(path: Path, sessions: int, *, seed: int = 1, kiosk: str = "k-01", spread: float = 0.0) -> int:
    """A journal of `sessions` simulated applicants (the real simulator); the number of events in it.

    `spread` (seconds): the sessions' times are moved back so that they spread over that long before now, e.g. a
    week for a kiosk that was offline for a week."""
    import dataclasses
    import datetime

    from seniormode.core.loader import load_flow_or_raise
    from seniormode.journal import JournalWriter
    from seniormode.journal.record import JournalEvent
    from seniormode.population.personas import load_personas
    from seniormode.population.walk import simulate_population

    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    personas, _ = load_personas(ROOT / "personas" / "hall.yaml")
    writer = JournalWriter(path)
    now = datetime.datetime.now(datetime.timezone.utc)
    step = datetime.timedelta(seconds=spread / max(sessions, 1))
    seen: dict[str, int] = {}

    def sink(event: JournalEvent) -> None:
        if spread:
            index = seen.setdefault(event.session, len(seen))
            at = datetime.datetime.strptime(event.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
            moved = at - (now - (now - datetime.timedelta(seconds=spread) + step * index))
            event = dataclasses.replace(event, at=moved.strftime("%Y-%m-%dT%H:%M:%SZ"))
        writer.write(event)

    result = simulate_population(flow, personas, sessions, seed, sink, version="v1", kiosk=kiosk)
    writer.flush(timeout=60)
    writer.close()
    return result.events


def journal_counts(path: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT kiosk, count(*) FROM events GROUP BY kiosk").fetchall())


def pg_counts(url: str, password: str = ADMIN_PASSWORD) -> tuple[dict[str, int], int]:
    """Events per kiosk in PostgreSQL, and how many (kiosk, session, seq) keys appear more than once."""
    import psycopg

    with psycopg.connect(url, password=password) as conn:
        counts = dict(conn.execute("SELECT kiosk_id, count(*) FROM seniormode.events GROUP BY 1").fetchall())
        doubled = conn.execute("SELECT count(*) FROM (SELECT 1 FROM seniormode.events GROUP BY kiosk_id, "
                               "session_id, seq HAVING count(*) > 1) d").fetchone()
    return counts, int(doubled[0]) if doubled else 0
