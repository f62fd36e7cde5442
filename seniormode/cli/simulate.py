"""`seniormode simulate | explain | scenarios | coverage`: the flow without a screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.coverage import branch_coverage
from ..core.effects import Effect
from ..core.flow_links import FlowChain, start_steps
from ..core.scenario import check_scenario, load_scenarios, play_event, scenario_files
from ..core.session import Session
from ..simulator import interactive, print_effects
from .common import (
    LOCALES_DIR,
    UsageProblem,
    add_command,
    applicant_values,
    clock_at,
    hour_of_day,
    load_or_report,
    print_problems,
    session_for,
    theme_for,
)
from .journaling import add_journal_option, open_journal
from .kiosk_setup import kiosk_config


def cmd_simulate(args: argparse.Namespace) -> int:
    flow = load_or_report(args.flow)
    if flow is None:
        return 1
    if getattr(args, "population", None) is not None:
        return _population(args, flow)
    first, events = session_for(flow, args)
    # A flow that starts others (a triage) plays on into them, as the kiosk does (core/flow_links.py).
    session: Session | FlowChain = FlowChain(first) if start_steps(flow) else first
    writer, journal, _ = open_journal(kiosk_config(args), flow, theme_for(flow, None), LOCALES_DIR,
                                      scripted=bool(args.script))
    recorder = journal(session) if journal else None
    try:
        print(f"== {flow.title.value}  ({flow.file})")
        if not args.script:
            return interactive(session, recorder=recorder)
        effects: list[Effect] = session.start()
        if recorder is not None:
            recorder.started(effects)
        print_effects(effects, sys.stdout)
        for event in events:
            print(f"\n>>> {event}")
            effects, problem = play_event(session, event)
            if recorder is not None:
                recorder.handled(event, effects)
            print_effects(effects, sys.stdout)
            if problem is not None:  # the rest of the script was written for a screen that is not there
                print_problems([problem])
                return 1
        print(f"\n== status: {session.status}; path: {' > '.join(session.history)}")
        return 0
    finally:
        if recorder is not None:
            recorder.close()
        if writer is not None:
            writer.close()


def _population(args: argparse.Namespace, flow: Any) -> int:
    """N simulated applicants (personas from YAML) through the real session machine, into a journal."""
    import time

    from ..population.personas import load_personas
    from ..population.walk import simulate_population

    if args.population < 1 or args.population > 10_000_000:
        raise UsageProblem(f"--population is a number of applicants from 1 to 10000000, not {args.population}")
    if not args.journal:
        raise UsageProblem("--population writes a journal: give it with --journal FILE (e.g. out/sim.sqlite)")
    personas, problems = load_personas(args.personas)
    if problems.items:
        print_problems(problems.sorted())
        return 1
    writer, _, version = open_journal(kiosk_config(args), flow, theme_for(flow, None), LOCALES_DIR, synthetic=True,
                                      kiosk="simulated")
    started = time.perf_counter()
    try:
        result = simulate_population(flow, personas, args.population, args.seed, writer.write, version=version)
        writer.flush(timeout=600)
    finally:
        writer.close()
    seconds = time.perf_counter() - started
    ends = ", ".join(f"{k} {v}" for k, v in sorted(result.ends.items()))
    print(f"{result.sessions} simulated applicants (personas: {args.personas}, seed {args.seed}) in {seconds:.1f} s: "
          f"{result.events} events; {ends}. Marked synthetic in {args.journal}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    flow = load_or_report(args.flow)
    if flow is None:
        return 1
    inputs = applicant_values(flow, args.input)
    session = Session(flow, inputs, clock=clock_at(args.hour))
    session.start()
    values = session.values()
    if args.step:
        if not flow.has_step(args.step):
            raise UsageProblem(f"no step '{args.step}' in {flow.id}")
        values["step"] = args.step
    adaptation = flow.rules.adapt(values)
    shown = {k: v for k, v in values.items() if v is not None and not flow.has_step(k)}
    print(f"flow {flow.id} ({flow.file})")
    print("values: " + ", ".join(f"{k}={v}" for k, v in sorted(shown.items())))
    for line in adaptation.explain():
        print(line)
    for line in flow.rules.explain_routes(values):
        print(line)
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    paths: list[Path] = []
    for name in args.paths:
        p = Path(name)
        paths.extend(scenario_files(p) if p.is_dir() else [p])
    failed = passed = 0
    for path in paths:
        sf = load_scenarios(path)
        if sf.problems.items:
            print_problems(sf.problems.sorted())
            failed += max(1, len(sf.scenarios))
            continue
        assert sf.flow is not None
        for sc in sf.scenarios:
            _, failures = check_scenario(sf.flow, sc)
            if failures:
                failed += 1
                print(f"FAIL {path}: {sc.name}")
                print_problems(failures)
            else:
                passed += 1
                print(f"ok   {path}: {sc.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_coverage(args: argparse.Namespace) -> int:
    flow = load_or_report(args.flow)
    if flow is None:
        return 1
    paths: list[Path] = []
    for name in args.scenarios:
        p = Path(name)
        paths.extend(scenario_files(p) if p.is_dir() else [p])
    branches, ran = branch_coverage(flow, paths)
    missing = [b for b in branches if not b.covered]
    print(f"{flow.id}: {len(branches) - len(missing)} of {len(branches)} branches covered by {ran} scenario(s)")
    for b in missing:
        print(f"{b.location}: not covered: {b.description}")
    return 1 if (missing and args.strict) else 0


def add_parsers(sub: Any) -> None:
    p = add_command(sub, "simulate", "walk a flow in the terminal, or run a scripted applicant",
                    "seniormode simulate flows_yaml/hk_macau_renewal.yaml --input age=76")
    p.add_argument("flow", help="the flow file")
    p.add_argument("--script", help="YAML list of events (a scripted applicant)")
    p.add_argument("--input", action="append", metavar="NAME=VALUE", help="applicant value, e.g. age=76 (repeat it)")
    p.add_argument("--hour", type=hour_of_day, help="pretend it is this hour of the day, 0-23")
    p.add_argument("--lang", help="screen and voice language, e.g. yue_Hans_CN (translators)")
    p.add_argument("--voice", help="voice language only")
    p.add_argument("--display", help="screen language only")
    add_journal_option(p, None, "see docs/journal.md")
    p.add_argument("--population", type=int, metavar="N",
                   help="walk N simulated applicants (synthetic, from --personas) into --journal")
    p.add_argument("--seed", type=int, default=1, help="with --population: the same seed, the same journal")
    p.add_argument("--personas", default="personas/hall.yaml", metavar="FILE",
                   help="with --population: who the simulated applicants are (assumptions, documented there)")
    p.set_defaults(func=cmd_simulate)

    p = add_command(sub, "explain", "show which rules match and which setting each one wins",
                    "seniormode explain flows_yaml/hk_macau_renewal.yaml --input age=76")
    p.add_argument("flow", help="the flow file")
    p.add_argument("--input", action="append", metavar="NAME=VALUE", help="applicant value, e.g. age=76 (repeat it)")
    p.add_argument("--step", help="explain as if on this step")
    p.add_argument("--hour", type=hour_of_day, help="pretend it is this hour of the day, 0-23 (rules on 'hour')")
    p.set_defaults(func=cmd_explain)

    p = add_command(sub, "scenarios", "run YAML scenario files and report pass/fail",
                    "seniormode scenarios tests/scenarios")
    p.add_argument("paths", nargs="+", help="scenario files or folders of them")
    p.set_defaults(func=cmd_scenarios)

    p = add_command(sub, "coverage", "list branches of a flow that no scenario takes",
                    "seniormode coverage flows_yaml/hk_macau_renewal.yaml tests/scenarios")
    p.add_argument("flow", help="the flow file")
    p.add_argument("scenarios", nargs="*", default=["tests/scenarios"],
                   help="scenario files or folders (default: tests/scenarios of the current folder)")
    p.add_argument("--strict", action="store_true", help="exit 1 if any branch is not covered")
    p.set_defaults(func=cmd_coverage)
