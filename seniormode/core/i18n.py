"""Locales and gettext catalogs: which language a screen shows and a voice speaks, and the translated words.

Catalogs are `locales/<locale>/LC_MESSAGES/<domain>.po`, one domain per flow
(its id) plus `kiosk` for the kiosk's own words. Every string's gettext
context is its identity (`flow/step/field`), so the same words in two places
can be translated differently. The `.po` files are read directly (Babel's
reader), so a translator's saved change shows at the next start.
"""

from __future__ import annotations

import codecs
import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .flow import Text

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

SOURCE_LOCALE = "zh_Hans_CN"
LOCALES = ("zh_Hans_CN", "yue_Hans_CN", "en")
KIOSK_DOMAIN = "kiosk"
# Babel gives Cantonese two plural forms; like Mandarin it has one.
PLURAL_FORMS = {"zh_Hans_CN": "nplurals=1; plural=0;", "yue_Hans_CN": "nplurals=1; plural=0;",
                "en": "nplurals=2; plural=(n != 1);"}
_log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"zh_Hans_CN": "普通话", "yue_Hans_CN": "粤语", "en": "English"}


def next_language(options: tuple[str, ...], current: str) -> str:
    """What the language button switches to: the locale after `current` in the flow's list, round again."""
    if current not in options:
        return options[0]
    return options[(options.index(current) + 1) % len(options)]


class UnknownLocale(ValueError):
    pass


def normalise_locale(raw: str) -> str:
    """'zh-CN', 'zh_CN', 'cmn', 'yue', 'yue-Hans-CN', 'en_US' -> one of LOCALES; anything else is an error.

    Babel silently gives an empty catalog for an id it cannot match, so every id is checked here first.
    """
    text = str(raw).strip().replace("-", "_")
    if text in LOCALES:
        return text
    from babel import Locale, UnknownLocaleError  # Babel is imported where it is used: a kiosk showing the source
    # language reads no catalog, and its first screen waited 25 ms for Babel's imports (pickle, zoneinfo, dates)

    try:
        locale = Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise UnknownLocale(f"unknown locale '{raw}' (use one of {', '.join(LOCALES)})") from exc
    if locale.language == "yue" and locale.script in (None, "Hans") and locale.territory in (None, "CN"):
        return "yue_Hans_CN"
    if locale.language == "zh" and locale.script in (None, "Hans") and locale.territory in (None, "CN"):
        return "zh_Hans_CN"
    if locale.language == "en":
        return "en"
    raise UnknownLocale(f"no catalogs for '{raw}' ({locale}); use one of {', '.join(LOCALES)}")


def catalog_path(locales_dir: Path, locale: str, domain: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"


@dataclass
class Catalogs:
    """Translated words by locale; a missing or fuzzy translation falls back to the source text."""

    locales_dir: Path
    _loaded: dict[tuple[str, str], dict[tuple[str | None, str], str]] = field(default_factory=dict)

    def _table(self, locale: str, domain: str) -> dict[tuple[str | None, str], str]:
        key = (locale, domain)
        if key not in self._loaded:
            table: dict[tuple[str | None, str], str] = {}
            path = catalog_path(self.locales_dir, locale, domain)
            catalog = _read_or_none(path, locale, domain)
            if catalog is not None:
                for message in catalog:
                    if message.id and isinstance(message.id, str) and isinstance(message.string, str) \
                            and message.string and not message.fuzzy:
                        table[(message.context, message.id)] = message.string
            self._loaded[key] = table
        return self._loaded[key]

    def translate(self, text: Text, locale: str) -> str:
        if locale == SOURCE_LOCALE:
            return text.value
        found = self._table(locale, domain_of(text)).get((text.key, text.msgid))
        if found is None:
            return text.value
        if not text.params:
            return found
        values = {k: self.translate(v, locale) if isinstance(v, Text) else v for k, v in text.params}
        filled = _fill(found, values)
        # A translator broke a {placeholder}: the source still works.
        return text.value if filled is None else filled

    def has(self, text: Text, locale: str) -> bool:
        if locale == SOURCE_LOCALE:
            return True
        return (text.key, text.msgid) in self._table(locale, domain_of(text))


def _fill(template: str, values: Mapping[str, object]) -> str | None:
    """`template` with its `{name}` fields filled in, or None when it asks for more or for fewer names.

    Not str.format: a translated string is data, and `{n:999999999}` would build a gigabyte of spaces, `{n.x}` or
    `{n[0]}` raise, and `{n.__class__}` reach into the object. Only plain names the message gives are filled.
    """
    out: list[str] = []
    used: set[str] = set()
    try:
        for literal, name, spec, conversion in string.Formatter().parse(template):
            out.append(literal)
            if name is None:
                continue
            if spec or conversion or name not in values:
                return None
            used.add(name)
            out.append(str(values[name]))
    except ValueError:  # a lone '{' or '}'
        return None
    if used != set(values):
        return None  # a translation that drops the number would tell the applicant less than the source (SM606)
    return "".join(out)


# The largest catalog lint accepts and the kiosk reads: the demo's are under 40 KiB; 60 MB took 5.5 s and 468 MiB.
MAX_CATALOG_BYTES = 8 * 1024 * 1024
MAX_PLURALS = 6  # Arabic has the most plural forms of any language
_NPLURALS = re.compile(rb"nplurals\s*=\s*(\d{1,12})")


class ExcessivePlurals(ValueError):
    """An `nplurals=` larger than any language has, at `line`."""

    def __init__(self, count: int, line: int):
        super().__init__(f"nplurals={count}: no language has more than {MAX_PLURALS} plural forms")
        self.count, self.line = count, line


class UnsupportedCharset(ValueError):
    """A catalog header naming a charset other than UTF-8 (`charset=` at `line`)."""

    def __init__(self, charset: str, line: int):
        named = f"charset={charset}" if charset else "an empty charset="
        placeholder = " (the template's placeholder, never filled in)" if charset == "CHARSET" else ""
        super().__init__(f"the header names {named}{placeholder}; catalogs are read as UTF-8")
        self.charset, self.line = charset, line


_CHARSET = re.compile(rb"Content-Type:[^\n]*?charset=(?:\\\")?([^\s\\\";]*)", re.IGNORECASE)
_QUOTED = re.compile(rb'^"(?:[^"\\]|\\.)*"$')


def header_charset(data: bytes) -> tuple[str, int] | None:
    """The `charset=` of the header entry (`msgid ""`) and its line, or None when the header names none."""
    seen_msgid = False
    for number, raw in enumerate(data.split(b"\n"), 1):
        line = raw.strip()
        if not line or line.startswith(b"#"):
            if seen_msgid:
                return None  # the header entry ended without a Content-Type
            continue
        if not seen_msgid:
            if line != b'msgid ""':
                return None  # the first entry is not a header
            seen_msgid = True
        elif not (line == b'msgstr ""' or _QUOTED.match(line)):
            return None
        match = _CHARSET.search(line)
        if match is not None:
            return match.group(1).decode("utf-8", "replace"), number
    return None


def check_charset(data: bytes) -> None:
    """Raise UnsupportedCharset unless the header says UTF-8 or names no charset.

    Our decision, not a Babel version's: 2.18 raised LookupError on `charset=CHARSET` and on an empty one, 2.19
    reads both as UTF-8, and either reads `charset=latin-1` as Latin-1 and turns UTF-8 Chinese into mojibake. The
    kiosk reads UTF-8 only (lint refuses other bytes), so a header must say so.
    """
    found = header_charset(data)
    if found is None:
        return
    charset, line = found
    if not _is_utf8(charset):
        raise UnsupportedCharset(charset, line)


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset.strip("\"'")).name == "utf-8"
    except (LookupError, ValueError):  # an unknown name, or one with a NUL in it
        return False


