"""Start the voice off the kiosk's first frame, and keep trying: a kiosk is never dark or silent for good.

The speech worker can take seconds to start, or hang (33 s seen). The kiosk shows its first screen at once,
silent, while a background thread starts the voice; a failure is logged and tried again after 1, 2, 5, 10, 30,
then every 60 seconds, and staff are told the voice is down until it is up. A missing package (pyttsx3 not
installed) will not install itself: one clear log line, and no retries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("seniormode.voice")
BACK_OFF = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class VoiceStarter:
    def __init__(self, make: Callable[[], Any], on_ready: Callable[[Any], None],
                 on_down: Callable[[str], None] = lambda why: None, back_off: Sequence[float] = BACK_OFF):
        self.make, self.on_ready, self.on_down, self.back_off = make, on_ready, on_down, tuple(back_off)
        self.attempts = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="voice-starter", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.attempts += 1
            service = None
            try:
                service = self.make()
                service.warm_up()
            except ModuleNotFoundError as exc:
                why = f"the voice needs the Python package '{exc.name}', which is not installed"
                log.error("%s; the kiosk runs silent (install the 'voice' extra)", why)
                self.on_down(why)
                return
            except Exception as exc:  # noqa: BLE001 - any failure of the voice layer leaves the kiosk running
                delay = self.back_off[min(self.attempts - 1, len(self.back_off) - 1)]
                _close(service)  # a half-started service must not leave its worker behind at every retry
                why = f"the voice could not start ({type(exc).__name__}: {exc})"
                log.warning("%s; trying again in %.0f s, the kiosk runs silent meanwhile", why, delay)
                self.on_down(why)
                if self._stop.wait(delay):
                    return
            else:
                if self._stop.is_set():  # the kiosk closed while the voice was starting
                    _close(service)
                    return
                if self.attempts > 1:
                    log.info("the voice started at attempt %d", self.attempts)
                self.on_ready(service)
                return


def _close(service: Any) -> None:
    close = getattr(service, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - it was broken already
            log.debug("closing a voice that failed to start failed too", exc_info=True)
