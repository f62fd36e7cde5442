"""The session state machine on the real demo flows: strip, back, change, time-outs, tickets, wiping."""

from __future__ import annotations

import pytest

from seniormode.core.effects import Handoff, Rejected, Reset, ShowStep, Speak, WarnTimeout
from seniormode.core.events import Event
from seniormode.core.flow import Flow
from seniormode.core.session import Session, TicketCounter

pytestmark = pytest.mark.unit

TO_CHECK = [Event("ok"), Event("card"), Event("choose", "normal"), Event("choose", "macau"),
            Event("choose", "family"), Event("choose", "reuse")]


def drive(session: Session, *events: Event) -> list:  # type: ignore[type-arg]
    out = session.start() if not session.history else []
    for e in events:
        out += session.handle(e)
    return out


def shows(effects: list) -> list[ShowStep]:  # type: ignore[type-arg]
    return [e for e in effects if isinstance(e, ShowStep)]


def test_first_screen_is_shown_and_spoken(hk_flow: Flow) -> None:
    effects = Session(hk_flow).start()
    assert isinstance(effects[0], ShowStep) and effects[0].step == "welcome"
    assert isinstance(effects[1], Speak) and effects[1].reason == "prompt" and "欢迎" in effects[1].text
    assert effects[0].strip.position == 1 and not effects[0].can_back


