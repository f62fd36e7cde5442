"""Sped-up soak of the Kivy kiosk: complete sessions, one after another, in ONE kiosk process; memory sampled.

    xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python bench/soak_bench.py
    ... bench/soak_bench.py --sessions 2000 --no-bare   # the issue's full soak, the kiosk only (30,000 changes)
    ... bench/soak_bench.py --sessions 3 --sample-every 1 --no-bare   # screen by screen: the first sessions' warm-up

Issue 15, goal 4: RSS after 2,000 screen changes within 5% of RSS after 200; peak RSS <= 1.3x the bare app.

What runs (each side in its own fresh process, the two side by side, one window each under the same Xvfb):
- kiosk: what bench/kiosk_bench.py's children start (kiosk_bench.start_kiosk: runtime.configure at 1280x800,
  KioskApp on hk_macau_renewal, senior theme, a Session for a 76-year-old, tick=False). Each session is the demo
  walk (kiosk_bench.WALK: welcome -> ... -> rating) with the demo script's hesitation on the summary (a tick of the
  step's time-out: the warning overlay; `extend`: it goes), then `choose satisfied` (the goodbye screen) and a tick
  of the goodbye's time-out: the session's own Reset and the welcome screen, in the same Session and StepView, as a
  kiosk does when the applicant walks away. 15 screen changes per session, each sent with app.send(Event) (the
  path of kiosk_bench's part 2 `send`).
- bare: the same number of screen changes in plain Kivy (BoxLayout, Label, Button, Image): the shapes of the
  kiosk's 15 screens are read off its widget tree by bench/bare_screens.shape_of in a short first child (as
  kiosk_bench's 2b does), then each change rebuilds the next shape the obvious way (bare_screens.build: the old
  screen's widgets cleared, new ones added, the same font files and emoji font); Python's GC left as it is.

What is sped up (skipped), and why:
- Drawing: only every DRAW_EVERY-th screen change (97, a prime, so the drawn screens go round all 15 steps) and
  each screen where a sample is taken are drawn and flipped (EventLoop.idle until on_flip, then glFinish, as
  kiosk_bench.Frames.until_flipped). Every other change gets one Kivy frame WITHOUT the window's on_draw/on_flip:
  Clock.tick, input, Builder.sync, Clock.tick_draw, Builder.sync run (layout, FitLabel refits, label textures
  rendered and uploaded, Kivy's deferred GL frees), the canvas is not drawn. A flip adds 52 ms median on a quiet
  machine (kiosk_bench, llvmpipe) and ~165 ms under load 7: for 30,000 changes 26-80 minutes of drawing.
- Kivy's 60 fps frame pacing (Clock._max_fps = 0 in both children): it only sleeps.
- The applicant's reading time: the kiosk collects garbage 0.4 s after each new screen (KioskApp._collect); here
  that collection runs right after the frame (the pending Clock event cancelled): once per screen change, as at a
  real kiosk, where nobody reads a screen in under 0.4 s.
- Not in the soak: the voice (no speech service: Speak effects reach VoicePlayer with nothing to play), the journal
  (no recorder), real touches (app.send; kiosk_bench's part 2 has the touch path), the 1 s tick timer.
What a run costs (2026-12-04, this 2-core machine, shared): a screen change takes 23 ms of CPU in the kiosk
(~5 ms of it the per-screen gc.collect; the ~100 drawn ones included) and 28 ms in the bare app. The default, 300
sessions (4,500 changes, 2.25x past the 2,000 the goal reads), is 102 + 126 s of CPU in the two children: about
2.5 minutes side by side on a quiet machine; measured 6.3 minutes at load average 4.5 and 12.6 at 7. The issue's
2,000 sessions (30,000 changes) are 678 s of CPU for the kiosk alone (28 minutes at load 7), so they are
`--sessions 2000`, not the default: drawing is not what makes them long.

Samples every SAMPLE_EVERY (150) screen changes, so on the welcome screen right after a Reset, and at 200 and
2,000 (both on the same step, photo_source); after that change's frame and collection, inside each child:
- RSS: /proc/self/statm (resident now), ru_maxrss (the peak so far); glibc's mallinfo2 (bytes malloc has handed
  out: C libraries and Python's large blocks) and sys.getallocatedblocks() (Python's small objects), to tell
  native growth from Python growth.
- textures: live kivy.graphics.texture.Texture objects (TextureRegion included), found among gc.get_objects()
  plus those KioskApp.build's gc.freeze() hides from it (held by weak reference from that freeze). A Texture owns
  its GL texture until it is freed, so this counts what the GL holds; Kivy's kivy.cache.Cache categories (only
  image/atlas/loader textures go there, label textures never do) and seniormode's emoji texture cache are printed
  beside it. Kivy's Cache alone would miss every label texture.
- Python objects: len(gc.get_objects()) + gc.get_freeze_count(); widgets: live kivy Widget objects (and those in
  the window's tree; and of the frozen ones, how many are still in it).
- fonts Kivy's SDL2 text provider holds open (one TTF_Font per font file, size and style; it keeps the last 64;
  ~1.4 MiB each for the CJK face): counted by wrapping LabelSDL2._get_font_id and replaying that cache's rule.
At 200, 300, 2,000 changes and at the end, the live objects are counted by type and every list/dict/set/deque of
50+ items by identity (also those frozen at start-up: the kiosk child holds a list of them from the freeze); the
types and containers that grew are printed. Samples: out/bench/soak.json (and, as they
are taken, out/bench/soak-kiosk|bare.progress.jsonl); the plot: out/bench/soak.png.
Children are this file run with `--child shapes|kiosk|bare`; each prints one JSON line.
"""

