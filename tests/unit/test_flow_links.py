"""One flow starting another: lint's checks of the hand-over (beyond the bad examples), what goes with the
applicant at run time, and the journal's record of the switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seniormode.core.effects import Reset, ShowStep, StartFlow
from seniormode.core.events import Event
from seniormode.core.flow_links import FlowChain, flow_file, link_problems, linked_flows
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session
from seniormode.journal.record import JournalEvent
from seniormode.journal.recorder import SessionRecorder

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]

TARGET = """\
flow: target
title: 上门服务预约
call_staff: staff_window
inputs:
  visit_for: {type: text, choices: [elderly, ill]}
  helpers: {type: number}
steps:
  - {id: welcome, kind: info, text: 预约上门办理, icon: house}
  - {id: done, kind: end, text: 预约好了, icon: thumbs_up}
  - {id: staff_window, kind: handoff, text: 请到人工窗口, icon: staff, window: 3号人工窗口}
"""

TRIAGE = """\
flow: door
title: 导办
call_staff: staff_window
steps:
  - id: visit_for
    kind: choice
    text: 谁需要上门？
    icon: family
    choices:
      - {{id: elderly, text: 高龄老人, icon: elder}}
      - {{id: {second}, text: 残疾人, icon: wheelchair}}
  - id: go_on
    kind: start_flow
    text: 在这里预约上门
    icon: house
    flow: target
    hand_over: {hand_over}
  - {{id: staff_window, kind: handoff, text: 请到人工窗口, icon: staff, window: 3号人工窗口}}
"""


def problems_of(tmp_path: Path, hand_over: str, second: str = "ill", target: str = TARGET) -> list[str]:
    (tmp_path / "target.yaml").write_text(target, encoding="utf-8")
    door = tmp_path / "door.yaml"
    door.write_text(TRIAGE.format(hand_over=hand_over, second=second), encoding="utf-8")
    return [f"{p.code} {p.location.line}:{p.location.column} {p.message}"
            for p in link_problems(load_flow_or_raise(door)).sorted()]


def test_a_good_hand_over_has_no_problem(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "[visit_for]") == []


@pytest.mark.parametrize("hand_over, second, found", [
    ("[visit_for]", "disabled", "SM123 17:17 'visit_for' may be 'disabled' here, which is not one of flow 'target''s"),
    ("[visit_for, step]", "ill", "SM123 17:28 flow 'target' does not take 'step'"),
    ("[visit_four]", "ill", "SM123 17:17 'visit_four' is no value of flow 'door'"),
    ("[name]", "ill", "SM123 17:17 'name' is read from the ID card and never handed over"),
])
def test_what_the_next_flow_does_not_take_is_refused_at_its_column(tmp_path: Path, hand_over: str, second: str,
                                                                  found: str) -> None:
    [problem] = problems_of(tmp_path, hand_over, second)
    assert problem.startswith(found), problem


def test_a_value_of_another_type_is_refused(tmp_path: Path) -> None:
    target = TARGET.replace("visit_for: {type: text, choices: [elderly, ill]}", "visit_for: number")
    [problem] = problems_of(tmp_path, "[visit_for]", target=target)
    assert problem.startswith("SM123 17:17 'visit_for' is text here, but flow 'target' takes a number"), problem


def test_a_target_that_does_not_load_is_named_with_its_file(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "[visit_for]", target=TARGET.replace("call_staff: staff_window", ""))
    assert problem.startswith("SM122 16:11 flow 'target'") and "does not load" in problem, problem


def test_a_flow_is_found_by_its_id_whatever_its_file_is_called(tmp_path: Path) -> None:
    (tmp_path / "booking.yaml").write_text(TARGET, encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("flow: ../target.yaml\nscenarios: []\n", encoding="utf-8")
    assert flow_file(tmp_path, "target") == tmp_path / "booking.yaml"
    assert flow_file(tmp_path, "scenario") is None


def test_the_demo_triage_reaches_the_renewal_the_application_and_the_home_visit() -> None:
    flows, missing = linked_flows(load_flow_or_raise(ROOT / "flows_yaml" / "triage.yaml"))
    assert set(flows) == {"triage", "hk_macau_renewal", "home_visit", "permit_application"} and missing == []


def test_only_the_handed_over_values_and_the_screen_choices_go_on(tmp_path: Path) -> None:
    triage = load_flow_or_raise(ROOT / "flows_yaml" / "triage.yaml")
    chain = FlowChain(Session(triage, {"age": 81, "name": "陈伯"}))
    chain.start()
    for event in (Event("view", "wheelchair"), Event("choose", "home_visit"), Event("choose", "ill")):
        chain.handle(event)
    effects = chain.handle(Event("ok"))
    [started] = [e for e in effects if isinstance(e, StartFlow)]
    assert started.inputs == {"visit_for": "ill"} and started.overrides == {"view_preset": "wheelchair"}
    assert chain.flow.id == "home_visit" and chain.session.s.applicant == {"visit_for": "ill"}  # no age, no name
    assert chain.settings()["view_preset"] == "wheelchair"
    assert chain.home.answers == {} and chain.home.history == ["came_for"]  # the triage's answers are wiped
    assert chain.session.tickets is chain.home.tickets  # one queue of numbers for the kiosk
    effects = chain.handle(Event("reset"))
    assert isinstance(effects[0], Reset) and [e.step for e in effects if isinstance(e, ShowStep)] == ["came_for"]
    assert chain.session is chain.home and chain.home.s.applicant == {"age": 81, "name": "陈伯"}  # the kiosk's own


def test_a_missing_target_at_run_time_calls_staff(tmp_path: Path) -> None:
    (tmp_path / "target.yaml").write_text(TARGET, encoding="utf-8")
    door = tmp_path / "door.yaml"
    door.write_text(TRIAGE.format(hand_over="[visit_for]", second="ill"), encoding="utf-8")
    chain = FlowChain(Session(load_flow_or_raise(door)))
    (tmp_path / "target.yaml").unlink()
    chain.flows = linked_flows(chain.home.flow)[0]
    chain.start()
    chain.handle(Event("choose", "ill"))
    effects = chain.handle(Event("ok"))
    assert chain.flow.id == "door" and chain.status == "calling_staff"
    assert [e.step for e in effects if isinstance(e, ShowStep)] == ["staff_window"]


def test_the_journal_records_the_switch_and_never_the_values(tmp_path: Path) -> None:
    triage = load_flow_or_raise(ROOT / "flows_yaml" / "triage.yaml")
    rows: list[JournalEvent] = []
    chain = FlowChain(Session(triage))
    recorder = SessionRecorder(chain, rows.append, kiosk="k", version="v")
    recorder.started(chain.start())
    for event in (Event("choose", "home_visit"), Event("choose", "ill"), Event("ok"), Event("ok"),
                  Event("enter", "11010519491231002X"), Event("enter", "13812345678")):
        recorder.handled(event, chain.handle(event))
    recorder.close()
    kinds = [(r.flow, r.step, r.kind, r.detail) for r in rows]
    assert ("triage", "go_home_visit", "flow_started", "home_visit") in kinds
    assert ("triage", "go_home_visit", "session_end", "completed") in kinds
    assert ("home_visit", "id_number", "step_shown", "") in kinds  # who it is for was asked; the ID still is
    assert ("home_visit", "phone", "step_shown", "") in kinds
    assert len({r.session for r in rows if r.flow == "triage"}) == 1
    assert {r.session for r in rows if r.flow == "home_visit"}.isdisjoint({r.session for r in rows
                                                                          if r.flow == "triage"})
    assert "13812345678" not in repr(rows) and "11010519491231002X" not in repr(rows)
    assert "ill" not in {r.detail for r in rows}  # what was handed over is in no row


def test_the_folder_of_a_release_is_where_targets_are_found(tmp_path: Path) -> None:
    """A copy of flows_yaml elsewhere (a release) finds its own targets, never the checkout's."""
    shutil.copytree(ROOT / "flows_yaml", tmp_path / "flows_yaml")
    (tmp_path / "flows_yaml" / "home_visit.yaml").unlink()
    flows, missing = linked_flows(load_flow_or_raise(tmp_path / "flows_yaml" / "triage.yaml"))
    assert missing == ["home_visit"] and "hk_macau_renewal" in flows


