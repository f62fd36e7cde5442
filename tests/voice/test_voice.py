"""The voice layer with real espeak-ng audio: WAV format and length, language, cache, recordings, crashes.

Run: .venv/bin/python -m pytest tests/voice -q
"""

from __future__ import annotations

import gettext
import hashlib
import importlib.util
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
import yaml

from seniormode.core.effects import Speak
from seniormode.core.events import parse_event
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.problems import Location
from seniormode.core.session import Session
from seniormode.voice import (
    VOICES,
    BuildProgress,
    Prepared,
    ProviderRegistry,
    RenderError,
    RenderTimeout,
    SpeechWorker,
    UnknownLocale,
    VoiceCache,
    VoiceService,
    WorkerDied,
    build_all,
    cache_key,
    clamp_rate,
    normalise_locale,
    recording_name,
    spoken_prompts,
)
from seniormode.voice.recordings import recording_for, recording_path
from seniormode.voice.service import UnknownProvider
from seniormode.voice.worker import Rendered, espeak_ng_version

pytestmark = pytest.mark.voice

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows_yaml"
ESPEAK = shutil.which("espeak-ng")
SOXI = shutil.which("soxi")
HAN = re.compile(r"[\u4e00-\u9fff]")

PROMPT_ZH = "您好，请把身份证放在读卡器上。"  # 14 Han characters; Mandarin tones 35 214 21 55 51
PROMPT_YUE = "请问您要去香港，还是去澳门？"  # 12 Han characters
HUGE = "请把身份证放在读卡器上，放平，不要拿走。" * 100  # 2,000 characters, the most accepted: ~4 s to render

# Measured here (espeak-ng 1.51, every spoken prompt of the demo flows): seconds of audio per Han character at
# 150 wpm: Mandarin 0.32..0.42, Cantonese 0.27..0.35; the time scales as 1/rate. Bounds with margin:
SECONDS_PER_CHAR_AT_150 = (0.2, 0.55)

# Missing speech tools are a broken set-up (./bootstrap.sh installs both), not a reason to skip.
if ESPEAK is None:
    pytest.fail("espeak-ng is not installed (apt install espeak-ng; ./bootstrap.sh does)", pytrace=False)
if importlib.util.find_spec("pyttsx3") is None:
    pytest.fail("pyttsx3 is not installed (pip install -e .[voice]; ./bootstrap.sh does)", pytrace=False)


# ------------------------------------------------------------------------------------------------ helpers


def wav_params(path: Path) -> tuple[int, int, int, float]:
    """(sample rate, channels, sample width in bytes, seconds) read with the wave module."""
    with wave.open(str(path), "rb") as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes() / wav.getframerate()


def soxi(path: Path) -> dict[str, str]:
    assert SOXI is not None
    return {flag: subprocess.run([SOXI, flag, str(path)], capture_output=True, text=True, check=True).stdout.strip()
            for flag in ("-r", "-c", "-D")}


def espeak(*args: str) -> str:
    assert ESPEAK is not None
    return subprocess.run([ESPEAK, *args], capture_output=True, text=True, check=True, timeout=30).stdout


def espeak_wav(voice: str, rate: int, text: str, path: Path) -> Path:
    espeak("-v", voice, "-s", str(rate), "-w", str(path), text)
    return path


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpeechWorker]:
    with SpeechWorker(tmp_path_factory.mktemp("renders")) as w:
        w.start()
        yield w


@pytest.fixture()
def own_worker(tmp_path: Path) -> Iterator[SpeechWorker]:
    """A worker of its own, for tests that kill it."""
    with SpeechWorker(tmp_path / "renders") as w:
        w.start()
        yield w


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[VoiceService]:
    with VoiceService(tmp_path / "locales", tmp_path / "cache") as voice:
        voice.warm_up()
        yield voice


# ------------------------------------------------------------------------------------------------ voices


def test_each_locale_has_an_installed_espeak_voice(worker: SpeechWorker) -> None:
    assert worker.info is not None
    assert {locale: v.engine_id for locale, v in VOICES.items()} == {
        "zh_Hans_CN": "sit/cmn-latn-pinyin", "yue_Hans_CN": "sit/yue", "en": "gmw/en"}
    for voice in VOICES.values():
        assert voice.engine_id in worker.info.voices, f"espeak-ng has no {voice.engine_id}"


