"""JSON Schemas (draft-07) of the YAML files UX staff write, so their editor checks and completes as they type.

Draft-07 because the VS Code YAML extension (yaml-language-server) handles it best. Key lists, step kinds,
settings, locales, types and the theme's floors are imported from the loaders' own tables, so the schemas
cannot drift from what `seniormode check` accepts; the descriptions are written here, in plain words for the
people who hover over a key. Ranges the loaders write inline are repeated here and pinned by
tests/unit/test_schema.py, which feeds the same files to both.

What a schema cannot see stays with `seniormode check`: step names that do not exist, unreachable steps,
conditions that do not type-check, colours that do not contrast, translations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from ..core.devices import SIGNATURE_LIMITS, TRIES_RANGE
from ..core.feedback import LEVELS as FEEDBACK_LEVELS
from ..core.flow import DEFAULT_TRIES, STEP_KINDS, Languages, Timeout
from ..core.keypads import DEFAULT_KEYPAD, KEYPADS
from ..core.loader import CARD_FIELDS, CHOICE_KEYS, COMMON_STEP_KEYS, FLOW_KEYS, KIND_KEYS, MAX_STEPS
from ..core.reader import IDENTIFIER
from ..core.rules.ruleset import RULE_KEYS
from ..core.rules.symbols import BUILTIN_SYMBOLS, TYPES
from ..core.settings import LOCALES, SETTINGS, SettingSpec
from ..core.theme import (
    COLOUR_NAMES,
    FONT_KEYS,
    LARGEST_TEXT_SCALE,
    MIN_BODY_DP,
    MIN_CONTRAST_FLOOR,
    MIN_LINE_SPACING,
    MIN_TARGET_DP,
    MIN_TARGET_MM,
    SIZE_ROLES,
    SPACING_NAMES,
    THEME_KEYS,
    UI_ICONS,
    FontSpec,
    Theme,
)

Schema = dict[str, Any]
T = TypeVar("T")

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Inline in the loaders (not tables), so written here; the agreement tests pin each one.
CHOICES_MIN, CHOICES_MAX = 2, 6  # loader.read_choices, SM109
TIMEOUT_SECONDS = (10, 3600)  # loader.read_timeout and a step's timeout
WARNING_SECONDS = (20, 600)  # 1..600 read, below 20 is SM111 (WCAG 2.2.1)
EXTENSIONS = (10, 1000)  # 0..1000 read, below 10 is SM111
MAX_LENGTH = (1, 64)
DEFAULT_MAX_LENGTH = 12
AMOUNT = (0, 100000)
PRIORITY = (-1000, 1000)
LANGUAGE_BUTTONS = ("voice", "display", "both")
INPUT_SPEC_KEYS = ("type", "description", "choices", "required")
NEXT_LINE_KEYS = ("if", "go")
RULE_FILE_KEYS = ("description", "rules")
# JSON Schema's `pattern` is ECMA-262 in the editor and Python `re` in tests: keep to what both read alike.
NOT_BLANK = r"\S"
HEX_COLOUR = r"^\s*#[0-9A-Fa-f]{6}\s*$"  # theme.parse_hex strips spaces first
TICKET_PREFIX = r"^[A-Za-z]{1,2}$"


class SchemaDrift(RuntimeError):
    """A loader table gained or lost a key that this module has no words for: update the descriptions here."""


# --- plain words for UX staff ----------------------------------------------------------------------------------------

FLOW_WORDS = {
    "flow": "The flow's id: lower-case letters, digits and _, e.g. hk_macau_renewal.",
    "title": "The name of the service, shown to the applicant.",
    "language": "The language the texts of this file are written in (a locale such as zh_Hans_CN).",
    "description": "A note for staff about this flow; the applicant never sees it.",
    "version": "Your own version note for this flow, e.g. 2024-06; the kiosk does not use it.",
    "inputs": "Extra applicant values the rules may read, each with its type: number, text or yes_no.",
    "settings": "Default presentation settings for this flow; rules may change them per applicant.",
    "timeout": "Seconds per step before the 'are you still there?' warning, or seconds/warning/extensions.",
    "call_staff": "The id of a handoff step: where the 'call staff' button leads, from every step.",
    "rules": "Rule files (a path relative to this file, e.g. rules/senior.yaml) and rules written here.",
    "steps": "The screens of the flow, in the order they are usually walked.",
    "languages": "Which languages the screen and the voice offer, and what the language button switches.",
}

STEP_WORDS = {
    "id": "The step's id (lower-case letters, digits, _); also the name of its answer in conditions.",
    "kind": "What the applicant does on this screen.",
    "text": "The short screen text; keep it under 40 characters.",
    "label": "The short name of the answer on the summary and on staff tickets.",
    "say": "The spoken prompt, friendly and a little longer; the screen text is spoken when there is none.",
    "icon": "The name of the cartoon icon in the theme's icon set, e.g. wave.",
    "help": "What the help button says on this step.",
    "next": "Where to go next: a step id, or a list of '- if: CONDITION' / 'go: STEP' lines ending with a "
            "'- go: STEP' without 'if'. Without 'next', the step written below is next.",
    "show_if": "A condition; the step is skipped when it is not met, e.g. photo_source == \"new\".",
    "timeout": "This step's own time-out in seconds.",
    "button": "The words on the big button.",
    "choices": f"The tiles to tap: {CHOICES_MIN} to {CHOICES_MAX}, each with id, text and icon.",
    "yes": "The words on the 'yes' button, e.g. 确认付款.",
    "no": "The words on the 'no' button, e.g. 返回修改.",
    "no_next": "The step 'no' goes to; without it, 'no' goes back.",
    "card": "confirm: what the ID card gave, shown one per row to be confirmed (name, region, age); nothing on "
            "the card can be changed on the machine, so 'no' should lead to a staffed window.",
    "field": "The name of the value typed, e.g. 手机号; the error message must name it.",
    "valid": "A condition on `value`, the value typed, e.g. value >= 1 and value <= 5.",
    "error": "What is wrong and how to fix it, naming the field; shown when 'valid' is not met.",
    "max_length": "How many characters the keypad takes.",
    "keypad": "text: which keypad: digits (the default: 0-9) or id_number (0-9, and X for the last character, as a "
              "Chinese ID number ends in a digit or X).",
    "unit": "The unit shown after the number, e.g. 年 or 元.",
    "show": "The steps whose answers the summary lists, each with a 'change' link.",
    "simulate": "What the simulator pretends the device did, e.g. {ok: true}.",
    "amount": "The amount to pay.",
    "window": "The staffed window the ticket sends the applicant to, e.g. 3号人工窗口.",
    "ticket_prefix": "One or two letters in front of the ticket number, e.g. C for C001.",
    "tries": "fingerprint, live_face: how many tries before a person takes over (1 to 5, default 3).",
    "guidance": "fingerprint, live_face: what is said and shown after each failed try, in order, e.g. "
                "请把手指放平，稍微用力 (at most tries - 1 lines; default: the kiosk's own words).",
    "fail_next": "fingerprint, live_face: the step after the last failed try, e.g. a staffed window; "
                 "default: the flow's call_staff.",
    "instruction": "live_face: what to do for the camera, shown large and said after the prompt, e.g. 请眨眨眼.",
    "min_width_mm": "signature: the narrowest signature taken, in mm on the glass (default 40).",
    "min_height_mm": "signature: the lowest signature taken, in mm (default 8).",
    "min_length_mm": "signature: the shortest total length of the strokes, in mm (default 80).",
    "min_points": "signature: the fewest points the finger must draw (default 20).",
    "record_answer": "yes: the journal records which tile was chosen (only for answers that say nothing about "
                     "who the applicant is, e.g. a destination); by default no answer is recorded.",
    "hard": "feedback: the 'what was hard?' tiles shown after 不满意 or 非常不满意, 2 to 8, each with id, text and "
            "icon; more than one may be chosen; a tile with 'next' (e.g. the call-staff step) goes there.",
    "levels": "feedback: the flow's own words and icons for the five 好差评 levels, all five in order (very_satisfied, "
              "satisfied, basically_satisfied, unsatisfied, very_unsatisfied), each with id, text and icon; "
              "default: the official 非常满意 ... 非常不满意.",
    "flow": "start_flow: the id of the flow the applicant goes on in; a flow of the same folder (SM122).",
    "hand_over": "start_flow: the names whose values go with the applicant, e.g. [visit_for]: only inputs the "
                 "next flow declares, of the same type (SM123); every input it requires (SM124).",
}
# Where a key means something particular on one kind of step.
KIND_STEP_WORDS = {
    ("id_card", "simulate"): "The sample card the simulator reads: name, age, region, first_time, ...",
    ("payment", "unit"): "The currency shown after the amount, e.g. 元.",
    ("qr_scan", "simulate"): "What the simulated scanner reads, e.g. {ok: true}; the code itself is never shown.",
    ("start_flow", "button"): "The words on the big button that starts the next flow (default 开始).",
    ("signature", "button"): "The words on the button that hands in the signature (default 签好了).",
}

KIND_WORDS = {
    "info": "Reads and presses the big button.",
    "choice": "Taps one of 2 to 6 tiles.",
    "confirm": "Confirms something that cannot be undone, such as paying.",
    "number": "Types a number on the big keypad.",
    "text": "Types digits or letters (a phone number, ...).",
    "summary": "Checks the answers; each has a 'change' link.",
    "id_card": "Puts the ID card on the reader.",
    "photo": "Has a photo taken.",
    "payment": "Pays; needs a confirm step before it.",
    "print": "Takes the printed receipt.",
    "fingerprint": "Puts a finger on the reader; a poor print is tried again (with guidance), then staff help.",
    "signature": "Signs with a finger on the screen's pad; a signature too small or too short is refused.",
    "live_face": "Looks at the camera and does what the instruction says (请眨眨眼); retried, then staff help.",
    "qr_scan": "Holds a QR code (an appointment) to the scanner.",
    "handoff": "Gets a queue ticket for a staffed window.",
    "end": "Is done; the kiosk starts again for the next person.",
    "feedback": "Rates the service (好差评: five faces, one touch, skippable, its own short time-out).",
    "start_flow": "Goes on in another flow (triage: the renewal), with only the values listed in hand_over.",
}

CHOICE_WORDS = {
    "id": "The choice's id (lower-case letters, digits, _); conditions compare the step's answer with it.",
    "text": "The words on the tile.",
    "icon": "The name of the tile's cartoon icon in the theme's icon set.",
    "say": "What the voice says for this tile; its text is spoken when there is none.",
    "next": "The step this choice leads to, when it differs from the step's own way on.",
}

RULE_WORDS = {
    "id": "The rule's id (lower-case letters, digits, _), shown by 'seniormode explain'.",
    "when": "The condition under which the rule applies, e.g. age >= 70; without it, always.",
    "priority": "Higher wins: between adaptation rules setting the same thing, and between routing rules.",
    "set": "Adaptation: the settings this rule changes. A rule has either 'set' or 'go'.",
    "go": "Routing: the step this rule sends the applicant to. A rule has either 'set' or 'go'.",
    "after": "Routing: only when leaving these steps; without it, when leaving any step.",
    "note": "Why the rule exists, in plain words, for staff.",
}

LANGUAGE_WORDS = {
    "display": "The languages the screen can show.",
    "voice": "The languages the voice can speak.",
    "button": "What the language button switches: the voice (default), the screen (display) or both.",
    "recorded": "Voice languages whose every prompt must be a human recording, not the synthesiser.",
}

TIMEOUT_WORDS = {
    "seconds": "Seconds per step before the 'are you still there?' warning.",
    "warning": f"Seconds the applicant has to answer the warning (at least {WARNING_SECONDS[0]}, WCAG 2.2.1).",
    "extensions": f"How many 'more time' presses the warning promises (at least {EXTENSIONS[0]}); "
                  "a press is never refused.",
}

INPUT_WORDS = {
    "type": "number, text or yes_no.",
    "description": "What the value is, for staff.",
    "choices": "The values a text input can have, so conditions comparing with it are checked.",
    "required": "yes: a flow that starts this one must hand it over (SM124); run alone, it may be unknown.",
}

THEME_WORDS = {
    "theme": "The theme's name: the same as the file name without .yaml; rules choose a theme by it.",
    "description": "What the theme is for, in a few words.",
    "colours": "Every colour of the screen, as \"#RRGGBB\" in quotes.",
    "font": "The font files and the folders to find them in.",
    "sizes": "Text sizes in dp at text scale 1.0; the rules raise the text scale up to the largest.",
    "line_spacing": f"Line height as a multiple of the text size (at least {MIN_LINE_SPACING:g}, MIIT).",
    "spacing": "Space around (padding) and between (gap) things, in dp.",
    "min_target_dp": f"The smallest touch target's side in dp (at least {MIN_TARGET_DP:g}).",
    "min_target_mm": f"The smallest touch target's side in mm on the glass (at least {MIN_TARGET_MM:g}).",
    "screen_dpi": "The kiosk screen's real pixels per inch, e.g. 102.5 for a 21.5\" 1920x1080 monitor.",
    "density": "Kivy's density: 1.0 on Linux unless KIVY_METRICS_DENSITY is set.",
    "largest_text_scale": "The largest text scale the rules may ask for.",
    "min_contrast": f"The smallest contrast ratio of text on its background (at least {MIN_CONTRAST_FLOOR:g}).",
    "icon_outline": "dp of outline around every icon, in the colour of the words beside it, so that its shape "
                    "stands out from the tile (WCAG 1.4.11, 3:1; the audit measures it, SM513). Default 3; 0: none.",
    "staff_languages": "Screen languages only staff see, e.g. [en]: the audit does not lay them out (and says "
                       "so) unless a flow shows them to applicants or --languages asks for them.",
    "icons": "Icons this theme draws differently from themes/icons.yaml (the catalogue every theme shares): "
             "name -> one colour emoji, a single character (no flags, skin tones or ZWJ).",
}

FONT_WORDS = {
    "family": "The font family's name.",
    "regular": "The regular font file, e.g. NotoSansCJK-Regular.ttc.",
    "bold": "The bold font file.",
    "emoji": "The colour emoji font file the icons are drawn with.",
    "dirs": "Folders to look for the font files in; a relative folder is relative to the theme file.",
}

COLOUR_WORDS = {
    "background": "The screen's background.",
    "surface": "Tiles and panels.",
    "text": "Body text, on the background and on tiles.",
    "muted_text": "Hints and secondary text; still needs full contrast.",
    "accent": "The main button.",
    "accent_text": "Text on the main button.",
    "danger": "The call-staff button.",
    "danger_text": "Text on the call-staff button.",
    "error_background": "The background of an error box.",
    "error_text": "Text in an error box.",
    "strip_done": "Done steps in the progress strip.",
    "strip_todo": "Steps still to do in the progress strip.",
    "focus": "The ring around the tile being read aloud or focused.",
}

SIZE_WORDS = {
    "body": f"Body text (at least {MIN_BODY_DP:g} dp).",
    "title": "Screen titles.",
    "tile_text": "Words on choice tiles.",
    "button_text": "Words on buttons.",
    "strip_text": "The progress strip.",
    "small": "The smallest text on any screen.",
}

SPACING_WORDS = {
    "padding": "Space inside the screen's edges and tiles, in dp.",
    "gap": "Space between tiles and buttons, in dp.",
}

UI_ICON_WORDS = {
    "back": "The back button.",
    "repeat": "The 'say it again' button.",
    "bigger_text": "The bigger-text button.",
    "smaller_text": "The smaller-text button.",
    "language": "The language button.",
    "staff": "The call-staff button and staffed windows.",
    "more_time": "The 'more time' button of the time-out warning.",
    "yes": "Yes on a confirm step.",
    "no": "No on a confirm step.",
    "keypad_delete": "The keypad's delete key.",
    "change": "The 'change' link on the summary.",
    "help": "The help button.",
    "view_angle": "The viewing-angle button.",
    "warning": "Error boxes and failed devices.",
    "slower": "The slower-voice button.",
    "fallback": "Shown for an icon name the theme does not have. Required.",
}


# --- building blocks -------------------------------------------------------------------------------------------------

def _in_order(table: Iterable[str], given: Mapping[str, T], what: str) -> dict[str, T]:
    """`given` for exactly the keys of a loader table, in the table's order; any other difference is drift."""
    keys = list(table)
    missing = [k for k in keys if k not in given]
    stale = [k for k in given if k not in keys]
    if missing or stale:
        raise SchemaDrift(f"{what}: the loader's keys and seniormode/lint/schema.py differ "
                          f"(missing here: {', '.join(missing) or '-'}; not in the loader: {', '.join(stale) or '-'})")
    return {k: given[k] for k in keys}


