"""`seniormode voice build | preview`: the recorded prompts."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..core.effects import Speak
from ..core.flow import Flow
from ..core.i18n import Catalogs, UnknownLocale, normalise_locale
from ..core.session import Session
from .common import LOCALES_DIR, UsageProblem, add_command, default_folder, flows_or_all, load_or_report


def _rule_rates(flows: list[Flow]) -> list[int]:
    """Every speech rate the flows can ask for: the default and each rule's and flow's own."""
    rates = {int(f.settings.get("speech_rate", 170)) for f in flows}
    for f in flows:
        rates |= {int(r.settings["speech_rate"]) for r in f.rules.rules if "speech_rate" in r.settings}
    return sorted(rates)


def cmd_voice(args: argparse.Namespace) -> int:
    from ..voice.build import build_all
    from ..voice.service import VoiceService

    if args.action == "build":
        flows = flows_or_all(args.flows)
        default_folder(LOCALES_DIR, "the catalogs the voices speak")
        rates = [int(r) for r in args.rates.split(",")] if args.rates else _rule_rates(flows)
        locales = [normalise_locale(v) for v in args.voices.split(",")]
        width = 30

        def progress(p: Any) -> None:
            done = int(width * p.done / max(1, p.total))
            mark = "" if p.source != "failed" else f"  FAILED {p.prompt.context}: {p.error}"
            end = "\n" if (mark or p.done == p.total) else "\r"
            print(f"[{'#' * done}{'.' * (width - done)}] {p.done}/{p.total} {p.locale} {p.rate} wpm{mark}",
                  end=end, flush=True)

        report = build_all(flows, locales, rates, progress, locales_dir=LOCALES_DIR)
        print(report.summary())
        for failure in report.failures:
            print(f"failed: {failure}")
        return 0 if report.ok else 1
    # preview: one step's prompt in one voice, as the kiosk would say it
    flow = load_or_report(args.flow)
    if flow is None:
        return 1
    if not flow.has_step(args.step):
        raise UsageProblem(f"no step '{args.step}' in {flow.id}")
    default_folder(LOCALES_DIR, "the catalogs the voices speak")
    try:
        voice = normalise_locale(args.voice)
    except UnknownLocale as exc:
        raise UsageProblem(str(exc)) from None
    session = Session(flow, catalogs=Catalogs(LOCALES_DIR), preferences={"voice_language": voice})
    if args.rate:
        session.preferences["speech_rate"] = args.rate
    speak = next(e for e in session.jump_to(args.step) if isinstance(e, Speak))
    with VoiceService(LOCALES_DIR) as service:
        prepared = service.prepare(speak.text, speak.text_key, speak.language, speak.rate, msgid=speak.msgid)
    out = Path(args.out) if args.out else prepared.path
    if args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepared.path, out)
    print(f"{flow.id}/{args.step} in {voice} at {speak.rate} wpm ({prepared.source}): {prepared.text}")
    print(out)
    if args.play:
        player = shutil.which("aplay") or shutil.which("play")
        if player is None:
            raise UsageProblem("nothing to play sound with here (aplay or sox's play); the WAV is written above")
        subprocess.run([player, str(out)], check=False)
    return 0


def add_parsers(sub: Any) -> None:
    p = add_command(sub, "voice", "translator tools: voice build | voice preview FLOW STEP --voice yue",
                    "seniormode voice preview flows_yaml/hk_macau_renewal.yaml destination --voice yue --play")
    vsub = p.add_subparsers(dest="action", required=True, metavar="{build,preview}")
    b = add_command(vsub, "build", "pre-render every prompt of every flow in every voice (catalogs: locales/ of "
                    "the current folder)", "seniormode voice build --voices yue_Hans_CN --rates 130")
    b.add_argument("flows", nargs="*", help="flow files (default: every flow in flows_yaml/ of the current folder)")
    b.add_argument("--voices", default="zh_Hans_CN,yue_Hans_CN",
                   help="voice languages, comma-separated (default: zh_Hans_CN,yue_Hans_CN)")
    b.add_argument("--rates", help="words per minute, e.g. 110,130,170 (default: every rate the rules use)")
    b.set_defaults(func=cmd_voice)
    v = add_command(vsub, "preview", "write (and play) one step's prompt in one voice",
                    "seniormode voice preview flows_yaml/hk_macau_renewal.yaml destination --voice yue --out dest.wav")
    v.add_argument("flow", help="the flow file")
    v.add_argument("step", help="the step's id")
    v.add_argument("--voice", default="yue_Hans_CN", help="zh_Hans_CN, yue_Hans_CN (yue), en")
    v.add_argument("--rate", type=int, help="words per minute (default: as the rules decide)")
    v.add_argument("--out", help="copy the WAV here")
    v.add_argument("--play", action="store_true", help="play it with aplay")
    v.set_defaults(func=cmd_voice)
