"""Scenarios as data (timelines/scenarios/*.yaml): every file is checked by one parametrised test
and by `tracker scenarios check DIR`, which prints one line per scenario."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from timelines.cli import load_scenario
from timelines.core.calendar import default_calendar
from timelines.core.engine import STATUSES, Case, Extension, compute, compute_batch
from timelines.core.rules import RULES
from timelines.core.scenarios import check_scenario
from tracker.cli import main

FOLDER = Path(__file__).parents[2] / "timelines" / "scenarios"
FILES = sorted(FOLDER.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario(path):
    assert check_scenario(load_scenario(path), default_calendar()) == []


def test_scenarios_cover_every_rule_and_status():
    scenarios = [load_scenario(path) for path in FILES]
    assert len(scenarios) >= 80
    rules = {(s.process, key) for s in scenarios for key in s.milestones}
    assert {(r.process, r.key) for r in RULES} <= rules
    statuses = {m["status"] for s in scenarios for m in s.milestones.values()}
    assert set(STATUSES) <= statuses
    assert any(s.refused for s in scenarios)


def test_batch_equals_compute_on_every_scenario():
    cases, scenarios = [], []
    for path in FILES:
        s = load_scenario(path)
        if s.day0 is None or s.refused:
            continue
        extensions = [Extension(key, new_due=day) for key, day in s.extensions.items()]
        cases.append(Case(s.process, s.day0, s.facts, extensions, s.overrides, s.sos_anchor))
        scenarios.append(s)
    for today in sorted({s.today for s in scenarios}):
        result = compute_batch(cases, today=today, calendar=default_calendar())
        for index, case in enumerate(cases):
            expected = compute(case.process, case.day0, case.facts, today=today, calendar=default_calendar(),
                               extensions=case.extensions, overrides=case.overrides, sos_anchor=case.sos_anchor)
            assert result.milestones(index) == expected, scenarios[index].name


def run(*args):
    return CliRunner().invoke(main, ["scenarios", "check", *map(str, args)])


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


GOOD = """name: Debrief on the last day
mou: "¶23, ¶25"
description: the debrief is due on day 0
process: full-inspection
day0: 2025-03-14
today: 2025-03-14
expected:
  closed: false
  milestones:
    debrief: {due: 2025-03-14, status: due_today}
"""


def test_the_command_prints_one_line_per_scenario(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("status: due_today", "status: overdue"))
    result = run(tmp_path)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("ok") and "a.yaml" in lines[0]
    assert lines[1].startswith("FAIL") and "b.yaml" in lines[1]
    assert "debrief status: expected overdue, got due_today" in lines[1]
    write(tmp_path, "b.yaml", GOOD)
    assert run(tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("name: [unclosed", "bad.yaml"),
        (GOOD.replace("day0: 2025-03-14", "day0: 14 March"), "day0"),
        (GOOD.replace("process: full-inspection", "process: audit"), "process"),
        (GOOD.replace("debrief:", "debreif:"), "debreif"),
        (GOOD.replace("status: due_today", "status: late-ish"), "status"),
    ],
)
def test_an_unreadable_file_exits_2_naming_the_file_and_the_field(tmp_path, text, named):
    write(tmp_path, "bad.yaml", text)
    result = run(tmp_path)
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and named in result.output
