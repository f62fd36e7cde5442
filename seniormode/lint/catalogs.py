"""Catalog checks for `seniormode lint`: what each screen and voice language lacks, told at the flow's own line.

A flow's strings are checked in every language it shows or speaks (its `languages:`) and in every other
language that has a catalog for it. A missing string is an SM601 warning where it is only shown, and an SM604
error where the kiosk speaks it in that voice (it would read the Mandarin source with a Cantonese voice).
A string whose source changed since it was translated is SM603; a fuzzy one SM602. The `.po` files are read
with Babel and checked on their own too: syntax (SM605), fuzzy and empty entries, entries the template no
longer has.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError

from ..core.flow import Flow, Text
from ..core.i18n import (
    KIOSK_DOMAIN,
    LOCALES,
    MAX_CATALOG_BYTES,
    SOURCE_LOCALE,
    CatalogTooLarge,
    ExcessivePlurals,
    UnknownLocale,
    UnsupportedCharset,
    catalog_path,
    domain_of,
    normalise_locale,
    parse_po,
    read_catalog_bytes,
)
from ..core.problems import Location, Problem, Problems, Severity, shorten
from ..core.source import display_path
from ..translations import TEMPLATES, flow_messages
from ..voice.build import flow_prompts
from ..voice.recordings import recording_for, recording_path


@dataclass
class CatalogRead:
    catalog: Catalog | None
    problems: list[Problem]



_READ: dict[tuple[str, str | None, int, int], CatalogRead] = {}


def read_catalog(path: Path, locale: str | None = None) -> CatalogRead:
    """A .po file through Babel, strictly: any syntax error is an SM605 at its line instead of a quiet skip.

    A lint run reads each catalog once, though a flow's checks and the catalog's own both need it.
    """
    try:
        stat = path.stat()
        key = (str(path.resolve()), locale, stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        return _read_catalog(path, locale)
    if key not in _READ:
        if len(_READ) > 256:
            _READ.clear()
        _READ[key] = _read_catalog(path, locale)
    return _READ[key]


def forget_catalogs() -> None:
    """Read every catalog again next time (for a benchmark, or a long-lived process)."""
    _READ.clear()


def _read_catalog(path: Path, locale: str | None) -> CatalogRead:
    where = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            return CatalogRead(None, [Problem("SM605", f"catalog is {size // 1024} KiB, more than "
                                                       f"{MAX_CATALOG_BYTES // 1024} KiB", Location(where))])
        data = read_catalog_bytes(path)  # bounded again: the file may grow after the stat
    except CatalogTooLarge:
        return CatalogRead(None, [Problem("SM605", f"catalog is more than {MAX_CATALOG_BYTES // 1024} KiB",
                                          Location(where))])
    except OSError as exc:
        return CatalogRead(None, [Problem("SM605", f"cannot read the catalog: {exc.strerror}", Location(where))])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return CatalogRead(None, [Problem("SM605", "catalog is not UTF-8 text", Location(where, line),
                                          hint="save it as UTF-8")])
    quoting = _unterminated_quote(data.decode("utf-8-sig"), where)  # a Notepad byte-order mark is fine
    if quoting is not None:
        return CatalogRead(None, [quoting])
    try:
        catalog = parse_po(data, locale=locale, abort_invalid=True)
    except ExcessivePlurals as exc:
        return CatalogRead(None, [Problem("SM605", str(exc), Location(where, exc.line),
                                          hint="Chinese and Cantonese have one: nplurals=1; plural=0;")])
    except UnsupportedCharset as exc:
        hint = 'write "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8'
        return CatalogRead(None, [Problem("SM605", str(exc), Location(where, exc.line), hint=hint)])
    except PoFileError as exc:
        line = int(getattr(exc, "lineno", 0) or 0) + 1
        message = str(exc).split(" on ", 1)[0] if " on " in str(exc) else str(exc)
        return CatalogRead(None, [Problem("SM605", f"catalog syntax error: {message}", Location(where, max(1, line)),
                                          hint="each entry is msgctxt/msgid/msgstr lines with \"quoted\" text")])
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as exc:
        # Babel's own header parsing raises these on garbage headers (Plural-Forms, dates; an unknown charset
        # such as rot13 is a LookupError).
        return CatalogRead(None, [Problem("SM605", f"catalog header cannot be read: {exc}", Location(where),
                                          hint="compare its header with one 'seniormode i18n update' writes")])
    return CatalogRead(catalog, [])


KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)?\s*(?=")')


# A quoted line in the usual shape (`msgid "text"`, `"text"`, `#~ msgstr "text"`: one text, no quote inside, not
# ending in \"): the line-by-line check passes every line this matches. Lines it does not match are checked one
# by one; those are rare, so a 2,000-entry catalog costs one scan in C rather than a Python loop over its lines.
# The quantifiers are possessive: a line of a million spaces costs a million steps, not a million squared.
_UNUSUAL_QUOTED_LINE = re.compile(
    r'^(?![ \t]*+(?:#~[ \t]*+)?(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?[ \t]*+"[^"\n]*+(?<!\\)"[ \t]*+$)'
    r'[^\n]*"[^\n]*$',
    re.MULTILINE)
# Where str.splitlines breaks a line and the regular expression's $ does not (\n is the one both know).
_OTHER_LINE_BREAKS = re.compile("[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _unterminated_quote(text: str, where: str) -> Problem | None:
    """Babel quietly drops an entry whose quote is not closed; a translator must hear about it instead."""
    if _OTHER_LINE_BREAKS.search(text) is not None:
        return _unterminated_quote_by_line(text, where)
    line, counted = 1, 0
    for found in _UNUSUAL_QUOTED_LINE.finditer(text):
        line += text.count("\n", counted, found.start())
        counted = found.start()
        problem = _unterminated_quote_by_line(found.group(), where, line)
        if problem is not None:
            return problem
    return None


def _unterminated_quote_by_line(text: str, where: str, first_line: int = 1) -> Problem | None:
    for number, line in enumerate(text.splitlines(), first_line):
        stripped = line.strip()
        if stripped.startswith("#~"):
            stripped = stripped[2:].strip()
        elif not stripped or stripped.startswith("#"):
            continue
        match = KEYWORD.match(stripped)
        if match is None:
            continue  # not a quoted line: Babel's own parser judges it
        rest = stripped[match.end():]
        if len(rest) >= 2 and rest.endswith('"') and not rest.endswith('\\"') and '"' not in rest[1:-1]:
            continue  # the usual line, quickly: one quoted text with no quote inside
        closed = re.fullmatch(r'"(?:[^"\\]|\\.)*"', rest)
        if closed is None:
            column = len(line) - len(line.lstrip()) + match.end() + 1
            return Problem("SM605", "the text's quote is not closed", Location(where, number, column),
                           hint='end the line with " (a " inside the text is written \\")')
    return None


def _entry_location(where: str, message: Message) -> Location:
    return Location(where, max(1, int(message.lineno or 1)))


def catalog_file_problems(path: Path, entries: bool = True) -> list[Problem]:
    """One .po file on its own, and against its template (locales/templates/<domain>.pot) when there is one.

    `entries` False leaves out missing and fuzzy strings: a flow checked in the same run reports them at its
    own lines (and a spoken prompt as the error it is), so a translator is not told twice at two severities.
    """
    path = Path(path)
    locale = _locale_of(path)
    read = read_catalog(path, locale)
    if read.catalog is None:
        return read.problems
    where = display_path(path)
    found: list[Problem] = []
    is_template = path.suffix == ".pot" or path.parent.name == TEMPLATES
    for m in read.catalog:
        if not m.id or is_template or not entries:
            continue
        strings = tuple(str(x) for x in m.string) if isinstance(m.string, (tuple, list)) else (str(m.string or ""),)
        if all(strings):
            found += _translation_fits(m, strings, where)
        if m.fuzzy:
            found.append(Problem("SM602", f"translation of '{shorten(m.id)}' is marked fuzzy",
                                 _entry_location(where, m),
                                 severity=Severity.WARNING, hint="check it and remove the 'fuzzy' flag"))
        elif not all(strings):
            found.append(Problem("SM601", f"no translation of '{shorten(m.id)}'", _entry_location(where, m),
                                 severity=Severity.WARNING, hint="fill in msgstr"))
    template = _template_of(path)
    if template is not None and not is_template:
        tread = read_catalog(template)
        if tread.catalog is not None:
            wanted = {(m.context, m.id) for m in tread.catalog if m.id}
            for m in read.catalog:
                if m.id and (m.context, m.id) not in wanted:
                    found.append(Problem("SM603", f"'{shorten(m.id)}' is no longer in the template",
                                         _entry_location(where, m), severity=Severity.WARNING,
                                         hint="run 'seniormode i18n update'"))
            have = {(m.context, m.id) for m in read.catalog if m.id}
            missing = [key for key in wanted if key not in have]
            if missing:
                found.append(Problem("SM603", f"catalog lacks {len(missing)} string(s) of the template, e.g. "
                                              f"'{shorten(str(missing[0][1]))}'", Location(where),
                                     severity=Severity.WARNING, hint="run 'seniormode i18n update'"))
    return found


# The speech worker refuses longer text (voice/worker.py MAX_TEXT); a screen shows what its source shows, so a
# translation many times longer than its source will not fit where the source fits.
MAX_TRANSLATION = 2000
SCREEN_GROWTH = 4


def _fields(text: str) -> list[tuple[str, str, str]] | None:
    """The `{...}` fields of a message as (name, spec, conversion), or None when its braces do not pair."""
    try:
        return [(name, spec or "", conv or "") for _, name, spec, conv in string.Formatter().parse(text)
                if name is not None]
    except ValueError:
        return None


def _width(text: str) -> int:
    """Columns on a screen: a Chinese character takes two, a Latin letter one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _translation_fits(m: Message, strings: tuple[str, ...], where: str) -> list[Problem]:
    """SM606: the same plain `{name}` placeholders as the source; SM607: short enough to say and to show."""
    found: list[Problem] = []
    source = _fields(str(m.id)) or []
    wanted = sorted({name for name, _, _ in source})
    for text in strings:
        fields = _fields(text)
        names = sorted({name for name, _, _ in fields or []})
        if fields is None:
            why = "has a brace that does not pair"
        elif any(spec or conv or not name.isidentifier() for name, spec, conv in fields):
            odd = next(f"{{{n}{'!' + c if c else ''}{':' + s if s else ''}}}" for n, s, c in fields
                       if s or c or not n.isidentifier())
            why = f"has {shorten(odd)}, not a plain {{name}}"
        elif names != wanted:
            why = f"has {', '.join(f'{{{n}}}' for n in names) or 'no placeholder'}"
        else:
            why = ""
        if why:
            found.append(Problem("SM606", f"translation of '{shorten(m.id)}' {why}; the source has "
                                          f"{', '.join(f'{{{n}}}' for n in wanted) or 'none'}",
                                 _entry_location(where, m), severity=Severity.ERROR,
                                 hint="keep the source's placeholders as they are, e.g. {n}; the kiosk "
                                      "shows the source text instead"))
        if len(text) > MAX_TRANSLATION:
            found.append(Problem("SM607", f"translation of '{shorten(m.id)}' is {len(text)} characters, more than "
                                          f"the {MAX_TRANSLATION} the voice can say", _entry_location(where, m),
                                 severity=Severity.WARNING, hint="shorten it; a screen holds a few short words"))
        elif _width(text) > max(40, SCREEN_GROWTH * _width(str(m.id))):
            found.append(Problem("SM607", f"translation of '{shorten(m.id)}' is {_width(text)} columns wide, over "
                                          f"{SCREEN_GROWTH} times its source's {_width(str(m.id))}: it will not fit "
                                          "where the source fits", _entry_location(where, m),
                                 severity=Severity.WARNING, hint="shorten it; a screen holds a few short words"))
    return found


