"""Stored milestones (a cache of the engine's answer) and the admin-maintained holidays."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from inspections.tables import Establishment, Inspection
from tracker.tables import AppUser


class StoredMilestone(Table, tablename="stored_milestone"):
    inspection = ForeignKey(Inspection, index=True)
    establishment = ForeignKey(Establishment, index=True)
    process = Varchar(length=30)
    key = Varchar(length=60, index=True)
    label = Varchar(length=200)
    owner = Varchar(length=30, index=True)
    kind = Varchar(length=20)
    due = Date(null=True, default=None, index=True)
    window_open = Date(null=True, default=None)
    window_close = Date(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    original_due = Date(null=True, default=None)
    done_on = Date(null=True, default=None)
    status = Varchar(length=20, index=True)
    working_days = Integer(null=True, default=None)
    rule = Varchar(length=300)
    source = Varchar(length=100)
    note = Text(default="")  # the milestone's own words, e.g. what overtook it (¶32)
    calendar_version = Varchar(length=40)
    computed_at = Timestamptz()


class Holiday(Table, tablename="holiday"):
    """An admin's change to the working-day calendar: a holiday added or a computed one removed."""

    day = Date(unique=True, index=True)
    change = Varchar(length=10)  # added or removed
    name = Varchar(length=200, default="")
    reason = Text(default="")
    changed_by = ForeignKey(AppUser, null=True)
    changed_at = Timestamptz()


class MilestoneChange(Table, tablename="milestone_change"):
    """A due date that moved, and why: the history shown on the inspection and the holiday page."""

    inspection = ForeignKey(Inspection, index=True)
    key = Varchar(length=60)
    old_due = Date(null=True, default=None)
    new_due = Date(null=True, default=None)
    reason = Varchar(length=300)
    changed_at = Timestamptz()


class RecurringDone(Table, tablename="recurring_done"):
    """A recurring obligation (DOMAIN.md) marked done: the latest one schedules the next."""

    key = Varchar(length=60, index=True)
    done_on = Date()
    note = Varchar(length=300, default="")
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()


class CalendarFeedToken(Table, tablename="calendar_feed_token"):
    """A person's private iCalendar feed: the token is a secret, stored only as its hash."""

    user = ForeignKey(AppUser, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class SentReminder(Table, tablename="sent_reminder"):
    """One reminder or escalation sent: never sent twice for the same item, kind and due date."""

    user = ForeignKey(AppUser, index=True)
    inspection = ForeignKey(Inspection, null=True, index=True)
    key = Varchar(length=60)
    kind = Varchar(length=20)  # due_soon, due_today, overdue, escalation
    due = Date(null=True, default=None)
    sent_on = Date(index=True)
    sent_at = Timestamptz()


class CalendarChange(Table, tablename="calendar_change"):
    """An administrator's change to the holidays, with how many due dates it moved."""

    day = Date()
    action = Varchar(length=20)  # added or removed
    name = Varchar(length=200, default="")
    reason = Text(default="")
    changed_by = ForeignKey(AppUser, null=True)
    changed_at = Timestamptz()
    moved = Integer(default=0)


class ProgrammeImport(Table, tablename="programme_import"):
    """An uploaded inspection programme: checked first (dry run), applied only when every row is good."""

    uploaded_by = ForeignKey(AppUser, null=True)
    created_at = Timestamptz()
    filename = Varchar(length=255, default="")
    rows = JSON(default="[]")
    errors = JSON(default="[]")
    status = Varchar(length=20, default="checked")  # checked, applied
    total = Integer(default=0)
    processed = Integer(default=0)
    created = Integer(default=0)
    changed = Integer(default=0)
    applied_at = Timestamptz(null=True, default=None)


class BankHolidaysVersion(Table, tablename="bank_holidays_version"):
    """One version of GOV.UK's bank-holidays data as fetched (timelines/holiday_refresh.py): its
    body kept whole, and, when it was fetched, how it differed from the calendar and the due dates
    each difference would move. Applied only when an administrator confirms."""

    fetched_at = Timestamptz(index=True)
    checked_at = Timestamptz()  # the last fetch that found this same content
    source = Varchar(length=500)
    content_hash = Varchar(length=64, index=True)  # SHA-256 of the body
    body = Text()
    differences = JSON(default="[]")  # [{action, day, name, moved, examples: [...]}, ...]
    applied_at = Timestamptz(null=True, default=None)
    applied_by = ForeignKey(AppUser, null=True)