def _num(value: float) -> float | int:
    """Whole numbers print as 10, not 10.0."""
    return int(value) if float(value).is_integer() else value


def _text(description: str) -> Schema:
    # The loader reads a number as its text (`text: 15`); blank text is SM108.
    return {"description": description, "type": ["string", "number"], "pattern": NOT_BLANK}


def _identifier(description: str) -> Schema:
    return {"description": description, "type": "string", "pattern": IDENTIFIER.pattern}


def _condition(description: str) -> Schema:
    return {"description": description, "type": "string", "pattern": NOT_BLANK}


def _number(description: str, low: float, high: float, default: float | None = None) -> Schema:
    out: Schema = {"description": description, "type": "number", "minimum": _num(low), "maximum": _num(high)}
    if default is not None:
        out["default"] = _num(default)
    return out


def _one_or_list(description: str, item: Schema) -> Schema:
    """A list of words, or one word for a one-item list (reader.Fields.string_list)."""
    return {"description": description, "anyOf": [item, {"type": "array", "items": item}]}


def _enum(options: Iterable[Any], descriptions: Iterable[str] | None = None) -> Schema:
    out: Schema = {"enum": list(options)}
    if descriptions is not None:
        # Not draft-07: yaml-language-server shows these next to each value it completes.
        out["enumDescriptions"] = list(descriptions)
    return out


