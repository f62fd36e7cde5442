"""`seniormode i18n`: the translators' commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import REPO, flows_or_all


def cmd_i18n(args: argparse.Namespace) -> int:
    from .. import translations

    try:
        return _i18n(args)
    except translations.CatalogUnreadable as exc:
        print(f"seniormode: {exc}", file=sys.stderr)
        return 1


def _i18n(args: argparse.Namespace) -> int:
    from .. import translations

    locales_dir = Path(args.locales)
    if args.action == "extract":
        for path in translations.extract(flows_or_all(args.flows), locales_dir):
            print(f"wrote {path}")
    elif args.action == "update":
        for path in translations.update(locales_dir):
            print(f"updated {path}")
    elif args.action == "compile":
        for path in translations.compile_all(locales_dir):
            print(f"compiled {path}")
    else:
        rows = translations.status(locales_dir)
        incomplete = [r for r in rows if not r.complete]
        print(f"{'locale':12} {'catalog':22} {'total':>5} {'done':>5} {'fuzzy':>5} {'missing':>7} {'stale':>5}")
        for r in rows:
            print(f"{r.locale:12} {r.domain:22} {r.total:5} {r.translated:5} {r.fuzzy:5} {r.missing:7} {r.stale:5}")
            for m in r.missing_ids[: args.show]:
                print(f"    missing: {m}")
        if not rows:
            print("no templates: run 'seniormode i18n extract' first")
            return 1
        if args.strict and incomplete:
            print(f"{len(incomplete)} catalog(s) incomplete (missing or fuzzy strings)")
            return 1
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("i18n", help="translator tools: extract | update | compile | status of the catalogs")
    p.add_argument("action", choices=("extract", "update", "compile", "status"))
    p.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/)")
    p.add_argument("--locales", default=str(REPO / "locales"), help="the catalogs' folder")
    p.add_argument("--strict", action="store_true", help="status: exit 1 if any string is missing or fuzzy")
    p.add_argument("--show", type=int, default=5, help="status: list this many missing strings per catalog")
    p.set_defaults(func=cmd_i18n)
