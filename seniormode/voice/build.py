"""Pre-render every prompt the kiosk can speak, so no applicant ever waits for the synthesiser."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from seniormode.core.flow import HARDWARE_KINDS, Flow, Step, Text
from seniormode.core.i18n import Catalogs
from seniormode.core.loader import load_flow_or_raise
from seniormode.core.messages import message
from seniormode.core.problems import FlowError

from .service import Prepared, VoiceService
from .voices import CHINESE_LOCALES, DEFAULT_RATE, clamp_rate, normalise_locale

# The kiosk's own messages that the session speaks (seniormode/core/session.py); the others are only shown.
SPOKEN_KIOSK_MESSAGES = ("timeout_warning", "help_default", "device_failed")
# Spoken after a bad entry, with the step's field name (a Text, translated with the message) filled in.
ENTRY_MESSAGES = {"number": ("number_unreadable", "too_long"), "text": ("too_long",)}

Translate = Callable[[Text, str], str]


@dataclass(frozen=True)
class Prompt:
    """One thing the kiosk may say, as the session makes it: a Text with its gettext identity."""

    source: Text
    flow: str
    step: str  # "" for the kiosk's own messages
    role: str  # prompt | help | error | choice | number_unreadable | too_long | timeout_warning | ...

    @property
    def text(self) -> str:
        return self.source.value

    @property
    def context(self) -> str:
        return self.source.key

    @property
    def msgid(self) -> str:
        """What a recording is named after: the source text, or a message's template."""
        return self.source.msgid


@dataclass(frozen=True)
class BuildProgress:
    done: int
    total: int
    prompt: Prompt
    locale: str
    rate: int
    source: str  # recording | cache | tts | failed
    error: str = ""


@dataclass(frozen=True)
class BuildFailure:
    what: str  # a flow file, or a prompt's context
    error: str
    locale: str = ""
    rate: int = 0


