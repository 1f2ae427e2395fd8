"""Accuracy points (MoU ¶32): added one by one (with or without htmx), proposals from the
establishment taken in or dropped, a spreadsheet of points imported."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import points as ops
from factcheck.points import CATEGORIES, FIELD_LABELS, FIELDS, ImportProblem, parse_points
from factcheck.web.common import (
    PROPOSERS,
    SCRUTINY_ONLY,
    actor,
    conflict_page,
    establishment_view,
    finished_stage,
    load,
    overview_context,
    page,
    see_other,
    upload,
    version_of,
)
from tracker import audit, spreadsheets
from tracker.access import deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Conflict, Refused
from tracker.query import whole_number
from tracker.templating import plural

IMPORT_LIMIT_MB = 5


NOTICES = {
    "added": "{what} {shown} added",
    "changed": "{what} {shown} changed",
    "taken": "Proposal taken into the return as point {shown}",
    "dropped": "Proposal dropped",
    "restored": "Proposal put back: it is waiting for a decision again",
    "withdrawn": "Proposal withdrawn",
    "removed": "Point removed",
}


def _notice(context: dict, done: str, point_id: int | None, establishment: bool) -> tuple[str, dict | None]:
    """(the success message for what was just done to a point, the point to offer to undo)."""
    if done not in NOTICES:
        return "", None
    point = next((p for p in context["points"] if p["id"] == point_id), None)
    what = "Proposal" if establishment or (point and point["state"] == "proposed") else "Point"
    text = NOTICES[done].format(what=what, shown=point["shown"] if point else "")
    return text, point if done == "dropped" and point else None


async def _points_page(
    request: Request, row: dict, *, status_code=200, done: str = "", point_id=None, **extra
):
    context = await overview_context(request, row, today_london())
    extra.setdefault("imported", None)
    notice, undo = _notice(context, done, point_id, establishment_view(request, row))
    if extra["imported"]:
        notice = f"{plural(extra['imported'], 'point')} imported"
    return page(
        request,
        "factcheck/points.html",
        row,
        fragment="factcheck/_points_section.html",
        status_code=status_code,
        notice=notice,
        undo=undo,
        **context,
        **extra,
    )


def _number(value: str | None) -> int | None:
    return whole_number(value)


@get("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def points_page(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.point.add")
    query = request.query_params
    return await _points_page(
        request,
        row,
        done=query.get("done") or "",
        point_id=_number(query.get("point")),
        imported=_number(query.get("imported")),
    )


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@post("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def add_point(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.point.add")
    form = await Form.from_request(request)
    try:
        point = await ops.add_point(actor(request), inspection_id, {f: form.raw(f) for f in FIELDS})
    except Refused as refused:
        return await _points_page(request, row, form=form.data, errors=refused.errors)
    return await _done(request, row, "added", point["id"])


async def _done(request: Request, row: dict, done: str, point_id: int) -> Response:
    """The points page with what was done said: in place for htmx, else after a redirect."""
    if _htmx(request):
        return await _points_page(request, row, done=done, point_id=point_id)
    return see_other(f"/inspections/{row['id']}/factcheck/points?done={done}&point={point_id}#points")


DONE = {
    "include": "taken",
    "drop": "dropped",
    "restore": "restored",
    "withdraw": "withdrawn",
    "remove": "removed",
}


async def _point_or_404(request: Request, inspection_id: int, point_id: int) -> dict:
    point = await queries.point_row(inspection_id, point_id)
    if point is None:
        await deny_as_not_found(request, "accuracy_point", point_id)
    return point


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/state", opt=PROPOSERS)
async def point_state(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    form = await Form.from_request(request)
    action = form.raw("action")
    policy_action = ops.MOVES.get(action, ("factcheck.point.take_in",))[0]
    row = await load(request, inspection_id, policy_action)
    await _point_or_404(request, inspection_id, point_id)
    try:
        await ops.set_point_state(actor(request), inspection_id, point_id, action)
    except Refused as refused:
        return await _points_page(request, row, errors={"points": refused.message})
    return await _done(request, row, DONE[action], point_id)


@get("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/drop", opt=SCRUTINY_ONLY)
async def drop_confirm(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Template:
    """Are you sure? A dropped proposal is not in the return (it can be put back until then)."""
    row = await load(request, inspection_id, "factcheck.point.take_in")
    if closed := finished_stage(request, row, "factcheck.point.take_in"):
        return closed
    point = await _point_or_404(request, inspection_id, point_id)
    if point["state"] != "proposed":
        await deny_as_not_found(request, "accuracy_point", point_id)
    points = await queries.points_for(inspection_id)
    point = point | {"shown": queries.shown_number(points, point_id)}
    return page(request, "factcheck/drop.html", row, point=point, categories=CATEGORIES)


async def _editable(request: Request, inspection_id: int, point_id: int) -> tuple[dict, dict]:
    """The row and the point, if it is this person's to change (404 otherwise: not theirs to see)."""
    row = await load(request, inspection_id, "factcheck.point.edit")
    point = await _point_or_404(request, inspection_id, point_id)
    if not ops.may_edit(actor(request), row, point):
        await deny_as_not_found(request, "accuracy_point", point_id)
    points = await queries.points_for(inspection_id)
    return row, point | {"shown": queries.shown_number(points, point_id)}