def _object(properties: Mapping[str, Schema], required: Iterable[str] = (), description: str = "") -> Schema:
    out: Schema = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = dict(properties)
    if required:
        out["required"] = list(required)
    out["additionalProperties"] = False
    return out


def _ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


def _document(title: str, description: str, body: Schema, definitions: Mapping[str, Schema]) -> Schema:
    out: Schema = {"$schema": DRAFT_07, "title": title, "description": description}
    out.update(body)
    if definitions:
        out["definitions"] = dict(definitions)
    return out


# --- settings and rules (shared by flows and rule files) -------------------------------------------------------------

def _setting(spec: SettingSpec) -> Schema:
    words = spec.description[:1].upper() + spec.description[1:] + "."
    default = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    if spec.is_list:
        out = _one_or_list(f"{words} One or a list of: {', '.join(spec.options)}.", _enum(spec.options))
    elif spec.options:
        options: list[Any] = list(spec.options)
        if set(spec.options) == {"on", "off"}:
            # YAML reads a bare on/off as true/false, and settings.read_settings takes it back.
            options += [True, False]
            words += " Write \"on\" or \"off\" in quotes."
        out = {"description": words, **_enum(options)}
    else:
        assert spec.low is not None and spec.high is not None
        out = _number(words, spec.low, spec.high)
    out["default"] = _num(default) if isinstance(default, float) else default
    return out


