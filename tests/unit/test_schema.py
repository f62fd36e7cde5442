"""The editor's JSON Schemas (seniormode/lint/schema.py) and the loaders agree.

Same keys at every level, same verdict on every shipped file and on the bad files' structural mistakes, and the
same verdict on random structural mutations of the demo flows and themes. What a schema cannot see (step names,
reachability, conditions, contrast, translations) is listed here with the reason.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from seniormode.core.icons import load_catalogue
from seniormode.core.loader import COMMON_STEP_KEYS, KIND_KEYS, load_flow, load_flow_text
from seniormode.core.problems import CODES, Problems
from seniormode.core.settings import SETTINGS
from seniormode.core.theme import load_theme
from seniormode.lint.schema import (
    SCHEMAS,
    check_schemas,
    flow_schema,
    icons_schema,
    rules_schema,
    schemas_dir,
    theme_schema,
    write_schemas,
)

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
FLOWS = REPO / "flows_yaml"
DEMO_FLOWS = sorted(FLOWS.glob("*.yaml"))
RULE_FILES = sorted((FLOWS / "rules").glob("*.yaml"))
THEMES = sorted(p for p in (REPO / "themes").glob("*.yaml") if p.name != "icons.yaml")  # the shared catalogue
ICON_CATALOGUE = REPO / "themes" / "icons.yaml"
BAD_FLOWS = REPO / "tests" / "bad_flows"
BAD_THEMES = REPO / "tests" / "bad_themes"
EXPECT = re.compile(r"^# expect: (SM\d{3}) line \d+")

FLOW_SCHEMA, RULES_SCHEMA, THEME_SCHEMA = flow_schema(), rules_schema(), theme_schema()
FLOW = Draft7Validator(FLOW_SCHEMA)
RULES = Draft7Validator(RULES_SCHEMA)
THEME = Draft7Validator(THEME_SCHEMA)

# Codes of bad files the schema must reject too: the shape of the file is wrong.
SCHEMA_CATCHES = {
    "SM101": "unknown key: additionalProperties false, per step kind",
    "SM102": "wrong type: type",
    "SM103": "missing key: required (and 'valid' needs 'error'; a flow needs a step)",
    "SM108": "invalid value: enum, pattern (ids, colours), minimum/maximum",
    "SM109": "2 to 6 choices: minItems/maxItems",
    "SM111": "time-out warning and extensions floors: minimum",
    "SM301": "a rule has 'set' or 'go': oneOf required",
}
# Codes the schema must NOT report: each bad file has exactly one problem, so the rest of it is well-formed.
SCHEMA_CANNOT_SEE = {
    "SM001": "YAML syntax: such files do not parse, so nothing reaches the schema",
    "SM002": "duplicate keys are a YAML reading rule; a parser keeps one of them",
    "SM004": "the file cannot be read (not UTF-8, or missing)",
    "SM104": "step names that do not exist: the schema does not know the flow's steps",
    "SM105": "ids used twice: JSON Schema has no uniqueness of a field across list items",
    "SM106": "reachability is a property of the graph of steps",
    "SM107": "a way out of every step is a property of the graph",
    "SM110": "call_staff names a step whose kind is elsewhere in the file",
    "SM112": "a payment needs a confirm step before it in the graph",
    "SM113": "the error message naming the field compares two values",
    "SM115": "screen text length is a warning, not a shape",
    "SM116": "loops are a property of the graph",
    "SM117": "what a summary may change depends on the graph",
    "SM118": "an 'end' step somewhere in the list is a fact about all the steps together",
    "SM119": "which step is written below another is order in the list, not a shape",
    "SM120": "how many guidance lines the tries leave room for compares two values",
    "SM121": "a step after the payment is a property of the graph",
    "SM122": "whether a flow of that id is in the folder is a fact about other files",
    "SM123": "what the next flow takes is in its own file",
    "SM124": "what the next flow requires is in its own file",
    "SM125": "a circle of flows runs through other files",
    "SM201": "condition syntax is the expression language's",
    "SM202": "names in conditions depend on the flow's steps and inputs",
    "SM203": "types in conditions depend on the names' types",
    "SM204": "choice values in conditions depend on the steps' choices",
    "SM205": "a condition's result type is the expression language's",
    "SM302": "a rule that never applies needs the condition's logic",
    "SM303": "an always overridden rule needs the conditions' logic",
    "SM304": "answers with no way on need the conditions' logic",
    "SM401": "scenario files have no schema",
    "SM501": "contrast is arithmetic on two colours",
    "SM504": "icon names are the theme's, in another file",
    "SM505": "which characters the font draws is in the font file",
    "SM506": "clipping depends on the rendered text",
    "SM507": "character height in mm depends on size, scale, dpi and density together",
    "SM508": "a choice's icon and words are checked against the theme",
    "SM509": "recordings are files under locales/",
    "SM510": "where a line breaks depends on the rendered text",
    "SM511": "drawn sizes at two text settings are compared on the screen",
    "SM512": "where an overlay is drawn is layout, not YAML",
    "SM513": "an icon's outline against its tile is measured on the drawn screen, not in YAML",
    "SM601": "translations are in locales/",
    "SM602": "translations are in locales/",
    "SM603": "translations are in locales/",
    "SM604": "translations are in locales/",
    "SM605": "catalogs are in locales/",
    "SM606": "catalogs are in locales/",
    "SM607": "catalogs are in locales/",
}
# Codes the schema sees in some cases only: no assertion either way.
SCHEMA_SEES_SOME = {
    "SM003": "at most 2000 steps is maxItems; file size, nesting and value length are the reader's",
    "SM114": "an input named like a built-in (age, ...) is propertyNames; a step named like an input is not",
    "SM502": "body >= 18 dp and line spacing >= 1.3 are minimum; body at the largest text scale is a product",
    "SM503": ">= 60 dp is minimum; >= 20 mm depends on dpi and density together",
}


# --- reading YAML as the editor and the loader do ------------------------------------------------------------------

class _AsWritten(yaml.SafeLoader):
    """safe_load, but keys stay as written and dates stay text, as seniormode's reader and a YAML 1.2 editor have
    them: PyYAML's YAML 1.1 would make a confirm step's `yes:` key the boolean True."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    return {key.value: loader.construct_object(value, deep=True) for key, value in node.value}


