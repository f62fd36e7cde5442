"""Every default folder is one of the current folder, never of the checkout the package was installed from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


@pytest.fixture()
def team_folder(tmp_path: Path) -> Path:
    """A UX team's own folder: the repo's flows and catalogs, with one flow renamed (so only its catalogs know it)."""
    folder = tmp_path / "team"
    shutil.copytree(ROOT / "flows_yaml", folder / "flows_yaml")
    shutil.copytree(ROOT / "locales", folder / "locales")
    flow = folder / "flows_yaml" / "home_visit.yaml"
    flow.write_text(flow.read_text(encoding="utf-8").replace("flow: home_visit", "flow: my_visit")
                    .replace("home_visit", "my_visit"), encoding="utf-8")
    flow.rename(flow.with_name("my_visit.yaml"))
    triage = folder / "flows_yaml" / "triage.yaml"  # the triage starts it by its id: without this, SM122
    triage.write_text(triage.read_text(encoding="utf-8").replace("flow: home_visit", "flow: my_visit"),
                      encoding="utf-8")
    for catalog in [*folder.glob("locales/*/LC_MESSAGES/home_visit.po"), folder / "locales/templates/home_visit.pot"]:
        catalog.write_text(catalog.read_text(encoding="utf-8").replace("home_visit", "my_visit"), encoding="utf-8")
        catalog.rename(catalog.with_name("my_visit" + catalog.suffix))
    return folder


def test_lint_checks_this_folders_flows_against_this_folders_catalogs(team_folder: Path) -> None:
    for args in ((), ("flows_yaml",), ("flows_yaml/my_visit.yaml",)):
        proc = run(team_folder, "lint", *args)
        assert proc.returncode == 0, proc.stderr  # was: SM604, no catalog for 'my_visit' in the other checkout
        assert "0 error(s), 0 warning(s)" in proc.stderr
        assert f"in {team_folder}:" in proc.stderr and "catalogs from locales/" in proc.stderr
    assert "checked flows_yaml/ locales/" in run(team_folder, "lint").stderr


def test_i18n_writes_this_folders_catalogs(team_folder: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "locales").rglob("*.po*")}
    (team_folder / "locales" / "templates" / "my_visit.pot").unlink()
    proc = run(team_folder, "i18n", "extract")
    assert proc.returncode == 0, proc.stderr
    assert f"catalogs in locales/ in {team_folder}" in proc.stdout
    template = (team_folder / "locales" / "templates" / "my_visit.pot").read_text(encoding="utf-8")
    assert "#: flows_yaml/my_visit.yaml:" in template  # a path of this folder, not the other checkout's
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "locales").rglob("*.po*")} == before


def test_simulate_speaks_this_folders_translations(team_folder: Path) -> None:
    po = team_folder / "locales" / "yue_Hans_CN" / "LC_MESSAGES" / "hk_macau_renewal.po"
    said = "唔该将你嘅身份证放喺右下角嘅读卡区，放平佢，唔好拎走。"
    po.write_text(po.read_text(encoding="utf-8").replace(said, "本组嘅译文"), encoding="utf-8")
    proc = run(team_folder, "simulate", "flows_yaml/hk_macau_renewal.yaml", "--lang", "yue_Hans_CN",
               "--script", "flows_yaml/scripts/hk_macau_renewal.demo.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "本组嘅译文" in proc.stdout and said not in proc.stdout


def test_a_theme_name_is_this_folders_theme_first(team_folder: Path) -> None:
    themes = team_folder / "themes"
    themes.mkdir()
    senior = (ROOT / "themes" / "senior.yaml").read_text(encoding="utf-8")
    (themes / "senior.yaml").write_text(senior.replace("theme: senior", "theme: senior\nnot_a_key: 1", 1),
                                        encoding="utf-8")
    proc = run(team_folder, "lint", "flows_yaml/my_visit.yaml")
    assert proc.returncode == 1 and "themes/senior.yaml:" in proc.stderr  # the file lint checks is the one shown
    (themes / "senior.yaml").unlink()
    assert run(team_folder, "lint", "flows_yaml/my_visit.yaml").returncode == 0  # the toolkit's own is the fallback


@pytest.mark.parametrize("args, folder", [
    (("lint",), "flows_yaml/, themes/, locales/"),
    (("i18n", "status"), "locales/"),
    (("i18n", "extract"), "flows_yaml/"),
    (("voice", "build"), "flows_yaml/"),
    (("demo", "--terminal"), "flows_yaml/hk_macau_renewal.yaml"),
    (("docs",), "tests/bad_*/"),
])
def test_a_folder_with_none_says_where_it_looked(tmp_path: Path, args: tuple[str, ...], folder: str) -> None:
    proc = run(tmp_path, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # was: the other checkout's files, checked or run
    assert folder in proc.stderr and str(tmp_path) in proc.stderr
    assert not (tmp_path / "locales").exists()


def test_lint_without_catalogs_here_says_so(team_folder: Path) -> None:
    shutil.rmtree(team_folder / "locales")
    proc = run(team_folder, "lint", "flows_yaml/my_visit.yaml")
    assert "catalogs from nowhere: there is no locales/" in proc.stderr
    assert "locales/yue_Hans_CN/LC_MESSAGES/my_visit.po" in proc.stderr  # SM604 names the folder it looked in
