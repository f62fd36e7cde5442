"""Whole-flow checks that need every step read first: targets, reachability, ways out, senior rules."""

from __future__ import annotations

from .devices import TRIES_KINDS
from .flow import IRREVERSIBLE_KINDS, Flow, Step
from .graph import Edge, Reach, can_finish, dominators, edges, reachable
from .problems import Location, Problems, did_you_mean
from .rules.analysis import describe, route_gap

# Screen text is read by people who read little: warn when one screen's words run long.
MAX_SCREEN_TEXT = 40
MAX_SPOKEN_TEXT = 200


def check_flow(flow: Flow, problems: Problems, call_staff_location: Location,
               written_ids: set[str] | frozenset[str] = frozenset()) -> None:
    """`written_ids` are ids of steps in the file that could not be read; naming them is not an SM104."""
    ids = [s.id for s in flow.steps]
    seen: dict[str, Location] = {}
    for step in flow.steps:
        if step.id in seen:
            problems.error("SM105", f"step id '{step.id}' is used twice", step.location,
                           f"first at line {seen[step.id].line}")
        else:
            seen[step.id] = step.location

    def target(name: str, location: Location, what: str) -> None:
        if not flow.has_step(name) and name not in written_ids:
            problems.error("SM104", f"unknown step '{name}' in {what}", location,
                           did_you_mean(name, ids) or f"steps are: {', '.join(ids[:10])}")

    for step in flow.steps:
        for b in step.next:
            target(b.target, b.location, f"'next' of step '{step.id}'")
        for c in (*step.choices, *step.hard):
            if c.next:
                target(c.next, c.next_location or c.location, f"choice '{c.id}'")
        if step.no_next:
            target(step.no_next, step.no_next_location or step.location, f"'no_next' of step '{step.id}'")
        if step.fail_next:
            target(step.fail_next, step.fail_next_location or step.location, f"'fail_next' of step '{step.id}'")
        for name, loc in zip(step.show, step.show_locations, strict=True):
            target(name, loc, f"'show' of summary '{step.id}'")
    for rule in flow.rules.rules:
        if rule.go:
            target(rule.go, rule.go_location or rule.location, f"rule '{rule.id}'")
        for name, loc in zip(rule.after, rule.after_locations, strict=True):
            target(name, loc, f"'after' of rule '{rule.id}'")

    if not flow.has_step(flow.call_staff):
        target(flow.call_staff, call_staff_location, "'call_staff'")
    elif flow.step(flow.call_staff).kind != "handoff":
        problems.error("SM110", f"call_staff names '{flow.call_staff}', which is a step of kind "
                                f"'{flow.step(flow.call_staff).kind}'",
                       call_staff_location, "it must name a 'handoff' step with a window and a ticket")

    if problems.has_errors:
        return  # graph checks on a broken graph only repeat the errors above
    all_edges = edges(flow)
    reach = reachable(flow, all_edges)
    for step in flow.steps:
        if step.id not in reach:
            problems.error("SM106", f"step '{step.id}' can never be reached", step.location,
                           "point a 'next' or a choice at it, or remove it")
    doms: dict[str, dict[str, set[str]]] = {}  # dominators, worked out once if a step needs them
    for step in flow.steps:
        if step.is_terminal:
            continue
        if step.kind == "choice" and step.choices and all(c.next for c in step.choices):
            continue
        if step.next and all(b.condition is not None for b in step.next) and flow.following(step.id) is None:
            _check_route_gap(flow, step, problems, all_edges, doms)
        elif not step.next and flow.following(step.id) is None:
            problems.error("SM107", f"step '{step.id}' has no way out", step.location,
                           "add 'next: STEP', or make the last step an 'end' or 'handoff'")
    _check_loops(flow, problems, all_edges, reach)
    _check_endings(flow, problems)
    _check_changes_after_irreversible(flow, problems, all_edges)
    _check_tries_after_payment(flow, problems, all_edges)
    _check_senior_rules(flow, problems, all_edges)


# What must come just before an irreversible step: a payment is confirmed by a screen that names the amount;
# printing by a confirm, the check-your-answers summary, or the confirmed payment it follows.
CONFIRMED_BY = {"payment": ("confirm",), "print": ("confirm", "summary", "payment")}

