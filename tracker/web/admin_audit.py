"""The audit log pages: search (GET, so a search can be bookmarked and shared) and its CSV export.
Both are audited; an export records what was searched for and how many rows left the service."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.response import Redirect, Template

from tracker import audit, audit_log, uploads
from tracker.access import allow, current
from tracker.clock import now_utc
from tracker.forms import Form
from tracker.query import whole_number
from tracker.roles import Role
from tracker.templating import render

ADMIN = allow(Role.ADMIN)
TEXT_FIELDS = ("person", "subject", "action")
DATE_FIELDS = tuple(f"{name}-{part}" for name in ("from", "to") for part in ("day", "month", "year"))
BACKWARDS = "The ‘from’ date must be the same as or before the ‘to’ date"


def _search_from(request: Request) -> tuple[audit_log.Search, Form]:
    params = request.query_params
    form = Form({name: params.get(name) or "" for name in (*TEXT_FIELDS, *DATE_FIELDS)})
    search = audit_log.Search(
        person=form.text("person", "a person", required=False, max_length=200),
        subject=form.text("subject", "an establishment or inspection", required=False, max_length=200),
        action=form.text("action", "an action", required=False, max_length=200),
        start=form.date("from", "from date", required=False),
        end=form.date("to", "to date", required=False),
    )
    if search.start and search.end and search.start > search.end:
        form.error("from", BACKWARDS)
    return search, form


def _query_string(form: Form) -> str:
    return urlencode({name: form.raw(name) for name in (*TEXT_FIELDS, *DATE_FIELDS) if form.raw(name)})


@get("/admin/audit", opt=ADMIN)
async def audit_log_page(request: Request) -> Template:
    search, form = _search_from(request)
    page = whole_number(request.query_params.get("page")) or 1
    page = page if page < 100000 else 1
    rows, total = [], 0
    if form.ok:
        rows, total = await audit_log.find(search, page=page)
        rows = await audit_log.described(rows, current(request))
        await audit.record("audit.search", request=request, detail=search.describe())
    return render(
        request,
        "admin/audit.html",
        rows=rows,
        form=form.data,
        errors=form.errors,
        page=page,
        total=total,
        page_size=audit_log.PAGE_SIZE,
        query=_query_string(form),
    )


@get("/admin/audit.csv", opt=ADMIN)
async def audit_log_csv(request: Request) -> Response:
    search, form = _search_from(request)
    if not form.ok:
        return Redirect(path=f"/admin/audit?{_query_string(form)}")  # the page says what is wrong
    rows, _total = await audit_log.find(search, limit=audit_log.EXPORT_LIMIT)
    rows = await audit_log.described(rows, current(request))
    await audit.record("audit.export", request=request, detail=f"{search.describe()} rows={len(rows)}")
    return Response(
        content=audit_log.as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers=uploads.download_headers(f"audit-log-{now_utc():%Y-%m-%d}.csv"),
    )


ROUTES = [audit_log_page, audit_log_csv]
