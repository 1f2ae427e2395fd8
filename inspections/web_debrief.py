"""Pages: the final debrief (team leaders, on the last day) and the confidential debrief note.

The note (MoU ¶25) is shown only on its own page and download, to those `may_read_note` allows;
each read writes exactly one audit row, and both carry OFFICIAL-SENSITIVE and no-store.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inspections import debrief_steps as steps
from inspections.constants import (
    ABSENCE_NOTICE,
    ATTENDEES,
    HEALTHY_PRISON_TESTS,
    INSPECTION_KINDS,
    PROGRESS,
    SCORES,
)
from inspections.forms import date_fields, debrief_prefill, kept, read_debrief
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
    """The first page: when and who attended (answers from an earlier record, if any)."""
    row = await load_for_edit(request, inspection_id)
    existing = await debrief_of(inspection_id)
    if existing:
        form = debrief_prefill(existing, await note_of(inspection_id))
        await audit.record(
            "debrief_note.view",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            detail="edit form",
        )
    else:
        start, end, today = row["start_date"], row["end_date"], today_london()
        form = date_fields("held_on", min(today, end) if today >= start else end)
    return await _step_page(request, row, steps.ATTENDANCE, form, {})


async def _step_page(
    request: Request, row: dict, step: str, values: dict, errors: dict, *, data=None, status_code: int = 200
) -> Response:
    context = await _context(row)
    sequence = steps.steps_for(row["kind"])
    title = steps.TITLES[step]
    if step == steps.JUDGEMENTS and row["kind"] == "irp":
        title = steps.IRP_JUDGEMENTS_TITLE
    response = render(
        request,
        steps.TEMPLATES[step],
        form=values,
        errors=errors,
        step=step,
        title=title,
        hidden=steps.carried(values, step),
        everything=steps.carried(values, None),
        back_to=steps.preceding(sequence, step),
        sequence=sequence,
        attached=values.get("note_file_name", ""),
        has_stored_file=await has_note_file(row["id"]),
        data=data,
        status_code=status_code,
        **context,
    )
    response.headers.update(NO_STORE)
    return response


async def _note_file(request: Request, form: Form, values: dict, inspection_id: int):
    """The note file chosen on the note page, or carried since: checked and scanned each time it is
    sent (so a carried file is never trusted), kept in `values` to carry on. None when there is none;
    with the status to answer with (413 for a file over the limit)."""
    limit_mb = uploads.limit_mb_for(request, NOTE_FILE_LIMIT_MB)
    carried = steps.file_from_fields(values)
    try:
        if carried and not getattr(form.data.get("note_file"), "filename", ""):
            name, content = carried
            checked = uploads.check_upload(
                content, NOTE_FILE_TYPES, limit_bytes=uploads.limit_bytes_for(limit_mb), limit_mb=limit_mb,
                filename=name,
            )
        else:
            checked, content, name = await uploads.receive(
                form.data.get("note_file"), NOTE_FILE_TYPES, limit_mb=limit_mb, missing=""
            )
    except uploads.UploadRefused as refused:
        if str(refused):  # an empty message: no file chosen, which is allowed
            form.error("note_file", str(refused))
        for name in steps.FILE_FIELDS:
            values.pop(name, None)
        return None, refused.status_code
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
        return None, 200
    values.update(steps.file_fields(name, content))
    return (name, checked.media_type, content, result.status), 200


@post("/inspections/{inspection_id:int}/debrief", opt=LEADERS)
async def debrief_save(request: Request, inspection_id: FromPath[int]) -> Response:
    """Each page posts here with its `step`: its errors shown at once, or the next page. The check
    page's confirmation (or all the answers sent at once, with no step) records the debrief."""
    row = await load_for_edit(request, inspection_id)
    form = await Form.from_request(request)
    sequence = steps.steps_for(row["kind"])
    step = form.raw("step") if form.raw("step") in sequence else steps.CHECK
    values = kept(form)
    go = form.raw("go")
    if go == "back" and steps.preceding(sequence, step):
        return await _step_page(request, row, steps.preceding(sequence, step), values, {})
    if go in sequence:  # a "Change" link on the check page: back to it once that page is done
        return await _step_page(request, row, go, values | {"changing": "yes"}, {})
    context = await _context(row)
    data = read_debrief(form, context["follow_ups"])
    check_debrief(data, row, context["follow_ups"], form.errors)
    note_file, status_code = await _note_file(request, form, values, inspection_id)
    if not data.note_text.strip() and note_file is None and "note_file" not in form.errors:
        if not await has_note_file(inspection_id):
            form.error("note_text", NO_NOTE)
    if step != steps.CHECK:
        if mine := steps.errors_of(form.errors, step):
            return await _step_page(request, row, step, values, mine, status_code=status_code)
        upcoming = steps.CHECK if values.get("changing") else steps.following(sequence, step)
        return await _step_page(request, row, upcoming, values, {}, data=data)
    if form.ok:
        try:
            await save_debrief(
                Actor(current(request), request),
                row,
                data,
                today=today_london(),
                version=parse_version(form.raw("version"), when_missing=None),
                note_file=note_file,
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
    first = steps.first_step_with_errors(sequence, form.errors)
    errors = steps.errors_of(form.errors, first)
    return await _step_page(request, row, first, values, errors, status_code=status_code)


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
