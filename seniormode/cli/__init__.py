"""`seniormode`: one entry point, a module per command group. No traceback ever reaches the user."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..extras import extra_for_import, install_hint
from . import i18n, kiosk, lint, release, report, ship, simulate, voice
from .common import UsageProblem

GROUPS = (lint, simulate, kiosk, i18n, voice, report, release, ship)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seniormode", description="Accessible kiosk flows for senior applicants. "
                                     "Every default folder (flows_yaml/, locales/, themes/, out/) is one of the "
                                     "current folder.", epilog="example:\n  seniormode lint",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, not a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageProblem as exc:
        print(f"seniormode: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise: no traceback for staff
        if os.environ.get("SENIORMODE_DEBUG"):
            raise
        extra = extra_for_import(exc) if isinstance(exc, ImportError) else None
        if extra is not None:  # a module an extra brings is not installed: say which extra, not "internal error"
            print(f"seniormode: '{args.command}' needs the '{extra}' extra, which is not installed ({exc}): "
                  f"{install_hint(extra)}", file=sys.stderr)
            return 2
        print(f"seniormode: internal error: {type(exc).__name__}: {exc}. "
              "Please report it; set SENIORMODE_DEBUG=1 to see the details.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["UsageProblem", "build_parser", "main"]
