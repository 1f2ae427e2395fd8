"""Pages for people: My work, the overdue dashboard, recurring obligations, the calculator."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template
from markupsafe import Markup

from timelines import calculator, dashboard, risk
from timelines.core.engine import DUE_SOON_WORKING_DAYS
from timelines.core.rules import RECURRING, rules_for
from timelines.exports import (
    FORMATS,
    MILESTONE_COLUMNS,
    export_file,
    export_response,
    export_title,
    file_response,
    frame,
)
from timelines.operations.recurring import mark_recurring_done
from timelines.store import current_calendar
from timelines.work import (
    Scope,
    counts,
    due_range,
    may_mark_recurring,
    my_items,
    my_recurring,
    open_item_options,
    open_items,
    recurring_obligations,
    scope_for,
)
from tracker import audit, clock
from tracker.access import allow, current, deny_as_not_found, establishment_scope, signed_in
from tracker.cache import cached
from tracker.forms import Form, date_parts
from tracker.operations import Actor, Refused
from tracker.roles import Role
from tracker.templating import render, render_part

DASHBOARD_ROLES = allow(Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY, Role.ESTABLISHMENT)
RECURRING_VIEW = allow(Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY)
RECURRING_MARK = allow(Role.HMIP_MANAGER, Role.HMPPS_MANAGER)
QUICK_PICKS = [
    ("0", "Today"),
    ("3", "Next 3 working days"),
    ("5", "Next 5 working days"),
    ("10", "Next 10 working days"),
    ("all", "Everything open"),
]


def _within(value: str | None) -> tuple[str, int | None]:
    if value == "all":
        return "all", None
    if value in {"0", "3", "5", "10"}:
        return value, int(value)
    return "5", 5


def _format(request: Request) -> str:
    value = request.query_params.get("format", "csv")
    return value if value in FORMATS else "csv"


# -- My work --------------------------------------------------------------------------------------


@get("/my-work", opt=signed_in(), name="my_work")
async def my_work(request: Request) -> Template:
    """Their deadlines in the period, a page of dashboard.PAGE_SIZE at a time; the counts and
    the total are of the whole period."""
    principal = current(request)
    today = clock.today_london()
    pick, within = _within(request.query_params.get("within"))

    async def reads() -> tuple[list[dict], dict[str, int], dict | None, list[dict]]:
        calendar = await current_calendar()
        items = await my_items(principal, today=today, calendar=calendar, within=within)
        # nothing in the period: their next deadline, so "nothing is due" does not read as "nothing"
        later = (
            await my_items(principal, today=today, calendar=calendar)
            if within is not None and not items
            else []
        )
        recurring = await my_recurring(principal, today=today, calendar=calendar)
        return items, counts(items), (later[0] if later else None), recurring

    # kept (tracker.cache) until anything is written to the database: what is theirs (read once
    # for every page) and each page's results table already rendered; the key holds all that
    # decides what is theirs
    key = (
        today,
        within,
        principal.user_id,
        frozenset(principal.roles),
        frozenset(principal.establishment_ids),
        principal.prison_group,
    )
    items, item_counts, upcoming, recurring = await cached(("my_work items", *key), reads)
    page = dashboard.page_of(items, request.query_params.get("page"), {"within": pick}, path="/my-work")

    async def results() -> Markup:
        return render_part(
            request,
            "timelines/_my_work_results.html",
            page=page,
            counts=item_counts,
            upcoming=upcoming,
            pick=pick,
            picks=QUICK_PICKS,
            today=today,
        )

    html = await cached(("my_work", *key, page["number"]), results)
    return render(
        request, "timelines/my_work.html", fragment="kept_fragment.html", results=html, recurring=recurring
    )


@get("/my-work/export", opt=signed_in())
async def my_work_export(request: Request) -> Response:
    principal = current(request)
    pick, within = _within(request.query_params.get("within"))
    items = await my_items(
        principal, today=clock.today_london(), calendar=await current_calendar(), within=within
    )
    fmt = _format(request)
    await audit.record_read(
        "export",
        request=request,
        object_type="my_work",
        detail=f"format={fmt} within={pick} rows={len(items)}",
    )
    picked = dict(QUICK_PICKS).get(pick, "Everything")
    title = export_title(f"My work ({principal.display_name})", [f"deadlines due: {picked.lower()}"])
    return await export_response(frame(items, MILESTONE_COLUMNS), fmt, "my-work", title)


async def home_panel(request: Request, principal) -> dict | None:
    """The home page's summary of this person's work: counts and a link."""
    today = clock.today_london()
    calendar = await current_calendar()
    items = await my_items(principal, today=today, calendar=calendar, within=5)
    recurring = [
        r
        for r in await my_recurring(principal, today=today, calendar=calendar)
        if r["status"] in ("overdue", "due_today", "due_soon")
    ]
    return {
        "template": "timelines/_home_panel.html",
        "work_counts": counts(items),
        "work_total": len(items),
        "recurring_due": recurring,
        "first_items": items[:5],
        "due_soon_days": DUE_SOON_WORKING_DAYS,
    }


# -- the dashboard ----------------------------------------------------------------------------------


async def _dashboard_filters(request: Request) -> dict:
    """The filters from the URL; 404 (audited) for another establishment's id."""
    filters = dashboard.parse_filters(request.query_params)
    if filters["establishment"]:
        scope = establishment_scope(current(request))
        if scope is not None and int(filters["establishment"]) not in scope:
            await deny_as_not_found(request, "establishment", filters["establishment"])
    return filters