def _as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_AsWritten.add_constructor("tag:yaml.org,2002:map", _mapping)
_AsWritten.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's is 5x faster: these tests dump thousands


def parse(text: str) -> Any:
    return yaml.load(text, Loader=_AsWritten)  # a SafeLoader: no Python objects


def read_or_skip(path: Path) -> Any:
    """The file's data for jsonschema; files that are not even YAML are the loader's alone (SM001, SM004)."""
    try:
        return parse(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError, TypeError) as exc:  # TypeError: a list as a key
        pytest.skip(f"{path.name} is not YAML a schema can see: {type(exc).__name__}")


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)


def schema_errors(validator: Draft7Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:160]}" for e in validator.iter_errors(data)]


def loader_errors(problems: Problems) -> list[str]:
    return [p.format() for p in problems.items if p.severity.value == "error"]


def load_flow_data(data: Any) -> Problems:
    _, problems = load_flow_text(dump(data), "mutated.yaml", base_dir=FLOWS)
    return problems


def load_theme_data(data: Any, stem: str) -> Problems:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.yaml"
        path.write_text(dump(data), encoding="utf-8")
        _, problems = load_theme(path)
    return problems


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def fixed_twins(folder: Path) -> list[Path]:
    return sorted((folder / "fixed").glob("*.yaml"))


# --- the committed files ------------------------------------------------------------------------------------------

def test_committed_schemas_are_up_to_date() -> None:
    assert check_schemas(schemas_dir()) == [], \
        "run 'seniormode schema'"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_valid_draft_07(name: str) -> None:
    schema = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


