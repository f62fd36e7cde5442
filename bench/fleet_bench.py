"""Benchmark of the fleet's shipping: many kiosks into one PostgreSQL on this machine. Prints figures; asserts
nothing (a timed assertion on a shared machine only measures the neighbours).

    .venv/bin/python bench/fleet_bench.py [--kiosks 274] [--processes 4] [--sessions 15] [--live 20]

How the kiosks are simulated: `--processes` worker processes, each running its share of the kiosks as threads
(274 kiosks / 4 processes: about 69 shipper threads and 69 journal-writer threads a process, one database
connection per kiosk). Each kiosk has its own journal, made by the real population simulator, and its own Shipper.
The server is a throw-away PostgreSQL 15 (initdb in a temporary folder, fsync on), as the tests start it.

Figures, each with a reference measured in the same run:
1. catch-up: every kiosk ships its backlog (`--sessions` simulated applicants each) at once: events/s, against a
   bare COPY of the same rows over one connection into a table of the same shape;
2. live: for `--live` seconds every kiosk records events as they happen (about 2 a second each, far busier than a
   real kiosk) while its shipper runs every `--every` seconds: p50/p95 shipping lag, from the journal's commit to the
   database's row (received_at), against the ship interval itself;
3. peak memory of one shipper process (one kiosk, a journal of --memory-sessions applicants), against the same
   process after its imports and before shipping; and its events/s alone, against the bare COPY;
4. exact counts afterwards: per kiosk, PostgreSQL's rows against the journal's, and keys stored twice.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fleet"))

from seniormode.fleet.pg_schema import ConnInfo, migrate  # noqa: E402
from seniormode.fleet.ship import Shipper  # noqa: E402

# The tests' own server and journal helpers (tests/fleet/pg_helpers.py); imported where used, so that the memory
# probe's process holds only what a shipper holds.
ADMIN_PASSWORD = "admin-secret-pw"


def _kiosk(i: int) -> str:
    return f"bench-{i:03d}"


def _template(journal: Path) -> list[tuple[Any, ...]]:
    """One session's rows of the kiosk's journal, replayed as new sessions in the live phase."""
    with sqlite3.connect(journal) as conn:
        session = conn.execute("SELECT session FROM events WHERE seq = 0 ORDER BY id LIMIT 1").fetchone()[0]
        return conn.execute("SELECT * FROM events WHERE session = ? ORDER BY seq", (session,)).fetchall()


def worker(kiosks: list[int], folder: str, url: str, sessions: int, live: float, every: float,
           barrier: Any, out: Any) -> None:
    from pg_helpers import make_journal

    from seniormode.journal import JournalWriter
    from seniormode.journal.record import JournalEvent, utc_now

    info = ConnInfo(url, ADMIN_PASSWORD)
    journals = {i: Path(folder) / f"{_kiosk(i)}.sqlite" for i in kiosks}
    backlog = sum(make_journal(journals[i], sessions, seed=i, kiosk=_kiosk(i)) for i in kiosks)
    shippers = {i: Shipper(journals[i], _kiosk(i), info, batch=500, ship_every=every, backoff_max=2.0)
                for i in kiosks}
    for s in shippers.values():  # connect before the clock starts: a kiosk is connected when it has a backlog
        s._connection()  # noqa: SLF001 - the benchmark's warm-up
    barrier.wait()
    # 1. catch-up: every kiosk of this process at once, a thread each
    started = time.time()
    threads = [threading.Thread(target=s.ship_once) for s in shippers.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ended = time.time()
    barrier.wait()
    # 2. live: writers record events with the time they were committed; shippers run.
    stop = threading.Event()
    runners = [threading.Thread(target=s.run, args=(stop,)) for s in shippers.values()]
    for t in runners:
        t.start()
    writers = {i: JournalWriter(journals[i]) for i in kiosks}
    templates = {i: _template(journals[i]) for i in kiosks}
    written: dict[tuple[str, str, int], float] = {}
    rng = random.Random(kiosks[0])
    deadline = time.monotonic() + live
    cursor = {i: (os.urandom(8).hex(), 0) for i in kiosks}
    while time.monotonic() < deadline:
        tick = time.monotonic()
        for i in kiosks:  # about 2 events a second per kiosk
            if rng.random() < 0.2:
                session, seq = cursor[i]
                row = templates[i][seq]
                event = JournalEvent(*row[1:18])
                event = dataclasses.replace(event, session=session, seq=seq, at=utc_now())
                writers[i].write(event)
                written[(_kiosk(i), session, seq)] = 0.0
                cursor[i] = (session, seq + 1) if seq + 1 < len(templates[i]) else (os.urandom(8).hex(), 0)
        for i in kiosks:  # the commit time: when the shipper could first see the row
            writers[i].flush()
        now = time.time()
        for key, value in written.items():
            if value == 0.0:
                written[key] = now
        time.sleep(max(0.0, 0.1 - (time.monotonic() - tick)))
    for w in writers.values():
        w.close()
    time.sleep(every * 2 + 1)  # the last events' round
    stop.set()
    for t in runners:
        t.join()
    out.put({"backlog": backlog, "started": started, "ended": ended, "written": written,
             "journals": {_kiosk(i): str(p) for i, p in journals.items()}})


def memory_of_one_shipper(journal: str, url: str) -> None:
    """Run in a fresh process: peak RSS after imports, and after shipping the whole journal."""
    info = ConnInfo(url, ADMIN_PASSWORD)
    before = _status_kb("VmRSS")
    shipper = Shipper(Path(journal), "bench-memory", info, batch=500)
    started = time.perf_counter()
    result = shipper.ship_once()
    seconds = time.perf_counter() - started
    shipper.close()
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over the exec from the (large) forking parent.
    after = _status_kb("VmHWM")
    print(f"{before} {after} {result.sent} {seconds}")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reference_copy(url: str, journals: dict[str, str]) -> tuple[int, float]:
    """The same rows, COPY'd over one connection into a table shaped like events: the floor for the server."""
    import psycopg

    rows: list[tuple[Any, ...]] = []
    for path in journals.values():
        with sqlite3.connect(path) as conn:
            rows.extend(conn.execute(
                "SELECT kiosk, session, seq, flow, version, at, step, kind, detail, ms, text_scale, speech_rate, "
                "display_language, voice_language, view, age_band, synthetic = 1 FROM events"))
    with psycopg.connect(url, password=ADMIN_PASSWORD) as conn:
        conn.execute("CREATE TABLE seniormode.events_ref (LIKE seniormode.events INCLUDING ALL)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(
                "COPY seniormode.events_ref (kiosk_id, session_id, seq, flow, version, at, step, kind, detail, ms, "
                "text_scale, speech_rate, display_language, voice_language, view, age_band, synthetic) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return len(rows), time.perf_counter() - started


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosks", type=int, default=274)
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--sessions", type=int, default=15, help="each kiosk's backlog, in simulated applicants")
    ap.add_argument("--live", type=float, default=20.0, help="seconds of live recording and shipping")
    ap.add_argument("--every", type=float, default=1.0, help="the shippers' ship_every in the live phase")
    ap.add_argument("--memory-sessions", type=int, default=2000)
    ap.add_argument("--_memory", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._memory:
        memory_of_one_shipper(*args._memory)
        return 0
    import psycopg
    from pg_helpers import ADMIN_PASSWORD as PASSWORD
    from pg_helpers import PgCluster, make_journal

    assert PASSWORD == ADMIN_PASSWORD
    cluster = PgCluster.create(fsync=True)
    folder = Path(tempfile.mkdtemp(prefix="seniormode-fleet-bench-"))
    try:
        url = cluster.url()
        migrate(ConnInfo(url, ADMIN_PASSWORD))
        ctx = mp.get_context("fork")
        barrier = ctx.Barrier(args.processes + 1)
        out = ctx.Queue()
        shares = [list(range(args.kiosks))[p::args.processes] for p in range(args.processes)]
        procs = [ctx.Process(target=worker, args=(share, str(folder), url, args.sessions, args.live, args.every,
                                                  barrier, out)) for share in shares]
        made = time.perf_counter()
        for p in procs:
            p.start()
        barrier.wait()
        print(f"{args.kiosks} kiosks in {args.processes} processes (threads: a shipper and a journal writer per "
              f"kiosk); journals made in {time.perf_counter() - made:.1f} s")
        barrier.wait()
        print(f"catch-up done; live recording and shipping for {args.live:g} s ...")
        results = [out.get(timeout=args.live + 600) for _ in procs]
        for p in procs:
            p.join()
        backlog = sum(r["backlog"] for r in results)
        seconds = max(r["ended"] for r in results) - min(r["started"] for r in results)
        journals = {k: v for r in results for k, v in r["journals"].items()}
        with psycopg.connect(url, password=ADMIN_PASSWORD) as conn:
            received = {(k, s, q): t.timestamp() for k, s, q, t in conn.execute(
                "SELECT kiosk_id, session_id, seq, received_at FROM seniormode.events WHERE at >= now() - "
                "make_interval(secs => %s)", (args.live + 120,))}
            stored = dict(conn.execute("SELECT kiosk_id, count(*) FROM seniormode.events GROUP BY 1").fetchall())
            twice = conn.execute("SELECT count(*) FROM (SELECT 1 FROM seniormode.events GROUP BY kiosk_id, "
                                 "session_id, seq HAVING count(*) > 1) d").fetchone()
        ref_rows, ref_seconds = reference_copy(url, journals)
        lags = [received[key] - t for r in results for key, t in r["written"].items() if key in received]
        missing_live = sum(1 for r in results for key in r["written"] if key not in received)
        rate, ref_rate = backlog / seconds, ref_rows / ref_seconds
        print(f"1. catch-up: {backlog} events from {args.kiosks} kiosks in {seconds:.2f} s = {rate:,.0f} events/s; "
              f"bare COPY of the same {ref_rows} rows (one connection): {ref_rate:,.0f} events/s; "
              f"ratio {rate / ref_rate:.2f}")
        print(f"2. live: {len(lags)} events; shipping lag p50 {quantile(lags, 0.5):.2f} s, p95 "
              f"{quantile(lags, 0.95):.2f} s, max {max(lags, default=float('nan')):.2f} s; against ship_every "
              f"{args.every:g} s: p95 = {quantile(lags, 0.95) / args.every:.2f} x the interval; "
              f"not arrived: {missing_live}")
        big = folder / "memory.sqlite"
        events = make_journal(big, args.memory_sessions, seed=42, kiosk="bench-memory")
        line = subprocess.run([sys.executable, __file__, "--_memory", str(big), url], check=True,
                              capture_output=True, text=True).stdout.split()
        before, after, sent = (int(v) for v in line[:3])
        alone = sent / float(line[3])
        print(f"3. one shipper over {events} events (batch 500): peak RSS {after / 1024:.1f} MB, "
              f"{(after - before) / 1024:.1f} MB above the process's RSS after its imports ({before / 1024:.1f} MB); "
              f"ratio {after / before:.2f}; it sent {sent} at {alone:,.0f} events/s alone, "
              f"{alone / ref_rate:.2f} x the bare COPY")
        expected: dict[str, int] = {}
        for kiosk, path in journals.items():
            with sqlite3.connect(path) as conn:
                expected[kiosk] = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        wrong = {k: (stored.get(k, 0), n) for k, n in expected.items() if stored.get(k, 0) != n}
        in_db = sum(stored.get(k, 0) for k in expected)
        print(f"4. counts: {sum(expected.values())} events in the journals, {in_db} in PostgreSQL; "
              f"kiosks whose counts differ: {len(wrong)} {dict(list(wrong.items())[:5]) if wrong else ''}; "
              f"keys stored twice: {twice[0] if twice else '?'}")
    finally:
        cluster.destroy()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
