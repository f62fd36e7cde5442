from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.core.flow import Flow
from seniormode.core.loader import load_flow_or_raise

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows_yaml"
DEMO_FLOWS = sorted(FLOWS.glob("*.yaml"))


@pytest.fixture(scope="session")
def hk_flow() -> Flow:
    return load_flow_or_raise(FLOWS / "hk_macau_renewal.yaml")


@pytest.fixture(scope="session")
def talent_flow() -> Flow:
    return load_flow_or_raise(FLOWS / "talent_endorsement.yaml")
