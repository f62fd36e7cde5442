"""The 角度 (viewing-angle) button says where it moved the screen to, in the voice's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.effects import Rejected, Speak
from seniormode.core.events import Event
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.messages import MESSAGES
from seniormode.core.session import Session
from seniormode.core.viewing import PRESET_ORDER

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def spoken_after_view(voice: str, presses: int) -> list[tuple[str, str, str]]:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    session = Session(flow, {}, catalogs=Catalogs(ROOT / "locales"), preferences={"voice_language": voice})
    session.start()
    said = []
    for _ in range(presses):
        said += [(e.text, e.language, e.reason) for e in session.handle(Event("view")) if isinstance(e, Speak)]
    return said


def test_each_press_names_the_next_preset_in_mandarin() -> None:
    assert spoken_after_view("zh_Hans_CN", 4) == [("坐着看", "zh_Hans_CN", "view"), ("坐轮椅看", "zh_Hans_CN", "view"),
                                                  ("个子高的人看", "zh_Hans_CN", "view"),
                                                  ("站着看", "zh_Hans_CN", "view")]


def test_a_cantonese_voice_says_the_cantonese_name() -> None:
    assert spoken_after_view("yue_Hans_CN", 2) == [("坐住睇", "yue_Hans_CN", "view"),
                                                   ("坐轮椅睇", "yue_Hans_CN", "view")]


def test_every_preset_has_a_spoken_name_and_choosing_the_current_one_says_nothing() -> None:
    assert {f"view_{p}" for p in PRESET_ORDER} <= set(MESSAGES)
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    session = Session(flow, {})
    session.start()
    effects = session.handle(Event("view", "standard"))
    assert [type(e) for e in effects] == [Rejected]
