"""Lint and the kiosk agree on placeholders: what lint passes is shown, what it refuses never reaches a screen."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seniormode.core.flow import Text
from seniormode.core.i18n import Catalogs, catalog_path
from seniormode.core.problems import Location
from seniormode.lint.catalogs import catalog_file_problems, forget_catalogs

pytestmark = pytest.mark.property

pieces = st.sampled_from(["{n}", "{seconds}", "{n:999999999}", "{n.__class__}", "{n[0]}", "{n!r}", "{", "}",
                          "{{", "}}", "{}", "{0}", " years", " 秒", "还有", "{n}{n}", "{ n }"])


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=5).map("".join))
def test_a_translation_lint_passes_is_the_one_the_kiosk_shows(translation: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        locales = Path(folder)
        path = catalog_path(locales, "en", "kiosk")
        path.parent.mkdir(parents=True)
        escaped = translation.replace("\\", "\\\\").replace('"', '\\"')
        path.write_text(f'msgctxt "kiosk/x"\nmsgid "还有 {{n}} 岁"\nmsgstr "{escaped}"\n', encoding="utf-8")
        forget_catalogs()
        refused = any(p.code == "SM606" for p in catalog_file_problems(path))
        text = Text("还有 70 岁", "kiosk/x", Location("f.yaml"), template="还有 {n} 岁", params=(("n", 70),))
        shown = Catalogs(locales).translate(text, "en")
    if refused:
        assert shown == "还有 70 岁"  # the source text: never a half-filled or reaching translation
    else:
        assert shown == translation.replace("{n}", "70").replace("{{", "{").replace("}}", "}")
