"""The CLI as UX staff use it: real subprocesses, exit codes, file:line:col, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
HK = "flows_yaml/hk_macau_renewal.yaml"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, input=stdin, timeout=60)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_check_demo_flows_is_clean() -> None:
    proc = run("check", "flows_yaml")
    assert proc.returncode == 0, proc.stderr
    assert "9 file(s) checked: 0 error(s), 0 warning(s)" in proc.stderr  # 5 flows, the rule file, 3 scripts


def test_check_prints_file_line_col_and_did_you_mean(tmp_path: Path) -> None:
    flow = (ROOT / HK).read_text(encoding="utf-8").replace("no_next: check", "no_next: chek")
    bad = tmp_path / "bad.yaml"
    bad.write_text(flow, encoding="utf-8")
    (tmp_path / "rules").symlink_to(ROOT / "flows_yaml" / "rules")
    proc = run("check", str(bad))
    assert proc.returncode == 1
    line = next(i for i, text in enumerate(flow.splitlines(), 1) if "no_next: chek" in text)
    assert f"{bad}:{line}:14: error[SM104] unknown step 'chek' in 'no_next' of step 'confirm_pay' " \
           "(did you mean 'check'?)" in proc.stderr


def test_check_json_and_github_formats(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("flow: x\ntitle: t\ncall_staff: s\nsteps: 3\n", encoding="utf-8")
    proc = run("check", "--format", "json", str(bad))
    assert proc.returncode == 1 and '"code": "SM102"' in proc.stdout and '"line": 4' in proc.stdout
    proc = run("check", "--format", "github", str(bad))
    assert f"::error file={bad},line=4,col=8,title=SM102::" in proc.stdout


def test_simulate_script_completes_the_renewal_with_senior_settings() -> None:
    proc = run("simulate", HK, "--script", "flows_yaml/scripts/hk_macau_renewal.demo.yaml")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "== status: finished" in out
    assert "text x1.4" in out and "speech 130 wpm" in out and "time-out 120 s" in out
    assert "第 12 步，共 12 步" in out
    assert "🔊 (yue_Hans_CN, 130 wpm, prompt) 您好！欢迎来办港澳签注" not in out  # voice switches only after the card
    assert "🔊 (zh_Hans_CN, 130 wpm, prompt) 您好！欢迎来办港澳签注" in out


def test_simulate_interactive_in_a_terminal_session() -> None:
    keys = "\n\n1\n2\n1\n1\nb\n1\n\n1\n\n\n\n"  # the last Enter skips the rating
    proc = run("simulate", HK, "--input", "age=45", stdin=keys)
    assert proc.returncode == 0
    assert "[done]" in proc.stdout
    assert "(ignored" not in proc.stdout


def test_explain_shows_rules_lines_values_and_winners() -> None:
    proc = run("explain", HK, "--input", "age=76", "--input", "region=北京")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "MATCHED     over_70 at flows_yaml/rules/senior.yaml:6:5: when age >= 70  [age=76]" in out
    assert "not matched over_80 at flows_yaml/rules/senior.yaml:15:5: when age >= 80  [age=76]" in out
    assert "text_scale = 1.4  from rule over_70 at flows_yaml/rules/senior.yaml:6:5 (priority 10)" in out
    assert "speech_rate = 130" in out and "timeout_factor = 2" in out
    assert "child_first_time" in out


def test_unknown_input_is_one_line_with_a_suggestion() -> None:
    proc = run("explain", HK, "--input", "agee=76")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "seniormode: unknown input 'agee' (did you mean 'age'?)"


def test_bad_script_event_points_at_its_line(tmp_path: Path) -> None:
    script = tmp_path / "taps.yaml"
    script.write_text("events:\n  - ok\n  - chose: macau\n", encoding="utf-8")
    proc = run("simulate", HK, "--script", str(script))
    assert proc.returncode == 1
    assert f"{script}:3:5: error[SM401] unknown event 'chose' (did you mean 'choose'?)" in proc.stderr


def test_scenarios_and_coverage_commands() -> None:
    proc = run("scenarios", "tests/scenarios")
    assert proc.returncode == 0 and " passed, 0 failed" in proc.stdout
    proc = run("coverage", HK, "tests/scenarios", "--strict")
    assert proc.returncode == 0, proc.stdout
    assert "30 of 30 branches covered" in proc.stdout


def test_coverage_lists_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    sc = tmp_path / "scenarios" / "one.yaml"
    sc.write_text(f"flow: {ROOT / HK}\nscenarios:\n  - name: only start\n    events: [ok]\n", encoding="utf-8")
    proc = run("coverage", HK, str(tmp_path / "scenarios"), "--strict")
    assert proc.returncode == 1
    assert "not covered: read_card -> child_window (rule child_first_time)" in proc.stdout
    assert "not covered: destination: choice macau" in proc.stdout


def test_terminal_demo_runs_the_scripted_applicant() -> None:
    proc = run("demo", "--terminal")
    assert proc.returncode == 0 and "== status: finished" in proc.stdout
