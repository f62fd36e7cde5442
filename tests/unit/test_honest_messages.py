"""What lint says is what is wrong: no false 'no steps', no aliases that are not there, nothing skipped in silence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seniormode.core.loader import load_flow_text
from seniormode.lint import lint_paths

pytestmark = pytest.mark.unit

HEAD = "flow: big\ntitle: 大\ncall_staff: staff\nsteps:\n"


def messages(text: str) -> list[str]:
    flow, problems = load_flow_text(text, "big.yaml")
    assert flow is None
    return [f"{p.code} {p.message}" for p in problems.items]


def test_too_many_steps_is_said_once_and_not_as_no_steps() -> None:
    steps = "".join(f"  - {{id: s{i}, kind: end, text: 好}}\n" for i in range(2_500))
    found = messages(HEAD + steps)
    assert found == ["SM003 2500 steps (limit 2000)"], found


def test_a_big_file_without_aliases_is_not_blamed_on_aliases() -> None:
    choices = "".join(f"      - {{id: c{i}, text: 选{i}, icon: star}}\n" for i in range(40_000))
    found = messages(HEAD + "  - id: pick\n    kind: choice\n    text: 选\n    choices:\n" + choices)
    assert any("values in one file" in m for m in found), found
    assert not any("alias" in m for m in found), found


def test_an_alias_bomb_is_still_named_as_one() -> None:
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    found = messages("\n".join(lines) + "\n" + HEAD.replace("steps:\n", "steps: *a6\n"))
    assert any("after expanding aliases" in m for m in found), found


def test_a_folder_says_which_files_it_could_not_read(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text("theme: x\n", encoding="utf-8")
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "dangling.yaml")
    os.symlink(tmp_path / "loop.yaml", tmp_path / "loop.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = lint_paths([tmp_path])
    said = {Path(p.location.file).name: p.message for p in result.problems.items if p.code == "SM004"}
    assert "does not exist" in said["dangling.yaml"]
    assert "loop" in said["loop.yaml"]
    assert "not a regular file" in said["pipe.yaml"]
    assert [p.name for p in result.files] == ["ok.yaml"]
