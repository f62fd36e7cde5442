"""`seniormode check` / `lint`: every problem of a flow file, including the theme's view of its icons."""

from __future__ import annotations

from pathlib import Path

from .core.loader import load_flow
from .core.problems import FlowError, Problems
from .core.theme import icon_problems, load_theme_by_name


def lint_file(path: str | Path, theme_name: str | None = None) -> Problems:
    """Load and check a flow; with no errors, also check its icons against its theme."""
    flow, problems = load_flow(path)
    if flow is None:
        return problems
    try:
        theme = load_theme_by_name(theme_name or str(flow.settings.get("theme", "senior")))
    except FlowError as exc:
        problems.extend(exc.problems)
        return problems
    problems.extend(icon_problems(flow, theme))
    return problems