from __future__ import annotations

import time

T_TOP = time.time()

import argparse  # noqa: E402
import collections  # noqa: E402
import ctypes  # noqa: E402
import gc  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import weakref  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kiosk_bench import SIZE, WALK, collect_now, cpu_model, gl_renderer  # noqa: E402

XVFB = 'xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python bench/soak_bench.py'
SESSIONS = 300  # 4,500 screen changes: the 2,000 sessions take ~12 min of CPU alone (see the docstring)
SAMPLE_EVERY = 150  # 10 sessions: each sample on the welcome screen just after a Reset
DRAW_EVERY = 97
CENSUS_AT = (200, 300, 2000)  # screen changes; and at the end (200/2000: the same screen; 300/end: welcome)
# One applicant: the demo walk, with the demo script's hesitation on the summary ('timeout': a tick of the step's
# time-out) and 'extend', then the rating, and the goodbye screen's time-out (the session's Reset: welcome again).
_HESITATE = WALK.index(("choose", "reuse")) + 1
SESSION = WALK[:_HESITATE] + [("tick", "timeout"), ("extend", None)] + WALK[_HESITATE:] + [
    ("choose", "satisfied"), ("tick", "timeout")]
OVERLAY_ONLY = {_HESITATE, _HESITATE + 1}  # indexes in SESSION of the two events that change no screen
CHANGES_PER_SESSION = len(SESSION) - len(OVERLAY_ONLY)
PAGE = os.sysconf("SC_PAGE_SIZE")
PROGRESS = os.environ.get("SOAK_PROGRESS", "")


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE // 1024


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def malloc_kib() -> dict[str, int]:
    """glibc's own count: bytes in use from malloc (C and Python's large blocks alike), and held free in its arenas."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {"malloc_used_kib": (m.uordblks + m.hblkhd) // 1024, "malloc_free_kib": m.fordblks // 1024}


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# ---- children ---------------------------------------------------------------------------------------------
class OpenFonts:
    """Which fonts Kivy's SDL2 text provider has open: it opens one TTF_Font per font file, size and style (the
    fontid of LabelSDL2._get_font_id) and keeps the last 64 opened (first in, first out: kivy/core/text/
    _text_sdl2.pyx, sdl2_cache and sdl2_cache_order, not reachable from Python). Counted by wrapping
    _get_font_id, which _get_font calls for every measure and render, and replaying that cache's rule."""

    LIMIT = 64

    def __init__(self) -> None:
        from kivy.core.text import Label as CoreLabel

        self.order: list[str] = []
        self.open: set[str] = set()
        self.seen: set[str] = set()
        self.opens = 0
        font_id = CoreLabel._get_font_id
        fonts = self

        def counted(label: Any) -> str:
            fid = font_id(label)
            if fid not in fonts.open:
                fonts.opens += 1
                fonts.open.add(fid)
                fonts.seen.add(fid)
                fonts.order.append(fid)
                while len(fonts.order) > fonts.LIMIT:
                    fonts.open.discard(fonts.order.pop(0))
            return fid  # type: ignore[no-any-return]

        CoreLabel._get_font_id = counted