def _settings_schema() -> Schema:
    return _object({name: _setting(spec) for name, spec in SETTINGS.items()},
                   description="Presentation settings: text size, theme, voice speed, time, help, languages.")


def _rule_schema() -> Schema:
    words = _in_order(RULE_KEYS, RULE_WORDS, "rule keys (ruleset.RULE_KEYS)")
    properties = {
        "id": _identifier(words["id"]),
        "when": _condition(words["when"]),
        "priority": _number(words["priority"], *PRIORITY, default=0),
        "set": {"description": words["set"], **_ref("settings")},
        "go": _identifier(words["go"]),
        "after": _one_or_list(words["after"], {"type": "string", "pattern": IDENTIFIER.pattern}),
        "note": _text(words["note"]),
    }
    rule = _object(_in_order(RULE_KEYS, properties, "rule keys (ruleset.RULE_KEYS)"), required=["id"],
                   description="A rule: adaptation ('set') or routing ('go'), with an optional condition.")
    # SM301: exactly one of the two.
    rule["oneOf"] = [{"required": ["set"]}, {"required": ["go"]}]
    return rule


def _rule_list(description: str) -> Schema:
    return {
        "description": description,
        "type": "array",
        "items": {
            "if": {"type": "string"},
            "then": {"description": "A rule file, relative to this file, e.g. rules/senior.yaml.",
                     "pattern": NOT_BLANK},
            "else": _ref("rule"),
        },
    }


