"""HTTP handlers of the factcheck domain: pages (ROUTES) and the JSON API (API_ROUTES).

Every page that takes an inspection id loads it through factcheck.permissions.load, which
applies the row rules (404 for what is not yours to see, 403 for what is not yours to do).
"""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from factcheck import services
from factcheck.permissions import (
    HMIP,
    HMIP_EDITORS,
    LETTER_WRITERS,
    PROPOSE,
    PROPOSERS,
    QUEUE,
    READERS,
    RESPOND_LETTER,
    SCRUTINY,
    SCRUTINY_ONLY,
    TEAM,
    VIEW,
    Access,
    load,
)
from factcheck.points import (
    CATEGORIES,
    DECISIONS,
    FIELDS,
    ImportProblem,
    parse_points,
    sentence,
    summary_csv,
    summary_xlsx,
    template_xlsx,
)
from inspections.sections import INSPECTION_SECTIONS
from tracker import audit, scanning, uploads
from tracker.access import allow, current, deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.navigation import NavItem, register
from tracker.roles import Role
from tracker.templating import govuk_date, plural, render, safe_href
from tracker.web.home import HOME_PANELS

register(NavItem("Fact checks", "/factcheck", frozenset({Role.HMPPS_SCRUTINY, Role.HMIP_MANAGER}), order=30))

KIND_LABELS = {
    "full": "Full inspection",
    "irp": "Independent Review of Progress",
    "thematic": "Thematic review",
}
DUE_WINDOWS = {
    "today": (0, "Due by today"),
    "3": (3, "Due within 3 working days"),
    "10": (10, "Due within 10 working days"),
}


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def inspection_name(row: dict) -> str:
    kind = KIND_LABELS.get(row["kind"], row["kind"])
    title = f": {row['title']}" if row.get("title") else ""
    return f"{row['establishment_name']} — {kind}{title} (ended {govuk_date(row['end_date'])})"


def _date_from_iso(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _page(
    request: Request,
    template: str,
    access: Access,
    *,
    fragment: str | None = None,
    status_code=200,
    **context,
):
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render(
        request,
        template,
        fragment=fragment,
        status_code=status_code,
        inspection=access.inspection,
        inspection_label=inspection_name(access.inspection),
        access=access,
        **context,
    )


XLSX_TYPE = uploads.MEDIA_TYPES["xlsx"]
DRAFT_LIMIT_MB = 20
IMAGE_LIMIT_MB = 10
IMPORT_LIMIT_MB = 5
IMAGE_WRONG_TYPE = "The selected image must be a PNG or JPEG"


async def _upload(request: Request, form: Form, name: str, cap_mb: int) -> tuple[str, bytes, int] | None:
    """(original name as metadata, content read at most one byte over the limit, limit in MB)."""
    limit_mb = uploads.limit_mb_for(request, cap_mb)
    received = await uploads.read_upload(form.data.get(name), uploads.limit_bytes_for(limit_mb))
    if received is None:
        return None
    content, original = received
    return original, content, limit_mb


def _type_of(media_type: str, allowed) -> str | None:
    return next((kind for kind in allowed if uploads.MEDIA_TYPES[kind] == media_type), None)


def _version(form: Form) -> int | None:
    """The version of the record the form was loaded with (K5: a second writer gets a conflict)."""
    value = form.raw("version")
    return int(value) if value.isdigit() else None


def return_summary(row: dict) -> list[tuple[str, str]]:
    content = {"yes": "Yes", "no": "No"}.get(row.get("content_to_publish") or "", "")
    return [
        ("Date returned", govuk_date(row.get("returned_on")) if row.get("returned_on") else ""),
        ("Content to publish on the indicative date", content),
        ("Why not content", row.get("not_content_reason") or ""),
    ]


def data_response_summary(row: dict) -> list[tuple[str, str]]:
    response = {"consent": "Consent", "objection": "Objection"}.get(row["response"], "")
    return [
        ("Data", row["description"]),
        ("HMPPS's response", response),
        ("Consent reference", row["consent_reference"]),
        ("Reason for the objection", row["objection_reason"]),
    ]


def photo_summary(row: dict) -> list[tuple[str, str]]:
    response = {"no_objection": "No objection", "objection": "Objection"}.get(row["response"], "")
    return [
        ("Photograph", row["caption"]),
        ("HMPPS's view", response),
        ("Reason for the objection", row["objection_reason"]),
    ]


def _conflict(request: Request, access: Access, what: str, current_row: dict, summary, again: str):
    """The GOV.UK conflict page: nothing saved, what is recorded now, a way to start again."""
    return _page(
        request,
        "factcheck/conflict.html",
        access,
        status_code=409,
        what=what,
        current=summary(current_row),
        again_href=again,
    )


# -- the Scrutiny Team's queue ---------------------------------------------------------------------


async def _queue_filters(request: Request) -> dict:
    q = request.query_params
    establishment = q.get("establishment") or ""
    kind = q.get("kind") or ""
    due = q.get("due") or ""
    return {
        "establishment": establishment if establishment.isdigit() else "",
        "kind": kind if kind in KIND_LABELS else "",
        "due": due if due in DUE_WINDOWS else "",
    }


def _query_string(filters: dict, **change) -> str:
    from urllib.parse import urlencode

    values = {**filters, **change}
    return urlencode({k: v for k, v in values.items() if v})


@get("/factcheck", opt=QUEUE)
async def queue(request: Request) -> Template:
    from inspections.tables import Establishment

    today = today_london()
    filters = await _queue_filters(request)
    rows = await services.fact_checks_under_way(
        today,
        establishment=int(filters["establishment"]) if filters["establishment"] else None,
        kind=filters["kind"],
        within=DUE_WINDOWS[filters["due"]][0] if filters["due"] else None,
    )
    establishments = await Establishment.select(Establishment.id, Establishment.name).order_by(
        Establishment.name
    )
    return render(
        request,
        "factcheck/queue.html",
        fragment="factcheck/_queue_results.html",
        rows=rows,
        filters=filters,
        establishments=[(str(e["id"]), e["name"]) for e in establishments],
        kinds=list(KIND_LABELS.items()),
        kind_labels=KIND_LABELS,
        due_windows=[(k, label) for k, (_n, label) in DUE_WINDOWS.items()],
        query_string=_query_string,
        today=today,
    )


@get("/factcheck/points-template.xlsx", opt=allow(Role.HMPPS_SCRUTINY))
async def points_template(request: Request) -> Response:
    return Response(
        content=template_xlsx(),
        media_type=XLSX_TYPE,
        headers=uploads.download_headers("accuracy-points.xlsx"),
    )


# -- the inspection's fact check -----------------------------------------------------------------


async def overview_context(access: Access, today: date) -> dict:
    iid = access.id
    events = await services.events_for(iid)
    stones = await services.milestones(access.inspection, today, events)
    known = services.facts(events)
    deadline = services.fact_check_deadline(access.inspection, stones)
    points = await services.points_for(iid)
    if access.is_establishment:
        points = [p for p in points if p["origin"] == "establishment"]
    details = await services.return_row(iid)
    data = await services.data_items(iid) if access.may(TEAM) else []
    photos = await services.photographs(iid) if access.may(TEAM) else []
    included = [p for p in points if p["state"] == "included"]
    return {
        "events": events,
        "stones": stones,
        "known": known,
        "deadline": deadline,
        "response_stone": stones.get(services.RESPONSE_KEY.get(access.inspection["kind"], "")),
        "aim_stone": stones.get(services.PUBLICATION_AIM_KEY[access.inspection["kind"]]),
        "draft": access.draft,
        "draft_file": await services.current_draft_file(iid),
        "details": details,
        "submitted": bool(details and details["submitted_at"]) or "factcheck_returned" in known,
        "returned_on": (details or {}).get("returned_on")
        if details and details["submitted_at"]
        else known.get("factcheck_returned"),
        "points": points,
        "included": included,
        "proposals": [p for p in points if p["state"] == "proposed"],
        "dropped": [p for p in points if p["state"] == "dropped"],
        "unanswered": [p for p in included if not p["decision"]],
        "response_sent": services.standing(events, "hmip_response_sent"),
        "may_proceed": services.deadline_passed_without_return(access.inspection, stones, today),
        "proceeded": services.standing(events, services.PROCEEDED_EVENT),
        "published": services.standing(events, "published"),
        "data": [(d, services.data_status(d, deadline, today)) for d in data],
        "photos": [(p, services.photo_status(p)) for p in photos],
        "categories": CATEGORIES,
        "decisions": DECISIONS,
        "sources": services.DATA_SOURCES,
        "identity_checks": services.IDENTITY_CHECKS,
        "kind_labels": KIND_LABELS,
        "today": today,
        "letter": services.standing(events, services.IRP_LETTER_EVENT),
        "emerging": services.standing(events, services.EMERGING_FINDINGS_EVENT),
    }


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
    "letter": "HMPPS's response letter recorded",
    "emerging": "Emerging findings discussion recorded",
}


