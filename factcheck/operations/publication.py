"""Publication (MoU ¶34-¶35) once the checklist is complete, the press release shared with HMPPS,
and the dated facts of an IRP (HMPPS's response letter, ¶50) and a thematic review (the emerging
findings discussion, ¶52)."""

from __future__ import annotations

from datetime import date

from factcheck.checklist import checklist
from factcheck.operations.answers import proceed_in_change
from factcheck.operations.common import row_to_record
from factcheck.queries import EMERGING_FINDINGS_EVENT, IRP_LETTER_EVENT, events_for, facts, standing
from inspections.events import date_problems, record_event
from timelines.core.workflow import PROCEEDED
from tracker.links import link_problem
from tracker.operations import Actor, Refused, change

NOTE_LIMIT = 2000
PROCESS_OF_FACT = {IRP_LETTER_EVENT: "irp", EMERGING_FINDINGS_EVENT: "thematic"}


async def record_press_release(actor: Actor, inspection_id: int, shared_on: date, *, today: date) -> None:
    async with change(
        actor, "factcheck.press_release_shared", object_type="inspection", object_id=inspection_id
    ):
        row = await row_to_record(actor, inspection_id, "press_release_shared")
        errors = date_problems(row, "press_release_shared", shared_on, today, "shared")
        if errors:
            raise Refused(errors)
        previous = standing(await events_for(inspection_id), "press_release_shared")
        await record_event(
            inspection_id,
            "press_release_shared",
            shared_on,
            by_user_id=actor.user_id,
            supersedes=previous["id"] if previous else None,
            today=today,
            field="shared",
        )


def publication_problems(row: dict, published_on: date | None, link: str, today: date) -> dict[str, str]:
    errors = {}
    if published_on is None:
        errors["published"] = "Enter the date the report was published"
    else:
        errors |= date_problems(row, "published", published_on, today, "published")
    if not link:
        errors["link"] = "Enter the link to the published report"
    elif problem := link_problem(link):
        errors["link"] = problem
    return errors


async def record_publication(
    actor: Actor, inspection_id: int, published_on: date, link: str, *, today: date
) -> None:
    """published, once the checklist is complete; records HMIP proceeding without a return (¶32)
    when that is how the fact-check item was met."""
    async with change(
        actor, "factcheck.published", object_type="inspection", object_id=inspection_id
    ) as entry:
        row = await row_to_record(actor, inspection_id, "published")
        errors = publication_problems(row, published_on, link, today)
        if errors:
            raise Refused(errors)
        ready = await checklist(row, today)
        if not ready.ready:
            outstanding = "; ".join(i.label.lower() for i in ready.outstanding)
            raise Refused(f"The report is not ready to publish: {outstanding}", "published")
        events = await events_for(inspection_id)
        if standing(events, "published"):
            raise Refused("Publication has already been recorded", "published", state=True)
        if "factcheck_returned" not in facts(events) and not standing(events, PROCEEDED):
            await proceed_in_change(actor, row, today=today)
        await record_event(
            inspection_id,
            "published",
            published_on,
            by_user_id=actor.user_id,
            detail={"link": link},
            today=today,
            field="published",
        )
        entry.detail = f"on={published_on.isoformat()}"


async def record_dated_fact(
    actor: Actor, inspection_id: int, kind: str, on: date, note: str, *, today: date
) -> None:
    """HMPPS's response letter to an IRP, or a thematic review's emerging findings discussion."""
    async with change(actor, f"factcheck.{kind}", object_type="inspection", object_id=inspection_id):
        row = await row_to_record(actor, inspection_id, kind)
        if row["kind"] != PROCESS_OF_FACT[kind]:
            raise LookupError(inspection_id)
        errors = date_problems(row, kind, on, today, "on")
        if len(note) > NOTE_LIMIT:
            errors["note"] = f"The note must be {NOTE_LIMIT} characters or fewer"
        if errors:
            raise Refused(errors)
        await record_event(
            inspection_id,
            kind,
            on,
            by_user_id=actor.user_id,
            detail={"note": note} if note else {},
            today=today,
            field="on",
        )
