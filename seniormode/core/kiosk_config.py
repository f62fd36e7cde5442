"""kiosk.yaml: one kiosk's configuration, read once into one object that the kiosk, the shipper and the release
client share (docs/kiosk.md).

Paths are relative to the kiosk.yaml's folder. Flows, the theme and the catalogs are relative to the content
root: the kiosk's folder at a desk, the verified release in force on a kiosk that pulls releases. A database
password is never written here: it comes from the environment or the file `database.password_file` names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .problems import FlowError, Location, Problems
from .reader import Fields
from .source import Mapping as YMapping
from .source import Scalar, display_path, load_file
from .theme import load_theme, load_theme_by_name

KIOSK_KEYS = ("kiosk", "description", "station", "flows", "theme", "locales", "voice", "screen", "tickets",
              "printer", "journal", "release", "database")
SCREEN_KEYS = ("size", "fullscreen")
JOURNAL_KEYS = ("path", "keep_days", "max_mb")
RELEASE_KEYS = ("origin", "branch", "public_key", "check_every", "pin", "store")
DATABASE_KEYS = ("url", "url_env", "password_file", "batch", "ship_every")
PRINTER_KEYS = ("queue", "timeout")
# A CUPS queue name: printable, no space, '/', '#' or quote (CUPS refuses those), and never an lp option.
QUEUE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,126}$")
PRINT_TIMEOUT = (1, 300)  # seconds lp may take to hand a slip to the scheduler

KIOSK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SIZE = re.compile(r"^([1-9][0-9]{2,4})x([1-9][0-9]{2,4})$")
DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d)?\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
BRANCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
KEEP_DAYS = (1, 3650)  # journal.keep_days, and --journal-days
MAX_MB = (1, 100_000)  # journal.max_mb, and --journal-max-mb


@dataclass(frozen=True)
class JournalConfig:
    path: Path | None = None  # None: sessions are not recorded
    keep_days: int = 90
    max_mb: int = 200


@dataclass(frozen=True)
class PrinterConfig:
    queue: str | None = None  # the CUPS queue receipts and tickets go to; None: no printer (the simulator buttons)
    timeout: float = 30.0


@dataclass(frozen=True)
class ReleaseConfig:
    origin: str | None = None  # a git remote (URL or path); None: the kiosk runs its own folder's flows
    branch: str = "releases"
    public_key: Path | None = None
    check_every: float = 900.0
    pin: str | None = None  # a release version staff chose: no newer one is taken, an older one may be
    store: Path = Path("state/releases")


@dataclass(frozen=True)
class DatabaseConfig:
    url: str | None = None  # postgresql://role@host/db, never with a password in it
    url_env: str = "SENIORMODE_DB_URL"  # an environment variable that may hold the whole URL instead
    password_file: Path | None = None
    batch: int = 500
    ship_every: float = 30.0

    def given(self, environ: Mapping[str, str]) -> bool:
        """A database to ship to: named in kiosk.yaml, or in the environment variable `url_env`."""
        return bool(self.url or environ.get(self.url_env))


@dataclass(frozen=True)
class KioskConfig:
    """Everything one kiosk is: built once (from kiosk.yaml, or from a command's arguments at a desk)."""

    kiosk_id: str
    file: Path | None = None  # the kiosk.yaml it came from
    folder: Path = Path(".")  # where relative paths start
    station: int | None = None
    flows: tuple[Path, ...] = ()  # relative to the content root; the first is the one the kiosk opens
    theme: str | None = None  # a theme name or file; None: the flow's own
    locales: Path = Path("locales")  # relative to the content root
    voice: bool = True
    size: tuple[int, int] = (1280, 800)
    fullscreen: bool = False
    tickets: Path = Path("state/tickets.sqlite")
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    journal: JournalConfig = field(default_factory=JournalConfig)
    release: ReleaseConfig = field(default_factory=ReleaseConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    flow_locations: tuple[Location, ...] = field(default=(), compare=False, repr=False)  # where each is named

    def content(self, root: Path | None = None) -> KioskContent:
        """The files the kiosk runs from `root` (a release's folder), or from its own folder."""
        base = root if root is not None else self.folder
        theme: Path | str | None = self.theme
        if self.theme is not None and (self.theme.endswith(".yaml") or "/" in self.theme):
            theme = base / self.theme
        elif self.theme is not None:
            theme = theme_in(base, self.theme)
        return KioskContent(base, tuple(base / f for f in self.flows), theme, base / self.locales)

    def with_changes(self, **changes: object) -> KioskConfig:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class KioskContent:
    root: Path
    flows: tuple[Path, ...]
    theme: Path | str | None
    locales: Path

    def theme_of(self, flow_theme: str) -> Path | str:
        """The theme to load: kiosk.yaml's, else the flow's own name, as a file of this root when it has one
        (a release's themes, not those of the folder the kiosk was started in), else the name."""
        return self.theme if self.theme is not None else theme_in(self.root, flow_theme)

    def load_theme(self, flow_theme: str) -> Any:
        """The Theme the kiosk shows a flow with (see theme_of); FlowError with its problems when it has errors."""
        chosen = self.theme_of(flow_theme)
        if isinstance(chosen, Path):
            theme, problems = load_theme(chosen)
            if theme is None:
                raise FlowError(problems.sorted())
            return theme
        return load_theme_by_name(chosen)


def theme_in(root: Path, name: str) -> Path | str:
    """themes/NAME.yaml of `root` when it has one (a release's own theme), else the name, for the usual lookup."""
    own = root / "themes" / f"{name}.yaml"
    return own if own.is_file() else name


def load_kiosk_config(path: str | Path) -> tuple[KioskConfig | None, Problems]:
    """Read kiosk.yaml; (None, problems) when it has errors, each at its file:line:col."""
    problems = Problems()
    path = Path(path)
    name = display_path(path)
    root = load_file(path, problems, name)
    if root is None:
        return None, problems
    if not isinstance(root, YMapping):
        problems.error("SM102", f"kiosk.yaml should be a group of 'key: value' lines, not {root.kind_name}",
                       root.location, "start with 'kiosk: hall-a-07'")
        return None, problems
    folder = path.resolve().parent
    f = Fields(root, KIOSK_KEYS, problems, "the kiosk configuration")
    kiosk = f.text("kiosk", required=True, example="hall-a-07")
    kiosk_id = ""
    if kiosk is not None:
        kiosk_id = str(kiosk.value)
        if not KIOSK_ID.match(kiosk_id):
            problems.error("SM108", f"'{kiosk_id}' is not a kiosk id", kiosk.location,
                           "letters, digits, '.', '-' and '_', up to 64, e.g. hall-a-07: journals carry it")
    f.text("description")
    station = f.number("station", 0, 99)
    if station is not None and not station.is_integer():
        problems.error("SM108", f"'station' is a whole number from 0 to 99, not {station}", f.location("station"))
    flows = []
    flow_locations = []
    for item in f.string_list("flows"):
        text = str(item.value)
        if not text.endswith(".yaml"):
            problems.error("SM108", f"'{text}' is not a flow file", item.location, "name a .yaml flow file")
        elif Path(text).is_absolute() or ".." in Path(text).parts:
            problems.error("SM108", f"'{text}' must be inside the kiosk's folder", item.location,
                           "write the path from the kiosk.yaml's folder (a release holds the same paths)")
        else:
            flows.append(Path(text))
            flow_locations.append(item.location)
    if f.has("flows") and not flows and not problems.has_errors:
        problems.error("SM108", "'flows' names no flow", f.location("flows"), "list at least one flow file")
    if not f.has("flows"):
        problems.error("SM103", "the kiosk configuration needs 'flows'", root.location,
                       "add 'flows: [flows_yaml/hk_macau_renewal.yaml]'")
    theme = f.text("theme")
    locales = f.text("locales")
    for node in (theme, locales):  # from the content root: a release signs what is inside it, nothing else
        if node is not None and (Path(str(node.value)).is_absolute() or ".." in Path(str(node.value)).parts):
            problems.error("SM108", f"'{node.value}' must be inside the kiosk's folder", node.location,
                           "write the path from the kiosk.yaml's folder (a release holds the same paths)")
    voice = f.boolean("voice")
    size, fullscreen = _screen(f, problems)
    tickets = f.text("tickets")
    config = KioskConfig(
        kiosk_id=kiosk_id, file=path, folder=folder, station=int(station) if station is not None else None,
        flows=tuple(flows), theme=str(theme.value) if theme else None,
        locales=Path(str(locales.value)) if locales else Path("locales"), voice=voice if voice is not None else True,
        size=size, fullscreen=fullscreen, tickets=folder / str(tickets.value) if tickets else
        folder / "state" / "tickets.sqlite", printer=_printer(f, problems), journal=_journal(f, folder, problems),
        release=_release(f, folder, problems), database=_database(f, folder, problems),
        flow_locations=tuple(flow_locations))
    if problems.has_errors:
        return None, problems
    return config, problems


def load_kiosk_config_or_raise(path: str | Path) -> KioskConfig:
    config, problems = load_kiosk_config(path)
    if config is None:
        raise FlowError(problems.sorted())
    return config


def parse_duration(text: str) -> float | None:
    """'90', '30s', '15m', '1h', '7d' -> seconds; None when it is none of these."""
    match = DURATION.match(text)
    if match is None:
        return None
    return float(match.group(1)) * _UNIT[match.group(2)]


def _duration(f: Fields, key: str, default: float, low: float, high: float, problems: Problems) -> float:
    node = f.node_of(key)
    if node is None:
        return default
    if isinstance(node, Scalar) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        seconds: float | None = float(node.value)
    elif isinstance(node, Scalar) and isinstance(node.value, str):
        seconds = parse_duration(node.value)
    else:
        seconds = None
    if seconds is None or not low <= seconds <= high:
        problems.error("SM108", f"'{key}' is {getattr(node, 'value', node.kind_name)!r}; it must be a time from "
                       f"{int(low)} s to {_span(high)}", node.location,
                       "seconds, or a number with s, m, h or d: 30s, 15m, 1h")
        return default
    return seconds


def _span(seconds: float) -> str:
    """An upper bound in the unit it was thought of in: 300 s, 7 days."""
    return f"{int(seconds / 86400)} days" if seconds >= 86400 else f"{int(seconds)} s"


def _screen(f: Fields, problems: Problems) -> tuple[tuple[int, int], bool]:
    node = f.mapping("screen")
    if node is None:
        return (1280, 800), False
    s = Fields(node, SCREEN_KEYS, problems, "screen")
    size = (1280, 800)
    text = s.text("size")
    if text is not None:
        match = SIZE.match(str(text.value).strip())
        if match is None:
            problems.error("SM108", f"'{text.value}' is not a screen size", text.location,
                           "WIDTHxHEIGHT in pixels, e.g. 1280x800")
        else:
            size = (int(match.group(1)), int(match.group(2)))
    fullscreen = s.boolean("fullscreen")
    return size, bool(fullscreen)


def _journal(f: Fields, folder: Path, problems: Problems) -> JournalConfig:
    node = f.mapping("journal")
    if node is None:
        return JournalConfig()
    j = Fields(node, JOURNAL_KEYS, problems, "journal")
    path = j.text("path", required=True, example="state/journal.sqlite")
    days = j.number("keep_days", *KEEP_DAYS)
    size = j.number("max_mb", *MAX_MB)
    return JournalConfig(folder / str(path.value) if path else None, int(days or 90), int(size or 200))


def _printer(f: Fields, problems: Problems) -> PrinterConfig:
    node = f.mapping("printer")
    if node is None:
        return PrinterConfig()
    p = Fields(node, PRINTER_KEYS, problems, "printer")
    queue = p.text("queue", required=True, example="receipts")
    name = str(queue.value) if queue is not None else None
    if queue is not None and not QUEUE.match(str(name)):
        problems.error("SM108", f"'{name}' is not a CUPS printer queue name", queue.location,
                       "the name 'lpstat -p' shows: letters, digits, '_', '-', '.', no spaces")
        name = None
    return PrinterConfig(name, _duration(p, "timeout", 30.0, PRINT_TIMEOUT[0], PRINT_TIMEOUT[1], problems))


def _release(f: Fields, folder: Path, problems: Problems) -> ReleaseConfig:
    node = f.mapping("release")
    if node is None:
        return ReleaseConfig(store=folder / "state" / "releases")
    r = Fields(node, RELEASE_KEYS, problems, "release")
    origin = r.text("origin", required=True, example="https://git.hall.example/flows.git")
    key = r.text("public_key", required=True, example="keys/release.pub")
    branch = r.text("branch")
    if branch is not None and not BRANCH.match(str(branch.value)):
        problems.error("SM108", f"'{branch.value}' is not a git branch name", branch.location)
    pin = r.text("pin")
    store = r.text("store")
    origin_text = str(origin.value) if origin else None
    if origin_text is not None and origin_text.startswith("-"):
        problems.error("SM108", f"'{origin_text}' is not a git remote", origin.location,  # type: ignore[union-attr]
                       "a URL (https://, ssh://, git@host:path) or a folder path")
        origin_text = None
    if origin_text and "://" not in origin_text and not origin_text.startswith("git@"):
        origin_text = str((folder / origin_text).resolve()) if not Path(origin_text).is_absolute() else origin_text
    return ReleaseConfig(
        origin=origin_text, branch=str(branch.value) if branch else "releases",
        public_key=folder / str(key.value) if key else None,
        check_every=_duration(r, "check_every", 900.0, 10, 7 * 86400, problems),
        pin=str(pin.value) if pin else None,
        store=folder / str(store.value) if store else folder / "state" / "releases")


def _database(f: Fields, folder: Path, problems: Problems) -> DatabaseConfig:
    node = f.mapping("database")
    if node is None:
        return DatabaseConfig()
    d = Fields(node, DATABASE_KEYS, problems, "database")
    url = d.text("url")
    url_ok = url is not None
    if url is not None:
        parts = urlsplit(str(url.value))
        if parts.scheme not in ("postgresql", "postgres"):
            url_ok = False
            problems.error("SM108", "the database URL is not a PostgreSQL URL", url.location,  # never echoed
                           "postgresql://kiosk@db.hall.example/seniormode")
        elif parts.password is not None or "password=" in parts.query:
            url_ok = False  # said without the URL: the message must not carry the password into a log.
            problems.error("SM108", "the database URL holds a password", url.location,
                           "a password never goes into kiosk.yaml: put it in the file 'password_file' names, "
                           "or in the environment (PGPASSWORD)")
    env = d.text("url_env")
    if env is not None and not ENV_NAME.match(str(env.value)):
        problems.error("SM108", f"'{env.value}' is not an environment variable name", env.location,
                       "capitals, digits and _, e.g. SENIORMODE_DB_URL")
    password = d.text("password_file")
    batch = d.number("batch", 1, 10_000)
    return DatabaseConfig(
        url=str(url.value) if url is not None and url_ok else None,
        url_env=str(env.value) if env else "SENIORMODE_DB_URL",
        password_file=folder / str(password.value) if password else None, batch=int(batch or 500),
        ship_every=_duration(d, "ship_every", 30.0, 1, 86400, problems))


def kiosk_file_problems(path: str | Path) -> Problems:
    """What `seniormode lint` says of a kiosk.yaml: its own problems, then (for a kiosk that runs its own folder,
    not releases) a flow it names that is not there."""
    config, problems = load_kiosk_config(path)
    if config is None or config.release.origin is not None:
        return problems
    for flow, where in zip(config.content().flows, config.flow_locations, strict=True):
        if not flow.is_file():
            problems.error("SM004", f"there is no flow file {flow}", where,
                           "the path is from the kiosk.yaml's folder")
    return problems


__all__ = ["DatabaseConfig", "JournalConfig", "KioskConfig", "KioskContent", "PrinterConfig", "ReleaseConfig",
           "kiosk_file_problems", "load_kiosk_config", "load_kiosk_config_or_raise", "parse_duration", "theme_in"]
