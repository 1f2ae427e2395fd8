"""The working-day calendar for administrators: add or remove a bank holiday (with a reason),
see where the calendar and GOV.UK's bundled data disagree, and see every due date a change moved;
check GOV.UK's bank holidays and apply their differences once confirmed (/admin/holidays/refresh).

A change and the recompute of every open inspection happen in one transaction."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from timelines.core.calendar import default_calendar
from timelines.holiday_refresh import SourceError, differences, holidays_in, since
from timelines.operations.holidays import (
    applied_reason,
    apply_bank_holidays,
    change_calendar,
    change_reason,
    problem_with_day,
)
from timelines.store import current_calendar
from timelines.tables import BankHolidaysVersion, CalendarChange, Holiday, MilestoneChange
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
    if day is not None and "day" not in form.errors and (problem := await problem_with_day("added", day)):
        form.error("day", problem)  # beside the other fields' errors, all at once
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


# -- GOV.UK's bank holidays: check, then apply on confirmation ----------------------------------


async def _latest_version() -> dict | None:
    v = BankHolidaysVersion
    return await v.select().order_by(v.id, ascending=False).first()


def _previews(version: dict) -> dict[str, dict]:
    shown = version["differences"]
    shown = json.loads(shown) if isinstance(shown, str) else shown
    for preview in shown:
        for example in preview["examples"]:
            example["old_due"] = date.fromisoformat(example["old_due"])
            example["new_due"] = date.fromisoformat(example["new_due"])
    return {f"{d['action']}:{d['day']}": d for d in shown}


async def _refresh_page(request: Request, errors: dict) -> Template:
    """What differs now between the latest version of GOV.UK's data and the calendar, each
    difference beside what it would move (as found when the version was checked)."""
    today = clock.today_london()
    version = await _latest_version()
    items = []
    if version is not None:
        previews = _previews(version)
        found = differences(holidays_in(version["body"]), await current_calendar(), since(today))
        items = [{"difference": d, "preview": previews.get(d.key())} for d in found]
    return render(
        request,
        "admin/holidays_refresh.html",
        version=version,
        items=items,
        changes=",".join(item["difference"].key() for item in items),
        errors=errors,
    )


@get("/admin/holidays/refresh", opt=ADMIN)
async def refresh_page(request: Request) -> Template:
    return await _refresh_page(request, {})


@post("/admin/holidays/refresh/check", opt=ADMIN)
async def refresh_check(request: Request) -> Response:
    from timelines.jobs import check_bank_holidays

    try:
        await check_bank_holidays(None, clock.today_london(), Actor(current(request), request))
    except (SourceError, Refused) as error:
        return await _refresh_page(request, {"check": str(error)})
    return Redirect(path="/admin/holidays/refresh")


@post("/admin/holidays/refresh", opt=ADMIN)
async def refresh_apply(request: Request) -> Response:
    form = await Form.from_request(request)
    try:
        version_id = int(form.raw("version"))
    except ValueError as error:
        raise NotFoundException("Page not found") from error
    expected = [key for key in form.raw("changes").split(",") if key]
    try:
        await apply_bank_holidays(
            Actor(current(request), request), version_id, expected, today=clock.today_london()
        )
    except Refused as refusal:
        return await _refresh_page(request, refusal.errors)
    return Redirect(path=f"/admin/holidays/refresh/applied/{version_id}")


@get("/admin/holidays/refresh/applied/{version_id:int}", opt=ADMIN)
async def refresh_applied(request: Request, version_id: FromPath[int]) -> Template:
    v = BankHolidaysVersion
    version = await v.select(v.id, v.source, v.fetched_at, v.applied_at).where(v.id == version_id).first()
    if version is None or version["applied_at"] is None:
        raise NotFoundException("Page not found")
    changes = (
        await CalendarChange.select(
            CalendarChange.id,
            CalendarChange.day,
            CalendarChange.action,
            CalendarChange.name,
            CalendarChange.moved,
        )
        .where(CalendarChange.reason.like(f"{applied_reason(version_id)}%"))
        .order_by(CalendarChange.day)
    )
    return render(request, "admin/holidays_refresh_applied.html", version=version, changes=changes)


ROUTES = [
    holidays_page,
    holiday_add,
    holiday_remove_form,
    holiday_remove,
    holiday_change,
    refresh_page,
    refresh_check,
    refresh_apply,
    refresh_applied,
]