def test_only_our_three_locale_ids_are_accepted() -> None:
    assert [normalise_locale(x) for x in ("zh_Hans_CN", "yue_Hans_CN", "en")] == ["zh_Hans_CN", "yue_Hans_CN", "en"]
    for bad, hint in (("zh_CN", "zh_Hans_CN"), ("zh-Hans-CN", "zh_Hans_CN"), ("yue", "yue_Hans_CN"),
                      ("en_US", "en"), ("fr", "zh_Hans_CN, yue_Hans_CN, en")):
        with pytest.raises(UnknownLocale, match=re.escape(hint)):
            normalise_locale(bad)


def test_rate_is_clamped_to_80_250_wpm() -> None:
    assert [clamp_rate(r) for r in (10, 80, 130.4, 170, 250, 999)] == [80, 80, 130, 170, 250, 250]
    with pytest.raises(ValueError):
        clamp_rate(float("nan"))


# ------------------------------------------------------------------------------------------------ audio


@pytest.mark.parametrize(("locale", "text"), [("zh_Hans_CN", PROMPT_ZH), ("yue_Hans_CN", PROMPT_YUE)])
def test_prompt_renders_to_a_22050_hz_mono_wav_of_plausible_length(worker: SpeechWorker, tmp_path: Path,
                                                                   locale: str, text: str) -> None:
    path = worker.render(text, locale, 150, path=tmp_path / f"{locale}.wav")
    sample_rate, channels, width, seconds = wav_params(path)
    assert (sample_rate, channels, width) == (22050, 1, 2)
    chars = len(HAN.findall(text))
    low, high = SECONDS_PER_CHAR_AT_150
    assert low * chars <= seconds <= high * chars, f"{seconds:.2f} s for {chars} characters"
    if SOXI is not None:
        info = soxi(path)
        assert info["-r"] == "22050" and info["-c"] == "1"
        assert abs(float(info["-D"]) - seconds) < 0.01


@pytest.mark.parametrize(("locale", "text"), [("zh_Hans_CN", PROMPT_ZH), ("yue_Hans_CN", PROMPT_YUE)])
def test_a_slower_rate_gives_a_longer_file(worker: SpeechWorker, tmp_path: Path, locale: str, text: str) -> None:
    slow = wav_params(worker.render(text, locale, 100, path=tmp_path / "slow.wav"))[3]
    fast = wav_params(worker.render(text, locale, 170, path=tmp_path / "fast.wav"))[3]
    # espeak-ng's duration scales roughly as 1/rate: 170/100 = 1.7
    assert 1.4 < slow / fast < 2.1, (slow, fast)


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "yue_Hans_CN"])
def test_the_worker_speaks_with_the_voice_asked_for(worker: SpeechWorker, tmp_path: Path, locale: str) -> None:
    """The worker's WAV matches espeak-ng's own rendering with our voice, not with the others."""
    rendered = wav_params(worker.render(PROMPT_ZH, locale, 150, path=tmp_path / "w.wav"))[3]
    reference = {name: wav_params(espeak_wav(name, 150, PROMPT_ZH, tmp_path / f"{name}.wav"))[3]
                 for name in ("cmn-latn-pinyin", "yue", "cmn")}
    ours = VOICES[locale].espeak
    assert abs(rendered - reference[ours]) / reference[ours] < 0.05, (rendered, reference)
    for other, seconds in reference.items():
        if other != ours:
            assert abs(rendered - seconds) / seconds > 0.10, (other, rendered, reference)


def test_mandarin_voice_reads_chinese_with_mandarin_tones() -> None:
    phonemes = espeak("-v", VOICES["zh_Hans_CN"].espeak, "-x", "-q", PROMPT_ZH)
    assert "(en)" not in phonemes, phonemes
    tones = re.findall(r"\d+", phonemes)
    assert set(tones) <= {"55", "35", "214", "21", "51", "11"}, phonemes  # tone contours, 11 = neutral
    assert {"35", "214", "55", "51"} <= set(tones), phonemes
    assert len(tones) >= len(HAN.findall(PROMPT_ZH)) - 1


