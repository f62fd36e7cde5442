"""Benchmark of the headless core. Prints figures; asserts nothing.

    .venv/bin/python bench/core_bench.py

1. load + check of a generated 500-step flow (median of several runs)
2. rule evaluation per step with 100 adaptation rules (+ 10 routing rules)
3. headless sessions per second: the demo applicant's full HK/Macau renewal
"""

from __future__ import annotations

import datetime
import platform
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seniormode.core.events import Event, parse_event  # noqa: E402
from seniormode.core.loader import load_flow_or_raise, load_flow_text  # noqa: E402
from seniormode.core.problems import Location  # noqa: E402
from seniormode.core.session import Session  # noqa: E402

CLOCK = lambda: datetime.datetime(2026, 11, 25, 10, 0)  # noqa: E731


def generated_flow(steps: int, rules: int) -> str:
    kinds = ["info", "choice", "number", "confirm"]
    out: list[dict[str, object]] = []
    for i in range(steps):
        kind = kinds[i % len(kinds)]
        step: dict[str, object] = {"id": f"s{i}", "kind": kind, "text": f"第{i}步", "icon": "star",
                                   "say": f"这是第{i}步，请按下面的按钮。", "help": "需要帮助请按叫工作人员。"}
        if kind == "choice":
            step["choices"] = [{"id": f"c{j}", "text": f"选项{j}", "icon": "star"} for j in range(4)]
            if i > 10:
                step["next"] = [{"if": f"s{i} == \"c1\" and age >= 70", "go": f"s{i + 1}"}, {"go": f"s{i + 1}"}]
        if kind == "number":
            step.update(field="年数", valid="value >= 1 and value <= 5", error="年数要在1到5之间")
        out.append(step)
    out.append({"id": "done", "kind": "end", "text": "完成"})
    out.append({"id": "staff", "kind": "handoff", "text": "人工", "window": "5号窗口"})
    rule_list: list[dict[str, object]] = []
    for r in range(rules):
        rule_list.append({"id": f"adapt_{r}", "when": f"age >= {r % 90} and (hour < {r % 24} or errors >= {r % 5})",
                          "priority": r % 17, "set": {"text_scale": 1.0 + (r % 10) / 10, "speech_rate": 100 + r}})
    for r in range(10):
        rule_list.append({"id": f"route_{r}", "when": f"first_time and age < {r}", "priority": 100 + r,
                          "after": ["s1"], "go": "staff"})
    return yaml.safe_dump({"flow": "bench", "title": "基准", "call_staff": "staff", "rules": rule_list,
                           "steps": out}, allow_unicode=True, sort_keys=False)


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    print(f"seniormode core benchmark  python {platform.python_version()}  {platform.machine()}")

    text = generated_flow(500, 0)
    flow, problems = load_flow_text(text, "bench500.yaml")
    assert flow is not None, [str(p) for p in problems.items[:3]]
    t = timed(lambda: load_flow_text(text, "bench500.yaml"), 7)
    print(f"load + check, 500-step flow ({len(text) // 1024} KiB): median {statistics.median(t) * 1e3:.1f} ms, "
          f"min {min(t) * 1e3:.1f} ms")

    text = generated_flow(20, 100)
    flow, problems = load_flow_text(text, "bench_rules.yaml")
    assert flow is not None, [str(p) for p in problems.items[:3]]
    session = Session(flow, {"age": 76, "first_time": False}, clock=CLOCK)
    session.start()
    values = session.values()
    n = 2000
    t0 = time.perf_counter()
    for _ in range(n):
        flow.rules.adapt(values)
    adapt = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        flow.rules.route("s1", values)
    route = (time.perf_counter() - t0) / n
    print(f"rules per step, 100 adaptation rules: {adapt * 1e6:.0f} µs to merge all settings "
          f"({adapt / 100 * 1e6:.1f} µs per rule); 10 routing rules: {route * 1e6:.0f} µs")

    hk = load_flow_or_raise(ROOT / "flows_yaml" / "hk_macau_renewal.yaml")
    script = yaml.safe_load((ROOT / "flows_yaml" / "scripts" / "hk_macau_renewal.demo.yaml").read_text("utf-8"))
    events = [parse_event(e, Location("demo")) for e in script["events"]]
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 3.0:
        s = Session(hk, {"age": 76}, clock=CLOCK)
        s.start()
        for e in events:
            s.handle(e)
        assert s.status == "finished"
        count += 1
    elapsed = time.perf_counter() - t0
    per_event = elapsed / (count * (len(events) + 1))
    print(f"headless sessions: {count / elapsed:.0f} complete HK/Macau renewals per second "
          f"({len(events)} events each, {per_event * 1e3:.2f} ms per event incl. rules and strip)")
    _ = Event


if __name__ == "__main__":
    main()
