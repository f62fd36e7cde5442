"""pyttsx3 + espeak-ng in a worker process that renders prompts to WAV files.

Why a process: pyttsx3's espeak driver runs espeak-ng in its asynchronous mode (a C thread of its own),
keeps process-global callbacks, and can hang (`stop()`) or crash the interpreter. In a spawned process (no
Kivy or GL state inherited) a hang is a timeout and a crash is an exit code: the caller gets an error and
the next request gets a fresh worker. The parent never imports pyttsx3; only `serve` (the child) does.

What the child does per request, and why (each step was seen to fail on this machine without it, in
stress runs of hundreds of renders compared with `espeak-ng -w`):
- a fresh `pyttsx3.init("espeak")` engine, after the previous one has been collected: `init` hands back a
  live engine rather than a new one, and a stale engine's finaliser unregisters espeak-ng's synth callback,
  so a later render writes no file;
- wait for espeak-ng's command thread to go idle, run the empty queue once, then set voice and rate and
  check that both took: a fresh engine queues them, and `runAndWait` applies the queue and then calls
  `stop()`, which cancels whatever espeak-ng's thread has not processed yet; so about 1 render in 40 came
  out at the driver's default 200 wpm (the "wrong rate after a voice change"; selecting a voice by itself
  does not reset the rate here);
- `save_to_file` + `runAndWait`, then pyttsx3's `finished-utterance` (completed) before the file is used;
- espeak-ng is told the text's true size (`_synth_with_true_size`): pyttsx3 passes ten times the size and a
  long text crashes the process;
- never `say()` (needs aplay) or `stop()` (can hang).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import itertools
import logging
import multiprocessing
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import wave
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from .voices import VOICES, Voice, clamp_rate, normalise_locale

log = logging.getLogger(__name__)

PROVIDER_NAME = "pyttsx3-espeak"
ENGINE_NAME = "espeak-ng"
DRIVER = "espeak"
SAMPLE_RATE = 22050  # what pyttsx3's espeak driver writes
# pyttsx3 collects the audio with `bytes +=`, so time grows with the square of the length: 2,000 characters
# (over 5 minutes of speech) take about 4 s, 6,000 take 40 s. Kiosk prompts are under 200.
MAX_TEXT = 2000


class RenderError(RuntimeError):
    """A prompt could not be rendered. The kiosk shows the text without voice and carries on."""


class RenderTimeout(RenderError):
    """The worker took longer than the request's timeout; it was killed and will be replaced."""


class WorkerDied(RenderError):
    """The worker process exited while a request was in flight; the next request starts a fresh one."""


class WorkerClosed(RenderError):
    """The worker was closed before the request ran."""


# ---------------------------------------------------------------------------------------------------------
# The protocol (pickled over a multiprocessing Pipe; stdout is not used, pyttsx3 prints there)


@dataclass(frozen=True)
class RenderRequest:
    id: int
    text: str
    voice: str
    rate: int
    path: str
    budget: float  # seconds the child may wait for espeak-ng before giving up on its own


@dataclass(frozen=True)
class RenderReply:
    id: int
    ok: bool
    path: str
    error: str = ""
    init_seconds: float = 0.0  # creating the fresh pyttsx3 engine
    synth_seconds: float = 0.0  # runAndWait until the WAV is complete
    total_seconds: float = 0.0  # the whole request inside the worker
    audio_seconds: float = 0.0
    sample_rate: int = 0
    channels: int = 0


@dataclass(frozen=True)
class WorkerInfo:
    """The child's greeting: what it runs, and proof that it did not inherit the kiosk's Kivy state."""

    pid: int
    espeak_version: str
    pyttsx3_version: str
    voices: tuple[str, ...] = field(repr=False)
    start_seconds: float = 0.0
    kivy_loaded: bool = False


@dataclass(frozen=True)
class StartFailed:
    error: str


# ---------------------------------------------------------------------------------------------------------
# The child