# Names the session always knows; the others may be unknown until a step answers them or the card is read.
ALWAYS_KNOWN = frozenset({"hour", "weekday", "step", "errors", "extensions", "helps"})
CARD_NAMES = frozenset({"age", "first_time", "region", "name"})


def _check_route_gap(flow: Flow, step: Step, problems: Problems, all_edges: list[Edge],
                     doms: dict[str, dict[str, set[str]]]) -> None:
    """`next: - if:` lines with no plain `- go:` and no step below: prove every answer has a line, or show one.

    Routing rules that apply after this step are tried first, as the session does; the step's own answer
    takes only the values its `valid:` accepts (or, on a choice, the choices that do not route themselves).
    """
    rules = [r for r in flow.rules.routes if r.applies_after(step.id) and r.go != step.id]
    if any(r.condition is None for r in rules):
        return  # a rule with no condition always routes on
    conditions = [b.condition for b in step.next if b.condition is not None]
    tried = conditions + [r.condition for r in rules if r.condition is not None]
    if "all" not in doms:
        doms["all"] = dominators(flow, all_edges)
    before = doms["all"].get(step.id, {step.id})
    known = set(ALWAYS_KNOWN) | before
    if any(flow.step(s).kind == "id_card" for s in before if s != step.id):
        known |= CARD_NAMES
    own: str | None = None
    own_values = None
    if step.kind == "choice":
        own, own_values = step.id, [c.id for c in step.choices if not c.next]
    elif step.id in flow.symbols.symbols:
        own = step.id
        known.add(step.id)
    maybe_unknown = [n for n in flow.symbols.symbols if n not in known]
    decided, example = route_gap(tried, flow.symbols, own, own_values, maybe_unknown,
                                 step.valid if own is not None and step.kind != "choice" else None)
    where = conditions[-1].location
    if not decided:
        problems.error("SM107", f"step '{step.id}' may have no way out when no 'if' matches", where,
                       "add a last line '- go: STEP' without 'if'")
    elif example is not None:
        names: set[str] = set()
        for c in tried:
            names |= c.names
        if own is not None:
            names.add(own)
        problems.error("SM304", f"when {describe(example, names)}, no line of 'next' of step '{step.id}' "
                                "matches and there is no step below it", where,
                       "add a last line '- go: STEP' without 'if', or an 'if' for that case")


def _check_loops(flow: Flow, problems: Problems, all_edges: list[Edge], reach: set[str]) -> None:
    """Steps that lead only round and round: no answer ever reaches an 'end' or a 'handoff'."""
    finish = can_finish(flow, all_edges)
    stuck = [s for s in flow.steps if s.id in reach and s.id not in finish]
    later = Reach(all_edges)
    reported: set[str] = set()
    for step in stuck:
        if step.id in reported or step.id not in later.after(step.id):
            continue  # not on a loop itself: the loop it leads into is reported at its own first step
        loop = [s.id for s in stuck
                if s.id == step.id or (s.id in later.after(step.id) and step.id in later.after(s.id))]
        reported.update(loop)
        problems.error("SM116", f"steps {', '.join(loop[:6])} lead round and round: no answer ever reaches an "
                                "'end' or 'handoff' step", step.location,
                       "give one of these steps a way on to the end of the flow")


# Steps whose way on is the applicant's own decision: a tile or a yes/no may lead to a staffed window on purpose.
DECIDING_KINDS = ("choice", "confirm")