@get("/inspections/{inspection_id:int}/factcheck", opt=READERS)
async def overview(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, VIEW)
    context = await overview_context(access, today_london())
    done = request.query_params.get("done") or ""
    return _page(request, "factcheck/overview.html", access, done=DONE_MESSAGES.get(done, ""), **context)


# -- the draft and its covering letter -----------------------------------------------------------


@get("/inspections/{inspection_id:int}/draft", opt=HMIP_EDITORS)
async def draft_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    form: dict = {}
    if access.draft:
        form |= {f"sent-{k}": v for k, v in date_parts(access.draft["sent_on"]).items()}
        form |= {f"indicative-{k}": v for k, v in date_parts(access.draft["indicative_publication"]).items()}
    form |= {k: v for k, v in request.query_params.items() if k.startswith(("sent-", "indicative-"))}
    return _page(request, "factcheck/draft_form.html", access, form=form)


async def _read_draft_form(request: Request, access: Access) -> tuple[Form, date | None, date | None]:
    form = await Form.from_request(request)
    sent = form.date("sent", "the date the draft was sent")
    indicative = form.date("indicative", "the indicative publication date", required=False)
    if sent and form.ok:
        today = today_london()
        calendar = await services.current_calendar()
        if sent > today:
            form.error("sent", "The date the draft was sent must be today or in the past")
        elif sent < access.inspection["end_date"]:
            form.error(
                "sent", "The date the draft was sent must be on or after the last day of the inspection"
            )
        else:
            try:
                indicative = services.check_indicative(access.inspection, sent, indicative, calendar)
            except services.ServiceError as error:
                form.error(error.field, str(error))
    return form, sent, indicative