def serve(conn: Connection) -> None:
    """The worker process's main loop: greet, then answer render requests until None or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business; it closes us
    sys.stdout = open(os.devnull, "w")  # pyttsx3 prints "Audio saved to ..." per file
    started = time.perf_counter()
    try:
        renderer = _Renderer()
    except BaseException as error:  # reported to the parent, which raises RenderError
        conn.send(StartFailed(f"{type(error).__name__}: {error}"))
        return
    conn.send(renderer.describe(time.perf_counter() - started))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if request is None:
            return
        conn.send(renderer.render(request))


class _Renderer:
    def __init__(self) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        self._pyttsx3: Any = pyttsx3
        self._espeak: Any = _espeak
        _espeak.Synth = functools.partial(_synth_with_true_size, _espeak)
        engine = self._fresh_engine()
        self.voices = tuple(str(v.id) for v in engine.getProperty("voices"))
        del engine
        self._collect_engine()
        raw = _espeak.Info(None)
        self.espeak_version = (raw.decode() if isinstance(raw, bytes) else str(raw)).strip()

    def describe(self, start_seconds: float) -> WorkerInfo:
        try:
            version = metadata.version("pyttsx3")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return WorkerInfo(os.getpid(), self.espeak_version, version, self.voices, start_seconds, "kivy" in sys.modules)

    def _fresh_engine(self) -> Any:
        # pyttsx3.init hands back the engine of the same driver while one is alive: collect it first.
        self._collect_engine()
        if DRIVER in getattr(self._pyttsx3, "_activeEngines", {}):
            raise RuntimeError("the previous pyttsx3 engine is still alive; refusing to reuse it")
        return self._pyttsx3.init(DRIVER)

    def _collect_engine(self) -> None:
        """Free the last engine now: its finaliser unregisters espeak-ng's callback, which must not happen later."""
        active = getattr(self._pyttsx3, "_activeEngines", {})
        for generation in (0, 2):  # the engine is a young reference cycle; a full collection costs ~6 ms
            if DRIVER not in active:
                return
            gc.collect(generation)

    def _settle(self, seconds: float) -> None:
        """Wait until espeak-ng's command thread is idle (espeak_Synchronize does this in 20 ms naps)."""
        deadline = time.perf_counter() + seconds
        while self._espeak.IsPlaying():
            if time.perf_counter() > deadline:
                raise RuntimeError(f"espeak-ng stayed busy for {seconds:.3g} s")
            time.sleep(0.001)

    def _apply(self, engine: Any, voice: str, rate: int) -> None:
        """Select the voice and rate on an idle engine (so they apply at once) and check that both took."""
        got: tuple[object, object] = (None, None)
        for _attempt in range(3):
            engine.setProperty("voice", voice)
            engine.setProperty("rate", rate)
            self._settle(5.0)
            got = (engine.getProperty("voice"), engine.getProperty("rate"))
            if got == (voice, rate):
                return
        raise RuntimeError(f"espeak-ng kept voice/rate {got} instead of {(voice, rate)}")

    def render(self, request: RenderRequest) -> RenderReply:
        started = time.perf_counter()
        if request.voice not in self.voices:
            return RenderReply(request.id, False, request.path, f"espeak-ng has no voice {request.voice!r}")
        final = Path(request.path)
        part = final.with_name(f".{final.name}.{os.getpid()}.part")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            engine = self._fresh_engine()
            # The new driver queued its own defaults (en, 200 wpm) in espeak-ng's command thread; let them land,
            # then run the empty queue once so the engine is idle and the settings below apply at once.
            self._settle(request.budget)
            engine.runAndWait()
            init_done = time.perf_counter()
            self._apply(engine, request.voice, request.rate)
            finished = threading.Event()
            completed: list[object] = []
            errors: list[str] = []

            def on_finished(**event: object) -> None:
                completed.append(event.get("completed"))
                finished.set()

            engine.connect("finished-utterance", on_finished)
            engine.connect("error", lambda **event: errors.append(repr(event.get("exception"))))
            engine.save_to_file(request.text, str(part))
            engine.runAndWait()
            if not finished.wait(request.budget):
                raise RuntimeError(f"espeak-ng did not finish within {request.budget:.3g} s")
            self._settle(request.budget)
            del engine
            self._collect_engine()
            if completed != [True]:
                raise RuntimeError("espeak-ng cancelled the utterance")
            synth_done = time.perf_counter()
            if errors:
                raise RuntimeError("pyttsx3 reported: " + "; ".join(errors))
            with wave.open(str(part), "rb") as wav:
                frames, sample_rate, channels = wav.getnframes(), wav.getframerate(), wav.getnchannels()
            if frames == 0:
                raise RuntimeError("espeak-ng produced no audio")
            os.replace(part, final)
        except Exception as error:  # every failure is a reply, never a dead worker
            part.unlink(missing_ok=True)
            return RenderReply(request.id, False, request.path, f"{type(error).__name__}: {error}",
                               total_seconds=time.perf_counter() - started)
        return RenderReply(request.id, True, str(final), "", init_done - started, synth_done - init_done,
                           time.perf_counter() - started, frames / sample_rate, sample_rate, channels)


