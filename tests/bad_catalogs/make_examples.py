"""Writes the catalog examples of tests/bad_catalogs (SM509, SM601-SM605) and their fixed twins.

    .venv/bin/python tests/bad_catalogs/make_examples.py

A flow example has its catalogs (and recordings) in `locales/` beside it; its twin in `fixed/` has its own.
The catalogs are written with Babel, so only the fault each example is about is in them.
"""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from seniormode.core.flow import Flow
from seniormode.core.i18n import domain_of
from seniormode.core.loader import load_flow_text
from seniormode.translations import flow_messages
from seniormode.voice.build import flow_prompts
from seniormode.voice.recordings import recording_path

ROOT = Path(__file__).resolve().parent
REPO_LOCALES = ROOT.parents[1] / "locales"
EXPECT = {
    "SM509_recording_missing.yaml": "SM509 line 25 col 11",
    "SM601_untranslated.po": "SM601 line 13 col 1",
    "SM602_fuzzy.po": "SM602 line 14 col 1",
    "SM603_text_changed.yaml": "SM603 line 10 col 11",
    "SM604_prompt_not_in_cantonese.yaml": "SM604 line 11 col 10",
    "SM605_broken_quote.po": "SM605 line 13 col 7",
}
FLOW = """{head}
flow: {id}
title: 港澳签注续签
call_staff: staff_window{extra}

steps:
  - id: welcome
    kind: info
    text: {welcome}
    say: 您好！欢迎来办港澳签注。请按“开始”。
    icon: wave
    button: 开始

  - id: done
    kind: end
    text: 办好了，请拿回身份证
    icon: thumbs_up

  - id: staff_window
    kind: handoff
    text: 工作人员马上来
    icon: staff
    window: 5号人工窗口
    ticket_prefix: S
"""
CANTONESE = {
    "港澳签注续签": "港澳签注续签", "欢迎办理港澳签注": "欢迎嚟办港澳签注",
    "欢迎您来办理港澳签注": "欢迎你嚟办港澳签注",
    "您好！欢迎来办港澳签注。请按“开始”。": "你好！欢迎嚟办港澳签注。请撳“开始”。", "开始": "开始",
    "办好了，请拿回身份证": "搞掂喇，请攞返身份证", "工作人员马上来": "职员即刻嚟", "5号人工窗口": "5号人工窗口",
}
RECORDED = "\nlanguages:\n  voice: [zh_Hans_CN, yue_Hans_CN]\n  recorded: [yue_Hans_CN]"


def po_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120)
    return buffer.getvalue().decode("utf-8")


def cantonese(flow: Flow, old_welcome: str | None = None, empty: tuple[str, ...] = ()) -> Catalog:
    """The flow's yue catalog: `old_welcome` keeps the welcome text's translation of an older wording."""
    catalog = Catalog(locale="yue_Hans_CN", domain=flow.id, project="seniormode", charset="utf-8")
    for text, note in flow_messages(flow):
        msgid = old_welcome if old_welcome and text.key.endswith("welcome/text") else text.msgid
        string = "" if text.key in empty else CANTONESE[msgid]
        catalog.add(msgid, string, context=text.key, auto_comments=[note])
    return catalog


def silent_wav(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 1600)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def flow_example(name: str, comment: str, fix: str, *, bad: dict[str, Any], good: dict[str, Any],
                 catalog: dict[str, Any] | None = None, recordings: int | None = None) -> None:
    flow_id = name.split("_", 1)[1].removesuffix(".yaml")
    for folder, head, values in ((ROOT, f"# expect: {EXPECT[name]}\n# {comment}", bad),
                                 (ROOT / "fixed", f"# fixed: {fix}", good)):
        text = FLOW.format(head=head, id=flow_id, extra=values.get("extra", ""),
                           welcome=values.get("welcome", "欢迎办理港澳签注"))
        flow, problems = load_flow_text(text, name)
        assert flow is not None, [str(p) for p in problems.items]
        write(folder / name, text)
        locales = folder / "locales"
        kept = catalog if folder == ROOT and catalog else {}
        write(locales / "yue_Hans_CN" / "LC_MESSAGES" / f"{flow_id}.po", po_text(cantonese(flow, **kept)))
        # The kiosk's own words it speaks on every flow (the time-out warning): the repository's translation.
        kiosk = REPO_LOCALES / "yue_Hans_CN" / "LC_MESSAGES" / "kiosk.po"
        write(locales / "yue_Hans_CN" / "LC_MESSAGES" / "kiosk.po", kiosk.read_text(encoding="utf-8"))
        if recordings is not None:
            prompts = [p for p in flow_prompts(flow) if domain_of(p.source) == flow.id]
            for prompt in prompts if folder != ROOT else prompts[:recordings]:
                silent_wav(recording_path(locales, "yue_Hans_CN", prompt.context, prompt.msgid))


PO_HEADER = """msgid ""
msgstr ""
"Project-Id-Version: seniormode\\n"
"Language: yue_Hans_CN\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""
ENTRY = 'msgctxt "hk_macau_renewal/welcome/text"\nmsgid "欢迎办理港澳签注"\nmsgstr "{}"\n'
GOOD_ENTRY = ENTRY.format("欢迎嚟办港澳签注")


def po_example(name: str, comment: str, body: str, fix: str) -> None:
    write(ROOT / name, f"# expect: {EXPECT[name]}\n# {comment}\n{PO_HEADER}{body}")
    write(ROOT / "fixed" / name, f"# fixed: {fix}\n{PO_HEADER}{GOOD_ENTRY}")


def main() -> None:
    for stale in (ROOT / "locales", ROOT / "fixed"):
        shutil.rmtree(stale, ignore_errors=True)
    flow_example("SM603_text_changed.yaml", "欢迎页的文字改了，粤语翻译还是旧文字的。",
                 "按新文字重新翻译（先 seniormode i18n extract 和 update）。",
                 bad={"welcome": "欢迎您来办理港澳签注"}, good={"welcome": "欢迎您来办理港澳签注"},
                 catalog={"old_welcome": "欢迎办理港澳签注"})
    flow_example("SM604_prompt_not_in_cantonese.yaml", "欢迎页的语音提示没有粤语翻译：机器会用粤语声音读普通话原文。",
                 "补上粤语翻译。", bad={}, good={},
                 catalog={"empty": ("prompt_not_in_cantonese/welcome/say",)})
    flow_example("SM509_recording_missing.yaml", "粤语要用真人录音，但“工作人员马上来”还没有录。", "补录这一句。",
                 bad={"extra": RECORDED}, good={"extra": RECORDED}, recordings=2)
    po_example("SM601_untranslated.po", "欢迎页的文字还没有翻译。", ENTRY.format(""), "译好了。")
    po_example("SM602_fuzzy.po", "翻译被标为 fuzzy（自动猜的，没人核对过）。",
               "#, fuzzy\n" + ENTRY.format("欢迎办理港澳签注"), "核对过，去掉 fuzzy。")
    po_example("SM605_broken_quote.po", "原文少了结尾的引号。",
               GOOD_ENTRY.replace('msgid "欢迎办理港澳签注"', 'msgid "欢迎办理港澳签注'), "补上引号。")


if __name__ == "__main__":
    main()