class Soak:
    """The frame and sampling loop both children share."""

    def __init__(self, total: int, draw_every: int, sample_every: int,
                 fonts: OpenFonts, frozen: weakref.WeakSet[Any] | None = None) -> None:
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.core.window import Window
        from kivy.graphics.opengl import glFinish
        from kivy.graphics.texture import Texture
        from kivy.lang import Builder
        from kivy.uix.widget import Widget

        Clock._max_fps = 0  # noqa: SLF001 - no frame pacing: it only sleeps
        self.loop, self.clock, self.builder, self.window, self.finish = EventLoop, Clock, Builder, Window, glFinish
        self.Texture, self.Widget = Texture, Widget
        self.total, self.draw_every, self.sample_every = total, draw_every, sample_every
        self.frozen = frozen if frozen is not None else weakref.WeakSet()
        self.fonts = fonts
        self.samples: list[dict[str, Any]] = []
        self.census: dict[str, dict[str, int]] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.drawn = self.changes = 0
        self.flips = 0
        self.t_frames = self.t_sample = 0.0
        Window.bind(on_flip=self._flipped)

    def _flipped(self, *_: Any) -> None:
        self.flips += 1

    def frame(self, draw: bool) -> None:
        t = time.perf_counter()
        if draw:
            since = self.flips
            while self.flips <= since:
                self.loop.idle()
            self.finish()
            self.drawn += 1
        else:  # EventLoop.idle() without the window's on_draw / on_flip
            self.clock.tick()
            self.loop.dispatch_input()
            self.builder.sync()
            self.clock.tick_draw()
            self.builder.sync()
        self.t_frames += time.perf_counter() - t

    def changed(self) -> bool:
        """One more screen change was sent; its frame (drawn or not). True when a sample is due after it."""
        self.changes += 1
        due = self.changes % self.sample_every == 0 or self.changes in CENSUS_AT or self.changes == self.total
        self.frame(draw=due or self.changes % self.draw_every == 0)
        return due

    def sample(self, extra: dict[str, Any] | None = None) -> None:
        t = time.perf_counter()
        textures = widgets = 0
        tex_px = 0
        objects = gc.get_objects()
        for o in objects:
            cls = type(o)
            if issubclass(cls, self.Texture):
                textures += 1
                tex_px += o.width * o.height
            elif issubclass(cls, self.Widget):
                widgets += 1
        frozen_textures = frozen_widgets = frozen_in_tree = 0
        tree = {id(w) for root in self.window.children for w in root.walk(restrict=True)}
        for o in list(self.frozen):
            if isinstance(o, self.Texture):
                frozen_textures += 1
                tex_px += o.width * o.height
            else:
                frozen_widgets += 1
                frozen_in_tree += id(o) in tree
        textures += frozen_textures
        widgets += frozen_widgets
        in_tree = len(tree)
        row = {"changes": self.changes, "rss_kib": rss_kib(), "max_rss_kib": max_rss_kib(), "textures": textures,
               "texture_mpx": tex_px / 1e6, "objects": len(objects) + gc.get_freeze_count(), "widgets": widgets,
               "widgets_in_tree": in_tree, "frozen_textures": frozen_textures, "frozen_widgets": frozen_widgets,
               "frozen_widgets_in_tree": frozen_in_tree, "drawn": self.drawn, "t": time.perf_counter() - T_START,
               "fonts_open": len(self.fonts.open), "font_sizes_seen": len(self.fonts.seen),
               "font_opens": self.fonts.opens, "cpu_s": cpu_s(), "py_blocks": sys.getallocatedblocks(), **malloc_kib()}
        row.update(extra or {})
        del objects
        if self.changes in CENSUS_AT or self.changes == self.total:
            gc.collect()  # what is live, not what awaits collection (the bare app leaves that to Python's GC)
            self.census[str(self.changes)] = type_census()
            self.containers[str(self.changes)] = big_containers(self)
        self.samples.append(row)
        if PROGRESS:  # one line per sample as it is taken: a long soak can be watched (tail -f) or salvaged
            with open(PROGRESS, "a") as f:
                f.write(json.dumps(row) + "\n")
        self.t_sample += time.perf_counter() - t


