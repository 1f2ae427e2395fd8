"""Stored milestones (a cache of the engine's answer) and the admin-maintained holidays."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
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
