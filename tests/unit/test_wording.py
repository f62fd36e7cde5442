"""Where screen text may break: spaces, closing punctuation and the flow's '|' marks; the marks are never shown."""

from __future__ import annotations

import pytest

from seniormode.core.wording import BREAK_MARK, plain, runs

pytestmark = pytest.mark.unit


def test_a_run_of_ideographs_without_a_mark_is_one_word() -> None:
    assert runs("港澳签注续签") == ["港澳签注续签"]
    assert runs("个人旅游一次") == ["个人旅游一次"]


def test_a_mark_ends_a_word_and_is_not_drawn() -> None:
    assert runs("港澳签注|续签") == ["港澳签注", "续签"]
    assert plain("港澳签注|续签") == "港澳签注续签"
    assert BREAK_MARK not in "".join(runs("个人|旅游|一次"))


def test_a_line_may_end_after_punctuation_and_spaces() -> None:
    assert runs("机器没有反应。请再试一次，或者按“叫工作人员”。") == \
        ["机器没有反应。", "请再试一次，", "或者按“叫工作人员”。"]
    assert runs("Call staff now") == ["Call ", "staff ", "now"]
    assert runs("第 2 步，共 11 步") == ["第 ", "2 ", "步，", "共 ", "11 ", "步"]


def test_line_ends_are_kept_and_empty_runs_dropped() -> None:
    assert runs("一行\n两行") == ["一行\n", "两行"]
    assert runs("|前后||都有|") == ["前后", "都有"]
    assert runs("") == []


@pytest.mark.parametrize("text", ["港澳签注|续签", "手机号要 11 位数字，以 1 开头，请重新输入。", "a|b c\nd", "|", ""])
def test_the_runs_joined_are_the_text_as_drawn(text: str) -> None:
    assert "".join(runs(text)) == plain(text)
