"""The checkers: lint of flows, rule files, themes and catalogs; the layout audit; JSON Schemas; problem docs."""

from .files import LintOptions, LintResult, expand, file_kind, lint_paths

__all__ = ["LintOptions", "LintResult", "expand", "file_kind", "lint_paths"]