def _locale_of(path: Path) -> str | None:
    if path.parent.name == "LC_MESSAGES":
        try:
            return normalise_locale(path.parent.parent.name)
        except UnknownLocale:
            return None
    return None


def _template_of(path: Path) -> Path | None:
    if path.parent.name != "LC_MESSAGES":
        return None
    candidate = path.parent.parent.parent / TEMPLATES / f"{path.stem}.pot"
    return candidate if candidate.is_file() else None



class _Catalog:
    """One locale's catalog for one domain, indexed for the flow checks."""

    def __init__(self, catalog: Catalog):
        self.by_key: dict[tuple[str | None, str], Message] = {}
        self.by_context: dict[str | None, Message] = {}
        for m in catalog:
            if m.id and isinstance(m.id, str):
                self.by_key[(m.context, m.id)] = m
                self.by_context.setdefault(m.context, m)


def flow_catalog_problems(flow: Flow, locales_dir: Path) -> Problems:
    """Each of the flow's strings in each language it uses; each spoken prompt in each voice language."""
    problems = Problems()
    declared = list(dict.fromkeys(flow.languages.display + flow.languages.voice))
    with_catalogs = [loc for loc in LOCALES if catalog_path(locales_dir, loc, flow.id).is_file()]
    locales = [loc for loc in dict.fromkeys(declared + with_catalogs) if loc != SOURCE_LOCALE]
    spoken = {(p.source.key, p.source.msgid) for p in flow_prompts(flow) if domain_of(p.source) == flow.id}
    strings = [text for text, _ in flow_messages(flow)]
    _check_template(flow, locales_dir, strings, problems)
    for locale in locales:
        path = catalog_path(locales_dir, locale, flow.id)
        is_voice = locale in flow.languages.voice
        if not path.is_file():
            code = "SM604" if is_voice else "SM601"
            problems.add(Problem(code, f"no {locale} catalog for flow '{flow.id}' ({display_path(path)}): its "
                                       f"{len(strings)} string(s) would be {'spoken' if is_voice else 'shown'} "
                                       f"in {flow.language}", flow.location, severity=_severity(code),
                                 hint="run 'seniormode i18n extract' and 'seniormode i18n update', then translate"))
            continue
        read = read_catalog(path, locale)
        if read.catalog is None:
            problems.extend(read.problems)
            continue
        catalog = _Catalog(read.catalog)
        for text in strings:
            _check_string(text, locale, catalog, is_voice and (text.key, text.msgid) in spoken, problems)
    _check_kiosk_prompts(flow, locales_dir, problems)
    _check_recordings(flow, locales_dir, problems)
    return problems


