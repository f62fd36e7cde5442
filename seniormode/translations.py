"""Translator tools: extract flow strings (also as a Babel extractor), update, compile and check catalogs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from .core.flow import Flow, Text
from .core.i18n import (
    KIOSK_DOMAIN,
    LOCALES,
    SOURCE_LOCALE,
    catalog_path,
    new_catalog,
    parse_po,
    read_catalog_bytes,
    set_plural_forms,
)
from .core.loader import load_flow_text
from .core.messages import MESSAGES, message

TEMPLATES = "templates"


def flow_messages(flow: Flow) -> Iterator[tuple[Text, str]]:
    """Every human-visible string of a flow with a note for translators."""
    yield flow.title, "the flow's title"
    for step in flow.steps:
        for text in step.texts():
            field = text.key.rsplit("/", 1)[-1]
            role = {"text": "screen text (short)", "say": "spoken prompt", "help": "help (shown and spoken)",
                    "label": "name of the answer on the summary and the ticket", "button": "button",
                    "field": "name of the field (used in its error message)", "error": "error message (spoken)",
                    "unit": "unit after the number", "yes": "confirm button", "no": "decline button",
                    "window": "staffed window on the ticket"}.get(field, field)
            yield text, f"{role}; step '{step.id}' ({step.kind})"


def kiosk_messages() -> Iterator[tuple[Text, str]]:
    for key, template in MESSAGES.items():
        placeholders = "; keep {placeholders} as they are" if "{" in template else ""
        yield Text(template, f"{KIOSK_DOMAIN}/{key}", message(key).location), f"the kiosk's own words{placeholders}"


def extract_flow(fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]) \
        -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extractor for flow YAML (`pybabel extract -F babel.cfg`): pgettext(identity, text) per string."""
    raw = fileobj.read()
    text = raw.decode(options.get("encoding", "utf-8")) if isinstance(raw, bytes) else raw
    name = getattr(fileobj, "name", "<flow>")
    flow, _ = load_flow_text(text, str(name), base_dir=Path(str(name)).parent)
    if flow is None:
        return
    for item, note in flow_messages(flow):
        yield item.location.line, "pgettext", (item.key, item.msgid), [note]


def template_for(messages: Iterator[tuple[Text, str]], domain: str) -> Catalog:
    catalog = Catalog(domain=domain, project="seniormode", charset="utf-8")
    for item, note in messages:
        loc = item.location
        catalog.add(item.msgid, context=item.key, locations=[(loc.file, loc.line)], auto_comments=[note])
    return catalog


def _write(catalog: Catalog, path: Path, mo: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    if mo:
        write_mo(buffer, catalog)
    else:
        write_po(buffer, catalog, width=120, sort_output=False, include_previous=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


class CatalogUnreadable(ValueError):
    """A .po or .pot file Babel cannot read (`seniormode lint` reports where, as SM605)."""


def _read(path: Path, locale: str | None = None) -> Catalog:
    try:
        return parse_po(read_catalog_bytes(path), locale=locale)
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError) as exc:
        # Babel raises these on a broken header (an unknown charset is a LookupError): name the file instead.
        raise CatalogUnreadable(f"{path} cannot be read ({type(exc).__name__}: {exc}); "
                                f"'seniormode lint {path}' shows where") from exc


def extract(flows: list[Flow], locales_dir: Path) -> list[Path]:
    """Write `locales/templates/<domain>.pot` for each flow and for the kiosk's own words."""
    written = []
    for domain, messages in [(f.id, flow_messages(f)) for f in flows] + [(KIOSK_DOMAIN, kiosk_messages())]:
        path = locales_dir / TEMPLATES / f"{domain}.pot"
        _write(template_for(messages, domain), path)
        written.append(path)
    return written


def update(locales_dir: Path, locales: tuple[str, ...] = LOCALES) -> list[Path]:
    """Merge each template into each locale's catalog: new strings appear empty, changed ones fuzzy."""
    written = []
    for template_path in sorted((locales_dir / TEMPLATES).glob("*.pot")):
        domain = template_path.stem
        for locale in locales:
            template = _read(template_path)  # fresh each time: Catalog.update shares the template's messages
            path = catalog_path(locales_dir, locale, domain)
            catalog = _read(path, locale) if path.is_file() else new_catalog(locale, domain)
            old = {(m.context, m.id): m for m in catalog.obsolete.values()}
            catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
            _restore_returning(catalog, old)
            set_plural_forms(catalog, locale)
            if locale == SOURCE_LOCALE:  # the source language translates to itself
                for m in catalog:
                    if m.id:
                        m.string = m.id
                        m.flags.discard("fuzzy")
            _write(catalog, path)
            written.append(path)
    return written


def _restore_returning(catalog: Catalog, obsolete: dict[tuple[Any, Any], Any]) -> None:
    """A string removed and later put back gets its old translation again (Babel's update forgets it)."""
    for m in catalog:
        if m.id and not m.string:
            before = obsolete.get((m.context, m.id))
            if before is not None and before.string:
                m.string = before.string
    for key in [k for k, m in catalog.obsolete.items() if catalog.get(m.id, context=m.context) is not None
                and catalog.get(m.id, context=m.context).string]:
        del catalog.obsolete[key]


def compile_all(locales_dir: Path) -> list[Path]:
    written = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/*.po")):
        locale = po.parent.parent.name
        catalog = _read(po, locale)
        mo = po.with_suffix(".mo")
        _write(catalog, mo, mo=True)
        written.append(mo)
    return written


@dataclass(frozen=True)
class CatalogStatus:
    locale: str
    domain: str
    total: int
    translated: int
    fuzzy: int
    missing: int
    stale: int
    missing_ids: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.fuzzy == 0


def status(locales_dir: Path, locales: tuple[str, ...] = LOCALES) -> list[CatalogStatus]:
    out = []
    for template_path in sorted((locales_dir / TEMPLATES).glob("*.pot")):
        domain = template_path.stem
        template = _read(template_path)
        wanted = {(m.context, m.id) for m in template if m.id}
        for locale in locales:
            path = catalog_path(locales_dir, locale, domain)
            catalog = _read(path, locale) if path.is_file() else new_catalog(locale, domain)
            have = {(m.context, m.id): m for m in catalog if m.id}
            translated = [k for k in wanted if k in have and have[k].string and not have[k].fuzzy]
            fuzzy = [k for k in wanted if k in have and have[k].fuzzy]
            missing = sorted(k for k in wanted if k not in have or not have[k].string)
            stale = len([k for k in have if k not in wanted]) + len(catalog.obsolete)
            out.append(CatalogStatus(locale, domain, len(wanted), len(translated), len(fuzzy), len(missing),
                                     stale, tuple(f"{c}: {i}" for c, i in missing)))
    return out
