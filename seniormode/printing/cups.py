"""Sending a slip to the kiosk's printer through CUPS (`lp -d QUEUE file.pdf`), keeping no copy.

The PDF is written into a private temporary folder (mode 0700, the file 0600) and that folder is removed as soon
as `lp` has handed the file to the CUPS scheduler, whether it took it or not. Every failure (no `lp`, no such
queue, a scheduler that does not answer, a font missing) comes back as a PrintOutcome with a plain sentence for
staff's log, never as an exception into the kiosk; the sentence never carries what is on the slip.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.slip import Slip
from .slip_pdf import SlipFontError, SlipFonts, slip_pdf

log = logging.getLogger("seniormode.printing")

_JOB = re.compile(r"request id is (\S+)")
PREFIX = "seniormode-slip-"


@dataclass(frozen=True)
class PrintOutcome:
    ok: bool
    message: str  # for staff: what happened, in plain words; never the slip's content
    job: str = ""  # the CUPS job id (QUEUE-12) when the scheduler took it


class CupsPrinter:
    """One CUPS queue. `environ` is what `lp` runs with (CUPS_SERVER chooses the scheduler; tests start their own)."""

    def __init__(self, queue: str, fonts: SlipFonts, timeout: float = 30.0, lp: str = "lp",
                 environ: Mapping[str, str] | None = None, spool: Path | None = None):
        self.queue = queue
        self.fonts = fonts
        self.timeout = timeout
        self.lp = lp
        self.environ = dict(os.environ if environ is None else environ)
        self.spool = spool  # where the private temporary folder is made (None: the system's temporary folder)
        self.sweep()

    def sweep(self) -> list[Path]:
        """Remove slip folders a killed kiosk left behind (older than any lp could still be reading)."""
        folder = self.spool or Path(tempfile.gettempdir())
        stale = time.time() - self.timeout - 60
        removed = []
        for path in folder.glob(f"{PREFIX}*"):
            try:
                if path.is_dir() and not path.is_symlink() and path.stat().st_mtime < stale:
                    shutil.rmtree(path)
                    removed.append(path)
            except OSError as exc:
                log.error("a slip left by an earlier run could not be removed: %s (%s)", path, exc.strerror)
        if removed:
            log.warning("removed %d slip folder(s) an earlier run left behind", len(removed))
        return removed

    def print_slip(self, slip: Slip) -> PrintOutcome:
        try:
            data = slip_pdf(slip, self.fonts)
        except SlipFontError as exc:
            return PrintOutcome(False, str(exc))
        except Exception as exc:  # noqa: BLE001 - a slip that cannot be laid out is a printer failure, said
            log.exception("the %s could not be laid out", slip.kind)
            return PrintOutcome(False, f"the {slip.kind} could not be laid out ({type(exc).__name__})")
        with tempfile.TemporaryDirectory(prefix=PREFIX, dir=self.spool) as folder:
            path = Path(folder) / f"{slip.kind}.pdf"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return self._lp(path, f"seniormode {slip.kind} {slip.number}")

    def _lp(self, path: Path, title: str) -> PrintOutcome:
        command = [self.lp, "-d", self.queue, "-t", title, "--", str(path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, env=self.environ,
                                  stdin=subprocess.DEVNULL, check=False)
        except FileNotFoundError:
            return PrintOutcome(False, f"'{self.lp}' is not installed: the kiosk cannot print (Debian: cups-client)")
        except subprocess.TimeoutExpired:
            return PrintOutcome(False, f"the printer queue '{self.queue}' did not answer within {self.timeout:g} s")
        except OSError as exc:
            return PrintOutcome(False, f"'{self.lp}' could not be started ({exc.strerror or type(exc).__name__})")
        said = " ".join((done.stderr or done.stdout or "").split())[:300]
        if done.returncode != 0:
            return PrintOutcome(False, f"the printer queue '{self.queue}' refused the slip: "
                                       f"{said or f'lp exited {done.returncode}'}")
        job = _JOB.search(done.stdout or "")
        return PrintOutcome(True, f"sent to '{self.queue}'", job.group(1) if job else "")


__all__ = ["CupsPrinter", "PrintOutcome"]
