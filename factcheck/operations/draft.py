"""The draft report and its covering letter (MoU ¶31): recorded as sent, its file, shared with
the establishment (¶32)."""

from __future__ import annotations

from datetime import date

from factcheck.operations.common import adopt_recorded_facts, returned_already, row_for, row_to_record
from factcheck.queries import events_for, indicative_window, standing
from factcheck.tables import DraftFile, DraftReport
from inspections.events import date_problems, record_event
from inspections.tables import Inspection
from timelines.core.calendar import WorkingCalendar
from timelines.store import current_calendar
from tracker.clock import now_utc
from tracker.db import hold_row
from tracker.operations import Actor, Conflict, Refused, change


def draft_problems(
    inspection: dict, sent_on: date, indicative: date | None, calendar: WorkingCalendar, today: date
) -> tuple[date | None, dict[str, str]]:
    """(the indicative publication date to record, problems): the one given if inside the
    covering letter's window, or the proposal when none is given. The form checks the same
    before its check-your-answers page."""
    problems = date_problems(inspection, "draft_sent", sent_on, today, "sent")
    if problems:
        return indicative, problems
    window = indicative_window(inspection, sent_on, calendar)
    if window is None:
        return indicative, {}
    opens, closes, proposed = window
    if indicative is None:
        return proposed, {}
    if not opens <= indicative <= closes:
        from tracker.templating import govuk_date

        return indicative, {
            "indicative": "The indicative publication date must be between "
            f"{govuk_date(opens)} and {govuk_date(closes)} (7 to 8 weeks after the draft was sent)"
        }
    return indicative, {}


async def record_draft(
    actor: Actor,
    inspection_id: int,
    sent_on: date,
    indicative: date | None,
    *,
    today: date,
    version: int | None = None,
) -> dict:
    """Record the draft sent (draft_sent) with its covering letter's indicative date.
    Recording again corrects the earlier record: the new draft_sent event supersedes the old.
    Conflict when someone else recorded it since `version` (0: nothing recorded here yet)."""
    calendar = await current_calendar()
    async with change(
        actor, "factcheck.draft_sent", object_type="inspection", object_id=inspection_id
    ) as entry:
        row = await row_to_record(actor, inspection_id, "draft_sent")
        indicative, errors = draft_problems(row, sent_on, indicative, calendar, today)
        if errors:
            raise Refused(errors)
        if await returned_already(inspection_id):
            raise Refused(
                "The fact check has been returned: the draft can no longer be changed", "sent", state=True
            )
        await hold_row(Inspection, inspection_id)
        existing = await DraftReport.objects().where(DraftReport.inspection == inspection_id).first()
        if version is not None and version != (existing.version if existing else 0):
            raise Conflict(existing.to_dict() if existing else {})  # none saved yet: nothing to show
        previous_event = standing(await events_for(inspection_id), "draft_sent")
        if existing is None:
            existing = DraftReport(inspection=inspection_id, recorded_at=now_utc(), version=0)
        existing.sent_on = sent_on
        existing.indicative_publication = indicative
        existing.recorded_by = actor.user_id
        existing.recorded_at = now_utc()
        existing.version = (existing.version or 0) + 1
        await existing.save()
        await record_event(
            inspection_id,
            "draft_sent",
            sent_on,
            by_user_id=actor.user_id,
            detail={"indicative_publication": indicative.isoformat() if indicative else None},
            supersedes=previous_event["id"] if previous_event else None,
            today=today,
            field="sent",
        )
        entry.detail = (
            f"sent_on={sent_on.isoformat()} indicative={indicative.isoformat() if indicative else ''}"
        )
    return existing.to_dict()


async def store_draft_file(
    actor: Actor,
    inspection_id: int,
    filename: str,
    content_type: str,
    content: bytes,
    *,
    scan_status: str,
    audit_detail: str = "",
) -> int:
    """Keep an uploaded draft, checked (tracker.uploads) and scanned (tracker.scanning) already:
    `scan_status` decides whether it is ever downloadable."""
    async with change(actor, "factcheck.draft_upload", object_type="draft_file") as entry:
        row = await row_for(actor, inspection_id, "factcheck.draft.upload", "file")
        if row["draft"] is None:
            raise Refused("Record the draft as sent before uploading its file", "file", state=True)
        stored = DraftFile(
            inspection=inspection_id,
            filename=filename,
            content_type=content_type,
            size=len(content),
            content=content,
            uploaded_by=actor.user_id,
            uploaded_at=now_utc(),
            scan_status=scan_status,
        )
        await stored.save()
        entry.object_id = stored.id
        entry.detail = f"inspection={inspection_id} {audit_detail}".strip()
    return stored.id


async def share_draft(actor: Actor, inspection_id: int) -> None:
    """The Scrutiny Team shares the draft with the establishment (¶32): from now on they see it."""
    async with change(
        actor, "factcheck.draft_shared", object_type="inspection", object_id=inspection_id
    ) as entry:
        row = await row_for(actor, inspection_id, "factcheck.draft.share")
        if row["draft"] is None:
            raise Refused("The draft has not been recorded as sent yet", "share", state=True)
        await adopt_recorded_facts(inspection_id)
        await DraftReport.update(
            {
                DraftReport.shared_with_establishment: True,
                DraftReport.shared_at: now_utc(),
                DraftReport.shared_by: actor.user_id,
                DraftReport.version: DraftReport.version + 1,
            }
        ).where(DraftReport.inspection == inspection_id)
        entry.detail = f"establishment={row['establishment']}"