def _rule_definitions() -> dict[str, Schema]:
    return {"rule": _rule_schema(), "settings": _settings_schema()}


# --- flows -----------------------------------------------------------------------------------------------------------

def _step_key(kind: str | None, key: str) -> Schema:
    """The schema of one step key; `kind` picks the words where a key means something particular."""
    words = KIND_STEP_WORDS.get((kind or "", key)) or STEP_WORDS[key]
    if key in ("id", "no_next"):
        return _identifier(words)
    if key == "kind":
        return {"description": words, "type": "string",
                **_enum(STEP_KINDS, _in_order(STEP_KINDS, KIND_WORDS, "step kinds (flow.STEP_KINDS)").values())}
    if key in ("show_if", "valid"):
        return _condition(words)
    if key == "next":
        return {"description": words, "if": {"type": "string"}, "then": {"pattern": IDENTIFIER.pattern},
                "else": {"type": "array", "items": _ref("next_line")}}
    if key == "timeout":
        return _number(words, *TIMEOUT_SECONDS)
    if key == "choices":
        return {"description": words, "type": "array", "minItems": CHOICES_MIN, "maxItems": CHOICES_MAX,
                "items": _ref("choice")}
    if key == "record_answer":
        return {"description": words, "type": "boolean"}
    if key == "hard":
        return {"description": words, "type": "array", "minItems": 2, "maxItems": 8, "items": _ref("choice")}
    if key == "levels":
        level = {"allOf": [_ref("choice"), {"properties": {"id": {"description": "Which of the five levels.",
                                                                  **_enum(level.id for level in FEEDBACK_LEVELS)}},
                                            "not": {"required": ["next"]}}]}
        return {"description": words, "type": "array", "minItems": 5, "maxItems": 5, "items": level}
    if key == "max_length":
        return _number(words, *MAX_LENGTH, default=DEFAULT_MAX_LENGTH)
    if key == "keypad":
        return {"description": words, **_enum(KEYPADS, (k.words for k in KEYPADS.values())), "default": DEFAULT_KEYPAD}
    if key == "amount":
        return _number(words, *AMOUNT)
    if key in ("show", "hand_over"):
        return _one_or_list(words, {"type": "string"})
    if key == "flow":
        return _identifier(words)
    if key == "card":
        return _one_or_list(words, {"type": "string", **_enum(CARD_FIELDS)})
    if key == "simulate":
        return {"description": words, "type": "object"}
    if key == "tries":
        return {**_number(words, *TRIES_RANGE, default=DEFAULT_TRIES), "type": "integer"}
    if key == "guidance":
        return {"description": words, "type": "array", "minItems": 1, "maxItems": TRIES_RANGE[1] - 1,
                "items": _text("A sentence to say after a failed try.")}
    if key == "fail_next":
        return _identifier(words)
    if key in SIGNATURE_LIMITS:
        default, low, high = SIGNATURE_LIMITS[key]
        out = _number(words, low, high, default=default)
        return {**out, "type": "integer"} if key == "min_points" else out
    if key == "ticket_prefix":
        return {"description": words, "type": "string", "pattern": TICKET_PREFIX}
    return _text(words)


