"""`seniormode lint | check | audit | schema | docs`: the checkers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.i18n import UnknownLocale, normalise_locale
from ..core.problems import Problem, Severity
from .common import LOCALES_DIR, UsageProblem, add_command, print_problems, screen_size

DEFAULT_LINT_PATHS = ("flows_yaml", "themes", "locales")


def cmd_check(args: argparse.Namespace) -> int:
    """`seniormode lint`: flows, rule files, themes and catalogs; with --audit, every screen laid out too."""
    from ..lint import LintOptions, expand, lint_paths

    names = args.paths or [p for p in DEFAULT_LINT_PATHS if Path(p).is_dir()]
    if not names:
        raise UsageProblem(f"nothing to check in {Path.cwd()} (the current folder): it has no "
                           f"{', '.join(p + '/' for p in DEFAULT_LINT_PATHS)}; name the files or folders to check")
    if not expand(names):
        raise UsageProblem("no flow, theme, rule or catalog files found in " + ", ".join(names))
    locales = None if args.no_catalogs else Path(args.locales or LOCALES_DIR)
    result = lint_paths(names, LintOptions(theme=args.theme, locales=locales))
    if args.audit:
        from ..lint.audit import AuditError

        try:
            audited, notes = _audit_problems([str(f.file) for f in result.flows], args)
            result.problems.extend(audited)
        except AuditError as exc:  # lint's own findings still count; the layout could not run
            print_problems(result.problems.sorted(), args.format)
            raise UsageProblem(str(exc)) from None
    else:
        notes = []
    everything = result.problems.sorted()
    print_problems(everything, args.format)
    errors = sum(p.severity is Severity.ERROR for p in everything)
    warnings = len(everything) - errors
    if args.format == "text":
        where = _defaults_used(args, bool(result.flows))
        if where:
            print(where, file=sys.stderr)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        audited = f", {len(result.flows)} flow(s) audited" if args.audit else ""
        print(f"{len(result.files)} file(s) checked{audited}: {errors} error(s), {warnings} warning(s)",
              file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _defaults_used(args: argparse.Namespace, checked_flows: bool) -> str:
    """Which folders of the current one lint took by default, so nobody reads another checkout's verdict."""
    parts = []
    if not args.paths:
        parts.append("checked " + " ".join(p + "/" for p in DEFAULT_LINT_PATHS if Path(p).is_dir()))
    if checked_flows and not args.no_catalogs and args.locales is None:
        parts.append("the flows' catalogs from " + (f"{LOCALES_DIR}/" if LOCALES_DIR.is_dir() else
                                                     f"nowhere: there is no {LOCALES_DIR}/ (--locales DIR)"))
    return f"in {Path.cwd()}: " + "; ".join(parts) if parts else ""


# What only laying the screens out can find. The audit also runs the loader's and the catalogs' checks, which
# lint has just reported at the same lines: those are left to lint, so each problem is told once.
AUDIT_ONLY_CODES = frozenset({"SM111", "SM501", "SM502", "SM503", "SM506", "SM507", "SM508", "SM510", "SM511",
                              "SM512", "SM513"})


def _audit_problems(flow_files: list[str], args: argparse.Namespace) -> tuple[list[Problem], list[str]]:
    from ..lint.audit import AuditOptions, run_audit

    try:
        scales = tuple(float(s) for s in args.scales.split(",")) if args.scales else None
        languages = tuple(normalise_locale(s) for s in args.languages.split(",")) if args.languages else None
    except (ValueError, UnknownLocale) as exc:
        raise UsageProblem(f"--scales takes numbers like 1.0,2.0 and --languages locales: {exc}") from None
    options = AuditOptions(theme=args.theme, size=screen_size(args.size), scales=scales, languages=languages,
                           locales_dir=None if args.no_catalogs else Path(args.locales or LOCALES_DIR))
    found = run_audit([Path(f) for f in flow_files], options)
    return [p for p in found.sorted() if p.code in AUDIT_ONLY_CODES], found.notes


