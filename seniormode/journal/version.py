"""A flow's version: a content hash of everything that decides what an applicant sees and hears."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..core.flow import Flow
from ..core.i18n import KIOSK_DOMAIN


def version_files(flow: Flow, theme_file: str | Path | None, locales_dir: Path | None) -> list[Path]:
    """The flow file, its rule files, the theme and the flow's and kiosk's catalogs, in a stable order."""
    files = {Path(flow.file).resolve()} if flow.file else set()
    for rule in flow.rules.rules:
        location = getattr(rule, "location", None)
        if location is not None and location.file:
            files.add(Path(location.file).resolve())
    if theme_file:
        files.add(Path(theme_file).resolve())
    if locales_dir is not None and locales_dir.is_dir():
        for domain in (flow.id, KIOSK_DOMAIN):
            files.update(p.resolve() for p in locales_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
    return sorted(p for p in files if p.is_file())


def flow_version(flow: Flow, theme_file: str | Path | None = None, locales_dir: Path | None = None) -> str:
    """12 hex digits; the same files give the same version on every kiosk, wherever the checkout lies."""
    digest = hashlib.sha256()
    files = version_files(flow, theme_file, locales_dir)
    root = _common_root(files)
    for path in files:
        digest.update(str(path.relative_to(root) if root else path.name).encode("utf-8", "backslashreplace"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _common_root(files: list[Path]) -> Path | None:
    if not files:
        return None
    root = files[0].parent
    for path in files[1:]:
        while root not in path.parents and root != path.parent:
            if root.parent == root:
                return None
            root = root.parent
    return root


__all__ = ["flow_version", "version_files"]
