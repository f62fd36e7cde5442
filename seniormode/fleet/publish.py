"""Making a release (only of a flows folder that passes `seniormode lint --audit --strict`), and publishing it
on a git remote's release branch with a tag, for kiosks to pull.

git does the carrying: a release is a commit on the branch (default `releases`) whose tree is the release
(release.json, release.sig and the content folders), tagged `release-VERSION`.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from ..core.loader import load_flow
from ..journal.version import flow_version
from .manifest import (
    CONTENT,
    MANIFEST,
    SIGNATURE,
    Manifest,
    ReleaseError,
    content_files,
    holds_private_key,
    key_id,
    load_private_key,
    sha256_file,
    sign,
    version_key,
)

GIT_IDENTITY = ("-c", "user.name=seniormode release", "-c", "user.email=release@seniormode.invalid")


def git(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """git with no prompt (a kiosk has nobody to type a password) and its words kept for our message."""
    done = _run_git(args, cwd, text=True)
    if check and done.returncode != 0:
        _refuse(args, done.returncode, done.stderr.strip() or done.stdout.strip())
    return done


def git_bytes(*args: str, cwd: Path | None = None) -> bytes:
    """What git writes, as bytes (`git archive`); ReleaseError in words when it fails."""
    done = _run_git(args, cwd, text=False)
    if done.returncode != 0:
        _refuse(args, done.returncode, done.stderr.decode("utf-8", "replace").strip())
    return bytes(done.stdout)


def _run_git(args: tuple[str, ...], cwd: Path | None, text: bool) -> subprocess.CompletedProcess[Any]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=text, env=env, check=False)


def _refuse(args: tuple[str, ...], code: int, said: str) -> NoReturn:
    """The failed git subcommand named (not an option before it, such as --git-dir DIR) and git's last line."""
    words = list(args)
    while words and words[0] in ("--git-dir", "-c") and len(words) > 1:
        words = words[2:]
    lines = said.splitlines()
    raise ReleaseError(f"git {words[0] if words else 'command'} failed: {lines[-1] if lines else 'exit ' + str(code)}")


def inside_git_work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding `path` (a file or folder, existing or not), or None."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists():
        folder = folder.parent
    done = git("rev-parse", "--show-toplevel", cwd=folder, check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def lint_gate(root: Path) -> None:
    """`seniormode lint --audit --strict` of the content folders, run where they are (themes and catalogs are
    looked up from there); any error or warning refuses the release, with lint's own lines."""
    folders = [f for f in CONTENT if (root / f).is_dir()]
    if "flows_yaml" not in folders:
        raise ReleaseError(f"{root} has no flows_yaml/ folder: nothing to release")
    done = subprocess.run([sys.executable, "-m", "seniormode", "lint", "--audit", "--strict", *folders], cwd=root,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise ReleaseError("the flows do not pass 'seniormode lint --audit --strict', so no release was made:\n  "
                           + "\n  ".join(lines[-12:]))


def flow_versions(root: Path) -> dict[str, dict[str, str]]:
    """flow id -> its file and the version its journals will carry (journal/version.py)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((root / "flows_yaml").glob("*.yaml")):
        flow, _ = load_flow(path)
        if flow is None:
            continue
        theme = root / "themes" / f"{flow.settings.get('theme', 'senior')}.yaml"
        out[flow.id] = {"file": str(path.relative_to(root)),
                        "version": flow_version(flow, theme if theme.is_file() else None, root / "locales")}
    return out


def default_version(now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return f"{now:%Y}.{now:%m%d}.{now:%H%M%S}"


def build_release(root: Path, key_path: Path, out: Path, version: str | None = None, *, check: bool = True) -> Manifest:
    """Copy `root`'s content folders into `out` (a new folder), with the signed manifest. `check` runs the lint
    gate first (only tests of refusals turn it off, to make a release that must be refused)."""
    root = root.resolve()
    version = version or default_version()
    version_key(version)
    key_path = key_path.resolve()
    for folder in CONTENT:
        if (root / folder).resolve() in key_path.parents:
            raise ReleaseError(f"the signing key {key_path} is inside {folder}/, which a release carries: "
                               "move it out (keys never go into a release or a repository)")
    private = load_private_key(key_path)
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty")
    files: dict[str, str] = {}
    for rel in content_files(root):
        source = root / rel
        if source.is_symlink():
            raise ReleaseError(f"{rel} is a link: a release holds plain files only (copy the file in)")
        if holds_private_key(source):
            raise ReleaseError(f"{rel} holds a private key: it must never go into a release; move it out")
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        files[str(rel)] = sha256_file(target)
    if check:
        try:
            lint_gate(out)  # the copy is what gets signed: an edit saved meanwhile is not in it unlinted
        except ReleaseError:
            shutil.rmtree(out, ignore_errors=True)
            raise
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = Manifest(version, created, files, flow_versions(out), key_id(private.public_key()))
    data = manifest.to_bytes()
    (out / MANIFEST).write_bytes(data)
    (out / SIGNATURE).write_bytes(sign(data, private))
    return manifest


def published_versions(origin: str, branch: str) -> list[str]:
    """The release versions tagged on `origin`, oldest first."""
    done = git("ls-remote", "--tags", "--", origin, "refs/tags/release-*")
    versions = []
    for line in done.stdout.splitlines():
        ref = line.split("\t")[-1]
        if ref.endswith("^{}"):
            continue
        name = ref.removeprefix("refs/tags/release-")
        try:
            version_key(name)
        except ReleaseError:
            continue
        versions.append(name)
    return sorted(versions, key=version_key)


def publish(release: Path, origin: str, branch: str = "releases") -> str:
    """Commit the release folder as the tip of `branch` on `origin`, tagged release-VERSION; the commit id."""
    if origin.startswith("-"):
        raise ReleaseError(f"'{origin}' is not a git remote")
    manifest = Manifest.from_bytes((release / MANIFEST).read_bytes(), str(release / MANIFEST))
    known = published_versions(origin, branch)
    if known and version_key(known[-1]) >= version_key(manifest.version):
        raise ReleaseError(f"{origin} already has release {known[-1]}; release {manifest.version} is not newer "
                           "(kiosks would refuse it as a rollback): build it with a newer --version")
    with tempfile.TemporaryDirectory(prefix="seniormode-publish-") as tmp:
        work = Path(tmp) / "work"
        has_branch = git("ls-remote", "--heads", "--", origin, branch).stdout.strip() != ""
        if has_branch:
            git("clone", "--quiet", "--branch", branch, "--single-branch", "--", origin, str(work))
        else:
            git("init", "--quiet", str(work))
            git("checkout", "--quiet", "--orphan", branch, cwd=work)
            git("remote", "add", "origin", origin, cwd=work)
        for child in work.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(release, work, dirs_exist_ok=True)
        git("add", "--all", cwd=work)
        git(*GIT_IDENTITY, "commit", "--quiet", "--allow-empty", "-m", f"release {manifest.version}", cwd=work)
        git(*GIT_IDENTITY, "tag", "-a", f"release-{manifest.version}", "-m", f"release {manifest.version}", cwd=work)
        git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", f"refs/tags/release-{manifest.version}",
            cwd=work)
        return git("rev-parse", "HEAD", cwd=work).stdout.strip()


__all__ = ["build_release", "default_version", "git", "git_bytes", "inside_git_work_tree", "lint_gate", "publish",
           "published_versions"]
