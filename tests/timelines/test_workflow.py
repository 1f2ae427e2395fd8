"""The order of things (DOMAIN.md): every fact's preconditions and date guards, refused with a
message a person understands and the two facts in conflict named. Pure: no database."""

from datetime import UTC, date, datetime, timedelta

import pytest

from timelines.core.calendar import default_calendar
from timelines.core.rules import FULL_INSPECTION, IRP, THEMATIC
from timelines.core.workflow import (
    STEP,
    STEPS,
    UN_RAISED,
    Inspection,
    check_history,
    check_new_fact,
    factcheck_deadline,
    standing_facts,
)

CAL = default_calendar()
TODAY = date(2025, 12, 1)
FULL = Inspection(FULL_INSPECTION, started=date(2025, 3, 10), ended=date(2025, 3, 14))
FULL_UN = Inspection(FULL_INSPECTION, started=date(2025, 3, 10), ended=date(2025, 3, 14), urgent_notification=True)

# A history in which everything has happened, in order.
WHOLE = {
    "pre_inspection_instructions": date(2025, 2, 1),
    "debrief_held": date(2025, 3, 14),
    "debrief_note_sent": date(2025, 3, 20),
    "draft_sent": date(2025, 4, 30),
    "factcheck_returned": date(2025, 5, 20),
    "hmip_response_sent": date(2025, 6, 2),
    "press_release_shared": date(2025, 6, 16),
    "published": date(2025, 6, 17),
    "action_plan_received": date(2025, 9, 1),
    "feedback_sought": date(2025, 3, 21),
    "feedback_received": date(2025, 4, 1),
    UN_RAISED: date(2025, 3, 14),
    "un_letter_sent": datetime(2025, 3, 18, 10, 0, tzinfo=UTC),
    "un_published": datetime(2025, 3, 19, 11, 0, tzinfo=UTC),
    "sos_responded": date(2025, 4, 10),
}


def problems(facts, inspection=FULL_UN):
    return check_history(inspection, facts, today=TODAY, calendar=CAL)


def test_a_whole_ordinary_history_can_have_happened():
    assert problems(WHOLE) == []


@pytest.mark.parametrize("step", [s for s in STEPS if s.follows], ids=lambda s: s.fact)
def test_each_fact_needs_the_facts_it_follows(step):
    for earlier in step.follows:
        if earlier == UN_RAISED:
            continue  # the inspection's own flag stands for it (covered below)
        history = {k: v for k, v in WHOLE.items() if k != earlier}
        history[step.fact] = WHOLE.get(step.fact, date(2025, 6, 1))
        inspection = Inspection(
            step.processes[0], FULL.started, FULL.ended, urgent_notification=True
        )
        found = [p for p in problems(history, inspection) if p.fact == step.fact and p.other == earlier]
        assert found, (step.fact, earlier)
        assert found[0].kind == "state"
        assert "cannot be recorded before" in found[0].message


@pytest.mark.parametrize("step", [s for s in STEPS if s.follows], ids=lambda s: s.fact)
def test_each_fact_cannot_be_dated_before_the_fact_it_follows(step):
    earlier = step.follows[0]
    history = dict(WHOLE)
    history[earlier] = date(2025, 5, 1)
    history[step.fact] = date(2025, 4, 29)
    if earlier == "draft_sent":
        for later in {"factcheck_returned", "hmip_response_sent"} - {step.fact}:
            history.pop(later)
    inspection = Inspection(step.processes[0], FULL.started, FULL.ended, urgent_notification=True)
    found = [p for p in problems(history, inspection) if p.fact == step.fact and p.other == earlier]
    assert found, step.fact
    assert found[0].message.endswith("(1 May 2025)")
    assert "cannot be dated before" in found[0].message


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.fact)
def test_no_fact_is_dated_in_the_future(step):
    inspection = Inspection(step.processes[0], FULL.started, FULL.ended, urgent_notification=True)
    found = check_new_fact(
        inspection, {k: v for k, v in WHOLE.items() if k != step.fact and k in ("debrief_held", UN_RAISED)},
        step.fact, TODAY + timedelta(days=1), today=TODAY, calendar=CAL,
    )
    assert found is not None and found.fact == step.fact


@pytest.mark.parametrize(
    "step", [s for s in STEPS if s.not_before != "anytime"], ids=lambda s: s.fact
)
def test_no_fact_before_the_inspection_started_or_ended(step):
    history = {**WHOLE, step.fact: date(2025, 3, 9)}
    inspection = Inspection(step.processes[0], FULL.started, FULL.ended, urgent_notification=True)
    found = [p for p in problems(history, inspection) if p.fact == step.fact and p.other == step.not_before]
    assert found, step.fact
    assert "the inspection" in found[0].message


def test_pre_inspection_instructions_may_come_before_the_inspection():
    assert problems({"pre_inspection_instructions": date(2024, 12, 1)}) == []


def test_a_draft_cannot_be_sent_before_the_inspection_ended():
    found = problems({"draft_sent": date(2025, 3, 13)})
    assert [(p.fact, p.other) for p in found] == [("draft_sent", "ended")]
    assert found[0].message == "The draft report cannot be dated before the inspection ended (14 March 2025)"


