"""The HTML report in a real headless Chromium (Debian's package): every chart decodes and is drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from seniormode.core.loader import load_flow_or_raise
from seniormode.journal.writer import JournalWriter
from seniormode.population.personas import load_personas
from seniormode.population.walk import simulate_population

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed "
                                                                              "(./bootstrap.sh installs it)")]


def browser(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--virtual-time-budget=5000", *args], capture_output=True, text=True, timeout=120)


def test_the_report_page_draws_its_charts(tmp_path: Path) -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    personas, _ = load_personas(ROOT / "personas" / "hall.yaml")
    journal = tmp_path / "journal.sqlite"
    with JournalWriter(journal) as writer:
        simulate_population(flow, personas, 300, 11, writer.write, version="v")
        writer.flush()
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "seniormode", "report", str(journal), "--by", "age_band",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = out / "index.html"
    text = page.read_text(encoding="utf-8")
    expected = len(re.findall(r'<img class="chart"', text))
    assert expected >= 4 and "SIMULATED" in text
    dom = browser("--dump-dom", page.as_uri()).stdout
    drawn = re.search(r'data-charts-drawn="(\d+)"', dom)
    assert drawn is not None, dom[-500:]
    assert int(drawn.group(1)) == expected
    shot = tmp_path / "report.png"
    browser("--window-size=1280,2400", f"--screenshot={shot}", page.as_uri())
    image = Image.open(shot).convert("RGB")
    # The funnel and heat table sit in the upper part of the page: their blues and reds are there, not only white.
    colours = image.crop((0, 300, 1280, 1600)).getcolors(1 << 20) or []
    strong = sum(n for n, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 80)
    assert strong > 5000, f"only {strong} coloured pixels: the charts were not drawn"