@post("/inspections/{inspection_id:int}/draft", opt=HMIP_EDITORS)
async def draft_submit(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    form, sent, indicative = await _read_draft_form(request, access)
    if not form.ok:
        return _page(request, "factcheck/draft_form.html", access, form=form.data, errors=form.errors)
    given = bool(form.raw("indicative-day") or form.raw("indicative-month") or form.raw("indicative-year"))
    window = services.indicative_window(access.inspection, sent, await services.current_calendar())
    change = _query_string({}, **{f"sent-{k}": v for k, v in date_parts(sent).items()})
    if given and indicative:
        change += "&" + _query_string({}, **{f"indicative-{k}": v for k, v in date_parts(indicative).items()})
    return _page(
        request,
        "factcheck/draft_check.html",
        access,
        sent=sent,
        indicative=indicative,
        proposed=not given,
        window=window,
        change_query=change,
    )


@post("/inspections/{inspection_id:int}/draft/confirm", opt=HMIP_EDITORS)
async def draft_confirm(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    sent = _date_from_iso(form.raw("sent_on"))
    indicative = _date_from_iso(form.raw("indicative_publication"))
    if sent is None:
        return _see_other(f"/inspections/{inspection_id}/draft")
    try:
        await services.record_draft(
            access.inspection, sent, indicative, by=current(request).user_id, today=today_london()
        )
    except services.ServiceError as error:
        data = {f"sent-{k}": v for k, v in date_parts(sent).items()}
        data |= {f"indicative-{k}": v for k, v in date_parts(indicative).items()}
        return _page(
            request,
            "factcheck/draft_form.html",
            access,
            form=data,
            errors={error.field or "sent": str(error)},
        )
    await audit.record(
        "factcheck.draft_sent",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"sent_on={sent.isoformat()} indicative={indicative.isoformat() if indicative else ''}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=draft")


@get("/inspections/{inspection_id:int}/draft/upload", opt=HMIP_EDITORS)
async def draft_upload_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    return _page(request, "factcheck/draft_upload.html", access)


@post("/inspections/{inspection_id:int}/draft/upload", opt=HMIP_EDITORS)
async def draft_upload(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    upload = await _upload(request, form, "file", DRAFT_LIMIT_MB)
    errors = {}
    status_code = 200
    if access.draft is None:
        errors["file"] = "Record the draft as sent before uploading its file"
    elif upload is None or not upload[1]:
        errors["file"] = "Select the draft report"
    else:
        original, content, limit_mb = upload
        try:
            checked = uploads.check_upload(
                content,
                uploads.DOCUMENTS,
                limit_bytes=uploads.limit_bytes_for(limit_mb),
                limit_mb=limit_mb,
                filename=original,
            )
        except uploads.UploadRefused as refused:
            errors["file"] = str(refused)
            status_code = refused.status_code
        else:
            result = await scanning.scan(content, request.app.state.settings)
            if result.status == scanning.INFECTED:
                errors["file"] = scanning.INFECTED_MESSAGE
                await audit.record(
                    "factcheck.draft_upload",
                    request=request,
                    object_type="inspection",
                    object_id=inspection_id,
                    outcome="refused",
                    detail=result.audit_detail(),
                )
    if errors:
        return _page(request, "factcheck/draft_upload.html", access, errors=errors, status_code=status_code)
    file_id = await services.store_draft_file(
        inspection_id,
        original or f"draft-report.{checked.extension}",
        checked.media_type,
        content,
        by=current(request).user_id,
        scan_status=result.status,
    )
    await audit.record(
        "factcheck.draft_upload",
        request=request,
        object_type="draft_file",
        object_id=file_id,
        detail=f"inspection={inspection_id} type={checked.file_type} size={checked.size} "
        f"sha256={checked.sha256} {result.audit_detail()}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=file")


@get("/inspections/{inspection_id:int}/draft/file", opt=READERS)
async def draft_download(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, VIEW)
    stored = await services.current_draft_file(inspection_id, with_content=True)
    if stored is None:
        raise NotFoundException("Page not found")
    file_type = _type_of(stored["content_type"], uploads.DOCUMENTS)
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
    access = await load(request, inspection_id, SCRUTINY)
    return _page(request, "factcheck/share.html", access)


@post("/inspections/{inspection_id:int}/draft/share", opt=SCRUTINY_ONLY)
async def share(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    if access.draft is None:
        return _page(
            request,
            "factcheck/share.html",
            access,
            errors={"share": "The draft has not been recorded as sent yet"},
        )
    await services.share_draft(inspection_id, by=current(request).user_id)
    await audit.record(
        "factcheck.draft_shared",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"establishment={access.inspection['establishment']}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=shared")


# -- accuracy points -----------------------------------------------------------------------------


async def _points_page(
    request: Request, access: Access, *, form=None, errors=None, added=None, imported=None, status_code=200
):
    context = await overview_context(access, today_london())
    return _page(
        request,
        "factcheck/points.html",
        access,
        fragment="factcheck/_points_section.html",
        form=form or {},
        errors=errors or {},
        added=added,
        imported=imported,
        status_code=status_code,
        **context,
    )


@get("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def points_page(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, PROPOSE)
    added = request.query_params.get("added") or ""
    imported = request.query_params.get("imported") or ""
    return await _points_page(
        request,
        access,
        added=int(added) if added.isdigit() else None,
        imported=int(imported) if imported.isdigit() else None,
    )


@post("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def add_point(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, PROPOSE)
    form = await Form.from_request(request)
    values = {f: form.raw(f) for f in FIELDS}
    try:
        point, errors = await services.add_point(
            inspection_id, values, by=current(request).user_id, proposal=access.is_establishment
        )
    except services.ServiceError as error:
        point, errors = None, {"location": str(error)}
    if errors:
        messages = {k: sentence(v) for k, v in errors.items()}
        return await _points_page(request, access, form=form.data, errors=messages)
    await audit.record(
        "factcheck.point_added",
        request=request,
        object_type="accuracy_point",
        object_id=point["id"],
        detail=f"inspection={inspection_id} origin={point['origin']}",
    )
    if request.headers.get("hx-request") == "true":
        return await _points_page(request, access, added=point["number"])
    return _see_other(f"/inspections/{inspection_id}/factcheck/points?added={point['number']}#points")


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/state", opt=SCRUTINY_ONLY)
async def point_state(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    if await services.point_row(inspection_id, point_id) is None:
        await deny_as_not_found(request, "accuracy_point", point_id)
    form = await Form.from_request(request)
    action = form.raw("action")
    state = {"include": "included", "drop": "dropped", "remove": "removed"}.get(action)
    try:
        if state is None:
            raise services.ServiceError("Choose what to do with the point")
        await services.set_point_state(inspection_id, point_id, state)
    except services.ServiceError as error:
        return await _points_page(request, access, errors={"points": str(error)})
    await audit.record(
        f"factcheck.point_{action}",
        request=request,
        object_type="accuracy_point",
        object_id=point_id,
        detail=f"inspection={inspection_id}",
    )
    if request.headers.get("hx-request") == "true":
        return await _points_page(request, access)
    return _see_other(f"/inspections/{inspection_id}/factcheck/points#points")


@get("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, SCRUTINY)
    return _page(request, "factcheck/import.html", access, row_errors=[])


@post("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_points(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    form = await Form.from_request(request)
    upload = await _upload(request, form, "file", IMPORT_LIMIT_MB)
    if upload is None or not upload[1]:
        return _page(
            request,
            "factcheck/import.html",
            access,
            errors={"file": "Select a spreadsheet of accuracy points"},
            row_errors=[],
        )
    try:
        points, row_errors = parse_points(upload[1], filename=upload[0], limit_mb=upload[2])
    except ImportProblem as error:
        return _page(request, "factcheck/import.html", access, errors={"file": str(error)}, row_errors=[])
    if row_errors:
        await audit.record(
            "factcheck.import_refused",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            outcome="refused",
            detail=f"bad_rows={len(row_errors)}",
        )
        return _page(
            request,
            "factcheck/import.html",
            access,
            errors={"file": f"The file has {plural(len(row_errors), 'problem')}: nothing has been added"},
            row_errors=row_errors,
        )
    try:
        count = await services.import_points(inspection_id, points, by=current(request).user_id)
    except services.ServiceError as error:
        return _page(request, "factcheck/import.html", access, errors={"file": str(error)}, row_errors=[])
    await audit.record(
        "factcheck.points_imported",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"points={count}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck/points?imported={count}#points")


# -- the return: details, check your answers, submit ---------------------------------------------


@get("/inspections/{inspection_id:int}/factcheck/details", opt=SCRUTINY_ONLY)
async def details_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, SCRUTINY)
    details = await services.return_row(inspection_id)
    form = {"version": str(details["version"]) if details else "0"}
    if details:
        form |= {f"returned-{k}": v for k, v in date_parts(details["returned_on"]).items()}
        form |= {
            "content": details["content_to_publish"],
            "not_content_reason": details["not_content_reason"],
        }
    return _page(request, "factcheck/details.html", access, form=form)


@post("/inspections/{inspection_id:int}/factcheck/details", opt=SCRUTINY_ONLY)
async def details_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    form = await Form.from_request(request)
    returned = form.date("returned", "the date the fact check was returned")
    content = form.choice(
        "content", "whether HMPPS is content to publish on the indicative date", ("yes", "no")
    )
    reason = form.text(
        "not_content_reason",
        "why HMPPS is not content to publish on the indicative date",
        required=content == "no",
    )
    if form.ok:
        try:
            await services.save_return_details(
                inspection_id, returned, content, reason, today=today_london(), version=_version(form)
            )
        except services.Conflict as conflict:
            return _conflict(
                request, access, "the return", conflict.current, return_summary, request.url.path
            )
        except services.ServiceError as error:
            form.error(error.field or "returned", str(error))
    if not form.ok:
        return _page(request, "factcheck/details.html", access, form=form.data, errors=form.errors)
    return _see_other(f"/inspections/{inspection_id}/factcheck/check")


@get("/inspections/{inspection_id:int}/factcheck/check", opt=SCRUTINY_ONLY)
async def check_answers(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, SCRUTINY)
    context = await overview_context(access, today_london())
    problems = services.return_problems(context["details"], context["points"])
    return _page(request, "factcheck/check.html", access, problems=problems, **context)


@post("/inspections/{inspection_id:int}/factcheck/submit", opt=SCRUTINY_ONLY)
async def submit_return(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    try:
        await services.submit_return(inspection_id, by=current(request).user_id, today=today_london())
    except services.ServiceError as error:
        context = await overview_context(access, today_london())
        problems = services.return_problems(context["details"], context["points"]) or [("submit", str(error))]
        return _page(
            request, "factcheck/check.html", access, problems=problems, errors=dict(problems), **context
        )
    await audit.record(
        "factcheck.returned", request=request, object_type="inspection", object_id=inspection_id
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck/returned")


@get("/inspections/{inspection_id:int}/factcheck/returned", opt=SCRUTINY_ONLY)
async def returned(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    context = await overview_context(access, today_london())
    if not context["submitted"]:
        return _see_other(f"/inspections/{inspection_id}/factcheck/check")
    return _page(request, "factcheck/returned.html", access, **context)


# -- HMIP's answers --------------------------------------------------------------------------------


async def _point_or_404(request: Request, inspection_id: int, point_id: int) -> dict:
    point = await services.point_row(inspection_id, point_id)
    if point is None or point["state"] != "included":
        await deny_as_not_found(request, "accuracy_point", point_id)
    return point


@get("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def answer_form(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    point = await _point_or_404(request, inspection_id, point_id)
    form = {
        "decision": point["decision"],
        "matter_of_judgement": "yes" if point["matter_of_judgement"] else "",
        "reason": point["reason"],
        "version": str(point["version"]),
    }
    return _page(request, "factcheck/answer.html", access, point=point, form=form, categories=CATEGORIES)


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def answer_submit(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    point = await _point_or_404(request, inspection_id, point_id)
    form = await Form.from_request(request)
    decision = form.raw("decision")
    judgement = form.boolean("matter_of_judgement")
    reason = form.raw("reason")
    version = int(form.raw("version")) if form.raw("version").isdigit() else point["version"]
    for name, message in services.validate_answer(decision, judgement, reason).items():
        form.error(name, message)
    if form.ok:
        try:
            await services.answer_point(
                inspection_id, point_id, version, decision, judgement, reason, by=current(request).user_id
            )
        except services.Conflict as conflict:
            return _page(
                request,
                "factcheck/answer_conflict.html",
                access,
                status_code=409,
                point=conflict.current,
                mine={"decision": decision, "reason": reason, "matter_of_judgement": judgement},
                categories=CATEGORIES,
            )
        except services.ServiceError as error:
            form.error("decision", str(error))
    if not form.ok:
        return _page(
            request,
            "factcheck/answer.html",
            access,
            point=point,
            form=form.data,
            errors=form.errors,
            categories=CATEGORIES,
        )
    await audit.record(
        "factcheck.point_answered",
        request=request,
        object_type="accuracy_point",
        object_id=point_id,
        detail=f"inspection={inspection_id} decision={decision}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=answer#points")


@get("/inspections/{inspection_id:int}/factcheck/response", opt=HMIP_EDITORS)
async def response_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    return _page(request, "factcheck/date_form.html", access, **_response_form_context(inspection_id))


def _response_form_context(inspection_id: int) -> dict:
    return {
        "heading": "Record HMIP's response as sent",
        "caption": "Response to the accuracy points (MoU ¶33)",
        "action": f"/inspections/{inspection_id}/factcheck/response",
        "field": "sent",
        "legend": "Date HMIP's response was sent to the Scrutiny Team",
        "note_label": None,
        "button": "Record response sent",
    }


@post("/inspections/{inspection_id:int}/factcheck/response", opt=HMIP_EDITORS)
async def response_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    sent = form.date("sent", "the date HMIP's response was sent")
    if form.ok:
        try:
            await services.record_response_sent(
                inspection_id, sent, by=current(request).user_id, today=today_london()
            )
        except services.ServiceError as error:
            form.error("sent", str(error))
    if not form.ok:
        return _page(
            request,
            "factcheck/date_form.html",
            access,
            form=form.data,
            errors=form.errors,
            **_response_form_context(inspection_id),
        )
    await audit.record(
        "factcheck.hmip_response_sent", request=request, object_type="inspection", object_id=inspection_id
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=response")


async def _summary_points(request: Request, inspection_id: int, fmt: str) -> list[dict]:
    await load(request, inspection_id, TEAM)
    points = await services.points_for(inspection_id, ("included",))
    await audit.record(
        "factcheck.summary_download",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"format={fmt} points={len(points)}",
    )
    return points


@get("/inspections/{inspection_id:int}/factcheck/summary.csv", opt=READERS)
async def summary_download_csv(request: Request, inspection_id: FromPath[int]) -> Response:
    points = await _summary_points(request, inspection_id, "csv")
    return Response(
        content=summary_csv(points),
        media_type="text/csv; charset=utf-8",
        headers=uploads.download_headers(f"hmip-decisions-inspection-{inspection_id}.csv"),
    )


@get("/inspections/{inspection_id:int}/factcheck/summary.xlsx", opt=READERS)
async def summary_download_xlsx(request: Request, inspection_id: FromPath[int]) -> Response:
    points = await _summary_points(request, inspection_id, "xlsx")
    return Response(
        content=summary_xlsx(points, f"HMIP decisions, inspection {inspection_id}"),
        media_type=XLSX_TYPE,
        headers=uploads.download_headers(f"hmip-decisions-inspection-{inspection_id}.xlsx"),
    )


@post("/inspections/{inspection_id:int}/factcheck/proceed", opt=HMIP_EDITORS)
async def proceed(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    try:
        await services.record_proceeded(access.inspection, by=current(request).user_id, today=today_london())
    except services.ServiceError as error:
        context = await overview_context(access, today_london())
        return _page(
            request, "factcheck/overview.html", access, errors={"proceed": str(error)}, done="", **context
        )
    await audit.record(
        "factcheck.proceeded_without_return",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=proceeded")


# -- unpublished data (MoU ¶18, Annex B ¶4) -------------------------------------------------------


@get("/inspections/{inspection_id:int}/data/new", opt=HMIP_EDITORS)
async def data_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    return _page(request, "factcheck/data_new.html", access, sources=services.DATA_SOURCES)


@post("/inspections/{inspection_id:int}/data/new", opt=HMIP_EDITORS)
async def data_create(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    _clean, errors = services.validate_data_item(form.data)
    for name, message in errors.items():
        form.error(name, message)
    notified = form.date("notified", "the date HMPPS was notified", required=False)
    if form.ok:
        try:
            item = await services.add_data_item(
                inspection_id,
                {k: form.raw(k) for k in ("description", "source", "report_section")},
                notified,
                by=current(request).user_id,
                today=today_london(),
            )
        except services.ServiceError as error:
            form.error(error.field or "description", str(error))
    if not form.ok:
        return _page(
            request,
            "factcheck/data_new.html",
            access,
            form=form.data,
            errors=form.errors,
            sources=services.DATA_SOURCES,
        )
    await audit.record(
        "factcheck.data_item_added",
        request=request,
        object_type="data_item",
        object_id=item["id"],
        detail=f"inspection={inspection_id}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=data#data")


async def _item_or_404(request: Request, inspection_id: int, item_id: int) -> dict:
    item = await services.data_item(inspection_id, item_id)
    if item is None:
        await deny_as_not_found(request, "data_item", item_id)
    return item


@get("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def data_response_form(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    access = await load(request, inspection_id, SCRUTINY)
    item = await _item_or_404(request, inspection_id, item_id)
    form = {
        "response": item["response"],
        "objection_reason": item["objection_reason"],
        "consent_reference": item["consent_reference"],
        "version": str(item["version"]),
    }
    form |= {f"responded-{k}": v for k, v in date_parts(item["responded_on"] or today_london()).items()}
    return _page(
        request, "factcheck/data_response.html", access, item=item, form=form, sources=services.DATA_SOURCES
    )


@post("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def data_response(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    item = await _item_or_404(request, inspection_id, item_id)
    form = await Form.from_request(request)
    response = form.raw("response")
    reason = form.raw("objection_reason")
    reference = form.raw("consent_reference")
    for name, message in services.validate_data_response(item["source"], response, reason, reference).items():
        form.error(name, message)
    responded = form.date("responded", "the date of HMPPS's response")
    if form.ok:
        try:
            await services.respond_to_data_item(
                inspection_id,
                item_id,
                response,
                reason,
                reference,
                responded,
                by=current(request).user_id,
                today=today_london(),
                version=_version(form),
            )
        except services.Conflict as conflict:
            return _conflict(
                request, access, "HMPPS's response", conflict.current, data_response_summary, request.url.path
            )
        except services.ServiceError as error:
            form.error(error.field or "response", str(error))
    if not form.ok:
        return _page(
            request,
            "factcheck/data_response.html",
            access,
            item=item,
            form=form.data,
            errors=form.errors,
            sources=services.DATA_SOURCES,
        )
    await audit.record(
        "factcheck.data_response",
        request=request,
        object_type="data_item",
        object_id=item_id,
        detail=f"inspection={inspection_id} response={response}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=data_response#data")


@post("/inspections/{inspection_id:int}/data/{item_id:int}/proceed", opt=HMIP_EDITORS)
async def data_proceed(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    await _item_or_404(request, inspection_id, item_id)
    try:
        await services.proceed_with_data_item(
            access.inspection, item_id, by=current(request).user_id, today=today_london()
        )
    except services.ServiceError as error:
        context = await overview_context(access, today_london())
        return _page(
            request, "factcheck/overview.html", access, errors={"data": str(error)}, done="", **context
        )
    await audit.record(
        "factcheck.data_proceeded",
        request=request,
        object_type="data_item",
        object_id=item_id,
        detail=f"inspection={inspection_id}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=data_proceeded#data")


RESOLUTIONS = {
    "removed": "HMIP removed it from the report",
    "withdrawn": "HMPPS withdrew the objection",
}


def _resolve_page(request: Request, access: Access, what: str, objection: str, **extra) -> Template:
    """The page where HMIP records how an objection to a data item or a photograph ended."""
    return _page(
        request,
        "factcheck/resolve.html",
        access,
        what=what,
        objection=objection,
        action=request.url.path,
        resolutions=RESOLUTIONS,
        **extra,
    )


@get("/inspections/{inspection_id:int}/data/{item_id:int}/resolve", opt=HMIP_EDITORS)
async def data_resolve_form(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    access = await load(request, inspection_id, HMIP)
    item = await _item_or_404(request, inspection_id, item_id)
    return _resolve_page(request, access, item["description"], item["objection_reason"], with_note=True)


@post("/inspections/{inspection_id:int}/data/{item_id:int}/resolve", opt=HMIP_EDITORS)
async def data_resolve(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    item = await _item_or_404(request, inspection_id, item_id)
    form = await Form.from_request(request)
    try:
        await services.resolve_data_objection(
            inspection_id, item_id, form.raw("resolution"), form.raw("note"), by=current(request).user_id
        )
    except services.ServiceError as error:
        return _resolve_page(
            request,
            access,
            item["description"],
            item["objection_reason"],
            with_note=True,
            form=form.data,
            errors={error.field or "resolution": str(error)},
        )
    await audit.record(
        "factcheck.data_resolved",
        request=request,
        object_type="data_item",
        object_id=item_id,
        detail=f"inspection={inspection_id}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=data_resolved#data")


# -- photographs (Annex A) -------------------------------------------------------------------------


@get("/inspections/{inspection_id:int}/photographs/new", opt=HMIP_EDITORS)
async def photo_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, HMIP)
    return _page(request, "factcheck/photo_new.html", access, identity_checks=services.IDENTITY_CHECKS)


@post("/inspections/{inspection_id:int}/photographs/new", opt=HMIP_EDITORS)
async def photo_create(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    caption = form.text("caption", "a caption", max_length=300)
    identity = form.choice("identity_check", "whether anyone can be identified", services.IDENTITY_CHECKS)
    security = form.boolean("security_check")
    if not security:
        form.error(
            "security_check", "Confirm the photograph shows no keys, locks or security measures (Annex A)"
        )
    upload = await _upload(request, form, "image", IMAGE_LIMIT_MB)
    content, kind, scan_status = None, "", ""
    status_code = 200
    if upload and upload[1]:
        original, data, limit_mb = upload
        try:
            checked = uploads.check_upload(
                data,
                uploads.IMAGES,
                limit_bytes=uploads.limit_bytes_for(limit_mb),
                limit_mb=limit_mb,
                filename=original,
                wrong_type=IMAGE_WRONG_TYPE,
            )
        except uploads.UploadRefused as refused:
            form.error("image", str(refused))
            status_code = refused.status_code
        else:
            result = await scanning.scan(data, request.app.state.settings)
            if result.status == scanning.INFECTED:
                form.error("image", scanning.INFECTED_MESSAGE)
                await audit.record(
                    "factcheck.photo_added",
                    request=request,
                    object_type="inspection",
                    object_id=inspection_id,
                    outcome="refused",
                    detail=result.audit_detail(),
                )
            else:
                content, kind, scan_status = data, checked.file_type, result.status
    if not form.ok:
        return _page(
            request,
            "factcheck/photo_new.html",
            access,
            form=form.data,
            errors=form.errors,
            identity_checks=services.IDENTITY_CHECKS,
            status_code=status_code,
        )
    photo = await services.add_photograph(
        inspection_id,
        caption,
        identity,
        security,
        content,
        kind,
        by=current(request).user_id,
        scan_status=scan_status,
    )
    await audit.record(
        "factcheck.photo_added",
        request=request,
        object_type="photograph",
        object_id=photo["id"],
        detail=f"inspection={inspection_id}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=photo#photographs")


async def _photo_or_404(
    request: Request, inspection_id: int, photo_id: int, *, with_image: bool = False
) -> dict:
    photo = await services.photograph(inspection_id, photo_id, with_image=with_image)
    if photo is None:
        await deny_as_not_found(request, "photograph", photo_id)
    return photo


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/image", opt=READERS)
async def photo_image(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    await load(request, inspection_id, TEAM)
    photo = await _photo_or_404(request, inspection_id, photo_id, with_image=True)
    if not photo["image"] or photo["image_type"] not in uploads.IMAGES:
        raise NotFoundException("Page not found")
    if not scanning.downloadable(photo["scan_status"], request.app.state.settings):
        await audit.record(
            "factcheck.photo_view",
            request=request,
            object_type="photograph",
            object_id=photo_id,
            outcome="refused",
            detail=f"scan={photo['scan_status']}",
        )
        return scanning.not_downloadable(
            request,
            photo["scan_status"],
            name=photo["caption"],
            back_href=f"/inspections/{inspection_id}/factcheck#photographs",
            back_text="Back to the fact check",
        )
    await audit.record("factcheck.photo_view", request=request, object_type="photograph", object_id=photo_id)
    return uploads.file_response(photo["image"], f"photograph-{photo_id}", photo["image_type"])


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/response", opt=SCRUTINY_ONLY)
async def photo_response_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    access = await load(request, inspection_id, SCRUTINY)
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = {
        "response": photo["response"],
        "objection_reason": photo["objection_reason"],
        "version": str(photo["version"]),
    }
    return _page(request, "factcheck/photo_response.html", access, photo=photo, form=form)


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/response", opt=SCRUTINY_ONLY)
async def photo_response(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, SCRUTINY)
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = await Form.from_request(request)
    try:
        await services.respond_to_photograph(
            inspection_id,
            photo_id,
            form.raw("response"),
            form.raw("objection_reason"),
            by=current(request).user_id,
            version=_version(form),
        )
    except services.Conflict as conflict:
        return _conflict(
            request, access, "HMPPS's view", conflict.current, photo_summary, request.url.path
        )
    except services.ServiceError as error:
        return _page(
            request,
            "factcheck/photo_response.html",
            access,
            photo=photo,
            form=form.data,
            errors={error.field or "response": str(error)},
        )
    await audit.record(
        "factcheck.photo_response",
        request=request,
        object_type="photograph",
        object_id=photo_id,
        detail=f"response={form.raw('response')}",
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=photo_response#photographs")


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/resolve", opt=HMIP_EDITORS)
async def photo_resolve_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    access = await load(request, inspection_id, HMIP)
    photo = await _photo_or_404(request, inspection_id, photo_id)
    return _resolve_page(request, access, photo["caption"], photo["objection_reason"], with_note=False)


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/resolve", opt=HMIP_EDITORS)
async def photo_resolve(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = await Form.from_request(request)
    try:
        await services.resolve_photograph_objection(
            inspection_id, photo_id, form.raw("resolution"), by=current(request).user_id
        )
    except services.ServiceError as error:
        return _resolve_page(
            request,
            access,
            photo["caption"],
            photo["objection_reason"],
            with_note=False,
            form=form.data,
            errors={error.field or "resolution": str(error)},
        )
    await audit.record(
        "factcheck.photo_resolved", request=request, object_type="photograph", object_id=photo_id
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done=photo_resolved#photographs")


# -- publication (MoU ¶34-¶35) -------------------------------------------------------------------


async def _publication_page(request: Request, access: Access, **extra) -> Template:
    today = today_london()
    context = await overview_context(access, today)
    ready = await services.checklist(access.inspection, today, context["events"])
    done = request.query_params.get("done") or ""
    messages = {"press": "Press release recorded as shared with HMPPS", "published": "Publication recorded"}
    extra.setdefault("done", messages.get(done, ""))
    return _page(request, "factcheck/publication.html", access, checklist=ready, **context, **extra)


@get("/inspections/{inspection_id:int}/publication", opt=READERS)
async def publication(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await load(request, inspection_id, TEAM)
    return await _publication_page(request, access)


@post("/inspections/{inspection_id:int}/publication/press-release", opt=HMIP_EDITORS)
async def press_release(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    shared = form.date("shared", "the date the press release was shared with HMPPS")
    if form.ok:
        try:
            await services.record_press_release(
                inspection_id, shared, by=current(request).user_id, today=today_london()
            )
        except services.ServiceError as error:
            form.error("shared", str(error))
    if not form.ok:
        return await _publication_page(request, access, form=form.data, errors=form.errors)
    await audit.record(
        "factcheck.press_release_shared", request=request, object_type="inspection", object_id=inspection_id
    )
    return _see_other(f"/inspections/{inspection_id}/publication?done=press")


def _valid_link(form: Form) -> str:
    link = form.text("link", "the link to the published report", max_length=500)
    if link and not (safe_href(link) and link.lower().startswith(("https://", "http://"))):
        form.error(
            "link",
            "Enter the link in the correct format, like https://hmiprisons.justiceinspectorates.gov.uk/...",
        )
    return link


@post("/inspections/{inspection_id:int}/publication", opt=HMIP_EDITORS)
async def publication_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    published = form.date("published", "the date the report was published")
    link = _valid_link(form)
    if form.ok and published > today_london():
        form.error("published", "The publication date must be today or in the past")
    if form.ok:
        ready = await services.checklist(access.inspection, today_london())
        if not ready.ready:
            form.error("published", "The report is not ready to publish: complete the checklist first")
    if not form.ok:
        return await _publication_page(request, access, form=form.data, errors=form.errors)
    return _page(request, "factcheck/publication_check.html", access, published=published, link=link)


@post("/inspections/{inspection_id:int}/publication/confirm", opt=HMIP_EDITORS)
async def publication_confirm(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    form = await Form.from_request(request)
    published = _date_from_iso(form.raw("published_on"))
    link = _valid_link(form)
    if published is None or not form.ok:
        return _see_other(f"/inspections/{inspection_id}/publication")
    try:
        await services.record_publication(
            access.inspection, published, link, by=current(request).user_id, today=today_london()
        )
    except services.ServiceError as error:
        return await _publication_page(request, access, errors={"published": str(error)})
    await audit.record(
        "factcheck.published",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"on={published.isoformat()}",
    )
    return _see_other(f"/inspections/{inspection_id}/publication?done=published")


# -- IRP response letter and thematic emerging findings --------------------------------------------

EVENT_FORMS = {
    "letter": {
        "kind": services.IRP_LETTER_EVENT,
        "process": "irp",
        "heading": "Record HMPPS's response letter",
        "caption": "Independent Review of Progress (MoU ¶50)",
        "legend": "Date the letter was received",
        "note_label": "Summary of the response (optional)",
        "button": "Record the letter",
        "path": "irp-response-letter",
    },
    "emerging": {
        "kind": services.EMERGING_FINDINGS_EVENT,
        "process": "thematic",
        "heading": "Record the emerging findings discussion",
        "caption": "Thematic review (MoU ¶52)",
        "legend": "Date the emerging findings were discussed with HMPPS",
        "note_label": "Who took part and what was agreed (optional)",
        "button": "Record the discussion",
        "path": "emerging-findings",
    },
}


def _event_context(name: str, inspection_id: int) -> dict:
    spec = EVENT_FORMS[name]
    return {**spec, "action": f"/inspections/{inspection_id}/{spec['path']}", "field": "on"}


async def _event_access(request: Request, inspection_id: int, name: str, action: str) -> Access:
    access = await load(request, inspection_id, action)
    if access.inspection["kind"] != EVENT_FORMS[name]["process"]:
        raise NotFoundException("Page not found")
    return access


async def _event_submit(request: Request, inspection_id: int, name: str, action: str) -> Response:
    access = await _event_access(request, inspection_id, name, action)
    form = await Form.from_request(request)
    on = form.date("on", "the date")
    note = form.text("note", "a note", required=False, max_length=2000)
    if form.ok:
        try:
            await services.record_simple_event(
                inspection_id,
                EVENT_FORMS[name]["kind"],
                on,
                note,
                by=current(request).user_id,
                today=today_london(),
            )
        except services.ServiceError as error:
            form.error("on", str(error))
    if not form.ok:
        return _page(
            request,
            "factcheck/date_form.html",
            access,
            form=form.data,
            errors=form.errors,
            **_event_context(name, inspection_id),
        )
    await audit.record(
        f"factcheck.{EVENT_FORMS[name]['kind']}",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
    )
    return _see_other(f"/inspections/{inspection_id}/factcheck?done={name}")


@get("/inspections/{inspection_id:int}/irp-response-letter", opt=LETTER_WRITERS)
async def letter_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await _event_access(request, inspection_id, "letter", RESPOND_LETTER)
    return _page(request, "factcheck/date_form.html", access, **_event_context("letter", inspection_id))


@post("/inspections/{inspection_id:int}/irp-response-letter", opt=LETTER_WRITERS)
async def letter_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    return await _event_submit(request, inspection_id, "letter", RESPOND_LETTER)


@get("/inspections/{inspection_id:int}/emerging-findings", opt=HMIP_EDITORS)
async def emerging_form(request: Request, inspection_id: FromPath[int]) -> Template:
    access = await _event_access(request, inspection_id, "emerging", HMIP)
    return _page(request, "factcheck/date_form.html", access, **_event_context("emerging", inspection_id))


@post("/inspections/{inspection_id:int}/emerging-findings", opt=HMIP_EDITORS)
async def emerging_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    return await _event_submit(request, inspection_id, "emerging", HMIP)


# -- the home panel and the inspection page section -------------------------------------------------


async def scrutiny_home_panel(request: Request, principal) -> dict | None:
    if not principal.has(Role.HMPPS_SCRUTINY):
        return None
    today = today_london()
    rows = await services.fact_checks_under_way(today)
    waiting = await services.consent_requests_waiting(today)
    return {
        "template": "factcheck/_home_panel.html",
        "fc_rows": rows,
        "fc_overdue": [r for r in rows if r["overdue"]],
        "fc_waiting": waiting,
        "fc_kind_labels": KIND_LABELS,
        "fc_sources": services.DATA_SOURCES,
    }


async def inspection_section(request: Request, principal, row: dict) -> dict | None:
    from factcheck.permissions import access_for, inspection_row

    # the page's row has every column and name this section reads (inspections.permissions)
    full = dict(row) if "team_leader_name" in row else await inspection_row(row["id"])
    if full is None:
        return None
    access = await access_for(principal, full)
    if not access.may(VIEW):
        return None
    today = today_london()
    context = await overview_context(access, today)
    ready = await services.checklist(full, today, context["events"]) if access.may(TEAM) else None
    return {
        "template": "factcheck/_inspection_section.html",
        "fc": context,
        "fc_access": access,
        "fc_checklist": ready,
        "fc_inspection": full,
    }


HOME_PANELS.append(scrutiny_home_panel)
INSPECTION_SECTIONS.append(inspection_section)


ROUTES = [
    queue,
    points_template,
    overview,
    draft_form,
    draft_submit,
    draft_confirm,
    draft_upload_form,
    draft_upload,
    draft_download,
    share_form,
    share,
    points_page,
    add_point,
    point_state,
    import_form,
    import_points,
    details_form,
    details_submit,
    check_answers,
    submit_return,
    returned,
    answer_form,
    answer_submit,
    response_form,
    response_submit,
    summary_download_csv,
    summary_download_xlsx,
    proceed,
    data_form,
    data_create,
    data_response_form,
    data_response,
    data_proceed,
    data_resolve_form,
    data_resolve,
    photo_form,
    photo_create,
    photo_image,
    photo_response_form,
    photo_response,
    photo_resolve_form,
    photo_resolve,
    publication,
    press_release,
    publication_submit,
    publication_confirm,
    letter_form,
    letter_submit,
    emerging_form,
    emerging_submit,
]

from factcheck.api import API_ROUTES  # noqa: E402

__all__ = ["API_ROUTES", "ROUTES"]
