"""Tables of the actionplans domain.

One action plan per inspection report. The structured rows (responses and actions) are the
primary record; uploaded files are attachments, every version kept, downloadable only once a
malware scan has found them clean.
"""

from piccolo.columns import (
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from inspections.tables import Establishment, Inspection, Recommendation
from tracker.tables import AppUser


class ActionPlan(Table, tablename="action_plan"):
    inspection = ForeignKey(Inspection, unique=True, index=True)
    establishment = ForeignKey(Establishment, index=True)
    # draft, submitted, returned, accepted, cleared, published
    status = Varchar(length=20, default="draft", index=True)
    published_url = Varchar(length=500, default="")
    published_on = Date(null=True, default=None)
    first_submitted_on = Date(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)


class PlanResponse(Table, tablename="action_plan_response"):
    """The plan's answer to one recommendation or area of concern."""

    plan = ForeignKey(ActionPlan, index=True)
    recommendation = ForeignKey(Recommendation, index=True)
    response = Varchar(length=20, default="")  # agreed, partly_agreed, not_agreed
    agreed_part = Text(default="")
    reason = Text(default="")
    updated_at = Timestamptz()
    updated_by = ForeignKey(AppUser, null=True)
    version = Integer(default=1)


class PlanAction(Table, tablename="action_plan_action"):
    plan = ForeignKey(ActionPlan, index=True)
    recommendation = ForeignKey(Recommendation, index=True)
    position = Integer(default=0)
    description = Text()
    owner = Varchar(length=200)
    target_date = Date(index=True)
    status = Varchar(length=20, default="not_started", index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    updated_by = ForeignKey(AppUser, null=True)
    version = Integer(default=1)


class ActionProgress(Table, tablename="action_plan_progress"):
    """A dated progress update on one action: the action's history."""

    action = ForeignKey(PlanAction, index=True)
    plan = ForeignKey(ActionPlan, index=True)
    occurred_on = Date()
    status = Varchar(length=20)
    note = Text(default="")
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()


class ActionPlanEvent(Table, tablename="action_plan_event"):
    """Append-only workflow history: who did what and when."""

    plan = ForeignKey(ActionPlan, index=True)
    kind = Varchar(length=40, index=True)
    comment = Text(default="")
    by_user = ForeignKey(AppUser, null=True)
    at = Timestamptz()


class PlanFile(Table, tablename="action_plan_file"):
    """An uploaded file. The original name is metadata only (shown escaped, never used as a path)."""

    plan = ForeignKey(ActionPlan, index=True)
    number = Integer(default=1)
    purpose = Varchar(length=20, default="plan")  # plan (attachment) or import (spreadsheet)
    original_name = Varchar(length=255, default="")
    file_type = Varchar(length=10)  # pdf, docx, xlsx, odt, ods
    size = Integer()
    sha256 = Varchar(length=64)
    scan_status = Varchar(
        length=20, default="pending"
    )  # tracker.scanning: pending, clean, infected, not_scanned, error
    scanned_at = Timestamptz(null=True, default=None)
    content = Bytea(default=b"")
    uploaded_by = ForeignKey(AppUser, null=True)
    uploaded_at = Timestamptz()
