"""`seniormode release keygen | build | pull | status | rollback | pin | unpin`: signed flow releases over git."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from .common import UsageProblem, add_command
from .kiosk_setup import add_config_option, kiosk_config


def _default_private() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "seniormode" / "release.key"


def cmd_keygen(args: argparse.Namespace) -> int:
    from ..fleet.manifest import key_id, load_public_key, new_key_pair
    from ..fleet.publish import inside_git_work_tree

    private, public = Path(args.private).expanduser(), Path(args.public)
    repo = inside_git_work_tree(private.resolve())
    if repo is not None:
        raise UsageProblem(f"{private} is inside the git repository {repo}: a private key never goes into a "
                           f"repository. Keep it on the signer's machine, e.g. --private {_default_private()}")
    if private.exists():
        raise UsageProblem(f"{private} exists: a key is never overwritten (releases it signed would be refused); "
                           "move it away first if you really mean to replace it")
    private_pem, public_pem = new_key_pair()
    private.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # readable by its owner only, from birth
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_pem)
    public.parent.mkdir(parents=True, exist_ok=True)
    public.write_bytes(public_pem)
    print(f"private key {private} (mode 600; keep it off kiosks and out of every repository)")
    print(f"public key  {public} (key id {key_id(load_public_key(public))}; every kiosk's release.public_key)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from ..fleet.manifest import ReleaseError
    from ..fleet.publish import build_release, publish

    root = Path(args.root).resolve()
    if not args.out and not args.publish:
        raise UsageProblem("say where the release goes: --out DIR, or --publish GIT_REMOTE (or both)")
    try:
        if args.out:
            out = Path(args.out)
            manifest = build_release(root, Path(args.key).expanduser(), out, args.version)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="seniormode-release-")
            out = Path(tmp.name) / "release"
            manifest = build_release(root, Path(args.key).expanduser(), out, args.version)
        flows = ", ".join(f"{k} {v['version']}" for k, v in sorted(manifest.flows.items()))
        print(f"release {manifest.version}: {len(manifest.files)} files, signed by key {manifest.key_id}; "
              f"flows: {flows}")
        if args.out:
            print(f"written to {out}")
        if args.publish:
            commit = publish(out, args.publish, args.branch)
            print(f"published on {args.publish} branch {args.branch} as tag release-{manifest.version} "
                  f"(commit {commit[:12]})")
    except ReleaseError as exc:
        print(f"seniormode release: {exc}")
        return 1
    return 0


def _client(args: argparse.Namespace) -> Any:
    from ..fleet.client import ReleaseClient
    from ..fleet.manifest import ReleaseError

    if not args.config:
        raise UsageProblem("which kiosk? give its configuration: --config kiosk.yaml (with a release: section)")
    config = kiosk_config(args)
    try:
        return ReleaseClient(config)
    except ReleaseError as exc:
        raise UsageProblem(str(exc)) from None


def cmd_pull(args: argparse.Namespace) -> int:
    result = _client(args).check()
    print(f"{result.outcome}: {result.message}")
    return 0 if result.outcome in ("new", "same", "none") else 1


def cmd_status(args: argparse.Namespace) -> int:
    client = _client(args)
    store = client.store
    status = store.status()
    on_disk = sorted(p.name for p in store.releases.glob("*") if p.is_dir() and not p.name.startswith(".")) \
        if store.releases.is_dir() else []
    print(f"kiosk {client.config.kiosk_id}: release {store.current() or 'none (its own folder)'}"
          f"{'; pinned at ' + client.pinned() if client.pinned() else ''}")
    print(f"origin {client.release.origin} branch {client.release.branch}; on disk: {', '.join(on_disk) or '-'}")
    last = status.get("last")
    if isinstance(last, dict):
        print(f"last check {status.get('checked')}: {last.get('outcome')}: {last.get('message')}")
    error = status.get("last_error")
    if isinstance(error, dict):
        print(f"last refusal or error {error.get('at')}: {error.get('message')}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from ..fleet.manifest import ReleaseError

    client = _client(args)
    was = client.store.current()
    try:
        version = client.rollback()
    except ReleaseError as exc:
        raise UsageProblem(str(exc)) from None
    print(f"release {version} is in force again (was {was}), and pinned: newer releases wait until "
          "'seniormode release unpin'. A running kiosk switches at its next welcome screen.")
    return 0


def cmd_pin(args: argparse.Namespace) -> int:
    from ..fleet.manifest import ReleaseError, version_key

    client = _client(args)
    try:
        version_key(args.version)
    except ReleaseError as exc:
        raise UsageProblem(str(exc)) from None
    client.store.set_pin(args.version)
    print(f"pinned at release {args.version}: the next check takes it (even if older) and no other")
    return 0


def cmd_unpin(args: argparse.Namespace) -> int:
    client = _client(args)
    client.store.set_pin(None)
    kept = f"; kiosk.yaml still pins {client.release.pin}" if client.release.pin else ""
    print(f"no pin: the next check takes the newest release{kept}")
    return 0


def add_parsers(sub: Any) -> None:
    release = add_command(sub, "release", "signed flow releases: make keys, build and publish, pull on a kiosk",
                          "seniormode release build --key ~/.config/seniormode/release.key "
                          "--publish /srv/git/flows.git")
    rsub = release.add_subparsers(dest="release_command", required=True)

    p = add_command(rsub, "keygen", "make the Ed25519 key pair that signs releases (private key outside any "
                    "repository; kiosks get the public key)", "seniormode release keygen --public keys/release.pub")
    p.add_argument("--private", default=str(_default_private()), metavar="FILE",
                   help=f"where the private key goes (default {_default_private()}); never inside a repository")
    p.add_argument("--public", default="release.pub", metavar="FILE",
                   help="where the public key goes (default release.pub in this folder)")
    p.set_defaults(func=cmd_keygen)

    p = add_command(rsub, "build", "make a signed release of a flows checkout, only when 'seniormode lint --audit "
                    "--strict' passes; --publish puts it on a git remote",
                    "seniormode release build --key ~/.config/seniormode/release.key --out out/release")
    p.add_argument("root", nargs="?", default=".", help="the checkout with flows_yaml/, themes/, locales/ (default .)")
    p.add_argument("--key", default=str(_default_private()), metavar="FILE", help="the private signing key")
    p.add_argument("--version", help="the release version, numbers and dots (default: the UTC date and time, "
                   "e.g. 2026.1204.093012); each must be newer than the last")
    p.add_argument("--out", metavar="DIR", help="write the release into DIR (a new or empty folder)")
    p.add_argument("--publish", metavar="GIT_REMOTE", help="commit it on the remote's release branch, tagged")
    p.add_argument("--branch", default="releases", help="the release branch (default releases)")
    p.set_defaults(func=cmd_build)

    for name, words, func, example in (
            ("pull", "look for a release now: fetch, verify, bring it into force (kiosk.yaml's release:)", cmd_pull,
             "seniormode release pull --config kiosk.yaml"),
            ("status", "the release in force, the pin, the last check and the last refusal", cmd_status,
             "seniormode release status --config kiosk.yaml"),
            ("rollback", "back to the release in force before this one, and pin it there", cmd_rollback,
             "seniormode release rollback --config kiosk.yaml"),
            ("unpin", "take the newest release again at the next check", cmd_unpin,
             "seniormode release unpin --config kiosk.yaml")):
        p = add_command(rsub, name, words, example)
        add_config_option(p)
        p.set_defaults(func=func, flow=None)
    p = add_command(rsub, "pin", "run this release (even an older one) and take no other until unpinned",
                    "seniormode release pin 2026.1203.101500 --config kiosk.yaml")
    p.add_argument("version", help="the release version, e.g. 2026.1203.101500")
    add_config_option(p)
    p.set_defaults(func=cmd_pin, flow=None)
