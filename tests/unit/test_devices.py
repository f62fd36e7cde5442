"""Fingerprint, signature and live face in the core: tries, guidance, thresholds, verdicts, wiping, and lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.devices import SignatureLimits, StrokeHolder, TriesState, measure, sample_strokes, verdict
from seniormode.core.effects import Handoff, Rejected, ShowStep, Speak
from seniormode.core.events import Event, EventError, parse_event
from seniormode.core.loader import load_flow_or_raise, load_flow_text
from seniormode.core.problems import Location
from seniormode.core.session import Session

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PERMIT = load_flow_or_raise(ROOT / "flows_yaml" / "permit_application.yaml")
TO_FINGERPRINT = [Event("ok"), Event("card"), Event("yes"), Event("choose", "renew"), Event("choose", "retired"),
                  Event("choose", "reuse")]


def drive(session: Session, *events: Event) -> list:  # type: ignore[type-arg]
    out = session.start() if not session.history else []
    for e in events:
        out += session.handle(e)
    return out


def last_show(effects: list) -> ShowStep:  # type: ignore[type-arg]
    return [e for e in effects if isinstance(e, ShowStep)][-1]


# ---- the signature's measure and verdict -------------------------------------------------------------------------

def test_measure_is_the_bounding_box_the_length_and_the_points() -> None:
    m = measure([[(10.0, 10.0), (40.0, 10.0), (40.0, 30.0)], [(5.0, 20.0)]])
    assert (m.width_mm, m.height_mm, m.length_mm, m.points, m.strokes) == (35.0, 20.0, 50.0, 4, 2)
    assert measure([]) == measure([[]])


@pytest.mark.parametrize(("strokes", "expected"), [
    ([], "empty"),
    ([[(0.0, 0.0), (39.9, 20.0)]], "too_small"),             # 0.1 mm too narrow
    ([[(0.0, 0.0), (50.0, 7.9)]], "too_small"),              # 0.1 mm too low
    ([[(0.0, 0.0), (50.0, 10.0)]], "too_short"),             # big enough, 51 mm long (80 needed)
    ([[(0.0, 0.0), (50.0, 10.0), (0.0, 10.0), (50.0, 0.0)]], "too_short"),  # long enough, 4 points (20 needed)
    ([[(x * 2.5, 10.0 * (x % 2)) for x in range(20)]], "ok"),  # 47.5 x 10 mm, 20 points, ~200 mm
])
def test_verdict_at_the_default_limits(strokes: list, expected: str) -> None:  # type: ignore[type-arg]
    assert verdict(measure(strokes), SignatureLimits()) == expected


def test_verdict_follows_the_steps_own_limits() -> None:
    line = measure([[(x * 1.0, float(x % 2) * 5) for x in range(30)]])  # 29 x 5 mm, ~170 mm, 30 points
    assert verdict(line, SignatureLimits()) == "too_small"
    assert verdict(line, SignatureLimits(min_width_mm=20, min_height_mm=4)) == "ok"
    assert verdict(line, SignatureLimits(min_width_mm=20, min_height_mm=4, min_points=31)) == "too_short"


@pytest.mark.parametrize("kind", ["ok", "too_small", "too_short", "empty"])
def test_the_sample_strokes_are_what_they_say_on_any_pad(kind: str) -> None:
    for limits in (SignatureLimits(), SignatureLimits(min_width_mm=100, min_height_mm=30, min_length_mm=400)):
        strokes = sample_strokes(kind, limits, 216.0, 100.0)
        assert verdict(measure(strokes), limits) == kind


def test_the_holder_forgets_every_point() -> None:
    holder = StrokeHolder()
    holder.begin((1.0, 2.0))
    holder.extend((3.0, 4.0))
    holder.extend((3.0, 4.0))  # a finger resting: the same point once
    holder.extend((5.0, 4.0))
    holder.begin((9.0, 9.0))
    assert holder.strokes == (((1.0, 2.0), (3.0, 4.0), (5.0, 4.0)), ((9.0, 9.0),))
    first = holder._strokes[0]  # noqa: SLF001 - the list itself is emptied, not only dropped
    holder.clear()
    assert holder.empty and holder.strokes == () and first == []
    assert holder.measure().points == 0


# ---- tries and guidance --------------------------------------------------------------------------------------------

def test_tries_count_per_step_and_a_pass_forgets_them() -> None:
    tries = TriesState()
    assert (tries.fail("a"), tries.fail("a"), tries.fail("b")) == (1, 2, 1)
    assert tries.left("a", 3) == 1
    tries.passed("a")
    assert tries.left("a", 3) == 3 and tries.left("b", 3) == 2


def test_a_poor_fingerprint_says_the_next_guidance_and_the_tries_left() -> None:
    s = Session(PERMIT)
    shown = last_show(drive(s, *TO_FINGERPRINT))
    assert shown.step == "fingerprint" and shown.tries_left == 3 and not shown.error
    effects = s.handle(Event("device_failed"))
    spoken = [e for e in effects if isinstance(e, Speak)]
    assert last_show(effects).error == "没有按清楚。请把手指放平，稍微用力。" and last_show(effects).tries_left == 2
    assert spoken[-1].reason == "error" and "稍微用力" in spoken[-1].text
    effects = s.handle(Event("device_failed"))
    assert "擦干净" in last_show(effects).error and last_show(effects).tries_left == 1
    assert s.handle(Event("device_ok")) and s.current.id == "signature" and s.answers["fingerprint"] is True


def test_the_last_poor_try_prints_a_ticket_for_staff_saying_why() -> None:
    s = Session(PERMIT)
    effects = drive(s, *TO_FINGERPRINT, Event("device_failed"), Event("device_failed"), Event("device_failed"))
    ticket = next(e.ticket for e in effects if isinstance(e, Handoff))
    assert s.current.id == "staff_window" and s.status == "handed_off"
    assert ticket.reason == "“请按指纹”试了 3 次没有成功" and ticket.step == "fingerprint"
    assert "fingerprint" not in s.answers


def test_the_kiosks_own_guidance_when_the_flow_gives_none_and_fail_next() -> None:
    flow, problems = load_flow_text(FLOW_HEAD + """
  - id: finger
    kind: fingerprint
    text: 请按指纹
    icon: fingerprint
    tries: 2
    fail_next: finger_window
  - id: face
    kind: live_face
    text: 请看镜头
    icon: face_check
    instruction: 请张张嘴
  - id: done
    kind: end
    text: 好了
    icon: thumbs_up
  - id: finger_window
    kind: handoff
    text: 请到指纹窗口
    icon: staff
    window: 4号指纹窗口
