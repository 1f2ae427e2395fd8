"""Pages: the final debrief (team leaders, on the last day) and the confidential debrief note.

The note (MoU ¶25) is shown only on its own page and download, to those `may_read_note` allows;
each read writes exactly one audit row, and both carry OFFICIAL-SENSITIVE and no-store.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inspections.constants import (
    ABSENCE_NOTICE,
    ATTENDEES,
    HEALTHY_PRISON_TESTS,
    INSPECTION_KINDS,
    PROGRESS,
    SCORES,
)
from inspections.forms import debrief_prefill, kept, read_debrief
from inspections.operations.debrief import NO_NOTE, check_debrief, has_note_file, save_debrief
from inspections.permissions import (
    LEADERS,
    NOTE_READERS,
    awaits_hq_copy,
    load_for_edit,
    load_inspection,
    may_read_note,
)
from inspections.queries import (
    debrief_of,
    follow_up_ids,
    next_debrief_note_due,
    note_of,
    recommendations_of,
    stored_milestones,
)
from inspections.views import due_text, offset_words
from tracker import audit, scanning, uploads
from tracker.access import current, deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Actor, Conflict, Refused
from tracker.query import parse_version
from tracker.templating import render

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MARKING = "OFFICIAL-SENSITIVE"
NOTE_FILE_LIMIT_MB = 10
NOTE_FILE_TYPES = uploads.DOCUMENTS


async def _context(row: dict) -> dict:
    follow_ups = await follow_up_ids(row["id"]) if row["kind"] == "irp" else []
    recs = {r["id"]: r for r in await recommendations_of(row["follows"])} if row["follows"] else {}
    return {
        "inspection": row,
        "kinds": INSPECTION_KINDS,
        "attendee_choices": ATTENDEES,
        "absence_choices": ABSENCE_NOTICE,
        "tests": HEALTHY_PRISON_TESTS,
        "scores": SCORES,
        "progress_choices": PROGRESS,
        "followed": [recs[i] for i in follow_ups if i in recs],
        "follow_ups": follow_ups,
    }


@get("/inspections/{inspection_id:int}/debrief", opt=LEADERS)
async def debrief_form(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    existing = await debrief_of(inspection_id)
    if existing:
        note = await note_of(inspection_id)
        form = debrief_prefill(existing, note)
        await audit.record(
            "debrief_note.view",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            detail="edit form",
        )
    else:
        from inspections.forms import date_fields

        form = date_fields(
            "held_on",
            min(today_london(), row["end_date"]) if today_london() >= row["start_date"] else row["end_date"],
        )
    response = render(request, "inspections/debrief_form.html", form=form, errors={}, **await _context(row))
    response.headers.update(NO_STORE)
    return response


@post("/inspections/{inspection_id:int}/debrief", opt=LEADERS)
async def debrief_save(request: Request, inspection_id: FromPath[int]) -> Response:
    principal = current(request)
    row = await load_for_edit(request, inspection_id)
    today = today_london()
    form = await Form.from_request(request)
    context = await _context(row)
    data = read_debrief(form, context["follow_ups"])
    check_debrief(data, row, context["follow_ups"], form.errors)
    note_file = None
    status_code = 200
    try:
        checked, content, name = await uploads.receive(
            form.data.get("note_file"),
            NOTE_FILE_TYPES,
            limit_mb=uploads.limit_mb_for(request, NOTE_FILE_LIMIT_MB),
            missing="",
        )
    except uploads.UploadRefused as refused:
        if str(refused):  # an empty message: no file chosen, which is allowed
            form.error("note_file", str(refused))
            status_code = refused.status_code
    else:
        result = await scanning.scan(content, request.app.state.settings)
        if result.status == scanning.INFECTED:
            form.error("note_file", result.message)
            await audit.record(
                "debrief_note.upload.refused",
                request=request,
                object_type="inspection",
                object_id=inspection_id,
                outcome="refused",
                detail=result.audit_detail(),
            )
        else:
            note_file = (name, checked.media_type, content, result.status)
    version = parse_version(form.raw("version"), when_missing=None)
    if not data.note_text.strip() and note_file is None and "note_file" not in form.errors:
        if not await has_note_file(inspection_id):
            form.error("note_text", NO_NOTE)
    if form.ok:
        try:
            await save_debrief(
                Actor(principal, request), row, data, today=today, version=version, note_file=note_file
            )
            return Redirect(path=f"/inspections/{inspection_id}/debrief/done")
        except Refused as refusal:
            form.add_errors(refusal.errors)
        except Conflict as conflict:
            response = render(
                request,
                "inspections/debrief_conflict.html",
                status_code=409,
                inspection=row,
                current=conflict.current,
                **{k: v for k, v in context.items() if k != "inspection"},
            )
            response.headers.update(NO_STORE)
            return response
    response = render(
        request,
        "inspections/debrief_form.html",
        form=kept(form),
        errors=form.errors,
        status_code=status_code,
        **context,
    )
    response.headers.update(NO_STORE)
    return response


@get("/inspections/{inspection_id:int}/debrief/done", opt=LEADERS)
async def debrief_done(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_for_edit(request, inspection_id)
    milestones = await stored_milestones(inspection_id)
    due = next_debrief_note_due(milestones)
    return render(
        request,
        "inspections/debrief_done.html",
        inspection=row,
        note_due=due,
        note_due_text=due_text(due) if due and due["due"] else "",
        note_rule=offset_words("full-inspection", "debrief_note_to_hq"),
    )


NOT_YET_SENT = "not yet sent to HMPPS HQ"


async def _note_or_404(request: Request, row: dict) -> None:
    if not await may_read_note(current(request), row):
        await deny_as_not_found(request, "debrief_note", row["id"])


async def _not_yet_sent(request: Request, row: dict) -> Response:
    """An HMPPS HQ reader before HMIP has recorded the copy sent to HQ (¶25): said, and audited."""
    await audit.record(
        "debrief_note.view",
        request=request,
        object_type="inspection",
        object_id=row["id"],
        outcome="refused",
        detail=NOT_YET_SENT,
    )
    response = render(
        request, "inspections/debrief_note_not_sent.html", inspection=row, kinds=INSPECTION_KINDS
    )
    response.headers.update(NO_STORE)
    return response


@get("/inspections/{inspection_id:int}/debrief-note", opt=NOTE_READERS)
async def debrief_note(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_inspection(request, inspection_id)
    if await awaits_hq_copy(current(request), row):
        return await _not_yet_sent(request, row)
    await _note_or_404(request, row)
    note = await note_of(inspection_id)
    debrief = await debrief_of(inspection_id)
    await audit.record(
        "debrief_note.view", request=request, object_type="inspection", object_id=inspection_id
    )
    response = render(
        request,
        "inspections/debrief_note.html",
        inspection=row,
        note=note,
        debrief=debrief,
        marking=MARKING,
        **{k: v for k, v in (await _context(row)).items() if k != "inspection"},
    )
    response.headers.update(NO_STORE)
    return response


@get("/inspections/{inspection_id:int}/debrief-note/file", opt=NOTE_READERS)
async def debrief_note_file(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_inspection(request, inspection_id)
    if await awaits_hq_copy(current(request), row):
        return await _not_yet_sent(request, row)
    await _note_or_404(request, row)
    note = await note_of(inspection_id, with_content=True)
    if not note or not note["file_name"]:
        from litestar.exceptions import NotFoundException

        raise NotFoundException("Page not found")
    file_type = _note_file_type(note["file_type"])
    if (
        not scanning.downloadable(note["scan_result"], request.app.state.settings)
        or not note["file_content"]
        or file_type is None
    ):
        await audit.record(
            "debrief_note.view",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            outcome="refused",
            detail=f"file download scan={note['scan_result'] or scanning.PENDING}",
        )
        response = scanning.not_downloadable(
            request,
            note["scan_result"],
            back_href=f"/inspections/{inspection_id}/debrief-note",
            back_text="Back to the debrief note",
        )
        response.headers.update(NO_STORE)
        return response
    await audit.record(
        "debrief_note.view",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail="file download",
    )
    response = uploads.file_response(
        note["file_content"], f"OFFICIAL-SENSITIVE debrief note {inspection_id}", file_type
    )
    response.headers.update({**NO_STORE, "X-Classification": MARKING})
    return response


def _note_file_type(media_type: str) -> str | None:
    return next((kind for kind in NOTE_FILE_TYPES if uploads.MEDIA_TYPES[kind] == media_type), None)


ROUTES = [debrief_form, debrief_save, debrief_done, debrief_note, debrief_note_file]
