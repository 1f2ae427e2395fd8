"""The Scrutiny Team's queue of fact checks under way, its home panel, the points template, and
the fact check's section on the inspection page."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template

from factcheck import queries
from factcheck.checklist import checklist
from factcheck.points import template_xlsx
from factcheck.web.common import KIND_LABELS, QUEUE, READ, READ_ALL, XLSX_TYPE, context_for, query_string
from tracker import uploads
from tracker.access import allow
from tracker.clock import today_london
from tracker.policy import can
from tracker.query import query_id
from tracker.roles import Role
from tracker.templating import render

DUE_WINDOWS = {
    "today": (0, "Due by today"),
    "3": (3, "Due within 3 working days"),
    "10": (10, "Due within 10 working days"),
}


def _queue_filters(request: Request) -> dict:
    q = request.query_params
    establishment = query_id(q, "establishment")
    kind = q.get("kind") or ""
    due = q.get("due") or ""
    return {
        "establishment": "" if establishment is None else str(establishment),
        "kind": kind if kind in KIND_LABELS else "",
        "due": due if due in DUE_WINDOWS else "",
    }


@get("/factcheck", opt=QUEUE)
async def queue(request: Request) -> Template:
    from inspections.tables import Establishment

    today = today_london()
    filters = _queue_filters(request)
    rows = await queries.fact_checks_under_way(
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
        query_string=query_string,
        today=today,
    )


@get("/factcheck/points-template.xlsx", opt=allow(Role.HMPPS_SCRUTINY))
async def points_template(request: Request) -> Response:
    return Response(
        content=template_xlsx(),
        media_type=XLSX_TYPE,
        headers=uploads.download_headers("accuracy-points.xlsx"),
    )


async def scrutiny_home_panel(request: Request, principal) -> dict | None:
    if not principal.has(Role.HMPPS_SCRUTINY):
        return None
    today = today_london()
    rows = await queries.fact_checks_under_way(today)
    return {
        "template": "factcheck/_home_panel.html",
        "fc_rows": rows,
        "fc_overdue": [r for r in rows if r["overdue"]],
        "fc_waiting": await queries.consent_requests_waiting(today),
        "fc_kind_labels": KIND_LABELS,
        "fc_sources": queries.DATA_SOURCES,
    }


async def establishment_home_panel(request: Request, principal) -> dict | None:
    """The drafts shared with the person's establishments while their fact check is under way:
    where to propose corrections, and by when the Scrutiny Team returns the fact check."""
    if not principal.has(Role.ESTABLISHMENT):
        return None
    shared = []
    for establishment in principal.establishment_ids:
        for row in await queries.fact_checks_under_way(today_london(), establishment=establishment):
            full = await queries.factcheck_row(row["inspection"])
            if full and full["shared"] and can(principal, READ, full):
                shared.append(row | {"shared_at": full["draft"]["shared_at"]})
    if not shared:
        return None
    return {
        "template": "factcheck/_home_establishment.html",
        "fc_shared": shared,
        "fc_kind_labels": KIND_LABELS,
    }


async def inspection_section(request: Request, principal, row: dict) -> dict | None:
    # the page's row has every column and name this section reads (inspections.permissions)
    full = dict(row) if "team_leader_name" in row else await queries.inspection_row(row["id"])
    if full is None:
        return None
    full = await queries.factcheck_row(full["id"], full)
    if not can(principal, READ, full):
        return None
    today = today_london()
    context = await context_for(principal, full, today)
    everything = can(principal, READ_ALL, full)
    return {
        "template": "factcheck/_inspection_section.html",
        "fc": context,
        "fc_establishment_view": not everything,
        "fc_checklist": await checklist(full, today, context["events"]) if everything else None,
        "fc_inspection": full,
    }


ROUTES = [queue, points_template]
