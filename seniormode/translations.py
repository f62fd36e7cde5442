"""Translator tools: extract flow strings (also as a Babel extractor), update, compile and check catalogs."""

from __future__ import annotations

import difflib
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import unescape, write_po

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
from .core.source import display_path

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


@dataclass(frozen=True)
class Written:
    """A file extract, update or compile made: `changed` False when it already said the same and was left alone."""

    path: Path
    changed: bool


# Lines that say when and with what a file was made, not what it holds: a run that changes nothing else leaves the
# file as it was, so a clean tree stays clean.
STAMPS = re.compile(rb'^(?:"(?:POT-Creation-Date|PO-Revision-Date|Generated-By): .*"|# Copyright \(C\) \d+ .*)$',
                    re.MULTILINE)


def _write(catalog: Catalog, path: Path, mo: bool = False) -> Written:
    buffer = io.BytesIO()
    if mo:
        write_mo(buffer, catalog)
    else:
        write_po(buffer, catalog, width=120, sort_output=False, include_previous=True)
    new = buffer.getvalue()
    if path.is_file():
        old = path.read_bytes()
        if old == new or (not mo and STAMPS.sub(b"", old) == STAMPS.sub(b"", new)):
            return Written(path, False)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(new)
    tmp.replace(path)
    return Written(path, True)


class CatalogUnreadable(ValueError):
    """A .po or .pot file Babel cannot read (`seniormode lint` reports where, as SM605)."""


def _read(path: Path, locale: str | None = None) -> Catalog:
    try:
        return _with_previous(parse_po(read_catalog_bytes(path), locale=locale))
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError) as exc:
        # Babel raises these on a broken header (an unknown charset is a LookupError): name the file instead.
        raise CatalogUnreadable(f"{path} cannot be read ({type(exc).__name__}: {exc}); "
                                f"'seniormode lint {path}' shows where") from exc


def _with_previous(catalog: Catalog) -> Catalog:
    """Babel reads a fuzzy string's `#| msgid "old words"` as a translator's comment: make it the old words again,
    so status can show them and the next update writes them back as they were."""
    for m in [*catalog, *catalog.obsolete.values()]:
        lines = [c[1:].strip() for c in m.user_comments if c.startswith("|")]
        if lines and lines[0].startswith("msgid "):
            words = [lines[0][len("msgid "):]] + list(itertools.takewhile(lambda c: c.startswith('"'), lines[1:]))
            m.previous_id = ["".join(unescape(w) for w in words)]
            m.user_comments = [c for c in m.user_comments if not c.startswith("|")]
    return catalog


def extract(flows: list[Flow], locales_dir: Path, kiosk: bool = True) -> list[Written]:
    """`locales/templates/<domain>.pot` for each flow and (with `kiosk`) for the kiosk's own words."""
    domains = [(f.id, flow_messages(f)) for f in flows] + ([(KIOSK_DOMAIN, kiosk_messages())] if kiosk else [])
    return [_write(template_for(messages, domain), locales_dir / TEMPLATES / f"{domain}.pot")
            for domain, messages in domains]


def template_differs(flow: Flow, locales_dir: Path) -> bool:
    """The flow's template is missing or holds other strings than the flow now has (run extract first)."""
    path = locales_dir / TEMPLATES / f"{flow.id}.pot"
    if not path.is_file():
        return True
    return {(m.context, m.id) for m in _read(path) if m.id} != {(t.key, t.msgid) for t, _ in flow_messages(flow)}


def templates(locales_dir: Path, domains: Iterable[str] | None = None) -> list[Path]:
    """The templates of `domains` (default: every one in locales/templates/)."""
    if domains is None:
        return sorted((locales_dir / TEMPLATES).glob("*.pot"))
    return [locales_dir / TEMPLATES / f"{domain}.pot" for domain in domains]