def _described(schema: Any, where: str = "") -> Iterator[str]:
    """Where a property in the schema has no description (one given by its $ref or only allowing, `true`, is fine)."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                yield f"{where}/{name}"
        for key, sub in schema.items():
            if key != "if":  # a test, not a place anyone writes a key
                yield from _described(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from _described(sub, f"{where}/{i}")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_property_is_described(name: str) -> None:
    assert list(_described(SCHEMAS[name]())) == []


def test_write_and_check(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "schemas")
    assert [p.name for p in written] == list(SCHEMAS)
    assert check_schemas(tmp_path / "schemas") == []
    text = written[0].read_text(encoding="utf-8")
    assert text.endswith("}\n") and "确认付款" in text  # UTF-8 as written, not \u escapes
    assert json.loads(text) == SCHEMAS[written[0].name]()
    written[0].write_text(text.replace("2 to 6", "2 to 9"), encoding="utf-8")
    written[2].unlink()
    assert check_schemas(tmp_path / "schemas") == [written[0].name, written[2].name]
    write_schemas(tmp_path / "schemas")
    assert check_schemas(tmp_path / "schemas") == []


@pytest.mark.parametrize("path, schema", [(p, "flow") for p in DEMO_FLOWS] + [(p, "rules") for p in RULE_FILES]
                         + [(p, "theme") for p in THEMES] + [(ICON_CATALOGUE, "icons")],
                         ids=lambda x: rel(x) if isinstance(x, Path) else "")
def test_yaml_file_names_its_schema(path: Path, schema: str) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{rel(path)}: first line should name the schema for the editor, not {first!r}"
    target = (path.parent / match.group(1)).resolve()
    assert target == schemas_dir() / f"{schema}.schema.json"


# --- the same keys at every level ---------------------------------------------------------------------------------

UNKNOWN = "zz_not_a_key"


def _allowed_by_loader(problems: Problems) -> dict[str, set[str]]:
    """From each SM101 'unknown key ... in WHAT' problem: the keys the loader's hint says WHAT allows."""
    out = {}
    for p in problems.items:
        if p.code == "SM101":
            what = p.message.split(" in ", 1)[1]
            out[what] = {k.strip() for k in p.hint.split(": ", 1)[1].split(",")}
    return out


def test_flow_keys_agree_with_the_loader_at_every_level() -> None:
    steps: list[dict[str, Any]] = [{"id": f"s_{kind}", "kind": kind, "text": "t", UNKNOWN: 1} for kind in KIND_KEYS]
    steps[0]["next"] = [{"go": "s_end", UNKNOWN: 1}]
    steps.append({"id": "s_choices", "kind": "choice", "text": "t", "choices": [
        {"id": "a", "text": "a", "icon": "a", UNKNOWN: 1}, {"id": "b", "text": "b", "icon": "b"}]})
    data = {"flow": "keys", "title": "t", "call_staff": "s_handoff", UNKNOWN: 1, "settings": {UNKNOWN: 1},
            "timeout": {UNKNOWN: 1}, "languages": {UNKNOWN: 1}, "inputs": {"extra": {"type": "text", UNKNOWN: 1}},
            "rules": [{"id": "r", "go": "s_end", UNKNOWN: 1}], "steps": steps}
    loader = _allowed_by_loader(load_flow_data(data))
    props, defs = FLOW_SCHEMA["properties"], FLOW_SCHEMA["definitions"]
    schema = {
        "the flow": props,
        "flow settings": defs["settings"]["properties"],
        "timeout": props["timeout"]["then"]["properties"],
        "languages": props["languages"]["properties"],
        "input 'extra'": props["inputs"]["additionalProperties"]["then"]["properties"],
        "rule": defs["rule"]["properties"],
        "a 'next' line": defs["next_line"]["properties"],
        "a choice": defs["choice"]["properties"],
        **{f"a step of kind '{kind}'": defs[f"step_{kind}"]["properties"] for kind in KIND_KEYS},
    }
    assert set(loader) == set(schema)
    for what, keys in schema.items():
        assert loader[what] == set(keys), what


