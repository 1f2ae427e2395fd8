"""Pages: establishments (list, page, create, edit, deactivate, import) and the programme."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from inspections.constants import COHORTS, ESTABLISHMENT_KINDS, INSPECTION_KINDS, OPERATORS
from inspections.forms import date_fields, kept
from inspections.operations.establishments import (
    check_establishment,
    create_establishment,
    import_establishments,
    name_problem,
    set_establishment_active,
    update_establishment,
)
from inspections.permissions import (
    ESTABLISHMENT_EDITORS,
    PROGRAMME_READERS,
    load_establishment,
    readable,
    scoped,
)
from inspections.programme import establishment_programme, programme
from inspections.queries import late_notice
from inspections.tables import Establishment, Inspection
from timelines.core.engine import OPEN_STATUSES
from timelines.store import current_calendar
from timelines.tables import StoredMilestone
from tracker import spreadsheets, uploads
from tracker.access import current, establishment_scope, signed_in
from tracker.cache import cached
from tracker.clock import today_london
from tracker.extensions import ESTABLISHMENT_SECTIONS, gather
from tracker.forms import Form
from tracker.operations import Actor, Conflict
from tracker.query import NO_VERSION, parse_version
from tracker.roles import Role
from tracker.templating import render, render_part

TABLE_LIMIT_MB = 5
TABLE_WRONG_TYPE = "The selected file must be a CSV or XLSX spreadsheet"

CHOICES = {"kinds": ESTABLISHMENT_KINDS, "cohorts": COHORTS, "operators": OPERATORS}


@get("/establishments", opt=signed_in())
async def establishment_list(request: Request) -> Template:
    """The table depends only on the data and the person's scope: it is kept (tracker.cache)
    until anything is written to the database."""
    principal = current(request)
    show = request.query_params.get("show", "active")
    show = show if show == "all" else "active"
    scope = (principal.roles, principal.establishment_ids, principal.prison_group)
    table = await cached(("establishment list", show, scope), lambda: _establishment_table(request, show))
    return render(
        request,
        "inspections/establishments.html",
        table=table,
        show=show,
        done=request.query_params.get("done", ""),
        **CHOICES,
    )


async def _establishment_table(request: Request, show: str) -> Markup:
    query = scoped(
        Establishment.select().order_by(Establishment.name),
        current(request),
        Establishment.id,
        reference_data=True,
    )
    if show != "all":
        query = query.where(Establishment.active == True)  # noqa: E712
    rows = await query
    for row in rows:
        row["late_notice"] = late_notice(row)
    return render_part(request, "inspections/_establishments_table.html", rows=rows, **CHOICES)


def _read_establishment(form: Form) -> dict:
    values = {
        "name": form.text("name", "the establishment's name", max_length=200),
        "code": form.text("code", "the code", required=False, max_length=10),
        "kind": form.choice("kind", "the kind of establishment", ESTABLISHMENT_KINDS),
        "cohort": form.choice("cohort", "who the establishment holds", COHORTS),
        "operator": form.choice("operator", "who runs the establishment", OPERATORS),
        "prison_group": form.text("prison_group", "the prison group", required=False, max_length=100),
        "region": form.text("region", "the region", required=False, max_length=100),
        "operational_on": form.date("operational_on", "the date it becomes operational", required=False),
        "hmpps_notified_on": form.date("hmpps_notified_on", "the date HMPPS told HMIP", required=False),
    }
    check_establishment(values, form.errors)
    return values


@get("/establishments/new", opt=ESTABLISHMENT_EDITORS)
async def establishment_new(request: Request) -> Template:
    return render(request, "inspections/establishment_form.html", form={}, errors={}, editing=None, **CHOICES)


@post("/establishments/new", opt=ESTABLISHMENT_EDITORS)
async def establishment_create(request: Request) -> Response:
    form = await Form.from_request(request)
    values = _read_establishment(form)
    form.add_errors(await name_problem(values))
    if form.ok:
        new_id = await create_establishment(Actor(current(request), request), values)
        return Redirect(path=f"/establishments/{new_id}?done=created")
    return render(
        request,
        "inspections/establishment_form.html",
        form=kept(form),
        errors=form.errors,
        editing=None,
        **CHOICES,
    )


async def _establishment_page_context(request: Request, row: dict) -> dict:
    principal = current(request)
    today = today_london()
    inspections = await (
        Inspection.select(
            Inspection.id,
            Inspection.kind,
            Inspection.title,
            Inspection.start_date,
            Inspection.end_date,
            Inspection.follows,
            Inspection.team_leader,
            Inspection.urgent_notification,
            Inspection.establishment,
        )
        .where(Inspection.establishment == row["id"])
        .order_by(Inspection.start_date, ascending=False)
    )
    visible = await readable(principal, inspections)
    plan = await establishment_programme(row, inspections, today=today, calendar=await current_calendar())
    visible_ids = [i["id"] for i in visible] or [-1]
    milestones = (
        await StoredMilestone.select()
        .where(StoredMilestone.inspection.is_in(visible_ids))
        .where(StoredMilestone.status.is_in(list(OPEN_STATUSES)))
        .order_by(StoredMilestone.due)
    )
    return {
        "establishment": row,
        "late_notice": late_notice(row),
        "inspections": visible,
        "plan": plan,
        "milestones": milestones,
        "sections": await gather(ESTABLISHMENT_SECTIONS, request, principal, row),
        "inspection_kinds": INSPECTION_KINDS,
        **CHOICES,
    }


@get("/establishments/{establishment_id:int}", opt=signed_in())
async def establishment_page(request: Request, establishment_id: FromPath[int]) -> Template:
    row = await load_establishment(request, establishment_id)
    context = await _establishment_page_context(request, row)
    return render(
        request, "inspections/establishment.html", done=request.query_params.get("done", ""), **context
    )


def _prefill(row: dict) -> dict:
    return {
        **{k: row[k] or "" for k in ("name", "code", "kind", "cohort", "operator", "prison_group", "region")},
        **date_fields("operational_on", row["operational_on"]),
        **date_fields("hmpps_notified_on", row["hmpps_notified_on"]),
        "version": str(row["version"]),
    }


@get("/establishments/{establishment_id:int}/edit", opt=ESTABLISHMENT_EDITORS)
async def establishment_edit(request: Request, establishment_id: FromPath[int]) -> Template:
    row = await load_establishment(request, establishment_id)
    return render(
        request, "inspections/establishment_form.html", form=_prefill(row), errors={}, editing=row, **CHOICES
    )


@post("/establishments/{establishment_id:int}/edit", opt=ESTABLISHMENT_EDITORS)
async def establishment_update(request: Request, establishment_id: FromPath[int]) -> Response:
    row = await load_establishment(request, establishment_id)
    form = await Form.from_request(request)
    values = _read_establishment(form)
    form.add_errors(await name_problem(values, except_id=establishment_id))
    version = parse_version(form.raw("version"), when_missing=NO_VERSION)
    if form.ok:
        try:
            await update_establishment(Actor(current(request), request), establishment_id, values, version)
            return Redirect(path=f"/establishments/{establishment_id}?done=updated")
        except Conflict as conflict:
            return render(
                request,
                "inspections/establishment_conflict.html",
                status_code=409,
                establishment=conflict.current,
                **CHOICES,
            )
    return render(
        request,
        "inspections/establishment_form.html",
        form=kept(form),
        errors=form.errors,
        editing=row,
        **CHOICES,
    )


@get("/establishments/{establishment_id:int}/status", opt=ESTABLISHMENT_EDITORS)
async def establishment_status(request: Request, establishment_id: FromPath[int]) -> Template:
    row = await load_establishment(request, establishment_id)
    count = await Inspection.count().where(Inspection.establishment == establishment_id)
    return render(request, "inspections/establishment_status.html", establishment=row, inspection_count=count)


@post("/establishments/{establishment_id:int}/status", opt=ESTABLISHMENT_EDITORS)
async def establishment_status_submit(request: Request, establishment_id: FromPath[int]) -> Response:
    row = await load_establishment(request, establishment_id)
    active = not row["active"]
    await set_establishment_active(Actor(current(request), request), establishment_id, active)
    return Redirect(
        path=f"/establishments/{establishment_id}?done={'reactivated' if active else 'deactivated'}"
    )


@get("/establishments/import", opt=ESTABLISHMENT_EDITORS)
async def establishment_import(request: Request) -> Template:
    return render(request, "inspections/establishment_import.html", errors={}, row_errors=[], result=None)


@post("/establishments/import", opt=ESTABLISHMENT_EDITORS)
async def establishment_import_submit(request: Request) -> Response:
    form = await Form.from_request(request)
    errors: dict[str, str] = {}
    row_errors: list[str] = []
    try:
        checked, content, filename = await uploads.receive(
            form.data.get("file"),
            uploads.SPREADSHEETS,
            limit_mb=uploads.limit_mb_for(request, TABLE_LIMIT_MB),
            wrong_type=TABLE_WRONG_TYPE,
        )
        frame = await spreadsheets.off_loop(uploads.read_table, content, checked.file_type)
    except uploads.UploadRefused as error:
        errors["file"] = str(error)
    else:
        result = await import_establishments(Actor(current(request), request), frame, filename)
        row_errors = result.errors
        if not row_errors:
            return Redirect(path=f"/establishments?done=imported:{result.created}")
        errors["file"] = (
            "The file has errors: nothing has been saved. Fix the rows listed and upload it again"
        )
    return render(
        request, "inspections/establishment_import.html", errors=errors, row_errors=row_errors, result=None
    )


@get("/programme", opt=PROGRAMME_READERS)
async def programme_page(request: Request) -> Template:
    principal = current(request)
    today = today_london()
    data = await programme(today=today, scope=establishment_scope(principal))
    return render(
        request,
        "inspections/programme.html",
        today=today,
        read_only=not principal.has(Role.HMIP_MANAGER),
        **data,
    )


ROUTES = [
    establishment_list,
    establishment_new,
    establishment_create,
    establishment_import,
    establishment_import_submit,
    establishment_page,
    establishment_edit,
    establishment_update,
    establishment_status,
    establishment_status_submit,
    programme_page,
]
