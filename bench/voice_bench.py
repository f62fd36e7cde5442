"""Benchmark of the voice layer. Prints figures; asserts nothing.

    .venv/bin/python bench/voice_bench.py

1. the speech worker: start (spawn + import pyttsx3) and render time per prompt
2. a session's `Speak` effect to a WAV ready to play: cold cache and warm cache (median over 20 prompts)
3. `build_all` of every demo flow (flows_yaml/*.yaml) in both voices at the default rate, fresh cache
4. the WAV of two prompts, with `soxi`
5. Kivy's `SoundLoader.load` of those WAVs, in a subprocess (this process never imports Kivy)
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seniormode.core.effects import Speak  # noqa: E402
from seniormode.core.i18n import Catalogs  # noqa: E402
from seniormode.core.loader import load_flow_or_raise  # noqa: E402
from seniormode.voice import SpeechWorker, VoiceService, build_all, spoken_prompts  # noqa: E402
from seniormode.voice.build import Prompt  # noqa: E402
from seniormode.voice.voices import CHINESE_LOCALES, DEFAULT_RATE  # noqa: E402
from seniormode.voice.worker import espeak_ng_version, pyttsx3_version  # noqa: E402

FLOWS = sorted((ROOT / "flows_yaml").glob("*.yaml"))
SAMPLE = 20

KIVY_PROGRAM = r"""
import json, statistics, sys, time
from kivy.core.audio import SoundLoader
loads = []
for path in sys.argv[1:]:
    started = time.perf_counter()
    sound = SoundLoader.load(path)
    seconds = time.perf_counter() - started
    loads.append({"path": path, "seconds": seconds, "provider": type(sound).__name__ if sound else None,
                  "length": float(sound.length) if sound else 0.0})
print(json.dumps({"loads": loads, "window_module_loaded": "kivy.core.window" in sys.modules}))
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median_ms(values: list[float]) -> str:
    return f"median {ms(statistics.median(values))} (min {ms(min(values))}, max {ms(max(values))}, n={len(values)})"


def speak_effects(prompts: list[Prompt]) -> list[Speak]:
    """SAMPLE Speak effects as a session makes them: half Mandarin, half Cantonese (translated), default rate."""
    catalogs = Catalogs(ROOT / "locales")
    effects = []
    for i, prompt in enumerate(prompts[:SAMPLE]):
        locale = CHINESE_LOCALES[i % 2]
        effects.append(Speak(text=catalogs.translate(prompt.source, locale), text_key=prompt.context,
                             rate=DEFAULT_RATE, language=locale, reason="prompt", msgid=prompt.msgid))
    return effects


def bench_worker(prompts: list[Prompt], scratch: Path) -> None:
    print("\n## 1. speech worker (pyttsx3 2.99 + espeak-ng in a spawned process)")
    with SpeechWorker(scratch / "worker") as worker:
        started = time.perf_counter()
        info = worker.start()
        print(f"start: {ms(time.perf_counter() - started)} (child's own start {ms(info.start_seconds)}; "
              f"kivy loaded in child: {info.kivy_loaded})")
        catalogs = Catalogs(ROOT / "locales")
        rendered = [worker.render_async(catalogs.translate(p.source, CHINESE_LOCALES[i % 2]), CHINESE_LOCALES[i % 2],
                                        DEFAULT_RATE).result() for i, p in enumerate(prompts[:SAMPLE])]
    print(f"render per prompt, inside the worker (fresh engine + synthesis + checks): "
          f"{median_ms([r.worker_seconds for r in rendered])}")
    print(f"render per prompt, request to reply: {median_ms([r.seconds for r in rendered])}")
    audio = [r.audio_seconds for r in rendered]
    print(f"audio per prompt: median {statistics.median(audio):.2f} s; "
          f"real-time factor median {statistics.median(r.audio_seconds / r.worker_seconds for r in rendered):.0f}x")


