"""What `seniormode run` starts beside the window: the release client (kiosk.yaml `release:`) and, at a desk, the
file watcher (`--watch`); both hand new flows to the kiosk through one FlowUpdates, and the journal records each
switch of version."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.flow import Flow
from ..core.kiosk_config import KioskConfig
from .common import UsageProblem


@dataclass(frozen=True)
class InForce:
    version: str
    root: Path


def current_release(config: KioskConfig) -> InForce | None:
    """The verified release this kiosk runs from; with none yet, one check of the origin first (a new kiosk)."""
    from ..fleet.client import ReleaseClient
    from ..fleet.manifest import ReleaseError

    try:
        client = ReleaseClient(config)
    except ReleaseError as exc:
        raise UsageProblem(str(exc)) from None
    damaged = client.verify_current()
    if damaged is not None:
        print(f"seniormode: release: {damaged}; fetching it again", flush=True)
    if client.store.current_root() is None:
        result = client.check()
        print(f"seniormode: release: {result.message}", flush=True)
    root, version = client.store.current_root(), client.store.current()
    if root is None or version is None:
        if all(f.is_file() for f in config.content().flows):
            print("seniormode: no verified release yet: running the kiosk's own flows until one comes", flush=True)
            return None
        raise UsageProblem(f"no verified release yet from {config.release.origin}, and no flows of its own in "
                           f"{config.folder}: the kiosk cannot open (see 'seniormode release status')")
    print(f"seniormode: running release {version}", flush=True)
    return InForce(version, root)


def start_updates(args: argparse.Namespace, config: KioskConfig, writer: Any, release: InForce | None, flow: Flow,
                  theme: Any, locales: Path, version: str) \
        -> tuple[Any, Callable[[Any], Any] | None, threading.Event]:
    """(updates, on_switch, stop): nothing to start gives (None, None, an event to set)."""
    stop = threading.Event()
    if not config.release.origin and not getattr(args, "watch", False):
        return None, None, stop
    from ..fleet.client import ReleaseClient
    from ..fleet.reload import FlowUpdates, LoadedFlow, start_thread, switch_event, watch_files, watch_releases
    from ..journal.record import utc_now
    from ..journal.recorder import recorders
    from ..journal.version import flow_version

    updates = FlowUpdates()
    label = f"release {release.version}" if release else "the kiosk's own flows"
    running = [LoadedFlow(flow, theme, locales, version or flow_version(flow, getattr(theme, "file", None), locales),
                          label, release.version if release else None)]

    def on_switch(loaded: LoadedFlow) -> Any:
        """The journal's recorders for the new version (before the new welcome screen is shown)."""
        return recorders(writer.write, kiosk=config.kiosk_id, version=loaded.version) if writer else None

    def on_switched(loaded: LoadedFlow) -> None:
        """Once the new flow is on the screen: said, and recorded."""
        old, running[0] = running[0], loaded
        updates.say(f"now running {loaded.label} (flow version {loaded.version}; was {old.version})")
        if writer is not None:
            writer.write(switch_event(config.kiosk_id, old, loaded, utc_now()))

    if config.release.origin:
        protect = {release.version} if release else set()  # the voice reads recordings from where it started
        start_thread(watch_releases, ReleaseClient(config, protect), config, updates, stop,
                     release.version if release else None, name="release client")
    if getattr(args, "watch", False):
        if config.release.origin:
            raise UsageProblem("--watch is for a desk's own files; this kiosk takes its flows from releases")
        start_thread(watch_files, config, updates, stop, name="flow watcher")
        print(f"seniormode: watching {config.content().flows[0].parent} and the catalogs for edits", flush=True)
    updates.on_switched = on_switched
    return updates, on_switch, stop


__all__ = ["InForce", "current_release", "start_updates"]
