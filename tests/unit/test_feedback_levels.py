"""A feedback step's `levels:`: the flow's own words for the five official levels, checked like every tile."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.effects import ShowStep
from seniormode.core.events import Event
from seniormode.core.loader import load_flow
from seniormode.core.session import Session

FLOW = """\
flow: rate_me
title: 评价
call_staff: staff_window
steps:
  - id: rating
    kind: feedback
    text: 您满意吗？
    icon: thumbs_up
{levels}
  - id: done
    kind: end
    text: 好了
    icon: thumbs_up
  - id: staff_window
    kind: handoff
    text: 请到人工窗口
    icon: staff
    window: 3号窗口
"""
WORDS = [("very_satisfied", "很满意"), ("satisfied", "满意"), ("basically_satisfied", "还行"),
         ("unsatisfied", "不满意"), ("very_unsatisfied", "很不满意")]


def flow_with(tmp_path: Path, items: list[tuple[str, str]], extra: str = ""):
    lines = "    levels:\n" + "".join(f"      - {{id: {i}, text: {t}, icon: face_happy{extra}}}\n" for i, t in items)
    path = tmp_path / "rate_me.yaml"
    path.write_text(FLOW.format(levels=lines.rstrip("\n")), encoding="utf-8")
    return load_flow(path)


def test_the_flow_words_are_on_the_faces_and_in_its_catalog(tmp_path: Path) -> None:
    flow, problems = flow_with(tmp_path, WORDS)
    assert flow is not None and not problems.errors, [str(p) for p in problems]
    session = Session(flow)
    shown = [e for e in session.start() if isinstance(e, ShowStep)][-1]
    assert [(t.id, t.text) for t in shown.tiles] == [(i, w) for i, w in WORDS]
    assert "还行" in [t.value for t in flow.step("rating").texts()]
    session.handle(Event("choose", "basically_satisfied"))
    assert session.answers["rating"] == "basically_satisfied" and session.current.id == "done"


@pytest.mark.parametrize("items, says", [
    (WORDS[:3], "must give all five levels, in order"),
    (list(reversed(WORDS)), "must give all five levels, in order"),
    ([("very_satisfied", "很满意"), ("happy", "开心"), *WORDS[2:]], "'happy' is not one of the five levels"),
])
def test_levels_that_are_not_the_five_in_order_are_refused(tmp_path: Path, items, says: str) -> None:
    flow, problems = flow_with(tmp_path, items)
    assert flow is None and any(says in p.message for p in problems), [str(p) for p in problems]
    assert all(p.location.file.endswith("rate_me.yaml") and p.location.line > 1 for p in problems.errors)


def test_a_level_cannot_lead_elsewhere(tmp_path: Path) -> None:
    flow, problems = flow_with(tmp_path, WORDS, extra=", next: done")
    assert flow is None and any("cannot have 'next'" in p.message for p in problems)
