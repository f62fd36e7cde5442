"""Issue 16's audit gaps: every tilted viewing preset laid out like the upright view, and English made explicit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seniormode.core.loader import load_flow_or_raise
from seniormode.core.theme import load_theme_by_name
from seniormode.core.viewing import PRESET_ORDER

pytestmark = pytest.mark.kivy

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "flows_yaml" / "home_visit.yaml"


def test_every_tilted_preset_is_laid_out_at_every_size_and_state(kiosk_app: Any) -> None:
    from seniormode.kivy_ui.audit_layout import STATE_CHANGE, STATE_ERROR, STATE_HELP, Screen, audit_layout

    flow, theme = load_flow_or_raise(HOME), load_theme_by_name("senior")
    seen: list[Screen] = []
    problems = audit_layout([(flow, theme, (1.0, 1.2, 1.6, 2.0), ("zh_Hans_CN",))], (1280, 800), ROOT / "locales",
                            seen=seen)
    assert problems == []
    laid_out = set(seen)
    for preset in PRESET_ORDER:
        for scale in (1.0, 1.2, 1.6, 2.0):  # the middle sizes too, not only the smallest and the largest
            assert Screen("id_number", "zh_Hans_CN", scale, "", preset) in laid_out
            assert Screen("id_number", "zh_Hans_CN", scale, STATE_ERROR, preset) in laid_out  # its error message
        for scale in (1.0, 2.0):  # the overlays and the change screen at both ends, tilted as well
            assert Screen("id_number", "zh_Hans_CN", scale, STATE_HELP, preset) in laid_out
            assert Screen("who", "zh_Hans_CN", scale, STATE_CHANGE, preset) in laid_out
    assert len(laid_out) == len(seen)  # each screen once


def audit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "seniormode", "audit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, check=False)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_a_staff_language_is_left_out_and_the_audit_says_so() -> None:
    proc = audit(str(HOME), "--scales", "1.0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(i for i, text in enumerate((ROOT / "themes" / "senior.yaml").read_text().splitlines(), 1)
                if text.startswith("staff_languages:"))
    assert (f"note: home_visit: the en screens are not audited: themes/senior.yaml:{line}:1 declares en a staff "
            "language") in proc.stderr or \
        f"themes/senior.yaml:{line}" in proc.stderr and "the en screens are not audited" in proc.stderr, proc.stderr
    assert "(en," not in proc.stdout + proc.stderr


def test_english_not_declared_staff_only_is_audited_like_any_screen(tmp_path: Path) -> None:
    theme = tmp_path / "senior.yaml"
    text = (ROOT / "themes" / "senior.yaml").read_text(encoding="utf-8")
    theme.write_text("\n".join(line for line in text.splitlines() if not line.startswith("staff_languages:")),
                     encoding="utf-8")
    proc = audit(str(HOME), "--scales", "1.0", "--theme", str(theme))
    assert proc.returncode == 1
    assert "not audited" not in proc.stderr
    said = proc.stdout + proc.stderr
    assert "(en, text ×1.0" in said and "SM507" in said  # English words under 4.8 mm at 24-26 dp
