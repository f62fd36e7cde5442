"""A real CUPS scheduler with a cups-pdf queue (cups_helpers.CupsServer), started once for the printing tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from cups_helpers import CupsServer, start_cups


@pytest.fixture(scope="session")
def cups() -> Iterator[CupsServer]:
    server = start_cups(f"smslip{os.getpid()}")
    try:
        yield server
    finally:
        server.stop()