class CatalogTooLarge(ValueError):
    def __init__(self, path: Path):
        super().__init__(f"{path} is over {MAX_CATALOG_BYTES // 1024} KiB, the largest catalog lint accepts")


def read_catalog_bytes(path: Path) -> bytes:
    """A catalog's bytes, never more than MAX_CATALOG_BYTES whatever size the file claims (CatalogTooLarge)."""
    with path.open("rb") as fh:
        data = fh.read(MAX_CATALOG_BYTES + 1)
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogTooLarge(path)
    return data


def parse_po(data: bytes, locale: str | None = None, domain: str | None = None,
             abort_invalid: bool = False) -> Catalog:
    """A .po or .pot file's bytes through Babel: the one way the kiosk, the i18n commands and lint read them.

    A byte-order mark (Windows Notepad) is skipped. `nplurals` above MAX_PLURALS raises ExcessivePlurals
    before Babel reads it: Babel makes that many strings for every plural entry (300 million took 24 GB).
    A header charset other than UTF-8 raises UnsupportedCharset (see check_charset).
    Babel's own errors (ValueError, LookupError, PoFileError, ...) pass through to the caller.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    check_charset(data)
    found = header_charset(data)
    for match in _NPLURALS.finditer(data):
        count = int(match.group(1))
        if count > MAX_PLURALS:
            raise ExcessivePlurals(count, data.count(b"\n", 0, match.start()) + 1)
    from babel.messages.pofile import read_po

    catalog = read_po(data.splitlines(keepends=True), locale=locale, domain=domain, abort_invalid=abort_invalid)
    # The header as Babel read it has the last word: a header laid out in a way header_charset does not follow
    # (a second Content-Type, a msgctxt on it, lines split oddly) must not be decoded as anything but UTF-8.
    if not _is_utf8(str(catalog.charset or "utf-8")):
        raise UnsupportedCharset(str(catalog.charset), (found or ("", 1))[1])
    return catalog


def _read_or_none(path: Path, locale: str, domain: str) -> Catalog | None:
    """A catalog, or None when there is none or it cannot be read: the kiosk then shows the source text.

    Babel raises on a broken header (an unknown charset is a LookupError, a bad plural index a ValueError);
    `seniormode lint` reports those as SM605, and a running kiosk must not stop for them.
    """
    try:
        if not path.is_file():
            return None
        return parse_po(read_catalog_bytes(path), locale=locale, domain=domain)
    except (OSError, ValueError, LookupError, TypeError, AttributeError, RecursionError) as exc:
        _log.warning("catalog %s cannot be read (%s: %s); showing the source text", path, type(exc).__name__, exc)
        return None


def domain_of(text: Text) -> str:
    """The catalog a string lives in: its flow's, or the kiosk's own."""
    first = text.key.split("/", 1)[0]
    return KIOSK_DOMAIN if first == KIOSK_DOMAIN or "/" not in text.key else first


def new_catalog(locale: str, domain: str) -> Catalog:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale=locale, domain=domain, project="seniormode", language_team=LANGUAGE_NAMES.get(locale),
                      charset="utf-8")
    set_plural_forms(catalog, locale)
    return catalog


def set_plural_forms(catalog: Catalog, locale: str) -> None:
    """Our plural rule for the locale, through Babel's header parser (its own rule for yue is wrong)."""
    forms = PLURAL_FORMS.get(locale, "nplurals=2; plural=(n != 1);")
    catalog.mime_headers = [(k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"] + \
        [("Plural-Forms", forms)]
