"""A lint does not stop for the garbage collector, leaves nothing for the young generations to walk, frees its
cycles at the next whole-heap collection, and never hands back objects the kiosk froze."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from seniormode.lint import LintOptions, lint_paths
from seniormode.lint.files import fewer_collections

ROOT = Path(__file__).resolve().parents[2]


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture()
def collector() -> Iterator[list[int]]:
    """The generations the collector walks while the test runs."""
    walked: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked.append(info["generation"])

    thresholds = gc.get_threshold()
    gc.callbacks.append(seen)
    try:
        yield walked
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*thresholds)


def test_a_lint_of_the_demo_flows_is_not_stopped_by_the_collector(collector: list[int]) -> None:
    thresholds = gc.get_threshold()
    result = lint_paths([ROOT / "flows_yaml", ROOT / "locales"], LintOptions(locales=ROOT / "locales"))
    assert result.files
    assert collector == []
    assert gc.get_threshold() == thresholds
    assert gc.get_count()[0] < 100  # what it left is in the oldest generation: no young collection is due


def test_its_cycles_are_freed_at_the_next_whole_heap_collection(collector: list[int]) -> None:
    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        kept = [Node() for _ in range(1000)]
    assert gone() is not None  # nothing collected it yet
    gc.collect(1)
    assert gone() is not None  # it is in the oldest generation, not walked by a young collection
    gc.collect()
    assert gone() is None
    assert len(kept) == 1000


def test_what_the_kiosk_froze_stays_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with fewer_collections():
            made = [Node() for _ in range(1000)]
        assert gc.get_freeze_count() == frozen
        assert len(made) == 1000
    finally:
        gc.unfreeze()
