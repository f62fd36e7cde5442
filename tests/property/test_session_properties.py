"""Random applicants never break a session: no crash, no forbidden step, a consistent strip, wiped resets."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seniormode.core.effects import Reset, ShowStep, Speak
from seniormode.core.events import Event
from seniormode.core.flow import Flow
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.session import Session

pytestmark = pytest.mark.property

FLOWS = {p.stem: load_flow_or_raise(p) for p in sorted((Path(__file__).resolve().parents[2] / "flows_yaml")
                                                        .glob("*.yaml"))}
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def events_for(flow: Flow) -> st.SearchStrategy[Event]:
    choice_ids = sorted({c.id for s in flow.steps for c in s.choices}) + ["nope"]
    step_ids = [s.id for s in flow.steps]
    card = st.fixed_dictionaries({}, optional={
        "age": st.integers(0, 105), "first_time": st.booleans(),
        "region": st.sampled_from(["广东", "北京", "香港"]), "wheelchair": st.booleans()})
    return st.one_of(
        st.sampled_from([Event(k) for k in ("ok", "yes", "no", "back", "repeat", "help", "staff", "extend",
                                            "card_removed", "device_ok", "device_failed", "reset")]),
        st.sampled_from(choice_ids).map(lambda c: Event("choose", c)),
        st.sampled_from(step_ids).map(lambda c: Event("change", c)),
        st.one_of(st.integers(-5, 99).map(str), st.text(max_size=14),
                  st.sampled_from(["13812345678", "3", "1e9", "NaN", "Infinity", "-0", "0.5"])
                  ).map(lambda v: Event("enter", v)),
        st.floats(0, 400).map(lambda t: Event("tick", t)),
        card.map(lambda d: Event("card", d)),
    )


def check_invariants(session: Session, flow: Flow, effects: list) -> None:  # type: ignore[type-arg]
    history = session.history
    assert history, "a session always shows a step"
    assert all(flow.has_step(s) for s in history)
    strip = session.strip()
    assert 1 <= strip.position <= strip.total
    assert strip.total == session.numbers.total  # the flow's own total: no answer, branch or handoff moves it
    assert strip.steps == tuple(history)
    if flow.step(history[-1]).kind == "handoff":  # a handoff is never shown as a finished flow
        assert strip.stopped and strip.position < strip.total
    shown = [e for e in effects if isinstance(e, ShowStep)]
    if shown:
        last = shown[-1]
        assert last.step == history[-1]
        step = flow.step(last.step)
        # Never a step its show_if forbids at the moment it is shown.
        if step.show_if is not None:
            assert step.show_if.evaluate(session.values()).result
        assert last.strip == strip
        # Every screen change is spoken.
        speaks = [e for e in effects if isinstance(e, Speak)]
        assert speaks
    answers = session.answers
    # Money never moves without a yes on the confirm step before it.
    for sid in session.history:
        if flow.step(sid).kind == "payment":
            confirms = [s for s in history[:history.index(sid)] if flow.step(s).kind == "confirm"]
            assert confirms and answers.get(confirms[-1]) is True
    if any(isinstance(e, Reset) for e in effects):
        resets = [i for i, e in enumerate(effects) if isinstance(e, Reset)]
        later = effects[resets[-1] + 1:]
        assert not any(e.kind in ("handoff",) for e in later)
        assert session.answers == {}
        assert session.history[0] == flow.first.id


@pytest.mark.parametrize("name", sorted(FLOWS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_event_sequences_keep_every_invariant(name: str, data: st.DataObject) -> None:
    flow = FLOWS[name]
    inputs = data.draw(st.fixed_dictionaries({}, optional={"age": st.integers(0, 105), "first_time": st.booleans()}))
    session = Session(flow, inputs, clock=CLOCK)
    check_invariants(session, flow, session.start())
    for event in data.draw(st.lists(events_for(flow), max_size=40)):
        check_invariants(session, flow, session.handle(event))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 15), st.lists(events_for(FLOWS["hk_macau_renewal"]), max_size=20))
def test_a_first_time_child_never_reaches_payment(age: int, events: list[Event]) -> None:
    flow = FLOWS["hk_macau_renewal"]
    session = Session(flow, clock=CLOCK)
    session.start()
    session.handle(Event("ok"))
    effects = session.handle(Event("card", {"age": age, "first_time": True}))
    assert [e.step for e in effects if isinstance(e, ShowStep)] == ["child_window"]
    for event in events:
        if event.kind in ("reset", "card_removed", "card") or (event.kind == "tick") or event.kind == "ok":
            continue  # these start a new applicant; the property is about this one
        session.handle(event)
        assert session.current.kind != "payment"
        assert session.current.id == "child_window"


@settings(max_examples=300, deadline=None)
@given(st.lists(events_for(FLOWS["hk_macau_renewal"]), max_size=30),
       st.sampled_from([Event("reset"), Event("tick", 10_000)]))
def test_reset_always_wipes(events: list[Event], wipe: Event) -> None:
    flow = FLOWS["hk_macau_renewal"]
    session = Session(flow, {"age": 70}, clock=CLOCK)
    session.start()
    for e in events:
        session.handle(e)
    effects = session.handle(wipe)
    if not any(isinstance(e, Reset) for e in effects):
        # a tick during a warning with more idle time left, e.g.; a second long tick always resets
        effects = session.handle(Event("tick", 10_000))
    assert any(isinstance(e, Reset) for e in effects)
    assert session.answers == {}
    assert session.history == ["welcome"]
    assert session.values()["errors"] == 0 and session.values()["name"] is None
