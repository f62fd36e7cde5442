"""Flow loading: YAML file -> Flow model, or the list of every problem found on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checks import check_flow
from .devices import SIGNATURE_LIMITS, TRIES_KINDS, TRIES_RANGE, SignatureLimits
from .feedback import LEVELS as FEEDBACK_LEVEL_LIST
from .flow import HARDWARE_KINDS, STEP_KINDS, Branch, Choice, Flow, InputSpec, Languages, Step, Text, Timeout
from .keypads import DEFAULT_KEYPAD, KEYPADS
from .problems import FlowError, Location, Problems, did_you_mean
from .reader import IDENTIFIER, Fields
from .rules.expression import Condition, compile_condition
from .rules.ruleset import RuleSet, read_rules
from .rules.symbols import TYPES, Symbol, SymbolTable
from .settings import LOCALES, defaults, read_settings
from .source import Mapping, Node, Scalar, Sequence, display_path, load_file, load_text

FLOW_KEYS = ("flow", "title", "language", "description", "version", "inputs", "settings", "timeout",
             "call_staff", "rules", "steps", "languages")
COMMON_STEP_KEYS = ("id", "kind", "text", "label", "say", "icon", "help", "next", "show_if", "timeout")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "info": ("button",),
    "choice": ("choices", "record_answer"),
    "confirm": ("yes", "no", "no_next", "card"),
    "number": ("field", "valid", "error", "max_length", "unit"),
    "text": ("field", "valid", "error", "max_length", "keypad"),
    "summary": ("show", "button"),
    "id_card": ("simulate",),
    "photo": ("simulate",),
    "payment": ("amount", "simulate", "unit"),
    "print": ("simulate",),
    "fingerprint": ("tries", "guidance", "fail_next", "simulate"),
    "signature": ("min_width_mm", "min_height_mm", "min_length_mm", "min_points", "button", "simulate"),
    "live_face": ("instruction", "tries", "guidance", "fail_next", "simulate"),
    "qr_scan": ("simulate",),
    "start_flow": ("flow", "hand_over", "button"),
    "handoff": ("window", "ticket_prefix"),
    "end": ("button",),
    "feedback": ("levels", "hard", "button"),
}
CHOICE_KEYS = ("id", "text", "icon", "say", "next")
ANSWER_TYPES = {"choice": "text", "confirm": "yes_no", "number": "number", "text": "text",
                "id_card": "yes_no", "photo": "yes_no", "payment": "yes_no", "print": "yes_no",
                "fingerprint": "yes_no", "signature": "yes_no", "live_face": "yes_no", "qr_scan": "yes_no"}
MAX_STEPS = 2000
# What a confirm step may show from the ID card (`card:`), each with its label among the kiosk's words (card_NAME).
CARD_FIELDS = ("name", "region", "age")


def load_flow(path: str | Path) -> tuple[Flow | None, Problems]:
    """Load and check a flow file. The flow is None when there are errors; warnings come with a flow."""
    problems = Problems()
    path = Path(path)
    root = load_file(path, problems, display_path(path))
    flow = _build(root, problems, path.parent, display_path(path)) if root is not None else None
    return (None if problems.has_errors else flow), problems


def load_flow_text(text: str, file: str = "<text>", base_dir: str | Path = ".") -> tuple[Flow | None, Problems]:
    problems = Problems()
    root = load_text(text, file, problems)
    flow = _build(root, problems, Path(base_dir), file) if root is not None else None
    return (None if problems.has_errors else flow), problems


def load_flow_or_raise(path: str | Path) -> Flow:
    flow, problems = load_flow(path)
    if flow is None:
        raise FlowError(problems.sorted())
    return flow



class _FlowBuilder:
    def __init__(self, problems: Problems, base_dir: Path, file: str):
        self.problems = problems
        self.base_dir = base_dir
        self.file = file
        self.flow_id = "flow"

    def text(self, f: Fields, key: str, owner: str, required: bool = False, example: str = "") -> Text | None:
        node = f.text(key, required, example)
        if node is None:
            return None
        return Text(str(node.value), f"{self.flow_id}/{owner}/{key}", node.location)

    def build(self, root: Node) -> Flow | None:
        p = self.problems
        if not isinstance(root, Mapping):
            p.error("SM102", f"a flow file is a group of 'key: value' lines, not {root.kind_name}", root.location,
                    "start with 'flow: my_flow_id'")
            return None
        f = Fields(root, FLOW_KEYS, p, "the flow")
        ident = f.identifier("flow", required=True, example="hk_macau_renewal")
        if ident is not None:
            self.flow_id = str(ident.value)
        title = self.text(f, "title", "flow", required=True, example="港澳签注")
        language = f.text("language")
        steps_node = f.sequence("steps", required=True, example="[...]")
        inputs = self.read_inputs(f.mapping("inputs"))
        settings = defaults()
        settings_node = f.mapping("settings")
        if settings_node is not None:
            settings.update(read_settings(settings_node, p, "flow settings"))
        timeout = self.read_timeout(f)
        languages = self.read_languages(f.mapping("languages"))
        call_staff = f.identifier("call_staff", required=True, example="staff_window")

        raw_steps = self.step_heads(steps_node) if steps_node is not None else []
        table = self.symbol_table(inputs, raw_steps)
        ruleset = RuleSet(base=settings)
        rules_node = f.node_of("rules")
        if rules_node is not None:
            read_rules(rules_node, table, p, ruleset, self.base_dir)
        steps = [s for s in (self.read_step(node, kind, table) for node, kind in raw_steps) if s is not None]
        if ident is None or title is None or steps_node is None or call_staff is None:
            return None
        if not steps:
            if not steps_node.items:  # not when there were too many, or none was a step: that is said already
                p.error("SM103", "the flow has no steps", steps_node.location, "add at least one step")
            return None
        flow = Flow(
            id=self.flow_id, title=title, language=str(language.value) if language else "zh_Hans_CN",
            location=root.location, steps=steps, inputs=inputs, timeout=timeout,
            call_staff=str(call_staff.value), settings=settings, rules=ruleset, file=self.file,
            languages=languages, symbols=table, folder=str(self.base_dir),
        )
        written = {str(n.get("id").value) for n, _ in raw_steps  # type: ignore[union-attr]
                   if isinstance(n.get("id"), Scalar)}
        check_flow(flow, p, call_staff.location, written)
        return flow

    def read_inputs(self, node: Mapping | None) -> dict[str, InputSpec]:
        out: dict[str, InputSpec] = {}
        if node is None:
            return out
        for name, spec_node in node.items():
            loc = node.key_location(name)
            if not IDENTIFIER.match(name):
                self.problems.error("SM108", f"'{name}' is not a valid input name", loc,
                                    "use lower-case letters, digits and _")
                continue
            if isinstance(spec_node, Scalar):
                type_name = spec_node.value
                description = ""
                choices: tuple[str, ...] = ()
                required = False
            elif isinstance(spec_node, Mapping):
                f = Fields(spec_node, ("type", "description", "choices", "required"), self.problems,
                           f"input '{name}'")
                t = f.text("type", required=True, example="number")
                type_name = t.value if t else None
                d = f.text("description")
                description = str(d.value) if d else ""
                choices = tuple(str(c.value) for c in f.string_list("choices"))
                required = bool(f.boolean("required"))
            else:
                self.problems.error("SM102", f"input '{name}' should give its type", spec_node.location)
                continue
            if type_name not in TYPES:
                self.problems.error("SM108", f"'{type_name}' is not a type", spec_node.location,
                                    did_you_mean(str(type_name), TYPES) or f"types are: {', '.join(TYPES)}")
                continue
            out[name] = InputSpec(name, str(type_name), description, loc, choices, required)
        return out

    def read_languages(self, node: Mapping | None) -> Languages:
        if node is None:
            return Languages()
        f = Fields(node, ("display", "voice", "button", "recorded"), self.problems, "languages")
        default = Languages()
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("display", "voice", "recorded"):
            chosen = []
            for item in f.string_list(key):
                if item.value not in LOCALES:
                    self.problems.error("SM108", f"'{item.value}' is not a locale with catalogs", item.location,
                                        did_you_mean(str(item.value), LOCALES) or f"use: {', '.join(LOCALES)}")
                else:
                    chosen.append(str(item.value))
            lists[key] = tuple(chosen) or getattr(default, key)
        button = f.one_of("button", ("voice", "display", "both"), default="voice") or "voice"
        recorded_at = f.location("recorded") if lists["recorded"] else None
        return Languages(lists["display"], lists["voice"], button, lists["recorded"], recorded_at)

    def read_timeout(self, f: Fields) -> Timeout:
        node = f.node_of("timeout")
        if node is None:
            return Timeout()
        if isinstance(node, Scalar):
            seconds = f.number("timeout", 10, 3600)
            return Timeout(seconds=seconds or 90.0, location=node.location)
        if not isinstance(node, Mapping):
            self.problems.error("SM102", "'timeout' is a number of seconds or a group with seconds/warning/extensions",
                                node.location)
            return Timeout()
        t = Fields(node, ("seconds", "warning", "extensions"), self.problems, "timeout")
        seconds = t.number("seconds", 10, 3600)
        warning = t.number("warning", 1, 600)
        extensions = t.number("extensions", 0, 1000)
        if warning is not None and warning < 20:
            self.problems.error("SM111", f"warning of {warning:g} s leaves too little time to answer",
                                t.location("warning"), "give at least 20 seconds (WCAG 2.2.1)")
        if extensions is not None and extensions < 10:
            self.problems.error("SM111", f"only {extensions:g} extensions allowed", t.location("extensions"),
                                "allow at least 10 (WCAG 2.2.1)")
        return Timeout(seconds or 90.0, warning or 30.0, int(extensions if extensions is not None else 10),
                       node.location)

    def step_heads(self, steps_node: Sequence) -> list[tuple[Mapping, str | None]]:
        """First pass: ids and kinds, so conditions can name answers of any step."""
        out: list[tuple[Mapping, str | None]] = []
        if len(steps_node.items) > MAX_STEPS:
            self.problems.error("SM003", f"{len(steps_node.items)} steps (limit {MAX_STEPS})", steps_node.location)
            return out
        for item in steps_node.items:
            if not isinstance(item, Mapping):
                self.problems.error("SM102", f"a step is a group of 'key: value' lines, not {item.kind_name}",
                                    item.location, "start each step with '- id: ...'")
                continue
            kind_node = item.get("kind")
            kind: str | None = None
            if kind_node is None:
                self.problems.error("SM103", "step needs 'kind'", item.location,
                                    f"add 'kind: info' (kinds: {', '.join(STEP_KINDS)})")
            elif not isinstance(kind_node, Scalar) or kind_node.value not in STEP_KINDS:
                value = kind_node.value if isinstance(kind_node, Scalar) else kind_node.kind_name
                self.problems.error("SM108", f"'{value}' is not a step kind", kind_node.location,
                                    did_you_mean(str(value), STEP_KINDS) or f"kinds: {', '.join(STEP_KINDS)}")
            else:
                kind = str(kind_node.value)
            out.append((item, kind))
        return out

    def symbol_table(self, inputs: dict[str, InputSpec], heads: list[tuple[Mapping, str | None]]) -> SymbolTable:
        table = SymbolTable.with_builtins()
        for spec in inputs.values():
            if table.get(spec.name) is not None:
                self.problems.error("SM114", f"input '{spec.name}' is already a built-in name", spec.location)
            table.add(Symbol(spec.name, spec.type, spec.description, spec.choices, spec.location,
                             own=spec.type == "text" and not spec.choices))
        answer_steps: set[str] = set()
        for node, kind in heads:
            ident = node.get("id")
            if kind is None or kind not in ANSWER_TYPES or not isinstance(ident, Scalar) \
                    or not isinstance(ident.value, str):
                continue
            if ident.value in answer_steps:
                continue  # a duplicate step id: SM105 says so, once
            answer_steps.add(ident.value)
            if table.get(ident.value) is not None:
                self.problems.error("SM114", f"step id '{ident.value}' is also the name of an input",
                                    ident.location, "rename the step, e.g. ask_" + ident.value)
                continue
            choices: tuple[str, ...] = ()
            if kind == "choice":
                cnode = node.get("choices")
                if isinstance(cnode, Sequence):
                    choices = tuple(str(c.get("id").value) for c in cnode.items  # type: ignore[union-attr]
                                    if isinstance(c, Mapping) and isinstance(c.get("id"), Scalar))
            table.add(Symbol(ident.value, ANSWER_TYPES[kind], f"answer of step {ident.value}", choices,
                             ident.location, own=kind in ("number", "text")))
        return table

    def read_step(self, node: Mapping, kind: str | None, table: SymbolTable) -> Step | None:
        p = self.problems
        allowed = COMMON_STEP_KEYS + (KIND_KEYS.get(kind, ()) if kind else tuple(k for v in KIND_KEYS.values()
                                                                                   for k in v))
        f = Fields(node, allowed, p, f"a step of kind '{kind}'" if kind else "step")
        ident = f.identifier("id", required=True, example="choose_destination")
        if ident is None or kind is None:
            return None
        sid = str(ident.value)
        text = self.text(f, "text", sid, required=True, example="请选择")
        if text is None:
            return None
        step = Step(id=sid, kind=kind, location=ident.location, text=text)
        step.say = self.text(f, "say", sid)
        step.label = self.text(f, "label", sid)
        step.help = self.text(f, "help", sid)
        icon = f.text("icon")
        step.icon = str(icon.value) if icon else ""
        step.icon_location = icon.location if icon else None
        step.timeout = f.number("timeout", 10, 3600)
        show_if = f.scalar("show_if")
        if show_if is not None:
            step.show_if = compile_condition(show_if, table, p)
        step.next = self.read_next(f.node_of("next"), table)
        if kind in ("info", "end", "summary", "start_flow", "signature"):
            step.button = self.text(f, "button", sid)
        if kind == "summary":
            shown = f.string_list("show")
            step.show = [str(s.value) for s in shown]
            step.show_locations = [s.location for s in shown]
        if kind == "choice":
            step.choices = self.read_choices(f, sid)
            step.journal_answer = bool(f.boolean("record_answer"))
        if kind == "feedback" and f.has("hard"):
            step.hard = self.read_choices(f, sid, key="hard", most=8)
        if kind == "feedback" and f.has("levels"):
            step.levels = self.read_levels(f, sid)
        if kind == "confirm":
            step.yes = self.text(f, "yes", sid)
            step.no = self.text(f, "no", sid)
            no_next = f.identifier("no_next")
            step.no_next = str(no_next.value) if no_next else None
            step.no_next_location = no_next.location if no_next else None
            for item in f.string_list("card"):
                if item.value not in CARD_FIELDS:
                    p.error("SM108", f"'{item.value}' is not something the ID card gives", item.location,
                            did_you_mean(str(item.value), CARD_FIELDS) or f"the card gives: {', '.join(CARD_FIELDS)}")
                else:
                    step.card.append(str(item.value))
        if kind in ("number", "text"):
            step.field_name = self.text(f, "field", sid, required=True, example="年数")
            step.error = self.text(f, "error", sid)
            step.unit = self.text(f, "unit", sid) if kind == "number" else None
            max_length = f.number("max_length", 1, 64)
            step.max_length = int(max_length) if max_length else 12
            if kind == "text":
                step.keypad = f.one_of("keypad", KEYPADS, default=DEFAULT_KEYPAD) or DEFAULT_KEYPAD
            valid = f.scalar("valid")
            if valid is not None:
                value_type = "number" if kind == "number" else "text"
                typed = Symbol("value", value_type, "the value typed", own=True)
                step.valid = compile_condition(valid, table.child(typed), p)
                if step.error is None:
                    p.error("SM103", "a step with 'valid' needs an 'error' message", node.location,
                            "say what is wrong and how to fix it, naming the field")
        if kind == "start_flow":
            target = f.identifier("flow", required=True, example="hk_macau_renewal")
            step.target_flow = str(target.value) if target else ""
            step.target_location = target.location if target else None
            names = f.string_list("hand_over")
            step.hand_over = [str(n.value) for n in names]
            step.hand_over_locations = [n.location for n in names]
        if kind in HARDWARE_KINDS:
            sim = f.mapping("simulate")
            step.simulate = sim.plain() if sim is not None else {}
        if kind in TRIES_KINDS or kind == "signature":
            self.read_device(f, step)
        if kind == "payment":
            step.amount = f.number("amount", 0, 100000, required=True, example="15")
            step.unit = self.text(f, "unit", sid)
        if kind == "handoff":
            step.window = self.text(f, "window", sid, required=True, example="3号人工窗口")
            prefix = f.text("ticket_prefix")
            if prefix is not None:
                if not str(prefix.value).isalpha() or len(str(prefix.value)) > 2:
                    p.error("SM108", "ticket_prefix is one or two letters", prefix.location)
                else:
                    step.ticket_prefix = str(prefix.value).upper()
        return step

    def read_device(self, f: Fields, step: Step) -> None:
        """A fingerprint or live-face step's tries and guidance, or a signature step's limits (core/devices.py)."""
        sid = step.id
        if step.kind == "signature":
            limits = {key: f.number(key, low, high) for key, (_, low, high) in SIGNATURE_LIMITS.items()}
            given = {k: (int(v) if k == "min_points" else v) for k, v in limits.items() if v is not None}
            step.signature = SignatureLimits(**given)  # type: ignore[arg-type]
            return
        if step.kind == "live_face":
            step.instruction = self.text(f, "instruction", sid, required=True, example="请眨眨眼")
        tries = f.number("tries", *TRIES_RANGE)
        if tries is not None:
            if tries != int(tries):
                self.problems.error("SM108", f"'tries' is {tries:g}; it is a whole number of tries",
                                    f.location("tries"))
            step.tries = int(tries)
        seq = f.sequence("guidance")
        if seq is not None:
            for i, item in enumerate(seq.items):
                if not isinstance(item, Scalar) or isinstance(item.value, bool) \
                        or not isinstance(item.value, (str, int, float)) or not str(item.value).strip():
                    self.problems.error("SM102", "each line of 'guidance' is a sentence to say, e.g. 请把手指放平",
                                        item.location)
                    continue
                step.guidance.append(Text(str(item.value), f"{self.flow_id}/{sid}/guidance/{i + 1}", item.location))
            if len(step.guidance) > step.tries - 1:
                self.problems.warning("SM120", f"step '{sid}' has {len(step.guidance)} guidance lines, but after "
                                      f"{step.tries} tries only {step.tries - 1} can be said before staff take over",
                                      seq.items[max(0, step.tries - 1)].location,
                                      f"remove the last lines, or allow {len(step.guidance) + 1} tries")
        fail_next = f.identifier("fail_next")
        step.fail_next = str(fail_next.value) if fail_next else None
        step.fail_next_location = fail_next.location if fail_next else None

    def read_choices(self, f: Fields, sid: str, key: str = "choices", most: int = 6) -> list[Choice]:
        seq = f.sequence(key, required=True, example="[...]")
        if seq is None:
            return []
        out: list[Choice] = []
        for item in seq.items:
            if not isinstance(item, Mapping):
                self.problems.error("SM102", "a choice is a group with id, text and icon", item.location)
                continue
            cf = Fields(item, CHOICE_KEYS, self.problems, "a choice")
            cid = cf.identifier("id", required=True, example="macau")
            if cid is None:
                continue
            owner = f"{sid}/{key}/{cid.value}"
            text = self.text(cf, "text", owner, required=True, example="澳门")
            icon = cf.text("icon", required=True, example="macau")
            say = self.text(cf, "say", owner)
            nxt = cf.identifier("next")
            if any(c.id == cid.value for c in out):
                self.problems.error("SM105", f"choice id '{cid.value}' is used twice in step '{sid}'", cid.location)
                continue
            if text is None or icon is None:
                continue
            out.append(Choice(str(cid.value), text, str(icon.value), item.location, say,
                              str(nxt.value) if nxt else None, nxt.location if nxt else None, icon.location))
        if not 2 <= len(seq.items) <= most:
            self.problems.error("SM109", f"step '{sid}' has {len(seq.items)} {key}", seq.location,
                                f"give 2 to {most}: more tiles are too small and too many to read")
        return out

    def read_levels(self, f: Fields, sid: str) -> list[Choice]:
        """A feedback step's own words (and icons) for the five official levels: all five, each once, from
        非常满意 to 非常不满意, as the 好差评 system orders them; what they mean cannot change, only how they read."""
        before = len(self.problems.errors)
        levels = self.read_choices(f, sid, key="levels", most=5)
        official = [level.id for level in FEEDBACK_LEVEL_LIST]
        seq = f.node_of("levels")
        where = seq.location if seq is not None else f.node.location
        for level in levels:
            if level.id not in official:
                self.problems.error("SM108", f"'{level.id}' is not one of the five levels", level.location,
                                    did_you_mean(level.id, official) or f"the levels are: {', '.join(official)}")
            if level.next:
                self.problems.error("SM101", f"a level cannot have 'next' (level '{level.id}' of step '{sid}')",
                                    level.next_location or level.location,
                                    "every level goes on to the step's next; only a 'hard' tile may call staff")
        ids = [level.id for level in levels]
        if len(self.problems.errors) == before and ids != official:
            self.problems.error("SM108", f"step '{sid}' must give all five levels, in order", where,
                                f"from best to worst: {', '.join(official)}")
        return levels

    def read_next(self, node: Node | None, table: SymbolTable) -> list[Branch]:
        if node is None:
            return []
        if isinstance(node, Scalar):
            if not isinstance(node.value, str) or not IDENTIFIER.match(node.value):
                self.problems.error("SM108", f"next: '{node.value}' is not a step id", node.location)
                return []
            return [Branch(node.value, node.location)]
        if not isinstance(node, Sequence):
            self.problems.error("SM102", "'next' is a step id, or a list of '- if: ... go: ...'", node.location)
            return []
        branches: list[Branch] = []
        for item in node.items:
            if not isinstance(item, Mapping):
                self.problems.error("SM102", "each line of 'next' is 'if: ...' with 'go: step'", item.location)
                continue
            bf = Fields(item, ("if", "go"), self.problems, "a 'next' line")
            go = bf.identifier("go", required=True, example="pay")
            cond_node = bf.scalar("if")
            condition: Condition | None = None
            if cond_node is not None:
                condition = compile_condition(cond_node, table, self.problems)
                if condition is None:
                    continue
            if go is not None:
                branches.append(Branch(str(go.value), go.location, condition))
        return branches


def _build(root: Node, problems: Problems, base_dir: Path, file: str) -> Flow | None:
    return _FlowBuilder(problems, base_dir, file).build(root)


def answer_symbols(flow: Flow) -> dict[str, Any]:
    return {s.id: ANSWER_TYPES[s.kind] for s in flow.steps if s.kind in ANSWER_TYPES}


__all__ = ["load_flow", "load_flow_text", "load_flow_or_raise", "FlowError", "Location"]
