"""A real CUPS scheduler with Debian's cups-pdf virtual printer, for the printing tests, and ways to read a PDF
back (poppler's pdftotext/pdftoppm, zbar's zbarimg).

`CupsServer` runs its own cupsd in a temporary folder, listening on a Unix socket there (CUPS_SERVER points lp
at it), with one cups-pdf queue whose output folder is in the same temporary folder. cups-pdf reads its settings
only from /etc/cups, so the queue's own file (/etc/cups/cups-pdf-QUEUE.conf) is written there for the test and
removed after it. Needs root (cups-pdf's backend runs as root) and Debian's cups, cups-client,
printer-driver-cups-pdf, poppler-utils and zbar-tools: bootstrap.sh installs them. A missing piece fails the
test in words, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = "/usr/lib/cups/backend/cups-pdf"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd"
INSTALL = "apt-get install cups cups-client printer-driver-cups-pdf poppler-utils zbar-tools (bootstrap.sh does)"


def need(*tools: str) -> None:
    for tool in tools:
        if not (Path(tool).exists() if tool.startswith("/") else shutil.which(tool)):
            pytest.fail(f"the printing tests need {tool}: {INSTALL}")


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def pdf_words(pdf: Path) -> list[Word]:
    """Every word poppler finds on the pages, with its box in points."""
    need("pdftotext")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [Word(t, float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def rasterize(pdf: Path, png: Path, dpi: int = 150) -> Path:
    """The first page as a PNG (pdftoppm), to look at and to read the QR code from."""
    need("pdftoppm")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(png.with_suffix(""))],
                   check=True, capture_output=True)
    return png


def same_ink(a: Path, b: Path, reach: int = 2) -> float:
    """How much of one page's ink the other lacks: each page cropped to its ink and brought to one size, then the
    share of dark pixels of either with no dark pixel of the other within `reach` pixels (the larger of the two
    ways). 0.0: the same drawing, give or take a pixel's shift or a printer filter's rounding. A page centred on
    a larger sheet equals itself."""
    from PIL import Image, ImageChops, ImageFilter, ImageOps

    with Image.open(a) as first, Image.open(b) as second:
        inks = []
        for page in (first, second):
            grey = page.convert("L")
            box = ImageOps.invert(grey).point(lambda v: 255 if v > 64 else 0).getbbox()
            assert box is not None, f"{page} has no ink"
            inks.append(grey.crop(box))
    if abs(inks[0].width / inks[1].width - 1) > 0.03 or abs(inks[0].height / inks[1].height - 1) > 0.03:
        return 1.0  # not the same shape of page at all
    dark = [ImageOps.invert(ink.resize(inks[1].size)).point(lambda v: 255 if v > 127 else 0) for ink in inks]
    near = [d.filter(ImageFilter.MaxFilter(2 * reach + 1)) for d in dark]
    worst = 0.0
    for mine, theirs in ((dark[0], near[1]), (dark[1], near[0])):
        lacking = ImageChops.subtract(mine, theirs)  # my ink where the other has none near
        worst = max(worst, lacking.histogram()[255] / max(1, mine.histogram()[255]))
    return worst


def qr_codes(png: Path) -> list[str]:
    """What zbar reads off the picture: the QR codes' contents."""
    need("zbarimg")
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                          capture_output=True, text=True, check=False)
    return [line for line in done.stdout.splitlines() if line]


@dataclass
class CupsServer:
    root: Path
    queue: str
    process: subprocess.Popen[bytes]
    queue_conf: Path

    @property
    def socket(self) -> Path:
        return self.root / "cups.sock"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    def environ(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(command), env=self.environ(), capture_output=True, text=True, timeout=30,
                              check=False)

    def printed(self, timeout: float = 40.0) -> list[Path]:
        """The PDFs cups-pdf has written, once every job is done (waits for the queue to empty)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = self.run("lpstat", "-o", self.queue).stdout.strip()
            if not pending and any(self.out.glob("*.pdf")):
                break
            time.sleep(0.2)
        return sorted(self.out.glob("*.pdf"))

    def spooled(self) -> list[Path]:
        """What the scheduler still keeps of the jobs: document files (d*) and job records (c*)."""
        return sorted(p for p in self.spool.iterdir() if p.is_file() and p.name[:1] in ("c", "d"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.queue_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start_cups(queue: str) -> CupsServer:
    """cupsd in a folder of its own, with a cups-pdf queue `queue` whose PDFs go to root/out."""
    need(CUPSD, CUPS_PDF_BACKEND, CUPS_PDF_PPD, "lp", "lpadmin", "lpstat")
    if os.geteuid() != 0:
        pytest.fail("the CUPS test runs as root: cups-pdf's backend runs as root and reads /etc/cups")
    # Not under pytest's tmp_path (mode 0700): CUPS's filters run as the lp user and must reach the spool.
    root = Path(tempfile.mkdtemp(prefix="smcups-"))
    root.chmod(0o755)
    for sub in ("etc", "spool", "cache", "state", "log", "out"):
        (root / sub).mkdir()
    (root / "tmp").mkdir(mode=0o1777)
    (root / "tmp").chmod(0o1777)
    (root / "out").chmod(0o1777)
    (root / "etc" / "cupsd.conf").write_text(f"""Listen {root}/cups.sock
LogLevel info
WebInterface No
Browsing No
# What a kiosk's CUPS should do too (docs/kiosk.md): keep no copy of a printed slip, nor its job record.
PreserveJobFiles No
PreserveJobHistory No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
    (root / "etc" / "cups-files.conf").write_text(f"""ServerRoot {root}/etc
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
SystemGroup root
""")
    queue_conf = Path("/etc/cups") / f"cups-pdf-{queue}.conf"
    queue_conf.write_text(f"Out {root}/out\nLabel 0\n")
    process = subprocess.Popen([CUPSD, "-f", "-c", str(root / "etc" / "cupsd.conf"), "-s",
                                str(root / "etc" / "cups-files.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    server = CupsServer(root, queue, process, queue_conf)
    try:
        deadline = time.monotonic() + 20
        while "is running" not in server.run("lpstat", "-r").stdout:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "log" / "error_log")
                raise RuntimeError("cupsd did not start: " + (log.read_text()[-2000:] if log.exists() else "no log"))
            time.sleep(0.1)
        added = server.run("lpadmin", "-p", queue, "-E", "-v", f"cups-pdf:/{queue}", "-P", CUPS_PDF_PPD)
        if added.returncode != 0:
            raise RuntimeError(f"lpadmin could not add the cups-pdf queue: {added.stderr}")
    except BaseException:
        server.stop()
        raise
    return server
