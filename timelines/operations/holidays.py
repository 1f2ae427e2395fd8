"""Add or remove a bank holiday: the one operation that changes the working-day calendar (the
admin's page, and GOV.UK's bank holidays once an administrator confirms them). The change and the
recompute of every open milestone, each moved date recorded, happen in one transaction with the
audit row. Also: keeping each version of GOV.UK's data fetched, with a preview of what each
difference would move (the same operation, rolled back), and applying a version's differences."""

from __future__ import annotations

from datetime import date

from timelines.core.calendar import ADMIN_HOLIDAY_NAME
from timelines.core.workflow import long_date
from timelines.holiday_refresh import Difference, SourceError, content_hash, differences, holidays_in, since
from timelines.store import current_calendar, refresh_all
from timelines.tables import BankHolidaysVersion, CalendarChange, Holiday, StoredMilestone
from tracker import policy
from tracker.clock import now_utc
from tracker.operations import Actor, Refused, change

AUDIT_ACTIONS = {"added": "holiday.add", "removed": "holiday.remove"}


def change_reason(change_id: int, action: str, day: date) -> str:
    return f"calendar change #{change_id}: bank holiday {action} on {day.isoformat()}"


def day_problem(action: str, day: date, holidays) -> str | None:
    """Why this day cannot be added or removed as a bank holiday, or None."""
    if action == "added":
        if day.weekday() >= 5:
            return "The holiday must be a weekday: weekends are never working days"
        if day in holidays:
            return f"{long_date(day)} is already a bank holiday"
    elif day not in holidays:
        return f"{long_date(day)} is not a bank holiday"
    return None


async def problem_with_day(action: str, day: date) -> str | None:
    """The same check against the calendar now, for a form to show beside its other errors."""
    return day_problem(action, day, (await current_calendar()).holidays)


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
        if problem := day_problem(action, day, calendar.holidays):
            raise Refused({field: problem})
        if action == "added":
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


# -- GOV.UK's bank holidays (timelines/holiday_refresh.py) -----------------------------------------

PREVIEW_EXAMPLES = 5
STALE = "The calendar or GOV.UK's data changed after you checked: check the changes again"


def applied_reason(version_id: int) -> str:
    """How a calendar change made from a version of GOV.UK's data begins its reason."""
    return f"GOV.UK bank holidays, version {version_id},"


class _RolledBack(Exception):
    def __init__(self, moved: list[dict]) -> None:
        super().__init__("preview")
        self.moved = moved


async def preview(difference: Difference, today: date) -> dict:
    """What applying one difference would do: the same operation as an administrator's change,
    run in a transaction that is then rolled back. The due dates it would move (a count and a
    few examples), or why it would be refused."""
    from tracker.db import write_transaction

    shown = {"action": difference.action, "day": difference.day.isoformat(), "name": difference.name}
    try:
        async with write_transaction(Holiday._meta.db):
            _, moved = await change_calendar(
                Actor.system("bank holidays preview"),
                difference.action,
                difference.day,
                name=difference.name,
                reason="preview",
                today=today,
            )
            raise _RolledBack(moved)
    except _RolledBack as rolled_back:
        moved = rolled_back.moved
    except Refused as refusal:
        return {**shown, "moved": 0, "examples": [], "refused": refusal.message}
    examples = moved[:PREVIEW_EXAMPLES]
    sm = StoredMilestone
    names = {
        r["inspection"]: r["name"]
        for r in await sm.select(sm.inspection, sm.establishment.name.as_alias("name")).where(
            sm.inspection.is_in(sorted({m["inspection"] for m in examples}) or [0])
        )
    }
    return {
        **shown,
        "moved": len(moved),
        "examples": [
            {
                "inspection": m["inspection"],
                "establishment": names.get(m["inspection"], ""),
                "label": m["label"],
                "old_due": m["old_due"].isoformat(),
                "new_due": m["new_due"].isoformat(),
            }
            for m in examples
        ],
        "refused": "",
    }


async def record_bank_holidays(actor: Actor, body: str, source: str, *, today: date) -> tuple[int, bool]:
    """Keep this version of GOV.UK's data (or, when it is the latest version again, note that it
    was checked) with its differences from the calendar and what each would move. Changes
    nothing else. Returns the version's id and whether it is new. Raises Refused (field
    "source") when the body is not GOV.UK's bank-holidays data."""
    try:
        govuk = holidays_in(body)
    except SourceError as error:
        raise Refused({"source": str(error)}) from error
    found = differences(govuk, await current_calendar(), since(today))
    previews = [await preview(difference, today) for difference in found]
    digest = content_hash(body)
    async with change(actor, "holiday.fetch", object_type="bank_holidays_version") as entry:
        latest = (
            await BankHolidaysVersion.select(BankHolidaysVersion.id, BankHolidaysVersion.content_hash)
            .order_by(BankHolidaysVersion.id, ascending=False)
            .first()
        )
        now = now_utc()
        if latest and latest["content_hash"] == digest:
            version_id, new = latest["id"], False
            await BankHolidaysVersion.update(
                {BankHolidaysVersion.checked_at: now, BankHolidaysVersion.differences: previews}
            ).where(BankHolidaysVersion.id == version_id)
        else:
            row = BankHolidaysVersion(
                fetched_at=now,
                checked_at=now,
                source=source[:500],
                content_hash=digest,
                body=body,
                differences=previews,
            )
            await row.save()
            version_id, new = row.id, True
        entry.object_id = version_id
        entry.detail = f"new={new} differences={len(found)}"
    return version_id, new


async def apply_bank_holidays(
    actor: Actor, version_id: int, expected: list[str], *, today: date
) -> list[tuple[Difference, int, int]]:
    """Apply every difference between this version of GOV.UK's data and the calendar, each
    through `change_calendar` (as an administrator's own change), all in one transaction.
    `expected` is the differences the administrator was shown (Difference.key()): if they are
    no longer the differences, nothing is applied. Returns (difference, calendar change id,
    due dates moved) for each."""
    if actor.principal is not None:
        policy.require(actor.principal, "calendar.change")
    async with change(
        actor, "holiday.refresh_apply", object_type="bank_holidays_version", object_id=version_id
    ) as entry:
        version = await BankHolidaysVersion.select().where(BankHolidaysVersion.id == version_id).first()
        latest = (
            await BankHolidaysVersion.select(BankHolidaysVersion.id)
            .order_by(BankHolidaysVersion.id, ascending=False)
            .first()
        )
        if version is None or latest["id"] != version_id:
            raise Refused(
                {"confirm": "A newer version of GOV.UK's data has been fetched: check its changes"},
                state=True,
            )
        found = differences(holidays_in(version["body"]), await current_calendar(), since(today))
        if not found:
            raise Refused({"confirm": "The calendar already agrees with GOV.UK's data"}, state=True)
        if [d.key() for d in found] != list(expected):
            raise Refused({"confirm": STALE}, state=True)
        fetched = version["fetched_at"].date().isoformat()
        reason = f"{applied_reason(version_id)} fetched {fetched} from {version['source']}"
        done = []
        for difference in found:
            change_id, moved = await change_calendar(
                actor,
                difference.action,
                difference.day,
                name=difference.name,
                reason=reason,
                today=today,
                field="confirm",
            )
            done.append((difference, change_id, len(moved)))
        await BankHolidaysVersion.update(
            {BankHolidaysVersion.applied_at: now_utc(), BankHolidaysVersion.applied_by: actor.user_id}
        ).where(BankHolidaysVersion.id == version_id)
        entry.detail = " ".join(d.key() for d in found)
    return done
