"""The audit's headless half: choices, time-outs, spoken prompts, themes read despite their errors, options, worker."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from seniormode.core.flow import Choice, Flow, Timeout
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise, load_flow_text
from seniormode.core.problems import Location, Problem, Severity
from seniormode.core.theme import load_theme, load_theme_by_name, read_theme_unchecked
from seniormode.lint.audit import (
    AuditError,
    AuditOptions,
    audit_theme_file,
    flow_problems,
    problem_from_dict,
    raw_choice_problems,
    run_audit,
    theme_scales,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEMO_FLOWS = sorted((ROOT / "flows_yaml").glob("*.yaml"))
LOCALES = ROOT / "locales"
GREY = ROOT / "tests" / "audit_themes" / "grey_small.yaml"
NO_ICON = ROOT / "tests" / "audit_flows" / "SM508_choice_without_icon.yaml"
EXPECT = re.compile(r"^# expect: (SM\d{3}) line (\d+) col (\d+)$")

SMALL_FLOW = """\
flow: small
title: 小流程
call_staff: staff_window
steps:
  - id: destination
    kind: choice
    text: 去哪里？
    say: 请问您去哪里？
    icon: map
    choices:
      - {id: hongkong, text: 香港, icon: hongkong}
      - {id: macau, text: 澳门, icon: macau}
  - id: staff_window
    kind: handoff
    text: 请到人工窗口
    icon: staff
    window: 3号人工窗口
"""


def expected(path: Path) -> tuple[str, int, int]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} starts with '# expect: SMxxx line N col M'"
    return match.group(1), int(match.group(2)), int(match.group(3))


def line_of(path: Path, pattern: str) -> int:
    """The 1-based number of the first line of `path` that matches `pattern`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"no line matches {pattern!r} in {path}")


def small_flow() -> Flow:
    flow, problems = load_flow_text(SMALL_FLOW, "small.yaml")
    assert flow is not None, problems.sorted()
    return flow


# --- text sizes ---------------------------------------------------------------------------------------------------

def test_text_scales_are_the_steps_of_the_bigger_button_up_to_the_themes_largest() -> None:
    senior = load_theme_by_name("senior")
    assert theme_scales(senior) == (1.0, 1.2, 1.4, 1.6, 1.8, 2.0)
    capped = dataclasses.replace(senior, largest_text_scale=1.5)
    assert theme_scales(capped) == (1.0, 1.2, 1.4, 1.5)  # the kiosk draws ×1.6 as ×1.5


def test_text_scales_include_the_ladder_from_where_the_rules_start() -> None:
    senior = load_theme_by_name("senior")
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")  # rules start at 1.4 and 1.6
    assert theme_scales(senior, flow) == (1.0, 1.2, 1.4, 1.6, 1.8, 2.0)
    rule = dataclasses.replace(flow.rules.rules[0], settings={"text_scale": 1.3})
    odd = dataclasses.replace(flow, rules=dataclasses.replace(flow.rules, rules=[rule]))
    assert theme_scales(senior, odd) == (1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0)


# --- choices, time-outs, prompts -----------------------------------------------------------------------------------

def test_the_demo_flows_pass_the_headless_checks() -> None:
    catalogs = Catalogs(LOCALES)
    for path in DEMO_FLOWS:
        assert flow_problems(load_flow_or_raise(path), catalogs).sorted() == [], path.name
    problems = run_audit(DEMO_FLOWS, AuditOptions(theme="senior", layout=False))
    assert [p.format() for p in problems] == []


def test_a_choice_without_an_icon_is_named_at_its_line_though_the_flow_does_not_load() -> None:
    code, line, column = expected(NO_ICON)
    found = raw_choice_problems(NO_ICON)
    assert [(p.code, p.location.line, p.location.column) for p in found] == [(code, line, column)]
    assert "choice 'macau'" in found[0].message and "no icon" in found[0].message
    # The audit reports it with the loader's own problem, and lays nothing out (there is no flow to lay out).
    problems = run_audit([NO_ICON], AuditOptions(in_process=False))
    assert {(p.code, p.location.line) for p in problems} >= {("SM508", line), ("SM103", line)}


def test_a_loaded_choice_with_a_blank_icon_or_words_is_sm508() -> None:
    flow = small_flow()
    step = flow.step("destination")
    macau = step.choices[1]
    step.choices[1] = Choice(macau.id, macau.text, " ", macau.location)
    step.choices[0] = dataclasses.replace(step.choices[0], text=dataclasses.replace(step.choices[0].text, value=""))
    found = [p for p in flow_problems(flow, None) if p.code == "SM508"]
    assert {(p.location, p.message.split(" has ")[1]) for p in found} == {
        (macau.location, "no icon, only words"), (step.choices[0].location, "an icon but no words")}


def test_more_than_six_choices_is_sm109() -> None:
    flow = small_flow()
    step = flow.step("destination")
    step.choices = [dataclasses.replace(step.choices[0], id=f"c{i}") for i in range(7)]
    found = [p for p in flow_problems(flow, None) if p.code == "SM109"]
    assert len(found) == 1 and "7 choices" in found[0].message and found[0].location == step.location