def _edit_page(request: Request, row: dict, point: dict, form: dict, errors: dict, status_code=200):
    return page(
        request,
        "factcheck/point_edit.html",
        row,
        point=point,
        form=form,
        errors=errors,
        categories=CATEGORIES,
        status_code=status_code,
    )


@get("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/edit", opt=PROPOSERS)
async def edit_form(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Template:
    row, point = await _editable(request, inspection_id, point_id)
    if closed := finished_stage(request, row, "factcheck.point.edit"):
        return closed
    form = {f: point[f] for f in FIELDS} | {"version": str(point["version"])}
    return _edit_page(request, row, point, form, {})


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/edit", opt=PROPOSERS)
async def edit_submit(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    row, point = await _editable(request, inspection_id, point_id)
    form = await Form.from_request(request)
    version = version_of(form)
    try:
        await ops.edit_point(
            actor(request),
            inspection_id,
            point_id,
            {f: form.raw(f) for f in FIELDS},
            version=point["version"] if version is None else version,
        )
    except Conflict as conflict:
        current = [(FIELD_LABELS[f], str(conflict.current.get(f) or "")) for f in FIELDS]
        return conflict_page(request, row, "the point", current, request.url.path)
    except Refused as refused:
        return _edit_page(request, row, point, form.data, refused.errors)
    return see_other(f"/inspections/{inspection_id}/factcheck/points?done=changed&point={point_id}#points")


@get("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.points.import")
    if closed := finished_stage(request, row, "factcheck.points.import"):
        return closed
    return page(request, "factcheck/import.html", row, row_errors=[])


@post("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_points(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.points.import")
    form = await Form.from_request(request)

    def refused(message: str, row_errors=()) -> Template:
        return page(
            request, "factcheck/import.html", row, errors={"file": message}, row_errors=list(row_errors)
        )

    received = await upload(request, form, "file", IMPORT_LIMIT_MB)
    if received is None or not received[1]:
        return refused("Select a spreadsheet of accuracy points")
    try:
        points, row_errors = await spreadsheets.off_loop(
            parse_points, received[1], filename=received[0], limit_mb=received[2]
        )
    except ImportProblem as error:
        return refused(str(error))
    if row_errors:
        await audit.record(
            "factcheck.import_refused",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            outcome="refused",
            detail=f"bad_rows={len(row_errors)}",
        )
        return refused(
            f"The file has {plural(len(row_errors), 'problem')}: nothing has been added", row_errors
        )
    try:
        count = await ops.import_points(actor(request), inspection_id, points)
    except Refused as error:
        return refused(error.message)
    return see_other(f"/inspections/{inspection_id}/factcheck/points?imported={count}#points")


ROUTES = [
    points_page,
    add_point,
    point_state,
    drop_confirm,
    edit_form,
    edit_submit,
    import_form,
    import_points,
]
