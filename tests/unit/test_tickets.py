"""Queue numbers: unique for the day in the hall, never wrapping, kept across a restart and a SIGKILL."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seniormode.core.tickets import DurableTicketCounter, TicketCounter

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 12, 3, 9, 0)

    def __call__(self) -> datetime.datetime:
        return self.now


def test_numbers_go_past_999_and_start_again_the_next_day() -> None:
    clock = Clock()
    counter = TicketCounter(clock=clock)
    taken = [counter.take("S") for _ in range(1000)]
    assert taken[0] == "S001" and taken[998] == "S999" and taken[999] == "S1000"
    assert len(set(taken)) == 1000
    clock.now += datetime.timedelta(days=1)
    assert counter.take("S") == "S001"


def test_two_stations_never_issue_the_same_number() -> None:
    a, b = TicketCounter(station=7), TicketCounter(station=12)
    assert {a.take("A") for _ in range(50)}.isdisjoint({b.take("A") for _ in range(50)})
    assert TicketCounter(station=7).take("A") == "A07001"
    with pytest.raises(ValueError, match="0 to 99"):
        TicketCounter(station=100)


def test_a_restarted_kiosk_goes_on_from_its_last_number(tmp_path: Path) -> None:
    clock = Clock()
    first = DurableTicketCounter(tmp_path / "t.sqlite", station=3, clock=clock)
    assert [first.take("A") for _ in range(3)] == ["A03001", "A03002", "A03003"]
    first.close()
    again = DurableTicketCounter(tmp_path / "t.sqlite", station=3, clock=clock)
    assert again.take("A") == "A03004" and again.take("S") == "S03001"
    clock.now += datetime.timedelta(days=1)
    assert again.take("A") == "A03001"


CHILD = """
import sys
from seniormode.core.tickets import DurableTicketCounter
counter = DurableTicketCounter(sys.argv[1])
while True:
    print(counter.take("A"), flush=True)
"""


@pytest.mark.slow
def test_a_sigkill_never_makes_a_number_issue_twice(tmp_path: Path) -> None:
    """A kiosk killed mid-transaction (a power cut): every number it showed is on disk, none comes again."""
    path = tmp_path / "t.sqlite"
    shown: list[str] = []
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        deadline, before = time.monotonic() + 20, len(shown)
        while len(shown) < before + 40 and time.monotonic() < deadline:
            shown.append(child.stdout.readline().strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        shown += [line.strip() for line in child.stdout if line.strip()]
        after = DurableTicketCounter(path)
        next_one = after.take("A")
        after.close()
        assert next_one not in shown
        shown.append(next_one)
    assert len(shown) == len(set(shown)) > 100


def test_a_ticket_taken_on_another_thread_and_a_clock_that_jumps_ahead(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    clock = Clock()
    counter = DurableTicketCounter(tmp_path / "t.sqlite", clock=clock)
    assert counter.take("A") == "A001"
    with ThreadPoolExecutor(1) as pool:  # the kiosk's answer-check thread hands off to staff
        assert pool.submit(counter.take, "A").result() == "A002"
    clock.now += datetime.timedelta(days=1)  # the clock jumps a day ahead, then is put right
    assert counter.take("A") == "A001"
    clock.now -= datetime.timedelta(days=1)
    assert counter.take("A") == "A003"  # today's count was kept
