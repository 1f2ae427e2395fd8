"""The demo data: idempotent, and every stage the journeys need is there."""

from datetime import date

from tests.support import run


def test_demo_loads_every_stage_once(db):
    from inspections import demo
    from inspections.queries import facts_of, recommendations_of, stage_of
    from inspections.tables import Inspection, InspectionEvent
    from timelines.tables import StoredMilestone
    from tracker.demo import load_users

    today = date(2026, 11, 20)

    async def go():
        from inspections.demo_inspections import load_inspections

        await demo.load_establishments()
        await load_users()
        await load_inspections(today)
        await load_inspections(today)

    run(go())
    rows = run(Inspection.select(Inspection.all_columns(), Inspection.establishment.name.as_alias("name")))
    assert len(rows) == 14
    stages = {}
    for row in rows:
        events = run(InspectionEvent.select().where(InspectionEvent.inspection == row["id"]))
        stages.setdefault(row["name"], []).append(stage_of(row, facts_of(events), today))
    assert sorted(stages["HMP Example"]) == ["action_plan", "fact_check"]
    assert set(s for v in stages.values() for s in v) >= {
        "planned",
        "on_site",
        "drafting",
        "fact_check",
        "hmip_response",
        "publication",
        "action_plan",
    }
    # "complete" needs the plan available (MoU ¶37), which only the action plans' demo walks to
    # (HMP Example's previous inspection): the inspections' demo alone stops at a plan received.
    published = [
        r
        for r in rows
        if r["name"] == "HMP Example"
        and stage_of(
            r, facts_of(run(InspectionEvent.select().where(InspectionEvent.inspection == r["id"]))), today
        )
        == "action_plan"
    ][0]
    assert len(run(recommendations_of(published["id"]))) == 24
    factcheck = run(
        StoredMilestone.select()
        .where(StoredMilestone.key == "factcheck_return")
        .where(StoredMilestone.status.is_in(["not_yet_due", "due_soon"]))
    )
    assert factcheck