async def _dashboard_items(filters: dict, scope: Scope, today) -> list[dict]:
    """The open items that match the filters (which go to the database: only they are read)."""
    calendar = await current_calendar()
    due_from, due_to = due_range(filters["status"], today, calendar)
    items = await open_items(
        scope,
        today=today,
        calendar=calendar,
        establishment_ids=[int(filters["establishment"])] if filters["establishment"] else None,
        due_from=due_from,
        due_to=due_to,
        key=filters["stage"] or None,
        prison_group=filters["group"] or None,
        owner=filters["side"] or None,
    )
    return dashboard.apply(await risk.flag_items(items, today, calendar), filters)


async def _dashboard_body(request: Request, filters: dict, scope: Scope, today, page_number) -> Markup:
    rows = await _dashboard_items(filters, scope, today)
    options = await open_item_options(scope)
    page = dashboard.page_of(rows, page_number, filters, path="/dashboard")
    return render_part(
        request,
        "timelines/_dashboard_body.html",
        filters=filters,
        rows=page["rows"],
        page=page,
        breakdowns=dashboard.breakdowns(rows, filters),
        by_organisation=dashboard.by_organisation(rows),
        choices=dashboard.choices(options),
        active=dashboard.describe(filters, options),
        query=dashboard.query(filters),
        status_label=dashboard.STATUS_CHOICES[filters["status"]],
    )


@get("/dashboard", opt=DASHBOARD_ROLES, name="dashboard")
async def dashboard_page(request: Request) -> Template:
    """The body depends only on the data, today, the person's scope and the URL: it is kept
    (tracker.cache) until anything is written to the database."""
    filters = await _dashboard_filters(request)
    today = clock.today_london()
    scope = await scope_for(current(request))
    page_number = request.query_params.get("page")
    key = ("dashboard", today, scope, tuple(sorted(filters.items())), page_number)
    body = await cached(key, lambda: _dashboard_body(request, filters, scope, today, page_number))
    return render(request, "timelines/dashboard.html", fragment="timelines/_dashboard_cached.html", body=body)


async def _dashboard_file(filters: dict, scope: Scope, today, fmt: str) -> tuple[bytes, int]:
    rows = await _dashboard_items(filters, scope, today)
    active = dashboard.describe(filters, await open_item_options(scope)) if fmt == "xlsx" else []
    title = export_title(
        f"Deadlines dashboard: {dashboard.STATUS_CHOICES[filters['status']].lower()}",
        [", ".join(a["label"] for a in active)],
    )
    return await export_file(frame(rows, MILESTONE_COLUMNS), fmt, title), len(rows)


