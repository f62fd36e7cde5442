"""SIGKILL the journal's writer mid-write, again and again: the file always opens and keeps every committed event."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seniormode.journal.schema import open_for_reading

pytestmark = [pytest.mark.unit, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]

# The child writes events as fast as it can; after each flush it prints the last seq the database has committed.
CHILD = r"""
import sys
from seniormode.journal.record import JournalEvent
from seniormode.journal.writer import JournalWriter
writer = JournalWriter(sys.argv[1])
session = sys.argv[2]
seq = 0
while True:
    for _ in range(37):
        writer.write(JournalEvent("k1", "f", "v", session, seq, "2026-12-03T10:00:00Z", "welcome", "step_shown",
                                  "", seq, 1.0, 170, "zh_Hans_CN", "zh_Hans_CN", "standard", "70-79"))
        seq += 1
    writer.flush()
    print(seq - 1, flush=True)
"""


def test_sigkill_mid_write_never_corrupts_and_never_loses_a_committed_event(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    rng = random.Random(7)
    acknowledged: dict[str, int] = {}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for round_ in range(20):
        session = f"s{round_}"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), session], stdout=subprocess.PIPE,
                                 text=True, env=env)
        assert child.stdout is not None
        first = child.stdout.readline()  # the writer is up and has committed once
        assert first.strip().isdigit(), first
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        lines = [first, *rest.splitlines()]
        acknowledged[session] = max(int(x) for x in lines if x.strip().isdigit())
        conn = open_for_reading(path)  # raises if the file were damaged (quick_check)
        counts = dict(conn.execute("SELECT session, max(seq) FROM events GROUP BY session").fetchall())
        for s, last in acknowledged.items():
            assert counts[s] >= last, f"round {round_}: session {s} lost committed events"
            seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE session = ? ORDER BY seq", (s,))]
            assert seqs == list(range(len(seqs))), "a hole in a session's events"
        conn.close()
    assert sum(acknowledged.values()) > 20 * 37