def _check_kiosk_prompts(flow: Flow, locales_dir: Path, problems: Problems) -> None:
    """The kiosk's own words this flow makes it say (the time-out warning, an entry's error) in each voice."""
    prompts = {p.source.key: p for p in flow_prompts(flow) if domain_of(p.source) == KIOSK_DOMAIN}
    for locale in flow.languages.voice:
        if locale == SOURCE_LOCALE or not prompts:
            continue
        path = catalog_path(locales_dir, locale, KIOSK_DOMAIN)
        read = read_catalog(path, locale) if path.is_file() else None
        catalog = _Catalog(read.catalog) if read is not None and read.catalog is not None else None
        for prompt in prompts.values():
            entry = catalog.by_key.get((prompt.context, prompt.msgid)) if catalog is not None else None
            if entry is None or entry.fuzzy or not entry.string:
                state = "no" if entry is None else "only a fuzzy" if entry.fuzzy else "an empty"
                problems.add(Problem("SM604", f"the kiosk says '{shorten(prompt.text)}' ({prompt.role}) on this "
                                              f"flow, and {display_path(path)} has {state} {locale} translation of it",
                                     flow.location, hint="translate it in that catalog"))


def _severity(code: str) -> Severity:
    return Severity.ERROR if code in ("SM604", "SM605", "SM509") else Severity.WARNING


