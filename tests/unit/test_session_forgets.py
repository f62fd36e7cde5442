"""What one applicant typed is gone from the kiosk's memory once the next applicant starts."""

from __future__ import annotations

import gc
import types
import weakref
from pathlib import Path

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise, load_flow_text
from seniormode.core.session import Session

pytestmark = pytest.mark.unit
FLOWS = Path(__file__).resolve().parents[2] / "flows_yaml"


def _phone(n: int) -> str:
    return f"13{n:09d}"


# Not walked into: code and modules lead to the whole program (every module's names), not to what a session holds;
# a weak proxy may point at nothing.
_NOT_HELD = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
             types.CodeType, types.FrameType, *weakref.ProxyTypes, weakref.ref)


def _reachable_strings(*roots: object) -> set[str]:
    """Every string the roots hold, through containers and objects (untracked tuples and dicts included)."""
    seen: set[int] = set()
    strings: set[str] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _NOT_HELD):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            strings.add(obj)
            continue
        stack.extend(gc.get_referents(obj))
    return strings


def test_typed_answers_are_not_remembered_past_the_applicant() -> None:
    flow = load_flow_or_raise(FLOWS / "home_visit.yaml")
    session = Session(flow, {"age": 76})
    session.start()
    walk = [Event("ok"), Event("choose", "elderly"), Event("enter", "11010519491231002X"), None,
            Event("choose", "weekend"), Event("ok"), Event("device_ok"), Event("ok")]
    for n in range(1, 31):
        for event in walk:
            session.handle(event or Event("enter", _phone(n)))  # the phone step checks it with `valid:`
        session.handle(Event("tick", 10_000))  # walks away: the time-out wipes the session
        session.handle(Event("tick", 10_000))
    assert session.history == ["welcome"], session.history
    kept = _reachable_strings(session, flow) & {_phone(n) for n in range(1, 31)}
    assert kept == set(), f"{len(kept)} applicants' phone numbers are still held, e.g. {sorted(kept)[:3]}"


# Rules and a shown-if over what was typed and over the card's name: neither is remembered past the applicant.
OWN_FLOW = """
flow: own
title: 自己的
call_staff: staff
rules:
  - {id: a_phone, when: 'phone == "13800000000"', set: {text_scale: 1.4}}
  - {id: a_name, when: 'name == "王"', set: {speech_rate: 120}}
steps:
  - {id: card, kind: id_card, text: 放身份证}
  - {id: phone, kind: text, text: 手机号, field: 手机号, error: 请输入手机号, valid: 'value != "0"', max_length: 11,
     next: note}
  - {id: note, kind: info, text: 好, show_if: 'phone != "1"', next: done}
  - {id: done, kind: end, text: 完成}
  - {id: staff, kind: handoff, text: 人工, window: 1号}
"""


def test_rules_and_conditions_over_typed_answers_and_the_name_forget_them() -> None:
    flow, problems = load_flow_text(OWN_FLOW, "own.yaml")
    assert flow is not None, [str(p) for p in problems]
    session = Session(flow, {"age": 76})
    session.start()
    for n in range(1, 21):
        session.handle(Event("card", {"name": f"王{n:04d}"}))
        session.handle(Event("enter", _phone(n)))
        session.settings()  # what the screen asks at every event: the adaptation rules over `phone` and `name`
        session.handle(Event("card_removed"))  # the applicant goes: the session is wiped
    assert session.history == ["card"], session.history
    typed = {_phone(n) for n in range(1, 21)} | {f"王{n:04d}" for n in range(1, 21)}
    kept = _reachable_strings(session, flow) & typed
    assert kept == set(), f"{len(kept)} typed answers or names are still held, e.g. {sorted(kept)[:3]}"