def test_cantonese_voice_reads_chinese_with_jyutping_tones() -> None:
    phonemes = espeak("-v", VOICES["yue_Hans_CN"].espeak, "-x", "-q", PROMPT_YUE)
    assert "(en)" not in phonemes, phonemes
    tones = re.findall(r"\d+", phonemes)
    assert all(len(t) == 1 and t in "123456" for t in tones), phonemes  # Jyutping tones 1-6, not contours
    assert len(set(tones)) >= 3 and len(tones) >= len(HAN.findall(PROMPT_YUE)) - 1, phonemes


@pytest.mark.skipif(not espeak_ng_version().startswith("1.51"), reason="the broken `cmn` voice is Debian's 1.51")
def test_debian_151_plain_cmn_voice_switches_to_english_which_is_why_we_avoid_it() -> None:
    phonemes = espeak("-v", "cmn", "-x", "-q", PROMPT_ZH)
    assert "(en)" in phonemes, phonemes
    assert "(en)" not in espeak("-v", "cmn-latn-pinyin", "-x", "-q", PROMPT_ZH)


# ------------------------------------------------------------------------------------------------ service


def test_second_prepare_is_a_cache_hit_under_20_ms(service: VoiceService) -> None:
    first = service.prepare(PROMPT_ZH, "test/cache/say", "zh_Hans_CN", 150)
    assert first.source == "tts" and first.path.is_file()
    started = time.perf_counter()
    second = service.prepare(PROMPT_ZH, "test/cache/say", "zh_Hans_CN", 150)
    wall = time.perf_counter() - started
    assert second.source == "cache" and second.path == first.path
    assert second.seconds_to_ready < 0.02 and wall < 0.02, (second.seconds_to_ready, wall)
    assert service.cache.stats.hits == 1 and service.cache.stats.misses == 1
    key = second.path.stem
    assert second.path == service.cache.root / key[:2] / f"{key}.wav"
    assert not list(service.cache.root.rglob("*.part*")), "temporary files left behind"


def test_a_different_rate_voice_or_text_is_a_different_file(service: VoiceService) -> None:
    base = service.prepare(PROMPT_ZH, "t/x", "zh_Hans_CN", 150)
    others = [service.prepare(PROMPT_ZH, "t/x", "zh_Hans_CN", 170),
              service.prepare(PROMPT_ZH, "t/x", "yue_Hans_CN", 150),
              service.prepare(PROMPT_ZH + "谢谢。", "t/x", "zh_Hans_CN", 150)]
    assert all(p.source == "tts" for p in others)
    assert len({base.path, *(p.path for p in others)}) == 4
    # Out of range rates are clamped before keying: 300 wpm is the 250 wpm file.
    assert service.cache_key(PROMPT_ZH, "zh_Hans_CN", 300) == service.cache_key(PROMPT_ZH, "zh_Hans_CN", 250)


def test_cache_key_covers_engine_versions_voice_rate_and_text() -> None:
    base = ("espeak-ng", "1.51", "pyttsx3 2.99", "sit/yue", 170, "你好")
    key = cache_key(*base)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    for i, changed in enumerate(("espeak", "1.52", "pyttsx3 2.98", "sit/cmn-latn-pinyin", 171, "你好。")):
        variant = list(base)
        variant[i] = changed
        assert cache_key(*variant) != key  # type: ignore[arg-type]


def test_cache_store_is_atomic_and_counts(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path / "cache")
    source = espeak_wav("yue", 170, "你好", tmp_path / "elsewhere.wav")
    key = hashlib.sha256(b"k").hexdigest()
    assert cache.lookup(key) is None
    stored = cache.store(key, source, move=False)
    assert stored.read_bytes() == source.read_bytes() and source.exists()
    assert cache.lookup(key) == stored and cache.entries() == [stored]
    assert (cache.stats.hits, cache.stats.misses, cache.stats.stores) == (1, 1, 1)
    assert not list((tmp_path / "cache").rglob("*.part*"))