def _check_string(text: Text, locale: str, catalog: _Catalog, spoken: bool, problems: Problems) -> None:
    entry = catalog.by_key.get((text.key, text.msgid))
    what = f"'{shorten(text.value)}'"
    if entry is None:
        old = catalog.by_context.get(text.key)
        if old is not None and old.string:
            problems.add(Problem("SM603", f"{what} changed since its {locale} translation ('{shorten(old.id)}')",
                                 text.location, severity=_severity("SM603"),
                                 hint="run 'seniormode i18n extract' and 'update', then check the translation"))
            return
        code = "SM604" if spoken else "SM601"
        spoken_words = " and the kiosk speaks it" if spoken else ""
        problems.add(Problem(code, f"{what} has no {locale} translation{spoken_words}",
                             text.location, severity=_severity(code),
                             hint="run 'seniormode i18n extract' and 'update', then translate it"))
        return
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if entry.fuzzy:
        code = "SM604" if spoken else "SM602"
        problems.add(Problem(code, f"the {locale} translation of {what} is marked fuzzy"
                                   + (", so the kiosk speaks the source text" if spoken else ""),
                             text.location, severity=_severity(code), hint="check it and remove the 'fuzzy' flag"))
    elif not all(strings):
        code = "SM604" if spoken else "SM601"
        problems.add(Problem(code, f"{what} has an empty {locale} translation", text.location,
                             severity=_severity(code), hint="fill in msgstr"))


def _check_template(flow: Flow, locales_dir: Path, strings: list[Text], problems: Problems) -> None:
    path = locales_dir / TEMPLATES / f"{flow.id}.pot"
    if not path.is_file():
        return
    read = read_catalog(path)
    if read.catalog is None:
        problems.extend(read.problems)
        return
    have = {(m.context, m.id) for m in read.catalog if m.id}
    stale = [t for t in strings if (t.key, t.msgid) not in have]
    if stale:
        problems.add(Problem("SM603", f"the template {display_path(path)} lacks {len(stale)} string(s) of the flow, "
                                      f"first '{shorten(stale[0].value)}'", stale[0].location,
                             severity=_severity("SM603"), hint="run 'seniormode i18n extract' and 'update'"))


def _check_recordings(flow: Flow, locales_dir: Path, problems: Problems) -> None:
    where = flow.languages.recorded_location or flow.location
    for locale in flow.languages.recorded:
        if locale not in flow.languages.voice:
            problems.error("SM108", f"'{locale}' is recorded but is not one of the voice languages", where,
                           f"add it to 'voice:' ({', '.join(flow.languages.voice)})")
            continue
        for prompt in flow_prompts(flow):
            if domain_of(prompt.source) != flow.id:
                continue
            if recording_for(locales_dir, locale, prompt.context, prompt.msgid) is None:
                wanted = recording_path(locales_dir, locale, prompt.context, prompt.msgid)
                problems.add(Problem("SM509", f"no {locale} recording of '{shorten(prompt.text)}' ({prompt.role})",
                                     prompt.source.location, severity=_severity("SM509"),
                                     hint=f"record it as {display_path(wanted)}"))
