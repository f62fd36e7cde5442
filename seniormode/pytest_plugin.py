"""pytest plugin: collects tests/scenarios/*.yaml so UX staff can write behaviour tests in YAML."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .core.problems import format_problems
from .core.scenario import Scenario, ScenarioFile, check_scenario, load_scenarios


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name == "scenarios":
        return ScenarioYaml.from_parent(parent, path=file_path)
    return None


class ScenarioFailure(Exception):
    pass


class ScenarioYaml(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        sf = load_scenarios(self.path)
        if sf.problems.items:
            yield BrokenScenarioFile.from_parent(self, name="load", scenario_file=sf)
            return
        for sc in sf.scenarios:
            yield ScenarioItem.from_parent(self, name=sc.name, scenario_file=sf, scenario=sc)


class BrokenScenarioFile(pytest.Item):
    def __init__(self, *, scenario_file: ScenarioFile, **kw: Any) -> None:
        super().__init__(**kw)
        self.scenario_file = scenario_file
        self.add_marker(pytest.mark.scenario)

    def runtest(self) -> None:
        raise ScenarioFailure(format_problems(self.scenario_file.problems.sorted()))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario file {self.path.name}"


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario_file: ScenarioFile, scenario: Scenario, **kw: Any) -> None:
        super().__init__(**kw)
        self.scenario_file = scenario_file
        self.scenario = scenario
        self.add_marker(pytest.mark.scenario)
        self.add_marker(pytest.mark.unit)

    def runtest(self) -> None:
        assert self.scenario_file.flow is not None
        run, failures = check_scenario(self.scenario_file.flow, self.scenario)
        if failures:
            lines = [format_problems(failures), "", "steps shown: " + " > ".join(run.steps)]
            raise ScenarioFailure("\n".join(lines))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.location.line - 1, f"scenario: {self.scenario.name}"
