"""The plan as a spreadsheet: the template to fill in, the export, and filling the plan from
an uploaded spreadsheet."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries, spreadsheet
from actionplans.operations import files
from actionplans.web.common import (
    ESTABLISHMENT,
    READ,
    page_context,
    plan_for_request,
    plan_url,
    show_refusal,
    upload_post,
)
from tracker import audit, spreadsheets, uploads
from tracker.access import current
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.templating import render

XLSX_TYPE = uploads.MEDIA_TYPES["xlsx"]


def _download(content: bytes, filename: str, media_type: str) -> Response:
    return Response(content=content, media_type=media_type, headers=uploads.download_headers(filename))


def _file_stem(plan: dict) -> str:
    inspection = plan["inspection_row"]
    return uploads.safe_filename(
        f"{inspection['establishment_name']} action plan {inspection['end_date']}", "xlsx"
    )


@get("/action-plans/{plan_id:int}/template.xlsx", opt=ESTABLISHMENT)
async def template_download(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    detail = await queries.plan_detail(plan, today=today_london())
    inspection = plan["inspection_row"]
    content = spreadsheet.build_workbook(
        detail["items"],
        title=f"Action plan: {inspection['establishment_name']}, inspection ending "
        f"{inspection['end_date']:%d/%m/%Y}",
    )
    await audit.record(
        "actionplan.template.download", request=request, object_type="action_plan", object_id=plan_id
    )
    return _download(content, _file_stem(plan).replace(".xlsx", " template.xlsx"), XLSX_TYPE)


@get("/action-plans/{plan_id:int}/export.xlsx", opt=READ)
async def export_download(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    today = today_london()
    detail = await queries.plan_detail(plan, today=today)
    latest = {}
    for item in detail["items"]:
        for action in item["actions"]:
            history = await queries.progress_history(action["id"])
            if history:
                latest[action["id"]] = history[0]
    content = spreadsheet.build_workbook(
        detail["items"], title="Action plan", export=True, today=today, progress=latest
    )
    await audit.record_read(
        "actionplan.export", request=request, object_type="action_plan", object_id=plan_id
    )
    return _download(content, _file_stem(plan), XLSX_TYPE)


async def read_upload(request: Request, form: Form, name: str = "file") -> tuple[bytes, str] | None:
    upload = form.data.get(name)
    if isinstance(upload, list):
        upload = upload[0] if upload else None
    if upload is None or not hasattr(upload, "read"):
        return None
    limit = request.app.state.settings.upload_limit_mb * 1024 * 1024
    content = await upload.read(limit + 1)
    return content, uploads.clean_original_name(getattr(upload, "filename", ""))


def limit_mb(request: Request) -> int:
    return request.app.state.settings.upload_limit_mb


async def audit_refused_upload(request: Request, plan_id: int, refused: uploads.UploadRefused) -> None:
    await audit.record(
        "actionplan.upload.refused",
        request=request,
        object_type="action_plan",
        object_id=plan_id,
        outcome="refused",
        detail=str(refused)[:200],
    )


@get("/action-plans/{plan_id:int}/import", opt=ESTABLISHMENT)
async def import_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    return render(request, "actionplans/import.html", errors={}, row_errors=[], **page_context(plan))


@upload_post("/action-plans/{plan_id:int}/import", opt=ESTABLISHMENT)
async def import_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    row_errors: list[str] = []
    status_code = 200
    uploaded = await read_upload(request, form)
    today = today_london()
    limit_bytes = limit_mb(request) * 1024 * 1024
    if uploaded is None or not uploaded[0]:
        form.error("file", "Select the filled-in action plan spreadsheet")
    else:
        content, original = uploaded
        try:
            checked = uploads.check_upload(
                content,
                {"xlsx"},
                limit_bytes=limit_bytes,
                limit_mb=limit_mb(request),
                filename=original,
                wrong_type="The selected file must be an Excel spreadsheet (.xlsx) made from the template",
            )
        except uploads.UploadRefused as refused:
            form.error("file", str(refused))
            if len(content) > limit_bytes:
                status_code = 413
            await audit_refused_upload(request, plan_id, refused)
        else:
            recs = await queries.recommendations(plan["inspection"])
            rows, row_errors = await spreadsheets.off_loop(
                spreadsheet.parse_workbook, content, recs, today=today
            )
            if row_errors:
                form.error("file", row_errors[0])
            else:
                try:
                    await files.import_rows(
                        Actor(current(request), request),
                        plan_id,
                        rows,
                        content=content,
                        checked=checked,
                        original_name=original,
                        settings=request.app.state.settings,
                    )
                except Refused as refused:
                    show_refusal(form, refused, "file")
                else:
                    return Redirect(path=plan_url(plan_id) + "?done=imported", status_code=303)
    return render(
        request,
        "actionplans/import.html",
        errors=form.errors,
        row_errors=row_errors,
        status_code=status_code,
        **page_context(plan),
    )


ROUTES = [template_download, export_download, import_page, import_submit]
