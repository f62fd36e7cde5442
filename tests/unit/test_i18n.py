"""Locales, real .po catalogs, the Babel extractor and translator tools; display and voice languages apart."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from seniormode.core.events import Event
from seniormode.core.flow import Flow
from seniormode.core.i18n import Catalogs, UnknownLocale, normalise_locale
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.messages import message
from seniormode.core.session import Session
from seniormode.translations import extract, status, update

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


@pytest.mark.parametrize("raw,locale", [("zh-CN", "zh_Hans_CN"), ("zh_CN", "zh_Hans_CN"), ("cmn", "zh_Hans_CN"),
                                        ("zh", "zh_Hans_CN"), ("yue", "yue_Hans_CN"), ("yue-Hans-CN", "yue_Hans_CN"),
                                        ("en_US", "en"), ("en", "en")])
def test_locale_ids_are_normalised(raw: str, locale: str) -> None:
    assert normalise_locale(raw) == locale


@pytest.mark.parametrize("raw", ["zh_Hant_HK", "fr", "xx", ""])
def test_unknown_locales_are_errors_not_empty_catalogs(raw: str) -> None:
    with pytest.raises(UnknownLocale):
        normalise_locale(raw)


def test_cantonese_catalogs_have_one_plural_form() -> None:
    for po in (LOCALES / "yue_Hans_CN" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        assert catalog.num_plurals == 1, po


def test_the_shipped_catalogs_are_complete() -> None:
    rows = status(LOCALES)
    assert {r.locale for r in rows} == {"zh_Hans_CN", "yue_Hans_CN", "en"}
    assert {r.domain for r in rows} == {"hk_macau_renewal", "talent_endorsement", "home_visit", "permit_application",
                                           "triage", "kiosk"}
    assert all(r.complete for r in rows), [(r.locale, r.domain, r.missing_ids[:3]) for r in rows if not r.complete]
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "i18n", "status", "--strict"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_context_keeps_the_same_words_apart() -> None:
    catalogs = Catalogs(LOCALES)
    hk = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    text = hk.step("welcome").say
    assert text is not None
    yue = catalogs.translate(text, "yue_Hans_CN")
    assert yue != text.value and ("嚟" in yue or "撳" in yue)
    assert catalogs.translate(text, "zh_Hans_CN") == text.value
    # Placeholders are filled after translation, and a Text inside is translated too.
    years = load_flow_or_raise(ROOT / "flows_yaml" / "talent_endorsement.yaml").step("years")
    assert years.field_name is not None
    en = catalogs.translate(message("number_unreadable", field=years.field_name), "en")
    assert "{" not in en and catalogs.translate(years.field_name, "en") in en


def test_a_broken_placeholder_in_a_translation_falls_back_to_the_source(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "kiosk.po"
    text = po.read_text(encoding="utf-8").replace("{seconds}", "{secs}")
    po.write_text(text, encoding="utf-8")
    shown = Catalogs(tmp_path / "locales").translate(message("ui_seconds_left", seconds=20), "en")
    assert shown == "还有 20 秒"


def test_screen_in_mandarin_while_the_voice_speaks_cantonese() -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    session = Session(flow, clock=CLOCK, catalogs=Catalogs(LOCALES))
    session.start()
    session.handle(Event("ok"))
    effects = session.handle(Event("card"))  # a Guangdong card: the rules choose the Cantonese voice
    show, speak = effects[0], effects[1]
    assert show.settings["display_language"] == "zh_Hans_CN" and show.text == "您这次是？"  # type: ignore[attr-defined]
    assert speak.language == "yue_Hans_CN" and ("唔" in speak.text or "嘅" in speak.text or "係" in speak.text)  # type: ignore[attr-defined]
    assert show.language_button == "普通话"  # type: ignore[attr-defined]
    effects = session.handle(Event("language"))  # the button switches the voice only, as this flow says
    assert effects[0].settings["voice_language"] == "zh_Hans_CN"  # type: ignore[attr-defined]
    assert effects[0].text == "您这次是？" and effects[1].language == "zh_Hans_CN"  # type: ignore[attr-defined]


def test_english_screen_for_staff() -> None:
    flow = load_flow_or_raise(ROOT / "flows_yaml" / "talent_endorsement.yaml")
    session = Session(flow, clock=CLOCK, catalogs=Catalogs(LOCALES), preferences={"display_language": "en"})
    effects = session.start()
    show = effects[0]
    assert show.text.isascii() and show.strip_label.startswith("Step 1")  # type: ignore[attr-defined]
    assert effects[1].language == "zh_Hans_CN"  # type: ignore[attr-defined]


def test_pybabel_extract_uses_our_extractor(tmp_path: Path) -> None:
    pybabel = Path(sys.executable).parent / "pybabel"
    out = tmp_path / "flows.pot"
    proc = subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-o", str(out), "flows_yaml/"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    with out.open("rb") as fh:
        catalog = read_po(fh)
    ids = {(m.context, m.id) for m in catalog if m.id}
    assert ("hk_macau_renewal/destination/choices/macau/text", "澳门") in ids
    assert ("talent_endorsement/years/error", "年数要在 1 到 5 之间，请重新输入。") in ids
    # The same words in two flows stay two entries, each with its own context.
    assert len([i for i in ids if i[1] == "请放身份证"]) >= 2


def test_update_marks_changed_source_text_fuzzy_and_status_reports_it(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    flows_dir = tmp_path / "flows"
    shutil.copytree(ROOT / "flows_yaml", flows_dir)
    path = flows_dir / "home_visit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("text: 请输入手机号", "text: 请输入您的手机号"),
                    encoding="utf-8")
    done = "text: 预约好了\n"
    with_help = path.read_text(encoding="utf-8").replace(done, done + "    help: 有问题请叫工作人员。\n")
    path.write_text(with_help, encoding="utf-8")
    flows: list[Flow] = [load_flow_or_raise(p) for p in sorted(flows_dir.glob("*.yaml"))]
    extract(flows, tmp_path / "locales")
    update(tmp_path / "locales")
    rows = {(r.locale, r.domain): r for r in status(tmp_path / "locales")}
    yue = rows[("yue_Hans_CN", "home_visit")]
    assert yue.fuzzy == 1 and yue.missing == 1 and not yue.complete
    assert rows[("zh_Hans_CN", "home_visit")].complete  # the source language translates itself
    proc = subprocess.run([sys.executable, "-m", "seniormode.cli", "i18n", "status", "--strict", "--locales",
                           str(tmp_path / "locales")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and ': missing: msgctxt "home_visit/done/help"' in proc.stdout


def test_a_string_that_comes_back_gets_its_translation_back(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    flows_dir = tmp_path / "flows"
    shutil.copytree(ROOT / "flows_yaml", flows_dir)
    path = flows_dir / "hk_macau_renewal.yaml"
    original = path.read_text(encoding="utf-8")
    help_line = "    help: 去香港，按左边的图；去澳门，按右边的图。\n"
    assert help_line in original
    for text in (original.replace(help_line, ""), original):  # removed, then put back
        path.write_text(text, encoding="utf-8")
        extract([load_flow_or_raise(p) for p in sorted(flows_dir.glob("*.yaml"))], tmp_path / "locales")
        update(tmp_path / "locales")
    rows = {(r.locale, r.domain): r for r in status(tmp_path / "locales")}
    assert rows[("yue_Hans_CN", "hk_macau_renewal")].complete
    assert rows[("en", "hk_macau_renewal")].stale == 0


# ---- the header charset: our decision, the same on every Babel version we support ----

def header(charset_line: str) -> bytes:
    return (f'# a translator\'s note\nmsgid ""\nmsgstr ""\n"Project-Id-Version: seniormode\\n"\n{charset_line}'
            '\n\nmsgctxt "kiosk/x"\nmsgid "签注"\nmsgstr "endorsement"\n').encode()


@pytest.mark.parametrize("line", ['"Content-Type: text/plain; charset=UTF-8\\n"',
                                  '"Content-Type: text/plain; charset=utf8\\n"',
                                  '"content-type: text/plain; CHARSET=utf-8\\n"', '"MIME-Version: 1.0\\n"'])
def test_a_utf8_header_or_none_reads(line: str) -> None:
    from seniormode.core.i18n import parse_po

    catalog = parse_po(header(line), locale="en")
    assert catalog.get("签注", context="kiosk/x").string == "endorsement"


@pytest.mark.parametrize("charset", ["CHARSET", "", "latin-1", "gb2312", "rot13", "nonesuch"])
def test_a_header_naming_another_charset_is_refused_with_its_line(charset: str) -> None:
    # Babel 2.18 raised LookupError on CHARSET and "", 2.19 reads them as UTF-8, and both decode latin-1 UTF-8
    # bytes into mojibake: the kiosk reads UTF-8, so every such header is refused, whichever Babel is installed.
    from seniormode.core.i18n import UnsupportedCharset, parse_po

    with pytest.raises(UnsupportedCharset) as caught:
        parse_po(header(f'"Content-Type: text/plain; charset={charset}\\n"'), locale="en")
    assert caught.value.line == 5 and caught.value.charset == charset


def test_charset_words_outside_the_header_are_text() -> None:
    from seniormode.core.i18n import header_charset

    data = b'msgid "a"\nmsgstr "Content-Type: text/plain; charset=CHARSET"\n'
    assert header_charset(data) is None


def test_the_kiosk_refuses_a_catalog_lint_would_refuse_without_reading_it_all(tmp_path: Path) -> None:
    # A 60 MB kiosk.po stalled the kiosk for 5.5 s and 468 MiB; lint refused it as SM605.
    from seniormode.core.flow import Text
    from seniormode.core.i18n import MAX_CATALOG_BYTES, catalog_path
    from seniormode.core.problems import Location

    path = catalog_path(tmp_path, "en", "kiosk")
    path.parent.mkdir(parents=True)
    entry = 'msgctxt "kiosk/x"\nmsgid "签注"\nmsgstr "endorsement"\n\n'
    path.write_text(entry + "#" * (MAX_CATALOG_BYTES + 10), encoding="utf-8")
    text = Text("签注", "kiosk/x", Location("f.yaml"))
    assert Catalogs(tmp_path).translate(text, "en") == "签注"  # the source text, as for any unreadable catalog
    path.write_text(entry, encoding="utf-8")
    assert Catalogs(tmp_path).translate(text, "en") == "endorsement"


LATIN1_HEADERS = {
    "a blank line in the header": b'msgid ""\n\nmsgstr ""\n"Content-Type: text/plain; charset=latin-1\\n"\n',
    "a second Content-Type": b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                             b'"Content-Type: text/plain; charset=latin-1\\n"\n',
    "Content-Type over two lines": b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; "\n"charset=latin-1\\n"\n',
    "a context on the header": b'msgctxt "x"\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=latin-1\\n"\n',
    "CR line endings": b'msgid ""\rmsgstr ""\r"Content-Type: text/plain; charset=latin-1\\n"\r',
}


@pytest.mark.parametrize("layout", list(LATIN1_HEADERS))
def test_no_header_layout_gets_chinese_read_as_latin1(layout: str) -> None:
    from seniormode.core.i18n import UnsupportedCharset, parse_po

    data = LATIN1_HEADERS[layout] + '\nmsgid "a"\nmsgstr "你好"\n'.encode()
    try:
        catalog = parse_po(data, locale="en")
    except UnsupportedCharset:
        return
    message = catalog.get("a")
    assert message is None or message.string == "你好", layout


def test_a_quoted_utf8_charset_is_utf8() -> None:
    from seniormode.core.i18n import parse_po

    assert parse_po(header('"Content-Type: text/plain; charset=\\"utf-8\\"\\n"'), locale="en") is not None
