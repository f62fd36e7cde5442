"""Saved parse tables for rule-engine, so the kiosk does not rebuild them at every start.

rule-engine builds its parser when it is imported (PLY's LALR tables, about
a quarter of a second here) and never writes the tables down. PLY itself
looks for a table module (`rule_engine.parser.parsetab`) first and uses it
when its grammar signature matches. We keep those tables in the user's cache,
keyed by the size and time of rule-engine's grammar file, and register them before rule-engine is
imported. If they are missing, stale or damaged, PLY ignores them and builds
the tables as usual; the cache is then written again.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import sys
import types
from pathlib import Path
from typing import Any

TABLE_MODULE = "rule_engine.parser.parsetab"
MARKER = "_seniormode_cached"


def cache_file() -> Path:
    """Named for the grammar file rule-engine has installed (not its version from importlib.metadata, which
    costs the kiosk's start 12 ms of imports: email, zipfile, csv). PLY still checks the grammar's signature."""
    try:
        spec = importlib.util.find_spec("rule_engine")  # finds the folder; imports nothing
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        stat = (Path(folders[0]) / "parser" / "base.py").stat()
        version = f"{stat.st_size}-{stat.st_mtime_ns}"
    except (OSError, IndexError, ImportError, ValueError):
        version = "unknown"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seniormode" / f"rule-engine-{version}-tables.marshal"


def install() -> bool:
    """Before `import rule_engine`: offer PLY the saved tables. True when there were some."""
    if "rule_engine" in sys.modules or TABLE_MODULE in sys.modules:
        return False
    try:
        data = marshal.loads(cache_file().read_bytes())  # plain dicts, lists, strings: no code is run
        module = types.ModuleType(TABLE_MODULE)
        module._tabversion = data["tabversion"]  # type: ignore[attr-defined]
        module._lr_method = data["method"]  # type: ignore[attr-defined]
        module._lr_signature = data["signature"]  # type: ignore[attr-defined]
        module._lr_action = data["action"]  # type: ignore[attr-defined]
        module._lr_goto = data["goto"]  # type: ignore[attr-defined]
        module._lr_productions = data["productions"]  # type: ignore[attr-defined]
        setattr(module, MARKER, True)
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return False
    sys.modules[TABLE_MODULE] = module
    return True


def save() -> None:
    """After `import rule_engine`: write its tables down unless PLY just used saved ones (best effort)."""
    path = cache_file()
    try:
        import rule_engine
        from rule_engine._vendor.ply import yacc

        parser: Any = rule_engine.Rule.parser
        lr = parser._parser
        offered = sys.modules.get(TABLE_MODULE)
        if offered is not None and getattr(offered, MARKER, False) and lr.action is offered._lr_action:
            return  # the saved tables were good
        pdict = {name: getattr(parser, name) for name in dir(parser)}
        pdict.setdefault("__file__", sys.modules[type(parser).__module__].__file__)
        reflect = yacc.ParserReflect(pdict)
        reflect.get_all()
        data = {"tabversion": yacc.__tabversion__, "method": "LALR", "signature": reflect.signature(),
                "action": lr.action, "goto": lr.goto,
                "productions": [(p.str, p.name, p.len, p.func, p.file, p.line) for p in lr.productions]}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(data))
        tmp.replace(path)
    except Exception:  # noqa: BLE001 - an optimisation only: without it the tables are rebuilt, nothing more
        return
