"""The kiosk's printer, off the UI thread: a slip goes to CUPS while the screen keeps drawing, and the answer
comes back on the UI thread (Kivy's Clock) for the kiosk to tell the session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from kivy.clock import Clock

from ..core.effects import PrintSlip

log = logging.getLogger("seniormode.printing")

Done = Callable[[PrintSlip, Any], None]


class PrintQueue:
    """One slip at a time to `printer` (seniormode.printing.cups.CupsPrinter); `last` is the slip to print again
    when the applicant asks, kept only until the next applicant (forget)."""

    def __init__(self, printer: Any):
        self.printer = printer
        self.last: PrintSlip | None = None
        self._pool: ThreadPoolExecutor | None = None
        self.pending = 0

    def submit(self, effect: PrintSlip, done: Done) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slip-printer")
        self.last = effect
        self.pending += 1
        future = self._pool.submit(self._print, effect)
        future.add_done_callback(lambda f: Clock.schedule_once(lambda dt: self._done(effect, f, done), 0))

    def _print(self, effect: PrintSlip) -> Any:
        try:
            return self.printer.print_slip(effect.slip)
        except Exception as exc:  # noqa: BLE001 - a printer never stops a kiosk
            from ..printing.cups import PrintOutcome

            log.exception("printing the %s failed", effect.slip.kind)
            return PrintOutcome(False, f"the printer failed ({type(exc).__name__})")

    def _done(self, effect: PrintSlip, future: Future[Any], done: Done) -> None:
        self.pending -= 1
        outcome = future.result()
        if outcome.ok:
            log.info("printed the %s (%s, job %s)", effect.slip.kind, outcome.message, outcome.job or "?")
        else:
            log.error("the %s was not printed: %s", effect.slip.kind, outcome.message)
        done(effect, outcome)

    def forget(self) -> None:
        self.last = None

    def close(self) -> None:
        """Wait for a slip still with lp (bounded by the printer's time-out): its temporary file goes with it."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