# Keys a kind of step cannot do without (loader.read_step asks for them with required=True).
KIND_REQUIRED = {"choice": ("choices",), "number": ("field",), "text": ("field",), "payment": ("amount",),
                 "handoff": ("window",), "live_face": ("instruction",), "start_flow": ("flow",)}


def _step_definitions() -> dict[str, Schema]:
    kind_keys = sorted({k for keys in KIND_KEYS.values() for k in keys} | set(COMMON_STEP_KEYS))
    _in_order(kind_keys, STEP_WORDS, "step keys (loader.COMMON_STEP_KEYS, KIND_KEYS)")
    if set(KIND_KEYS) != set(STEP_KINDS):
        raise SchemaDrift("loader.KIND_KEYS and flow.STEP_KINDS name different kinds")
    step: Schema = {
        "type": "object",
        "description": "One screen: id, kind and text, and the keys of its kind.",
        "properties": {key: _step_key(None, key) for key in COMMON_STEP_KEYS},
        "required": ["id", "kind", "text"],
        # Which keys a step may have depends on its kind; a step of an unknown kind is already an error.
        "allOf": [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                   "then": _ref(f"step_{kind}")} for kind in STEP_KINDS],
    }
    out: dict[str, Schema] = {"step": step}
    for kind in STEP_KINDS:
        # The common keys are checked by `step` itself; here they are only allowed.
        properties: Schema = {key: True for key in COMMON_STEP_KEYS}
        properties.update({key: _step_key(kind, key) for key in KIND_KEYS[kind]})
        does = KIND_WORDS[kind][0].lower() + KIND_WORDS[kind][1:]
        branch = _object(properties, KIND_REQUIRED.get(kind, ()), f"A '{kind}' step: the applicant {does}")
        if "valid" in KIND_KEYS[kind]:
            branch["dependencies"] = {"valid": ["error"]}  # SM103: a check needs its error message
        out[f"step_{kind}"] = branch
    choice_words = _in_order(CHOICE_KEYS, CHOICE_WORDS, "choice keys (loader.CHOICE_KEYS)")
    out["choice"] = _object(
        {key: (_identifier if key in ("id", "next") else _text)(choice_words[key]) for key in CHOICE_KEYS},
        required=["id", "text", "icon"], description="A tile to tap: id, text and icon.")
    out["next_line"] = _object(
        {"if": _condition("The condition for this way; the last line has none."),
         "go": _identifier("The step to go to.")},
        required=["go"], description="One way on: 'if: CONDITION' with 'go: STEP', or a last 'go: STEP'.")
    _in_order(NEXT_LINE_KEYS, out["next_line"]["properties"], "next line keys")
    return out


def _timeout_schema(description: str) -> Schema:
    default = Timeout()
    # Timeout's fields are the keys of a `timeout:` group (its location is where it was written).
    keys = [f.name for f in fields(Timeout) if f.name != "location"]
    words = _in_order(keys, TIMEOUT_WORDS, "timeout keys (flow.Timeout)")
    group = _object({
        "seconds": _number(words["seconds"], *TIMEOUT_SECONDS, default=default.seconds),
        "warning": _number(words["warning"], *WARNING_SECONDS, default=default.warning),
        "extensions": _number(words["extensions"], *EXTENSIONS, default=default.extensions),
    })
    return {"description": description, "if": {"type": "object"}, "then": group,
            "else": {"type": "number", "minimum": TIMEOUT_SECONDS[0], "maximum": TIMEOUT_SECONDS[1]}}


