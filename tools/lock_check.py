"""Compare what a virtual environment has installed with requirements.lock: exit 1 on any difference.

Run with the environment's own Python (`.venv/bin/python tools/lock_check.py requirements.lock`). The project itself
(installed editable) and what a venv always has are not in the lock; everything else must be there at its version.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
NOT_LOCKED = {"seniormode"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
        elif line and not line[0].isspace() and not line.startswith("#"):
            raise SystemExit(f"{path}:{number}:1: not an exact pin: {line!r} (refresh with ./bootstrap.sh lock)")
    return pins


def installed() -> dict[str, str]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[canonical(name)] = dist.version
    return found


def differences(lock: dict[str, str], have: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(lock.keys() | have.keys()):
        if name in NOT_LOCKED:
            continue
        want, got = lock.get(name), have.get(name)
        if want is None:
            lines.append(f"  {name} {got} is installed but not in the lock")
        elif got is None:
            lines.append(f"  {name} {want} is locked but not installed")
        elif want != got:
            lines.append(f"  {name} is {got}, the lock says {want}")
    return lines


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "requirements.lock")
    lock = locked(path)
    wrong = differences(lock, installed())
    if wrong:
        print(f"lock check: {sys.prefix} differs from {path}:", *wrong, sep="\n", file=sys.stderr)
        return 1
    print(f"lock check: {len(lock)} packages installed exactly as {path} says")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