@get("/dashboard/export", opt=DASHBOARD_ROLES)
async def dashboard_export(request: Request) -> Response:
    """The file is kept (tracker.cache) until anything is written, within the minute its title
    says it was exported: building it was most of the request."""
    filters = await _dashboard_filters(request)
    scope = await scope_for(current(request))
    today, fmt = clock.today_london(), _format(request)
    minute = clock.now_utc().replace(second=0, microsecond=0)
    key = ("dashboard export", fmt, today, minute, scope, tuple(sorted(filters.items())))
    body, count = await cached(key, lambda: _dashboard_file(filters, scope, today, fmt))
    await audit.record_read(
        "export",
        request=request,
        object_type="dashboard",
        detail=f"format={fmt} rows={count} " + dashboard.query(filters),
    )
    return file_response(body, fmt, "overdue-dashboard")


# -- recurring obligations --------------------------------------------------------------------------


@get("/recurring", opt=RECURRING_VIEW)
async def recurring_page(request: Request) -> Template:
    principal = current(request)
    items = await recurring_obligations(today=clock.today_london(), calendar=await current_calendar())
    for item in items:
        item["may_mark"] = may_mark_recurring(principal, item["owner"])
    done = request.query_params.get("done", "")
    done_item = next((i for i in items if i["key"] == done), None)
    return render(request, "timelines/recurring.html", items=items, done_item=done_item)


def _recurring_rule(key: str):
    return next((r for r in rules_for(RECURRING) if r.key == key), None)


async def _recurring_form(request: Request, key: str, form: dict, errors: dict) -> Template:
    principal = current(request)
    the_rule = _recurring_rule(key)
    if the_rule is None:
        await deny_as_not_found(request, "recurring", key)
    if not may_mark_recurring(principal, the_rule.owner):
        await audit.record(
            "denied", request=request, object_type="recurring", object_id=key, outcome="denied"
        )
        raise PermissionDeniedException("You do not have access to this page")
    return render(request, "timelines/recurring_done.html", rule=the_rule, form=form, errors=errors)


@get("/recurring/done", opt=RECURRING_MARK)
async def recurring_done_form(request: Request) -> Template:
    key = request.query_params.get("key", "")
    parts = date_parts(clock.today_london())
    form = {"key": key, **{f"done_on-{k}": v for k, v in parts.items()}}
    return await _recurring_form(request, key, form, {})


@post("/recurring/done", opt=RECURRING_MARK)
async def recurring_done_submit(request: Request) -> Response:
    principal = current(request)
    form = await Form.from_request(request)
    key = form.raw("key")
    the_rule = _recurring_rule(key)
    if the_rule is None or not may_mark_recurring(principal, the_rule.owner):
        return await _recurring_form(request, key, {}, {})
    done_on = form.date("done_on", "the date it was done")
    note = form.text("note", "a note", required=False, max_length=300)
    if form.ok:
        try:
            await mark_recurring_done(
                Actor(principal, request), key, done_on, today=clock.today_london(), note=note
            )
            return Redirect(path=f"/recurring?done={key}")
        except Refused as refusal:
            form.add_errors(refusal.errors)
    return await _recurring_form(request, key, dict(form.data), form.errors)


# -- the calculator ---------------------------------------------------------------------------------


@get("/calculator", opt=signed_in())
async def calculator_page(request: Request) -> Template:
    params = request.query_params
    form = Form({k: params.get(k) for k in params})
    result = None
    if "rule" in params or any(f"start-{p}" in params for p in ("day", "month", "year")):
        start = form.date("start", "the start date")
        chosen = form.choice("rule", "a rule", [v for v, _t in calculator.rule_choices()])
        the_rule = calculator.find_rule(chosen) if chosen else None
        if form.ok and the_rule and start:
            try:
                result = calculator.calculate(the_rule, start, await current_calendar())
            except ValueError:
                form.error("start", "The start date must be between 2000 and 2060")
    return render(
        request,
        "timelines/calculator.html",
        form=dict(form.data),
        errors=form.errors,
        result=result,
        rules=calculator.rule_choices(),
    )


ROUTES = [
    my_work,
    my_work_export,
    dashboard_page,
    dashboard_export,
    recurring_page,
    recurring_done_form,
    recurring_done_submit,
    calculator_page,
]