def cmd_audit(args: argparse.Namespace) -> int:
    """`seniormode audit`: the lint with every screen laid out at every text size and language."""
    args.audit = True
    return cmd_check(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from ..lint import schema

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out} is a file; give a folder for the schemas")
    if args.check:
        stale = schema.check_schemas(out)
        for name in stale:
            print(f"{out / name} is out of date: run 'seniormode schema'", file=sys.stderr)
        if not stale:
            print(f"the schemas in {out}/ are up to date")
        return 1 if stale else 0
    try:
        written = schema.write_schemas(out)
    except OSError as exc:
        raise UsageProblem(f"cannot write the schemas to {out}: {exc.strerror}") from None
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """docs/problems.md, docs/events.md and docs/icons.md of the checkout in the current folder."""
    from ..lint import problem_docs, reference_docs

    here = Path.cwd()
    page = problem_docs.DOCS_PAGE
    if not problem_docs.example_files(here):
        raise UsageProblem(f"there are no examples ({problem_docs.EXAMPLE_FOLDERS}/) in {here}: run "
                           "'seniormode docs' in the seniormode checkout whose docs/problems.md it should write")
    text = problem_docs.render_problem_docs(here)
    before = (here / page).read_text(encoding="utf-8") if (here / page).is_file() else None
    stale = reference_docs.stale_pages(here)
    if before == text and not stale:
        print(f"{page}, docs/events.md and docs/icons.md are up to date ({here})")
        return 0
    if args.check:
        for name in ([page] if before != text else []) + [f"docs/{s}" for s in stale]:
            print(f"{name} is out of date in {here}: run 'seniormode docs' to write it", file=sys.stderr)
        return 1
    if before != text:
        problem_docs.write_problem_docs(here)
        changed = "written anew" if before is None else "rewritten: it was out of date"
        print(f"{page} {changed} ({here})")
    for written in reference_docs.write_reference_docs(here):
        print(f"wrote {written}")
    return 0


def add_parsers(sub: Any) -> None:
    helps = {"lint": "check flows, rule files, themes and catalogs; print problems as file:line:col",
             "check": "the same as lint",
             "audit": "lint, and lay out every screen at every text size and language to check the senior numbers "
                      "(Kivy under Xvfb)"}
    examples = {"lint": "seniormode lint flows_yaml/hk_macau_renewal.yaml",
                "check": "seniormode check --strict --format github",
                "audit": "seniormode audit flows_yaml/home_visit.yaml --scales 1.0,2.0"}
    for name in ("lint", "check", "audit"):
        p = add_command(sub, name, helps[name], examples[name])
        p.add_argument("paths", nargs="*",
                       help="files or folders (default: flows_yaml/ themes/ locales/ of the current folder)")
        p.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text (file:line:col), json, or github (workflow annotations)")
        p.add_argument("--strict", action="store_true", help="fail on warnings too")
        p.add_argument("--theme", help="theme name or file (default: each flow's own)")
        p.add_argument("--locales", metavar="DIR",
                       help="the catalogs' folder (default: locales/ of the current folder)")
        p.add_argument("--no-catalogs", action="store_true", help="skip the translation checks")
        if name != "audit":
            p.add_argument("--audit", action="store_true", help="also lay out every screen (see 'seniormode audit')")
        p.add_argument("--size", default="1280x800", help="audit: screen size, WIDTHxHEIGHT")
        p.add_argument("--scales", help="audit: text sizes, e.g. 1.0,2.0 (default: every step of the theme's)")
        p.add_argument("--languages", help="audit: screen languages (default: each flow's)")
        p.set_defaults(func=cmd_audit if name == "audit" else cmd_check)

    p = add_command(sub, "schema", "write the JSON Schemas of flows, rule files and themes (for editors)",
                    "seniormode schema --check")
    p.add_argument("--out", default="schemas", metavar="DIR",
                   help="the folder to write them in (default: schemas/ of the current folder)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files in --out are out of date")
    p.set_defaults(func=cmd_schema)

    p = add_command(sub, "docs", "write docs/problems.md, docs/events.md and docs/icons.md from the code and the "
                    "examples (run in the checkout: it reads tests/bad_*/)", "seniormode docs --check")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")
    p.set_defaults(func=cmd_docs)