def bench_prepare(effects: list[Speak], scratch: Path) -> None:
    print(f"\n## 2. Speak effect -> WAV ready to play ({len(effects)} prompts, {DEFAULT_RATE} wpm, zh + yue)")
    with VoiceService(ROOT / "locales", scratch / "prepare-cache") as voice:
        started = time.perf_counter()
        first = voice.prepare_speak(effects[0]).result()
        print(f"first prompt, worker not yet running (spawn + render): {ms(time.perf_counter() - started)} "
              f"[{first.source}]")
        for label in ("cold cache (render in the worker)", "warm cache"):
            walls: list[float] = []
            sources: set[str] = set()
            for effect in effects[1:] if label.startswith("cold") else effects:
                started = time.perf_counter()
                prepared = voice.prepare_speak(effect).result()
                walls.append(time.perf_counter() - started)
                sources.add(prepared.source)
            print(f"{label}: {median_ms(walls)} sources={sorted(sources)}")
        print(f"cache: {voice.cache.stats}")


def bench_build(scratch: Path) -> list[Path]:
    print(f"\n## 3. build_all: {len(FLOWS)} demo flows x {len(CHINESE_LOCALES)} voices x {DEFAULT_RATE} wpm, "
          f"fresh cache")
    cache = scratch / "build-cache"
    with VoiceService(ROOT / "locales", cache) as voice:
        voice.warm_up()
        report = build_all(FLOWS, CHINESE_LOCALES, [DEFAULT_RATE], service=voice)
        print(f"cold: {report.summary()}")
        for failure in report.failures:
            print(f"  failed: {failure}")
        again = build_all(FLOWS, CHINESE_LOCALES, [DEFAULT_RATE], service=voice)
        print(f"warm: {again.summary()}")
    size = sum(p.stat().st_size for p in cache.rglob("*.wav"))
    print(f"cache on disk: {len(list(cache.rglob('*.wav')))} files, {size / 1e6:.1f} MB")
    return report.audio_files


def bench_wavs(scratch: Path) -> list[Path]:
    print("\n## 4. two prompts as WAV files")
    hk = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    catalogs = Catalogs(ROOT / "locales")
    prompt = hk.step("destination").prompt
    pairs = [(catalogs.translate(prompt, locale), locale) for locale in CHINESE_LOCALES]
    out: list[Path] = []
    with SpeechWorker(scratch / "wavs") as worker:
        for text, locale in pairs:
            path = worker.render(text, locale, DEFAULT_RATE, path=scratch / "wavs" / f"destination_{locale}.wav")
            out.append(path)
            print(f"{locale} @ {DEFAULT_RATE} wpm: {text}")
            if shutil.which("soxi"):
                print(subprocess.run(["soxi", str(path)], capture_output=True, text=True).stdout.rstrip())
            else:
                print("(soxi is not installed)")
    return out


def bench_kivy(paths: list[Path], scratch: Path) -> None:
    print("\n## 5. Kivy SoundLoader.load (subprocess; no window is opened, so no Xvfb is needed)")
    env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_HOME=str(scratch / "kivy_home"))
    env.pop("KIVY_NO_CONSOLELOG", None)  # its mere presence silences the log that says why audio failed
    for driver in (None, "dummy"):
        if driver is not None:
            env["SDL_AUDIODRIVER"] = driver
        label = f"SDL_AUDIODRIVER={driver}" if driver else "default audio device"
        proc = subprocess.run([sys.executable, "-c", KIVY_PROGRAM, *map(str, paths)], env=env, capture_output=True,
                              text=True, timeout=120)
        if proc.returncode != 0:
            print(f"{label}: Kivy could not run: {proc.stderr.strip().splitlines()[-1:]}")
            return
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        loads = result["loads"]
        if all(load["length"] == 0 for load in loads):
            reason = next((line.rsplit("]", 1)[-1].strip() for line in proc.stderr.splitlines()
                           if "Unable to open mixer" in line), "the sound did not load")
            print(f"{label}: no audio device here ({reason}); load returns an empty {loads[0]['provider']}")
            continue
        print(f"{label}: provider {loads[0]['provider']}, window module loaded: {result['window_module_loaded']}")
        print(f"load: first {ms(loads[0]['seconds'])}, then {median_ms([x['seconds'] for x in loads[1:]])}; "
              f"lengths {[round(x['length'], 2) for x in loads[:4]]} s")
        if driver is not None:
            print("(the dummy driver decodes and mixes into nothing: a real device adds its own open time once)")
        return


