"""`seniormode lint`: what it reads, what it proves about rules and branches, and how it reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seniormode.cli import main
from seniormode.core.loader import load_flow_text
from seniormode.core.problems import Severity
from seniormode.lint import LintOptions, file_kind, lint_paths

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
HEAD = """flow: t
title: 港澳签注续签
call_staff: staff_window
{rules}
steps:
{steps}
  - id: done
    kind: end
    text: 办好了
    icon: thumbs_up
  - id: staff_window
    kind: handoff
    text: 工作人员马上来
    icon: staff
    window: 5号人工窗口
{tail}"""
CARD = """  - id: read_card
    kind: id_card
    text: 请放身份证
    icon: id_card
"""


def flow_text(steps: str, rules: str = "", tail: str = "") -> str:
    return HEAD.format(steps=steps, rules=rules, tail=tail)


def flow_problems(steps: str, rules: str = "", tail: str = "") -> list[str]:
    flow, problems = load_flow_text(flow_text(steps, rules, tail), "t.yaml", REPO / "flows_yaml")
    codes = [f"{p.code}@{p.location.line}" for p in problems.sorted()]
    if flow is not None:
        from seniormode.core.rules.analysis import rule_problems

        codes += [f"{p.code}@{p.location.line}" for p in rule_problems(flow.rules, flow.symbols)]
    return codes


GO_ON = """  - id: welcome
    kind: info
    text: 欢迎
    icon: wave
    next: last
"""


def branch(condition_a: str, condition_b: str) -> str:
    """The last step of the flow, so nothing is below it to fall through to."""
    return f"""  - id: last
    kind: info
    text: 好
    icon: wave
    next:
      - {{if: {condition_a}, go: done}}
      - {{if: {condition_b}, go: staff_window}}
"""


def test_demo_flows_themes_and_catalogs_are_clean() -> None:
    result = lint_paths([REPO / "flows_yaml", REPO / "themes", REPO / "locales"])
    assert [p.format() for p in result.problems] == []
    assert len(result.flows) == 5
    assert len(result.files) >= 5 + 3 + 18


def test_file_kinds_come_from_what_the_file_holds() -> None:
    assert file_kind(REPO / "flows_yaml" / "hk_macau_renewal.yaml") == "flow"
    assert file_kind(REPO / "flows_yaml" / "rules" / "senior.yaml") == "rules"
    assert file_kind(REPO / "themes" / "senior.yaml") == "theme"
    assert file_kind(REPO / "flows_yaml" / "scripts" / "hk_macau_renewal.demo.yaml") == "script"
    assert file_kind(REPO / "tests" / "scenarios" / "home_visit.yaml") == "scenario"
    assert file_kind(REPO / "locales" / "en" / "LC_MESSAGES" / "kiosk.po") == "catalog"


def test_branches_that_cover_every_age_need_no_fallback_once_the_card_is_read() -> None:
    assert flow_problems(CARD + GO_ON, tail=branch("age >= 70", "age < 70")) == []


def test_branches_on_age_before_the_card_is_read_leave_the_unknown_age() -> None:
    codes = flow_problems(GO_ON, tail=branch("age >= 70", "age < 70"))
    assert codes == ["SM304@27"]  # the last of the two lines
    _, problems = load_flow_text(flow_text(GO_ON, tail=branch("age >= 70", "age < 70")), "t.yaml")
    assert "age is not known yet" in problems.sorted()[0].message


def test_a_gap_between_branches_is_shown_with_the_missing_value() -> None:
    _, problems = load_flow_text(flow_text(CARD + GO_ON, tail=branch("age > 70", "age < 70")), "t.yaml")
    [problem] = problems.sorted()
    assert problem.code == "SM304" and "age is 70" in problem.message


def test_rules_that_can_and_cannot_apply() -> None:
    rules = """rules:
  - {id: never, when: age > 90 and age < 80, set: {text_scale: 1.6}}
  - {id: fine, when: age > 90 or age < 10, set: {text_scale: 1.6}}
  - {id: no_and_yes, when: wheelchair and not wheelchair, set: {view_preset: wheelchair}}
"""
    assert flow_problems(CARD, rules) == ["SM302@5", "SM302@7"]


def test_a_rule_is_overridden_only_if_every_setting_it_makes_is_always_taken() -> None:
    rules = """rules:
  - {id: over_70, when: age >= 70, priority: 10, set: {text_scale: 1.4}}
  - {id: over_75_voice, when: age >= 75, priority: 5, set: {text_scale: 1.6, speech_rate: 110}}
  - {id: over_75, when: age >= 75, priority: 5, set: {text_scale: 1.6}}
  - {id: anyone, priority: 1, set: {text_scale: 1.2}}
"""
    # over_75_voice still decides the speech rate; 'anyone' still decides for those under 70.
    assert flow_problems(CARD, rules) == ["SM303@7"]


def test_a_route_behind_a_wider_route_of_higher_priority_never_routes() -> None:
    rules = """rules:
  - {id: child, when: age < 16, priority: 100, after: [read_card], go: staff_window}
  - {id: baby, when: age < 3, priority: 50, after: [read_card], go: done}
  - {id: elder, when: age > 100, priority: 50, after: [read_card], go: done}