def test_rule_file_keys_agree_with_the_loader(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text(dump({"rules": [], UNKNOWN: 1}), encoding="utf-8")
    problems = load_flow_text(RULE_FILE_HOST.format(path="shared.yaml"), "host.yaml", base_dir=tmp_path)[1]
    assert _allowed_by_loader(problems) == {"rule file": set(RULES_SCHEMA["properties"])}


def test_theme_keys_agree_with_the_loader() -> None:
    data = parse(THEMES[0].read_text(encoding="utf-8"))
    data.setdefault("font", {})
    for group in ("", "colours", "sizes", "spacing", "font"):
        (data[group] if group else data)[UNKNOWN] = 1
    loader = _allowed_by_loader(load_theme_data(data, THEMES[0].stem))
    props = THEME_SCHEMA["properties"]
    assert loader == {
        "a theme": set(props),
        **{f"the theme's {group}": set(props[group]["properties"])
           for group in ("colours", "sizes", "spacing", "font")},
    }


# --- valid for both -----------------------------------------------------------------------------------------------

# A rule file is read through a flow that names it.
RULE_FILE_HOST = """\
flow: rule_file_host
title: 规则
call_staff: staff
rules: [{path}]
steps:
  - {{id: start, kind: info, text: 开始}}
  - {{id: done, kind: end, text: 好了}}
  - {{id: staff, kind: handoff, text: 工作人员, window: 1号窗口}}
"""


@pytest.mark.parametrize("path", DEMO_FLOWS + fixed_twins(BAD_FLOWS), ids=rel)
def test_valid_flow_passes_loader_and_schema(path: Path) -> None:
    _, problems = load_flow(path)
    assert loader_errors(problems) == []
    assert schema_errors(FLOW, read_or_skip(path)) == []


@pytest.mark.parametrize("path", RULE_FILES, ids=rel)
def test_rule_file_passes_loader_and_schema(path: Path) -> None:
    _, problems = load_flow_text(RULE_FILE_HOST.format(path=json.dumps(path.name)), "host.yaml", base_dir=path.parent)
    assert loader_errors(problems) == []
    assert schema_errors(RULES, read_or_skip(path)) == []


def test_icon_catalogue_passes_loader_and_schema() -> None:
    assert load_catalogue(ICON_CATALOGUE)[1].items == []
    assert schema_errors(Draft7Validator(icons_schema()), read_or_skip(ICON_CATALOGUE)) == []
    assert schema_errors(Draft7Validator(icons_schema()), {"icons": {"wave": {"emoji": "x", "means": []}}})


@pytest.mark.parametrize("path", THEMES + fixed_twins(BAD_THEMES), ids=rel)
def test_valid_theme_passes_loader_and_schema(path: Path) -> None:
    _, problems = load_theme(path)
    assert loader_errors(problems) == []
    assert schema_errors(THEME, read_or_skip(path)) == []


# --- the bad files ------------------------------------------------------------------------------------------------

def test_every_problem_code_says_what_the_schema_sees() -> None:
    groups = [set(SCHEMA_CATCHES), set(SCHEMA_CANNOT_SEE), set(SCHEMA_SEES_SOME)]
    assert set.union(*groups) == set(CODES), "add the new code to one of the three tables at the top"
    assert sum(len(g) for g in groups) == len(set.union(*groups)), "a code is in two tables"


def _bad_files() -> list[Any]:
    return [pytest.param(path, validator, id=rel(path))
            for folder, validator in ((BAD_FLOWS, FLOW), (BAD_THEMES, THEME))
            for path in sorted(folder.glob("*.yaml"))]


@pytest.mark.parametrize("path, validator", _bad_files())
def test_bad_file_schema_verdict(path: Path, validator: Draft7Validator) -> None:
    match = EXPECT.match(path.read_bytes().decode("utf-8", "replace").split("\n", 1)[0])
    if match is None:
        pytest.skip("no '# expect: SMxxx line N' first line")
    code = match.group(1)
    errors = schema_errors(validator, read_or_skip(path))
    if code in SCHEMA_CATCHES:
        assert errors, f"the loader gives {code} ({CODES[code]}); the schema should reject the file too"
    elif code in SCHEMA_CANNOT_SEE:
        assert errors == [], f"{code} is beyond a schema ({SCHEMA_CANNOT_SEE[code]}) and the rest is well-formed"


# --- bounds: at the bound both accept, beyond it both reject ------------------------------------------------------

def _pointer(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = schema
    for part in pointer.strip("/").split("/"):
        node = node[part]
    assert isinstance(node, dict)
    return node


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _demo(name: str) -> Any:
    return parse((FLOWS / f"{name}.yaml").read_text(encoding="utf-8"))


def _step_index(data: Any, kind: str) -> int:
    return next(i for i, s in enumerate(data["steps"]) if s["kind"] == kind)


def _rich(data: Any) -> Any:
    """A demo flow with the optional parts the demos leave out: settings, languages, inputs and a 'next' list."""
    data = copy.deepcopy(data)
    data["settings"] = {"text_scale": 1.2, "help": ["staff", "repeat"], "read_choices": "off", "theme": "senior"}
    data["languages"] = {"display": ["zh_Hans_CN", "en"], "voice": "zh_Hans_CN", "button": "both"}
    data["inputs"] = {**data.get("inputs", {}), "companion": "yes_no",
                      "booking": {"type": "text", "description": "预约", "choices": ["a", "b"]}}
    second = data["steps"][1]["id"]
    data["steps"][0]["next"] = [{"if": "companion", "go": second}, {"go": second}]
    return data


HK, TALENT = _demo("hk_macau_renewal"), _demo("talent_endorsement")
FLOW_BOUNDS = [
    (HK, ("timeout",), "properties/timeout/else"),
    (HK, ("timeout", "seconds"), "properties/timeout/then/properties/seconds"),
    (HK, ("timeout", "warning"), "properties/timeout/then/properties/warning"),
    (HK, ("timeout", "extensions"), "properties/timeout/then/properties/extensions"),
    (HK, ("steps", 0, "timeout"), "definitions/step/properties/timeout"),
    (HK, ("steps", _step_index(HK, "payment"), "amount"), "definitions/step_payment/properties/amount"),
    (HK, ("rules", 1, "priority"), "definitions/rule/properties/priority"),
    (TALENT, ("steps", _step_index(TALENT, "number"), "max_length"), "definitions/step_number/properties/max_length"),
    *[(_rich(HK), ("settings", name), f"definitions/settings/properties/{name}")
      for name, spec in SETTINGS.items() if spec.low is not None],
]


@pytest.mark.parametrize("base, path, pointer", FLOW_BOUNDS, ids=[p for _, _, p in FLOW_BOUNDS])
def test_flow_number_bounds_agree(base: Any, path: tuple[Any, ...], pointer: str) -> None:
    bounds = _pointer(FLOW_SCHEMA, pointer)
    for value, ok in ((bounds["minimum"], True), (bounds["maximum"], True),
                      (bounds["minimum"] - 0.5, False), (bounds["maximum"] + 0.5, False)):
        data = copy.deepcopy(base)
        _set(data, path, value)
        assert bool(loader_errors(load_flow_data(data))) is not ok, (path, value)
        assert bool(schema_errors(FLOW, data)) is not ok, (path, value)


def _roomy_theme() -> Any:
    """The senior theme with room around every number: black on white, large targets on a coarse screen."""
    data = parse((REPO / "themes" / "senior.yaml").read_text(encoding="utf-8"))
    light = {"background", "surface", "accent_text", "danger_text", "error_background"}
    data["colours"] = {name: "#FFFFFF" if name in light else "#000000" for name in data["colours"]}
    data["sizes"]["body"] = 40
    data.update(screen_dpi=50, min_target_dp=1000)
    return data


def _theme_numbers() -> list[str]:
    props = THEME_SCHEMA["properties"]
    out = [f"{key}" for key, sub in props.items() if sub.get("type") == "number"]
    out += [f"{group}/{key}" for group in ("sizes", "spacing") for key in props[group]["properties"]]
    return out


@pytest.mark.parametrize("key", _theme_numbers())
def test_theme_number_bounds_agree(key: str) -> None:
    pointer = "properties/" + "/properties/".join(key.split("/"))
    bounds = _pointer(THEME_SCHEMA, pointer)
    for value, ok in ((bounds["minimum"], True), (bounds["maximum"], True),
                      (bounds["minimum"] - 0.5, False), (bounds["maximum"] + 0.5, False)):
        data = _roomy_theme()
        _set(data, tuple(key.split("/")), value)
        assert bool(loader_errors(load_theme_data(data, "senior"))) is not ok, (key, value)
        assert bool(schema_errors(THEME, data)) is not ok, (key, value)


# --- mutations: the loader finds an error iff the schema does -----------------------------------------------------

BASES = [(p.stem, parse(p.read_text(encoding="utf-8"))) for p in DEMO_FLOWS]
BASES += [(f"{name}+optional", _rich(data)) for name, data in BASES]


def test_mutation_bases_are_valid_for_both() -> None:
    for name, data in BASES:
        assert loader_errors(load_flow_data(data)) == [], name
        assert schema_errors(FLOW, data) == [], name


# Anything goes inside these, for both.
FREE = {"simulate"}
# Dropping these changes the ways through the flow or the names conditions use: an error of the graph or of a
# condition (SM104-SM107, SM202, SM304), which no schema can see.
ROUTING = {"next", "no_next", "if", "rules", "inputs"}
# The loader does not read the flow's own description and version (any value passes); the schema types them as
# text, as the other descriptions are. Left alone here.
UNREAD = {"description", "version"}
# For each type found in a file: values of other types. No strings in place of lists and mappings: a string
# there is a step or file name (`next: x`, `show: x`, `rules: [x]`), whose existence is beyond a schema.
WRONG_TYPED: dict[type, list[Any]] = {
    str: [None, True, False, 0, 7, 2.5, [7], {}, {"k": "v"}],
    int: [None, True, "", "text", [7], {}, {"k": "v"}],
    float: [None, True, "", "text", [7], {}, {"k": "v"}],
    bool: [None, 0, 7, "", "text", [7], {}],
    list: [None, True, 7, {}, {"k": "v"}],
    dict: [None, True, 7, 2.5, "", [7]],
    type(None): [True, 7, "text", [7], {}],
}
ANY_VALUE = [None, True, 0, 7, 2.5, "", "text", [7], {}, {"k": "v"}]


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value and where it is, without looking inside the free-form ones."""
    yield path, node
    if path and path[-1] in FREE:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, (*path, i))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _shape(data: Any, path: tuple[Any, ...]) -> str:
    """The kind of place, without list positions but with the step's kind: steps/[payment]/amount, rules/*/go."""
    out = []
    node = data
    for part in path:
        child = node[part]
        kind = child.get("kind") if isinstance(child, dict) and node is data.get("steps") else None
        out.append(f"[{kind}]" if isinstance(kind, str) else "*" if isinstance(part, int) else str(part))
        node = child
    return "/".join(out)


def _pick(draw: st.DrawFn, data: Any, slots: list[Any], path_of: Any = lambda slot: slot[0]) -> Any:
    """A slot, each kind of place as likely as any other, however many there are of it."""
    shapes = sorted({_shape(data, path_of(slot)) for slot in slots})
    shape = draw(st.sampled_from(shapes))
    return draw(st.sampled_from([slot for slot in slots if _shape(data, path_of(slot)) == shape]))


@st.composite
def mutated(draw: st.DrawFn, bases: list[tuple[str, Any]]) -> tuple[str, Any]:
    """One structural mistake in a valid file: (what was done, the data)."""
    name, base = draw(st.sampled_from(bases))
    data = copy.deepcopy(base)
    nodes = list(_nodes(data))
    op = draw(st.sampled_from(["drop", "unknown_key", "wrong_type", "other_kind_key", "unknown_kind", "choices"]))
    mappings = [(p, n) for p, n in nodes if isinstance(n, dict) and not (p and p[-1] in FREE)]
    steps = [(p, n) for p, n in nodes if len(p) == 2 and p[0] == "steps" and isinstance(n, dict) and "kind" in n]
    if op == "drop":
        slots = [(p, k) for p, n in mappings if not (p and p[-1] == "inputs") for k in n if k not in ROUTING]
        path, key = _pick(draw, data, slots, lambda slot: (*slot[0], slot[1]))
        del _get(data, path)[key]
        return f"{name}: drop {'/'.join(map(str, (*path, key)))}", data
    if op == "unknown_key":
        path, node = _pick(draw, data, mappings)
        key = "zz_" + draw(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8))
        node[key] = draw(st.sampled_from(ANY_VALUE))
        return f"{name}: add {'/'.join(map(str, (*path, key)))} = {node[key]!r}", data
    if op == "wrong_type":
        slots = [(p, n) for p, n in nodes if p and p[0] not in UNREAD]
        path, node = _pick(draw, data, slots)
        value = draw(st.sampled_from(WRONG_TYPED[type(node)]))
        _set(data, path, value)
        return f"{name}: {'/'.join(map(str, path))} = {value!r} (was {node!r})", data
    if op in ("other_kind_key", "unknown_kind"):
        path, step = draw(st.sampled_from(steps))
        if op == "unknown_kind":
            step["kind"] = draw(st.sampled_from(["zz_kind", "Info", "choices", "", "handoff "]))
            return f"{name}: {'/'.join(map(str, path))}/kind = {step['kind']!r}", data
        allowed = set(COMMON_STEP_KEYS) | set(KIND_KEYS[step["kind"]])
        key = draw(st.sampled_from(sorted({k for keys in KIND_KEYS.values() for k in keys} - allowed)))
        step[key] = draw(st.sampled_from(ANY_VALUE))
        return f"{name}: {'/'.join(map(str, path))} ({step['kind']}) + {key}", data
    with_choices = [(p, s) for p, s in steps if s["kind"] == "choice"] or steps[:0]
    if not with_choices:
        return f"{name}: unchanged (no choice step)", data
    path, step = draw(st.sampled_from(with_choices))
    if draw(st.booleans()):
        step["choices"] = step["choices"][:1]
    else:
        extra = [{"id": f"zz_{i}", "text": "多", "icon": "question"} for i in range(7 - len(step["choices"]))]
        step["choices"] = step["choices"] + extra
    return f"{name}: {'/'.join(map(str, path))} has {len(step['choices'])} choices", data


def _one_per_shape() -> list[tuple[str, Any, tuple[Any, ...]]]:
    """One place of each shape (flow/title, steps/*/amount, ...) across the bases, with the base it is in."""
    seen: set[str] = set()
    out = []
    for name, base in BASES:
        for path, _ in _nodes(base):
            if path and _shape(base, path) not in seen:
                seen.add(_shape(base, path))
                out.append((name, base, path))
    return out


def _disagreement(what: str, data: Any) -> str | None:
    loader = loader_errors(load_flow_data(data))
    if bool(loader) != FLOW.is_valid(data):  # is_valid stops at the first error: the sweeps stay quick
        return None
    return f"{what}\n  loader: {loader[:2]}\n  schema: {schema_errors(FLOW, data)[:2]}"


def _one_of_each_type(values: list[Any]) -> list[Any]:
    """One null, yes/no, number, text, list and mapping: the sweep stays quick, the random test tries the rest."""
    seen: set[str] = set()
    out = []
    for value in values:
        kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__
        if kind not in seen:
            seen.add(kind)
            out.append(value)
    return out


def test_every_place_takes_the_same_types_in_both() -> None:
    """Every kind of place in the demo flows, every other type of value: the loader and the schema agree."""
    found = []
    for name, base, path in _one_per_shape():
        if path[0] in UNREAD:
            continue
        node = _get(base, path)
        for value in _one_of_each_type(WRONG_TYPED[type(node)]):
            data = copy.deepcopy(base)
            _set(data, path, value)
            found.append(_disagreement(f"{name}: {_shape(base, path)} = {value!r}", data))
    assert [f for f in found if f] == []
    assert len(found) > 500  # the sweep sees the places it should


def test_every_key_dropped_or_unknown_agrees_in_both() -> None:
    found = []
    for name, base, path in _one_per_shape():
        parent = _get(base, path[:-1])
        if isinstance(parent, dict) and path[-1] not in ROUTING and path[-2:-1] != ("inputs",):
            data = copy.deepcopy(base)
            del _get(data, path[:-1])[path[-1]]
            found.append(_disagreement(f"{name}: drop {_shape(base, path)}", data))
        if isinstance(_get(base, path), dict) and path[-1] not in FREE:
            data = copy.deepcopy(base)
            _get(data, path)[UNKNOWN] = "text"
            found.append(_disagreement(f"{name}: {_shape(base, path)}/{UNKNOWN}", data))
    assert [f for f in found if f] == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(BASES))
