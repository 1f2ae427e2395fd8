"""Pages: the final debrief (team leaders, on the last day) and the confidential debrief note.

The note (MoU ¶25) is shown only on its own page and download, to those `may_read_note` allows;
each read writes exactly one audit row, and both carry OFFICIAL-SENSITIVE and no-store.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inspections import services
from inspections.constants import (
    ABSENCE_NOTICE,
    ATTENDEES,
    HEALTHY_PRISON_TESTS,
    INSPECTION_KINDS,
    PROGRESS,
    SCORES,
)
from inspections.forms import debrief_prefill, kept, read_debrief
from inspections.permissions import LEADERS, NOTE_READERS, load_for_edit, load_inspection, may_read_note
from inspections.uploads import MAX_DOCUMENT_BYTES, UploadError, check_document, read_file, scan
from inspections.views import due_text, offset_words
from tracker import audit
from tracker.access import current, deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.templating import render

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MARKING = "OFFICIAL-SENSITIVE"


async def _context(row: dict) -> dict:
    follow_ups = await services.follow_up_ids(row["id"]) if row["kind"] == "irp" else []
    recs = {r["id"]: r for r in await services.recommendations_of(row["follows"])} if row["follows"] else {}
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
    existing = await services.debrief_of(inspection_id)
    if existing:
        note = await services.note_of(inspection_id)
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
    if data.held_on and data.held_on > today:
        form.error("held_on", "The date of the debrief must be today or in the past")
    services.check_debrief(data, row, context["follow_ups"], form.errors)
    note_file = None
    upload = form.data.get("note_file")
    if upload is not None and getattr(upload, "filename", ""):
        try:
            name, content = await read_file(upload, MAX_DOCUMENT_BYTES)
            content_type = check_document(content)
            note_file = (name, content_type, content, scan(content))
        except UploadError as error:
            form.error("note_file", str(error))
    version = int(form.raw("version")) if form.raw("version").isdigit() else None
    if form.ok:
        try:
            await services.save_debrief(
                row, data, by_user_id=principal.user_id, today=today, version=version, note_file=note_file
            )
        except services.Conflict as conflict:
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
        await audit.record(
            "debrief.save",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            detail="with file" if note_file else "",
        )
        return Redirect(path=f"/inspections/{inspection_id}/debrief/done")
    response = render(
        request, "inspections/debrief_form.html", form=kept(form), errors=form.errors, **context
    )
    response.headers.update(NO_STORE)
    return response


@get("/inspections/{inspection_id:int}/debrief/done", opt=LEADERS)
async def debrief_done(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_for_edit(request, inspection_id)
    milestones = await services.stored_milestones(inspection_id)
    due = services.next_debrief_note_due(milestones)
    return render(
        request,
        "inspections/debrief_done.html",
        inspection=row,
        note_due=due,
        note_due_text=due_text(due) if due and due["due"] else "",
        note_rule=offset_words("full-inspection", "debrief_note_to_hq"),
    )


async def _note_or_404(request: Request, inspection_id: int) -> tuple[dict, dict]:
    row = await load_inspection(request, inspection_id)
    if not await may_read_note(current(request), row):
        await deny_as_not_found(request, "debrief_note", inspection_id)
    return row, row


@get("/inspections/{inspection_id:int}/debrief-note", opt=NOTE_READERS)
async def debrief_note(request: Request, inspection_id: FromPath[int]) -> Response:
    row, _ = await _note_or_404(request, inspection_id)
    note = await services.note_of(inspection_id)
    debrief = await services.debrief_of(inspection_id)
    await audit.record(
        "debrief_note.view", request=request, object_type="inspection", object_id=inspection_id
    )
    response = render(
        request,
        "inspections/debrief_note.html",
        inspection=row,
        note=note,
        debrief=debrief,
        can_edit=False,
        marking=MARKING,
        **{k: v for k, v in (await _context(row)).items() if k != "inspection"},
    )
    response.headers.update(NO_STORE)
    return response


@get("/inspections/{inspection_id:int}/debrief-note/file", opt=NOTE_READERS)
async def debrief_note_file(request: Request, inspection_id: FromPath[int]) -> Response:
    await _note_or_404(request, inspection_id)
    note = await services.note_of(inspection_id, with_content=True)
    if not note or not note["file_content"] or not (note["scan_result"] or "").startswith("clean"):
        from litestar.exceptions import NotFoundException

        raise NotFoundException("Page not found")
    await audit.record(
        "debrief_note.view",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail="file download",
    )
    extension = {"application/pdf": "pdf"}.get(note["file_type"], note["file_name"].rsplit(".", 1)[-1][:5])
    filename = f"OFFICIAL-SENSITIVE debrief note {inspection_id}.{extension}"
    return Response(
        content=bytes(note["file_content"]),
        media_type=note["file_type"],
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "X-Classification": MARKING,
        },
    )


ROUTES = [debrief_form, debrief_save, debrief_done, debrief_note, debrief_note_file]
