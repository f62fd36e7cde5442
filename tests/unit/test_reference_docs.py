"""docs/events.md and docs/icons.md are made from the code's own tables; these tests keep them current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seniormode.core.events import EVENT_HELP, EVENT_KINDS
from seniormode.core.icons import load_catalogue, shipped_catalogue
from seniormode.lint.reference_docs import render_events, render_icons, stale_pages

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def test_events_and_icons_pages_are_current() -> None:
    assert stale_pages(REPO) == [], "run 'seniormode docs' and commit docs/events.md and docs/icons.md"


def test_every_event_the_reader_takes_is_documented_with_what_it_does() -> None:
    assert set(EVENT_HELP) == set(EVENT_KINDS)
    page = render_events(REPO)
    for kind in EVENT_KINDS:
        assert f"| `{kind}` |" in page
    for preset, spoken in (("wheelchair", "坐轮椅看"), ("seated", "坐住睇"), ("tall", "Tall")):
        assert re.search(rf"\| `{preset}` \|.*{spoken}", page)


def test_the_icon_page_shows_every_catalogue_icon_with_its_picture_and_meanings() -> None:
    catalogue, problems = load_catalogue(shipped_catalogue())
    assert not problems.items
    page = render_icons()
    for name, emoji in catalogue.emoji.items():
        assert f"| `{name}` | {emoji} |" in page
    assert "search" in page.split("| `magnifier` |")[1].splitlines()[0]


def test_ux_staff_are_not_sent_into_python_source() -> None:
    text = (REPO / "themes" / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"seniormode/\S+\.py|\.py\b", text)
    assert "icons.yaml" in text and "docs/icons.md" in text