def _check_endings(flow: Flow, problems: Problems) -> None:
    """A flow needs an 'end'; a step that simply runs on into a handoff gives a staff ticket to someone who is done."""
    looping = any(p.code == "SM116" for p in problems.items)  # it says already that nothing reaches an end
    # A flow that sends every applicant on to another (a triage) ends in that flow's own 'end'.
    if not looping and not any(s.kind in ("end", "start_flow") for s in flow.steps):
        problems.warning("SM118", f"flow '{flow.id}' has no 'end' step: no way through it finishes without a "
                                  "staff ticket", flow.location,
                         "add a step of kind 'end' after the last step of the usual way; the kiosk then starts "
                         "again for the next person")
    for step in flow.steps:
        if step.is_terminal or step.next or step.kind in DECIDING_KINDS:
            continue
        below = flow.following(step.id)
        if below is not None and below.kind == "handoff":
            problems.error("SM119", f"step '{step.id}' has no 'next' and runs on into handoff '{below.id}', "
                                    "the step written below it: the usual way ends with a staff ticket",
                           step.location,
                           f"give '{step.id}' a 'next:' to an 'end' step when the applicant is done here; write "
                           f"'next: {below.id}' if a ticket is really meant")


def _check_changes_after_irreversible(flow: Flow, problems: Problems, all_edges: list[Edge]) -> None:
    """A summary after a payment or print must not offer to change an answer given before it."""
    irreversible = [s for s in flow.steps if s.kind in IRREVERSIBLE_KINDS]
    if not irreversible:
        return
    later = Reach(all_edges)
    for summary in flow.steps:
        if summary.kind != "summary":
            continue
        for name, loc in zip(summary.show, summary.show_locations, strict=True):
            for done in irreversible:
                after_done = later.after(done.id)
                if summary.id in after_done and done.id in later.after(name) and name not in after_done:
                    problems.error("SM117", f"summary '{summary.id}' comes after {done.kind} step '{done.id}' "
                                            f"and offers to change '{name}', answered before it", loc,
                                   f"show '{name}' on a summary before '{done.id}', or leave it out of this one")
                    break


def _check_tries_after_payment(flow: Flow, problems: Problems, all_edges: list[Edge]) -> None:
    """A fingerprint or live face that may fail its tries after the money is taken: the applicant has paid and is
    then sent to a window. Take the fingerprints and the face before the payment."""
    later = Reach(all_edges)
    payments = [s for s in flow.steps if s.kind == "payment"]
    for step in flow.steps:
        if step.kind not in TRIES_KINDS:
            continue
        paid = next((p for p in payments if step.id in later.after(p.id) and p.id not in later.after(step.id)), None)
        if paid is not None:
            problems.error("SM121", f"{step.kind} step '{step.id}' comes after payment '{paid.id}': after "
                                    f"{step.tries} failed tries it sends the applicant, who has paid, to staff",
                           step.location, f"move '{step.id}' before '{paid.id}' (and before its confirm)")


def _check_senior_rules(flow: Flow, problems: Problems, all_edges: list[Edge]) -> None:
    for step in flow.steps:
        if step.kind in CONFIRMED_BY:
            # Every way in must pass a confirmation: one choice that skips the confirm screen is enough to pay
            # without being asked.
            sources = [e.source for e in all_edges if e.target == step.id and flow.has_step(e.source)]
            unconfirmed = [b for b in dict.fromkeys(sources) if flow.step(b).kind not in CONFIRMED_BY[step.kind]]
            if unconfirmed or not sources:
                how = f" from '{unconfirmed[0]}'" if unconfirmed else ""
                problems.warning("SM112", f"{step.kind} step '{step.id}' can be reached{how} without a confirm step "
                                          "just before it", step.location,
                                 "add a 'confirm' step that says what will be paid" if step.kind == "payment"
                                 else "put a 'confirm' or 'summary' step before it")
        if step.error is not None and step.field_name is not None and step.field_name.value not in step.error.value:
            problems.warning("SM113", f"error message of '{step.id}' does not name the field "
                                      f"'{step.field_name.value}'", step.error.location,
                             "say which field is wrong and how to fix it")
        if len(step.text.value) > MAX_SCREEN_TEXT:
            problems.warning("SM115", f"screen text of '{step.id}' has {len(step.text.value)} characters "
                                      f"(keep it under {MAX_SCREEN_TEXT})", step.text.location,
                             "one short sentence per screen; put the rest in 'say'")
        if step.say is not None and len(step.say.value) > MAX_SPOKEN_TEXT:
            problems.warning("SM115", f"spoken prompt of '{step.id}' has {len(step.say.value)} characters",
                             step.say.location, "split the step in two")
