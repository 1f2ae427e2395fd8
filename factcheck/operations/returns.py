"""The Scrutiny Team's return (MoU ¶32): its details, kept while it is prepared, then submitted
(the factcheck_returned fact)."""

from __future__ import annotations

from datetime import date

from factcheck.operations.common import not_after_today, require_open_return, row_for, row_to_record
from factcheck.queries import points_for, return_problems, return_row
from factcheck.tables import AccuracyPoint, FactCheckReturn
from inspections.events import record_event
from inspections.tables import Inspection
from tracker.clock import now_utc
from tracker.db import hold_row
from tracker.operations import Actor, Conflict, Refused, change


def content_problems(content: str, reason: str) -> dict[str, str]:
    errors = {}
    if content not in ("yes", "no"):
        errors["content"] = "Select whether HMPPS is content to publish on the indicative date"
    if content == "no" and not reason.strip():
        errors["not_content_reason"] = "Enter why HMPPS is not content to publish on the indicative date"
    return errors


async def save_return_details(
    actor: Actor,
    inspection_id: int,
    returned_on: date,
    content: str,
    reason: str,
    *,
    today: date,
    version: int | None = None,
) -> dict:
    """Keep the return's details. `version` is the one the form was loaded with (0 for none yet):
    Conflict when someone else saved them since (K5)."""
    errors = not_after_today(
        returned_on, today, "returned", "The date the fact check was returned must be today or in the past"
    )
    errors |= content_problems(content, reason)
    if errors:
        raise Refused(errors)
    async with change(actor, "factcheck.return_details", object_type="inspection", object_id=inspection_id):
        row = await row_for(actor, inspection_id, "factcheck.return.prepare")
        await require_open_return(inspection_id, "returned")
        if row["draft"] and returned_on < row["draft"]["sent_on"]:
            raise Refused(
                "The date the fact check was returned must be on or after the date the draft was sent",
                "returned",
            )
        await hold_row(Inspection, inspection_id)
        existing = await FactCheckReturn.objects().where(FactCheckReturn.inspection == inspection_id).first()
        if version is not None and version != (existing.version if existing else 0):
            raise Conflict(existing.to_dict() if existing else {})  # none saved yet: nothing to show
        if existing is None:
            existing = FactCheckReturn(inspection=inspection_id, version=0)
        existing.returned_on = returned_on
        existing.content_to_publish = content
        existing.not_content_reason = reason if content == "no" else ""
        existing.version = (existing.version or 0) + 1
        await existing.save()
    return existing.to_dict()


async def submit_return(actor: Actor, inspection_id: int, *, today: date) -> dict:
    """Submit the return: factcheck_returned is recorded and the timeline moves to HMIP."""
    async with change(actor, "factcheck.returned", object_type="inspection", object_id=inspection_id):
        await row_to_record(actor, inspection_id, "factcheck_returned")
        await require_open_return(inspection_id, "submit")
        details = await return_row(inspection_id)
        problems = return_problems(details, await points_for(inspection_id))
        if problems:
            raise Refused(dict(problems))
        await FactCheckReturn.update(
            {
                FactCheckReturn.submitted_at: now_utc(),
                FactCheckReturn.submitted_by: actor.user_id,
                FactCheckReturn.version: FactCheckReturn.version + 1,
            }
        ).where(FactCheckReturn.inspection == inspection_id)
        included = await AccuracyPoint.count().where(
            (AccuracyPoint.inspection == inspection_id) & (AccuracyPoint.state == "included")
        )
        await record_event(
            inspection_id,
            "factcheck_returned",
            details["returned_on"],
            by_user_id=actor.user_id,
            detail={"content_to_publish": details["content_to_publish"], "points": included},
            today=today,
            field="returned",
        )
    return await return_row(inspection_id)
