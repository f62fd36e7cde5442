"""One real Kivy window for all Kivy tests (a window opens once per process); each test loads its own session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def kiosk_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not os.environ.get("DISPLAY"):
        pytest.fail("the Kivy tests need a display: run them under xvfb-run (./bootstrap.sh test does)")
    from seniormode.kivy_ui import runtime

    runtime.configure(size=(1280, 800), kivy_home=str(tmp_path_factory.mktemp("kivy_home")))
    from seniormode.core.loader import load_flow_or_raise
    from seniormode.core.theme import load_theme_by_name
    from seniormode.kivy_ui.app import KioskApp
    from seniormode.kivy_ui.pilot import run_headless

    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    app = KioskApp(flow, load_theme_by_name("senior"), tick=False)
    run_headless(app)
    yield app


@pytest.fixture()
def pilot(kiosk_app: Any) -> Any:
    from seniormode.kivy_ui.pilot import Pilot

    return Pilot(kiosk_app)
