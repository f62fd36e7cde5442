"""`seniormode report`: from journals to a report per step, suggested YAML changes, and before/after."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from .common import UsageProblem, add_command, load_or_report, print_problems


def _flow_for(args: argparse.Namespace, flows_in_journals: dict[str, set[str]]) -> Flow:
    if args.flow:
        flow = load_or_report(args.flow)
        if flow is None:
            raise SystemExit(1)
        return flow
    if len(flows_in_journals) != 1:
        names = ", ".join(sorted(flows_in_journals)) or "none"
        raise UsageProblem(f"the journals hold these flows: {names}; say which with --flow FILE")
    (flow_id,) = flows_in_journals
    candidate = Path("flows_yaml") / f"{flow_id}.yaml"
    if not candidate.is_file():
        raise UsageProblem(f"the journals are of flow '{flow_id}', and there is no {candidate} in "
                           f"{Path.cwd()}: give it with --flow FILE")
    flow = load_or_report(str(candidate))
    if flow is None:
        raise SystemExit(1)
    return flow


def _journals(args: argparse.Namespace) -> Any:
    """The journal files given, or with --db the fleet's PostgreSQL (read as the files would be)."""
    from ..journal.reader import JournalSet

    if args.db is None:
        if not args.journals:
            raise UsageProblem("name the journal files, or read the fleet's database with --db URL")
        return JournalSet([Path(p) for p in args.journals])
    if args.journals:
        raise UsageProblem("give journal files or --db URL, not both (the database already holds what kiosks "
                           "shipped)")
    from ..fleet.pg_reader import PgJournalSet
    from ..fleet.pg_schema import conninfo

    return PgJournalSet(conninfo(args.db))


def cmd_report(args: argparse.Namespace) -> int:
    from ..fleet.pg_schema import FleetDbError

    try:
        return _report(args)
    except FleetDbError as exc:  # the database went away, or was never there: one line, no password
        raise UsageProblem(str(exc)) from None


def _report(args: argparse.Namespace) -> int:
    from ..journal.reader import Selection, moment
    from ..report.analysis import analyse
    from ..report.suggest import load_thresholds, suggest
    from ..report.text import render_text

    for option, value in (("--since", args.since), ("--until", args.until)):
        try:
            if value:
                moment(value)
        except ValueError:
            raise UsageProblem(f"{option} takes a date like 2026-11-01 or a time like 2026-11-01T08:00:00Z "
                               f"(UTC, or with its offset), not '{value}'") from None
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageProblem(f"--out {args.out} is a file; give a folder for the report")
    journals = _journals(args)
    refused = [str(e) for e in journals.refused]
    if not journals.readable:
        for line in refused:
            print(f"seniormode: {line}", file=sys.stderr)
        return 1
    flow = _flow_for(args, journals.flows())
    thresholds, problems = load_thresholds(Path(args.thresholds) if args.thresholds else None)
    if problems.items:
        print_problems(problems.sorted())
        return 1
    if args.compare:
        return _compare(args, flow, journals, thresholds.min_n)
    selection = Selection(flow.id, args.since, args.until)
    analysis = analyse(flow, journals.sessions(selection), by=args.by or "age_band", min_n=thresholds.min_n)
    refused = [str(e) for e in journals.refused]
    findings = suggest(flow, analysis, thresholds) if args.suggest or args.out or args.format == "json" else []
    period = f"{args.since or 'the start'} to {args.until or 'now'}"
    if args.format == "json":
        from ..report.suggest import combined_patch

        print(json.dumps({"analysis": analysis.to_dict(), "suggestions": [f.to_dict() for f in findings],
                          "patch": combined_patch(findings),
                          "refused": refused, "period": period}, ensure_ascii=False, indent=1))
    elif args.out:
        from ..report.html import render_html

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        page = out / "index.html"
        page.write_text(render_html(flow, analysis, findings, refused, period), encoding="utf-8")
        print(f"wrote {page} ({analysis.sessions} sessions; open it in a browser)")
        for line in refused:
            print(f"warning: {line}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(analysis, findings if args.suggest else [], refused))
    return 0


def _compare(args: argparse.Namespace, flow: Flow, journals: Any, min_n: int) -> int:
    from ..report.analysis import analyse
    from ..report.compare import compare, render_comparison, side

    sides = []
    versions = journals.flows().get(flow.id, set())
    for spec in args.compare:
        try:
            selection = side(flow.id, spec)
        except ValueError:
            raise UsageProblem(f"--compare takes two flow versions or two date ranges like "
                               f"2026-11-01..2026-11-30, not '{spec}'") from None
        if ".." not in spec:  # a version, or the start of one
            matching = sorted(v for v in versions if v.startswith(spec))
            if not matching:
                raise UsageProblem(f"no version '{spec}' of {flow.id} in the journals; they hold: "
                                   f"{', '.join(sorted(versions)) or 'none'}")
            selection.versions = tuple(matching)
        sides.append((spec, analyse(flow, journals.sessions(selection), by="age_band", min_n=min_n)))
    result = compare(sides[0], sides[1])
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(render_comparison(result))
    return 0


def add_parsers(sub: Any) -> None:
    from ..report.analysis import GROUPINGS

    p = add_command(sub, "report", "a report per step from journals: funnel, signals, 好差评, suggestions",
                    "seniormode report state/journal.sqlite --by age_band --suggest --out out/report")
    p.add_argument("journals", nargs="*", metavar="JOURNAL", help="journal files (SQLite) from kiosks or simulate")
    p.add_argument("--db", metavar="URL", help="instead of files, the fleet's PostgreSQL: postgresql://ROLE@HOST/DB "
                                               "(the password from PGPASSWORD or ~/.pgpass; docs/fleet-db.md)")
    p.add_argument("--flow", metavar="FILE", help="the flow file (default: flows_yaml/<the journals' flow>.yaml)")
    p.add_argument("--since", metavar="DATE", help="from this UTC date or time, e.g. 2026-11-01")
    p.add_argument("--until", metavar="DATE", help="up to this UTC date (inclusive) or time")
    p.add_argument("--by", choices=GROUPINGS, help="the same numbers per age band (default), language, kiosk "
                                                   "or flow version")
    p.add_argument("--out", metavar="DIR", help="write DIR/index.html, a self-contained page with the charts")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text or json on standard output")
    p.add_argument("--suggest", action="store_true", help="print the suggested YAML changes as unified diffs")
    p.add_argument("--thresholds", metavar="FILE", help="when a signal becomes a suggestion "
                                                        "(default: seniormode/report/thresholds.yaml)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"),
                   help="before and after: two flow versions, or two date ranges FROM..TO")
    p.set_defaults(func=cmd_report)


__all__ = ["add_parsers", "cmd_report"]
