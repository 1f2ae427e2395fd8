"""Establishments, who belongs to them, inspections and the dated events that happened to them."""

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from tracker.tables import AppUser


class Establishment(Table, tablename="establishment"):
    name = Varchar(length=200, unique=True, index=True)
    code = Varchar(length=10, default="")
    kind = Varchar(length=40, index=True)
    cohort = Varchar(length=20, default="adult")
    operator = Varchar(length=20, default="public")
    prison_group = Varchar(length=100, default="", index=True)
    region = Varchar(length=100, default="")
    active = Boolean(default=True)
    operational_on = Date(null=True, default=None)
    hmpps_notified_on = Date(null=True, default=None)
    version = Integer(default=1)


class EstablishmentMember(Table, tablename="establishment_member"):
    """Scopes an establishment user to the establishments they may see."""

    user = ForeignKey(AppUser, index=True)
    establishment = ForeignKey(Establishment, index=True)


class Inspection(Table, tablename="inspection"):
    establishment = ForeignKey(Establishment, index=True)
    kind = Varchar(length=20, index=True)  # full, irp, thematic
    title = Varchar(length=300, default="")
    start_date = Date()
    end_date = Date(index=True)  # day 0
    announced = Boolean(default=False)
    announced_on = Date(null=True, default=None)
    team_leader = ForeignKey(AppUser, null=True, index=True)
    coordinator = Varchar(length=200, default="")
    liaison_officer = Varchar(length=200, default="")
    partner_inspectorates = Varchar(length=200, default="")
    follows = ForeignKey(LazyTableReference("Inspection", module_path=__name__), null=True, index=True)
    stage_overrides = JSON(default="{}")
    urgent_notification = Boolean(default=False)
    closed = Boolean(default=False, index=True)
    inspector_count = Integer(null=True, default=None)  # an IRP: four or five (MoU ¶49)
    days_on_site = Real(null=True, default=None)  # an IRP: about 2.5 (MoU ¶49); None: from the dates
    created_at = Timestamptz()
    version = Integer(default=1)


class InspectionTeamMember(Table, tablename="inspection_team_member"):
    inspection = ForeignKey(Inspection, index=True)
    user = ForeignKey(AppUser, index=True)


class InspectionEvent(Table, tablename="inspection_event"):
    """Append-only facts. A correction is a new event that names the one it supersedes."""

    inspection = ForeignKey(Inspection, index=True)
    kind = Varchar(length=60, index=True)
    occurred_on = Date()
    occurred_at = Timestamptz(null=True, default=None)
    detail = JSON(default="{}")
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()
    supersedes = ForeignKey(LazyTableReference("InspectionEvent", module_path=__name__), null=True)


class Recommendation(Table, tablename="recommendation"):
    inspection = ForeignKey(Inspection, index=True)
    reference = Varchar(length=40)
    text = Text()
    area = Varchar(length=200, default="")
    kind = Varchar(length=30, default="recommendation")  # or area_of_concern
    position = Integer(default=0)


# -- added by issue 4: thematic visits, the final debrief and its note, IRP follow-ups -------------


class InspectionEstablishment(Table, tablename="thematic_visit"):
    """Establishments visited by a thematic review (besides Inspection.establishment)."""

    inspection = ForeignKey(Inspection, index=True)
    establishment = ForeignKey(Establishment, index=True)


class Debrief(Table, tablename="debrief"):
    """The formal final-day debrief (MoU ¶23, ¶25). One per inspection; edits bump version."""

    inspection = ForeignKey(Inspection, unique=True, index=True)
    held_on = Date()
    attendees = JSON(default="[]")  # keys of ATTENDEES
    representative = Varchar(length=200, default="")  # who represented the PGD/ED, if anyone
    absence_notice = Varchar(length=20, default="")  # in_advance, none, not_needed
    notice_given_on = Date(null=True, default=None)
    judgements = JSON(default="{}")  # healthy prison test -> 1..4 (full inspections)
    progress = JSON(default="{}")  # recommendation id -> progress judgement (IRPs)
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()
    version = Integer(default=1)


class DebriefNote(Table, tablename="debrief_note"):
    """The confidential debrief note (MoU ¶25): text and an optional file held in the database."""

    inspection = ForeignKey(Inspection, unique=True, index=True)
    text = Text(default="")
    file_name = Varchar(length=255, default="")
    file_type = Varchar(length=100, default="")
    file_size = Integer(default=0)
    file_content = Bytea(null=True, default=None)
    scan_result = Varchar(length=60, default="")
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()
    version = Integer(default=1)


class FollowUp(Table, tablename="irp_follow_up"):
    """A recommendation of the previous full inspection that an IRP follows up (MoU ¶45)."""

    inspection = ForeignKey(Inspection, index=True)
    recommendation = ForeignKey(Recommendation, index=True)
