"""The `tracker dates` and `tracker timeline` contract."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_dates_add():
    result = run("dates", "add", "2024-12-20", "32 working days")
    assert result.exit_code == 0 and result.output == "2025-02-07\n"
    assert run("dates", "add", "2023-05-05", "1 working day").output == "2023-05-09\n"
    assert run("dates", "add", "2024-11-30", "3 months").output == "2025-02-28\n"
    assert run("dates", "add", "2025-03-14", "the week following").output == "2025-03-21\n"
    assert run("dates", "add", "2025-03-29T10:00", "24 hours").output == "2025-03-30T11:00:00+01:00\n"


def test_dates_add_with_an_admin_holiday():
    result = run("dates", "add", "2025-03-04", "15 working days", "--add-holiday", "2025-03-24")
    assert result.output == "2025-03-26\n"


def test_dates_between():
    assert run("dates", "between", "2024-12-20", "2025-02-07").output == "32\n"
    assert run("dates", "between", "2025-02-07", "2024-12-20").output == "-32\n"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["dates", "add", "2024-12-20", "32 wrking days"], "'32 wrking days'"),
        (["dates", "add", "2024-02-30", "3 days"], "'2024-02-30'"),
        (["dates", "between", "2024-12-20", "soon"], "'soon'"),
        (["timeline", "audit", "--day0", "2025-03-14"], "'audit'"),
        (["timeline", "irp", "--day0", "14/03/2025"], "'14/03/2025'"),
        (["timeline", "irp", "--day0", "2025-03-14", "--fact", "drafted=2025-03-20"], "'drafted'"),
        (["timeline", "irp", "--day0", "2025-03-14", "--fact", "draft_sent=20 March"], "draft_sent"),
        (["timeline", "irp", "--day0", "2025-03-14", "--fact", "draft_sent"], "'draft_sent'"),
        (["timeline", "thematic", "--day0", "2025-03-14", "--override", "draft_report=soon"], "'soon'"),
    ],
)
def test_bad_input_exits_non_zero_naming_what_was_wrong(args, named):
    result = run(*args)
    assert result.exit_code != 0
    assert named in result.output


def test_timeline_json_without_facts():
    result = run("timeline", "full-inspection", "--day0", "2024-12-20", "--today", "2025-01-06", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["process"] == "full-inspection" and document["day0"] == "2024-12-20"
    by_key = {m["key"]: m for m in document["milestones"]}
    draft = by_key["draft_report"]
    assert draft["due"] == "2025-02-07"
    assert draft["rule"] == "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31"
    assert draft["source"] == "MoU ¶31" and draft["owner"] == "hmip"
    assert draft["status"] == "not_yet_due" and draft["window"] is None
    assert by_key["factcheck_return"] == {**by_key["factcheck_return"], "due": None, "status": "waiting"}
    for milestone in document["milestones"]:
        assert {"key", "label", "due", "window", "rule", "source", "owner", "status"} <= set(milestone)


def test_timeline_json_with_facts():
    result = run(
        "timeline",
        "full-inspection",
        "--day0",
        "2025-01-17",
        "--fact",
        "draft_sent=2025-03-04",
        "--today",
        "2025-03-26",
        "--json",
    )
    by_key = {m["key"]: m for m in json.loads(result.output)["milestones"]}
    assert by_key["factcheck_return"]["due"] == "2025-03-25"
    assert by_key["factcheck_return"]["status"] == "overdue"
    assert by_key["indicative_publication"]["window"] == ["2025-04-22", "2025-04-29"]


def test_timeline_table():
    result = run("timeline", "irp", "--day0", "2025-06-04", "--today", "2025-06-04")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["Milestone", "Due", "Status"]
    assert any("IRP report published" in line and "2025-07-09" in line for line in lines)


def test_installed_tracker_command():
    tracker = Path(sys.executable).parent / "tracker"
    completed = subprocess.run(  # noqa: S603
        [str(tracker), "dates", "add", "2024-12-20", "32 working days"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert completed.stdout == "2025-02-07\n"


def test_timeline_refuses_a_history_that_cannot_have_happened():
    result = run(
        "timeline", "full-inspection", "--day0", "2025-03-14", "--today", "2025-06-01",
        "--fact", "draft_sent=2025-04-30", "--fact", "factcheck_returned=2025-04-01",
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "factcheck_returned=2025-04-01 conflicts with draft_sent=2025-04-30" in lines[0]
    assert "cannot be dated before the draft report (30 April 2025)" in lines[0]


@pytest.mark.parametrize(
    ("process", "facts", "named"),
    [
        ("full-inspection", ["published=2025-06-01"], "published=2025-06-01 conflicts with draft_sent"),
        ("full-inspection", ["draft_sent=2025-03-13"], "draft_sent=2025-03-13 conflicts with ended"),
        ("full-inspection", ["draft_sent=2025-07-01"], "conflicts with today"),
        (
            "urgent-notification",
            ["un_letter_sent=2025-03-18T10:00", "un_published=2025-03-18T09:00"],
            "un_published=2025-03-18T09:00:00 conflicts with un_letter_sent=2025-03-18T10:00:00",
        ),
    ],
)
def test_timeline_names_the_two_facts_in_conflict(process, facts, named):
    args = ["timeline", process, "--day0", "2025-03-14", "--today", "2025-06-01"]
    for fact in facts:
        args += ["--fact", fact]
    result = run(*args)
    assert result.exit_code == 2 and named in result.output


def timeline_json(*args):
    result = run("timeline", "full-inspection", "--day0", "2025-03-14", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_timeline_json_says_whether_the_inspection_is_closed():
    facts = ["--fact", "debrief_held=2025-03-14", "--fact", "debrief_note_sent=2025-03-20",
             "--fact", "draft_sent=2025-04-22", "--fact", "press_release_shared=2025-06-02",
             "--fact", "published=2025-06-03"]
    open_one = timeline_json(*facts, "--today", "2025-07-01")
    assert open_one["closed"] is False
    by_key = {m["key"]: m for m in open_one["milestones"]}
    assert by_key["factcheck_return"]["status"] == "overtaken"
    assert by_key["factcheck_return"]["note"] == "not returned: HMIP proceeded to publication on 3 June 2025"
    received = timeline_json(*facts, "--fact", "action_plan_received=2025-09-01", "--today", "2025-09-02")
    assert received["closed"] is False, "submitted is not yet available (MoU ¶37)"
    stages = ["--fact", "action_plan_received=2025-08-20", "--fact", "action_plan_quality_assured=2025-08-26",
              "--fact", "action_plan_cleared=2025-08-28", "--fact", "action_plan_available=2025-09-01"]
    done = timeline_json(*facts, *stages, "--today", "2025-09-02")
    assert done["closed"] is True


def test_timeline_extend_moves_the_due_date_and_keeps_the_original():
    document = timeline_json("--fact", "draft_sent=2025-04-22", "--today", "2025-05-20",
                             "--extend", "factcheck_return=2025-05-21")
    factcheck = {m["key"]: m for m in document["milestones"]}["factcheck_return"]
    assert (factcheck["due"], factcheck["original_due"]) == ("2025-05-21", "2025-05-14")
    assert factcheck["status"] == "due_soon"  # judged against 21 May, not overdue


@pytest.mark.parametrize(
    ("extension", "named"),
    [
        ("factcheck_return=2025-05-14", "must be after 14 May 2025"),
        ("factcheck_return=2025-05-01", "must be after 14 May 2025"),
        ("factcheck_return=soon", "'soon'"),
        ("draft_reprot=2025-06-01", "draft_reprot"),
        ("hmip_response=2025-06-20", "no due date yet"),
    ],
)
def test_timeline_refuses_an_extension_in_one_line(extension, named):
    result = run("timeline", "full-inspection", "--day0", "2025-03-14", "--today", "2025-05-20",
                 "--fact", "draft_sent=2025-04-22", "--extend", extension)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and named in result.output


def test_timeline_table_shows_the_extended_date_and_the_original():
    result = run("timeline", "full-inspection", "--day0", "2025-03-14", "--today", "2025-05-20",
                 "--fact", "draft_sent=2025-04-22", "--extend", "factcheck_return=2025-05-21")
    line = next(line for line in result.output.splitlines() if line.startswith("Fact check returned"))
    assert "2025-05-21 (extended from 2025-05-14)" in line and "due soon" in line