def test_recording_name_is_the_sha1_of_the_gettext_identity() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    context, msgid = "hk_macau_renewal/destination/say", "请问您要去香港，还是去澳门？"
    catalog = Catalog(locale="yue_Hans_CN")
    catalog.add(msgid, "請問你要去香港，定係去澳門？", context=context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    identity = next(k for k in gettext.GNUTranslations(buffer)._catalog if k)  # type: ignore[attr-defined]
    assert identity == f"{context}\x04{msgid}"  # what a .mo file stores: context EOT msgid
    assert recording_name(context, msgid) == hashlib.sha1(identity.encode()).hexdigest() + ".wav"


def test_a_human_recording_overrides_tts(service: VoiceService) -> None:
    context, msgid = "hk_macau_renewal/destination/say", PROMPT_YUE
    path = recording_path(service.locales_dir, "yue_Hans_CN", context, msgid)
    path.parent.mkdir(parents=True)
    espeak_wav("yue", 130, msgid, path)  # stands in for a translator's recording: a real WAV
    assert path.parent == service.locales_dir / "yue_Hans_CN" / "audio"
    assert recording_for(service.locales_dir, "yue_Hans_CN", context, msgid) == path
    recorded = service.prepare(msgid, context, "yue_Hans_CN", 170)
    assert (recorded.source, recorded.path) == ("recording", path)
    # a translation spoken in its place still finds the recording by its msgid
    translated = service.prepare("請問你要去香港，定係去澳門？", context, "yue_Hans_CN", 170, msgid=msgid)
    assert translated.source == "recording"
    # other locales and other contexts are not covered by it
    assert service.prepare(msgid, context, "zh_Hans_CN", 170).source == "tts"
    assert service.prepare(msgid, "other/context", "yue_Hans_CN", 170).source == "tts"
    # a file that is not a WAV is not a recording
    path.write_bytes(b"not audio")
    assert service.prepare(msgid, context, "yue_Hans_CN", 170).source == "cache"


def test_numbers_are_normalised_before_keying(service: VoiceService) -> None:
    assert service.cache_key("请付款15元", "zh_Hans_CN", 170) == service.cache_key("请付款十五元", "zh_Hans_CN", 170)
    first = service.prepare("请付款15元", "t/pay", "zh_Hans_CN", 170)
    second = service.prepare("请付款十五元", "t/pay", "zh_Hans_CN", 170)
    assert (first.source, second.source) == ("tts", "cache") and first.path == second.path
    assert first.text == "请付款十五元"


def test_a_session_speak_effect_becomes_a_wav_without_blocking(service: VoiceService) -> None:
    session = Session(load_flow_or_raise(FLOWS / "hk_macau_renewal.yaml"), {"age": 76})
    speak = next(e for e in session.start() if isinstance(e, Speak))
    ready: list[Prepared] = []
    done = threading.Event()

    def on_ready(prepared: Prepared) -> None:
        ready.append(prepared)
        done.set()

    started = time.perf_counter()
    future = service.prepare_speak(speak, on_ready=on_ready)
    assert time.perf_counter() - started < 0.05  # the kiosk's UI thread does not wait for the synthesiser
    assert done.wait(10) and future.result() is ready[0]
    assert ready[0].source == "tts" and ready[0].locale == speak.language and ready[0].rate == speak.rate
    assert wav_params(ready[0].path)[:2] == (22050, 1)
    assert service.prepare_speak(speak).result().source == "cache"


def test_a_failed_render_reaches_on_error_not_the_kiosk(service: VoiceService) -> None:
    errors: list[BaseException] = []
    future = service.prepare_async("   ", "t/empty", "zh_Hans_CN", 170, on_error=errors.append)
    assert isinstance(future.exception(), ValueError) and errors == [future.exception()]
    with pytest.raises(UnknownLocale):
        service.prepare("你好", "t/x", "zh_CN", 170)


# ------------------------------------------------------------------------------------------------ worker


def test_worker_is_a_spawned_process_without_kivy_and_the_parent_never_imports_pyttsx3(worker: SpeechWorker
                                                                                      ) -> None:
    assert worker.info is not None and not worker.info.kivy_loaded and worker.pid != os.getpid()
    program = ("import sys, seniormode.voice, seniormode.voice.build; "
               "bad = [m for m in sys.modules if m.split('.')[0] in ('kivy', 'pyttsx3')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_render_async_returns_at_once_even_before_the_worker_runs(tmp_path: Path) -> None:
    done: list[Future[Rendered]] = []
    with SpeechWorker(tmp_path) as fresh:
        started = time.perf_counter()
        future = fresh.render_async(PROMPT_ZH, "zh_Hans_CN", 170, on_done=done.append)
        assert time.perf_counter() - started < 0.02  # no waiting for the process to spawn
        rendered = future.result(30)
    assert done == [future] and rendered.path.parent == tmp_path and rendered.audio_seconds > 1
    assert rendered.worker_seconds < 1.0


def test_killing_the_worker_between_renders_is_survived(own_worker: SpeechWorker, tmp_path: Path) -> None:
    own_worker.render(PROMPT_ZH, "zh_Hans_CN", 170, path=tmp_path / "a.wav")
    first_pid = own_worker.pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    path = own_worker.render(PROMPT_YUE, "yue_Hans_CN", 170, path=tmp_path / "b.wav")
    assert wav_params(path)[3] > 1 and own_worker.pid not in (None, first_pid) and own_worker.restarts == 1


def test_a_crash_during_a_render_is_an_error_and_the_next_render_works(tmp_path: Path) -> None:
    with SpeechWorker(tmp_path, retries=0) as w:
        w.start()
        pid = w.pid
        assert pid is not None
        future = w.render_async(HUGE, "zh_Hans_CN", 170, timeout=60)
        time.sleep(0.3)  # well into the render
        os.kill(pid, signal.SIGKILL)
        assert isinstance(future.exception(30), WorkerDied)
        assert wav_params(w.render(PROMPT_ZH, "zh_Hans_CN", 170))[3] > 1
        assert w.pid not in (None, pid) and w.failures == 1


def test_a_render_that_times_out_is_an_error_and_the_next_render_works(own_worker: SpeechWorker) -> None:
    pid = own_worker.pid
    started = time.perf_counter()
    with pytest.raises(RenderTimeout):
        own_worker.render(HUGE, "zh_Hans_CN", 170, timeout=0.3)
    assert time.perf_counter() - started < 3
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped, not left running the huge text
    assert wav_params(own_worker.render(PROMPT_YUE, "yue_Hans_CN", 170))[3] > 1
    assert own_worker.pid != pid


def test_a_long_text_is_refused_and_one_past_pyttsx3s_size_bug_does_not_crash_the_worker(tmp_path: Path) -> None:
    with SpeechWorker(tmp_path) as w:
        with pytest.raises(ValueError, match="too long"):
            w.render_async(HUGE + "。", "zh_Hans_CN", 170)
    # pyttsx3 tells espeak-ng the text is 10x its size: 20,000 characters died of SIGSEGV within 5 ms here.
    with SpeechWorker(tmp_path, max_text=30_000, retries=0) as w:
        w.start()
        pid = w.pid
        with pytest.raises(RenderTimeout):  # still synthesising when the timeout comes, not dead
            w.render(HUGE * 10, "zh_Hans_CN", 170, timeout=1.0)
        assert w.failures == 1 and pid is not None


def test_an_unknown_voice_is_an_error_reply_not_a_dead_worker(own_worker: SpeechWorker) -> None:
    pid = own_worker.pid
    with pytest.raises(RenderError, match="no voice"):
        own_worker.render_voice_async("你好", "sit/nope", 170).result(10)
    assert own_worker.pid == pid and own_worker.restarts == 0


def test_a_closed_worker_refuses_work(tmp_path: Path) -> None:
    w = SpeechWorker(tmp_path)
    w.render("你好", "zh_Hans_CN", 170)
    process_pid = w.pid
    w.close()
    assert w.pid is None and not Path(f"/proc/{process_pid}").exists()
    with pytest.raises(RenderError, match="closed"):
        w.render_async("你好", "zh_Hans_CN", 170)


# ------------------------------------------------------------------------------------------------ providers


class EspeakCommandProvider:
    """A second, real TTS provider: the espeak-ng command line. Shows that the registry is the only seam."""

    name = "espeak-ng-cli"
    engine = "espeak-ng-cli"
    engine_version = espeak_ng_version()
    binding_version = "cli"

    def voice_for(self, locale: str) -> str:
        return VOICES[normalise_locale(locale)].espeak

    def render_voice_async(self, text: str, voice: str, rate: int, path: Path | None = None,
                           timeout: float = 10.0) -> Future[Rendered]:
        assert path is not None
        future: Future[Rendered] = Future()
        started = time.perf_counter()
        espeak_wav(voice, rate, text, path)
        seconds = time.perf_counter() - started
        future.set_result(Rendered(path, text, voice, rate, wav_params(path)[3], seconds, seconds, 0.0, 0))
        return future

    def close(self) -> None:
        pass


def test_another_tts_plugs_in_through_the_provider_registry(tmp_path: Path) -> None:
    registry = ProviderRegistry()
    registry.register("espeak-ng-cli", EspeakCommandProvider)
    with pytest.raises(UnknownProvider, match="did you mean 'espeak-ng-cli'"):
        registry.create("espeak-cli")
    with VoiceService(tmp_path / "locales", tmp_path / "cache", provider="espeak-ng-cli", registry=registry) as voice:
        prepared = voice.prepare(PROMPT_YUE, "t/x", "yue_Hans_CN", 170)
        assert prepared.source == "tts" and wav_params(prepared.path)[:2] == (22050, 1)
        assert voice.prepare(PROMPT_YUE, "t/x", "yue_Hans_CN", 170).source == "cache"
    with VoiceService(tmp_path / "locales", tmp_path / "cache") as default:
        # the same prompt from another engine is another cache entry
        assert default.cache_key(PROMPT_YUE, "yue_Hans_CN", 170) != prepared.key


# ------------------------------------------------------------------------------------------------ build


def test_build_all_renders_every_spoken_prompt_once_and_reports_failures(tmp_path: Path) -> None:
    flow = FLOWS / "hk_macau_renewal.yaml"
    prompts = spoken_prompts([load_flow_or_raise(flow)])
    roles = {p.role for p in prompts}
    assert {"prompt", "help", "choice", "timeout_warning", "help_default", "device_failed"} <= roles
    seen: list[BuildProgress] = []
    with VoiceService(tmp_path / "locales", tmp_path / "cache") as voice:
        report = build_all([flow, tmp_path / "missing.yaml"], ["zh_Hans_CN", "yue_Hans_CN"], [170], seen.append,
                           service=voice)
        assert report.prompts == len(prompts) and report.rendered + report.cached == 2 * len(prompts)
        assert [f.what for f in report.failures] == [str(tmp_path / "missing.yaml")]
        assert [p.done for p in seen] == list(range(1, 2 * len(prompts) + 1)) and seen[-1].total == 2 * len(prompts)
        assert all(wav_params(path)[:2] == (22050, 1) for path in report.audio_files)
        again = build_all([flow], ["zh_Hans_CN", "yue_Hans_CN"], [170], service=voice)
        assert again.ok and again.cached == 2 * len(prompts) and again.rendered == 0


def test_after_build_all_everything_the_demo_applicant_hears_is_ready(tmp_path: Path) -> None:
    """The build speaks what the session speaks: the catalogs' Cantonese, message templates, the same rate."""
    script = yaml.safe_load((FLOWS / "scripts" / "hk_macau_renewal.demo.yaml").read_text(encoding="utf-8"))
    flow = load_flow_or_raise(FLOWS / "hk_macau_renewal.yaml")
    session = Session(flow, script["inputs"], catalogs=Catalogs(ROOT / "locales"))
    effects = session.start()
    for raw in [*script["events"], "help"]:
        effects += session.handle(parse_event(raw, Location("demo")))
    spoken = [e for e in effects if isinstance(e, Speak)]
    assert {e.language for e in spoken} == {"zh_Hans_CN", "yue_Hans_CN"}  # a Guangdong card: Cantonese voice
    assert any(e.text != e.msgid for e in spoken)  # translated for the Cantonese voice
    with VoiceService(ROOT / "locales", tmp_path / "cache") as voice:
        report = build_all([flow], ["zh_Hans_CN", "yue_Hans_CN"], sorted({e.rate for e in spoken}), service=voice)
        assert report.ok
        sources = {(e.text_key, e.language): voice.prepare_speak(e).result().source for e in spoken}
    assert set(sources.values()) == {"cache"}, sources
