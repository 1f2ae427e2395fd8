"""On-time performance page and each inspection's stages as a chart (an inspection page section)."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template

from timelines import charts, performance
from timelines.core.years import business_year, business_year_label
from timelines.exports import FORMATS, export_response, export_title, frame
from timelines.store import current_calendar, stored_rows
from timelines.tables import MilestoneChange, SentReminder
from timelines.work import scope_for
from tracker import audit, clock
from tracker.access import allow, current, establishment_scope
from tracker.query import whole_number
from tracker.roles import Role
from tracker.templating import render

PERFORMANCE_ROLES = allow(Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY)


def _options(request: Request) -> tuple[str, int | None]:
    by = request.query_params.get("by", "quarter")
    by = by if by in performance.GROUPINGS else "quarter"
    year_text = request.query_params.get("year", "")
    year = whole_number(year_text)
    year = year if year and 2000 <= year <= 2100 else None
    return by, year


async def _summary(request: Request) -> tuple[str, int | None, list[dict], list[int]]:
    principal = current(request)
    by, year = _options(request)
    data = await performance.done_milestones(establishment_scope(principal))
    calendar = await current_calendar()
    summary = performance.summarise(data, calendar, by=by, year=year)
    years = sorted({business_year(d) for d in data["done_on"]} if not data.empty else set())
    this_year = business_year(clock.today_london())
    years = sorted(set(years) | {this_year, this_year - 1}, reverse=True)
    return by, year, summary, years


@get("/performance", opt=PERFORMANCE_ROLES)
async def performance_page(request: Request) -> Template:
    by, year, summary, years = await _summary(request)
    for index, item in enumerate(summary):
        bars = [
            (p["period"], p["share"], f"{p['share']:g}% ({p['on_time']} of {p['count']})")
            for p in item["periods"]
        ]
        item["chart"] = charts.bar_chart(f"chart-{index}", f"{item['measure'].title}: share on time", bars)
    query = "&".join(f"{k}={v}" for k, v in (("by", by), ("year", year)) if v)
    return render(
        request,
        "timelines/performance.html",
        fragment="timelines/_performance_body.html",
        summary=summary,
        by=by,
        year=year,
        years=[(str(y), business_year_label(y)) for y in years],
        groupings=list(performance.GROUPINGS.items()),
        year_label=business_year_label(year) if year else "All years",
        query=query,
    )


@get("/performance/export", opt=PERFORMANCE_ROLES)
async def performance_export(request: Request) -> Response:
    by, year, summary, _years = await _summary(request)
    fmt = request.query_params.get("format", "csv")
    fmt = fmt if fmt in FORMATS else "csv"
    period = business_year_label(year) if year else "All years"
    rows = performance.export_rows(summary, total_label=period)
    await audit.record_read(
        "export",
        request=request,
        object_type="performance",
        detail=f"format={fmt} by={by} year={year or 'all'}",
    )
    title = export_title("On-time performance", [period, f"by {performance.GROUPINGS[by].lower()}"])
    return await export_response(frame(rows, performance.EXPORT_COLUMNS), fmt, "on-time-performance", title)


# -- the inspection page's section ------------------------------------------------------------------


async def stages_section(request: Request, principal, inspection: dict) -> dict | None:
    """Planned against actual for each stage, with moved due dates and reminders sent."""
    scope = await scope_for(principal)
    if not scope.allows(inspection["establishment"], inspection["id"]):
        return None
    rows = await stored_rows(inspection["id"])
    stages = [r for r in rows if r["status"] != "not_applicable"]
    chart = charts.stage_chart(
        f"stages-{inspection['id']}", "Stages: planned against actual", inspection["end_date"], stages
    )
    changes = (
        await MilestoneChange.select()
        .where(MilestoneChange.inspection == inspection["id"])
        .order_by(MilestoneChange.id, ascending=False)
    )
    reminders = (
        await SentReminder.select(
            SentReminder.key,
            SentReminder.kind,
            SentReminder.due,
            SentReminder.sent_on,
            SentReminder.user.display_name.as_alias("to"),
        )
        .where(SentReminder.inspection == inspection["id"])
        .order_by(SentReminder.id, ascending=False)
    )
    labels = {r["key"]: r["label"] for r in rows}
    for item in [*changes, *reminders]:
        item["label"] = labels.get(item["key"], item["key"])
    return {
        "template": "timelines/_inspection_stages.html",
        "title": "Stages: planned against actual",
        "stages": stages,
        "stage_chart": chart,
        "changes": changes[:20],
        "reminders": reminders[:20],
    }


ROUTES = [performance_page, performance_export]