KIOSK_WALK = ["ok", "card", {"choose": "normal"}, {"choose": "macau"}, {"choose": "family"}, {"choose": "reuse"},
              "ok", "yes", "device_ok", "device_ok"]


def kiosk_child(cache: str) -> None:
    """In the real kiosk (under Xvfb): from an event to the new step's prompt starting to play."""
    from seniormode.kivy_ui import runtime

    runtime.configure(size=(1280, 800))
    from seniormode.core.events import parse_event
    from seniormode.core.i18n import Catalogs
    from seniormode.core.problems import Location
    from seniormode.core.session import Session
    from seniormode.core.theme import load_theme_by_name
    from seniormode.kivy_ui.app import KioskApp
    from seniormode.kivy_ui.pilot import Pilot, run_headless
    from seniormode.voice.service import VoiceService

    flow = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    service = VoiceService(ROOT / "locales", cache)
    service.warm_up()
    app = KioskApp(flow, load_theme_by_name("senior"), Session(flow, catalogs=Catalogs(ROOT / "locales")),
                   tick=False, voice=service)
    run_headless(app)
    pilot = Pilot(app)
    events = [parse_event(e, Location("bench")) for e in KIOSK_WALK]
    for label in ("cold", "warm"):
        app.load(flow, Session(flow, {"age": 76}, catalogs=Catalogs(ROOT / "locales")))
        pilot.frame(2)
        times: list[float] = []
        for event in events:
            before = len(app.player.played)
            shown = time.perf_counter()
            app.send(event)
            while len(app.player.played) == before and time.perf_counter() - shown < 5:
                pilot.frame()
            if len(app.player.played) > before:
                times.append(time.perf_counter() - shown)
        sources = sorted({p.source for p in app.player.played[-len(times):]})
        print(f"{label} cache: step shown -> audio playing: {median_ms(times)} sources={sources} "
              f"(goal: <= {100 if label == 'warm' else 150} ms)")
    app.stop()


def bench_kiosk(scratch: Path) -> None:
    print("\n## 6. in the kiosk: from the touch's event to the new prompt playing (Kivy SoundLoader, Xvfb)")
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", KIVY_HOME=str(scratch / "kivy"))
    argv = [sys.executable, __file__, "--kiosk-child", str(scratch / "kiosk-cache")]
    if not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("no display and no xvfb-run: skipped")
            return
        argv = [xvfb, "-a", "-s", "-screen 0 1280x800x24 +extension GLX", *argv]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    print(proc.stdout.strip() or proc.stderr[-2000:])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--kiosk-child":
        kiosk_child(sys.argv[2])
        return
    print(f"# voice bench {datetime.datetime.now():%Y-%m-%d %H:%M} - {platform.platform()} - "
          f"Python {platform.python_version()} - espeak-ng {espeak_ng_version()} - pyttsx3 {pyttsx3_version()} - "
          f"{os.cpu_count()} CPUs")
    prompts = spoken_prompts(load_flow_or_raise(path) for path in FLOWS)
    print(f"demo flows: {len(FLOWS)}, distinct spoken prompts: {len(prompts)}")
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as tmp:
        scratch = Path(tmp)
        bench_worker(prompts, scratch)
        bench_prepare(speak_effects(prompts), scratch)
        built = bench_build(scratch)
        wavs = bench_wavs(scratch)
        bench_kivy(wavs + built[:18], scratch)
        bench_kiosk(scratch)


if __name__ == "__main__":
    main()
