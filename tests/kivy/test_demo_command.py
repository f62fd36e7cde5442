"""The README's main job: `seniormode demo` on a machine with no display writes clear, large screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.kivy, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_demo_without_a_display_runs_under_xvfb_and_writes_a_screenshot_per_screen(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["KIVY_HOME"] = str(tmp_path / "kivy")
    out = tmp_path / "shots"
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "demo", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "== status: finished" in proc.stdout
    shots = sorted(out.glob("*.png"))
    names = [p.stem.split("_", 1)[1] for p in shots]
    assert names[:3] == ["welcome", "read_card", "purpose"] and names[-1] == "done"
    assert "timeout_warning" in names and "take_photo" in names
    for shot in shots:
        image = Image.open(shot).convert("RGB")
        assert image.size == (1280, 800)
        colours = image.getcolors(maxcolors=1280 * 800)
        assert colours is not None and len(colours) > 50, f"{shot.name} looks empty"


def test_run_script_stops_at_a_choice_the_screen_does_not_have(tmp_path: Path) -> None:
    script = tmp_path / "taps.yaml"
    script.write_text("events:\n  - ok\n  - card\n  - choose: urgnt\n", encoding="utf-8")
    env = dict(os.environ, KIVY_HOME=str(tmp_path / "kivy"))
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "run", "flows_yaml/hk_macau_renewal.yaml",
                           "--script", str(script), "--no-voice"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr and "internal error" not in proc.stderr
    assert f"{script}:4:5: error[SM401] 'choose: urgnt', but step 'purpose' has no tile 'urgnt' " \
           "(did you mean 'urgent'?)" in proc.stderr


def test_demo_flow_permit_application_signs_on_the_pad_without_a_display(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["KIVY_HOME"] = str(tmp_path / "kivy")
    out = tmp_path / "shots"
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "demo", "--flow", "permit_application", "--out",
                           str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "== status: finished; path: welcome > read_card > card_details > application > occupation > " \
           "photo_source > take_photo > fingerprint > signature > live_face > check > confirm_pay > pay > " \
           "print_receipt > done" in proc.stdout
    assert "签名太细喇" in proc.stdout  # the too-small signature the finger drew was refused, in Cantonese
    names = [p.stem.split("_", 1)[1] for p in sorted(out.glob("*.png"))]
    assert names.count("fingerprint") == 2 and names.count("signature") == 2 and "live_face" in names


def test_demo_flow_names_the_flows_when_there_is_no_such_flow() -> None:
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "demo", "--flow", "permit_aplication",
                           "--terminal"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "there is no demo flow 'permit_aplication'" in proc.stderr and "permit_application" in proc.stderr
