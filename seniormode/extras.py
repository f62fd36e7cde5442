"""Which pip extra brings what: a command that needs one names it, instead of failing on an import.

`pip install seniormode` is the core (flows, lint, simulate, scenarios, i18n). The kiosk window, the storyboard,
the demo and the layout half of the audit need Kivy: `pip install 'seniormode[kiosk]'`. Imports nothing itself.
"""

from __future__ import annotations

import importlib.util

# The top-level module each extra brings, and the extra (setup.cfg [options.extras_require]).
MODULE_EXTRA: dict[str, str] = {
    "kivy": "kiosk", "fontTools": "kiosk",
    "pyttsx3": "voice",
    "matplotlib": "report",
    "cryptography": "fleet", "psycopg": "fleet", "watchfiles": "fleet",
}
EXTRA_MODULES: dict[str, tuple[str, ...]] = {}
for _module, _extra in MODULE_EXTRA.items():
    EXTRA_MODULES.setdefault(_extra, ())
    EXTRA_MODULES[_extra] += (_module,)


def install_hint(extra: str) -> str:
    return f"pip install 'seniormode[{extra}]'"


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here (none when the extra is installed)."""
    out = []
    for module in EXTRA_MODULES[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken half-install counts as missing
            found = False
        if not found:
            out.append(module)
    return out


def needs(extra: str, what: str) -> str:
    """'' when `extra` is installed, else one line saying what needs it and how to install it."""
    gone = missing(extra)
    if not gone:
        return ""
    return (f"{what} needs the '{extra}' extra, which is not installed (no {', '.join(gone)}): "
            f"{install_hint(extra)}")


def extra_for_import(exc: ImportError) -> str | None:
    """The extra that would have brought the module an ImportError names, or None."""
    name = (getattr(exc, "name", None) or "").split(".")[0]
    return MODULE_EXTRA.get(name)