def update(locales_dir: Path, locales: tuple[str, ...] = LOCALES, domains: Iterable[str] | None = None, *,
           guess_across: bool = False, drop_stale: bool = False) -> list[Written]:
    """Merge templates into each locale's catalog: new strings appear empty, a string whose words changed keeps
    its old translation marked fuzzy. Only a string with the same identity is a guess, unless `guess_across`."""
    written = []
    for template_path in templates(locales_dir, domains):
        domain = template_path.stem
        for locale in locales:
            template = _read(template_path)  # fresh each time: Catalog.update shares the template's messages
            path = catalog_path(locales_dir, locale, domain)
            catalog = _read(path, locale) if path.is_file() else new_catalog(locale, domain)
            old = {(m.context, m.id): m for m in catalog.obsolete.values()}
            previous = {(m.context, m.id): m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
            before = [m for m in catalog if m.id and m.string]
            # Babel's own guessing compares words across every identity: a new 旅游 got 团队旅游's translation.
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            _restore_returning(catalog, old)
            _guess_same_identity(catalog)
            if guess_across:
                _guess_across(catalog, before)
            for m in catalog:  # Babel forgets "#| msgid" on the next update; the translator still needs it
                if m.id and m.fuzzy and not m.previous_id and (m.context, m.id) in previous:
                    m.previous_id = previous[(m.context, m.id)]
            if drop_stale:
                catalog.obsolete.clear()
            set_plural_forms(catalog, locale)
            if locale == SOURCE_LOCALE:  # the source language translates to itself
                for m in catalog:
                    if m.id:
                        m.string = m.id
                        m.flags.discard("fuzzy")
                        m.previous_id = []
            written.append(_write(catalog, path))
    return written


def _guess_same_identity(catalog: Catalog) -> None:
    """A string whose words changed at the same place (flow/step/field) keeps its old translation, as fuzzy."""
    gone = {m.context: key for key, m in catalog.obsolete.items() if m.context and m.string}
    for m in catalog:
        if m.id and not m.string and m.context in gone:
            key = gone.pop(m.context)
            _guess(m, catalog.obsolete.pop(key))


def _guess_across(catalog: Catalog, before: list[Any]) -> None:
    """Asked for (--guess-across): a new string takes the closest words of any identity's translation, as fuzzy."""
    by_words = {m.id: m for m in before if isinstance(m.id, str)}
    for m in catalog:
        if m.id and not m.string and isinstance(m.id, str):
            close = difflib.get_close_matches(m.id, list(by_words), 1)
            if close:
                _guess(m, by_words[close[0]])


def _guess(message: Any, source: Any) -> None:
    message.string = source.string
    message.flags.add("fuzzy")
    # The words the translation was made for: an already-fuzzy source keeps its own (as msgmerge --previous).
    message.previous_id = list(source.previous_id) if source.fuzzy and source.previous_id else [source.id]
    message.user_comments = list(source.user_comments)  # the translator's notes go with their translation


def _restore_returning(catalog: Catalog, obsolete: dict[tuple[Any, Any], Any]) -> None:
    """A string removed and later put back gets its old translation again (Babel's update forgets it)."""
    for m in catalog:
        if m.id and not m.string:
            before = obsolete.get((m.context, m.id))
            if before is not None and before.string:
                m.string = before.string
                if before.fuzzy:  # an unchecked translation comes back unchecked, with the words it was for
                    m.flags.add("fuzzy")
                    m.previous_id = list(before.previous_id)
                m.user_comments = list(before.user_comments)
    for key in [k for k, m in catalog.obsolete.items() if _has_translation(catalog, m)]:
        del catalog.obsolete[key]


def compile_all(locales_dir: Path, domains: Iterable[str] | None = None) -> list[Written]:
    written = []
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/*.po")):
        if domains is not None and po.stem not in set(domains):
            continue
        locale = po.parent.parent.name
        written.append(_write(_read(po, locale), po.with_suffix(".mo"), mo=True))
    return written


@dataclass(frozen=True)
class Entry:
    """One string of a catalog that needs a translator: where it is (file:line, as lint prints) and its identity."""

    file: str
    line: int
    context: str
    msgid: str
    previous: str = ""  # a fuzzy string's words before they changed

    def describe(self, kind: str) -> str:
        """`file:line: kind: msgctxt "flow/step/field": words`, as lint prints the flows' problems."""
        was = f" (was: {self.previous})" if self.previous else ""
        return f"{self.file}:{self.line}: {kind}: msgctxt \"{self.context}\": {self.msgid}{was}"


@dataclass(frozen=True)
class CatalogStatus:
    locale: str
    domain: str
    total: int
    translated: int
    fuzzy: int
    missing: int
    stale: int
    missing_entries: tuple[Entry, ...] = ()
    fuzzy_entries: tuple[Entry, ...] = ()
    stale_entries: tuple[Entry, ...] = ()

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.fuzzy == 0


def status(locales_dir: Path, locales: tuple[str, ...] = LOCALES,
           domains: Iterable[str] | None = None) -> list[CatalogStatus]:
    out = []
    for template_path in templates(locales_dir, domains):
        domain = template_path.stem
        template = _read(template_path)
        wanted = {(m.context, m.id): m for m in template if m.id}
        for locale in locales:
            path = catalog_path(locales_dir, locale, domain)
            catalog = _read(path, locale) if path.is_file() else new_catalog(locale, domain)
            have = {(m.context, m.id): m for m in catalog if m.id}
            translated = [k for k in wanted if k in have and have[k].string and not have[k].fuzzy]
            fuzzy = [_entry(path, have[k]) for k in wanted if k in have and have[k].fuzzy]
            # A string not in the catalog yet is shown at its line in the template ('i18n update' puts it there).
            missing = [_entry(path, have[k]) if k in have else _entry(template_path, wanted[k])
                       for k in wanted if k not in have or not have[k].string]
            stale = [_entry(path, m) for k, m in have.items() if k not in wanted] + \
                    [_entry(path, m) for m in catalog.obsolete.values()]
            out.append(CatalogStatus(locale, domain, len(wanted), len(translated), len(fuzzy), len(missing),
                                     len(stale), tuple(missing), tuple(fuzzy), tuple(stale)))
    return out


def _entry(path: Path, m: Any) -> Entry:
    previous = " ".join(m.previous_id) if m.previous_id else ""
    return Entry(display_path(path), m.lineno or 1, m.context or "", str(m.id), previous)

def _has_translation(catalog: Any, m: Any) -> bool:
    """An obsolete entry whose string came back into the catalog translated."""
    found = catalog.get(m.id, context=m.context)
    return found is not None and bool(found.string)