""" + STAFF)
    assert flow is not None, problems.sorted()
    s = Session(flow)
    effects = drive(s, Event("device_failed"))
    assert last_show(effects).error == "没有按清楚。请把手指放平，稍微用力。"
    effects = s.handle(Event("device_failed"))
    assert s.current.id == "finger_window"  # tries: 2, and its own window
    assert next(e.ticket for e in effects if isinstance(e, Handoff)).window == "4号指纹窗口"
    s = Session(flow)
    shown = last_show(drive(s, Event("device_ok")))
    assert shown.step == "face" and shown.instruction == "请张张嘴"
    said = [e for e in s.handle(Event("repeat")) if isinstance(e, Speak)][0].text
    assert said.endswith("请张张嘴")  # said after the prompt
    effects = s.handle(Event("device_failed"))
    assert "请张张嘴" in last_show(effects).error and last_show(effects).tries_left == 2


def test_a_reset_wipes_the_tries_and_the_signature() -> None:
    s = Session(PERMIT, {"age": 45})
    drive(s, *TO_FINGERPRINT, Event("device_failed"), Event("device_failed"))
    assert s.s.tries.failed == {"fingerprint": 2}
    drive(s, Event("tick", s.step_timeout()), Event("tick", PERMIT.timeout.warning))
    assert s.current.id == "welcome" and s.s.tries.failed == {} and s.answers == {}
    drive(s, *TO_FINGERPRINT, Event("device_failed"), Event("device_ok"), Event("signed"))
    assert s.current.id == "live_face" and s.answers["signature"] is True  # only a yes: nothing of the strokes
    drive(s, Event("card_removed"))
    assert s.answers == {} and s.s.tries.failed == {}


def test_the_session_takes_a_verdict_only_on_a_signature_step() -> None:
    s = Session(PERMIT)
    drive(s, *TO_FINGERPRINT)
    assert isinstance(s.handle(Event("signed", "ok"))[-1], Rejected)
    drive(s, Event("device_ok"))
    assert isinstance(s.handle(Event("device_ok"))[-1], Rejected)  # the pad's own button, never the session's
    assert isinstance(s.handle(Event("signed", [[1, 2], [3, 4]]))[-1], Rejected)  # strokes are not a verdict
    for kind, said in (("too_small", "签名太小了"), ("too_short", "签名太短了"), ("empty", "还没有签名")):
        effects = s.handle(Event("signed", kind))
        assert said in last_show(effects).error and s.current.id == "signature"
    assert s.s.errors == 3 and "signature" not in s.answers


def test_signed_events_in_scripts_are_checked() -> None:
    here = Location("script.yaml", 3, 5)
    assert parse_event("signed", here).value == "ok"
    assert parse_event({"signed": "too_small"}, here).value == "too_small"
    with pytest.raises(EventError, match="did you mean 'too_short'"):
        parse_event({"signed": "too_shrt"}, here)


# ---- loading and lint ----------------------------------------------------------------------------------------------

FLOW_HEAD = """flow: devices
title: 测试
call_staff: staff_window
steps:
"""
STAFF = """  - id: staff_window
    kind: handoff
    text: 工作人员马上来
    icon: staff
    window: 5号窗口
