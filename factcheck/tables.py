"""Tables of the factcheck domain: the draft report and its covering letter, the Scrutiny Team's
return with its accuracy points and HMIP's answers, unpublished data items and photographs.

Dated facts (draft_sent, factcheck_returned, hmip_response_sent, press_release_shared, published)
are inspection events (inspections.events.record_event); these tables hold the content.
"""

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from inspections.tables import Inspection
from tracker.tables import AppUser


class DraftReport(Table, tablename="fc_draft_report"):
    """The draft sent to the Scrutiny Team with its covering letter (MoU ¶31). One per inspection."""

    inspection = ForeignKey(Inspection, unique=True, index=True)
    sent_on = Date()
    indicative_publication = Date(null=True, default=None)
    shared_with_establishment = Boolean(default=False)
    shared_at = Timestamptz(null=True, default=None)
    shared_by = ForeignKey(AppUser, null=True)
    recorded_by = ForeignKey(AppUser, null=True)
    recorded_at = Timestamptz()
    version = Integer(default=1)


class DraftFile(Table, tablename="fc_draft_file"):
    """The draft report's file, stored in the database (the latest upload is the current one)."""

    inspection = ForeignKey(Inspection, index=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=120)
    size = Integer()
    content = Bytea()
    uploaded_by = ForeignKey(AppUser, null=True)
    uploaded_at = Timestamptz()
    scan_status = Varchar(length=20, default="pending")  # tracker.scanning: only "clean" downloads


class FactCheckReturn(Table, tablename="fc_return"):
    """The Scrutiny Team's return (MoU ¶32): details kept while it is prepared, then submitted."""

    inspection = ForeignKey(Inspection, unique=True, index=True)
    returned_on = Date(null=True, default=None)
    content_to_publish = Varchar(length=5, default="")  # yes / no / "" (not said yet)
    not_content_reason = Text(default="")
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = ForeignKey(AppUser, null=True)
    version = Integer(default=1)


class AccuracyPoint(Table, tablename="fc_accuracy_point"):
    """One factual accuracy point and HMIP's answer to it (MoU ¶32-¶33)."""

    inspection = ForeignKey(Inspection, index=True)
    number = Integer()
    origin = Varchar(length=20, default="scrutiny")  # scrutiny, establishment
    state = Varchar(length=20, default="included", index=True)  # included, proposed, dropped
    location = Varchar(length=200)
    category = Varchar(length=30)
    current_text = Text(default="")
    proposed_correction = Text()
    evidence = Text(default="")
    created_by = ForeignKey(AppUser, null=True)
    created_at = Timestamptz()
    decision = Varchar(length=20, default="")  # accepted, partly_accepted, not_accepted
    matter_of_judgement = Boolean(default=False)
    reason = Text(default="")
    answered_by = ForeignKey(AppUser, null=True)
    answered_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class DataItem(Table, tablename="fc_data_item"):
    """Unpublished data a report intends to use (MoU ¶18, Annex B ¶4)."""

    inspection = ForeignKey(Inspection, index=True)
    description = Text()
    source = Varchar(length=20)  # hub, hmpps_other, fieldwork
    report_section = Varchar(length=200, default="")
    notified_on = Date(null=True, default=None)
    response = Varchar(length=20, default="")  # "" (none yet), consent, objection
    objection_reason = Text(default="")
    consent_reference = Varchar(length=100, default="")
    responded_on = Date(null=True, default=None)
    responded_by = ForeignKey(AppUser, null=True)
    resolution = Varchar(length=20, default="")  # "", removed, withdrawn
    resolution_note = Text(default="")
    resolved_by = ForeignKey(AppUser, null=True)
    resolved_at = Timestamptz(null=True, default=None)
    proceeded_by = ForeignKey(AppUser, null=True)
    proceeded_at = Timestamptz(null=True, default=None)
    # HMIP publishes over HMPPS's objection to non-Hub data (MoU ¶31), with its reason
    override_reason = Text(default="")
    overridden_by = ForeignKey(AppUser, null=True)
    overridden_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(AppUser, null=True)
    created_at = Timestamptz()
    version = Integer(default=1)


class Photograph(Table, tablename="fc_photograph"):
    """A photograph the report intends to use, with the Annex A checks and HMPPS's view."""

    inspection = ForeignKey(Inspection, index=True)
    caption = Varchar(length=300)
    image = Bytea(null=True, default=None)
    image_type = Varchar(length=40, default="")
    scan_status = Varchar(length=20, default="")  # tracker.scanning; "" when there is no image
    identity_check = Varchar(length=30)  # nobody_identifiable, consent_held
    # Annex A, identity: the written consent of an identifiable person says what the picture is
    # for, how it is stored, for how long and who it is shared with; it may be withdrawn
    consent_purpose = Text(default="")
    consent_storage = Text(default="")
    consent_duration = Text(default="")
    consent_sharing = Text(default="")
    consent_withdrawn_on = Date(null=True, default=None)
    security_check = Boolean(default=False)
    # Annex A: none published of prisoners of interest, none that might upset victims
    prisoner_of_interest = Boolean(default=False)
    may_upset_victims = Boolean(default=False)
    # Annex A: HMPPS consults the Governor or Director before publication (the Scrutiny Team records it)
    governor_consulted_on = Date(null=True, default=None)
    response = Varchar(length=20, default="")  # "" (none yet), no_objection, objection
    objection_reason = Text(default="")
    responded_by = ForeignKey(AppUser, null=True)
    responded_at = Timestamptz(null=True, default=None)
    resolution = Varchar(length=20, default="")  # "", removed, withdrawn
    resolved_by = ForeignKey(AppUser, null=True)
    resolved_at = Timestamptz(null=True, default=None)
    # HMIP publishes over HMPPS's objection to a photograph (MoU ¶31), with its reason
    override_reason = Text(default="")
    overridden_by = ForeignKey(AppUser, null=True)
    overridden_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(AppUser, null=True)
    created_at = Timestamptz()
    version = Integer(default=1)
