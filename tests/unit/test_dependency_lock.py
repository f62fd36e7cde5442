"""The lock file is what every install uses: it covers setup.cfg's ranges, and the tools that guard it see drift."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version
from tool_loader import tool

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


lock_check = tool("lock_check")
dependency_audit = tool("dependency_audit")


def declared() -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    for extra in config["options.extras_require"].values():
        lines += extra.splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_lock_pins_every_declared_requirement_inside_its_range() -> None:
    lock = lock_check.locked(ROOT / "requirements.lock")
    for requirement in declared():
        name = lock_check.canonical(requirement.name)
        assert name in lock, f"{requirement} is not in requirements.lock: run ./bootstrap.sh lock"
        assert Version(lock[name]) in requirement.specifier, f"{name}=={lock[name]} is outside {requirement}"


def test_every_lock_line_has_a_hash_and_the_build_lock_agrees() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for block in text.split("==")[1:]:
        assert "--hash=sha256:" in block.split("\n    # via")[0], block[:80]
    main, build = lock_check.locked(ROOT / "requirements.lock"), lock_check.locked(ROOT / "requirements-build.lock")
    assert {"pip", "setuptools", "wheel"} <= build.keys()
    assert {name: main[name] for name in build} == build


def test_drift_from_the_lock_is_named() -> None:
    lock = {"babel": "2.18.0", "pyyaml": "6.0.3", "kivy": "2.3.1"}
    have = {"babel": "2.19.0", "pyyaml": "6.0.3", "requests": "2.0", "seniormode": "0.1"}
    assert lock_check.differences(lock, have) == [
        "  babel is 2.19.0, the lock says 2.18.0", "  kivy 2.3.1 is locked but not installed",
        "  requests 2.0 is installed but not in the lock"]


def test_a_range_in_the_lock_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requirements.lock"
    path.write_text("babel>=2.14\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"requirements.lock:1:1: not an exact pin"):
        lock_check.locked(path)


SNAPSHOT = {"advisories": {"pyyaml": [
    {"id": "PYSEC-2021-142", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [
        {"introduced": "0"}, {"fixed": "5.4"}]}], "versions": []}]},
    {"id": "GHSA-open", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [
        {"introduced": "6.0"}, {"last_affected": "6.0.1"}]}], "versions": ["6.0"]}]}]}}


@pytest.mark.parametrize(("version", "found"), [
    ("5.3", [("PYSEC-2021-142", ("5.4",))]), ("5.4", []), ("6.0.1", [("GHSA-open", ())]), ("6.0.2", [])])
def test_the_advisory_snapshot_decides_by_the_ranges(version: str, found: list) -> None:
    findings = dependency_audit.ask_snapshot({"pyyaml": version}, SNAPSHOT)
    assert [(f.advisory, f.fixed_in) for f in findings] == found


def test_the_shipped_snapshot_knows_real_advisories() -> None:
    import json

    snapshot = json.loads((ROOT / "tools" / "advisories.json").read_text(encoding="utf-8"))
    findings = dependency_audit.ask_snapshot({"babel": "2.9.0", "pyyaml": "5.3", "pillow": "9.0.0"}, snapshot)
    assert {"babel", "pyyaml", "pillow"} == {f.package for f in findings}
    assert all(f.fixed_in for f in findings)


@pytest.mark.parametrize(("version", "hit"), [("0.9", False), ("1.2", True), ("1.5", False), ("2.1", True),
                                              ("2.3", False), ("3.0", False)])
def test_an_advisory_with_two_affected_stretches_covers_both(version: str, hit: bool) -> None:
    entry = {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.5"},
                                                          {"introduced": "2.0"}, {"fixed": "2.3"}]}], "versions": []}
    assert dependency_audit.affected(Version(version), version, entry)[0] is hit