def _synth_with_true_size(espeak: Any, text: bytes | str, position: int = 0, position_type: int = 1,
                          end_position: int = 0, flags: int = 0, user_data: Any = None) -> int:
    """pyttsx3's `_espeak.Synth`, but telling espeak-ng the text's real size.

    pyttsx3 2.99 passes `len(text) * 10` as the buffer size and espeak-ng copies that many bytes, reading far
    past the end of the text: a prompt of a few thousand characters kills the worker with SIGSEGV.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    return int(espeak.cSynth(data, len(data) + 1, position, position_type, end_position, flags, None, user_data))


# ---------------------------------------------------------------------------------------------------------
# The parent


@functools.lru_cache(maxsize=1)
def espeak_ng_version() -> str:
    """espeak-ng's version, from `espeak-ng --version`, else from the library; "unknown" if neither is there."""
    exe = shutil.which("espeak-ng")
    if exe is not None:
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        match = re.search(r"text-to-speech:\s*(\S+)", out)
        if match:
            return match.group(1)
    name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
    try:
        lib = ctypes.CDLL(name)
        lib.espeak_Info.restype = ctypes.c_char_p
        raw = lib.espeak_Info(None)
    except (OSError, AttributeError):
        return "unknown"
    return raw.decode().strip() if raw else "unknown"


def pyttsx3_version() -> str:
    """The installed pyttsx3's version, read from its metadata (importing it here would load espeak-ng)."""
    try:
        return metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:
        return "missing"


@dataclass(frozen=True)
class Rendered:
    """A finished render, with where the time went."""

    path: Path
    text: str = field(repr=False)
    voice: str
    rate: int
    audio_seconds: float
    worker_seconds: float  # inside the worker: fresh engine + synthesis + checks
    seconds: float  # request sent -> reply received (includes starting a worker if one was needed)
    queued_seconds: float  # waiting behind other requests
    pid: int


@dataclass
class _Job:
    future: Future[Any]
    submitted: float
    request: RenderRequest | None = None  # None: just make sure a worker is running
    timeout: float = 10.0


