"""JSON API (under /api/v1): GET /milestones with the same access rules as the pages."""

from __future__ import annotations

from litestar import Request, Response, get

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


@get("/milestones", opt=signed_in())
async def milestones(request: Request) -> dict | Response:
    """Open milestones you may see. Filters: status (overdue, due_today, due_soon, not_yet_due,
    open; default open), establishment (id), owner (hmip, scrutiny, establishment, hmpps, sos), key."""
    principal = current(request)
    params = request.query_params
    status = params.get("status") or "open"
    owner = params.get("owner") or ""
    key = params.get("key") or ""
    establishment = params.get("establishment") or ""
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