def test_loader_and_schema_agree_on_flow_mutations(case: tuple[str, Any]) -> None:
    what, data = case
    assert _disagreement(what, data) is None


THEME_BASES = [(p.stem, parse(p.read_text(encoding="utf-8"))) for p in THEMES]
# Dropping these brings back a default (min_contrast 7, density 1, ...) that the contrast and millimetre maths may
# not meet: arithmetic across keys, beyond a schema.
THEME_DEFAULTS_IN_MATHS = {"min_contrast", "density", "largest_text_scale", "min_target_mm"}
# A new icon of words ("text") is a wrong value (one emoji per icon), not a wrong shape: only emoji or other types.
ANY_THEME_VALUE = [None, True, 0, 7, 2.5, "🔷", [7], {}, {"k": "v"}]


@st.composite
def mutated_theme(draw: st.DrawFn) -> tuple[str, str, Any]:
    name, base = draw(st.sampled_from(THEME_BASES))
    data = copy.deepcopy(base)
    nodes = [(p, n) for p, n in _nodes(data) if p]
    op = draw(st.sampled_from(["drop", "unknown_key", "wrong_type"]))
    if op == "drop":
        slots = [p for p, _ in nodes if p[-1] not in THEME_DEFAULTS_IN_MATHS]
        path = draw(st.sampled_from(slots))
        del _get(data, path[:-1])[path[-1]]
        return name, f"{name}: drop {'/'.join(map(str, path))}", data
    if op == "unknown_key":
        path = draw(st.sampled_from([(), *(p for p, n in nodes if isinstance(n, dict))]))
        value = draw(st.sampled_from(ANY_THEME_VALUE))
        _get(data, path)["zz_" + draw(st.text("abcxyz_", min_size=1, max_size=6))] = value
        return name, f"{name}: unknown key in /{'/'.join(path)}", data
    path, node = draw(st.sampled_from(nodes))
    # A number for a number would be arithmetic (contrast, mm), not a type: only other types.
    value = draw(st.sampled_from(WRONG_TYPED[type(node)]))
    _set(data, path, value)
    return name, f"{name}: {'/'.join(map(str, path))} = {value!r} (was {node!r})", data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_theme())
def test_loader_and_schema_agree_on_theme_mutations(case: tuple[str, str, Any]) -> None:
    stem, what, data = case
    loader, schema = loader_errors(load_theme_data(data, stem)), schema_errors(THEME, data)
    assert bool(loader) == bool(schema), f"{what}\nloader: {loader}\nschema: {schema}"


def test_the_schema_command_writes_and_checks_every_schema(tmp_path: Path) -> None:
    from seniormode.cli import main

    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMAS)
    assert check_schemas(tmp_path) == [] and check_schemas(schemas_dir()) == []