"""


def problems_of(step: str) -> list[tuple[str, int, str]]:
    _, problems = load_flow_text(FLOW_HEAD + step + """  - id: done
    kind: end
    text: 好了
    icon: thumbs_up
""" + STAFF, "t.yaml")
    return [(p.code, p.location.line, p.message) for p in problems.sorted()]


@pytest.mark.parametrize(("step", "code", "line", "words"), [
    ("  - {id: face, kind: live_face, text: 请看镜头, icon: face_check}\n", "SM103", 5, "needs 'instruction'"),
    ("  - {id: f, kind: fingerprint, text: 请按, icon: fingerprint, tries: 6}\n", "SM108", 5,
     "'tries' is 6; it must be from 1 to 5"),
    ("  - {id: f, kind: fingerprint, text: 请按, icon: fingerprint, tries: 0}\n", "SM108", 5, "from 1 to 5"),
    ("  - {id: f, kind: fingerprint, text: 请按, icon: fingerprint, tries: 2.5}\n", "SM108", 5, "whole number"),
    ("  - {id: f, kind: fingerprint, text: 请按, icon: fingerprint, fail_next: staf_window}\n", "SM104", 5,
     "unknown step 'staf_window' in 'fail_next'"),
    ("  - {id: s, kind: signature, text: 请签名, icon: signature, min_width_mm: 500}\n", "SM108", 5,
     "'min_width_mm' is 500; it must be from 5 to 250"),
    ("  - {id: s, kind: signature, text: 请签名, icon: signature, tries: 3}\n", "SM101", 5, "unknown key 'tries'"),
    ("  - {id: f, kind: fingerprint, text: 请按, icon: fingerprint, guidance: [放平, 用力, 擦干]}\n", "SM120", 5,
     "3 guidance lines, but after 3 tries only 2 can be said"),
])
def test_lint_of_the_new_steps(step: str, code: str, line: int, words: str) -> None:
    found = problems_of(step)
    assert any(c == code and ln == line and words in m for c, ln, m in found), found


def test_a_signature_steps_limits_come_from_the_yaml() -> None:
    flow, problems = load_flow_text(FLOW_HEAD + """  - id: s
    kind: signature
    text: 请签名
    icon: signature
    min_width_mm: 60
    min_points: 40
    button: 写好了
  - {id: done, kind: end, text: 好了, icon: thumbs_up}
""" + STAFF)
    assert flow is not None, problems.sorted()
    step = flow.step("s")
    assert step.signature == SignatureLimits(min_width_mm=60, min_height_mm=8, min_length_mm=80, min_points=40)
    s = Session(flow)
    shown = last_show(s.start())
    assert shown.signature == step.signature and shown.button == "写好了"


def test_the_demo_flow_holds_its_order_and_no_biometric_comes_after_paying() -> None:
    order = [s.id for s in PERMIT.steps]
    assert order.index("fingerprint") < order.index("signature") < order.index("live_face") < order.index("pay")
    _, problems = load_flow_text(FLOW_HEAD + """  - {id: confirm_pay, kind: confirm, text: 付款？, icon: money}
  - {id: pay, kind: payment, text: 请付款, icon: qr_code, amount: 60}
  - {id: face, kind: live_face, text: 请看镜头, icon: face_check, instruction: 请眨眨眼}
  - {id: done, kind: end, text: 好了, icon: thumbs_up}
""" + STAFF, "t.yaml")
    assert [(p.code, p.location.line) for p in problems.errors] == [("SM121", 7)]


def test_the_terminal_simulator_keeps_s_for_staff_on_a_signature() -> None:
    """s calls staff on every screen; a signature's 'too short' is o (the screen's own hint says so)."""
    from seniormode.simulator import key_to_event, render

    flow = load_flow_or_raise(Path(__file__).resolve().parents[2] / "flows_yaml" / "permit_application.yaml")
    session = Session(flow, {"age": 68})
    session.start()
    [shown] = [e for e in session.jump_to("signature") if isinstance(e, ShowStep)][-1:]
    assert key_to_event("s", shown) == Event("staff")
    assert key_to_event("o", shown) == Event("signed", "too_short")
    assert key_to_event("f", shown) == Event("signed", "too_small")
    assert any("o = too short" in line for line in render(shown))