def test_publication_without_a_return_only_once_the_fact_check_deadline_has_passed():
    """¶32: HMIP may proceed once the Scrutiny Team has missed the deadline."""
    facts = {"draft_sent": date(2025, 4, 30)}
    deadline = factcheck_deadline(FULL, facts, today=TODAY, calendar=CAL)
    assert deadline == CAL.add_working_days(date(2025, 4, 30), 15)
    early = check_new_fact(FULL, facts, "published", deadline, today=TODAY, calendar=CAL)
    assert early is not None and (early.fact, early.other) == ("published", "factcheck_returned")
    assert "unless the fact-check deadline" in early.message
    later = CAL.add_working_days(deadline, 1)
    assert check_new_fact(FULL, facts, "published", later, today=TODAY, calendar=CAL) is None


def test_publication_needs_a_draft():
    found = check_new_fact(FULL, {}, "published", date(2025, 6, 1), today=TODAY, calendar=CAL)
    assert (found.fact, found.other, found.kind) == ("published", "draft_sent", "state")
    assert found.message == "Publication of the report cannot be recorded before the draft report"


def test_publication_cannot_come_before_hmips_response():
    facts = {k: WHOLE[k] for k in ("draft_sent", "factcheck_returned", "hmip_response_sent")}
    found = check_new_fact(FULL, facts, "published", date(2025, 6, 1), today=TODAY, calendar=CAL)
    assert (found.fact, found.other) == ("published", "hmip_response_sent")


def test_a_fact_recorded_twice_is_a_conflict_to_correct():
    found = check_new_fact(FULL, {"draft_sent": date(2025, 4, 30)}, "draft_sent", date(2025, 5, 1),
                           today=TODAY, calendar=CAL)
    assert found.kind == "state" and "already recorded (30 April 2025): correct it instead" in found.message
    assert check_new_fact(FULL, {"draft_sent": date(2025, 4, 30)}, "draft_sent", date(2025, 5, 1),
                          today=TODAY, calendar=CAL, correcting=True) is None


def test_a_correction_that_breaks_a_later_fact_names_both():
    facts = {"draft_sent": date(2025, 4, 30), "factcheck_returned": date(2025, 5, 20)}
    found = check_new_fact(FULL, facts, "draft_sent", date(2025, 5, 21), today=TODAY, calendar=CAL,
                           correcting=True)
    assert (found.fact, found.other) == ("factcheck_returned", "draft_sent")


def test_urgent_notification_facts_need_one_raised():
    found = check_new_fact(FULL, {}, "un_letter_sent", datetime(2025, 3, 18, 9, tzinfo=UTC),
                           today=TODAY, calendar=CAL)
    assert found.kind == "state" and "no urgent notification was raised" in found.message


def test_un_publication_is_timed_against_the_letter():
    facts = {"un_letter_sent": datetime(2025, 3, 18, 10, 0, tzinfo=UTC)}
    same_day_earlier = datetime(2025, 3, 18, 9, 0, tzinfo=UTC)
    found = check_new_fact(FULL_UN, facts, "un_published", same_day_earlier, today=TODAY, calendar=CAL)
    assert (found.fact, found.other) == ("un_published", "un_letter_sent")
    assert "18 March 2025 at 10:00" in found.message
    assert check_new_fact(FULL_UN, facts, "un_published", datetime(2025, 3, 18, 11, tzinfo=UTC),
                          today=TODAY, calendar=CAL) is None


def test_the_secretary_of_states_response_cannot_precede_the_letter():
    facts = {"un_letter_sent": datetime(2025, 3, 18, 10, 0, tzinfo=UTC)}
    found = check_new_fact(FULL_UN, facts, "sos_responded", date(2025, 3, 17), today=TODAY, calendar=CAL)
    assert (found.fact, found.other) == ("sos_responded", "un_letter_sent")


def test_facts_outside_the_process_are_refused():
    irp = Inspection(IRP, FULL.started, FULL.ended)
    found = check_new_fact(irp, {}, "debrief_note_sent", date(2025, 3, 20), today=TODAY, calendar=CAL)
    assert found.kind == "state" and "independent review of progress" in found.message
    thematic = Inspection(THEMATIC, FULL.started, FULL.ended)
    assert check_new_fact(thematic, {}, "hmpps_response_letter", date(2025, 5, 1), today=TODAY,
                          calendar=CAL).kind == "state"


def test_an_unknown_fact_is_refused():
    assert check_new_fact(FULL, {}, "made_up", date(2025, 5, 1), today=TODAY, calendar=CAL).kind == "unknown"


def test_standing_facts_follow_corrections():
    events = [
        {"id": 1, "kind": "draft_sent", "occurred_on": date(2025, 4, 30), "supersedes": None},
        {"id": 2, "kind": "draft_sent", "occurred_on": date(2025, 5, 2), "supersedes": 1},
        {"id": 3, "kind": "un_letter_sent", "occurred_on": date(2025, 3, 18),
         "occurred_at": datetime(2025, 3, 18, 10, tzinfo=UTC), "supersedes": None},
        {"id": 4, "kind": "deadline_extended", "occurred_on": date(2025, 5, 3), "supersedes": None},
    ]
    assert standing_facts(events) == {
        "draft_sent": date(2025, 5, 2),
        "un_letter_sent": datetime(2025, 3, 18, 10, tzinfo=UTC),
    }


def test_every_step_has_a_recorder_and_a_source():
    for step in STEPS:
        assert step.recorded_by and step.source.startswith("MoU"), step.fact
        assert set(step.follows) <= set(STEP), step.fact
