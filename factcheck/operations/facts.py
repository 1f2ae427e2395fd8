"""The facts the fact check owns, as the generic fact operation reaches them (the API's events
route): each goes to the one operation that records it, with its own rules (the draft's row and
indicative date, the return's details and points, every point answered, the publication
checklist), so no fact has a second, laxer way in."""

from __future__ import annotations

from datetime import date

from factcheck.operations.answers import record_proceeded, record_response_sent
from factcheck.operations.draft import record_draft
from factcheck.operations.publication import record_dated_fact, record_press_release, record_publication
from factcheck.operations.returns import save_return_details, submit_return
from factcheck.queries import return_row
from inspections.tables import InspectionEvent
from timelines.core.history import standing
from timelines.core.workflow import PROCEEDED
from tracker.operations import Actor


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


WRITERS = {
    "draft_sent": _draft,
    "factcheck_returned": _returned,
    "hmip_response_sent": _response,
    "published": _published,
    "press_release_shared": _press_release,
    PROCEEDED: _proceeded,
    "hmpps_response_letter": _dated("hmpps_response_letter"),
    "emerging_findings_discussed": _dated("emerging_findings_discussed"),
}
