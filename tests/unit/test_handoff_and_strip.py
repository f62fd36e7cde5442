"""The strip never jumps, a handoff is not a finished flow, Back undoes a mistaken call until the ticket prints,
and the ticket tells staff what was done, with no typed value on it."""

from __future__ import annotations

import copy
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.effects import Effect, Handoff, Rejected, ShowStep, Speak
from seniormode.core.events import Event
from seniormode.core.flow import DEVICE_OK_KINDS, Flow
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise, load_flow_text
from seniormode.core.session import CALLING, Session

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEMO_FLOWS = {p.stem: load_flow_or_raise(p) for p in sorted((ROOT / "flows_yaml").glob("*.yaml"))}
TO_CHECK = [Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
            Event("choose", "family"), Event("choose", "reuse")]


def shows(effects: list[Effect]) -> list[ShowStep]:
    return [e for e in effects if isinstance(e, ShowStep)]


def drive(session: Session, *events: Event) -> list[Effect]:
    out = session.start() if not session.history else []
    for e in events:
        out += session.handle(e)
    return out


def answers_for(flow: Flow, session: Session) -> list[Event]:
    """Every answer the current screen takes (typed ones: a value its check accepts and one it refuses)."""
    step = session.current
    events = [Event("back"), Event("staff")]
    if step.kind == "choice":
        events += [Event("choose", c.id) for c in step.choices]
    elif step.kind == "confirm":
        events += [Event("yes"), Event("no")]
    elif step.kind in ("number", "text"):
        events += [Event("enter", v) for v in ("1", "3", "4", "5", "13800138000", "11010519491231002X", "12")]
    elif step.kind == "id_card":
        events += [Event("card", {"age": 9, "first_time": True}), Event("card", {"age": 45}),
                   Event("card", {"age": 85})]
    elif step.kind in (*DEVICE_OK_KINDS, "fingerprint", "live_face"):
        events += [Event("device_ok"), Event("device_failed")]
    elif step.kind == "signature":
        events += [Event("signed", "ok"), Event("signed", "too_small")]
    elif step.kind == "summary":
        events += [Event("ok")] + [Event("change", r.step) for r in session._summary_rows(step)]
    else:
        events += [Event("ok")]
    return events


def every_screen(flow: Flow, limit: int = 3000) -> list[ShowStep]:
    """Walk every branch of a flow (breadth first over distinct states) and return every screen shown."""
    seen: set[Any] = set()
    first = Session(flow)
    screens = shows(first.start())
    queue: deque[Session] = deque([first])
    while queue and len(seen) < limit:
        s = queue.popleft()
        key = (tuple(s.history), tuple(sorted((k, str(v)) for k, v in s.answers.items())), s.status, s.s.changing)
        if key in seen or s.status not in ("active", CALLING):
            continue
        seen.add(key)
        for event in answers_for(flow, s):
            branch = copy.copy(s)  # the same flow and counters, its own applicant
            branch.s = copy.deepcopy(s.s)
            screens += shows(branch.handle(event))
            queue.append(branch)
    assert not queue or len(seen) >= limit
    return screens


@pytest.mark.parametrize("name", sorted(DEMO_FLOWS))
def test_the_strip_total_is_the_same_on_every_screen_of_every_branch(name: str) -> None:
    flow = DEMO_FLOWS[name]
    screens = every_screen(flow)
    totals = {sh.strip.total for sh in screens}
    assert len(totals) == 1, f"{name}: the strip's total takes the values {sorted(totals)}"
    assert {sh.step for sh in screens} == {s.id for s in flow.steps}  # every step was reached
    for sh in screens:
        assert 1 <= sh.strip.position <= sh.strip.total
        if sh.step_kind == "end":
            assert sh.strip.position == sh.strip.total and not sh.strip.stopped
        if sh.step_kind == "handoff":  # where they stopped, never "step n of n" ...
            assert sh.strip.stopped, sh.strip_label
            # ... except at the doorway to another flow (a start_flow step is this flow's last screen, not a
            # finished service): 停在第 3 步，共 3 步 is where they were
            came_from = flow.step(sh.strip.steps[-2]) if len(sh.strip.steps) > 1 else None
            if came_from is None or came_from.kind != "start_flow":
                assert sh.strip.position < sh.strip.total, sh.strip_label
            assert not sh.strip_label.startswith("第")


