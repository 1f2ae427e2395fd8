"""The facts the fact check owns, as the generic fact operation reaches them (the API's events
route): each goes to the one operation that records it, with its own rules (the draft's row and
indicative date, the return's details and points, every point answered, the publication
checklist), so no fact has a second, laxer way in. A correction (`corrects` with a reason) of any
of them is `correct_fact`: a new event superseding the old, through the same who-may and history
check, with the fact check's own rows kept in step."""

from __future__ import annotations

from datetime import date

from factcheck.operations.answers import record_proceeded, record_response_sent
from factcheck.operations.common import adopt_recorded_facts, row_to_record
from factcheck.operations.draft import record_draft
from factcheck.operations.publication import record_dated_fact, record_press_release, record_publication
from factcheck.operations.returns import save_return_details, submit_return
from factcheck.queries import return_row
from factcheck.tables import DraftReport, FactCheckReturn
from inspections.events import record_event
from inspections.tables import InspectionEvent
from timelines.core.history import standing
from timelines.core.workflow import PROCEEDED
from tracker.operations import Actor, change


async def _latest(inspection_id: int, kind: str) -> int | None:
    events = await InspectionEvent.select().where(
        (InspectionEvent.inspection == inspection_id) & (InspectionEvent.kind == kind)
    )
    mine = standing(events)
    return mine[-1]["id"] if mine else None


async def _draft(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    await record_draft(actor, inspection_id, data.occurred_on, None, today=today)
    return await _latest(inspection_id, "draft_sent")


async def _returned(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    """The return as the Scrutiny Team's page submits it: its details dated as given (whether HMPPS
    is content to publish: given with the fact, or kept from the details page; a note is the
    reason when not), then the submission."""
    details = await return_row(inspection_id) or {}
    await save_return_details(
        actor,
        inspection_id,
        data.occurred_on,
        data.content_to_publish or details.get("content_to_publish") or "",
        data.note or details.get("not_content_reason") or "",
        today=today,
    )
    await submit_return(actor, inspection_id, today=today)
    return await _latest(inspection_id, "factcheck_returned")


async def _response(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    await record_response_sent(actor, inspection_id, data.occurred_on, today=today)
    return await _latest(inspection_id, "hmip_response_sent")


async def _published(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    await record_publication(actor, inspection_id, data.occurred_on, data.link, today=today)
    return await _latest(inspection_id, "published")


async def _press_release(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    await record_press_release(actor, inspection_id, data.occurred_on, today=today)
    return await _latest(inspection_id, "press_release_shared")


async def _proceeded(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    await record_proceeded(actor, inspection_id, today=today)
    return await _latest(inspection_id, PROCEEDED)


def _dated(kind: str):
    async def write(actor: Actor, inspection_id: int, data, today: date) -> int | None:
        await record_dated_fact(actor, inspection_id, kind, data.occurred_on, data.note, today=today)
        return await _latest(inspection_id, kind)

    return write


KEPT_DETAIL = ("link", "note", "indicative_publication", "content_to_publish", "points", "deadline")
"""What the corrected event said that still holds unless the correction says otherwise."""

ROW_DATES = {"draft_sent": (DraftReport, "sent_on"), "factcheck_returned": (FactCheckReturn, "returned_on")}
"""The fact check's own rows that carry a fact's date: a correction moves them too."""


async def correct_fact(actor: Actor, inspection_id: int, data, today: date) -> int:
    """Correct a fact the fact check owns: a new event superseding `data.corrects`, with the reason.
    The party that records the fact corrects it; the whole corrected history is checked
    (inspections.events.record_event), and the fact check's rows carry the corrected date."""
    async with change(
        actor, f"factcheck.{data.kind}.corrected", object_type="inspection", object_id=inspection_id
    ) as entry:
        await row_to_record(actor, inspection_id, data.kind)
        await adopt_recorded_facts(inspection_id)
        original = await InspectionEvent.select().where(
            (InspectionEvent.id == data.corrects) & (InspectionEvent.inspection == inspection_id)
        ).output(load_json=True).first()
        kept = {k: v for k, v in ((original or {}).get("detail") or {}).items() if k in KEPT_DETAIL}
        given = {"link": data.link, "note": data.note, "reason": data.reason.strip()}
        event_id = await record_event(
            inspection_id,
            data.kind,
            data.occurred_on,
            occurred_at=data.occurred_at,
            by_user_id=actor.user_id,
            detail={**kept, **{k: v for k, v in given.items() if v}},
            supersedes=data.corrects,
            today=today,
        )
        if data.kind in ROW_DATES:
            table, column = ROW_DATES[data.kind]
            await table.update(
                {getattr(table, column): data.occurred_on, table.version: table.version + 1}
            ).where(table.inspection == inspection_id)
        entry.detail = f"kind={data.kind} event={event_id} corrects={data.corrects}"
    return event_id


def _or_correction(write):
    """The fact's writer: recording it, or, given `corrects`, correcting it."""

    async def writer(actor: Actor, inspection_id: int, data, today: date) -> int | None:
        if data.corrects is not None:
            return await correct_fact(actor, inspection_id, data, today)
        return await write(actor, inspection_id, data, today)

    return writer


RECORDERS = {
    "draft_sent": _draft,
    "factcheck_returned": _returned,
    "hmip_response_sent": _response,
    "published": _published,
    "press_release_shared": _press_release,
    PROCEEDED: _proceeded,
    "hmpps_response_letter": _dated("hmpps_response_letter"),
    "emerging_findings_discussed": _dated("emerging_findings_discussed"),
}
WRITERS = {fact: _or_correction(write) for fact, write in RECORDERS.items()}