def test_a_short_warning_or_few_extensions_is_sm111_with_the_numbers() -> None:
    flow = small_flow()
    where = Location("small.yaml", 4, 10)
    flow.timeout = Timeout(seconds=60, warning=12, extensions=3, location=where)
    found = [p for p in flow_problems(flow, None) if p.code == "SM111"]
    assert sorted(p.message for p in found) == [
        "the time can be extended 3 times, needs 10",
        "the time-out warning gives 12 s to answer, needs 20 s"]
    assert all(p.location == where and p.severity is Severity.ERROR for p in found)


def test_a_prompt_missing_in_a_voice_language_is_sm604_at_the_words_spoken(tmp_path: Path) -> None:
    flow = small_flow()  # voice languages by default: zh_Hans_CN (the source) and yue_Hans_CN
    found = [p for p in flow_problems(flow, Catalogs(tmp_path)) if p.code == "SM604"]
    say = flow.step("destination").say
    assert say is not None
    assert {p.location for p in found} == {say.location, flow.step("staff_window").text.location}
    assert all("yue_Hans_CN" in p.message for p in found)
    assert "its 'say' “请问您去哪里？”" in next(p.message for p in found if p.location == say.location)
    # Mandarin is the source language: it is always there.
    only_source = dataclasses.replace(flow, languages=dataclasses.replace(flow.languages, voice=("zh_Hans_CN",)))
    assert [p for p in flow_problems(only_source, Catalogs(tmp_path)) if p.code == "SM604"] == []


# --- themes --------------------------------------------------------------------------------------------------------

def test_a_theme_failing_the_senior_numbers_is_still_read_for_the_audit() -> None:
    refused, refused_problems = load_theme(GREY)
    theme, problems = read_theme_unchecked(GREY)
    assert refused is None and theme is not None
    assert problems.sorted() == refused_problems.sorted()
    assert {p.code for p in problems} == {"SM501", "SM502", "SM503"}
    assert (theme.sizes.body, theme.min_target_dp, theme.colours.hex("text")) == (14, 40, "#999999")
    assert theme.location("sizes.body").line == line_of(GREY, r"^\s+body: 14")


def test_a_theme_that_cannot_be_read_gives_no_theme(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("theme: broken\ncolours: {text: '#000000'}\n", encoding="utf-8")
    theme, problems = read_theme_unchecked(broken)
    assert theme is None and problems.has_errors


def test_the_headless_audit_of_a_theme_file_reports_its_own_problems() -> None:
    problems = audit_theme_file(GREY, [DEMO_FLOWS[0]], AuditOptions(layout=False))
    assert {p.code for p in problems} == {"SM501", "SM502", "SM503"}
    assert all(Path(p.location.file).resolve() == GREY for p in problems)


def test_an_unknown_theme_is_one_problem(tmp_path: Path) -> None:
    for spec, code in (("no_such_theme", "SM004"), ("Not A Name", "SM108"), (str(tmp_path / "x.yaml"), "SM004")):
        problems = run_audit([DEMO_FLOWS[0]], AuditOptions(theme=spec, layout=False))
        assert [p.code for p in problems] == [code], spec


# --- running the Kivy half -----------------------------------------------------------------------------------------

def test_no_display_and_no_xvfb_run_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no xvfb-run on it
    with pytest.raises(AuditError) as caught:
        run_audit([DEMO_FLOWS[0]], AuditOptions(theme=str(GREY)))
    assert "xvfb-run" in str(caught.value) and "\n" not in str(caught.value)
    assert {p.code for p in caught.value.problems} == {"SM501", "SM502", "SM503"}  # the headless half's findings


@pytest.mark.parametrize(("options", "said"), [
    (AuditOptions(languages=("klingon",)), "klingon"),
    (AuditOptions(scales=(3.0,)), "3"),
    (AuditOptions(size=(100, 80)), "100x80"),
])
def test_bad_options_are_one_clear_error(options: AuditOptions, said: str) -> None:
    with pytest.raises(AuditError, match=said):
        run_audit(DEMO_FLOWS, options)


def test_problems_come_back_from_the_worker_as_they_went() -> None:
    problem = Problem("SM501", "step 'x' (zh_Hans_CN, text ×1.0): “去哪里？” #999999 on #FFFFFF has contrast 2.84:1",
                      Location("themes/grey.yaml", 9, 9), severity=Severity.WARNING, hint="make 'text' darker")
    assert problem_from_dict(json.loads(json.dumps(problem.to_dict(), ensure_ascii=False))) == problem


def test_the_worker_reports_a_flow_it_cannot_load_as_an_error(tmp_path: Path) -> None:
    from seniormode.lint.audit import _worker

    request, result = tmp_path / "request.json", tmp_path / "result.json"
    request.write_text(json.dumps({"jobs": [{"flow": str(tmp_path / "gone.yaml"), "theme": str(GREY),
                                             "scales": [1.0], "languages": ["zh_Hans_CN"]}],
                                   "size": [1280, 800], "locales_dir": None}), encoding="utf-8")
    assert _worker(["--worker", str(request), str(result)]) == 1
    assert "gone.yaml" in json.loads(result.read_text(encoding="utf-8"))["error"]
    assert _worker(["--help"]) == 2
