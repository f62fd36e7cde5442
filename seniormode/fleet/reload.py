"""New flows for a running kiosk: a verified release, or (at a desk, `run --watch`) an edited flow file. Found
and checked on a background thread; the kiosk takes it only between applicants (see kivy_ui/app.py), and what
does not load or lint never replaces the last good flow: the kiosk says why and goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.kiosk_config import KioskConfig
from ..core.problems import FlowError
from ..journal.record import JournalEvent
from ..journal.version import flow_version
from .client import ReleaseClient, lint_kiosk_flow

log = logging.getLogger("seniormode.reload")


class NotLoaded(Exception):
    """A flow that does not load or lint: the message names the file:line:col of the first error."""


@dataclass(frozen=True)
class LoadedFlow:
    flow: Flow
    theme: Any
    locales: Path
    version: str  # the flow version the journal carries
    label: str  # "release 2026.1204.1", "flows_yaml/x.yaml as edited", "the kiosk's own flows"
    release: str | None = None


def load_content(config: KioskConfig, root: Path | None, label: str, release: str | None = None) -> LoadedFlow:
    """The kiosk's first flow, its theme and catalogs from `root` (a release) or its own folder, linted (errors
    only, as the kiosk needs them: the audit ran when the release was built)."""
    content = config.content(root)
    path = content.flows[0]
    flow, problems = lint_kiosk_flow(content, path)
    if flow is None or problems.has_errors:
        errors = problems.errors
        first = errors[0].format() if errors else f"{path} does not load"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise NotLoaded(f"{label} does not load or lint: {first}{more}")
    try:
        theme = content.load_theme(str(flow.settings.get("theme", "senior")))
    except FlowError as exc:
        raise NotLoaded(f"{label}: its theme does not load: {exc}") from None
    version = flow_version(flow, getattr(theme, "file", None), content.locales)
    return LoadedFlow(flow, theme, content.locales, version, label, release)


class FlowUpdates:
    """The one place a new flow waits for the kiosk: background threads offer, the UI thread takes."""

    def __init__(self, say: Callable[[str], None] | None = None):
        self._lock = threading.Lock()
        self._pending: LoadedFlow | None = None
        self.say = say or (lambda line: print(f"seniormode: {line}", flush=True))  # the staff console
        self.on_switched: Callable[[LoadedFlow], None] | None = None  # told once the kiosk shows the new flow

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def offer(self, loaded: LoadedFlow) -> None:
        with self._lock:
            self._pending = loaded  # a newer offer replaces one not yet taken: only the newest matters
        self.say(f"{loaded.label} (flow version {loaded.version}) is ready; it comes into force at the next "
                 "welcome screen, never during an applicant's session")
        log.info("ready: %s (%s)", loaded.label, loaded.version)

    def refuse(self, why: str) -> None:
        self.say(f"kept the last good flow: {why}")
        log.warning("kept the last good flow: %s", why)

    def switched(self, loaded: LoadedFlow) -> None:
        if self.on_switched is not None:
            self.on_switched(loaded)

    def take(self) -> LoadedFlow | None:
        with self._lock:
            loaded, self._pending = self._pending, None
        return loaded


def switch_event(kiosk: str, old: LoadedFlow | None, new: LoadedFlow, at: str) -> JournalEvent:
    """The journal's row for a switch of version: its own anonymous session of one row, so no applicant's."""
    import uuid

    detail = f"{old.version if old else '-'}>{new.version} {new.release or 'local'}"
    return JournalEvent(kiosk=kiosk, flow=new.flow.id, version=new.version, session=f"switch-{uuid.uuid4().hex[:16]}",
                        seq=0, at=at, step=new.flow.first.id, kind="version_switch", detail=detail, ms=0,
                        text_scale=1.0, speech_rate=0, display_language="", voice_language="", view="",
                        age_band="unknown", synthetic=False)


def watch_releases(client: ReleaseClient, config: KioskConfig, updates: FlowUpdates, stop: threading.Event,
                   running: str | None = None) -> None:
    """Check the origin at start and every `check_every`; offer the release in force whenever it is not the one
    the kiosk shows (a new one, or one staff rolled back to from the command line)."""
    while not stop.is_set():
        result = client.check()
        if result.outcome == "refused":
            updates.refuse(result.message)
        elif result.outcome == "offline":
            updates.say(result.message)
        current, root = client.store.current(), client.store.current_root()
        if current is not None and root is not None and current != running:
            try:
                updates.offer(load_content(config, root, f"release {current}", current))
                running = current
            except NotLoaded as exc:  # verified and linted by the client: only a theme or catalog left to fail
                updates.refuse(str(exc))
                running = current  # said once, not at every check
        stop.wait(config.release.check_every)


def watch_files(config: KioskConfig, updates: FlowUpdates, stop: threading.Event,
                ready: threading.Event | None = None) -> None:
    """At a desk (`run --watch`): every change under the flows, themes and catalogs is loaded and linted; a good
    one is offered, a bad one refused with its file:line:col."""
    from watchfiles import watch

    content = config.content()
    folders = {content.flows[0].parent, content.locales, content.root / "themes"}
    if isinstance(content.theme, Path):
        folders.add(content.theme.parent)
    watched = [str(f) for f in sorted(folders) if f.is_dir()]
    if ready is not None:
        ready.set()
    for changes in watch(*watched, stop_event=stop, debounce=300, step=50, yield_on_timeout=False):
        names = sorted({Path(p).name for _, p in changes})
        label = f"the edit of {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
        try:
            updates.offer(load_content(config, None, label))
        except NotLoaded as exc:
            updates.refuse(str(exc))


def start_thread(target: Callable[..., None], *args: Any, name: str) -> threading.Thread:
    def guarded() -> None:
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - a watcher that dies must say so, never take the kiosk with it
            log.exception("%s stopped", name)
            print(f"seniormode: {name} stopped: {type(exc).__name__}: {exc}; the kiosk goes on with what it runs",
                  flush=True)
    thread = threading.Thread(target=guarded, name=name, daemon=True)
    thread.start()
    return thread


__all__ = ["FlowUpdates", "LoadedFlow", "NotLoaded", "load_content", "start_thread", "switch_event", "watch_files",
           "watch_releases"]
