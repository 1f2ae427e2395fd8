"""compute_batch (vectorised, rule by rule) gives exactly compute's answers."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from timelines.core.calendar import default_calendar
from timelines.core.engine import Case, Extension, compute, compute_batch
from timelines.core.rules import rules_for

CAL = default_calendar()
STAGES = {
    "full-inspection": [
        "debrief_held",
        "debrief_note_sent",
        "draft_sent",
        "factcheck_returned",
        "hmip_response_sent",
        "press_release_shared",
        "published",
        "action_plan_received",
    ],
    "thematic": [
        "draft_sent",
        "factcheck_returned",
        "hmip_response_sent",
        "press_release_shared",
        "published",
        "action_plan_received",
    ],
    "irp": ["draft_sent", "factcheck_returned", "published"],
    "urgent-notification": ["un_letter_sent", "un_published", "sos_responded"],
}


def random_case(rng: random.Random, near: date) -> Case:
    """An inspection ending up to 200 days before ``near`` (so statuses vary around today)."""
    process = rng.choice(sorted(STAGES))
    day0 = near - timedelta(days=rng.randrange(0, 200))
    facts: dict = {}
    moment = day0
    for key in STAGES[process]:
        if rng.random() < 0.25:
            continue  # a fact not (yet) recorded
        moment = moment + timedelta(days=rng.randrange(0, 40))
        value = moment
        if process == "urgent-notification" and rng.random() < 0.5:
            value = datetime(
                moment.year, moment.month, moment.day, rng.randrange(24), tzinfo=ZoneInfo("Europe/London")
            )
        facts[key] = value
    keys = [r.key for r in rules_for(process)]
    extensions = [
        Extension(rng.choice(keys), plus_working_days=rng.randrange(1, 10), reason="r")
        for _ in range(rng.choice([0, 0, 0, 1, 2]))
    ]
    overrides = {}
    if process == "thematic" and rng.random() < 0.5:
        overrides = {
            "draft_report": f"{rng.randrange(20, 60)} working days",
            "publication": "5 to 20 working days",
            "action_plan": "n/a",
        }
        if rng.random() < 0.5:
            overrides["factcheck_return"] = "n/a"  # and so HMIP's response (MoU ¶53)
    return Case(
        process, day0, facts, extensions, overrides, sos_anchor=rng.choice(["un_letter_sent", "un_published"])
    )


def assert_batch_equals_compute(cases, today):
    result = compute_batch(cases, today=today, calendar=CAL)
    for index, case in enumerate(cases):
        expected = compute(
            case.process,
            case.day0,
            case.facts,
            today=today,
            calendar=CAL,
            extensions=case.extensions,
            overrides=case.overrides,
            sos_anchor=case.sos_anchor,
        )
        assert result.milestones(index) == expected, case


def test_batch_equals_compute_on_a_random_population():
    rng = random.Random(20250304)
    for today in (date(2016, 6, 1), date(2022, 12, 23), date(2029, 1, 1)):
        cases = [random_case(rng, today) for _ in range(300)]
        assert_batch_equals_compute(cases, today)
        statuses = set(compute_batch(cases, today=today, calendar=CAL).column("status"))
        assert statuses >= {
            "waiting",
            "not_yet_due",
            "due_soon",
            "overdue",
            "done_on_time",
            "done_late",
            "done",
            "done_early",
            "overtaken",
            "not_applicable",
        }


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False), st.dates(date(2015, 1, 1), date(2030, 1, 1)))
def test_batch_equals_compute_property(rng, today):
    assert_batch_equals_compute([random_case(rng, today) for _ in range(8)], today)


def test_batch_columns():
    cases = [Case("irp", date(2025, 6, 4)), Case("full-inspection", date(2024, 12, 20))]
    result = compute_batch(cases, today=date(2025, 6, 4), calendar=CAL)
    assert len(result) == 3 + 11
    keys = result.column("key").tolist()
    due = dict(zip(keys, result.column("due").astype(object).tolist(), strict=True))
    assert due["irp_publication"] == date(2025, 7, 9)
    assert due["draft_report"] == date(2025, 2, 7)
    assert set(result.column("status")) <= {"waiting", "overdue", "due_today", "not_yet_due", "due_soon"}
