"""Stored milestones follow the facts, in the same transaction, and record moved due dates."""

from datetime import date

from tests.support import make_establishment, make_inspection, record_fact, run, stored_milestones


def test_new_inspection_has_stored_milestones_with_rule_and_source(db):
    est = make_establishment("HMP Example")
    inspection = make_inspection(est, end=date(2024, 12, 20))
    stored = stored_milestones(inspection)
    assert stored["draft_report"]["due"] == date(2025, 2, 7)
    assert stored["draft_report"]["source"] == "MoU ¶31"
    assert "32 working days" in stored["draft_report"]["rule"]
    assert stored["factcheck_return"]["status"] == "waiting"
    assert stored["draft_report"]["establishment"] == est


def test_a_recorded_fact_moves_the_next_milestones(db):
    est = make_establishment("HMP Example")
    inspection = make_inspection(est, end=date(2025, 1, 24))
    record_fact(inspection, "draft_sent", date(2025, 3, 4), today=date(2025, 3, 10))
    stored = stored_milestones(inspection)
    assert stored["factcheck_return"]["due"] == date(2025, 3, 25)
    assert stored["factcheck_return"]["owner"] == "scrutiny"
    assert stored["draft_report"]["status"] in ("done_on_time", "done_late")


def test_a_correction_supersedes_and_the_moved_due_date_is_recorded(db):
    from inspections.tables import InspectionEvent
    from timelines.tables import MilestoneChange

    est = make_establishment("HMP Example")
    inspection = make_inspection(est, end=date(2025, 1, 24))
    first = record_fact(inspection, "draft_sent", date(2025, 3, 4), today=date(2025, 3, 10))
    from inspections.events import record_event

    run(
        record_event(
            inspection,
            "draft_sent",
            date(2025, 3, 5),
            by_user_id=None,
            supersedes=first,
            today=date(2025, 3, 10),
        )
    )
    assert stored_milestones(inspection)["factcheck_return"]["due"] == date(2025, 3, 26)
    changes = run(MilestoneChange.select().where(MilestoneChange.key == "factcheck_return"))
    assert [(c["old_due"], c["new_due"]) for c in changes] == [(date(2025, 3, 25), date(2025, 3, 26))]
    assert run(InspectionEvent.count().where(InspectionEvent.inspection == inspection)) == 2


def test_urgent_notification_adds_its_milestones(db):
    est = make_establishment("HMP Example")
    inspection = make_inspection(est, end=date(2025, 3, 14), urgent_notification=True)
    stored = stored_milestones(inspection)
    assert stored["un_letter"]["due"] == date(2025, 3, 21)
    assert stored["un_letter"]["source"].startswith("MoU ¶39")
