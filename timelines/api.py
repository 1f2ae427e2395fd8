"""JSON API (under /api/v1): GET /milestones with the same access rules as the pages."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get
from litestar.params import Parameter

from timelines.store import current_calendar
from timelines.work import SIDES, open_items, scope_for, sort_items
from tracker import clock
from tracker.access import current, deny_as_not_found, establishment_scope, signed_in
from tracker.query import parse_id

API_STATUSES = ("overdue", "due_today", "due_soon", "not_yet_due", "open")


def _json(item: dict) -> dict:
    return {
        "inspection": item["inspection"],
        "establishment": item["establishment"],
        "establishment_name": item["establishment_name"],
        "prison_group": item["prison_group"],
        "key": item["key"],
        "label": item["label"],
        "owner": item["owner"],
        "due": item["due"].isoformat(),
        "status": item["status"],
        "working_days": item["working_days"],
        "rule": item["rule"],
        "source": item["source"],
        "url": item["href"],
    }


def _filter(description: str, choices: tuple[str, ...] = ()) -> object:
    """A query filter, read as text (the handler answers 400 naming what is wrong), described in
    the OpenAPI schema with its choices."""
    extra = {"enum": list(choices)} if choices else None
    return Annotated[str | None, Parameter(description=description, schema_extra=extra)]


@get("/milestones", opt=signed_in())
async def milestones(
    request: Request,
    status: _filter("Default open", API_STATUSES) = None,
    owner: _filter("Whose move it is", SIDES) = None,
    key: _filter("A milestone's key, such as fact_check_return") = None,
    establishment: _filter("An establishment's id") = None,
) -> dict | Response:
    """Open milestones you may see. Filters: status (overdue, due_today, due_soon, not_yet_due,
    open; default open), establishment (id), owner (hmip, scrutiny, establishment, hmpps, sos), key."""
    principal = current(request)
    status = status or "open"
    owner = owner or ""
    key = key or ""
    establishment = establishment or ""
    problems = []
    if status not in API_STATUSES:
        problems.append(f"status must be one of {', '.join(API_STATUSES)}")
    if owner and owner not in SIDES:
        problems.append(f"owner must be one of {', '.join(SIDES)}")
    establishment_id = parse_id(establishment)
    if establishment and establishment_id is None:
        problems.append("establishment must be an establishment id")
    if problems:
        # A JSON 400 built here: the shell's HTTPException handler cannot render 400s yet.
        return Response({"status_code": 400, "detail": "; ".join(problems)}, status_code=400)
    if establishment:
        scope = establishment_scope(principal)
        if scope is not None and establishment_id not in scope:
            await deny_as_not_found(request, "establishment", establishment)
    items = await open_items(
        await scope_for(principal),
        today=clock.today_london(),
        calendar=await current_calendar(),
        establishment_ids=[establishment_id] if establishment else None,
    )
    rows = [
        i
        for i in items
        if (status == "open" or i["status"] == status)
        and (not owner or i["owner"] == owner)
        and (not key or i["key"] == key)
    ]
    return {"count": len(rows), "milestones": [_json(i) for i in sort_items(rows)]}


API_ROUTES = [milestones]