class SpeechWorker:
    """The "pyttsx3-espeak" speech provider: one worker process, requests served one at a time, in order.

    Every method is safe to call from any thread and none blocks except `render`, `start` and `close`.
    Futures complete (and their callbacks run) on the worker's dispatcher thread: a Kivy caller should
    hop back to its UI thread with `Clock.schedule_once`.
    """

    name = PROVIDER_NAME
    engine = ENGINE_NAME

    def __init__(self, out_dir: str | Path | None = None, *, start_timeout: float = 30.0, retries: int = 1,
                 max_text: int = MAX_TEXT, voices: Mapping[str, Voice] = VOICES):
        """`out_dir`: where `render` puts files given no path (default: a temporary directory removed by
        `close`). `retries`: how often a request is re-sent to a fresh worker after its worker died (a timeout
        is not retried). `max_text`: the longest text accepted, in characters."""
        self._context = multiprocessing.get_context("spawn")
        self._voices = dict(voices)
        self._start_timeout = start_timeout
        self.retries = retries
        self.max_text = max_text
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closing = False
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._info: WorkerInfo | None = None
        self._ids = itertools.count(1)
        self._out_dir = Path(out_dir) if out_dir is not None else None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.starts = 0
        self.renders = 0
        self.failures = 0

    # -- what the cache key needs, known without starting a worker

    @functools.cached_property
    def engine_version(self) -> str:
        return espeak_ng_version()

    @functools.cached_property
    def binding_version(self) -> str:
        return f"pyttsx3 {pyttsx3_version()}"

    def voice_for(self, locale: str) -> str:
        return self._voices[normalise_locale(locale)].engine_id

    # -- state

    @property
    def pid(self) -> int | None:
        """The current worker process's id (None before the first request and after a crash or close)."""
        process = self._process
        return process.pid if process is not None and process.exitcode is None else None

    @property
    def info(self) -> WorkerInfo | None:
        return self._info

    @property
    def restarts(self) -> int:
        """Worker processes started to replace one that died, timed out or failed to start."""
        return max(0, self.starts - 1)

    # -- requests

    def start(self, timeout: float | None = None) -> WorkerInfo:
        """Start the worker now (a kiosk does this at boot so the first prompt does not wait for it)."""
        future: Future[WorkerInfo] = Future()
        self._submit(_Job(future, time.perf_counter()))
        return future.result(timeout or self._start_timeout + 5)

    def render(self, text: str, locale: str, rate: float, timeout: float = 10.0, path: str | Path | None = None
               ) -> Path:
        """Render `text` in `locale`'s voice at `rate` wpm to a WAV and return its path; raises RenderError."""
        future = self.render_async(text, locale, rate, timeout, path)
        try:
            return future.result(timeout + self._start_timeout + 5).path
        except TimeoutError:  # only when queued behind other requests: each has its own timeout once it runs
            raise RenderTimeout(f"no answer within {timeout + self._start_timeout + 5:.3g} s; the request is "
                                f"still queued behind others") from None

    def render_async(self, text: str, locale: str, rate: float, timeout: float = 10.0,
                     path: str | Path | None = None,
                     on_done: Callable[[Future[Rendered]], None] | None = None) -> Future[Rendered]:
        """Queue a render and return at once; the future holds a `Rendered` or a `RenderError`."""
        future = self.render_voice_async(text, self.voice_for(locale), clamp_rate(rate),
                                         Path(path) if path is not None else None, timeout)
        if on_done is not None:
            future.add_done_callback(on_done)
        return future

    def render_voice_async(self, text: str, voice: str, rate: int, path: Path | None = None,
                           timeout: float = 10.0) -> Future[Rendered]:
        """The provider interface: an engine voice id rather than a locale."""
        if not text.strip():
            raise ValueError("nothing to speak: the text is empty")
        if len(text) > self.max_text:
            raise ValueError(f"a prompt of {len(text)} characters is too long to speak (at most {self.max_text}); "
                             f"split it (seniormode lint warns above 200)")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}")
        target = path if path is not None else self._scratch_dir() / f"{uuid.uuid4().hex}.wav"
        request = RenderRequest(next(self._ids), text, voice, int(rate), str(target), budget=timeout + 5)
        future: Future[Rendered] = Future()
        self._submit(_Job(future, time.perf_counter(), request, timeout))
        return future

    def close(self, timeout: float = 5.0) -> None:
        """Fail the requests still queued, stop the worker process and the dispatcher thread."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            thread = self._thread
        self._jobs.put(None)
        if thread is not None and thread is not threading.current_thread():  # closed from a future's callback
            thread.join(timeout)
        else:
            self._stop_process()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> SpeechWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the dispatcher thread: the only code that touches the process and the pipe

    def _submit(self, job: _Job) -> None:
        with self._lock:
            if self._closing:
                raise WorkerClosed("the speech worker is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, name="seniormode-voice", daemon=True)
                self._thread.start()
            self._jobs.put(job)

    def _scratch_dir(self) -> Path:
        if self._out_dir is not None:
            return self._out_dir
        with self._lock:
            if self._scratch is None:
                self._scratch = tempfile.TemporaryDirectory(prefix="seniormode-voice-")
            return Path(self._scratch.name)

    def _dispatch(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                break
            if not job.future.set_running_or_notify_cancel():
                continue
            if self._closing:
                job.future.set_exception(WorkerClosed("the speech worker was closed before this request ran"))
                continue
            try:
                result: Any = self._serve(job) if job.request is not None else self._ensure_worker()
            except BaseException as error:  # the caller gets it through the future
                if job.request is not None:
                    self.failures += 1
                job.future.set_exception(error)
            else:
                job.future.set_result(result)
        self._stop_process()

    def _serve(self, job: _Job) -> Rendered:
        assert job.request is not None
        request = job.request
        dequeued = time.perf_counter()
        deadline = dequeued + job.timeout
        died: RenderError | None = None
        for _attempt in range(1 + max(0, self.retries)):
            conn = self._ensure_worker_conn()
            sent = time.perf_counter()
            try:
                conn.send(request)
                if not conn.poll(max(0.0, deadline - time.perf_counter())):
                    self._kill()
                    raise RenderTimeout(f"rendering {len(request.text)} characters took longer than "
                                        f"{job.timeout:.3g} s; the speech worker was restarted")
                reply = conn.recv()
            except (EOFError, OSError):
                code = self._reap()
                died = WorkerDied(f"the speech worker died (exit code {code}) before answering; "
                                  f"the next request starts a fresh one")
                log.warning("%s", died)
                if time.perf_counter() >= deadline:
                    break
                continue
            if not isinstance(reply, RenderReply) or reply.id != request.id:
                self._kill()
                raise RenderError(f"the speech worker answered out of turn: {reply!r}")
            if not reply.ok:
                raise RenderError(f"could not render {request.text[:40]!r} with {request.voice}: {reply.error}")
            self.renders += 1
            now = time.perf_counter()
            return Rendered(Path(reply.path), request.text, request.voice, request.rate, reply.audio_seconds,
                            reply.total_seconds, now - sent, dequeued - job.submitted, self._info.pid if self._info
                            else 0)
        assert died is not None
        raise died

    def _ensure_worker(self) -> WorkerInfo:
        self._ensure_worker_conn()
        assert self._info is not None
        return self._info

    def _ensure_worker_conn(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        if self._process is not None:
            self._reap()
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve, args=(child_end,), name="seniormode-voice-worker",
                                        daemon=True)
        process.start()
        child_end.close()
        self._process, self._conn = process, parent_end
        self.starts += 1
        try:
            if not parent_end.poll(self._start_timeout):
                raise RenderError(f"the speech worker did not start within {self._start_timeout:.3g} s")
            greeting = parent_end.recv()
        except (EOFError, OSError) as error:
            self._kill()
            raise RenderError(f"the speech worker exited while starting (exit code {process.exitcode})") from error
        except RenderError:
            self._kill()
            raise
        if isinstance(greeting, StartFailed):
            self._kill()
            raise RenderError(f"the speech worker cannot run pyttsx3/espeak-ng: {greeting.error} "
                              f"(install with: pip install -e .[voice]; apt install espeak-ng)")
        self._info = greeting
        if greeting.espeak_version != self.engine_version:
            log.warning("espeak-ng library %s differs from the espeak-ng command %s; cached prompts are keyed "
                        "by the command's version", greeting.espeak_version, self.engine_version)
        log.info("speech worker %s started in %.3f s", greeting.pid, greeting.start_seconds)
        return parent_end

    def _reap(self) -> int | None:
        """Forget a worker that has exited (or kill one that has not); returns its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._info = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        process.join(0.5)
        if process.exitcode is None:
            process.kill()
            process.join(2)
        return process.exitcode

    def _kill(self) -> None:
        process = self._process
        if process is not None and process.exitcode is None:
            process.kill()
        self._reap()

    def _stop_process(self) -> None:
        process, conn = self._process, self._conn
        if process is None or conn is None:
            self._reap()
            return
        try:
            conn.send(None)
        except OSError:
            pass
        process.join(2)
        self._reap()