FROZEN_CONTAINERS: list[Any] = []  # the kiosk's lists/dicts/sets/deques at KioskApp.build's gc.freeze() (held)
CONTAINERS = (list, dict, set, collections.deque)


def big_containers(mine: Any, least: int = 50) -> dict[str, Any]:
    """Every list, dict, set and deque with at least `least` items, by identity, the frozen ones too (module-level
    caches are made before the freeze): its length and a hint of what it holds (a container that keeps growing
    while the object count stays the same holds untracked items: str, int, float)."""
    out: dict[str, Any] = {}
    skip = {id(mine.census), id(mine.containers), id(mine.samples), id(FROZEN_CONTAINERS)}
    skip |= {id(v) for v in itertools.chain(mine.census.values(), mine.containers.values())}
    for o in itertools.chain(gc.get_objects(), FROZEN_CONTAINERS):
        if type(o) in CONTAINERS and len(o) >= least and id(o) not in skip:
            try:
                sample = next(iter(o))
                hint = f"{type(o).__name__} of {type(sample).__name__}: {str(sample)[:60]!r}"
            except Exception as e:  # noqa: BLE001 - a hint only
                hint = f"{type(o).__name__} ({type(e).__name__})"
            out[str(id(o))] = (len(o), hint)  # a tuple of atoms: untracked by the next collection, not counted
    return out


def container_kinds(boxes: dict[str, Any]) -> collections.Counter[str]:
    kinds: collections.Counter[str] = collections.Counter()
    for n, hint in boxes.values():
        kinds[hint.split(":")[0]] += n
    return kinds


def type_census() -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for o in gc.get_objects():
        cls = type(o)
        counts[f"{cls.__module__}.{cls.__qualname__}"] += 1
    return dict(counts)


def kivy_caches() -> dict[str, Any]:
    from kivy.cache import Cache

    objects = Cache._objects  # noqa: SLF001 - Kivy keeps no public listing of its categories
    return {cat: {"n": len(items), "keys": [str(k)[:80] for k in list(items)[:12]]}
            for cat, items in sorted(objects.items())}


T_START = time.perf_counter()


def child_shapes() -> dict[str, Any]:
    """One session in the kiosk; the shape of each of its screens (bench/bare_screens.shape_of), the fonts."""
    from kiosk_bench import start_kiosk

    app, frames, _ = start_kiosk(tick=False)
    frames.settled()
    from bare_screens import shape_of
    from kivy.core.text import LabelBase
    from kivy.core.window import Window

    from seniormode.kivy_ui.fonts import EMOJI_FONT, FONT, FONT_BOLD

    fonts = {name: LabelBase._fonts[name][0] for name in (FONT, FONT_BOLD)}  # noqa: SLF001
    screens = [{"step": app.view.current.step if app.view.current else "?", "shape": shape_of(app.view, fonts)[0]}]
    for i, (kind, value) in enumerate(SESSION):
        send(app, kind, value)
        frames.until_flipped(frames.flips)
        frames.settled()
        if i not in OVERLAY_ONLY:
            screens.append({"step": app.view.current.step if app.view.current else "?",
                            "shape": shape_of(app.view, fonts)[0]})
    return {"screens": screens, "emoji_font": LabelBase._fonts[EMOJI_FONT][0],  # noqa: SLF001
            "window": list(Window.size)}


def send(app: Any, kind: str, value: Any) -> list[Any]:
    from seniormode.core.events import Event

    if value == "timeout":
        value = app.session.step_timeout()
    effects: list[Any] = app.send(Event(kind, value))
    return effects


