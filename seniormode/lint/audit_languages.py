"""Which screen languages the audit lays a flow out in, and what it says about the ones it leaves out.

An applicant sees a flow's `languages.display`. Any other language the catalogs translate the flow into (a
`locales/<locale>/LC_MESSAGES/<flow>.po`) can still be put on the screen by a kiosk-wide choice (`seniormode run
--lang en`, a translator's preview, a staff member's screen), so the audit lays it out too and holds it to the same
numbers, unless the flow's theme declares it a staff language (`staff_languages: [en]` in themes/senior.yaml):
then it is not laid out, and the audit says so, with the line of the declaration. A flow's own display language
is always laid out, whatever the theme says: declaring it staff-only cannot take an applicant's screens out of
the audit. Languages asked for with `--languages` are laid out as asked.
"""

from __future__ import annotations

from pathlib import Path

from ..core.flow import Flow
from ..core.i18n import catalog_path
from ..core.settings import LOCALES
from ..core.theme import Theme


def screen_languages(flow: Flow, theme: Theme, locales_dir: Path | None,
                     asked: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], list[str]]:
    """The languages to lay `flow` out in, and one note per language left out (or laid out despite the theme)."""
    staff = set(theme.staff_languages)
    where = theme.location("staff_languages")
    declared = f"{where.file}:{where.line}" if where.line else where.file
    if asked:
        notes = [f"{flow.id}: {lang} laid out as asked (--languages), although {declared} declares it a staff "
                 "language" for lang in asked if lang in staff and lang not in flow.languages.display]
        return asked, notes
    display = flow.languages.display
    translated = [lang for lang in LOCALES if lang not in display and locales_dir is not None
                  and catalog_path(locales_dir, lang, flow.id).is_file()]
    left_out = [lang for lang in translated if lang in staff]
    notes = [f"{flow.id}: the {lang} screens are not audited: {declared} declares {lang} a staff language (never "
             f"an applicant's screen; the flow shows {', '.join(display)})" for lang in left_out]
    notes += [f"{flow.id}: {lang} is the flow's own screen language and is audited, although {declared} declares "
              "it a staff language" for lang in display if lang in staff]
    return tuple(display) + tuple(lang for lang in translated if lang not in staff), notes
