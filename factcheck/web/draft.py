"""The fact check's overview, and the draft report: recorded as sent with its covering letter
(MoU ¶31), its file uploaded and downloaded, shared with the establishment (¶32)."""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import draft as ops
from factcheck.web.common import (
    HMIP_EDITORS,
    READERS,
    SCRUTINY_ONLY,
    actor,
    checked_upload,
    conflict_page,
    date_from_iso,
    finished_stage,
    load,
    overview_context,
    page,
    query_string,
    see_other,
    type_of,
    version_of,
)
from tracker import audit, scanning, uploads
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Conflict, Refused
from tracker.templating import govuk_date

DRAFT_LIMIT_MB = 20
RECORD = "factcheck.record.draft_sent"

DONE_MESSAGES = {
    "draft": "Draft report recorded as sent",
    "file": "Draft report file uploaded",
    "shared": "Draft shared with the establishment",
    "answer": "Answer recorded",
    "response": "HMIP's response recorded as sent",
    "proceeded": "Recorded that HMIP is proceeding to publication without a return",
    "data": "Data item added",
    "data_response": "HMPPS's response recorded",
    "data_resolved": "Objection recorded as resolved",
    "data_proceeded": "Recorded that HMIP is proceeding with the data under MoU ¶18",
    "photo": "Photograph added",
    "photo_response": "HMPPS's view of the photograph recorded",
    "photo_resolved": "Objection recorded as resolved",
    "data_published_over": "Recorded that HMIP is publishing the data over HMPPS's objection",
    "photo_published_over": "Recorded that HMIP is publishing the photograph over HMPPS's objection",
    "photo_consent_withdrawn": "Consent recorded as withdrawn: remove the photograph from the report",
    "photo_removed": "Photograph removed from the report",
    "letter": "HMPPS's response letter recorded",
    "emerging": "Emerging findings discussion recorded",
}


@get("/inspections/{inspection_id:int}/factcheck", opt=READERS)
async def overview(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id)
    context = await overview_context(request, row, today_london())
    done = DONE_MESSAGES.get(request.query_params.get("done") or "", "")
    return page(request, "factcheck/overview.html", row, done=done, **context)


def _draft_form_values(sent: date | None, indicative: date | None) -> dict:
    values = {f"sent-{k}": v for k, v in date_parts(sent).items()}
    return values | {f"indicative-{k}": v for k, v in date_parts(indicative).items()}


def _draft_summary(draft: dict) -> list[tuple[str, str]]:
    indicative = draft.get("indicative_publication")
    return [
        ("Date the draft was sent", govuk_date(draft["sent_on"])),
        ("Indicative publication date", govuk_date(indicative) if indicative else ""),
    ]


@get("/inspections/{inspection_id:int}/draft", opt=HMIP_EDITORS)
async def draft_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, RECORD)
    draft = row["draft"]
    form = _draft_form_values(draft["sent_on"], draft["indicative_publication"]) if draft else {}
    form["version"] = str(draft["version"]) if draft else "0"
    form |= {k: v for k, v in request.query_params.items() if k.startswith(("sent-", "indicative-"))}
    return page(request, "factcheck/draft_form.html", row, form=form)


@post("/inspections/{inspection_id:int}/draft", opt=HMIP_EDITORS)
async def draft_submit(request: Request, inspection_id: FromPath[int]) -> Template:
    """The covering letter's dates, checked, then a check-your-answers page before recording."""
    row = await load(request, inspection_id, RECORD)
    form = await Form.from_request(request)
    sent = form.date("sent", "the date the draft was sent")
    indicative = form.date("indicative", "the indicative publication date", required=False)
    calendar = await queries.current_calendar()
    if sent and form.ok:
        indicative, errors = ops.draft_problems(row, sent, indicative, calendar, today_london())
        for name, message in errors.items():
            form.error(name, message)
    if not form.ok:
        return page(request, "factcheck/draft_form.html", row, form=form.data, errors=form.errors)
    given = bool(form.raw("indicative-day") or form.raw("indicative-month") or form.raw("indicative-year"))
    change = query_string({}, **{f"sent-{k}": v for k, v in date_parts(sent).items()})
    if given and indicative:
        change += "&" + query_string({}, **{f"indicative-{k}": v for k, v in date_parts(indicative).items()})
    return page(
        request,
        "factcheck/draft_check.html",
        row,
        sent=sent,
        indicative=indicative,
        proposed=not given,
        version=form.raw("version"),
        window=queries.indicative_window(row, sent, calendar),
        change_query=change,
    )