def test_strip_counts_the_longest_way_through_the_flow(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    effects = drive(s, *TO_CHECK)
    strip = shows(effects)[-1].strip
    # 用上次的照片 skips take_photo (step 7): a number skipped, the total the same as with 重新拍照.
    assert shows(effects)[-1].strip_label == "第 8 步，共 12 步"
    assert strip.steps == tuple(s.history)


def test_back_after_speech_speaks_again_and_keeps_answers(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK[:4])
    effects = s.handle(Event("back"))
    assert shows(effects)[0].step == "destination" and shows(effects)[0].strip.position == 4
    assert any(isinstance(e, Speak) and e.reason == "prompt" for e in effects)
    assert s.answers["destination"] == "macau"


def test_change_from_summary_returns_to_summary(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK)
    assert s.current.id == "check"
    effects = s.handle(Event("change", "destination"))
    assert shows(effects)[0].changing
    effects = s.handle(Event("choose", "hongkong"))
    assert shows(effects)[0].step == "check"
    assert s.history == ["welcome", "read_card", "purpose", "destination", "endorsement_type", "photo_source", "check"]


def test_change_link_only_for_rows_on_the_summary(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK)
    [r] = s.handle(Event("change", "pay"))
    assert isinstance(r, Rejected)


def test_timeout_warns_with_at_least_20_seconds_then_resets(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_CHECK[:3])
    assert s.step_timeout() == 60
    assert s.handle(Event("tick", 59)) == []
    [warn, speak] = s.handle(Event("tick", 1))
    assert isinstance(warn, WarnTimeout) and warn.seconds_left >= 20 and warn.extensions_left >= 10
    assert isinstance(speak, Speak) and speak.reason == "warning"
    assert s.handle(Event("tick", 19)) == []
    effects = s.handle(Event("tick", 11))
    assert isinstance(effects[0], Reset) and effects[0].reason == "timeout"
    assert s.answers == {} and s.history == ["welcome"]


def test_ten_extensions_counted_and_a_present_applicant_is_never_refused(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    s.start()
    for i in range(10):
        s.handle(Event("tick", 60))
        [cleared] = s.handle(Event("extend"))
        assert cleared.extensions_left == 9 - i  # type: ignore[attr-defined]
    s.handle(Event("tick", 60))
    [cleared] = s.handle(Event("extend"))
    assert cleared.extensions_left == 0 and s.values()["extensions"] == 11  # type: ignore[attr-defined]
    assert s.current.id == "welcome"


def test_older_applicants_get_longer_timeouts(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 85})
    s.start()
    assert s.step_timeout() == 180


def test_any_touch_clears_the_warning(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, Event("ok"))
    s.handle(Event("tick", 60))
    effects = s.handle(Event("repeat"))
    assert effects[0].kind == "timeout_cleared"
    assert s.handle(Event("tick", 30)) == []


def test_call_staff_from_every_step_gives_a_ticket_with_the_answers(hk_flow: Flow) -> None:
    counter = TicketCounter()
    for n in range(len(TO_CHECK) + 1):
        s = Session(hk_flow, tickets=counter)
        drive(s, *TO_CHECK[:n])
        here = s.current.id
        effects = s.handle(Event("staff")) + s.handle(Event("ok"))  # 叫工作人员, then 打印号码纸
        [handoff] = [e for e in effects if isinstance(e, Handoff)]
        assert handoff.ticket.number == f"S{n + 1:03d}"
        assert handoff.ticket.step == here
        asked = [sid for sid in s.history if sid in s.answers and hk_flow.step(sid).is_question]
        assert len(handoff.ticket.answers) == len(asked) == max(0, n - 2)
        assert handoff.ticket.steps_done[-1] == "staff_window"


def test_no_back_after_payment(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK, Event("ok"), Event("yes"), Event("device_ok"))
    assert s.current.id == "print_receipt"
    assert isinstance(s.handle(Event("back"))[0], Rejected)


def test_number_entry_errors_name_the_field(talent_flow: Flow) -> None:
    s = Session(talent_flow)
    drive(s, Event("ok"), Event("card"), Event("choose", "research"))
    effects = s.handle(Event("enter", "9"))
    show = shows(effects)[0]
    assert show.step == "years" and "年数" in show.error and show.value == "9"
    assert s.values()["errors"] == 1
    effects = s.handle(Event("enter", "2"))
    assert shows(effects)[0].step == "stay_rule"
    assert s.answers["years"] == 2


def test_card_removed_wipes_everything(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, *TO_CHECK)
    effects = s.handle(Event("card_removed"))
    assert isinstance(effects[0], Reset)
    assert s.answers == {} and s.values()["name"] is None


def test_events_that_mean_nothing_here_are_rejected_not_crashes(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    s.start()
    for e in (Event("choose", "macau"), Event("enter", "3"), Event("yes"), Event("device_ok"), Event("card_removed"),
              Event("change", "x"), Event("extend")):
        assert all(isinstance(x, Rejected) for x in s.handle(e))
    assert s.current.id == "welcome"


def test_the_speed_control_slows_the_voice_then_returns_to_the_rules(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 76})
    drive(s, Event("ok"))
    rates = []
    for _ in range(3):
        effects = s.handle(Event("slower"))
        [speak] = [e for e in effects if isinstance(e, Speak)]
        assert speak.reason == "repeat"  # said again at the new pace
        rates.append(speak.rate)
    assert rates == [100, 80, 130]  # the over-70 rule's 130, slower, slower still, back
    assert s.settings()["text_scale"] == 1.4


def test_own_text_and_speed_choices_move_the_rules_value_even_before_the_card(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    s.start()
    s.handle(Event("bigger"))
    s.handle(Event("slower"))
    s.handle(Event("ok"))
    s.handle(Event("card", {"age": 82}))  # the over-80 rule: text x1.6, 110 wpm
    assert s.settings()["text_scale"] == 1.8 and s.settings()["speech_rate"] == 80


BRANCHY = """
flow: branchy
title: 分支
call_staff: staff
rules:
  - {id: retake, when: photo_ok == "retake", after: [photo_ok], go: take_photo}
languages: {display: [zh_Hans_CN, en], voice: [zh_Hans_CN, en, yue_Hans_CN], button: both}
steps:
  - id: q1
    kind: choice
    text: 一
    choices: [{id: a, text: 甲, icon: i}, {id: b, text: 乙, icon: i}]
  - id: q2
    kind: choice
    text: 二
    choices: [{id: x, text: 叉, icon: i, next: q4}, {id: y, text: 歪, icon: i}]
  - {id: q3, kind: info, text: 三}
  - {id: q4, kind: info, text: 四}
  - {id: take_photo, kind: photo, text: 拍照}
  - id: photo_ok
    kind: choice
    text: 照片好吗
    choices: [{id: fine, text: 好, icon: i}, {id: retake, text: 重拍, icon: i}]
  - {id: sum, kind: summary, text: 核对}
  - {id: ok_pay, kind: confirm, text: 付款, next: pay}
  - {id: pay, kind: payment, text: 付, amount: 1}
  - {id: sms, kind: confirm, text: 发短信吗}
  - {id: fin, kind: end, text: 完}
  - {id: staff, kind: handoff, text: 人工, window: 1号}
"""


@pytest.fixture(scope="module")
def branchy() -> Flow:
    from seniormode.core.loader import load_flow_text

    flow, problems = load_flow_text(BRANCHY, "branchy.yaml")
    assert flow is not None, [str(p) for p in problems]
    return flow


def test_a_change_on_the_summary_follows_the_saved_answers_own_way(branchy: Flow) -> None:
    s = Session(branchy)
    drive(s, Event("choose", "a"), Event("choose", "x"), Event("ok"), Event("device_ok"), Event("choose", "fine"))
    assert s.current.id == "sum" and "q3" not in s.history
    s.handle(Event("change", "q1"))
    s.handle(Event("choose", "b"))
    assert s.current.id == "sum" and "q3" not in s.history  # q2 -> q4 as answered, not q3


def test_a_rule_may_send_back_to_a_step_it_names(branchy: Flow) -> None:
    s = Session(branchy)
    drive(s, Event("choose", "a"), Event("choose", "x"), Event("ok"), Event("device_ok"))
    s.handle(Event("choose", "retake"))
    assert s.current.id == "take_photo"


def test_no_on_a_confirm_after_a_payment_goes_on(branchy: Flow) -> None:
    s = Session(branchy)
    drive(s, Event("choose", "a"), Event("choose", "x"), Event("ok"), Event("device_ok"), Event("choose", "fine"),
          Event("ok"), Event("yes"), Event("device_ok"))
    assert s.current.id == "sms"
    s.handle(Event("no"))
    assert s.current.id == "fin" and s.answers["sms"] is False


def test_language_both_keeps_a_screen_language_the_flow_offers(branchy: Flow) -> None:
    s = Session(branchy)
    s.start()
    s.handle(Event("language"))
    assert (s.settings()["voice_language"], s.settings()["display_language"]) == ("en", "en")
    s.handle(Event("language"))
    assert (s.settings()["voice_language"], s.settings()["display_language"]) == ("yue_Hans_CN", "zh_Hans_CN")


def test_a_condition_on_an_unknown_value_is_not_met(hk_flow: Flow) -> None:
    from seniormode.core.problems import Location, Problems
    from seniormode.core.rules.expression import compile_condition
    from seniormode.core.rules.symbols import SymbolTable
    from seniormode.core.source import Scalar

    cond = compile_condition(Scalar(Location("x"), "not first_time"), SymbolTable.with_builtins(), Problems())
    assert cond is not None
    assert cond.evaluate({"first_time": None}).result is False
    assert cond.evaluate({"first_time": False}).result is True


def test_taking_the_card_on_the_ticket_screen_keeps_the_ticket_until_the_time_out(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, Event("ok"), Event("card", {"age": 9, "first_time": True}))
    assert s.current.id == "child_window"
    assert s.handle(Event("card_removed")) == []
    assert s.current.id == "child_window" and s.status == "handed_off"
    effects = s.handle(Event("tick", s.step_timeout()))
    assert isinstance(effects[0], Reset) and s.history == ["welcome"] and s.answers == {}


def test_any_touch_is_activity_and_a_touch_during_the_warning_counts_as_more_time(hk_flow: Flow) -> None:
    s = Session(hk_flow)
    drive(s, Event("ok"))
    limit = s.step_timeout()
    for _ in range(5):  # a touch now and then keeps the time-out away however long it takes
        assert not any(isinstance(e, WarnTimeout) for e in s.handle(Event("tick", limit * 0.9)))
        assert s.handle(Event("touch")) == []
    assert any(isinstance(e, WarnTimeout) for e in s.handle(Event("tick", limit)))
    effects = s.handle(Event("touch"))
    assert [type(e).__name__ for e in effects] == ["TimeoutCleared"] and s.s.extensions == 1
    assert s.current.id == "read_card"


# ---- issue 16: the summary's change link ---------------------------------------------------------------------
TO_PHOTO = [*TO_CHECK[:-1], Event("choose", "new")]


def test_a_photo_is_asked_for_again_when_the_answer_that_needed_it_comes_back(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    assert shows(drive(s, *TO_PHOTO))[-1].step == "take_photo"
    assert shows(s.handle(Event("device_ok")))[-1].step == "check"
    # 用上次的照片: the photo just taken is not needed any more, and straight back to the summary.
    s.handle(Event("change", "photo_source"))
    assert shows(s.handle(Event("choose", "reuse")))[-1].step == "check"
    assert "take_photo" not in s.answers
    # 重新拍照 again: the camera must come back, not count the discarded photo as taken.
    s.handle(Event("change", "photo_source"))
    shown = shows(s.handle(Event("choose", "new")))[-1]
    assert shown.step == "take_photo", s.history
    assert shows(s.handle(Event("device_ok")))[-1].step == "check"


def test_the_same_answer_again_keeps_the_photo_taken(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO, Event("device_ok"))
    s.handle(Event("change", "photo_source"))
    assert shows(s.handle(Event("choose", "new")))[-1].step == "check"  # nothing changed: the photo stands


def test_cancel_change_goes_back_to_the_summary_with_the_old_answer(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO, Event("device_ok"))
    before = (s.answers, s.history)
    shown = shows(s.handle(Event("change", "destination")))[-1]
    assert shown.step == "destination" and shown.changing
    back = s.handle(Event("cancel_change"))
    shown = shows(back)[-1]
    assert shown.step == "check" and not shown.changing
    assert (s.answers, s.history) == before
    assert {r.step: r.answer for r in shown.summary}["destination"] == "澳门"
    assert any(isinstance(e, Speak) and e.reason == "prompt" for e in back)  # the summary is spoken again


def test_cancel_change_after_a_new_branch_was_started_restores_everything(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO[:-1], Event("choose", "reuse"))
    before = (s.answers, s.history)
    s.handle(Event("change", "photo_source"))
    assert shows(s.handle(Event("choose", "new")))[-1].step == "take_photo"  # the new answer's own question
    assert shows(s.handle(Event("cancel_change")))[-1].step == "check"
    assert (s.answers, s.history) == before  # 用上次的照片 still, no photo asked for


def test_cancel_change_is_offered_only_while_changing(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO[:3])
    [r] = s.handle(Event("cancel_change"))
    assert isinstance(r, Rejected)
    assert not shows(s.handle(Event("choose", "macau")))[-1].can_cancel


def test_a_change_that_ends_at_a_hand_off_offers_no_cancel(hk_flow: Flow) -> None:
    """叫工作人员 during a change: the hand-off screen neither shows nor says 取消修改, which could not work there."""
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO, Event("device_ok"))
    s.handle(Event("change", "destination"))
    out = s.handle(Event("staff"))
    shown = shows(out)[-1]
    assert shown.step_kind == "handoff" and not shown.can_cancel
    assert not any(isinstance(e, Speak) and e.reason == "cancel_change" for e in out)


TRIES_FLOW = """\
flow: tries
title: 测试
call_staff: staff_window
steps:
  - id: how
    kind: choice
    text: 怎么核验？
    label: 核验
    icon: question
    choices:
      - {id: card, text: 刷卡, icon: id_card, next: check}
      - {id: finger, text: 指纹, icon: fingerprint}
  - {id: fingerprint, kind: fingerprint, text: 请按指纹, icon: fingerprint, tries: 3}
  - {id: check, kind: summary, text: 请核对, icon: check}
  - {id: done, kind: end, text: 好了, icon: thumbs_up}
  - {id: staff_window, kind: handoff, text: 工作人员马上来, icon: staff, window: 5号窗口}
"""


def test_failed_tries_on_a_cancelled_change_do_not_count_against_the_next() -> None:
    from seniormode.core.loader import load_flow_text

    flow, problems = load_flow_text(TRIES_FLOW, "tries.yaml")
    assert flow is not None, problems
    s = Session(flow)
    drive(s, Event("choose", "card"))
    s.handle(Event("change", "how"))
    drive(s, Event("choose", "finger"), Event("device_failed"), Event("device_failed"))
    assert s.s.tries.failed == {"fingerprint": 2}
    assert shows(s.handle(Event("cancel_change")))[-1].step == "check"
    assert s.s.tries.failed == {}  # put back as they were when 修改 was pressed
    s.handle(Event("change", "how"))
    drive(s, Event("choose", "finger"))
    shown = shows(s.handle(Event("device_failed")))[-1]
    assert shown.step == "fingerprint" and shown.tries_left == 2  # the first failed try of this change


def test_a_question_opened_from_the_change_link_says_how_to_cancel(hk_flow: Flow) -> None:
    s = Session(hk_flow, {"age": 45})
    drive(s, *TO_PHOTO, Event("device_ok"))
    spoken = [e for e in s.handle(Event("change", "destination")) if isinstance(e, Speak)]
    assert any("取消修改" in e.text for e in spoken), spoken


def test_the_terminal_simulator_offers_cancel_change() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # To the summary (用上次的照片), 修改 照片, 重新拍照: the camera, where 取消修改 goes back with the old answer.
    keys = "\n\n1\n2\n3\n1\nc4\n2\nu\nq\n"
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "simulate", "flows_yaml/hk_macau_renewal.yaml",
                           "--input", "age=45"], cwd=root, capture_output=True, text=True, input=keys, timeout=60)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    out = proc.stdout
    change = out.rindex("[take_photo]")
    assert "u 取消修改" in out[change:], out[change:]
    assert "(ignored" not in out and "not a choice here" not in out
    after = out[out.rindex("[check]"):]
    assert "照片: 用上次的照片" in after, after  # the summary again, the old answer kept
