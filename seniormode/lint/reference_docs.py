"""docs/events.md and docs/icons.md, made from the tables the code runs on, so the pages cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from ..core.events import EVENT_HELP, EVENT_KINDS
from ..core.i18n import Catalogs
from ..core.icons import load_catalogue, shipped_catalogue
from ..core.messages import message
from ..core.theme import load_theme_by_name, theme_names
from ..core.viewing import PRESET_ORDER, PRESETS

REPO = Path(__file__).resolve().parents[2]
GENERATED = "<!-- made by `seniormode docs` (python -m seniormode.lint.reference_docs); edit the code, not this -->"
VOICES = ("zh_Hans_CN", "yue_Hans_CN", "en")


def render_events(repo: Path = REPO) -> str:
    """Every event a script or scenario can send, and the 角度 button's presets with what the voice says."""
    missing = set(EVENT_KINDS) ^ set(EVENT_HELP)
    if missing:
        raise ValueError(f"events without words in EVENT_HELP, or words for no event: {sorted(missing)}")
    out = ["# Events: what a script or a scenario can do", "", GENERATED, "",
           "A scripted applicant (`seniormode simulate FLOW --script FILE`, `seniormode run FLOW --script FILE`) and",
           "a scenario's `events:` are lists of these. Write an event as a word (`ok`), or as a pair when it takes",
           "a value (`choose: macau`, `tick: 30`). An unknown event, or a value it cannot take, is an SM401 at its",
           "line before anything runs; a `choose:` for a tile the screen does not show is an SM401 at its line when",
           "it is played (the script stops there).", "",
           "| event | value | what it does |", "|---|---|---|"]
    for kind, value in EVENT_KINDS.items():
        shown = f"{value}" if value else ""
        out.append(f"| `{kind}` | {shown} | {EVENT_HELP[kind]} |")
    catalogs = Catalogs(repo / "locales")
    out += ["", "## The 角度 (viewing-angle) button", "",
            "Each press moves the screen's content to the next preset, in this order, and the voice says the",
            "preset's name (`view: NAME` goes straight to one; a rule can choose one with `view_preset`). The names",
            "are the kiosk's own words (`seniormode/core/messages.py`, `view_*`), translated in `kiosk.po`.", "",
            "| preset | content | " + " | ".join(f"spoken ({v})" for v in VOICES) + " |",
            "|---|---|" + "---|" * len(VOICES)]
    for name in PRESET_ORDER:
        adj = PRESETS[name]
        where = f"shift {adj.shift:+.0%} of the height, scale {adj.scale:.0%}, tilt {adj.tilt:+g}°"
        words = [catalogs.translate(message(f"view_{name}"), voice) for voice in VOICES]
        out.append(f"| `{name}` | {where} | " + " | ".join(words) + " |")
    return "\n".join(out) + "\n"


def render_icons(repo: Path = REPO) -> str:
    """The icon catalogue: name, picture, the words it means, and the themes that draw it differently."""
    here = repo / "themes" / "icons.yaml"  # the checkout's own, as lint reads it; else the toolkit's
    catalogue, _ = load_catalogue(here if here.is_file() else shipped_catalogue())
    themes = {name: load_theme_by_name(name) for name in theme_names()}
    out = ["# Icons", "", GENERATED, "",
           "Every icon a step or a choice can name (`icon: wave`). They are kept in one place,",
           "`themes/icons.yaml`, which every theme shares; a theme lists under its own `icons:` only an icon it",
           "draws differently. To add an icon: add a line to `themes/icons.yaml` with its emoji (one character;",
           "no flags, skin tones or joined emoji) and the words it means, then run `seniormode docs`.",
           "`seniormode lint` suggests an icon by these words: `icon: search` gets 'did you mean magnifier?'.", "",
           "| icon | picture | means | drawn differently in |", "|---|---|---|---|"]
    for name, emoji in catalogue.emoji.items():
        words = ", ".join(catalogue.synonyms.get(name, ()))
        others = ", ".join(f"{t} {theme.icon(name)}" for t, theme in themes.items() if theme.icon(name) != emoji)
        out.append(f"| `{name}` | {emoji} | {words} | {others} |")
    return "\n".join(out) + "\n"


PAGES = {"events.md": render_events, "icons.md": render_icons}


def write_reference_docs(repo: Path = REPO) -> list[Path]:
    written = []
    for name, render in PAGES.items():
        path = repo / "docs" / name
        path.write_text(render(repo), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_pages(repo: Path = REPO) -> list[str]:
    """The pages in docs/ that differ from what the code makes now."""
    return [name for name, render in PAGES.items()
            if not (repo / "docs" / name).is_file()
            or (repo / "docs" / name).read_text(encoding="utf-8") != render(repo)]


if __name__ == "__main__":
    for page in write_reference_docs():
        print(f"wrote {page}")
