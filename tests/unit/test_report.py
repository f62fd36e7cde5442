"""The report: Wilson intervals, counts along the branches, suggestions that lint passes, bad journals in words."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from seniormode.core.loader import load_flow_or_raise
from seniormode.journal.reader import JournalSet, Selection
from seniormode.journal.writer import JournalWriter
from seniormode.lint import LintOptions, lint_paths
from seniormode.population.personas import load_personas
from seniormode.population.walk import simulate_population
from seniormode.report.analysis import analyse
from seniormode.report.compare import compare
from seniormode.report.stats import quantile, wilson
from seniormode.report.suggest import load_thresholds, suggest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "seniormode", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_wilson_matches_the_published_values() -> None:
    r = wilson(5, 10)
    assert (round(r.low, 4), round(r.high, 4)) == (0.2366, 0.7634)
    zero = wilson(0, 10)
    assert zero.low == 0.0 and round(zero.high, 4) == 0.2775
    assert wilson(3, 10, min_n=30).small and not wilson(30, 100, min_n=30).small
    assert quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9 and quantile([], 0.5) is None


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the demo flows and 600 simulated applicants' journal of the renewal."""
    tmp = tmp_path_factory.mktemp("report")
    shutil.copytree(ROOT / "flows_yaml", tmp / "flows_yaml")
    shutil.copytree(ROOT / "locales", tmp / "locales")
    flow = load_flow_or_raise(tmp / "flows_yaml" / "hk_macau_renewal.yaml")
    personas, problems = load_personas(ROOT / "personas" / "hall.yaml")
    assert not problems.items
    journal = tmp / "journal.sqlite"
    with JournalWriter(journal) as writer:
        simulate_population(flow, personas, 600, 3, writer.write, version="before")
        assert writer.flush()
    return tmp, journal


def test_the_numbers_follow_the_branches(simulated: tuple[Path, Path]) -> None:
    tmp, journal = simulated
    flow = load_flow_or_raise(tmp / "flows_yaml" / "hk_macau_renewal.yaml")
    analysis = analyse(flow, JournalSet([journal]).sessions(Selection(flow.id)), by="age_band")
    assert analysis.sessions == 600 and analysis.synthetic == 600
    welcome, purpose = analysis.step("welcome"), analysis.step("purpose")
    assert welcome is not None and purpose is not None
    assert welcome.reached == 600 >= purpose.reached
    # Every applicant who reached a step came in by some way: the ways in add up to the visits.
    for s in analysis.steps:
        assert sum(s.ways_in.values()) == s.entries
    # The urgent purpose leads to the green channel, nowhere else: the funnel follows the rule's branch.
    green = analysis.step("green_channel")
    assert green is not None and set(green.ways_in) <= {"purpose"}
    assert sum(analysis.ends.values()) == 600
    assert sum(g.sessions for g in analysis.groups.values()) == 600


