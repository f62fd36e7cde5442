"""`seniormode i18n extract | update | compile | status [FLOW...]`: the translators' commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from .common import LOCALES_DIR, UsageProblem, add_command, default_folder, flows_or_all, in_here


def cmd_i18n(args: argparse.Namespace) -> int:
    from .. import translations

    try:
        return ACTIONS[args.action](args)
    except translations.CatalogUnreadable as exc:
        print(f"seniormode: {exc}", file=sys.stderr)
        return 1


def _locales(args: argparse.Namespace, must_exist: bool = True) -> Path:
    """--locales, or locales/ of the current folder: said first, so nobody edits another checkout's catalogs."""
    if args.locales:
        folder = Path(args.locales)
        if must_exist and not folder.is_dir():
            raise UsageProblem(f"--locales {folder}: there is no such folder")
        print(f"catalogs in {folder}/")
        return folder
    if must_exist:
        default_folder(LOCALES_DIR, "the catalogs", "give --locales DIR")
    print(f"catalogs in {in_here(LOCALES_DIR)}")
    return LOCALES_DIR


def _domains(args: argparse.Namespace, locales_dir: Path) -> tuple[list[Flow], list[str] | None]:
    """The flows named and their catalogs' names; (no flows, None: every catalog) when none is named."""
    if not args.flows:
        return [], None
    flows = flows_or_all(args.flows)
    for flow in flows:
        if not (locales_dir / "templates" / f"{flow.id}.pot").is_file():
            raise UsageProblem(f"{flow.file} has no template {locales_dir}/templates/{flow.id}.pot yet: "
                               f"run 'seniormode i18n extract {flow.file}' first")
    return flows, [f.id for f in flows]


def _report(written: list[Any], verb: str) -> None:
    for item in written:
        if item.changed:
            print(f"{verb} {item.path}")
    same = sum(not item.changed for item in written)
    if same:
        print(f"{same} file(s) already up to date, left as they were")


def _extract(args: argparse.Namespace) -> int:
    from .. import translations

    flows = flows_or_all(args.flows)
    locales_dir = _locales(args, must_exist=False)
    _report(translations.extract(flows, locales_dir, kiosk=not args.flows), "wrote")
    return 0


def _update(args: argparse.Namespace) -> int:
    from .. import translations

    locales_dir = _locales(args)
    flows, domains = _domains(args, locales_dir)
    behind = [f for f in flows if translations.template_differs(f, locales_dir)]
    for flow in behind:
        print(f"seniormode: {locales_dir}/templates/{flow.id}.pot is older than {flow.file}: "
              f"run 'seniormode i18n extract {flow.file}' first", file=sys.stderr)
    if behind:
        return 1
    _report(translations.update(locales_dir, domains=domains, guess_across=args.guess_across,
                                drop_stale=args.drop_stale), "updated")
    return 0


def _compile(args: argparse.Namespace) -> int:
    from .. import translations

    locales_dir = _locales(args)
    _report(translations.compile_all(locales_dir, _domains(args, locales_dir)[1]), "compiled")
    return 0


def _status(args: argparse.Namespace) -> int:
    from .. import translations

    locales_dir = _locales(args)
    rows = translations.status(locales_dir, domains=_domains(args, locales_dir)[1])
    if not rows:
        print(f"no templates in {locales_dir}/templates/: run 'seniormode i18n extract' first")
        return 1
    print(f"{'locale':12} {'catalog':22} {'total':>5} {'done':>5} {'fuzzy':>5} {'missing':>7} {'stale':>5}")
    for r in rows:
        print(f"{r.locale:12} {r.domain:22} {r.total:5} {r.translated:5} {r.fuzzy:5} {r.missing:7} {r.stale:5}")
        for entry in r.fuzzy_entries:
            print("    " + entry.describe("fuzzy"))
        for entry in r.missing_entries[: args.show]:
            print("    " + entry.describe("missing"))
        if len(r.missing_entries) > args.show:
            print(f"    ... and {len(r.missing_entries) - args.show} more missing (--show N lists N)")
        for entry in r.stale_entries:
            print("    " + entry.describe("stale"))
    if any(r.fuzzy for r in rows):
        print("fuzzy: the words changed since the translation; check it, then delete its '#, fuzzy' line")
    if any(r.stale for r in rows):
        print("stale: no flow uses it now; it is kept in case it comes back "
              "('seniormode i18n update --drop-stale' removes them)")
    incomplete = [r for r in rows if not r.complete]
    if args.strict and incomplete:
        print(f"{len(incomplete)} catalog(s) incomplete (missing or fuzzy strings)")
        return 1
    return 0


ACTIONS = {"extract": _extract, "update": _update, "compile": _compile, "status": _status}


def add_parsers(sub: Any) -> None:
    p = add_command(sub, "i18n", "translator tools: extract | update | compile | status of the catalogs",
                    "seniormode i18n status --strict flows_yaml/home_visit.yaml")
    actions = p.add_subparsers(dest="action", required=True, metavar="{extract,update,compile,status}")
    for name, help_text, example in (
            ("extract", "write locales/templates/*.pot from the flows (and the kiosk's own words)",
             "seniormode i18n extract flows_yaml/home_visit.yaml"),
            ("update", "merge the templates into every locale's catalog: new strings empty, changed ones fuzzy",
             "seniormode i18n update flows_yaml/home_visit.yaml"),
            ("compile", ".mo files for other gettext tools (the kiosk reads the .po directly)",
             "seniormode i18n compile"),
            ("status", "per locale and flow: total, done, fuzzy, missing, stale; each fuzzy, missing and stale "
                       "string at its file:line", "seniormode i18n status --show 20 flows_yaml/home_visit.yaml")):
        a = add_command(actions, name, help_text, example)
        a.add_argument("flows", nargs="*", metavar="FLOW",
                       help="flow files: only their catalogs (default: every catalog; extract: every flow in "
                            "flows_yaml/ of the current folder, and the kiosk's own words)")
        a.add_argument("--locales", metavar="DIR", help="the catalogs' folder (default: locales/ of the current "
                                                        "folder)")
        if name == "update":
            a.add_argument("--guess-across", action="store_true",
                           help="also pre-fill a new string with the translation of the closest words of another "
                                "identity, as fuzzy (without it, only a string whose words changed at the same "
                                "flow/step/field keeps its old translation)")
            a.add_argument("--drop-stale", action="store_true",
                           help="remove the translations no flow uses any more (#~ entries)")
        if name == "status":
            a.add_argument("--strict", action="store_true", help="exit 1 if any string is missing or fuzzy")
            a.add_argument("--show", type=int, default=5, metavar="N",
                           help="list this many missing strings per catalog (every fuzzy and stale one is listed)")
        a.set_defaults(func=cmd_i18n)
