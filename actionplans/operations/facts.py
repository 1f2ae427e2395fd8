"""The action plan's stage facts as the generic fact operation reaches them (the API's events
route, `POST /api/v1/inspections/{id}/events`): each goes to the plan's own move, so the plan
and the inspection's history never disagree and no stage has a second, laxer way in. The first
submission (action_plan_received) is the establishment's submit on the plan's pages: it needs
the plan complete, which the events route cannot show."""

from __future__ import annotations

from datetime import date

from actionplans import queries
from actionplans.operations import workflow
from inspections.tables import InspectionEvent
from timelines.core.history import standing
from tracker.operations import Actor, Refused


async def _plan_id(inspection_id: int, data) -> int:
    if data.corrects is not None:
        message = "An action plan's stage is recorded on the action plan: it cannot be corrected here"
        raise Refused({"corrects": message})
    plan = await queries.plan_for_inspection(inspection_id)
    if plan is None:
        raise Refused({"kind": "This inspection has no action plan yet"}, state=True)
    return plan["id"]


async def _latest(inspection_id: int, kind: str) -> int | None:
    events = await InspectionEvent.select().where(
        (InspectionEvent.inspection == inspection_id) & (InspectionEvent.kind == kind)
    )
    mine = standing(events)
    return mine[-1]["id"] if mine else None


async def _quality_assured(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    plan_id = await _plan_id(inspection_id, data)
    await workflow.review(actor, plan_id, "accept", data.note, today=today, on=data.occurred_on)
    return await _latest(inspection_id, "action_plan_quality_assured")


async def _cleared(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    plan_id = await _plan_id(inspection_id, data)
    await workflow.clear(actor, plan_id, data.note, today=today, on=data.occurred_on)
    return await _latest(inspection_id, "action_plan_cleared")


async def _available(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    plan_id = await _plan_id(inspection_id, data)
    await workflow.make_available(actor, plan_id, today=today, on=data.occurred_on)
    return await _latest(inspection_id, "action_plan_available")


async def _published(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    plan_id = await _plan_id(inspection_id, data)
    await workflow.publish(actor, plan_id, url=data.link, on=data.occurred_on, today=today)
    return await _latest(inspection_id, "action_plan_published")


WRITERS = {
    "action_plan_quality_assured": _quality_assured,
    "action_plan_cleared": _cleared,
    "action_plan_available": _available,
    "action_plan_published": _published,
}