"""
    assert flow_problems(CARD, rules) == ["SM303@6"]


def test_a_loop_with_no_way_to_finish(tmp_path: Path) -> None:
    steps = """  - id: ask
    kind: confirm
    text: 对吗？
    icon: question
    no_next: ask
    next: ask
"""
    assert flow_problems(steps) == ["SM116@6", "SM106@13"]  # 'done' is unreachable too


def test_recorded_voices_must_be_voice_languages(tmp_path: Path) -> None:
    text = flow_text(CARD, rules="languages: {voice: [zh_Hans_CN], recorded: [yue_Hans_CN]}")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    result = lint_paths([path], LintOptions(locales=tmp_path / "locales"))
    assert [(p.code, p.location.line) for p in result.problems] == [("SM108", 4)]


def test_a_script_with_an_unknown_event_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "walk.demo.yaml"
    path.write_text("inputs: {age: 76}\nevents: [ok, {choose: macau}, jump_around]\n", encoding="utf-8")
    [problem] = lint_paths([path]).problems
    assert problem.code == "SM401" and problem.location.line == 2


def test_a_missing_catalog_for_a_voice_language_is_one_error_not_one_per_string(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(flow_text(CARD), encoding="utf-8")
    (tmp_path / "locales").mkdir()
    problems = lint_paths([path], LintOptions(locales=tmp_path / "locales")).problems.sorted()
    assert [p.code for p in problems] == ["SM604"] * 4
    # one for the flow's own catalog, one each for the kiosk's words it speaks on this flow: default help, the
    # time-out warning, and "the machine did not respond" (it has a card reader)
    assert all(p.severity is Severity.ERROR and "yue_Hans_CN" in p.message for p in problems)
    assert "catalog for flow 't'" in problems[0].message


def test_a_translation_left_behind_by_a_changed_text_is_stale(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales", locales)
    flow = tmp_path / "hk_macau_renewal.yaml"
    text = (REPO / "flows_yaml" / "hk_macau_renewal.yaml").read_text(encoding="utf-8")
    flow.write_text(text.replace("text: 请放身份证", "text: 请放好身份证"), encoding="utf-8")
    shutil.copytree(REPO / "flows_yaml" / "rules", tmp_path / "rules")
    codes = sorted({p.code for p in lint_paths([flow], LintOptions(locales=locales)).problems})
    assert codes == ["SM603"]


def test_cli_formats_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(REPO / "tests" / "bad_flows" / "SM303_rule_always_overridden.yaml")
    assert main(["lint", bad, "--no-catalogs"]) == 0  # a warning
    assert main(["lint", bad, "--no-catalogs", "--strict"]) == 1
    capsys.readouterr()
    assert main(["lint", bad, "--no-catalogs", "--format", "json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["code"] == "SM303" and item["location"]["line"] == 13 and item["severity"] == "warning"
    assert main(["lint", bad, "--no-catalogs", "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith("::warning file=")
    assert main(["lint"]) == 0  # the defaults: flows_yaml themes locales
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err
    assert main(["lint", "no/such/place.yaml"]) == 1


def test_a_catalog_claiming_millions_of_plural_forms_is_refused_before_babel_reads_it(tmp_path: Path) -> None:
    """Babel makes nplurals strings for every plural entry: 300 million took 24 GB and the OOM killer."""
    import resource
    import subprocess
    import sys

    po = tmp_path / "many.po"
    po.write_text('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=300000000; plural=0;\\n"\n\n'
                  'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\n', encoding="utf-8")

    def one_gigabyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "lint", str(po)], capture_output=True, text=True,
                          timeout=120, preexec_fn=one_gigabyte, cwd=REPO)
    assert proc.returncode == 1, proc.stderr
    assert ":3:1: error[SM605] nplurals=300000000" in proc.stderr
    from seniormode.core.i18n import Catalogs, catalog_path

    locales = tmp_path / "locales"
    catalog_path(locales, "yue_Hans_CN", "kiosk").parent.mkdir(parents=True)
    catalog_path(locales, "yue_Hans_CN", "kiosk").write_text(po.read_text(encoding="utf-8"), encoding="utf-8")
    from seniormode.core.messages import message

    assert Catalogs(locales).translate(message("ui_back"), "yue_Hans_CN") == "返回"  # the kiosk shows the source


def test_a_name_in_a_condition_written_over_several_lines_is_found_where_it_is_written() -> None:
    rules = """rules:
  - id: folded
    when: >-
      age >= 70 and
      frist_time
    set: {text_scale: 1.4}
  - id: continued
    when: age >= 70 or
      wheelchair or hepls >= 2
    set: {text_scale: 1.4}
"""
    _, problems = load_flow_text(flow_text(CARD, rules), "t.yaml")
    assert [(p.code, p.location.line, p.location.column) for p in problems.sorted()] == [
        ("SM202", 8, 7), ("SM202", 12, 21)]
