"""`seniormode i18n` as a translator meets it: the flow named is the flow done, guesses stay within an identity,
an unchanged catalog is left alone, and status points at each string to look at."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
HOME = "flows_yaml/home_visit.yaml"
HK = "flows_yaml/hk_macau_renewal.yaml"


def i18n(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "i18n", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "flows_yaml", tmp_path / "flows_yaml")
    shutil.copytree(ROOT / "locales", tmp_path / "L")
    return tmp_path


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def catalogs(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted((folder / "L").rglob("*.po*"))}


def entry(folder: Path, locale: str, domain: str, context: str, msgid: str):  # type: ignore[no-untyped-def]
    with (folder / "L" / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        return read_po(fh).get(msgid, context=context)


def test_update_of_one_flow_touches_only_its_catalogs(work: Path) -> None:
    edit(work, HOME, "text: 请输入手机号", "text: 请输入您的手机号")
    edit(work, HK, "去香港，按左边的图；去澳门，按右边的图。", "去香港按左边；去澳门按右边。")
    assert i18n(work, "extract", "--locales", "L", HOME, HK).returncode == 0
    before = catalogs(work)
    proc = i18n(work, "update", "--locales", "L", HOME)
    assert proc.returncode == 0, proc.stderr
    changed = sorted(str(p) for p, data in catalogs(work).items() if before[p] != data)
    assert changed == [f"L/{loc}/LC_MESSAGES/home_visit.po" for loc in ("en", "yue_Hans_CN", "zh_Hans_CN")]


def test_status_of_one_flow_lists_that_flow_only_and_takes_options_anywhere(work: Path) -> None:
    for args in (("status", HOME, "--locales", "L"), ("status", "--show", "20", "--locales", "L", HOME)):
        proc = i18n(work, *args)
        assert proc.returncode == 0, proc.stderr  # was: "unrecognized arguments"
        rows = [line.split()[1] for line in proc.stdout.splitlines()[2:] if line[:1].isalpha()]
        assert rows == ["home_visit"] * 3, proc.stdout


def test_bare_i18n_asks_for_an_action_not_for_flows() -> None:
    proc = i18n(ROOT)
    assert proc.returncode == 2
    assert "{extract,update,compile,status}" in proc.stderr and "flows" not in proc.stderr


def test_update_of_a_flow_whose_template_is_behind_says_run_extract(work: Path) -> None:
    edit(work, HOME, "text: 请输入手机号", "text: 请输入您的手机号")
    before = catalogs(work)
    proc = i18n(work, "update", "--locales", "L", HOME)
    assert proc.returncode == 1 and f"run 'seniormode i18n extract {HOME}' first" in proc.stderr
    assert catalogs(work) == before


def test_a_guess_comes_only_from_the_same_identity(work: Path) -> None:
    # One string's words change beyond recognition, and a new one is close to another string's words.
    edit(work, HOME, "{id: weekend, text: 周末, icon: calendar}",
         "{id: weekend, text: 星期六或星期日, icon: calendar}\n      - {id: weekday, text: 工作日, icon: sun}")
    assert i18n(work, "extract", HOME, "--locales", "L").returncode == 0
    assert i18n(work, "update", HOME, "--locales", "L").returncode == 0
    changed = entry(work, "en", "home_visit", "home_visit/time_slot/choices/weekend/text", "星期六或星期日")
    assert changed.fuzzy and changed.string == "Weekend"
    po = (work / "L" / "en" / "LC_MESSAGES" / "home_visit.po").read_text(encoding="utf-8")
    assert '#| msgid "周末"\nmsgctxt "home_visit/time_slot/choices/weekend/text"' in po  # the words it had
    new = entry(work, "en", "home_visit", "home_visit/time_slot/choices/weekday/text", "工作日")
    assert new.string == "" and not new.fuzzy  # was: fuzzy "Weekday morning", another identity's


def test_a_guess_across_identities_when_asked(work: Path) -> None:
    edit(work, HOME, "{id: weekend, text: 周末, icon: calendar}",
         "{id: weekend, text: 周末, icon: calendar}\n      - {id: weekday, text: 工作日, icon: sun}")
    assert i18n(work, "extract", HOME, "--locales", "L").returncode == 0
    assert i18n(work, "update", HOME, "--guess-across", "--locales", "L").returncode == 0
    new = entry(work, "en", "home_visit", "home_visit/time_slot/choices/weekday/text", "工作日")
    assert new.fuzzy and new.string.startswith("Weekday")


def test_extract_and_update_on_a_clean_tree_change_nothing(work: Path) -> None:
    before = catalogs(work)
    outputs = []
    for action in ("extract", "update"):
        proc = i18n(work, action, "--locales", "L")
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert catalogs(work) == before  # was: every file, for its POT-Creation-Date and Generated-By
    assert all("already up to date, left as they were" in out and "wrote" not in out for out in outputs)


def test_the_shipped_catalogs_have_nothing_stale() -> None:
    proc = i18n(ROOT, "status")
    assert proc.returncode == 0
    assert all(line.split()[-1] == "0" for line in proc.stdout.splitlines()[2:] if line[:1].isalpha()), proc.stdout


def test_status_lists_each_fuzzy_and_stale_string_at_its_line(work: Path) -> None:
    edit(work, HOME, "text: 请输入手机号", "text: 请输入您的手机号")
    edit(work, HOME, "      - {id: weekend, text: 周末, icon: calendar}\n", "")
    assert i18n(work, "extract", HOME, "--locales", "L").returncode == 0
    assert i18n(work, "update", HOME, "--locales", "L").returncode == 0
    proc = i18n(work, "status", "--locales", "L", HOME)
    po = "L/yue_Hans_CN/LC_MESSAGES/home_visit.po"
    lines = (work / po).read_text(encoding="utf-8").splitlines()
    at_fuzzy = lines.index('msgid "请输入您的手机号"') + 1
    at_stale = lines.index('#~ msgid "周末"') + 1
    listed = [line.strip() for line in proc.stdout.splitlines() if line.strip().startswith(po)]
    assert listed == [f'{po}:{at_fuzzy}: fuzzy: msgctxt "home_visit/phone/text": 请输入您的手机号 (was: 请输入手机号)',
                      f'{po}:{at_stale}: stale: msgctxt "home_visit/time_slot/choices/weekend/text": 周末']
    assert "--drop-stale" in proc.stdout
    assert i18n(work, "update", "--drop-stale", "--locales", "L", HOME).returncode == 0
    assert "#~" not in (work / po).read_text(encoding="utf-8")