@dataclass
class BuildReport:
    flows: list[str] = field(default_factory=list)
    prompts: int = 0
    locales: tuple[str, ...] = ()
    rates: tuple[int, ...] = ()
    rendered: int = 0
    cached: int = 0
    recordings: int = 0
    failures: list[BuildFailure] = field(default_factory=list)
    seconds: float = 0.0
    audio_files: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Prompt x locale x rate combinations attempted."""
        return self.rendered + self.cached + self.recordings + len([f for f in self.failures if f.locale])

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        return (f"{self.prompts} prompts x {len(self.locales)} voices x {len(self.rates)} rates: "
                f"{self.rendered} rendered, {self.cached} cached, {self.recordings} recorded, "
                f"{len(self.failures)} failed in {self.seconds:.2f} s")


def step_prompts(flow: Flow, step: Step) -> list[Prompt]:
    """What the session can speak on this step: prompt, help, validation and entry errors, choices read aloud."""
    found = [Prompt(step.prompt, flow.id, step.id, "prompt")]
    if step.help is not None:
        found.append(Prompt(step.help, flow.id, step.id, "help"))
    if step.error is not None:
        found.append(Prompt(step.error, flow.id, step.id, "error"))
    for key in ENTRY_MESSAGES.get(step.kind, ()):
        found.append(Prompt(message(key, field=step.field_name or step.text), flow.id, step.id, key))
    # read aloud one by one when the `read_choices` setting is on
    found += [Prompt(c.say or c.text, flow.id, step.id, "choice") for c in step.choices]
    return found


def flow_prompts(flow: Flow) -> list[Prompt]:
    found = [p for step in flow.steps for p in step_prompts(flow, step)]
    needs_help = any(step.help is None for step in flow.steps)
    needs_device = any(step.kind in HARDWARE_KINDS for step in flow.steps)
    for key in SPOKEN_KIOSK_MESSAGES:
        if (key == "help_default" and not needs_help) or (key == "device_failed" and not needs_device):
            continue
        found.append(Prompt(message(key), flow.id, "", key))
    if any(step.kind == "summary" for step in flow.steps):  # said on every question a 修改 link opens
        found.append(Prompt(message("change_cancel_say"), flow.id, "", "change_cancel_say"))
    return found


def spoken_prompts(flows: Iterable[Flow]) -> list[Prompt]:
    """Every prompt of these flows, each (context, text) once: kiosk messages are shared between flows."""
    seen: set[tuple[str, str]] = set()
    out: list[Prompt] = []
    for flow in flows:
        for prompt in flow_prompts(flow):
            if (prompt.context, prompt.text) not in seen:
                seen.add((prompt.context, prompt.text))
                out.append(prompt)
    return out


def build_all(flows: Iterable[Flow | str | Path], locales: Iterable[str] = CHINESE_LOCALES,
              rates: Iterable[float] = (DEFAULT_RATE,), progress: Callable[[BuildProgress], None] | None = None,
              *, service: VoiceService | None = None, locales_dir: str | Path = "locales",
              cache_dir: str | Path | None = None, translate: Translate | None = None) -> BuildReport:
    """Pre-render every spoken prompt of `flows` in every voice locale and rate; failures are reported, not raised.

    `flows` are Flow objects or YAML paths (a flow with errors becomes a failure). The text spoken in a locale
    is what the session would speak: `translate(text, locale)`, by default the translation in the service's
    catalogs (`Catalogs(locales_dir).translate`, the source text where there is none). `progress` is called
    in this thread after each prompt. Without `service`, one is made (and closed) over `locales_dir`/`cache_dir`.
    """
    started = time.perf_counter()
    report = BuildReport(locales=tuple(normalise_locale(locale) for locale in locales),
                         rates=tuple(dict.fromkeys(clamp_rate(rate) for rate in rates)))
    loaded: list[Flow] = []
    for item in flows:
        if isinstance(item, Flow):
            loaded.append(item)
            report.flows.append(item.file or item.id)
            continue
        report.flows.append(str(item))
        try:
            loaded.append(load_flow_or_raise(item))
        except (FlowError, OSError) as error:
            report.failures.append(BuildFailure(str(item), f"{type(error).__name__}: {error}"))
    prompts = spoken_prompts(loaded)
    report.prompts = len(prompts)
    own_service = service is None
    voice = service if service is not None else VoiceService(locales_dir, cache_dir)
    try:
        _render_all(voice, prompts, report, progress, translate or Catalogs(voice.locales_dir).translate)
    finally:
        if own_service:
            voice.close()
    report.seconds = time.perf_counter() - started
    return report


def _render_all(service: VoiceService, prompts: Sequence[Prompt], report: BuildReport,
                progress: Callable[[BuildProgress], None] | None, translate: Translate) -> None:
    jobs: dict[Future[Prepared], tuple[Prompt, str, int]] = {}
    # All requests are queued at once: the worker renders them back to back, with no round trip between.
    for locale in report.locales:
        for rate in report.rates:
            for prompt in prompts:
                future = service.prepare_async(translate(prompt.source, locale), prompt.context, locale, rate,
                                               msgid=prompt.msgid)
                jobs[future] = (prompt, locale, rate)
    total = len(jobs)
    for done, future in enumerate(as_completed(jobs), start=1):
        prompt, locale, rate = jobs[future]
        error = future.exception()
        if error is not None:
            report.failures.append(BuildFailure(prompt.context, f"{type(error).__name__}: {error}", locale, rate))
            source, message_text = "failed", str(error)
        else:
            prepared = future.result()
            source, message_text = prepared.source, ""
            report.audio_files.append(prepared.path)
            if source == "tts":
                report.rendered += 1
            elif source == "cache":
                report.cached += 1
            else:
                report.recordings += 1
        if progress is not None:
            progress(BuildProgress(done, total, prompt, locale, rate, source, message_text))
