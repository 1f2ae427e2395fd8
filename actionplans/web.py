"""Action plan pages. Every page works without JavaScript; htmx swaps a recommendation's block
in place when it is there (inline editing)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import services, spreadsheet
from actionplans.access import (
    CLEAR,
    ESTABLISHMENT,
    PUBLISH,
    QA,
    READ,
    inspection_for_request,
    plan_for_request,
    plan_reader,
)
from actionplans.services import ACTION_STATUSES, PLAN_STATUSES, RESPONSES, ActionInput, Conflict, PlanError
from actionplans.uploads import PLAN_FILE_TYPES
from tracker import audit, scanning, spreadsheets, uploads
from tracker.access import current, deny_as_not_found, establishment_scope, may_see_establishment
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.roles import Role
from tracker.templating import is_fragment_request, render

# The app-wide body limit would answer an oversize upload with a bare 413 page; the upload
# routes accept a little more so the handler can refuse it with a GOV.UK error on the form.
UPLOAD_BODY_MARGIN = 5 * 1024 * 1024


def _upload_body_limit() -> int:
    import os

    limit_mb = int(os.environ.get("UPLOAD_LIMIT_MB") or 20)
    return limit_mb * 1024 * 1024 + UPLOAD_BODY_MARGIN


XLSX_TYPE = uploads.MEDIA_TYPES["xlsx"]


def perms(principal, plan: dict) -> dict:
    status = plan["status"]
    own = principal.has(Role.ESTABLISHMENT) and may_see_establishment(principal, plan["establishment"])
    manager = principal.has(Role.HMPPS_MANAGER) and may_see_establishment(principal, plan["establishment"])
    scrutiny = principal.has(Role.HMPPS_SCRUTINY)
    return {
        "own": own,
        "edit": own and status in services.EDITABLE,
        "remove": own and status in services.SUBMITTABLE,
        "import": own and status in services.SUBMITTABLE,
        "submit": own and status in services.SUBMITTABLE,
        "upload": own and status in services.EDITABLE,
        "review": scrutiny and status == "submitted",
        "clear": manager and status == "accepted",
        "publish": (scrutiny or manager) and status == "cleared",
        "progress": own and status == "published",
    }


def _common(request: Request, plan: dict) -> dict:
    principal = current(request)
    return {
        "plan": plan,
        "inspection": plan["inspection_row"],
        "perms": perms(principal, plan),
        "PLAN_STATUSES": PLAN_STATUSES,
        "PLAN_STATUS_COLOURS": services.PLAN_STATUS_COLOURS,
        "RESPONSES": RESPONSES,
        "ACTION_STATUSES": ACTION_STATUSES,
        "today": today_london(),
    }


def _plan_url(plan_id: int, anchor: str = "") -> str:
    return f"/action-plans/{plan_id}" + (f"#{anchor}" if anchor else "")


def _item_for(detail: dict, recommendation_id: int) -> dict | None:
    return next((i for i in detail["items"] if i["rec"]["id"] == recommendation_id), None)


async def _recommendation_or_404(request: Request, plan: dict, recommendation_id: int) -> dict:
    rec = await services.recommendation_in_plan(plan, recommendation_id)
    if rec is None:
        await deny_as_not_found(request, "recommendation", recommendation_id)
    return rec


async def _action_or_404(request: Request, plan: dict, action_id: int) -> dict:
    action = await services.get_action(plan["id"], action_id)
    if action is None:
        await deny_as_not_found(request, "action", action_id)
    return action


# ---------------------------------------------------------------- lists and the plan page


@get("/action-plans", opt=READ)
async def plan_list(request: Request) -> Template:
    from timelines.tables import StoredMilestone

    principal = current(request)
    today = today_london()
    scope = establishment_scope(principal)
    query = (
        StoredMilestone.select(
            StoredMilestone.inspection,
            StoredMilestone.establishment,
            StoredMilestone.establishment.name.as_alias("establishment_name"),
            StoredMilestone.inspection.end_date.as_alias("end_date"),
            StoredMilestone.due,
            StoredMilestone.status,
            StoredMilestone.working_days,
        )
        .where(StoredMilestone.key == "action_plan", StoredMilestone.due.is_not_null())
        .order_by(StoredMilestone.due)
    )
    if scope is not None and not scope:
        rows = []
    else:
        if scope is not None:
            query = query.where(StoredMilestone.establishment.is_in(list(scope)))
        rows = await query
    plans = {p["inspection"]: p for p in await services.plans_in_scope(scope)}
    overdue = await services.overdue_actions(scope, today)
    overdue_by_plan: dict[int, int] = {}
    for action in overdue:
        overdue_by_plan[action["plan"]] = overdue_by_plan.get(action["plan"], 0) + 1
    may_read = await plan_reader(principal)
    shown = []
    for row in rows:
        inspection = {
            "id": row["inspection"],
            "establishment": row["establishment"],
            "end_date": row["end_date"],
        }
        if not may_read(inspection):
            continue
        plan = plans.get(row["inspection"])
        row["plan"] = plan
        row["overdue_actions"] = overdue_by_plan.get(plan["id"], 0) if plan else 0
        shown.append(row)
    await audit.record("actionplan.list", request=request, detail=f"rows={len(shown)}")
    return render(
        request,
        "actionplans/list.html",
        rows=shown,
        PLAN_STATUSES=PLAN_STATUSES,
        PLAN_STATUS_COLOURS=services.PLAN_STATUS_COLOURS,
    )


@get("/inspections/{inspection_id:int}/action-plan", opt=READ)
async def inspection_plan(request: Request, inspection_id: FromPath[int]) -> Response:
    inspection = await inspection_for_request(request, inspection_id)
    plan = await services.plan_for_inspection(inspection_id)
    if plan:
        return Redirect(path=_plan_url(plan["id"]))
    principal = current(request)
    return render(
        request,
        "actionplans/start.html",
        inspection=inspection,
        published_on=await services.published_on(inspection_id),
        milestone=await services.milestone(inspection_id),
        can_start=principal.has(Role.ESTABLISHMENT),
        errors={},
    )


@post("/inspections/{inspection_id:int}/action-plan", opt=ESTABLISHMENT)
async def start_plan(request: Request, inspection_id: FromPath[int]) -> Response:
    inspection = await inspection_for_request(request, inspection_id)
    try:
        plan_id = await services.create_plan(inspection_id, by=current(request).user_id)
    except PlanError as error:
        return render(
            request,
            "actionplans/start.html",
            inspection=inspection,
            published_on=await services.published_on(inspection_id),
            milestone=await services.milestone(inspection_id),
            can_start=True,
            errors={"start": str(error)},
        )
    await audit.record("actionplan.create", request=request, object_type="action_plan", object_id=plan_id)
    return Redirect(path=_plan_url(plan_id), status_code=303)


@get("/action-plans/{plan_id:int}", opt=READ)
async def plan_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    today = today_london()
    detail = await services.plan_detail(plan, today=today)
    await audit.record("actionplan.view", request=request, object_type="action_plan", object_id=plan_id)
    return render(
        request,
        "actionplans/plan.html",
        detail=detail,
        milestone=await services.milestone(plan["inspection"]),
        published_on=await services.published_on(plan["inspection"]),
        events=await services.events(plan_id),
        comment=await services.latest_comment(plan_id) if plan["status"] == "returned" else None,
        files=await services.files(plan_id),
        done=request.query_params.get("done", ""),
        EVENT_LABELS=services.EVENT_LABELS,
        **_common(request, plan),
    )


# ---------------------------------------------------------------- responses (inline editing)


def _response_form_data(response: dict | None) -> dict:
    if not response:
        return {"version": "0"}
    return {
        "response": response["response"],
        "agreed_part": response["agreed_part"],
        "reason": response["reason"],
        "version": str(response["version"]),
    }


RESPONSE_LABELS = {"agreed": "agreed", "partly_agreed": "partly agreed", "not_agreed": "not agreed"}


def _changed_meanwhile(current: dict) -> str:
    """The message when someone else answered the recommendation while this person was editing."""
    if not current:
        return "Someone else changed this response while you were editing it: check your answer, then save"
    said = RESPONSE_LABELS.get(current["response"], current["response"])
    return (
        f"Someone else changed this response while you were editing it: it now says {said}. "
        "Your answer is below: check it and save again to replace theirs"
    )


async def _render_rec_block(request: Request, plan: dict, recommendation_id: int, **extra) -> Template:
    detail = await services.plan_detail(plan, today=today_london())
    return render(
        request,
        "actionplans/_recommendation.html",
        item=_item_for(detail, recommendation_id),
        **_common(request, plan),
        **extra,
    )


@get("/action-plans/{plan_id:int}/responses/{recommendation_id:int}", opt=ESTABLISHMENT)
async def response_form(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    rec = await _recommendation_or_404(request, plan, recommendation_id)
    detail = await services.plan_detail(plan, today=today_london())
    item = _item_for(detail, recommendation_id)
    return render(
        request,
        "actionplans/response_page.html",
        fragment="actionplans/_response_form.html",
        rec=rec,
        form=_response_form_data(item["response"]),
        errors={},
        **_common(request, plan),
    )


@post("/action-plans/{plan_id:int}/responses/{recommendation_id:int}", opt=ESTABLISHMENT)
async def response_submit(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    rec = await _recommendation_or_404(request, plan, recommendation_id)
    form = await Form.from_request(request)
    response = form.choice("response", "whether the recommendation is agreed", RESPONSES)
    agreed_part = form.text("agreed_part", "which part is agreed", required=False, max_length=4000)
    reason = form.text("reason", "the reason", required=False, max_length=4000)
    version = form.integer("version", "the version", required=False, minimum=0, maximum=10**9)
    shown = dict(form.data)
    if form.ok:
        for name, message in services.response_problems(response, agreed_part, reason).items():
            form.error(name, message)
    if form.ok:
        try:
            await services.save_response(
                plan,
                recommendation_id,
                response,
                agreed_part,
                reason,
                by=current(request).user_id,
                expected_version=version,
            )
        except Conflict as conflict:
            form.error("response", _changed_meanwhile(conflict.current))
            shown["version"] = str(conflict.current.get("version", 0))  # saving again replaces theirs
        except PlanError as error:
            form.error("response", str(error))
    if not form.ok:
        return render(
            request,
            "actionplans/response_page.html",
            fragment="actionplans/_response_form.html",
            rec=rec,
            form=shown,
            errors=form.errors,
            **_common(request, plan),
        )
    await audit.record(
        "actionplan.response",
        request=request,
        object_type="action_plan",
        object_id=plan_id,
        detail=f"recommendation={recommendation_id} response={response}",
    )
    if is_fragment_request(request):
        return await _render_rec_block(request, plan, recommendation_id, saved="Response saved")
    return Redirect(path=_plan_url(plan_id, f"rec-{recommendation_id}"), status_code=303)


# ---------------------------------------------------------------- actions


def _read_action(form: Form, today, current_target=None) -> ActionInput:
    description = form.text("description", "the action", max_length=4000)
    owner = form.text("owner", "the owner (a role or team)", max_length=200)
    target = form.date("target_date", "the target date")
    status = form.choice("status", "the status of the action", ACTION_STATUSES)
    values = ActionInput(description, owner, target, status)
    if form.ok:
        problems = services.action_problems(
            description,
            owner,
            target,
            status,
            today=today,
            target_must_be_future=target != current_target,
        )
        for name, message in problems.items():
            form.error(name, message)
    return values


def _action_form_data(action: dict) -> dict:
    data = {
        "description": action["description"],
        "owner": action["owner"],
        "status": action["status"],
        "version": str(action["version"]),
    }
    data.update({f"target_date-{k}": v for k, v in date_parts(action["target_date"]).items()})
    return data


@get("/action-plans/{plan_id:int}/recommendations/{recommendation_id:int}/actions/new", opt=ESTABLISHMENT)
async def new_action_form(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    rec = await _recommendation_or_404(request, plan, recommendation_id)
    return render(
        request,
        "actionplans/action_page.html",
        fragment="actionplans/_action_form.html",
        rec=rec,
        action=None,
        form={"status": "not_started"},
        errors={},
        **_common(request, plan),
    )


@post("/action-plans/{plan_id:int}/recommendations/{recommendation_id:int}/actions/new", opt=ESTABLISHMENT)
async def new_action_submit(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    rec = await _recommendation_or_404(request, plan, recommendation_id)
    form = await Form.from_request(request)
    today = today_london()
    values = _read_action(form, today)
    action_id = None
    if form.ok:
        try:
            action_id = await services.add_action(
                plan, recommendation_id, values, by=current(request).user_id, today=today
            )
        except PlanError as error:
            form.error("description", str(error))
    if not form.ok:
        return render(
            request,
            "actionplans/action_page.html",
            fragment="actionplans/_action_form.html",
            rec=rec,
            action=None,
            form=form.data,
            errors=form.errors,
            **_common(request, plan),
        )
    await audit.record(
        "actionplan.action.create", request=request, object_type="plan_action", object_id=action_id
    )
    if is_fragment_request(request):
        return await _render_rec_block(request, plan, recommendation_id, saved="Action added")
    return Redirect(path=_plan_url(plan_id, f"rec-{recommendation_id}"), status_code=303)


@get("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def action_form(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    action = await _action_or_404(request, plan, action_id)
    rec = await _recommendation_or_404(request, plan, action["recommendation"])
    return render(
        request,
        "actionplans/action_page.html",
        fragment="actionplans/_action_form.html",
        rec=rec,
        action=action,
        form=_action_form_data(action),
        errors={},
        **_common(request, plan),
    )


@post("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def action_submit(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    action = await _action_or_404(request, plan, action_id)
    rec = await _recommendation_or_404(request, plan, action["recommendation"])
    form = await Form.from_request(request)
    today = today_london()
    values = _read_action(form, today, current_target=action["target_date"])
    version = form.integer("version", "the version", required=False, minimum=1, maximum=10**9)
    if form.ok:
        try:
            await services.update_action(
                plan, action_id, values, expected_version=version, by=current(request).user_id, today=today
            )
        except Conflict as conflict:
            await audit.record(
                "actionplan.action.conflict",
                request=request,
                object_type="plan_action",
                object_id=action_id,
                outcome="conflict",
            )
            return render(
                request,
                "actionplans/conflict.html",
                fragment="actionplans/_conflict.html",
                rec=rec,
                action=conflict.current,
                yours=values,
                status_code=200 if is_fragment_request(request) else 409,
                **_common(request, plan),
            )
        except PlanError as error:
            form.error("description", str(error))
    if not form.ok:
        return render(
            request,
            "actionplans/action_page.html",
            fragment="actionplans/_action_form.html",
            rec=rec,
            action=action,
            form=form.data,
            errors=form.errors,
            **_common(request, plan),
        )
    await audit.record(
        "actionplan.action.change", request=request, object_type="plan_action", object_id=action_id
    )
    if is_fragment_request(request):
        return await _render_rec_block(request, plan, action["recommendation"], saved="Action saved")
    return Redirect(path=_plan_url(plan_id, f"rec-{action['recommendation']}"), status_code=303)


@post("/action-plans/{plan_id:int}/actions/{action_id:int}/delete", opt=ESTABLISHMENT)
async def action_delete(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    action = await _action_or_404(request, plan, action_id)
    try:
        await services.delete_action(plan, action_id, by=current(request).user_id)
    except PlanError:
        return Redirect(path=_plan_url(plan_id), status_code=303)
    await audit.record(
        "actionplan.action.delete", request=request, object_type="plan_action", object_id=action_id
    )
    return Redirect(path=_plan_url(plan_id, f"rec-{action['recommendation']}"), status_code=303)


# ---------------------------------------------------------------- progress


async def _progress_page(request: Request, plan: dict, action: dict, form: dict, errors: dict) -> Template:
    rec = await _recommendation_or_404(request, plan, action["recommendation"])
    action["overdue"] = services.is_overdue(action, today_london())
    return render(
        request,
        "actionplans/progress.html",
        rec=rec,
        action=action,
        history=await services.progress_history(action["id"]),
        form=form,
        errors=errors,
        **_common(request, plan),
    )


@get("/action-plans/{plan_id:int}/actions/{action_id:int}/progress", opt=READ)
async def progress_page(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    action = await _action_or_404(request, plan, action_id)
    form = {"status": action["status"]}
    form.update({f"occurred_on-{k}": v for k, v in date_parts(today_london()).items()})
    return await _progress_page(request, plan, action, form, {})


@post("/action-plans/{plan_id:int}/actions/{action_id:int}/progress", opt=ESTABLISHMENT)
async def progress_submit(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    action = await _action_or_404(request, plan, action_id)
    form = await Form.from_request(request)
    today = today_london()
    on = form.date("occurred_on", "the date of the update")
    status = form.choice("status", "the status of the action", ACTION_STATUSES)
    note = form.text("note", "what has been done", max_length=4000)
    if form.ok and on > today:
        form.error("occurred_on", "The date of the update must be today or in the past")
    if form.ok:
        try:
            await services.record_progress(
                plan, action_id, on=on, status=status, note=note, by=current(request).user_id, today=today
            )
        except PlanError as error:
            form.error("status", str(error))
    if not form.ok:
        return await _progress_page(request, plan, action, dict(form.data), form.errors)
    await audit.record("actionplan.progress", request=request, object_type="plan_action", object_id=action_id)
    return Redirect(path=f"/action-plans/{plan_id}/actions/{action_id}/progress?done=1", status_code=303)


# ---------------------------------------------------------------- spreadsheet template, export, import


def _download(content: bytes, filename: str, media_type: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers=uploads.download_headers(filename),
    )


def _file_stem(plan: dict) -> str:
    inspection = plan["inspection_row"]
    return uploads.safe_filename(
        f"{inspection['establishment_name']} action plan {inspection['end_date']}", "xlsx"
    )


@get("/action-plans/{plan_id:int}/template.xlsx", opt=ESTABLISHMENT)
async def template_download(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    detail = await services.plan_detail(plan, today=today_london())
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
    detail = await services.plan_detail(plan, today=today)
    latest = {}
    for item in detail["items"]:
        for action in item["actions"]:
            history = await services.progress_history(action["id"])
            if history:
                latest[action["id"]] = history[0]
    content = spreadsheet.build_workbook(
        detail["items"], title="Action plan", export=True, today=today, progress=latest
    )
    await audit.record("actionplan.export", request=request, object_type="action_plan", object_id=plan_id)
    return _download(content, _file_stem(plan), XLSX_TYPE)


async def _read_upload(request: Request, form: Form, name: str = "file") -> tuple[bytes, str] | None:
    upload = form.data.get(name)
    if isinstance(upload, list):
        upload = upload[0] if upload else None
    if upload is None or not hasattr(upload, "read"):
        return None
    limit = request.app.state.settings.upload_limit_mb * 1024 * 1024
    content = await upload.read(limit + 1)
    return content, uploads.clean_original_name(getattr(upload, "filename", ""))


def _limit_mb(request: Request) -> int:
    return request.app.state.settings.upload_limit_mb


@get("/action-plans/{plan_id:int}/import", opt=ESTABLISHMENT)
async def import_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    return render(request, "actionplans/import.html", errors={}, row_errors=[], **_common(request, plan))


@post("/action-plans/{plan_id:int}/import", opt=ESTABLISHMENT, request_max_body_size=_upload_body_limit())
async def import_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    form = await Form.from_request(request)
    row_errors: list[str] = []
    status_code = 200
    uploaded = await _read_upload(request, form)
    today = today_london()
    if plan["status"] not in services.SUBMITTABLE:
        form.error(
            "file", "A spreadsheet can only be uploaded while the plan is a draft or has been returned"
        )
    elif uploaded is None or not uploaded[0]:
        form.error("file", "Select the filled-in action plan spreadsheet")
    else:
        content, original = uploaded
        try:
            checked = uploads.check_upload(
                content,
                {"xlsx"},
                limit_bytes=_limit_mb(request) * 1024 * 1024,
                limit_mb=_limit_mb(request),
                filename=original,
                wrong_type="The selected file must be an Excel spreadsheet (.xlsx) made from the template",
            )
        except uploads.UploadRefused as refused:
            form.error("file", str(refused))
            if len(content) > _limit_mb(request) * 1024 * 1024:
                status_code = 413
            await audit.record(
                "actionplan.upload.refused",
                request=request,
                object_type="action_plan",
                object_id=plan_id,
                outcome="refused",
                detail=str(refused)[:200],
            )
        else:
            recs = await services.recommendations(plan["inspection"])
            rows, row_errors = await spreadsheets.off_loop(
                spreadsheet.parse_workbook, content, recs, today=today
            )
            if row_errors:
                form.error("file", row_errors[0])
            else:
                stored = await services.store_file(
                    plan,
                    content=content,
                    checked=checked,
                    original_name=original,
                    purpose="import",
                    by=current(request).user_id,
                    settings=request.app.state.settings,
                )
                await services.replace_rows(plan, rows, by=current(request).user_id, file_id=stored["number"])
                await audit.record(
                    "actionplan.import",
                    request=request,
                    object_type="action_plan",
                    object_id=plan_id,
                    detail=f"responses={len(rows.responses)} actions={len(rows.actions)} "
                    f"sha256={checked.sha256}",
                )
                return Redirect(path=_plan_url(plan_id) + "?done=imported", status_code=303)
    return render(
        request,
        "actionplans/import.html",
        errors=form.errors,
        row_errors=row_errors,
        status_code=status_code,
        **_common(request, plan),
    )


# ---------------------------------------------------------------- files


async def _files_page(request: Request, plan: dict, errors: dict, status_code: int = 200, done: str = ""):
    return render(
        request,
        "actionplans/files.html",
        files=await services.files(plan["id"]),
        errors=errors,
        done=done,
        status_code=status_code,
        TYPE_LABELS=uploads.TYPE_LABELS,
        SCAN_LABELS=scanning.SCAN_LABELS,
        downloadable=lambda status: scanning.downloadable(status, request.app.state.settings),
        limit_mb=_limit_mb(request),
        **_common(request, plan),
    )


@get("/action-plans/{plan_id:int}/files", opt=READ)
async def files_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    return await _files_page(request, plan, {}, done=request.query_params.get("done", ""))


@post("/action-plans/{plan_id:int}/files", opt=ESTABLISHMENT, request_max_body_size=_upload_body_limit())
async def file_upload(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    form = await Form.from_request(request)
    uploaded = await _read_upload(request, form)
    limit_bytes = _limit_mb(request) * 1024 * 1024
    if plan["status"] not in services.EDITABLE:
        form.error("file", "Files cannot be added while the plan is with HMPPS")
        return await _files_page(request, plan, form.errors)
    if uploaded is None or not uploaded[0]:
        form.error("file", "Select the action plan file")
        return await _files_page(request, plan, form.errors)
    content, original = uploaded
    try:
        checked = uploads.check_upload(
            content, PLAN_FILE_TYPES, limit_bytes=limit_bytes, limit_mb=_limit_mb(request), filename=original
        )
    except uploads.UploadRefused as refused:
        await audit.record(
            "actionplan.upload.refused",
            request=request,
            object_type="action_plan",
            object_id=plan_id,
            outcome="refused",
            detail=str(refused)[:200],
        )
        form.error("file", str(refused))
        return await _files_page(
            request, plan, form.errors, status_code=413 if len(content) > limit_bytes else 200
        )
    stored = await services.store_file(
        plan,
        content=content,
        checked=checked,
        original_name=original,
        purpose="plan",
        by=current(request).user_id,
        settings=request.app.state.settings,
    )
    await audit.record(
        "actionplan.file.upload",
        request=request,
        object_type="action_plan_file",
        object_id=stored["id"],
        detail=f"type={checked.file_type} size={checked.size} sha256={checked.sha256} "
        f"{scanning.ScanResult(stored['scan_status'], stored['signature']).audit_detail()}",
    )
    if stored["scan_status"] == scanning.INFECTED:
        form.error("file", scanning.ScanResult(stored["scan_status"], stored["signature"]).message)
        return await _files_page(request, plan, form.errors)
    return Redirect(path=f"/action-plans/{plan_id}/files?done=uploaded", status_code=303)


@get("/action-plans/{plan_id:int}/files/{file_id:int}", opt=READ)
async def file_download(request: Request, plan_id: FromPath[int], file_id: FromPath[int]) -> Response:
    await plan_for_request(request, plan_id)
    row = await services.file_content(plan_id, file_id)
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


# ---------------------------------------------------------------- workflow


@get("/action-plans/{plan_id:int}/submit", opt=ESTABLISHMENT)
async def submit_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    detail = await services.plan_detail(plan, today=today_london())
    return render(
        request,
        "actionplans/submit.html",
        detail=detail,
        errors={},
        milestone=await services.milestone(plan["inspection"]),
        **_common(request, plan),
    )


@post("/action-plans/{plan_id:int}/submit", opt=ESTABLISHMENT)
async def submit_plan(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    today = today_london()
    try:
        await services.submit(plan, by=current(request).user_id, today=today)
    except PlanError as error:
        detail = await services.plan_detail(plan, today=today)
        return render(
            request,
            "actionplans/submit.html",
            detail=detail,
            errors={"submit": str(error)},
            milestone=await services.milestone(plan["inspection"]),
            **_common(request, plan),
        )
    await audit.record("actionplan.submit", request=request, object_type="action_plan", object_id=plan_id)
    return Redirect(path=f"/action-plans/{plan_id}/confirmation?done=submitted", status_code=303)


@get("/action-plans/{plan_id:int}/review", opt=QA)
async def review_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    detail = await services.plan_detail(plan, today=today_london())
    return render(
        request, "actionplans/review.html", detail=detail, form={}, errors={}, **_common(request, plan)
    )


@post("/action-plans/{plan_id:int}/review", opt=QA)
async def review_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    form = await Form.from_request(request)
    decision = form.choice("decision", "whether to accept the action plan or return it", ["accept", "return"])
    comment = form.text("comment", "your comments for the establishment", required=decision == "return")
    if form.ok:
        try:
            await services.review(plan, decision, comment, by=current(request).user_id)
        except PlanError as error:
            form.error("decision", str(error))
    if not form.ok:
        detail = await services.plan_detail(plan, today=today_london())
        return render(
            request,
            "actionplans/review.html",
            detail=detail,
            form=form.data,
            errors=form.errors,
            **_common(request, plan),
        )
    done = "returned" if decision == "return" else "accepted"
    await audit.record(f"actionplan.{done}", request=request, object_type="action_plan", object_id=plan_id)
    return Redirect(path=f"/action-plans/{plan_id}/confirmation?done={done}", status_code=303)


@get("/action-plans/{plan_id:int}/clear", opt=CLEAR)
async def clear_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    detail = await services.plan_detail(plan, today=today_london())
    return render(
        request, "actionplans/clear.html", detail=detail, form={}, errors={}, **_common(request, plan)
    )


@post("/action-plans/{plan_id:int}/clear", opt=CLEAR)
async def clear_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    form = await Form.from_request(request)
    comment = form.text("comment", "a comment", required=False)
    if form.ok:
        try:
            await services.clear(plan, by=current(request).user_id, comment=comment)
        except PlanError as error:
            form.error("comment", str(error))
    if not form.ok:
        detail = await services.plan_detail(plan, today=today_london())
        return render(
            request,
            "actionplans/clear.html",
            detail=detail,
            form=form.data,
            errors=form.errors,
            **_common(request, plan),
        )
    await audit.record("actionplan.cleared", request=request, object_type="action_plan", object_id=plan_id)
    return Redirect(path=f"/action-plans/{plan_id}/confirmation?done=cleared", status_code=303)


@get("/action-plans/{plan_id:int}/publish", opt=PUBLISH)
async def publish_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id, act=True)
    form = {f"published_on-{k}": v for k, v in date_parts(today_london()).items()}
    return render(request, "actionplans/publish.html", form=form, errors={}, **_common(request, plan))


@post("/action-plans/{plan_id:int}/publish", opt=PUBLISH)
async def publish_submit(request: Request, plan_id: FromPath[int]) -> Response:
    from tracker.templating import safe_href

    plan = await plan_for_request(request, plan_id, act=True)
    form = await Form.from_request(request)
    url = form.text("url", "the link to the published action plan", max_length=500)
    on = form.date("published_on", "the date it was published")
    if url and not (url.startswith("https://") and safe_href(url)):
        form.error("url", "Enter a link that starts with https://")
    if on and on > today_london():
        form.error("published_on", "The date it was published must be today or in the past")
    if form.ok:
        try:
            await services.publish(plan, url=url, on=on, by=current(request).user_id)
        except PlanError as error:
            form.error("url", str(error))
    if not form.ok:
        return render(
            request, "actionplans/publish.html", form=form.data, errors=form.errors, **_common(request, plan)
        )
    await audit.record("actionplan.published", request=request, object_type="action_plan", object_id=plan_id)
    return Redirect(path=f"/action-plans/{plan_id}/confirmation?done=published", status_code=303)


CONFIRMATIONS = {
    "submitted": "Action plan submitted",
    "returned": "Action plan returned to the establishment",
    "accepted": "Action plan accepted",
    "cleared": "Action plan cleared",
    "published": "Action plan published",
}


@get("/action-plans/{plan_id:int}/confirmation", opt=READ)
async def confirmation(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    done = request.query_params.get("done", "")
    if done not in CONFIRMATIONS:
        done = ""
    return render(
        request,
        "actionplans/confirmation.html",
        done=done,
        title=CONFIRMATIONS.get(done, "Action plan"),
        milestone=await services.milestone(plan["inspection"]),
        **_common(request, plan),
    )


ROUTES = [
    plan_list,
    inspection_plan,
    start_plan,
    plan_page,
    response_form,
    response_submit,
    new_action_form,
    new_action_submit,
    action_form,
    action_submit,
    action_delete,
    progress_page,
    progress_submit,
    template_download,
    export_download,
    import_page,
    import_submit,
    files_page,
    file_upload,
    file_download,
    submit_page,
    submit_plan,
    review_page,
    review_submit,
    clear_page,
    clear_submit,
    publish_page,
    publish_submit,
    confirmation,
]
