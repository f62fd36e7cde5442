"""A day of applicants in one process: memory stays flat (20,000 headless sessions, RSS sampled)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import gc, json, sys
from pathlib import Path
from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

def rss_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

flow = load_flow_or_raise(Path(sys.argv[1]) / "flows_yaml" / "home_visit.yaml")
session = Session(flow, {"age": 76})
session.start()
walk = [Event("ok"), Event("choose", "elderly"), Event("enter", "11010519491231002X"), None,
        Event("choose", "weekend"), Event("ok"), Event("device_ok"), Event("ok")]
samples = {}
total = int(sys.argv[2])
for n in range(1, total + 1):
    for event in walk:
        session.handle(event or Event("enter", f"13{n:09d}"))  # a different phone each time
    if n % 3 == 0:
        session.handle(Event("tick", 10_000))  # and some walk away: a time-out wipe
        session.handle(Event("tick", 10_000))
    if n in (1_000, total) or n % 5_000 == 0:
        gc.collect()
        samples[n] = rss_kib()
assert session.history == ["welcome"], session.history
print(json.dumps({"samples": samples, "transitions": len(session.transitions)}))
"""


def test_twenty_thousand_sessions_keep_memory_flat() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), "20000"], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    samples = {int(k): v for k, v in result["samples"].items()}
    first, last = samples[1_000], samples[20_000]
    print(f"RSS after 1,000 sessions {first} KiB, after 20,000 {last} KiB ({last / first:.3f}x); "
          f"{result['transitions']} distinct transitions kept")
    assert last <= first * 1.05, samples
    assert result["transitions"] < 50  # the flow's moves, not one per applicant