def child_kiosk(sessions: int, draw_every: int, sample_every: int) -> dict[str, Any]:
    from kiosk_bench import start_kiosk

    from seniormode.kivy_ui import runtime

    runtime.configure(size=SIZE)  # what start_kiosk does first; then the font count, before any text is measured
    fonts = OpenFonts()
    frozen: weakref.WeakSet[Any] = weakref.WeakSet()
    real_freeze = gc.freeze

    def freeze() -> None:  # KioskApp.build's gc.freeze(), with a note of the textures and widgets it hides
        from kivy.graphics.texture import Texture
        from kivy.uix.widget import Widget

        everything = gc.get_objects()
        frozen.update(o for o in everything if issubclass(type(o), (Texture, Widget)))
        FROZEN_CONTAINERS.extend(o for o in everything if type(o) in CONTAINERS)
        del everything
        real_freeze()

    gc.freeze = freeze
    try:
        app, frames, marks = start_kiosk(tick=False)
    finally:
        gc.freeze = real_freeze
    if not frozen:
        raise SystemExit("KioskApp.build no longer calls gc.freeze(): the soak's counts need a look")
    soak = Soak(sessions * CHANGES_PER_SESSION, draw_every, sample_every, fonts, frozen)
    frames.settled()
    from seniormode.core.effects import Reset, ShowStep, WarnTimeout
    from seniormode.kivy_ui import widgets

    first = {"step": app.view.current.step if app.view.current else None, "first_frame_s": marks["first_frame"] - T_TOP}
    soak.sample(first)
    resets = warnings = not_changed = 0
    steps: collections.Counter[str] = collections.Counter()
    for _ in range(sessions):
        for i, (kind, value) in enumerate(SESSION):
            before = app.view.current.step if app.view.current else None
            effects = send(app, kind, value)
            resets += any(isinstance(e, Reset) for e in effects)
            warnings += any(isinstance(e, WarnTimeout) for e in effects)
            if i in OVERLAY_ONLY:
                soak.frame(draw=False)
                continue
            shown = [e.step for e in effects if isinstance(e, ShowStep)]
            not_changed += not shown or shown[-1] == before
            steps[shown[-1] if shown else "?"] += 1
            due = soak.changed()
            collect_now(app)  # its collection 0.4 s later, now (see docstring)
            if due:
                soak.sample()
    return {"samples": soak.samples, "census": soak.census, "containers": soak.containers, "caches": kivy_caches(),
            "emoji_cache": {"n": len(widgets._emoji_textures), "keys": list(widgets._emoji_textures)[:40]},  # noqa: SLF001
            "font_ids": sorted(soak.fonts.seen),
            "changes": soak.changes, "drawn": soak.drawn, "resets": resets, "warnings": warnings,
            "not_changed": not_changed, "steps": dict(steps), "frozen_tracked": len(soak.frozen),
            "t_frames": soak.t_frames, "t_sample": soak.t_sample, "t_all": time.perf_counter() - T_START,
            "cpu_s": cpu_s(), "gl": gl_renderer(), "window": list(soak.window.size)}


def child_bare(shapes_file: str, sessions: int, draw_every: int, sample_every: int) -> dict[str, Any]:
    from seniormode.kivy_ui import runtime

    runtime.configure(size=SIZE)
    fonts = OpenFonts()
    data = json.loads(Path(shapes_file).read_text())
    screens = data["screens"]
    from bare_screens import BareEmoji, build
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.floatlayout import FloatLayout

    emoji = BareEmoji(data["emoji_font"])
    holder = FloatLayout()

    class BareApp(App):  # type: ignore[misc]
        def build(self) -> FloatLayout:
            return holder

    Window.clearcolor = (1, 1, 1, 1)
    app = BareApp()
    app._run_prepare()  # noqa: SLF001 - as kiosk_bench's bare child
    soak = Soak(sessions * CHANGES_PER_SESSION, draw_every, sample_every, fonts)
    size = tuple(Window.size)

    def show(shape: Any) -> None:
        screen = build(shape, emoji)
        screen.size_hint = (None, None)
        screen.size = size
        holder.clear_widgets()
        holder.add_widget(screen)

    show(screens[0]["shape"])
    soak.frame(draw=True)
    soak.sample({"step": screens[0]["step"]})
    cycle = screens[1:]  # the 15 changes of one session, the last back to the welcome screen
    for _ in range(sessions):
        for s in cycle:
            show(s["shape"])
            if soak.changed():
                soak.sample()
    return {"samples": soak.samples, "census": soak.census, "containers": soak.containers, "caches": kivy_caches(),
            "emoji_cache": {"n": len(emoji.textures), "keys": list(emoji.textures)},
            "font_ids": sorted(soak.fonts.seen),
            "changes": soak.changes, "drawn": soak.drawn, "t_frames": soak.t_frames, "t_sample": soak.t_sample,
            "t_all": time.perf_counter() - T_START, "cpu_s": cpu_s(), "window": list(Window.size)}


