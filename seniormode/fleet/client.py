"""The kiosk's side of releases: fetch from the git remote, verify the signature and every hash, refuse what is
unsigned, tampered, signed by another key, older than what runs (unless staff pinned it) or does not lint, and
keep what runs. Offline, the kiosk runs what it has for as long as it must.

The store (kiosk.yaml `release.store`):
    mirror.git/          a bare mirror of the release branch and tags
    releases/VERSION/    verified releases (the newest few)
    CURRENT              the version in force (one line); absent: none yet, the kiosk runs its own folder
    PIN                  a version staff chose (`seniormode release rollback` / `release pin`)
    HISTORY              versions in the order they came into force
    STATUS.json          the last check: when, what it found, the last refusal or error
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import shutil
import tarfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.flow import Flow
from ..core.kiosk_config import KioskConfig, KioskContent
from ..core.problems import Problems
from ..lint.files import LintOptions, lint_flow
from .manifest import Manifest, ReleaseError, load_public_key, verify, version_key
from .publish import git, git_bytes

log = logging.getLogger("seniormode.release")
KEEP = 5  # verified releases kept on disk: enough to roll back a few times, never a disk filled by a year


@dataclass
class CheckResult:
    outcome: str  # new | same | refused | offline | none
    version: str | None  # what runs after the check
    message: str
    offered: str | None = None  # the release the origin offered


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ReleaseStore:
    """The verified releases on this kiosk and which one is in force; plain files, each replaced atomically."""

    def __init__(self, store: Path):
        self.root = store
        self.releases = store / "releases"

    def _read(self, name: str) -> str | None:
        try:
            text = (self.root / name).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return text or None

    def current(self) -> str | None:
        return self._read("CURRENT")

    def pin(self) -> str | None:
        return self._read("PIN")

    def history(self) -> list[str]:
        return (self._read("HISTORY") or "").split()

    def path_of(self, version: str) -> Path:
        return self.releases / version

    def current_root(self) -> Path | None:
        version = self.current()
        return self.path_of(version) if version and self.path_of(version).is_dir() else None

    def status(self) -> dict[str, object]:
        try:
            data = json.loads((self.root / "STATUS.json").read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def set_status(self, result: CheckResult) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {**self.status(), "checked": _now(), "last": asdict(result)}
        if result.outcome in ("refused", "offline"):
            data["last_error"] = {"at": _now(), "message": result.message}
        _write_atomic(self.root / "STATUS.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def set_pin(self, version: str | None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if version is None:
            (self.root / "PIN").unlink(missing_ok=True)
        else:
            _write_atomic(self.root / "PIN", version + "\n")

    def make_current(self, version: str, protect: set[str] | frozenset[str] = frozenset()) -> None:
        """A newly installed release in force: added to the end of HISTORY; the oldest on disk pruned, never one
        in `protect` (what the running kiosk and its voice still read)."""
        _write_atomic(self.root / "CURRENT", version + "\n")
        history = [v for v in self.history() if v != version] + [version]
        _write_atomic(self.root / "HISTORY", "\n".join(history[-50:]) + "\n")
        self._prune(keep={version, *history[-KEEP:], *protect})

    def go_back_to(self, version: str) -> None:
        """A release already installed in force again (rollback): HISTORY keeps its order, so a second rollback
        goes further back, not forward."""
        _write_atomic(self.root / "CURRENT", version + "\n")

    def high_water(self) -> str | None:
        """The newest release this kiosk has ever had in force: nothing older is taken unless staff pin it."""
        known = []
        for version in self.history():
            try:
                known.append((version_key(version), version))
            except ReleaseError:
                continue
        return max(known)[1] if known else None

    def _prune(self, keep: set[str]) -> None:
        if not self.releases.is_dir():
            return
        for child in self.releases.iterdir():
            if child.is_dir() and child.name not in keep and not child.name.startswith("."):
                shutil.rmtree(child, ignore_errors=True)

    def previous(self) -> str | None:
        """The release in force before the current one, still on disk."""
        history, current = self.history(), self.current()
        before = history[:history.index(current)] if current in history else history
        for version in reversed(before):
            if self.path_of(version).is_dir():
                return version
        return None


class ReleaseClient:
    """Checks the origin for a release and brings a verified one into the store; never touches what runs if not."""

    def __init__(self, config: KioskConfig, protect: set[str] | None = None):
        if config.release.origin is None or config.release.public_key is None:
            raise ReleaseError(f"{config.file or 'the kiosk'} names no release origin and key (release: in kiosk.yaml)")
        self.config = config
        self.release = config.release
        self.store = ReleaseStore(config.release.store)
        self.mirror = self.store.root / "mirror.git"
        self.protect = protect or set()  # releases the running kiosk reads: never pruned

    def pinned(self) -> str | None:
        return self.store.pin() or self.release.pin

    def check(self) -> CheckResult:
        """Fetch, verify, install: one outcome, also kept in STATUS.json and logged as one line."""
        result = self._check()
        self.store.set_status(result)
        (log.warning if result.outcome in ("refused", "offline") else log.info)("release: %s", result.message)
        return result

    def _check(self) -> CheckResult:
        current = self.store.current()
        if current is not None and not self.store.path_of(current).is_dir():
            current = None  # its folder is gone: install it again from the origin
        running = current or "the own flows"
        try:
            public = load_public_key(self.release.public_key)  # type: ignore[arg-type]
        except ReleaseError as exc:
            return CheckResult("refused", current, str(exc))
        pin = self.pinned()
        try:
            found = self._fetch(pin)
        except ReleaseError as exc:
            return CheckResult("offline", current, f"cannot reach {self.release.origin} ({exc}); running {running}")
        if found is None:
            where = f"tag release-{pin} (pinned)" if pin else f"branch {self.release.branch}"
            return CheckResult("none" if not pin else "refused", current,
                               f"{self.release.origin} has no {where} yet; running {running}")
        commit = found
        incoming = self.store.releases / f".incoming-{commit[:12]}"
        shutil.rmtree(incoming, ignore_errors=True)
        try:
            self._extract(commit, incoming)
            where = f"the release at {commit[:12]} of {self.release.origin}"
            manifest = verify(incoming, public, where)
            verdict = self._judge(manifest, current, pin)
            if verdict is not None:
                shutil.rmtree(incoming, ignore_errors=True)
                return verdict
            self._lint(incoming, manifest)
            target = self.store.path_of(manifest.version)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(incoming, target)
        except (ReleaseError, tarfile.TarError, OSError) as exc:
            shutil.rmtree(incoming, ignore_errors=True)
            why = str(exc) if isinstance(exc, ReleaseError) else f"it cannot be unpacked ({type(exc).__name__}: {exc})"
            return CheckResult("refused", current, f"{why}; still running {running}")
        self.store.make_current(manifest.version, self.protect)
        how = " (pinned by staff)" if pin else ""
        return CheckResult("new", manifest.version, f"release {manifest.version} verified and in force{how} "
                           f"(was {running})", manifest.version)

    def _judge(self, manifest: Manifest, current: str | None, pin: str | None) -> CheckResult | None:
        if pin is not None and manifest.version != pin:
            raise ReleaseError(f"the tag release-{pin} holds release {manifest.version}")
        if current is not None and manifest.version == current:
            return CheckResult("same", current, f"release {current} is the newest; nothing to do", current)
        newest = self.store.high_water()
        if newest is not None and pin is None and version_key(manifest.version) < version_key(newest):
            raise ReleaseError(f"release {manifest.version} is older than {newest}, which this kiosk has run (a "
                               "replayed or rolled-back release): refused; staff can pin it with "
                               "'seniormode release pin'")
        return None

    def _lint(self, root: Path, manifest: Manifest) -> None:
        """The kiosk's own flows as this release has them must load and lint (errors only): a signed release made
        without the gate is still refused here."""
        content = self.config.content(root)
        for flow_path in content.flows:
            if not flow_path.is_file():
                raise ReleaseError(f"release {manifest.version} has no {flow_path.relative_to(root)}, which this "
                                   "kiosk runs")
            _, problems = lint_kiosk_flow(content, flow_path)
            if problems.has_errors:
                first = problems.errors[0]
                raise ReleaseError(f"release {manifest.version} does not lint: {first.format()}"
                                   + (f" (+{len(problems.errors) - 1} more)" if len(problems.errors) > 1 else ""))

    def _fetch(self, pin: str | None) -> str | None:
        """Bring the branch (or the pinned tag) into the mirror; the commit to look at, None when the origin has
        no such branch or tag. ReleaseError when the origin cannot be reached."""
        origin, branch = self.release.origin or "", self.release.branch
        if origin.startswith("-"):
            raise ReleaseError(f"'{origin}' is not a git remote")
        if not (self.mirror / "HEAD").is_file():
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            git("init", "--quiet", "--bare", str(self.mirror))
        ref = f"refs/tags/release-{pin}" if pin else f"refs/heads/{branch}"
        listed = git("ls-remote", "--", origin, ref).stdout.split()  # fails only when the origin is unreachable
        if ref not in listed:
            return None
        git("--git-dir", str(self.mirror), "fetch", "--quiet", "--force", "--no-tags", "--", origin, f"+{ref}:{ref}")
        found = git("--git-dir", str(self.mirror), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
                    check=False)
        return found.stdout.strip() if found.returncode == 0 else None

    def _extract(self, commit: str, into: Path) -> None:
        """Unpack the release commit: regular files and folders only. A link, a device or a name leaving the
        folder refuses the whole release (a link could reach files no signature covers)."""
        data = git_bytes("--git-dir", str(self.mirror), "archive", "--format=tar", commit)
        into.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            members = tar.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()):
                    raise ReleaseError(f"{member.name} in the release is a link or a special file: refused")
            tar.extractall(into, members=members, filter="data")

    def verify_current(self) -> str | None:
        """At start: the release in force is checked again (a file changed on this disk since); a bad one is
        set aside so the next check installs it afresh. The problem in words, or None when it is sound."""
        current, root = self.store.current(), self.store.current_root()
        if current is None or root is None:
            return None
        try:
            verify(root, load_public_key(self.release.public_key), f"release {current} on this kiosk")  # type: ignore[arg-type]
        except ReleaseError as exc:
            shutil.rmtree(root, ignore_errors=True)
            return str(exc)
        return None

    def rollback(self) -> str:
        """Back to the release in force before this one, pinned there so the next check keeps it."""
        previous = self.store.previous()
        if previous is None:
            raise ReleaseError("there is no earlier release on this kiosk to go back to")
        self.store.set_pin(previous)  # first: a stop between the two never leaves an unpinned older release
        self.store.go_back_to(previous)
        return previous


def lint_kiosk_flow(content: KioskContent, path: Path, fonts: bool = True) -> tuple[Flow | None, Problems]:
    """Lint one flow with the theme and catalogs the kiosk will show it with: those of `content`'s root."""
    theme = str(content.theme) if content.theme is not None else None
    return lint_flow(path, LintOptions(theme=theme, theme_root=content.root, locales=content.locales, fonts=fonts))


__all__ = ["CheckResult", "ReleaseClient", "ReleaseStore", "lint_kiosk_flow"]
