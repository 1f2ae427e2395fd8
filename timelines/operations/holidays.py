"""Add or remove a bank holiday: the one operation that changes the working-day calendar (the
admin's page, and the GOV.UK refresh to come). The change and the recompute of every open
milestone, each moved date recorded, happen in one transaction with the audit row."""

from __future__ import annotations

from datetime import date

from timelines.core.calendar import ADMIN_HOLIDAY_NAME
from timelines.core.workflow import long_date
from timelines.store import current_calendar, refresh_all
from timelines.tables import CalendarChange, Holiday
from tracker import policy
from tracker.clock import now_utc
from tracker.operations import Actor, Refused, change

AUDIT_ACTIONS = {"added": "holiday.add", "removed": "holiday.remove"}


def change_reason(change_id: int, action: str, day: date) -> str:
    return f"calendar change #{change_id}: bank holiday {action} on {day.isoformat()}"


async def change_calendar(
    actor: Actor, action: str, day: date, *, name: str, reason: str, today: date, field: str = "day"
) -> tuple[int, list[dict]]:
    """Add or remove one bank holiday and recompute every open milestone, in one transaction.
    Returns the CalendarChange id and the due dates that moved. Raises Refused (naming `field`)."""
    if actor.principal is not None:
        policy.require(actor.principal, "calendar.change")
    if action not in AUDIT_ACTIONS:
        raise Refused({field: "Unknown change"})
    by_user_id = actor.user_id
    async with change(actor, AUDIT_ACTIONS[action], object_type="calendar_change") as entry:
        calendar = await current_calendar()
        existing = await Holiday.select().where(Holiday.day == day).first()
        if action == "added":
            if day.weekday() >= 5:
                raise Refused({field: "The holiday must be a weekday: weekends are never working days"})
            if day in calendar.holidays:
                raise Refused({field: f"{long_date(day)} is already a bank holiday"})
            if existing:  # a computed holiday an administrator had removed: restore it
                await Holiday.delete().where(Holiday.day == day)
            else:
                await Holiday.insert(
                    Holiday(
                        day=day,
                        change="added",
                        name=name or ADMIN_HOLIDAY_NAME,
                        reason=reason,
                        changed_by=by_user_id,
                        changed_at=now_utc(),
                    )
                )
        else:
            if day not in calendar.holidays:
                raise Refused({field: f"{long_date(day)} is not a bank holiday"})
            if existing:  # an administrator's own addition: take it away
                await Holiday.delete().where(Holiday.day == day)
            else:
                await Holiday.insert(
                    Holiday(
                        day=day,
                        change="removed",
                        name=name,
                        reason=reason,
                        changed_by=by_user_id,
                        changed_at=now_utc(),
                    )
                )
        recorded = CalendarChange(
            day=day, action=action, name=name, reason=reason, changed_by=by_user_id, changed_at=now_utc()
        )
        await recorded.save()
        moved = await refresh_all(change_reason(recorded.id, action, day), today=today)
        counted = {CalendarChange.moved: len(moved)}
        await CalendarChange.update(counted).where(CalendarChange.id == recorded.id)
        entry.object_id = recorded.id
        entry.detail = f"day={day.isoformat()} moved={len(moved)}"
    return recorded.id, moved


