"""`tracker demo --inspections N` (tracker.scale): rows go in through the driver with ids given
up front, so every reference must point at the right row, on both databases, and the id
sequence carries on after them."""

from __future__ import annotations

from datetime import date

from tests.support import run

TODAY = date(2026, 11, 22)


def _quiet(_message: str) -> None:
    pass


def test_scale_data_hangs_together(db):
    from actionplans.tables import ActionPlan, PlanAction, PlanResponse
    from factcheck.tables import AccuracyPoint
    from inspections.tables import Debrief, Inspection, InspectionEvent, Recommendation
    from timelines.tables import StoredMilestone
    from tracker.scale import build
    from tracker.tables import AppUser, UserRole

    run(build(40, today=TODAY, progress=_quiet))
    inspections = run(Inspection.select(Inspection.id, Inspection.kind, Inspection.team_leader.username))
    assert len(inspections) == 40
    assert all(i["team_leader.username"].startswith("scale-hmip_team_leader-") for i in inspections)
    assert run(UserRole.count()) == run(AppUser.count())
    debrief = run(Debrief.select(Debrief.attendees, Debrief.inspection.kind).output(load_json=True).first())
    assert debrief["attendees"] == ["governor", "pgd"] and debrief["inspection.kind"] == "full"
    points = run(AccuracyPoint.select(AccuracyPoint.inspection.id.as_alias("found")))
    assert points and all(p["found"] for p in points)
    for plan in run(ActionPlan.select(ActionPlan.id, ActionPlan.inspection)):
        recs = {
            r["id"]
            for r in run(Recommendation.select().where(Recommendation.inspection == plan["inspection"]))
        }
        actions = run(PlanAction.select(PlanAction.recommendation).where(PlanAction.plan == plan["id"]))
        responses = run(
            PlanResponse.select(PlanResponse.recommendation).where(PlanResponse.plan == plan["id"])
        )
        assert {a["recommendation"] for a in actions} == recs == {r["recommendation"] for r in responses}
    with_events = {e["inspection"] for e in run(InspectionEvent.select(InspectionEvent.inspection))}
    with_milestones = {m["inspection"] for m in run(StoredMilestone.select(StoredMilestone.inspection))}
    assert with_milestones == {i["id"] for i in inspections} and with_events <= with_milestones

    place = run(Inspection.select(Inspection.establishment).first())["establishment"]
    new = run(Inspection.insert(Inspection(establishment=place, kind="full")))
    assert new[0]["id"] == max(i["id"] for i in inspections) + 1  # the sequence carries on


def test_scale_data_passes_the_workflow_check(db):
    """The scale data is bulk-inserted for speed, not through the operations: every inspection's
    history must still be one that can have happened (timelines.core.workflow)."""
    from inspections.events import workflow_inspection
    from inspections.tables import Inspection, InspectionEvent
    from timelines.core.calendar import default_calendar
    from timelines.core.workflow import check_history, standing_facts
    from tracker.scale import build

    run(build(60, today=TODAY, progress=_quiet))
    events = run(InspectionEvent.select())
    problems = []
    for inspection in run(Inspection.select()):
        mine = [e for e in events if e["inspection"] == inspection["id"]]
        found = check_history(
            workflow_inspection(inspection), standing_facts(mine), today=TODAY, calendar=default_calendar()
        )
        problems += [(inspection["id"], p.message) for p in found]
    assert not problems, problems[:5]
