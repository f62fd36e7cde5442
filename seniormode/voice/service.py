"""From a `Speak` effect to a WAV file ready to play: a human recording, else the cache, else the TTS worker.

Speech providers come from a registry (the shape of Kivy's core providers), so another TTS can be added
with `register_provider("name", factory)` without touching the kiosk. The default is "pyttsx3-espeak".
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from seniormode.core.effects import Speak
from seniormode.core.problems import did_you_mean

from .cache import VoiceCache, cache_key, default_cache_dir
from .recordings import recording_for
from .voices import clamp_rate, normalise_locale
from .worker import PROVIDER_NAME, Rendered, SpeechWorker

log = logging.getLogger(__name__)

Source = Literal["recording", "cache", "tts"]
DEFAULT_PROVIDER = PROVIDER_NAME
NORMALISER_MODULE = "seniormode.core.spoken_numbers"


class SpeechProvider(Protocol):
    """What the voice service needs from a TTS: its identity (for cache keys), voices, and async rendering."""

    name: str
    engine: str

    @property
    def engine_version(self) -> str: ...

    @property
    def binding_version(self) -> str: ...

    def voice_for(self, locale: str) -> str: ...

    def render_voice_async(self, text: str, voice: str, rate: int, path: Path | None = None,
                           timeout: float = 10.0) -> Future[Rendered]: ...

    def close(self) -> None: ...


ProviderFactory = Callable[[], SpeechProvider]


class UnknownProvider(ValueError):
    """No speech provider is registered under this name."""


class ProviderRegistry:
    """Speech providers by name; the service asks it for one instance each."""

    def __init__(self) -> None:
        self._factories: dict[str, ProviderFactory] = {}

    def register(self, name: str, factory: ProviderFactory, *, replace: bool = False) -> None:
        if name in self._factories and not replace:
            raise ValueError(f"a speech provider named {name!r} is already registered (pass replace=True)")
        self._factories[name] = factory

    def names(self) -> tuple[str, ...]:
        return tuple(self._factories)

    def create(self, name: str) -> SpeechProvider:
        try:
            factory = self._factories[name]
        except KeyError:
            hint = did_you_mean(name, self._factories) or f"providers are: {', '.join(self._factories)}"
            raise UnknownProvider(f"unknown speech provider {name!r}: {hint}") from None
        return factory()


PROVIDERS = ProviderRegistry()
PROVIDERS.register(PROVIDER_NAME, SpeechWorker)


def register_provider(name: str, factory: ProviderFactory, *, replace: bool = False) -> None:
    """Make another TTS available to `VoiceService(provider=name)`."""
    PROVIDERS.register(name, factory, replace=replace)


def spoken_text(text: str, locale: str) -> str:
    """`text` as the voice should say it in `locale` (numbers, prices, dates and times in words).

    The normaliser is imported when first needed; without it (or if it fails) the text is spoken as written,
    because a misread number is better than a silent kiosk.
    """
    try:
        module = importlib.import_module(NORMALISER_MODULE)
    except ModuleNotFoundError as error:
        if error.name != NORMALISER_MODULE:
            log.warning("the number normaliser cannot be imported (%s); speaking the text as written", error)
        return text
    try:
        return str(module.normalise(text, locale))
    except Exception:
        log.exception("the number normaliser failed on %r (%s); speaking the text as written", text, locale)
        return text


@dataclass(frozen=True)
class Prepared:
    """A WAV ready to play, where it came from, and how long getting it took."""

    path: Path
    source: Source
    seconds_to_ready: float
    text: str  # what is spoken: the normalised text (the msgid for a recording)
    locale: str
    rate: int
    key: str = ""  # the cache key; empty for a recording


class VoiceService:
    """Prepares prompts for playing: a recording in `locales_dir`, else `cache_dir`, else the speech provider."""

    def __init__(self, locales_dir: str | Path = "locales", cache_dir: str | Path | None = None, *,
                 provider: str | SpeechProvider = DEFAULT_PROVIDER, registry: ProviderRegistry = PROVIDERS,
                 timeout: float = 10.0):
        self.locales_dir = Path(locales_dir)
        self.cache = VoiceCache(cache_dir if cache_dir is not None else default_cache_dir())
        self.provider: SpeechProvider = registry.create(provider) if isinstance(provider, str) else provider
        self.timeout = timeout
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._in_flight: dict[str, Future[Path]] = {}
        # Read the versions now (espeak-ng --version is a subprocess) so the first prompt does not pay for it.
        self._identity = (self.provider.engine, self.provider.engine_version, self.provider.binding_version)

    # -- keys

    def spoken_text(self, text: str, locale: str) -> str:
        return spoken_text(text, normalise_locale(locale))

    def cache_key(self, text: str, locale: str, rate: float) -> str:
        """The cache key of `text` spoken in `locale` at `rate` (after number normalisation)."""
        locale = normalise_locale(locale)
        return self._key(self.spoken_text(text, locale), locale, clamp_rate(rate))

    def _key(self, spoken: str, locale: str, rate: int) -> str:
        engine, engine_version, binding_version = self._identity
        return cache_key(engine, engine_version, binding_version, self.provider.voice_for(locale), rate, spoken)

    # -- preparing

    def prepare(self, text: str, context: str, locale: str, rate: float, *, msgid: str | None = None) -> Prepared:
        """Blocking `prepare_async`: for builds, tests and the CLI. Raises RenderError when the TTS fails."""
        return self.prepare_async(text, context, locale, rate, msgid=msgid).result()

    def prepare_speak(self, effect: Speak, on_ready: Callable[[Prepared], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> Future[Prepared]:
        """The kiosk's entry point: a session's `Speak` effect to a WAV, without blocking."""
        msgid = getattr(effect, "msgid", "") or None  # the source text, when `text` is a translation
        return self.prepare_async(effect.text, effect.text_key, effect.language, effect.rate, on_ready, on_error,
                                  msgid=msgid)

    def prepare_async(self, text: str, context: str, locale: str, rate: float,
                      on_ready: Callable[[Prepared], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None, *,
                      msgid: str | None = None) -> Future[Prepared]:
        """Find or render the WAV for `text` and return at once.

        `context` and `msgid` identify the message in the catalog (a human recording wins); `msgid` is the
        source text when `text` is a translation. A recording or cache hit completes the future before this
        returns (and calls `on_ready` in the caller's thread); a render completes it on the worker's thread.
        """
        started = time.perf_counter()
        future: Future[Prepared] = Future()
        future.set_running_or_notify_cancel()  # a prepare cannot be cancelled half-way: it may be filling the cache
        future.add_done_callback(lambda done: _deliver(done, on_ready, on_error))
        try:
            locale = normalise_locale(locale)
            rate = clamp_rate(rate)
            recording = recording_for(self.locales_dir, locale, context, text if msgid is None else msgid)
            if recording is not None:
                self._count("recording")
                future.set_result(Prepared(recording, "recording", time.perf_counter() - started,
                                           text if msgid is None else msgid, locale, rate))
                return future
            spoken = self.spoken_text(text, locale)
            if not spoken.strip():
                raise ValueError(f"nothing to speak for {context!r}: the text is empty")
            key = self._key(spoken, locale, rate)
            hit = self.cache.lookup(key)
            if hit is not None:
                self._count("cache")
                future.set_result(Prepared(hit, "cache", time.perf_counter() - started, spoken, locale, rate, key))
                return future
            stored = self._render(key, spoken, locale, rate)
        except Exception as error:
            self._count("failed")
            future.set_exception(error)
            return future

        def finish(done: Future[Path]) -> None:
            error = done.exception()
            if error is not None:
                self._count("failed")
                future.set_exception(error)
                return
            self._count("tts")
            future.set_result(Prepared(done.result(), "tts", time.perf_counter() - started, spoken, locale, rate,
                                       key))

        stored.add_done_callback(finish)
        return future

    def _render(self, key: str, spoken: str, locale: str, rate: int) -> Future[Path]:
        """One render per key at a time: a second request for the same prompt waits for the first."""
        with self._lock:
            pending = self._in_flight.get(key)
            if pending is not None:
                return pending
            stored: Future[Path] = Future()
            stored.set_running_or_notify_cancel()
            self._in_flight[key] = stored
        scratch = self.cache.scratch_path(key)

        def store(done: Future[Rendered]) -> None:
            try:
                path = self.cache.store(key, done.result().path)
            except BaseException as error:
                scratch.unlink(missing_ok=True)
                with self._lock:
                    self._in_flight.pop(key, None)
                stored.set_exception(error)
                return
            with self._lock:
                self._in_flight.pop(key, None)
            stored.set_result(path)

        try:
            rendering = self.provider.render_voice_async(spoken, self.provider.voice_for(locale), rate, scratch,
                                                         self.timeout)
        except BaseException:
            scratch.unlink(missing_ok=True)
            with self._lock:
                self._in_flight.pop(key, None)
            raise
        rendering.add_done_callback(store)
        return stored

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    # -- life cycle

    def warm_up(self) -> None:
        """Start the speech provider's worker now, if it has one, so the first prompt does not wait for it."""
        start = getattr(self.provider, "start", None)
        if callable(start):
            start()

    def close(self) -> None:
        self.provider.close()

    def __enter__(self) -> VoiceService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _deliver(done: Future[Prepared], on_ready: Callable[[Prepared], None] | None,
             on_error: Callable[[BaseException], None] | None) -> None:
    error = done.exception()
    try:
        if error is None and on_ready is not None:
            on_ready(done.result())
        elif error is not None and on_error is not None:
            on_error(error)
    except Exception:
        log.exception("a voice callback failed")