def test_a_suggested_diff_applies_and_lint_passes_it(simulated: tuple[Path, Path]) -> None:
    tmp, journal = simulated
    proc = run("report", str(journal), "--flow", "flows_yaml/hk_macau_renewal.yaml", "--format", "json", cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    suggestions = json.loads(proc.stdout)["suggestions"]
    assert suggestions, "the simulated elders press 大字 on the welcome screen: a suggestion is expected"
    work = tmp / "applied"
    shutil.copytree(tmp / "flows_yaml", work / "flows_yaml")
    shutil.copytree(tmp / "locales", work / "locales")
    for s in suggestions:
        assert s["where"].split(":")[0].startswith("flows_yaml/")
        if s["diff"]:
            subprocess.run(["git", "apply", "--unsafe-paths", "-"], input=s["diff"], text=True, cwd=work,
                           check=True)
    result = lint_paths([work / "flows_yaml"], LintOptions(locales=work / "locales"))
    errors = [p for p in result.problems.sorted() if p.severity.value == "error"]
    assert not errors, [p.format() for p in errors]


def test_compare_says_no_evidence_yet_for_small_samples(simulated: tuple[Path, Path]) -> None:
    tmp, journal = simulated
    flow = load_flow_or_raise(tmp / "flows_yaml" / "hk_macau_renewal.yaml")
    small = tmp / "small.sqlite"
    personas, _ = load_personas(ROOT / "personas" / "hall.yaml")
    with JournalWriter(small) as writer:
        simulate_population(flow, personas, 12, 4, writer.write, version="after")
        writer.flush()
    js = JournalSet([journal, small])
    before = analyse(flow, js.sessions(Selection(flow.id, versions=("before",))), by="age_band")
    after = analyse(flow, js.sessions(Selection(flow.id, versions=("after",))), by="age_band")
    result = compare(("before", before), ("after", after))
    assert result.sessions == (600, 12)
    assert {c.verdict for c in result.changes} == {"no evidence yet"}


@pytest.mark.parametrize("content, says", [
    (b"", "empty file"),
    (b"not a database at all\n", "not an SQLite file"),
])
def test_a_bad_journal_gets_one_clear_line_and_no_traceback(tmp_path: Path, content: bytes, says: str) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    proc = run("report", str(bad), "--flow", str(ROOT / "flows_yaml" / "hk_macau_renewal.yaml"))
    assert proc.returncode == 1
    assert says in proc.stderr and str(bad) in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_a_foreign_journal_beside_a_good_one_is_named_and_the_good_one_reported(simulated: tuple[Path, Path],
                                                                              tmp_path: Path) -> None:
    _, journal = simulated
    foreign = tmp_path / "other.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    proc = run("report", str(journal), str(foreign), "--flow", str(ROOT / "flows_yaml" / "hk_macau_renewal.yaml"))
    assert proc.returncode == 0
    assert "600 sessions" in proc.stdout
    assert f"{foreign}: an SQLite file of another program" in proc.stdout


def test_steps_the_flow_no_longer_has_are_named(simulated: tuple[Path, Path], tmp_path: Path) -> None:
    tmp, journal = simulated
    renamed = tmp_path / "flows_yaml"
    shutil.copytree(tmp / "flows_yaml", renamed)
    flow_file = renamed / "hk_macau_renewal.yaml"
    text = flow_file.read_text(encoding="utf-8").replace("photo_source", "photo_choice")
    flow_file.write_text(text, encoding="utf-8")
    proc = run("report", str(journal), "--flow", str(flow_file))
    assert proc.returncode == 0, proc.stderr
    assert "step 'photo_source' is in the journal" in proc.stdout


def test_a_thresholds_file_with_mistakes_is_told_at_its_lines(tmp_path: Path) -> None:
    bad = tmp_path / "thresholds.yaml"
    bad.write_text("min_n: 30\nsignals:\n  biger: {rate: 0.2, ci_low: 0.1}\n  help: {rate: 2, ci_low: 0.1}\n",
                   encoding="utf-8")
    _, problems = load_thresholds(bad)
    found = sorted((p.code, p.location.line) for p in problems.items)
    assert found == [("SM101", 3), ("SM108", 4)]
    proc = run("report", str(tmp_path / "none.sqlite"), "--thresholds", str(bad))
    assert "Traceback" not in proc.stderr


def test_suggestions_name_the_rule_line_for_an_age_band(simulated: tuple[Path, Path]) -> None:
    tmp, journal = simulated
    flow = load_flow_or_raise(tmp / "flows_yaml" / "hk_macau_renewal.yaml")
    analysis = analyse(flow, JournalSet([journal]).sessions(Selection(flow.id)), by="age_band")
    # Make the 80+ band press 大字 on the purpose step, after the card: the over_80 rule's text_scale is the line.
    group = analysis.groups["80+"]
    purpose = group.step("purpose")
    assert purpose is not None
    purpose.rates["bigger"] = wilson(int(0.41 * purpose.reached), purpose.reached)
    thresholds, _ = load_thresholds()
    thresholds.min_n = 10
    findings = suggest(flow, analysis, thresholds)
    ours = [f for f in findings if "purpose" in f.summary and "80+" in f.summary]
    assert ours, [f.summary for f in findings]
    assert ours[0].where.endswith("flows_yaml/rules/senior.yaml:19")
    assert "-      text_scale: 1.6" in ours[0].diff and "+      text_scale: 1.8" in ours[0].diff


def test_a_session_across_midnight_is_counted_once_on_the_day_it_began(tmp_path: Path) -> None:
    from seniormode.journal.record import JournalEvent

    journal = tmp_path / "j.sqlite"
    stamps = ["2026-01-01T23:59:45Z", "2026-01-01T23:59:58Z", "2026-01-02T00:00:05Z", "2026-01-02T00:00:18Z"]
    kinds = [("welcome", "step_shown", ""), ("welcome", "step_left", "answer"), ("read_card", "step_shown", ""),
             ("read_card", "session_end", "abandoned")]
    with JournalWriter(journal) as writer:
        for seq, (at, (step, kind, detail)) in enumerate(zip(stamps, kinds, strict=True)):
            writer.write(JournalEvent("k", "hk_macau_renewal", "v", "s1", seq, at, step, kind, detail, 0, 1.0,
                                      170, "zh_Hans_CN", "zh_Hans_CN", "standard", "70-79"))
        writer.flush()
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    js = JournalSet([journal, journal])  # the same file twice is read once
    first = analyse(flow, js.sessions(Selection(flow.id, until="2026-01-01")))
    second = analyse(flow, js.sessions(Selection(flow.id, since="2026-01-02")))
    assert (first.sessions, first.events, first.ends) == (1, 4, {"abandoned": 1})
    assert second.sessions == 0
    proc = run("report", str(journal), "--flow", str(ROOT / "flows_yaml" / "hk_macau_renewal.yaml"),
               "--since", "2026/01/01")
    assert proc.returncode == 2 and "--since takes a date like 2026-11-01" in proc.stderr


def test_a_setting_line_with_more_on_it_gets_no_broken_diff(simulated: tuple[Path, Path], tmp_path: Path) -> None:
    """`text_scale: 1.6   # note` or a flow-style `set: {...}` is not rewritten whole: no diff, not a bad one."""
    tmp, journal = simulated
    work = tmp_path / "w"
    shutil.copytree(tmp / "flows_yaml", work / "flows_yaml")
    rules = work / "flows_yaml" / "rules" / "senior.yaml"
    text = rules.read_text(encoding="utf-8")
    noted = text.replace("      text_scale: 1.6\n", "      text_scale: 1.6   # 八十岁以上\n")
    rules.write_text(noted, encoding="utf-8")
    flow = load_flow_or_raise(work / "flows_yaml" / "hk_macau_renewal.yaml")
    analysis = analyse(flow, JournalSet([journal]).sessions(Selection(flow.id)), by="age_band")
    purpose = analysis.groups["80+"].step("purpose")
    assert purpose is not None
    purpose.rates["bigger"] = wilson(int(0.41 * purpose.reached), purpose.reached)
    thresholds, _ = load_thresholds()
    thresholds.min_n = 10
    assert not [f for f in suggest(flow, analysis, thresholds) if "80+" in f.summary and f.diff]


def test_several_suggestions_for_one_file_apply_together_as_one_patch(simulated: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    from seniormode.report.suggest import combined_patch

    tmp, journal = simulated
    work = tmp_path / "w"
    shutil.copytree(tmp / "flows_yaml", work / "flows_yaml")
    shutil.copytree(tmp / "locales", work / "locales")
    flow = load_flow_or_raise(work / "flows_yaml" / "hk_macau_renewal.yaml")
    analysis = analyse(flow, JournalSet([journal]).sessions(Selection(flow.id)), by="age_band")
    for band in ("70-79", "80+"):  # both age rules' text_scale and speech_rate, in the one rule file
        purpose = analysis.groups[band].step("purpose")
        assert purpose is not None
        for signal in ("bigger", "repeat"):
            purpose.rates[signal] = wilson(int(0.5 * purpose.reached), purpose.reached)
    thresholds, _ = load_thresholds()
    thresholds.min_n = 10
    findings = suggest(flow, analysis, thresholds)
    in_rules = [f for f in findings if f.diff and "senior.yaml" in f.where]
    assert len(in_rules) >= 3
    patch = combined_patch(findings)
    assert patch.count("+++ b/") == len({f.edit[0] for f in findings if f.edit and f.diff})
    # The patch names files relative to the folder the report ran in (here, this test's): apply it there.
    subprocess.run(["git", "apply", "--unsafe-paths", "-"], input=patch, text=True, cwd=Path.cwd(), check=True)
    result = lint_paths([work / "flows_yaml"], LintOptions(locales=work / "locales"))
    assert not [p for p in result.problems.sorted() if p.severity.value == "error"]
    rules = (work / "flows_yaml" / "rules" / "senior.yaml").read_text(encoding="utf-8")
    assert "text_scale: 1.6" in rules and "text_scale: 1.8" in rules and "speech_rate: 90" in rules
