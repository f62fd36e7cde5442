"""The voice starts off the first frame and is retried until it comes up; a missing package is said once."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from pathlib import Path

import pytest

from seniormode.voice.service import VoiceService
from seniormode.voice.starter import VoiceStarter

pytestmark = pytest.mark.voice


def test_a_voice_that_fails_to_start_is_tried_again_and_then_speaks(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[float] = []
    ready: list[VoiceService] = []
    down: list[str] = []
    done = threading.Event()

    def make() -> VoiceService:
        attempts.append(time.monotonic())
        if len(attempts) < 3:  # as when the worker's start hangs and times out
            raise TimeoutError("the speech worker did not answer in 10 s")
        return VoiceService(tmp_path / "locales", tmp_path / "cache")

    starter = VoiceStarter(make, lambda s: (ready.append(s), done.set()), down.append, back_off=(0.1, 0.3))
    began = time.monotonic()
    with caplog.at_level(logging.INFO, logger="seniormode.voice"):
        starter.start()
        assert time.monotonic() - began < 0.05  # the caller (the kiosk's first frame) does not wait
        assert done.wait(30)
    [service] = ready
    try:
        assert len(attempts) == 3 and attempts[2] - attempts[1] >= 0.25  # the back-off grew
        assert len(down) == 2 and "TimeoutError" in down[0]
        prepared = service.prepare("您好", "kiosk/test", "zh_Hans_CN", 170)
        seconds = float(subprocess.run(["soxi", "-D", str(prepared.path)], capture_output=True, text=True,
                                       check=True).stdout)
        assert seconds > 0.2  # real audio, from the retried service
        assert "trying again in 0 s" in caplog.text and "started at attempt 3" in caplog.text
    finally:
        service.close()


def test_a_missing_voice_package_is_one_clear_line_and_no_retries(caplog: pytest.LogCaptureFixture) -> None:
    down: list[str] = []

    def make() -> None:
        raise ModuleNotFoundError("No module named 'pyttsx3'", name="pyttsx3")

    starter = VoiceStarter(make, lambda s: None, down.append, back_off=(0.01,))
    with caplog.at_level(logging.INFO, logger="seniormode.voice"):
        starter.start()
        starter.join(5)
    assert starter.attempts == 1 and down == ["the voice needs the Python package 'pyttsx3', which is not installed"]
    [record] = caplog.records
    assert record.levelname == "ERROR" and record.exc_info is None  # a line, not a traceback