@post("/inspections/{inspection_id:int}/draft/confirm", opt=HMIP_EDITORS)
async def draft_confirm(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, RECORD)
    form = await Form.from_request(request)
    sent = date_from_iso(form.raw("sent_on"))
    indicative = date_from_iso(form.raw("indicative_publication"))
    if sent is None:
        return see_other(f"/inspections/{inspection_id}/draft")
    version = version_of(form)
    try:
        await ops.record_draft(
            actor(request), inspection_id, sent, indicative, today=today_london(), version=version
        )
    except Conflict as conflict:
        return conflict_page(
            request,
            row,
            "the draft record",
            _draft_summary(conflict.current),
            f"/inspections/{inspection_id}/draft",
        )
    except Refused as refused:
        form_values = _draft_form_values(sent, indicative) | {"version": form.raw("version")}
        return page(request, "factcheck/draft_form.html", row, form=form_values, errors=refused.errors)
    return see_other(f"/inspections/{inspection_id}/factcheck?done=draft")


@get("/inspections/{inspection_id:int}/draft/upload", opt=HMIP_EDITORS)
async def draft_upload_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.draft.upload")
    if closed := finished_stage(request, row, "factcheck.draft.upload"):
        return closed
    return page(request, "factcheck/draft_upload.html", row)


@post("/inspections/{inspection_id:int}/draft/upload", opt=HMIP_EDITORS)
async def draft_upload(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.draft.upload")
    form = await Form.from_request(request)
    accepted, problem, status_code = await checked_upload(
        request, form, "file", DRAFT_LIMIT_MB, uploads.DOCUMENTS, audit_action="factcheck.draft_upload"
    )
    if row["draft"] is None:
        problem = "Record the draft as sent before uploading its file"
    elif accepted is None and not problem:
        problem = "Select the draft report"
    if problem:
        return page(
            request, "factcheck/draft_upload.html", row, errors={"file": problem}, status_code=status_code
        )
    checked = accepted.checked
    try:
        await ops.store_draft_file(
            actor(request),
            inspection_id,
            accepted.original or f"draft-report.{checked.extension}",
            checked.media_type,
            accepted.content,
            scan_status=accepted.scan.status,
            audit_detail=f"type={checked.file_type} size={checked.size} sha256={checked.sha256} "
            f"{accepted.scan.audit_detail()}",
        )
    except Refused as refused:  # published since the page was loaded
        return page(request, "factcheck/draft_upload.html", row, errors={"file": refused.message})
    return see_other(f"/inspections/{inspection_id}/factcheck?done=file")


@get("/inspections/{inspection_id:int}/draft/file", opt=READERS)
async def draft_download(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id)
    stored = await queries.current_draft_file(inspection_id, with_content=True)
    if stored is None:
        raise NotFoundException("Page not found")
    file_type = type_of(stored["content_type"], uploads.DOCUMENTS)
    if file_type is None or not scanning.downloadable(stored["scan_status"], request.app.state.settings):
        await audit.record(
            "factcheck.draft_download",
            request=request,
            object_type="draft_file",
            object_id=stored["id"],
            outcome="refused",
            detail=f"inspection={inspection_id} scan={stored['scan_status']}",
        )
        return scanning.not_downloadable(
            request,
            stored["scan_status"],
            name=stored["filename"],
            back_href=f"/inspections/{inspection_id}/factcheck",
            back_text="Back to the fact check",
        )
    await audit.record(
        "factcheck.draft_download",
        request=request,
        object_type="draft_file",
        object_id=stored["id"],
        detail=f"inspection={inspection_id}",
    )
    return uploads.file_response(stored["content"], stored["filename"], file_type)


@get("/inspections/{inspection_id:int}/draft/share", opt=SCRUTINY_ONLY)
async def share_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.draft.share")
    return page(request, "factcheck/share.html", row)


@post("/inspections/{inspection_id:int}/draft/share", opt=SCRUTINY_ONLY)
async def share(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.draft.share")
    try:
        await ops.share_draft(actor(request), inspection_id)
    except Refused as refused:
        return page(request, "factcheck/share.html", row, errors=refused.errors)
    return see_other(f"/inspections/{inspection_id}/factcheck?done=shared")


ROUTES = [
    overview,
    draft_form,
    draft_submit,
    draft_confirm,
    draft_upload_form,
    draft_upload,
    draft_download,
    share_form,
    share,
]
