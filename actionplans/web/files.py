"""The plan document's versions: list, upload (checked by content, scanned) and download (only
once scanned clean, every download audited)."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries
from actionplans.operations import files
from actionplans.uploads import PLAN_FILE_TYPES
from actionplans.web.common import (
    ESTABLISHMENT,
    READ,
    page_context,
    plan_for_request,
    show_refusal,
    upload_post,
)
from actionplans.web.spreadsheet import audit_refused_upload, limit_mb, read_upload
from tracker import audit, scanning, uploads
from tracker.access import current, deny_as_not_found
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.templating import render


async def _files_page(request: Request, plan: dict, errors: dict, status_code: int = 200, done: str = ""):
    return render(
        request,
        "actionplans/files.html",
        files=await queries.files(plan["id"]),
        errors=errors,
        done=done,
        status_code=status_code,
        TYPE_LABELS=uploads.TYPE_LABELS,
        SCAN_LABELS=scanning.SCAN_LABELS,
        downloadable=lambda status: scanning.downloadable(status, request.app.state.settings),
        limit_mb=limit_mb(request),
        **page_context(plan),
    )


@get("/action-plans/{plan_id:int}/files", opt=READ)
async def files_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    return await _files_page(request, plan, {}, done=request.query_params.get("done", ""))


@upload_post("/action-plans/{plan_id:int}/files", opt=ESTABLISHMENT)
async def file_upload(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    uploaded = await read_upload(request, form)
    limit_bytes = limit_mb(request) * 1024 * 1024
    if uploaded is None or not uploaded[0]:
        form.error("file", "Select the action plan file")
        return await _files_page(request, plan, form.errors)
    content, original = uploaded
    try:
        checked = uploads.check_upload(
            content, PLAN_FILE_TYPES, limit_bytes=limit_bytes, limit_mb=limit_mb(request), filename=original
        )
    except uploads.UploadRefused as refused:
        await audit_refused_upload(request, plan_id, refused)
        form.error("file", str(refused))
        return await _files_page(
            request, plan, form.errors, status_code=413 if len(content) > limit_bytes else 200
        )
    try:
        stored = await files.upload_file(
            Actor(current(request), request),
            plan_id,
            content=content,
            checked=checked,
            original_name=original,
            settings=request.app.state.settings,
        )
    except Refused as refused:
        show_refusal(form, refused, "file")
        return await _files_page(request, plan, form.errors)
    if stored["scan_status"] == scanning.INFECTED:
        form.error("file", scanning.ScanResult(stored["scan_status"], stored["signature"]).message)
        return await _files_page(request, plan, form.errors)
    return Redirect(path=f"/action-plans/{plan_id}/files?done=uploaded", status_code=303)


@get("/action-plans/{plan_id:int}/files/{file_id:int}", opt=READ)
async def file_download(request: Request, plan_id: FromPath[int], file_id: FromPath[int]) -> Response:
    await plan_for_request(request, plan_id)
    row = await queries.file_content(plan_id, file_id)
    if row is None:
        await deny_as_not_found(request, "action_plan_file", file_id)
    if not scanning.downloadable(row["scan_status"], request.app.state.settings):
        await audit.record(
            "actionplan.file.download",
            request=request,
            object_type="action_plan_file",
            object_id=file_id,
            outcome="refused",
            detail=f"scan={row['scan_status']}",
        )
        return scanning.not_downloadable(
            request,
            row["scan_status"],
            name=row["original_name"],
            back_href=f"/action-plans/{plan_id}/files",
            back_text="Back to the action plan's files",
        )
    await audit.record(
        "actionplan.file.download", request=request, object_type="action_plan_file", object_id=file_id
    )
    return uploads.file_response(row["content"], row["original_name"] or "action-plan", row["file_type"])


ROUTES = [files_page, file_upload, file_download]
