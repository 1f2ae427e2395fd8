"""The working-day calendar for administrators: add or remove a bank holiday (with a reason),
see where the calendar and GOV.UK's bundled data disagree, and see every due date a change moved.

A change and the recompute of every open inspection happen in one transaction."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from timelines.core.calendar import default_calendar
from timelines.operations.holidays import change_calendar, change_reason
from timelines.store import current_calendar
from timelines.tables import CalendarChange, Holiday, MilestoneChange
from tracker import clock
from tracker.access import allow, current
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.roles import Role
from tracker.templating import render

ADMIN = allow(Role.ADMIN)



@lru_cache(maxsize=1)
def govuk_holidays() -> dict[date, str]:
    """England and Wales bank holidays from GOV.UK's data bundled with govuk-bank-holidays."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    data = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return {item["date"]: item["title"] for item in data}


def disagreements(calendar, since: date) -> list[dict]:
    """Weekdays from ``since`` to the end of GOV.UK's data where the two do not agree."""
    govuk = govuk_holidays()
    if not govuk:
        return []
    last = max(govuk)
    ours = dict(calendar.holidays_between(date(since.year - 1, 12, 31), last))
    result = []
    for day in sorted(set(govuk) | set(ours)):
        if day < since or day.weekday() >= 5:
            continue
        if day in govuk and day not in ours:
            result.append(
                {"day": day, "text": f"GOV.UK lists {govuk[day]}; the calendar treats it as a working day"}
            )
        elif day in ours and day not in govuk:
            result.append({"day": day, "text": f"The calendar has {ours[day]}; GOV.UK does not list it"})
    return result


def _calendar_days(calendar, today: date, names: dict[date, str]) -> list[dict]:
    base = dict(
        default_calendar().holidays_between(date(today.year - 1, 12, 31), date(today.year + 1, 12, 31))
    )
    days = calendar.holidays_between(date(today.year - 1, 12, 31), date(today.year + 1, 12, 31))
    return [{"day": day, "name": names.get(day) or name, "added": day not in base} for day, name in days]


async def _page(request: Request, form: dict, errors: dict) -> Template:
    today = clock.today_london()
    calendar = await current_calendar()
    changes = await Holiday.select(
        Holiday.day,
        Holiday.change,
        Holiday.name,
        Holiday.reason,
        Holiday.changed_at,
        Holiday.changed_by.username.as_alias("by"),
    ).order_by(Holiday.day)
    removed = [
        c for c in changes if c["change"] == "removed" and c["day"].year in (today.year, today.year + 1)
    ]
    history = (
        await CalendarChange.select(
            CalendarChange.id,
            CalendarChange.day,
            CalendarChange.action,
            CalendarChange.name,
            CalendarChange.moved,
            CalendarChange.changed_at,
            CalendarChange.changed_by.username.as_alias("by"),
        )
        .order_by(CalendarChange.id, ascending=False)
        .limit(20)
    )
    return render(
        request,
        "timelines/holidays.html",
        days=_calendar_days(
            calendar, today, {c["day"]: c["name"] for c in changes if c["change"] == "added"}
        ),
        removed=removed,
        history=history,
        disagreements=disagreements(calendar, date(today.year, 1, 1)),
        form=form,
        errors=errors,
        years=(today.year, today.year + 1),
    )


@get("/admin/holidays", opt=ADMIN)
async def holidays_page(request: Request) -> Template:
    return await _page(request, {}, {})


@post("/admin/holidays", opt=ADMIN)
async def holiday_add(request: Request) -> Response:
    actor = Actor(current(request), request)
    form = await Form.from_request(request)
    day = form.date("day", "the date of the holiday")
    name = form.text("name", "the name of the holiday", max_length=200)
    reason = form.text("reason", "the reason for the change", max_length=1000)
    if form.ok:
        try:
            change_id, _ = await change_calendar(
                actor, "added", day, name=name, reason=reason, today=clock.today_london()
            )
            return Redirect(path=f"/admin/holidays/changes/{change_id}")
        except Refused as refusal:
            form.add_errors(refusal.errors)
    return await _page(request, dict(form.data), form.errors)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@get("/admin/holidays/remove", opt=ADMIN)
async def holiday_remove_form(request: Request) -> Template:
    day = _parse_day(request.query_params.get("day", ""))
    calendar = await current_calendar()
    if day is None or day not in calendar.holidays:
        raise NotFoundException("Page not found")
    name = dict(calendar.holidays_between(day, day)).get(day, "")
    return render(request, "timelines/holiday_remove.html", day=day, name=name, form={}, errors={})


@post("/admin/holidays/remove", opt=ADMIN)
async def holiday_remove(request: Request) -> Response:
    form = await Form.from_request(request)
    day = _parse_day(form.raw("day"))
    calendar = await current_calendar()
    if day is None or day not in calendar.holidays:
        raise NotFoundException("Page not found")
    name = dict(calendar.holidays_between(day, day)).get(day, "")
    reason = form.text("reason", "the reason for the change", max_length=1000)
    if form.ok:
        try:
            change_id, _ = await change_calendar(
                Actor(current(request), request),
                "removed",
                day,
                name=name,
                reason=reason,
                today=clock.today_london(),
                field="reason",
            )
            return Redirect(path=f"/admin/holidays/changes/{change_id}")
        except Refused as refusal:
            form.add_errors(refusal.errors)
    return render(
        request, "timelines/holiday_remove.html", day=day, name=name, form=dict(form.data), errors=form.errors
    )


@get("/admin/holidays/changes/{change_id:int}", opt=ADMIN)
async def holiday_change(request: Request, change_id: FromPath[int]) -> Template:
    change = await CalendarChange.select().where(CalendarChange.id == change_id).first()
    if change is None:
        raise NotFoundException("Page not found")
    mc = MilestoneChange
    moved = (
        await mc.select(
            mc.inspection,
            mc.key,
            mc.old_due,
            mc.new_due,
            mc.inspection.establishment.name.as_alias("establishment_name"),
        )
        .where(mc.reason == change_reason(change["id"], change["action"], change["day"]))
        .order_by(mc.inspection.establishment.name)
        .order_by(mc.inspection)
    )
    from timelines.tables import StoredMilestone

    labels = {
        (r["inspection"], r["key"]): r["label"]
        for r in await StoredMilestone.select(
            StoredMilestone.inspection, StoredMilestone.key, StoredMilestone.label
        ).where(StoredMilestone.inspection.is_in(sorted({m["inspection"] for m in moved}) or [0]))
    }
    for row in moved:
        row["label"] = labels.get((row["inspection"], row["key"]), row["key"])
    return render(request, "timelines/holiday_change.html", change=change, moved=moved)


ROUTES = [holidays_page, holiday_add, holiday_remove_form, holiday_remove, holiday_change]
