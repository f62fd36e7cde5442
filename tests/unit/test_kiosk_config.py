"""kiosk.yaml: one configuration, mistakes at file:line:col, no password in it or in what we say of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from seniormode.core.kiosk_config import load_kiosk_config, parse_duration
from seniormode.lint.files import file_kind, lint_paths
from seniormode.lint.schema import render

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_kiosk_reads_and_names_its_files() -> None:
    config, problems = load_kiosk_config(ROOT / "kiosk.yaml")
    assert config is not None and not problems.items
    assert config.kiosk_id == "demo-01" and config.station == 1
    content = config.content()
    assert content.flows[0] == ROOT / "flows_yaml" / "hk_macau_renewal.yaml" and content.flows[0].is_file()
    assert content.theme == ROOT / "themes" / "senior.yaml"
    assert config.journal.path == ROOT / "state" / "journal.sqlite" and config.journal.keep_days == 90
    assert config.release.origin is None  # the demo runs its own folder


def test_a_release_root_is_where_flows_come_from(tmp_path: Path) -> None:
    path = write(tmp_path, "kiosk: k1\nflows: [flows_yaml/a.yaml]\nrelease:\n  origin: ../origin.git\n"
                           "  public_key: keys/release.pub\n  check_every: 15m\n")
    config, problems = load_kiosk_config(path)
    assert config is not None, [str(p) for p in problems]
    assert config.content(tmp_path / "r7").flows == (tmp_path / "r7" / "flows_yaml" / "a.yaml",)
    assert config.release.origin == str((tmp_path.parent / "origin.git").resolve())
    assert config.release.check_every == 900 and config.release.public_key == tmp_path / "keys" / "release.pub"


@pytest.mark.parametrize("text, where, code", [
    ("kiosk: 'a b'\nflows: [f.yaml]\n", ":1:8:", "SM108"),
    ("kiosk: k\nflows: [f.yaml]\nscreen: {size: big}\n", ":3:16:", "SM108"),
    ("kiosk: k\nflows: [f.yaml]\njournal:\n  path: j.sqlite\n  keep_dayz: 3\n", ":5:3:", "SM101"),
    ("kiosk: k\nflows: [../f.yaml]\n", ":2:9:", "SM108"),
    ("kiosk: k\n", ":1:1:", "SM103"),
    ("kiosk: k\nflows: [f.yaml]\nrelease: {origin: o.git, public_key: k.pub, check_every: soon}\n", ":3:", "SM108"),
    ("kiosk: k\nflows: [f.yaml]\nkiosk: j\n", ":3:1:", "SM002"),
    ("kiosk: k\nflows: [f.yaml]\nprinter:\n  queue: 'front desk'\n", ":4:10:", "SM108"),
    ("kiosk: k\nflows: [f.yaml]\nprinter:\n  queue: -o\n", ":4:10:", "SM108"),  # never an lp option
    ("kiosk: k\nflows: [f.yaml]\nprinter: {queue: r, timeout: 1h}\n", ":3:", "SM108"),
    ("kiosk: k\nflows: [f.yaml]\nprinter: {timeout: 30s}\n", ":3:", "SM103"),
])
def test_mistakes_are_problems_at_their_place(tmp_path: Path, text: str, where: str, code: str) -> None:
    config, problems = load_kiosk_config(write(tmp_path, text))
    assert config is None
    assert any(p.code == code and where in str(p) for p in problems), [str(p) for p in problems]


def test_a_password_in_the_url_is_refused_without_repeating_it(tmp_path: Path) -> None:
    config, problems = load_kiosk_config(write(tmp_path, "kiosk: k\nflows: [f.yaml]\n"
                                                         "database: {url: 'postgresql://kiosk:s3cret@db/sm'}\n"))
    assert config is None
    said = " ".join(str(p) for p in problems)
    assert "holds a password" in said and "s3cret" not in said


def test_a_printer_is_a_cups_queue_with_a_time_out(tmp_path: Path) -> None:
    config, problems = load_kiosk_config(write(tmp_path, "kiosk: k\nflows: [f.yaml]\n"
                                                         "printer:\n  queue: receipts_1\n  timeout: 45s\n"))
    assert config is not None and not problems.items
    assert (config.printer.queue, config.printer.timeout) == ("receipts_1", 45)
    config, _ = load_kiosk_config(ROOT / "kiosk.yaml")
    assert config is not None and config.printer.queue is None  # the demo kiosk simulates its printer
    _, problems = load_kiosk_config(write(tmp_path, "kiosk: k\nflows: [f.yaml]\nprinter: {queue: r, timeout: 1h}\n"))
    assert "it must be a time from 1 s to 300 s" in " ".join(str(p) for p in problems)


def test_durations() -> None:
    assert parse_duration("90") == 90 and parse_duration("15m") == 900 and parse_duration("1.5h") == 5400
    assert parse_duration("soon") is None and parse_duration("-3s") is None


def test_lint_knows_a_kiosk_file_and_a_flow_it_names_that_is_not_there(tmp_path: Path) -> None:
    path = write(tmp_path, "kiosk: k\ntheme: senior\nflows:\n  - flows_yaml/missing.yaml\n")
    assert file_kind(path) == "kiosk"
    problems = lint_paths([path]).problems
    assert [(p.code, p.location.line, p.location.column) for p in problems] == [("SM004", 4, 5)]
    assert not lint_paths([ROOT / "kiosk.yaml"]).problems.items


def test_the_schema_agrees_with_the_loader(tmp_path: Path) -> None:
    schema = json.loads(render("kiosk.schema.json"))
    jsonschema.validate(yaml.safe_load((ROOT / "kiosk.yaml").read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kiosk": "k", "flows": ["f.yaml"], "journal": {"paht": "x"}}, schema)
    assert (ROOT / "schemas" / "kiosk.schema.json").read_text(encoding="utf-8") == render("kiosk.schema.json")


def test_run_with_a_broken_kiosk_file_says_where_and_starts_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "kiosk: k\nflows: [f.yaml]\nvoice: maybe\n")
    out = subprocess.run([sys.executable, "-m", "seniormode", "run", "--config", str(path)], capture_output=True,
                         text=True, cwd=tmp_path)
    assert out.returncode != 0 and "Traceback" not in out.stderr + out.stdout
    assert "kiosk.yaml:3:8: error[SM102] 'voice' should be yes or no" in out.stdout + out.stderr
    assert "nothing was started" in out.stdout + out.stderr