def test_choosing_a_new_photo_keeps_the_total_and_the_staff_screen_is_not_finished(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    before = shows(drive(s, *TO_CHECK[:5]))[-1]
    after = shows(s.handle(Event("choose", "new")))[-1]
    assert after.step == "take_photo" and after.strip.total == before.strip.total
    assert after.strip.position == before.strip.position + 1
    staff = shows(s.handle(Event("staff")))[-1]
    assert staff.strip_label == f"停在第 {after.strip.position} 步，共 {after.strip.total} 步"


def test_back_from_a_mistaken_call_returns_to_the_step_with_the_answers_kept(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK[:4])
    assert s.current.id == "endorsement_type"
    effects = s.handle(Event("staff"))
    shown = shows(effects)[-1]
    assert shown.step == "staff_window" and shown.can_back and not shown.printed
    assert not any(isinstance(e, Handoff) for e in effects)  # no ticket is printed yet
    assert shown.button == "打印号码纸"
    [said] = [e for e in effects if isinstance(e, Speak)]
    assert "返回" in said.text
    effects = s.handle(Event("back"))
    assert shows(effects)[-1].step == "endorsement_type" and s.status == "active"
    assert s.answers == {"read_card": True, "purpose": "normal", "destination": "macau"}
    assert s.tickets.take("S") == "S001"  # no number was used up by the mistaken call
    drive(s, Event("choose", "family"))
    assert s.current.id == "photo_source"


def test_once_the_ticket_is_printed_back_is_no_longer_offered(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK[:4], Event("staff"))
    effects = s.handle(Event("ok"))  # 打印号码纸
    [handoff] = [e for e in effects if isinstance(e, Handoff)]
    shown = shows(effects)[-1]
    assert handoff.ticket.number == "S001" and shown.printed and not shown.can_back
    assert isinstance(s.handle(Event("back"))[0], Rejected)
    assert s.current.id == "staff_window" and s.status == "handed_off"


def test_a_call_nobody_answers_prints_the_ticket_at_the_time_out(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, Event("ok"), Event("staff"))
    assert s.handle(Event("tick", s.step_timeout() - 1)) == []
    effects = s.handle(Event("tick", 1))
    assert any(isinstance(e, Handoff) for e in effects) and s.status == "handed_off"


def test_a_routed_handoff_prints_at_once_and_offers_no_back(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    effects = drive(s, Event("ok"), Event("card", {"age": 9, "first_time": True}))
    assert any(isinstance(e, Handoff) for e in effects)
    shown = shows(effects)[-1]
    assert shown.step == "child_window" and not shown.can_back and shown.strip_label.startswith("停在第 2 步")


@pytest.mark.parametrize(("locale", "words", "strip"), [("yue_Hans_CN", "撳“返回”", "停喺第 2 步"),
                                                        ("en", "press Back", "Stopped at step 2 of")])
def test_the_way_back_is_spoken_and_shown_in_every_language(hk_flow: Flow, locale: str, words: str,
                                                             strip: str) -> None:
    s = Session(hk_flow, catalogs=Catalogs(ROOT / "locales"),
                preferences={"display_language": locale, "voice_language": locale})
    effects = drive(s, Event("ok"))
    effects = s.handle(Event("staff"))
    [said] = [e for e in effects if isinstance(e, Speak)]
    shown = shows(effects)[-1]
    assert words in said.text and said.language == locale and "按错了" not in said.text
    assert shown.strip_label.startswith(strip)
    if locale == "en":
        assert shown.button == "Print my ticket"


def test_the_staff_screen_and_slip_say_what_was_done_and_where_it_stopped(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK[:4])
    shown = shows(s.handle(Event("staff")))[-1]
    assert shown.done_so_far is not None
    assert [(r.label, r.answer) for r in shown.done_so_far.done] == [
        ("请放身份证", ""), ("办理方式", "平常办理"), ("去往", "澳门")]
    assert shown.done_so_far.stopped_at == "签注种类"
    [handoff] = [e for e in s.handle(Event("ok")) if isinstance(e, Handoff)]
    slip = "\n".join(handoff.ticket.lines())
    assert "已办: 请放身份证 · 办理方式 平常办理 · 去往 澳门" in slip and "停在: 签注种类" in slip
    assert "陈伯" not in slip  # the name the card reader read is not on it


ID_FLOW = """
flow: id_typed
title: 身份证号
call_staff: staff
steps:
  - {id: welcome, kind: info, text: 欢迎}
  - {id: read_card, kind: id_card, text: 请放身份证, simulate: {name: 王小明, age: 70}}
  - id: id_number
    kind: text
    text: 请输入身份证号
    label: 身份证号
    field: 身份证号
    max_length: 18
  - id: phone
    kind: text
    text: 请输入手机号
    label: 手机号
    field: 手机号
    max_length: 11
  - id: kind
    kind: choice
    text: 办什么
    label: 业务
    choices: [{id: a, text: 换证, icon: i}, {id: b, text: 补证, icon: i}]
  - {id: check, kind: summary, text: 核对}
  - {id: fin, kind: end, text: 完}
  - {id: staff, kind: handoff, text: 人工, window: 1号}
"""
ID_NUMBER, PHONE = "110105194912310021", "13912345678"


@pytest.mark.parametrize("stop", ["phone", "kind", "check"])
def test_a_typed_id_number_never_appears_on_the_staff_screen_or_the_slip(stop: str) -> None:
    flow, problems = load_flow_text(ID_FLOW, "id_typed.yaml")
    assert flow is not None, [str(p) for p in problems]
    s = Session(flow)
    events = [Event("ok"), Event("card"), Event("enter", ID_NUMBER), Event("enter", PHONE), Event("choose", "b")]
    drive(s, *events[:{"phone": 3, "kind": 4, "check": 5}[stop]])
    assert s.current.id == stop
    effects = s.handle(Event("staff")) + s.handle(Event("ok"))
    [handoff] = [e for e in effects if isinstance(e, Handoff)]
    everything = repr(effects) + "\n".join(handoff.ticket.lines())
    for secret in (ID_NUMBER, PHONE, "王小明", ID_NUMBER[-6:]):
        assert secret not in everything
    assert "身份证号" in "\n".join(handoff.ticket.lines())  # the step is named as done, without its value


def test_taking_the_card_out_before_the_ticket_prints_prints_it_and_back_no_longer_resumes() -> None:
    from seniormode.core.events import Event as E
    from seniormode.core.loader import load_flow_or_raise as load
    from seniormode.core.session import Session as S

    flow = load(Path(__file__).resolve().parents[2] / "flows_yaml" / "hk_macau_renewal.yaml")
    session = S(flow)
    session.start()
    for event in (E("ok"), E("card"), E("choose", "normal"), E("staff")):
        session.handle(event)
    assert session.status == "calling_staff"
    effects = session.handle(E("card_removed"))
    assert any(e.kind == "handoff" for e in effects) and session.status == "handed_off"
    session.handle(E("back"))
    assert session.current.id == "staff_window"  # the next person cannot walk on in this applicant's session
