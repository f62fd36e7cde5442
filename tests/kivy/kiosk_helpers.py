"""What the Kivy tests read off the kiosk's screen (import as `from kiosk_helpers import ...`; a plain module, so
that a test folder collected beside another never finds the other's conftest)."""

from __future__ import annotations

from typing import Any

from seniormode.core.effects import ShowStep


def shown(app: Any) -> ShowStep:
    """The step on the glass now."""
    assert app.view.current is not None
    return app.view.current


def words(app: Any) -> str:
    """Every label's text on the screen, a line each."""
    return "\n".join(label.text for label in app.view.labels())
