"""What one applicant typed is gone from the kiosk's memory once the next applicant starts."""

from __future__ import annotations

import gc
import types
import weakref
from pathlib import Path

import pytest

from seniormode.core.events import Event
from seniormode.core.loader import load_flow_or_raise
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
