"""Signed releases over a real bare git repository: the good one comes into force; every bad one is refused with
its own message while the kiosk keeps the last good flow."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seniormode.core.kiosk_config import load_kiosk_config_or_raise
from seniormode.fleet.client import ReleaseClient
from seniormode.fleet.manifest import MANIFEST, SIGNATURE, new_key_pair
from seniormode.fleet.publish import GIT_IDENTITY, build_release, git, publish
from seniormode.fleet.reload import load_content

ROOT = Path(__file__).resolve().parents[2]
FLOW = "flows_yaml/hk_macau_renewal.yaml"


def seniormode(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "seniormode", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture()
def hall(tmp_path: Path) -> dict[str, Path]:
    checkout = tmp_path / "checkout"
    for folder in ("themes", "locales"):
        shutil.copytree(ROOT / folder, checkout / folder)
    # One flow is what these tests release: the build's gate lays out every screen of every flow in the folder
    # (about a minute a flow on this machine), and the release mechanism is the same for one as for five.
    shutil.copytree(ROOT / "flows_yaml" / "rules", checkout / "flows_yaml" / "rules")
    shutil.copy2(ROOT / FLOW, checkout / FLOW)
    origin = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", str(origin))
    signer = tmp_path / "signer"
    signer.mkdir()
    private, public = new_key_pair()
    (signer / "release.key").write_bytes(private)
    kiosk = tmp_path / "kiosk"
    (kiosk / "keys").mkdir(parents=True)
    (kiosk / "keys" / "release.pub").write_bytes(public)
    (kiosk / "kiosk.yaml").write_text(f"kiosk: hall-a-07\nflows: [{FLOW}]\ntheme: senior\n"
                                      f"release:\n  origin: {origin}\n  public_key: keys/release.pub\n",
                                      encoding="utf-8")
    return {"checkout": checkout, "origin": origin, "key": signer / "release.key", "kiosk": kiosk, "tmp": tmp_path}


def release(hall: dict[str, Path], version: str, edit: str | None = None) -> Path:
    out = hall["tmp"] / f"release-{version}"
    if edit is not None:
        flow = hall["checkout"] / FLOW
        flow.write_text(flow.read_text(encoding="utf-8").replace("欢迎办理港澳签注", edit), encoding="utf-8")
    build_release(hall["checkout"], hall["key"], out, version, check=False)
    publish(out, str(hall["origin"]), "releases")
    return out


def client(hall: dict[str, Path]) -> ReleaseClient:
    return ReleaseClient(load_kiosk_config_or_raise(hall["kiosk"] / "kiosk.yaml"))


def tamper(hall: dict[str, Path], change: object) -> None:
    """A commit on the release branch that nobody signed: what an attacker or an accident would push."""
    work = hall["tmp"] / "tamper"
    shutil.rmtree(work, ignore_errors=True)
    git("clone", "--quiet", "--branch", "releases", str(hall["origin"]), str(work))
    change(work)  # type: ignore[operator]
    git("add", "--all", cwd=work)
    git(*GIT_IDENTITY, "commit", "--quiet", "-m", "tampered", cwd=work)
    git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/releases", cwd=work)


def test_build_publish_pull_through_the_command_line(hall: dict[str, Path]) -> None:
    built = seniormode("release", "build", "--key", str(hall["key"]), "--version", "2026.1204.1",
                       "--publish", str(hall["origin"]), cwd=hall["checkout"])
    assert built.returncode == 0, built.stdout + built.stderr
    assert "release 2026.1204.1:" in built.stdout and "published on" in built.stdout
    files = git("--git-dir", str(hall["origin"]), "ls-tree", "-r", "--name-only", "releases").stdout.split()
    assert MANIFEST in files and SIGNATURE in files and FLOW in files and not any("key" in f for f in files)
    pulled = seniormode("release", "pull", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert pulled.returncode == 0 and "new: release 2026.1204.1 verified and in force" in pulled.stdout
    again = seniormode("release", "pull", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert again.stdout.startswith("same:")
    assert (hall["kiosk"] / "state" / "releases" / "CURRENT").read_text().strip() == "2026.1204.1"
    kiosk = client(hall)
    loaded = load_content(kiosk.config, kiosk.store.current_root(), "release 2026.1204.1")
    manifest = json.loads((kiosk.store.current_root() / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["flows"]["hk_macau_renewal"]["version"] == loaded.version  # what its journal rows will carry


def test_a_flow_that_fails_lint_is_never_built(hall: dict[str, Path]) -> None:
    flow = hall["checkout"] / FLOW
    flow.write_text(flow.read_text(encoding="utf-8").replace("kind: info", "kind: infoo", 1), encoding="utf-8")
    built = seniormode("release", "build", "--key", str(hall["key"]), "--out", "out", cwd=hall["checkout"])
    assert built.returncode == 1 and "do not pass 'seniormode lint --audit --strict'" in built.stdout
    assert "hk_macau_renewal.yaml:" in built.stdout and not (hall["checkout"] / "out").exists()


def test_the_private_key_never_goes_into_a_repository(hall: dict[str, Path]) -> None:
    git("init", "--quiet", str(hall["checkout"]))
    said = seniormode("release", "keygen", "--private", "keys/release.key", cwd=hall["checkout"])
    assert said.returncode == 2 and "never goes into a repository" in said.stderr
    assert not (hall["checkout"] / "keys" / "release.key").exists()


def refused(hall: dict[str, Path], says: str) -> None:
    result = client(hall).check()
    assert result.outcome == "refused" and says in result.message, result.message
    assert result.version == "2026.1204.1" and "still running 2026.1204.1" in result.message
    assert client(hall).store.current() == "2026.1204.1"
    assert (client(hall).store.current_root() / FLOW).read_text(encoding="utf-8").count("欢迎办理港澳签注") == 1


@pytest.mark.parametrize("name, change, says", [
    ("one byte changed in a flow",
     lambda w: (w / FLOW).write_bytes((w / FLOW).read_bytes().replace("欢迎".encode(), "欢欢".encode(), 1)),
     "hk_macau_renewal.yaml differs from its hash in the manifest (tampered)"),
    ("a manifest naming a missing file", lambda w: (w / "themes" / "senior.yaml").unlink(),
     "themes/senior.yaml is in the manifest but not in the release"),
    ("a file no manifest names", lambda w: (w / "flows_yaml" / "extra.yaml").write_text("flow: x\n"),
     "flows_yaml/extra.yaml is in the release but not in its manifest"),
    ("unsigned", lambda w: (w / SIGNATURE).unlink(), "is not signed"),
    ("the manifest edited", lambda w: (w / MANIFEST).write_bytes((w / MANIFEST).read_bytes().replace(
        b'"version": "2026.1204.2"', b'"version": "2026.1204.9"')), "the signature does not match"),
    ("a link to a file outside", lambda w: (w / "flows_yaml" / "evil.yaml").symlink_to("/etc/passwd"),
     "is a link or a special file: refused"),
    ("a link inside the release", lambda w: (w / "locales" / "xx").symlink_to("en"),
     "is a link or a special file: refused"),
    ("a hidden file", lambda w: (w / "locales" / ".hidden.po").write_text("x"),
     "locales/.hidden.po is in the release but not in its manifest"),
    ("a file outside the content folders", lambda w: (w / "evil" / "a.po").parent.mkdir() or
     (w / "evil" / "a.po").write_text("x"), "evil/a.po is in the release but not in its manifest"),
])
def test_a_tampered_release_is_refused_and_nothing_unsigned_reaches_the_kiosk(hall: dict[str, Path], name: str,
                                                                               change: object, says: str) -> None:
    release(hall, "2026.1204.1")
    assert client(hall).check().outcome == "new"
    release(hall, "2026.1204.2", edit="新的欢迎词")
    tamper(hall, change)
    refused(hall, says)
    assert not list((hall["kiosk"] / "state" / "releases" / "releases").glob(".incoming-*"))


def test_a_release_signed_by_another_key_is_refused(hall: dict[str, Path]) -> None:
    release(hall, "2026.1204.1")
    assert client(hall).check().outcome == "new"
    other, _ = new_key_pair()
    hall["key"].write_bytes(other)
    release(hall, "2026.1204.2", edit="别人的欢迎词")
    refused(hall, "is signed by another key")


def test_a_replayed_older_release_is_refused_unless_pinned(hall: dict[str, Path]) -> None:
    release(hall, "2026.1204.1")
    old_commit = git("--git-dir", str(hall["origin"]), "rev-parse", "releases").stdout.strip()
    release(hall, "2026.1204.2", edit="第二版")
    release(hall, "2026.1204.3", edit="第三版")
    kiosk = client(hall)
    assert kiosk.check().version == "2026.1204.3"
    git("--git-dir", str(hall["origin"]), "update-ref", "refs/heads/releases", old_commit)  # a replay
    result = client(hall).check()
    assert result.outcome == "refused" and "release 2026.1204.1 is older than 2026.1204.3" in result.message
    assert client(hall).store.current() == "2026.1204.3"
    said = seniormode("release", "pin", "2026.1204.2", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert said.returncode == 0
    assert client(hall).check().version == "2026.1204.2"  # staff chose it: the older one is taken


def test_a_signed_release_whose_flow_does_not_lint_is_refused(hall: dict[str, Path]) -> None:
    release(hall, "2026.1204.1")
    assert client(hall).check().outcome == "new"
    flow = hall["checkout"] / FLOW
    flow.write_text(flow.read_text(encoding="utf-8").replace("no_next: check", "no_next: chekc", 1),
                    encoding="utf-8")
    release(hall, "2026.1204.2")  # built without the gate, as only a careless or hostile signer would
    refused(hall, "release 2026.1204.2 does not lint: ")


def test_offline_the_kiosk_runs_what_it_has_and_rollback_pins_the_previous(hall: dict[str, Path]) -> None:
    release(hall, "2026.1204.1")
    assert client(hall).check().outcome == "new"
    release(hall, "2026.1204.2", edit="第二版")
    assert client(hall).check().version == "2026.1204.2"
    hall["origin"].rename(hall["tmp"] / "gone.git")  # the network is down
    result = client(hall).check()
    assert result.outcome == "offline" and result.version == "2026.1204.2" and "running 2026.1204.2" in result.message
    status = seniormode("release", "status", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert "release 2026.1204.2" in status.stdout and "last refusal or error" in status.stdout
    back = seniormode("release", "rollback", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert back.returncode == 0 and "release 2026.1204.1 is in force again" in back.stdout
    (hall["tmp"] / "gone.git").rename(hall["origin"])
    assert client(hall).check().version == "2026.1204.1"  # pinned: the newer release waits
    seniormode("release", "unpin", "--config", "kiosk.yaml", cwd=hall["kiosk"])
    assert client(hall).check().version == "2026.1204.2"


def test_an_origin_that_looks_like_an_option_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.yaml"
    path.write_text("kiosk: k\nflows: [f.yaml]\nrelease:\n  origin: '--upload-pack=touch /tmp/x; true #://'\n"
                    "  public_key: k.pub\n", encoding="utf-8")
    said = seniormode("release", "pull", "--config", str(path), cwd=tmp_path)
    assert said.returncode == 2 and "is not a git remote" in said.stdout + said.stderr


def test_a_second_rollback_goes_further_back_and_nothing_below_the_newest_seen_is_taken(hall) -> None:
    for n in (1, 2, 3):
        release(hall, f"2026.1204.{n}", edit=f"第{n}版")
        assert client(hall).check().version == f"2026.1204.{n}"
    kiosk = client(hall)
    assert kiosk.rollback() == "2026.1204.2" and kiosk.rollback() == "2026.1204.1"
    kiosk.store.set_pin(None)
    old_commit = git("--git-dir", str(hall["origin"]), "rev-parse", "release-2026.1204.2^{commit}").stdout.strip()
    git("--git-dir", str(hall["origin"]), "update-ref", "refs/heads/releases", old_commit)
    result = client(hall).check()  # newer than what runs (1), older than the newest it has run (3): a replay
    assert result.outcome == "refused" and "older than 2026.1204.3" in result.message


def test_a_private_key_in_the_checkout_is_never_released(hall: dict[str, Path]) -> None:
    (hall["checkout"] / "themes" / "backup.pem").write_bytes(hall["key"].read_bytes())
    built = seniormode("release", "build", "--key", str(hall["key"]), "--out", "out", cwd=hall["checkout"])
    assert built.returncode == 1 and "themes/backup.pem holds a private key" in built.stdout
