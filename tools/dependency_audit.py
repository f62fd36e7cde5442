"""Audit the locked dependencies: exit 1 on a known vulnerability that has a fixed release.

    .venv/bin/python tools/dependency_audit.py requirements.lock requirements-build.lock
    .venv/bin/python tools/dependency_audit.py --refresh-snapshot DIR   # DIR: a checkout of pypa/advisory-database

pip-audit asks PyPI's vulnerability service first. Where that service cannot be reached (a closed network that
serves only the package index), the same question goes to `tools/advisories.json`: the PyPA advisory database's
entries for the packages we lock, with the date of the snapshot printed, since a snapshot only knows what was
published before it. A vulnerability with no fix yet is a warning (nothing to upgrade to); a package neither
source could audit is named. An audit with no source at all fails: a gate that did not look must not pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).with_name("advisories.json")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    fixed_in: tuple[str, ...]

    def __str__(self) -> str:
        fix = f"fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "no fixed release yet"
        return f"{self.package} {self.version}: {self.advisory}, {fix}"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(locks: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for lock in locks:
        for line in Path(lock).read_text(encoding="utf-8").splitlines():
            match = PIN.match(line)
            if match:
                found[canonical(match.group(1))] = match.group(2)
    return found


def ask_pypi(locks: list[str]) -> tuple[list[Finding], set[str]]:
    """pip-audit against PyPI's service: the findings, and the packages it could not audit."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--require-hashes", "--progress-spinner",
                   "off", "--format", "json", "--output", str(out)]
        for lock in locks:
            command += ["--requirement", lock]
        proc = subprocess.run(command, capture_output=True, text=True)
        if not out.is_file() or not out.stat().st_size:
            print(f"dependency audit: pip-audit did not run (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
            return [], set(pins(locks))
        report = json.loads(out.read_text(encoding="utf-8"))
    findings, skipped = [], set()
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.add(canonical(dep["name"]))
        for vuln in dep.get("vulns", []):
            findings.append(Finding(canonical(dep["name"]), dep["version"], vuln["id"],
                                    tuple(vuln.get("fix_versions") or ())))
    return findings, skipped


def affected(version: Version, raw: str, entry: dict) -> tuple[bool, tuple[str, ...]]:
    """Whether one OSV `affected` entry covers the version, and the releases that fix it."""
    fixed = tuple(e["fixed"] for r in entry.get("ranges", []) for e in r.get("events", []) if "fixed" in e)
    if raw in entry.get("versions", []):
        return True, fixed
    for span in entry.get("ranges", []):
        if span.get("type") != "ECOSYSTEM":
            continue
        events = []
        for event in span.get("events", []):
            kind, at = next(iter(event.items()))
            try:
                events.append((Version("0") if at == "0" else Version(at), kind))
            except InvalidVersion:
                continue
        inside = False
        # In version order, each event at or below this version opens or closes a stretch of affected releases.
        for at, kind in sorted(events, key=lambda e: (e[0], e[1] != "introduced")):
            if at > version:
                break
            if kind == "introduced":
                inside = True
            elif kind == "fixed":
                inside = False
            elif kind == "last_affected" and version > at:
                inside = False
        if inside:
            return True, fixed
    return False, fixed


def ask_snapshot(wanted: dict[str, str], snapshot: dict) -> list[Finding]:
    findings = []
    for name, raw in sorted(wanted.items()):
        try:
            version = Version(raw)
        except InvalidVersion:
            continue
        for advisory in snapshot["advisories"].get(name, []):
            for entry in advisory["affected"]:
                hit, fixed = affected(version, raw, entry)
                if hit:
                    findings.append(Finding(name, raw, advisory["id"], fixed))
                    break
    return findings


def refresh_snapshot(database: Path, locks: list[str]) -> int:
    """Copy the advisories of every locked package (any version) out of a pypa/advisory-database checkout."""
    import yaml

    wanted = pins(locks)
    advisories: dict[str, list[dict]] = {}
    for path in sorted((database / "vulns").glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in doc.get("affected", []):
            name = canonical(entry.get("package", {}).get("name", ""))
            if name in wanted and not doc.get("withdrawn"):
                kept = {"ranges": entry.get("ranges", []), "versions": [str(v) for v in entry.get("versions", [])]}
                advisories.setdefault(name, []).append({"id": doc["id"], "affected": [kept]})
    commit = subprocess.run(["git", "-C", str(database), "log", "-1", "--format=%H %cs"], capture_output=True,
                            text=True).stdout.split() or ["unknown", "unknown"]
    out = {"source": "https://github.com/pypa/advisory-database", "commit": commit[0], "date": commit[-1],
           "advisories": advisories}
    SNAPSHOT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"dependency audit: {SNAPSHOT} has {sum(map(len, advisories.values()))} advisories "
          f"for {len(advisories)} of {len(wanted)} locked packages")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "--refresh-snapshot":
        return refresh_snapshot(Path(argv[2]), argv[3:] or ["requirements.lock", "requirements-build.lock"])
    locks = argv[1:] or ["requirements.lock"]
    wanted = pins(locks)
    findings, skipped = ask_pypi(locks)
    source = "PyPI"
    if skipped:
        snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.is_file() else None
        if snapshot is None:
            print(f"dependency audit: error: PyPI could not audit {len(skipped)} packages and there is no {SNAPSHOT}")
            return 1
        findings += ask_snapshot({n: v for n, v in wanted.items() if n in skipped}, snapshot)
        source = (f"PyPI for {len(wanted) - len(skipped)}, the PyPA advisory snapshot of {snapshot['date']} "
                  f"(commit {snapshot['commit'][:12]}) for {len(skipped)}")
    fixable = [f for f in findings if f.fixed_in]
    for finding in findings:
        level = "error" if finding.fixed_in else "warning"
        print(f"dependency audit: {level}: {finding}")
    print(f"dependency audit: {len(wanted)} locked packages audited ({source}): "
          f"{len(fixable)} vulnerable with a fix, {len(findings) - len(fixable)} without one")
    if fixable:
        print("dependency audit: raise the lower bound in setup.cfg if needed, then ./bootstrap.sh lock")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
