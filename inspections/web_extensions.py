"""Pages to extend a deadline by agreement (inspections.operations.extensions): the form, and the
answer on the inspection page."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inspections.forms import kept
from inspections.operations.extensions import ExtensionInput, extend_deadline, may_extend, milestone_of
from inspections.permissions import load_inspection
from inspections.policy import POLICY
from inspections.views import due_text
from tracker.access import allow, current, deny_as_forbidden
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.policy import roles_in
from tracker.templating import render

EXTENDERS = allow(*roles_in(POLICY["deadline.extend"]))


async def _milestone_for(request: Request, inspection_id: int, key: str) -> tuple[dict, dict]:
    row = await load_inspection(request, inspection_id)
    milestone = await milestone_of(inspection_id, key)
    if milestone is None:
        raise NotFoundException("Page not found")
    if not may_extend(current(request), row, milestone):
        await deny_as_forbidden(request, "inspection", inspection_id, "You cannot extend this deadline")
    return row, milestone


def _page(request: Request, row: dict, milestone: dict, form: dict, errors: dict) -> Template:
    return render(
        request,
        "inspections/extension_form.html",
        inspection=row,
        milestone=milestone,
        due_text=due_text(milestone),
        form=form,
        errors=errors,
    )


@get("/inspections/{inspection_id:int}/extensions/new", opt=EXTENDERS)
async def extension_form(request: Request, inspection_id: FromPath[int]) -> Template:
    key = request.query_params.get("key", "")
    row, milestone = await _milestone_for(request, inspection_id, key)
    return _page(request, row, milestone, {"key": key}, {})


@post("/inspections/{inspection_id:int}/extensions/new", opt=EXTENDERS)
async def extension_save(request: Request, inspection_id: FromPath[int]) -> Response:
    form = await Form.from_request(request)
    key = form.raw("key")
    row, milestone = await _milestone_for(request, inspection_id, key)
    data = ExtensionInput(
        key=key,
        new_due=form.date("new_due", "the new date"),
        reason=form.text("reason", "why the deadline is extended", max_length=300),
        agreed_by=form.text("agreed_by", "who agreed the extension", max_length=300),
    )
    try:
        await extend_deadline(Actor(current(request), request), inspection_id, data, today=today_london())
        return Redirect(path=f"/inspections/{inspection_id}?done=extended#milestone-{key}")
    except Refused as refusal:
        form.add_errors(refusal.errors)
    return _page(request, row, milestone, kept(form), form.errors)


ROUTES = [extension_form, extension_save]
