"""What the fact check's operations share: the row and its policy check, the open return, and
the double-submit guard."""

from __future__ import annotations

from datetime import date, timedelta

from factcheck.policy import party_may, stage_refusal
from factcheck.queries import events_for, factcheck_row, iso_date, standing
from factcheck.tables import AccuracyPoint, DraftReport, FactCheckReturn
from inspections.operations.facts import may_record
from inspections.tables import Inspection
from tracker.clock import now_utc
from tracker.db import hold_row
from tracker.operations import Actor, Denied, Refused


async def row_for(actor: Actor, inspection_id: int, action: str, field: str = "") -> dict:
    """The fact check's row, if this person may do `action` to it (the system always may: Denied
    otherwise) at the fact check's stage (Refused state=True, in words, otherwise)."""
    row = await factcheck_row(inspection_id)
    if row is None:
        raise LookupError(inspection_id)
    if actor.principal is not None and not party_may(actor.principal, action, row):
        raise Denied(action)
    if refusal := stage_refusal(action, row):
        raise Refused(refusal, field, state=True)
    return row


async def row_to_record(actor: Actor, inspection_id: int, fact: str) -> dict:
    """The row, if the workflow's party for this fact is this person (inspections' may_record)."""
    row = await factcheck_row(inspection_id)
    if row is None:
        raise LookupError(inspection_id)
    if actor.principal is not None and not may_record(actor.principal, fact, row):
        raise Denied(f"fact.{fact}")
    return row


def not_after_today(day: date | None, today: date, field: str, message: str) -> dict[str, str]:
    return {field: message} if day is not None and day > today else {}


async def adopt_recorded_facts(inspection_id: int) -> None:
    """Give a draft_sent or factcheck_returned fact recorded elsewhere (imports, demo data, the
    timeline's own fact form) its row here, so the fact check can carry on from it."""
    events = await events_for(inspection_id)
    sent = standing(events, "draft_sent")
    if sent and not await DraftReport.exists().where(DraftReport.inspection == inspection_id):
        indicative = iso_date((sent.get("detail") or {}).get("indicative_publication"))
        await DraftReport.insert(
            DraftReport(
                inspection=inspection_id,
                sent_on=sent["occurred_on"],
                indicative_publication=indicative,
                recorded_by=sent["recorded_by"],
                recorded_at=sent["recorded_at"],
            )
        )
    returned = standing(events, "factcheck_returned")
    if returned and not await returned_already(inspection_id):
        await FactCheckReturn.delete().where(FactCheckReturn.inspection == inspection_id)
        content = (returned.get("detail") or {}).get("content_to_publish") or "yes"
        await FactCheckReturn.insert(
            FactCheckReturn(
                inspection=inspection_id,
                returned_on=returned["occurred_on"],
                content_to_publish=content,
                submitted_at=returned["recorded_at"],
                submitted_by=returned["recorded_by"],
            )
        )


async def returned_already(inspection_id: int) -> bool:
    return await FactCheckReturn.exists().where(
        (FactCheckReturn.inspection == inspection_id) & FactCheckReturn.submitted_at.is_not_null()
    )


async def require_open_return(inspection_id: int, field: str = "") -> None:
    """Points and the return's details change only between the draft and the return."""
    await adopt_recorded_facts(inspection_id)
    if not await DraftReport.exists().where(DraftReport.inspection == inspection_id):
        raise Refused("The draft report has not been recorded as sent yet", field, state=True)
    if await returned_already(inspection_id):
        raise Refused("The fact check has already been returned", field, state=True)


async def next_number(inspection_id: int) -> int:
    """Inside the write transaction: two points added at once wait for each other here."""
    await hold_row(Inspection, inspection_id)
    rows = await AccuracyPoint.select(AccuracyPoint.number).where(AccuracyPoint.inspection == inspection_id)
    return max((r["number"] for r in rows), default=0) + 1


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


async def recent_twin(table, inspection_id: int, by: int | None, values: dict) -> dict | None:
    """A row the same person made from the same values moments ago: the same form sent twice
    (a double click, a resend after a slow answer). Called inside the write transaction."""
    query = table.select().where(
        (table.inspection == inspection_id)
        & (table.created_by == by)
        & (table.created_at >= now_utc() - DOUBLE_SUBMIT_WINDOW)
    )
    for name, value in values.items():
        query = query.where(getattr(table, name) == value)
    return await query.first()
