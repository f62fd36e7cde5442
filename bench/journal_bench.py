"""Benchmark of the journal, the report and the simulated population. Prints figures; asserts nothing.

    .venv/bin/python bench/journal_bench.py [--events 1000000]

Each figure comes with a reference measured in the same run, on the same machine, so the ratio means something
on a busy or a quiet machine alike:
1. journal write on the kiosk's thread: recorder + writer.write per event, against a bare queue.put of a tuple
   (target: <= 0.2 ms an event);
2. report over N events (about 20 events a session): seconds and peak memory of `seniormode report --format json`
   in a fresh process, against `SELECT count(*), sum(ms)` over the same rows in sqlite3 (target: 1,000,000
   events in <= 10 s and <= 500 MB);
3. population simulation: simulated sessions a second, against headless sessions of the demo script driven
   without a journal (target: >= 1,000 a second).
"""

from __future__ import annotations

import argparse
import os
import queue
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seniormode.core.events import Event  # noqa: E402
from seniormode.core.loader import load_flow_or_raise  # noqa: E402
from seniormode.core.session import Session  # noqa: E402
from seniormode.journal.record import JournalEvent  # noqa: E402
from seniormode.journal.recorder import SessionRecorder  # noqa: E402
from seniormode.journal.schema import COLUMNS  # noqa: E402
from seniormode.journal.writer import JournalWriter  # noqa: E402
from seniormode.population.personas import load_personas  # noqa: E402
from seniormode.population.walk import simulate_population  # noqa: E402

FLOW = ROOT / "flows_yaml" / "hk_macau_renewal.yaml"
DEMO = [Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"), Event("choose", "family"),
        Event("choose", "reuse"), Event("repeat"), Event("bigger"), Event("ok"), Event("yes"), Event("device_ok"),
        Event("device_ok")]


def write_cost(tmp: Path) -> None:
    flow = load_flow_or_raise(FLOW)
    bare: queue.SimpleQueue[tuple[object, ...]] = queue.SimpleQueue()
    row = tuple(range(len(COLUMNS)))
    n = 200_000
    t = time.perf_counter()
    for _ in range(n):
        bare.put(row)
    reference = (time.perf_counter() - t) / n
    with JournalWriter(tmp / "bench.sqlite") as writer:
        sessions = 400
        handled = 0
        spent = 0.0
        for _ in range(sessions):
            session = Session(flow)
            recorder = SessionRecorder(session, writer.write, kiosk="bench", version="v")
            recorder.started(session.start())
            for event in DEMO:
                effects = session.handle(event)
                t = time.perf_counter()
                recorder.handled(event, effects)  # what the kiosk's thread pays for the journal
                spent += time.perf_counter() - t
                handled += 1
        writer.flush(60)
        rows = writer.written
    per_event = spent / handled
    print(f"1. journal on the kiosk's thread: {per_event * 1000:.3f} ms per event handled "
          f"({rows} rows for {handled} events), {per_event / reference:.0f}x a bare queue.put "
          f"({reference * 1e6:.2f} us); target <= 0.2 ms")


def report_cost(tmp: Path, events: int) -> None:
    flow = load_flow_or_raise(FLOW)
    personas, _ = load_personas(ROOT / "personas" / "hall.yaml")
    seed_rows: list[JournalEvent] = []
    simulate_population(flow, personas, 500, 1, seed_rows.append, version="bench")
    journal = tmp / "big.sqlite"
    with JournalWriter(journal) as writer:
        writer.flush()
    conn = sqlite3.connect(journal)
    placeholders = ", ".join("?" for _ in COLUMNS)
    copies = max(1, events // len(seed_rows))
    session_col = COLUMNS.index("session")
    with conn:
        for copy in range(copies):
            batch = []
            for r in seed_rows:
                values = list(r.row())
                values[session_col] = f"{values[session_col]}-{copy}"
                batch.append(values)
            conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({placeholders})", batch)
    total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    t = time.perf_counter()
    conn.execute("SELECT count(*), sum(ms) FROM events").fetchone()
    conn.execute("SELECT kiosk, session, seq, step, kind FROM events ORDER BY kiosk, session, seq").fetchall()
    reference = time.perf_counter() - t
    conn.close()
    t = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", (
        "import resource, subprocess, sys; "
        f"p = subprocess.run([sys.executable, '-m', 'seniormode', 'report', {str(journal)!r}, '--flow', "
        f"{str(FLOW)!r}, '--format', 'json'], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")],
        capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t
    peak_kib, code = (int(x) for x in child.stdout.split())
    print(f"2. report over {total:,} events ({total // max(1, len(seed_rows) // 500):,} sessions): {seconds:.1f} s, "
          f"peak {peak_kib / 1024:.0f} MB (exit {code}); {seconds / reference:.1f}x sqlite3 reading the same rows "
          f"in order ({reference:.2f} s); target <= 10 s and <= 500 MB")


def population_speed() -> None:
    flow = load_flow_or_raise(FLOW)
    personas, _ = load_personas(ROOT / "personas" / "hall.yaml")
    n = 300
    t = time.perf_counter()
    for _ in range(n):
        session = Session(flow)
        session.start()
        for event in DEMO:
            session.handle(event)
    reference = n / (time.perf_counter() - t)
    sink: list[JournalEvent] = []
    t = time.perf_counter()
    result = simulate_population(flow, personas, n, 2, sink.append, version="bench")
    rate = result.sessions / (time.perf_counter() - t)
    print(f"3. population: {rate:.0f} simulated sessions/s ({result.events / result.sessions:.0f} events each), "
          f"{rate / reference:.2f}x the demo script's bare sessions ({reference:.0f}/s); target >= 1,000/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        write_cost(Path(tmp))
        population_speed()
        report_cost(Path(tmp), args.events)



if __name__ == "__main__":
    main()