def _inputs_schema(description: str) -> Schema:
    words = _in_order(INPUT_SPEC_KEYS, INPUT_WORDS, "input keys")
    spec = _object({"type": {"description": words["type"], "type": "string", **_enum(TYPES)},
                    "description": _text(words["description"]),
                    "choices": _one_or_list(words["choices"], {"type": "string"}),
                    "required": {"description": words["required"], "type": "boolean"}}, required=["type"])
    return {
        "description": description,
        "type": "object",
        # SM114: an input may not take the name of something the kiosk already knows (age, region, ...).
        "propertyNames": {"pattern": IDENTIFIER.pattern, "not": {"enum": [s.name for s in BUILTIN_SYMBOLS]}},
        "additionalProperties": {"if": {"type": "object"}, "then": spec,
                                 "else": {"description": "number, text or yes_no", **_enum(TYPES)}},
    }


def _languages_schema(description: str) -> Schema:
    default = Languages()
    # Languages' fields are the keys a flow may give (each *_location is where one was written).
    keys = [f.name for f in fields(Languages) if not f.name.endswith("_location")]
    words = _in_order(keys, LANGUAGE_WORDS, "languages keys (flow.Languages)")
    properties: Schema = {}
    for key in keys:
        if key == "button":
            properties[key] = {"description": words[key], "type": "string", **_enum(LANGUAGE_BUTTONS),
                               "default": default.button}
        else:
            properties[key] = _one_or_list(words[key], {"type": "string", **_enum(LOCALES)})
            if getattr(default, key):
                properties[key]["default"] = list(getattr(default, key))
    return _object(properties, description=description)


def flow_schema() -> Schema:
    """The schema of a flow file, flows_yaml/*.yaml (docs/flow-format.md)."""
    words = _in_order(FLOW_KEYS, FLOW_WORDS, "flow keys (loader.FLOW_KEYS)")
    properties = {
        "flow": _identifier(words["flow"]),
        "title": _text(words["title"]),
        "language": {**_text(words["language"]), "default": "zh_Hans_CN", "examples": list(LOCALES)},
        "description": _text(words["description"]),
        "version": _text(words["version"]),
        "inputs": _inputs_schema(words["inputs"]),
        "settings": {"description": words["settings"], **_ref("settings")},
        "timeout": _timeout_schema(words["timeout"]),
        "call_staff": _identifier(words["call_staff"]),
        "rules": _rule_list(words["rules"]),
        "steps": {"description": words["steps"], "type": "array", "minItems": 1, "maxItems": MAX_STEPS,
                  "items": _ref("step")},
        "languages": _languages_schema(words["languages"]),
    }
    body = _object(_in_order(FLOW_KEYS, properties, "flow keys (loader.FLOW_KEYS)"),
                   required=["flow", "title", "call_staff", "steps"])
    return _document("seniormode flow", "One service at the kiosk, as a list of screens (docs/flow-format.md).",
                     body, {**_step_definitions(), **_rule_definitions()})


def rules_schema() -> Schema:
    """The schema of a shared rule file, flows_yaml/rules/*.yaml."""
    body = _object({
        "description": _text("What these rules are for, in a few words."),
        "rules": _rule_list("The rules, and other rule files (a path relative to this file)."),
    }, required=["rules"])
    _in_order(RULE_FILE_KEYS, body["properties"], "rule file keys")
    return _document("seniormode rule file", "Rules shared by flows: adaptation ('set') and routing ('go').",
                     body, _rule_definitions())


# --- themes ----------------------------------------------------------------------------------------------------------

