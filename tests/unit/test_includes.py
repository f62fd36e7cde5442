"""A flow reads rule files from its own folder tree only, and never prints another file's lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seniormode.core.loader import load_flow_text

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]

FLOW = """flow: inc
title: 测试
call_staff: staff
rules:
  - {include}
steps:
  - id: hello
    kind: end
    text: 好了
  - id: staff
    kind: handoff
    text: 请到窗口
    window: 1号窗口
"""


def tree(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    (flows / "rules").mkdir(parents=True)
    (flows / "rules" / "ok.yaml").write_text("rules:\n  - {id: big, when: age >= 70, set: {text_scale: 1.4}}\n",
                                            encoding="utf-8")
    (tmp_path / "secret.env").write_text("SECRET_KEY: hunter2\nrules: [\n", encoding="utf-8")
    (flows / "rules" / "notes.env").write_text("DB_PASSWORD: hunter2\n", encoding="utf-8")
    os.symlink(tmp_path / "secret.env", flows / "rules" / "link.yaml")
    return flows


@pytest.mark.parametrize(("include", "why"), [
    ("../secret.env", "outside"), ("../../../../../../{tmp}/secret.env", "outside"), ("{tmp}/secret.env", "outside"),
    ("rules/link.yaml", "outside"), ("rules/notes.env", "not a .yaml file")])
def test_a_rule_file_outside_the_flows_folder_is_refused_unread(tmp_path: Path, include: str, why: str) -> None:
    flows = tree(tmp_path)
    text = FLOW.format(include=include.format(tmp=tmp_path))
    flow, problems = load_flow_text(text, str(flows / "inc.yaml"), base_dir=flows)
    assert flow is None
    [problem] = problems.items
    assert (problem.code, problem.location.line, problem.location.column) == ("SM004", 5, 5)
    assert why in problem.message and "hunter2" not in problem.format()


def test_a_rule_file_in_the_tree_is_read(tmp_path: Path) -> None:
    flows = tree(tmp_path)
    flow, problems = load_flow_text(FLOW.format(include="rules/ok.yaml"), str(flows / "inc.yaml"), base_dir=flows)
    assert flow is not None, [p.format() for p in problems.items]
    assert [r.id for r in flow.rules.rules] == ["big"]


def test_lint_in_ci_never_prints_a_line_of_another_file(tmp_path: Path) -> None:
    flows = tree(tmp_path)
    (flows / "inc.yaml").write_text(FLOW.format(include="../secret.env"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "lint", str(flows / "inc.yaml"), "--format",
                           "github", "--no-catalogs"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert "outside the flow's folder" in proc.stdout + proc.stderr
    assert "SECRET_KEY" not in proc.stdout + proc.stderr and "hunter2" not in proc.stdout + proc.stderr