def child_main(args: argparse.Namespace) -> None:
    if args.child == "shapes":
        out = child_shapes()
    elif args.child == "kiosk":
        out = child_kiosk(args.sessions, args.draw_every, args.sample_every)
    else:
        out = child_bare(args.shapes, args.sessions, args.draw_every, args.sample_every)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# ---- parent -----------------------------------------------------------------------------------------------
def start_child(kind: str, args: argparse.Namespace, home: str, extra: list[str] | None = None) -> Any:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--sessions", str(args.sessions),
            "--draw-every", str(args.draw_every), "--sample-every", str(args.sample_every)] + (extra or [])
    env = dict(os.environ, KIVY_HOME=tempfile.mkdtemp(prefix=f"soak-{kind}-", dir=home), KIVY_NO_ARGS="1",
               SOAK_PROGRESS=str(Path(args.out) / f"soak-{kind}.progress.jsonl"))
    Path(env["SOAK_PROGRESS"]).unlink(missing_ok=True)
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(kind: str, proc: Any, timeout: float) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((err or out).splitlines()[-25:])
        raise SystemExit(f"child '{kind}' failed (exit {proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def at(samples: list[dict[str, Any]], changes: int) -> dict[str, Any]:
    """The sample taken at `changes` screen changes (or the nearest one before it)."""
    before = [s for s in samples if s["changes"] <= changes]
    return before[-1] if before else samples[0]


def mib(kib: float) -> str:
    return f"{kib / 1024:7.1f}"


def growth(census: dict[str, dict[str, int]], a: str, b: str, n: int = 12) -> list[tuple[str, int, int]]:
    if a not in census or b not in census:
        return []
    ca, cb = census[a], census[b]
    rows = [(k, ca.get(k, 0), cb.get(k, 0)) for k in set(ca) | set(cb)]
    return sorted((r for r in rows if r[2] != r[1]), key=lambda r: -(r[2] - r[1]))[:n]


def report(kiosk: dict[str, Any], bare: dict[str, Any] | None, args: argparse.Namespace) -> None:
    print()
    total = kiosk["changes"]
    print(f"kiosk: {args.sessions} sessions, {total} screen changes ({kiosk['resets']} resets by the goodbye's "
          f"time-out, {kiosk['warnings']} time-out warnings; {kiosk['not_changed']} events that did not change "
          f"the step), {kiosk['drawn']} of them drawn and flipped; {kiosk['t_all']:.0f} s in the child "
          f"({kiosk['t_frames']:.0f} s in frames, {kiosk['t_sample']:.0f} s sampling)")
    print("   screens: " + ", ".join(f"{k} {v}" for k, v in kiosk["steps"].items()))
    if bare is not None:
        print(f"bare:  {bare['changes']} screen changes of the same 15 shapes, {bare['drawn']} drawn; "
              f"{bare['t_all']:.0f} s in the child")
    sides = [("kiosk", kiosk)] + ([("bare", bare)] if bare is not None else [])
    points = [("first screen", 0), ("after 200 changes", 200), ("after 2,000 changes", 2000),
              (f"at the end ({total})", total)]
    print()
    head = "".join(f"{name + ' RSS':>13}{'textures':>10}{'objects':>10}{'widgets':>9}" for name, _ in sides)
    print(f"   {'':24}{head}")
    for label, n in points:
        cells = ""
        for _, side in sides:
            s = at(side["samples"], n)
            cells += f"{mib(s['rss_kib']):>10} MiB{s['textures']:10d}{s['objects']:10d}{s['widgets']:9d}"
        print(f"   {label:24}{cells}")
    cells = ""
    for _, side in sides:
        ss = side["samples"]
        cells += (f"{mib(ss[-1]['max_rss_kib']):>10} MiB{max(s['textures'] for s in ss):10d}"
                  f"{max(s['objects'] for s in ss):10d}{max(s['widgets'] for s in ss):9d}")
    print(f"   {'peak (ru_maxrss; max)':24}{cells}")
    print("   (RSS: /proc/self/statm at the sample; textures: live kivy Texture objects; objects: gc-tracked + "
          "frozen; widgets: live kivy Widget objects)")
    for name, side in sides:
        a, b = at(side["samples"], 200), at(side["samples"], 2000)
        print(f"   {name}: RSS after 2,000 / after 200 changes = {b['rss_kib'] / a['rss_kib']:.3f} "
              f"({(b['rss_kib'] - a['rss_kib']) / 1024:+.1f} MiB; goal within 5%); textures {a['textures']} -> "
              f"{b['textures']}; at the end / after 200: RSS {side['samples'][-1]['rss_kib'] / a['rss_kib']:.3f}")
    if bare is not None:
        k, b = kiosk["samples"][-1]["max_rss_kib"], bare["samples"][-1]["max_rss_kib"]
        print(f"   peak RSS kiosk / bare: {k / 1024:.1f} / {b / 1024:.1f} MiB = {k / b:.2f}x (goal <= 1.3x)")
    print()
    for name, side in sides:
        ss = side["samples"]
        a, b, z = at(ss, 200), at(ss, 2000), ss[-1]
        if "malloc_used_kib" in a:
            print(f"   {name}, where RSS went, at 200 / 2,000 / {z['changes']} changes: RSS {mib(a['rss_kib'])} /"
                  f"{mib(b['rss_kib'])} /{mib(z['rss_kib'])} MiB; glibc malloc in use {mib(a['malloc_used_kib'])} /"
                  f"{mib(b['malloc_used_kib'])} /{mib(z['malloc_used_kib'])} MiB (free in its arenas "
                  f"{z['malloc_free_kib'] / 1024:.1f}); pymalloc blocks {a['py_blocks']} / {b['py_blocks']} / "
                  f"{z['py_blocks']}")
        if "fonts_open" in z:
            print(f"   {name}: fonts open in Kivy's SDL2 text provider (one TTF_Font per font file, size and style; "
                  f"it keeps 64): {ss[0]['fonts_open']} at the first screen, {z['fonts_open']} at the end; "
                  f"{z['font_sizes_seen']} distinct, {z['font_opens']} opens in all")
    print()
    print("what the kiosk's textures are: " + "; ".join(
        f"Kivy Cache '{cat}': {c['n']}" for cat, c in kiosk["caches"].items() if c["n"]) +
        f"; seniormode emoji cache: {kiosk['emoji_cache']['n']} ({''.join(kiosk['emoji_cache']['keys'])})")
    for name, side in sides:
        last = str(side["changes"])
        for since, until in (("200", "2000"), ("300", last)):
            grew = growth(side["census"], since, until)
            span = f"{since} -> {until}"
            if grew:
                print(f"   {name}, live objects by type that changed most, {span} changes: "
                      + ", ".join(f"{k.split('.')[-1]} {x}->{y}" for k, x, y in grew[:8]))
        boxes = side.get("containers", {})
        if "300" in boxes and last in boxes:
            a_, z_ = boxes["300"], boxes[last]
            grown = sorted(((z_[k][0] - a_[k][0], a_[k][0], z_[k][0], z_[k][1]) for k in z_ if k in a_),
                           reverse=True)
            # by kind (a screen's containers are new ones each time): items in all containers of a kind, summed
            ka, kz = container_kinds(a_), container_kinds(z_)
            kinds = sorted(((kz[k] - ka.get(k, 0), ka.get(k, 0), kz[k], k) for k in kz), reverse=True)
            shown = [f"{h} {x}->{y}" for d, x, y, h in grown[:5] if d > 0] + [
                f"all {k}s {x}->{y} items" for d, x, y, k in kinds[:4] if d > 0]
            print(f"   {name}, containers (>= 50 items; frozen ones too) that grew, 300 -> {last} changes: "
                  + ("; ".join(shown) if shown else "none"))


def plot(kiosk: dict[str, Any], bare: dict[str, Any] | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for name, side, colour in (("kiosk", kiosk, "tab:blue"), ("bare Kivy", bare, "tab:orange")):
        if side is None:
            continue
        xs = [s["changes"] for s in side["samples"]]
        top.plot(xs, [s["rss_kib"] / 1024 for s in side["samples"]], color=colour, label=f"{name} RSS")
        top.plot(xs, [s["max_rss_kib"] / 1024 for s in side["samples"]], color=colour, linestyle=":",
                 label=f"{name} peak RSS")
        bottom.plot(xs, [s["textures"] for s in side["samples"]], color=colour,
                    label=f"{name} live textures" + (" (and garbage Python's GC has not reached)" if side is bare
                                                     else ""))
    a = at(kiosk["samples"], 200)["rss_kib"] / 1024
    top.axhspan(a * 0.95, a * 1.05, color="tab:blue", alpha=0.08, label="kiosk RSS at 200 changes +-5%")
    for ax in (top, bottom):
        ax.set_xscale("symlog", linthresh=200, linscale=0.5)  # the first 200 linear, then by decades
        ax.axvline(200, color="grey", linewidth=0.6)
        ax.axvline(2000, color="grey", linewidth=0.6)
        ax.grid(alpha=0.3)
        ax.legend(loc="center right", fontsize=8)
    top.set_ylabel("MiB")
    bottom.set_ylabel("Texture objects")
    bottom.set_xlabel("screen changes (15 per session; linear to 200, then logarithmic)")
    top.set_title(f"seniormode soak: {kiosk['changes']} screen changes in one process "
                  f"({kiosk['drawn']} drawn), {time.strftime('%Y-%m-%d')}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def parent(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    load = os.getloadavg()
    print(f"seniormode soak benchmark  {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {os.cpu_count()} cores ({cpu_model()}), load avg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{args.sessions} sessions x {CHANGES_PER_SESSION} screen changes; drawn: every {args.draw_every}th "
          f"change and each sampled one (every {args.sample_every}); the others get a Kivy frame without on_draw/"
          "on_flip (layout, textures, deferred GL frees); no 60 fps pacing; the kiosk's 0.4 s-later GC right after "
          "each frame")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="soak-bench-")
    try:
        shapes = result_of("shapes", start_child("shapes", args, home), 120)
        shapes_file = Path(home) / "shapes.json"
        shapes_file.write_text(json.dumps(shapes))
        print(f"bare shapes: {len(shapes['screens'])} screens read off the kiosk "
              f"({' -> '.join(s['step'] for s in shapes['screens'])})")
        results: dict[str, dict[str, Any]] = {}
        kiosk_proc = start_child("kiosk", args, home)
        if args.one_at_a_time:
            results["kiosk"] = result_of("kiosk", kiosk_proc, 4 * 3600)
        bare_proc = None if args.no_bare else start_child("bare", args, home, ["--shapes", str(shapes_file)])
        if "kiosk" not in results:
            results["kiosk"] = result_of("kiosk", kiosk_proc, 4 * 3600)
        if bare_proc is not None:
            results["bare"] = result_of("bare", bare_proc, 4 * 3600)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    kiosk, bare = results["kiosk"], results.get("bare")
    print(f"GL renderer: {kiosk['gl']}; window {kiosk['window'][0]}x{kiosk['window'][1]}")
    report(kiosk, bare, args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(json.dumps({"kiosk": kiosk, "bare": bare, "sessions": args.sessions,
                                               "draw_every": args.draw_every, "sample_every": args.sample_every},
                                              indent=1))
    plot(kiosk, bare, out / "soak.png")
    load = os.getloadavg()
    print(f"\nsamples: {out / 'soak.json'}; plot: {out / 'soak.png'}")
    print(f"whole run: {time.perf_counter() - began:.0f} s; load avg now {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", choices=["shapes", "kiosk", "bare"], help=argparse.SUPPRESS)
    ap.add_argument("--shapes", default="", help=argparse.SUPPRESS)
    ap.add_argument("--sessions", type=int, default=SESSIONS, help=f"complete sessions (default {SESSIONS})")
    ap.add_argument("--draw-every", type=int, default=DRAW_EVERY,
                    help=f"draw and flip every Nth screen change (default {DRAW_EVERY}; 1: every one)")
    ap.add_argument("--sample-every", type=int, default=SAMPLE_EVERY, help="sample every N screen changes")
    ap.add_argument("--out", default=str(ROOT / "out" / "bench"), help="where soak.json and soak.png go")
    ap.add_argument("--no-bare", action="store_true", help="the kiosk only, no bare Kivy reference")
    ap.add_argument("--one-at-a-time", action="store_true",
                    help="run the bare child after the kiosk child, not beside it (slower, less contention)")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit(f"soak_bench needs an X display (DISPLAY is not set). From the repository root:\n    {XVFB}")
    (child_main if args.child else parent)(args)


if __name__ == "__main__":
    main()
