"""The loader either loads or returns problems: never a traceback, a hang or a memory blow-up."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seniormode.core.loader import load_flow, load_flow_text
from seniormode.core.problems import CODES, Problems

pytestmark = pytest.mark.property

FLOWS = Path(__file__).resolve().parents[2] / "flows_yaml"
DEMO_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(FLOWS.glob("*.yaml"))]
YAML_LINE_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
TIME_LIMIT = 2.0  # seconds for one load, however bad the input
MEMORY_LIMIT = 64 * 1024 * 1024


def check_outcome(text: str, name: str = "fuzz.yaml") -> Problems:
    start = time.perf_counter()
    flow, problems = load_flow_text(text, name, base_dir=FLOWS)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"load took {elapsed:.2f}s"
    assert (flow is None) == problems.has_errors
    lines = len(YAML_LINE_BREAKS.split(text)) + 1  # YAML also breaks lines at \r, NEL and U+2028/9
    for p in problems.items:
        assert p.code in CODES
        assert p.message
        assert p.location.line >= 1 and p.location.column >= 1
        if p.location.file == name:
            assert p.location.line <= lines, (p, lines)
        p.format()  # always printable
    return problems


TOKENS = ["next: ", "kind: ", "- ", ":", "&a ", "*a", "{", "}", "[", "]", "\t", "  ", "'", '"', "#", "|",
          "<<: *a", "!!python/object:os.system", "id: ", "go: ", "if: ", "when: ", "age >= ", "choices:", "---",
          "\n", "yes", "null", "1e999", "steps:", "welcome", "read_card", "请", "%", "@", "`", "\x00", "\ufeff"]


@st.composite
def mutated_flow(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(DEMO_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "char", "indent"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(st.sampled_from(TOKENS)) + line[k:]
        elif op == "char":
            line = lines[i]
            if line:
                k = draw(st.integers(0, len(line) - 1))
                lines[i] = line[:k] + draw(st.characters()) + line[k + 1:]
        else:
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    "])) + lines[i].lstrip()
    return "\n".join(lines)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_flow())
def test_mutated_demo_flows_load_or_give_problems(text: str) -> None:
    check_outcome(text)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["info", "choice", "end", "handoff", "welcome", "age >= 70", "staff"]))
KEYS = st.sampled_from(["flow", "title", "steps", "id", "kind", "text", "say", "next", "choices", "go", "if",
                        "call_staff", "rules", "when", "set", "icon", "valid", "error", "field", "timeout",
                        "inputs", "settings", "window", "priority"]) | st.text(max_size=8)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=6),
                         max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(documents)
def test_random_yaml_documents_load_or_give_problems(doc: object) -> None:
    check_outcome(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "random.yaml"
    path.write_bytes(data)
    flow, problems = load_flow(path)
    assert flow is None and problems.has_errors


@settings(max_examples=50, deadline=None)
@given(st.integers(41, 3000), st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting(depth: int, opener: str) -> None:
    if opener == "- ":
        text = "steps:\n" + "".join("  " * i + "- \n" for i in range(depth))
    else:
        closer = {"[": "]", "{a: ": "}"}[opener]
        text = "steps: " + opener * depth + "1" + closer * depth
    problems = check_outcome(text)
    assert problems.has_errors


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(5, 12))
def test_alias_bombs_are_bounded_in_time_and_memory(width: int, levels: int) -> None:
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"flow: x\ntitle: t\ncall_staff: s\nsteps: *a{levels - 1}")
    check_outcome("\n".join(lines))  # timed without tracemalloc, which makes a load 3-4 times slower
    tracemalloc.start()
    try:
        load_flow_text("\n".join(lines), "fuzz.yaml", base_dir=FLOWS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak / 1e6:.0f} MB"


@settings(max_examples=20, deadline=None)
@given(st.integers(20_001, 1_500_000), st.sampled_from(["text", "say", "flow"]))
def test_huge_scalars(size: int, key: str) -> None:
    problems = check_outcome(f"{key}: " + "字" * size)
    assert problems.has_errors


@st.composite
def generated_flow(draw: st.DrawFn) -> str:
    """Structurally plausible flows with random graphs: unreachable steps, dangling targets, loops."""
    n = draw(st.integers(1, 12))
    ids = [f"s{i}" for i in range(n)]
    pool = ids + ["staff", "nowhere", "s99"]
    steps = []
    for sid in ids:
        kind = draw(st.sampled_from(["info", "choice", "confirm", "number", "summary", "payment", "end", "handoff"]))
        step: dict[str, object] = {"id": sid, "kind": kind, "text": draw(st.sampled_from(["好", "请选择", "x" * 50]))}
        if kind == "choice":
            k = draw(st.integers(0, 7))
            step["choices"] = [{"id": f"c{j}", "text": "选", "icon": "i",
                                **({"next": draw(st.sampled_from(pool))} if draw(st.booleans()) else {})}
                               for j in range(k)]
        if kind == "number":
            step["field"] = "年数"
            if draw(st.booleans()):
                step["valid"] = draw(st.sampled_from(["value >= 1", "value >= 'a'", "vlaue > 2", "age"]))
                step["error"] = draw(st.sampled_from(["年数不对", "不对"]))
        if kind == "payment":
            step["amount"] = draw(st.sampled_from([15, -1, "十五"]))
        if kind == "handoff":
            step["window"] = "1号"
        if draw(st.booleans()):
            if draw(st.booleans()):
                step["next"] = draw(st.sampled_from(pool))
            else:
                step["next"] = [{"if": draw(st.sampled_from(["age >= 70", "s0 == 'c1'", "first_time", "agee > 1"])),
                                 "go": draw(st.sampled_from(pool))}
                                for _ in range(draw(st.integers(1, 3)))]
        steps.append(step)
    steps.append({"id": "staff", "kind": "handoff", "text": "人工", "window": "5号"})
    call_staff = draw(st.sampled_from(["staff", "s0", "zz"]))
    doc: dict[str, object] = {"flow": "gen", "title": "生成", "call_staff": call_staff, "steps": steps}
    if draw(st.booleans()):
        doc["rules"] = [{"id": "r", "when": draw(st.sampled_from(["age >= 70", "age < 16 and first_time"])),
                         **({"go": draw(st.sampled_from(pool))} if draw(st.booleans()) else
                            {"set": {"text_scale": draw(st.sampled_from([1.4, 9]))}})}]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@settings(max_examples=500, deadline=None)
@given(generated_flow())
def test_generated_flows_load_or_give_problems(text: str) -> None:
    flow, problems = load_flow_text(text, "gen.yaml", base_dir=FLOWS)
    check_outcome(text, "gen.yaml")
    if flow is not None:
        # A flow that loads is walkable: every step reachable, every non-final step has a way on.
        from seniormode.core.graph import reachable

        assert reachable(flow) == {s.id for s in flow.steps}
