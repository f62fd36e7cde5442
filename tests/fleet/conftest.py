"""A real PostgreSQL 15 for the fleet tests (pg_helpers.PgCluster): initdb in a temporary folder, started once per
session, stopped at the end; `pg.stop()` / `pg.start()` take it away and bring it back mid-test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pg_helpers import ADMIN_PASSWORD, PG_BIN, PgCluster


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"the fleet tests need PostgreSQL's binaries in {PG_BIN}: install Debian's postgresql package "
                    "(./bootstrap.sh does) or set SENIORMODE_PG_BIN")
    cluster = PgCluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture()
def fresh_db(pg: PgCluster) -> Iterator[str]:
    """A new empty database for one test; its admin URL (the password is ADMIN_PASSWORD)."""
    import psycopg

    name = f"t{os.urandom(4).hex()}"
    with psycopg.connect(pg.url(), password=ADMIN_PASSWORD, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg.url(db=name)
    with psycopg.connect(pg.url(), password=ADMIN_PASSWORD, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