BRANCHED = """\
flow: door
title: 导办
call_staff: staff_window
steps:
  - id: who
    kind: choice
    text: 给谁办？
    icon: family
    choices:
      - {id: self, text: 我自己, icon: id_card, next: go_on}
      - {id: other, text: 家人, icon: family}
  - id: visit_for
    kind: choice
    text: 谁需要上门？
    icon: family
    choices:
      - {id: elderly, text: 高龄老人, icon: elder}
      - {id: ill, text: 重病卧床, icon: bed}
  - {id: go_on, kind: start_flow, text: 在这里预约上门, icon: house, flow: target, hand_over: [visit_for]}
  - {id: staff_window, kind: handoff, text: 请到人工窗口, icon: staff, window: 3号人工窗口}
"""


def test_an_answer_on_a_branch_the_applicant_left_is_not_handed_over(tmp_path: Path) -> None:
    """家人 -> 重病卧床, Back, Back, 我自己: the abandoned answer stays behind."""
    (tmp_path / "target.yaml").write_text(TARGET, encoding="utf-8")
    (tmp_path / "door.yaml").write_text(BRANCHED, encoding="utf-8")
    chain = FlowChain(Session(load_flow_or_raise(tmp_path / "door.yaml")))
    chain.start()
    for event in (Event("choose", "other"), Event("choose", "ill"), Event("back"), Event("back"),
                  Event("choose", "self")):
        chain.handle(event)
    [started] = [e for e in chain.handle(Event("ok")) if isinstance(e, StartFlow)]
    assert started.inputs == {}


TYPED_DOOR = """\
flow: door
title: 导办
call_staff: staff_window
steps:
  - id: id_number
    kind: text
    text: 请输入身份证号
    icon: id_card
    field: 身份证号
    keypad: id_number
    max_length: 18
    valid: value =~ "^[0-9]{17}[0-9X]$"
    error: 身份证号要 18 位
  - {id: go_on, kind: start_flow, text: 开始, icon: house, flow: target, hand_over: [id_number]}
  - {id: staff_window, kind: handoff, text: 请到人工窗口, icon: staff, window: 3号人工窗口}
"""


def test_a_typed_value_is_never_handed_over(tmp_path: Path) -> None:
    target = TARGET.replace("  helpers: {type: number}", "  id_number: {type: text}")
    (tmp_path / "target.yaml").write_text(target, encoding="utf-8")
    (tmp_path / "door.yaml").write_text(TYPED_DOOR, encoding="utf-8")
    door = load_flow_or_raise(tmp_path / "door.yaml")
    [problem] = link_problems(door).sorted()
    assert problem.code == "SM123" and "typed" in problem.message and problem.location.line == 14
    chain = FlowChain(Session(door))
    chain.start()
    chain.handle(Event("enter", "11010519491231002X"))
    [started] = [e for e in chain.handle(Event("ok")) if isinstance(e, StartFlow)]
    assert started.inputs == {}
