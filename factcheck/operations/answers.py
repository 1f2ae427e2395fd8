"""HMIP's answers to the accuracy points and its response (MoU ¶33), or proceeding to
publication without a return once the fact-check deadline has passed (¶32)."""

from __future__ import annotations

from datetime import date

from factcheck.operations.common import adopt_recorded_facts, returned_already, row_for, row_to_record
from factcheck.queries import (
    deadline_passed_without_return,
    events_for,
    fact_check_deadline,
    milestones,
    point_row,
    return_row,
    standing,
)
from factcheck.tables import AccuracyPoint
from inspections.events import record_event
from timelines.core.workflow import PROCEEDED
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

REASON_LIMIT = 5000


def answer_problems(decision: str, matter_of_judgement: bool, reason: str) -> dict[str, str]:
    errors = {}
    if decision not in ("accepted", "partly_accepted", "not_accepted"):
        errors["decision"] = "Select whether HMIP accepts the point"
    elif decision != "accepted" and not reason and not matter_of_judgement:
        errors["reason"] = "Enter HMIP's reasons"
    if matter_of_judgement and decision in ("accepted", "partly_accepted"):
        errors["matter_of_judgement"] = "A matter of judgement is a reason for not accepting a point"
    if len(reason) > REASON_LIMIT:
        errors["reason"] = f"HMIP's reasons must be {REASON_LIMIT} characters or fewer"
    return errors


async def _response_sent(inspection_id: int) -> bool:
    return standing(await events_for(inspection_id), "hmip_response_sent") is not None


async def answer_point(
    actor: Actor,
    inspection_id: int,
    point_id: int,
    version: int,
    decision: str,
    matter_of_judgement: bool,
    reason: str,
) -> dict:
    """Record HMIP's decision on one point; Conflict if someone else answered it meanwhile."""
    errors = answer_problems(decision, matter_of_judgement, reason)
    if errors:
        raise Refused(errors)
    async with change(
        actor, "factcheck.point_answered", object_type="accuracy_point", object_id=point_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.point.answer")
        await adopt_recorded_facts(inspection_id)
        if not await returned_already(inspection_id):
            raise Refused("The fact check has not been returned yet", "decision", state=True)
        if await _response_sent(inspection_id):
            raise Refused(
                "HMIP's response has been sent: the answers can no longer be changed", "decision", state=True
            )
        changed = (
            await AccuracyPoint.update(
                {
                    AccuracyPoint.decision: decision,
                    AccuracyPoint.matter_of_judgement: matter_of_judgement,
                    AccuracyPoint.reason: reason,
                    AccuracyPoint.answered_by: actor.user_id,
                    AccuracyPoint.answered_at: now_utc(),
                    AccuracyPoint.version: version + 1,
                }
            )
            .where(
                (AccuracyPoint.id == point_id)
                & (AccuracyPoint.inspection == inspection_id)
                & (AccuracyPoint.state == "included")
                & (AccuracyPoint.version == version)
            )
            .returning(AccuracyPoint.id)
        )
        if not changed:
            current = await point_row(inspection_id, point_id)
            if current is None or current["state"] != "included":
                raise LookupError(point_id)
            raise Conflict(current)
        entry.detail = f"inspection={inspection_id} decision={decision}"
    return await point_row(inspection_id, point_id)


async def record_response_sent(actor: Actor, inspection_id: int, sent_on: date, *, today: date) -> None:
    """hmip_response_sent, once every point in the return is answered."""
    async with change(
        actor, "factcheck.hmip_response_sent", object_type="inspection", object_id=inspection_id
    ):
        await row_to_record(actor, inspection_id, "hmip_response_sent")
        await adopt_recorded_facts(inspection_id)
        details = await return_row(inspection_id)
        if not details or not details["submitted_at"]:
            raise Refused("The fact check has not been returned yet", "sent", state=True)
        if await _response_sent(inspection_id):
            raise Refused("HMIP's response has already been recorded", "sent", state=True)
        unanswered = await AccuracyPoint.count().where(
            (AccuracyPoint.inspection == inspection_id)
            & (AccuracyPoint.state == "included")
            & (AccuracyPoint.decision == "")
        )
        if unanswered:
            raise Refused(
                f"Answer every accuracy point first ({unanswered} not answered)", "sent", state=True
            )
        await record_event(
            inspection_id, "hmip_response_sent", sent_on, by_user_id=actor.user_id, today=today, field="sent"
        )


async def record_proceeded(actor: Actor, inspection_id: int, *, today: date) -> bool:
    """HMIP proceeds to publication after the fact-check deadline passed with no return (¶32).
    Returns False when it was already recorded."""
    async with change(
        actor, "factcheck.proceeded_without_return", object_type="inspection", object_id=inspection_id
    ):
        row = await row_to_record(actor, inspection_id, PROCEEDED)
        return await proceed_in_change(actor, row, today=today)


async def proceed_in_change(actor: Actor, row: dict, *, today: date) -> bool:
    """Inside an operation's change block (recording proceeded, or publishing without a return)."""
    stones = await milestones(row, today)
    if not deadline_passed_without_return(row, stones, today):
        raise Refused(
            "HMIP may proceed without a return only once the fact-check deadline has passed",
            "proceed",
            state=True,
        )
    if standing(await events_for(row["id"]), PROCEEDED):
        return False
    due = fact_check_deadline(row, stones).due
    await record_event(
        row["id"],
        PROCEEDED,
        today,
        by_user_id=actor.user_id,
        detail={"deadline": due.isoformat()},
        today=today,
    )
    return True