def theme_schema() -> Schema:
    """The schema of a theme file, themes/*.yaml; contrast and millimetres are left to `seniormode check`."""
    words = _in_order(THEME_KEYS, THEME_WORDS, "theme keys (theme.THEME_KEYS)")
    colour = _in_order(COLOUR_NAMES, COLOUR_WORDS, "colours (theme.COLOUR_NAMES)")
    size = _in_order(SIZE_ROLES, SIZE_WORDS, "sizes (theme.SIZE_ROLES)")
    space = _in_order(SPACING_NAMES, SPACING_WORDS, "spacing (theme.SPACING_NAMES)")
    font = _in_order(FONT_KEYS, FONT_WORDS, "font keys (theme.FONT_KEYS)")
    icon = _in_order(UI_ICONS, UI_ICON_WORDS, "kiosk icons (theme.UI_ICONS)")
    font_default = FontSpec()
    theme_default = {f.name: float(f.default) for f in fields(Theme) if isinstance(f.default, (int, float))}

    def emoji(description: str) -> Schema:
        return {"description": description, "type": "string", "pattern": NOT_BLANK}

    font_properties: Schema = {key: {**_text(font[key]), "default": getattr(font_default, key)}
                               for key in FONT_KEYS if key != "dirs"}
    font_properties["dirs"] = _one_or_list(font["dirs"], {"type": "string"})
    properties = {
        "theme": _identifier(words["theme"]),
        "description": _text(words["description"]),
        "colours": _object({name: {"description": colour[name], "type": "string", "pattern": HEX_COLOUR}
                            for name in COLOUR_NAMES}, required=COLOUR_NAMES, description=words["colours"]),
        "font": _object({key: font_properties[key] for key in FONT_KEYS}, description=words["font"]),
        # The brief's floors (MIIT, WCAG) are errors at load, so the editor shows them too.
        "sizes": _object({role: _number(size[role], MIN_BODY_DP if role == "body" else 1, 400)
                          for role in SIZE_ROLES}, required=SIZE_ROLES, description=words["sizes"]),
        "line_spacing": _number(words["line_spacing"], max(1.0, MIN_LINE_SPACING), 3.0),
        "spacing": _object({name: _number(space[name], 0, 400) for name in SPACING_NAMES}, required=SPACING_NAMES,
                           description=words["spacing"]),
        "min_target_dp": _number(words["min_target_dp"], max(1, MIN_TARGET_DP), 1000),
        "min_target_mm": _number(words["min_target_mm"], MIN_TARGET_MM, 60, default=theme_default["min_target_mm"]),
        "screen_dpi": _number(words["screen_dpi"], 50, 1000),
        "density": _number(words["density"], 0.25, 8, default=theme_default["density"]),
        "largest_text_scale": _number(words["largest_text_scale"], 1.0, LARGEST_TEXT_SCALE,
                                      default=theme_default["largest_text_scale"]),
        "min_contrast": _number(words["min_contrast"], MIN_CONTRAST_FLOOR, 21, default=theme_default["min_contrast"]),
        "icons": {
            "description": words["icons"],
            "type": "object",
            "properties": {name: emoji(icon[name]) for name in UI_ICONS},
            "additionalProperties": emoji("An icon a flow names for a step or a choice."),
        },
        "icon_outline": _number(words["icon_outline"], 0, 12, default=theme_default["icon_outline"]),
        "staff_languages": {"description": words["staff_languages"], "type": "array", "items": _enum(LOCALES),
                            "uniqueItems": True},
    }
    body = _object(_in_order(THEME_KEYS, properties, "theme keys (theme.THEME_KEYS)"),
                   required=["theme", "colours", "sizes", "line_spacing", "spacing", "min_target_dp", "screen_dpi"])
    return _document("seniormode theme", "Colours, fonts, sizes, touch targets and icons of the kiosk's screens.",
                     body, {})


def icons_schema() -> Schema:
    """The schema of the icon catalogue themes share, themes/icons.yaml."""
    entry: Schema = {
        "description": "An icon: its emoji, or the emoji and the words it means.",
        "oneOf": [
            {"type": "string", "pattern": NOT_BLANK},
            _object({"emoji": {"description": "One colour emoji, a single code point.", "type": "string",
                               "pattern": NOT_BLANK},
                     "synonyms": {"description": "Words the icon means, in English and Chinese, for suggestions "
                                                 "by meaning (search -> magnifier).",
                                  "type": "array", "items": {"type": "string"}}},
                    required=["emoji"]),
        ],
    }
    body = _object({"icons": {"description": "Icon name -> emoji (and synonyms). 'fallback' is shown for a name "
                                             "no one has.", "type": "object", "additionalProperties": entry,
                              "required": ["fallback"]}}, required=["icons"])
    return _document("seniormode icon catalogue", "The icons every theme shares: emoji and meanings.", body, {})


def _kiosk_schema() -> Schema:
    from .kiosk_schema import kiosk_schema  # it builds on this module's helpers, so it is imported when used

    return kiosk_schema()


# --- files -----------------------------------------------------------------------------------------------------------

SCHEMAS: dict[str, Callable[[], Schema]] = {
    "flow.schema.json": flow_schema,
    "rules.schema.json": rules_schema,
    "theme.schema.json": theme_schema,
    "icons.schema.json": icons_schema,
    "kiosk.schema.json": _kiosk_schema,
}


def schemas_dir() -> Path:
    """The repository's schemas/ folder, which the YAML files' `$schema` comments point at."""
    return Path(__file__).resolve().parents[2] / "schemas"


def render(name: str) -> str:
    """One schema file's text: stable, UTF-8 as written (the descriptions quote Chinese), ending in a newline."""
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into out_dir; a file already up to date is left untouched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = out_dir / name
        text = render(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def check_schemas(out_dir: Path) -> list[str]:
    """The names of the schema files in out_dir that are missing or differ from what this module makes."""
    stale = []
    for name in SCHEMAS:
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(name):
            stale.append(name)
    return stale


__all__ = ["SCHEMAS", "SchemaDrift", "check_schemas", "flow_schema", "render", "rules_schema", "schemas_dir",
           "icons_schema", "theme_schema", "write_schemas"]
