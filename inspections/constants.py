"""The inspections domain's vocabularies: values stored, and the words shown for them."""

from __future__ import annotations

from timelines.core.kinds import KIND_LABELS

ESTABLISHMENT_KINDS = {
    "prison": "Prison",
    "yoi": "Young offender institution",
    "stc": "Secure training centre",
    "irc": "Immigration removal centre",
    "sthf": "Short-term holding facility",
    "pda": "Pre-departure accommodation",
    "court_custody": "Court custody",
    "escort": "Escort contract",
}
COHORTS = {"adult": "Adult", "cyp": "Children and young people"}
OPERATORS = {"public": "Public", "contracted": "Contracted"}

INSPECTION_KINDS = KIND_LABELS
PARTNERS = {
    "ofsted": "Ofsted",
    "cqc": "Care Quality Commission (CQC)",
    "hmi_probation": "HM Inspectorate of Probation",
    "estyn": "Estyn",
    "ciw": "Care Inspectorate Wales",
}
STC_PARTNERS = ("ofsted", "cqc")

HEALTHY_PRISON_TESTS = {
    "safety": "Safety",
    "respect": "Respect",
    "purposeful_activity": "Purposeful activity",
    "preparation_for_release": "Preparation for release",
}
SCORES = {
    "4": "4 – good",
    "3": "3 – reasonably good",
    "2": "2 – not sufficiently good",
    "1": "1 – poor",
}
PROGRESS = {
    "no_meaningful": "No meaningful progress",
    "insufficient": "Insufficient progress",
    "reasonable": "Reasonable progress",
    "good": "Good progress",
}
ATTENDEES = {
    "governor": "Governor or Director",
    "pgd": "Prison Group Director",
    "ed": "Executive Director",
    "representative": "A representative of the Prison Group Director or Executive Director",
    "imb_chair": "Chair of the Independent Monitoring Board",
}
ABSENCE_NOTICE = {
    "in_advance": "Yes, they told the team leader in advance",
    "none": "No, no notice was given",
}

RECOMMENDATION_KINDS = {"recommendation": "Recommendation", "area_of_concern": "Area of concern"}

# Events the inspection pages record (fact keys close milestones; the rest are history).
EVENT_LABELS = {
    "pre_inspection_instructions": "Pre-inspection instructions issued",
    "announced": "Inspection announced to the establishment",
    "debrief_held": "Final debrief held",
    "debrief_note_sent": "Debrief note sent to HMPPS HQ",
    "draft_sent": "Draft report sent to the Scrutiny Team",
    "factcheck_returned": "Fact check returned to HMIP",
    "hmip_response_sent": "HMIP responded to the accuracy points",
    "published": "Report published",
    "press_release_shared": "Press notice shared with HMPPS",
    "action_plan_received": "Action plan submitted by the establishment",
    "action_plan_quality_assured": "Action plan quality-assured by the Scrutiny Team",
    "action_plan_cleared": "Action plan cleared by the Executive Director",
    "action_plan_available": "Action plan in place and available",
    "action_plan_published": "Action plan published on HMIP's website",
    "urgent_notification_raised": "Urgent notification raised",
    "un_letter_sent": "Urgent notification letter sent to the Secretary of State",
    "un_published": "Urgent notification letter and debrief summary published",
    "sos_responded": "Secretary of State responded",
    "feedback_sought": "Voluntary feedback sought from the establishment",
    "feedback_received": "Feedback received from the establishment",
    "emerging_findings_discussed": "Emerging findings discussed with HMPPS",
    "hmpps_response_letter": "HMPPS letter of response received",
    "deadline_extended": "Deadline extended",
}
EVENT_SOURCES = {
    "pre_inspection_instructions": "MoU ¶22",
    "debrief_note_sent": "MoU ¶25",
    "un_letter_sent": "MoU ¶39, ¶41",
    "un_published": "MoU ¶41, ¶25",
    "sos_responded": "MoU ¶43",
    "feedback_sought": "MoU ¶29",
    "emerging_findings_discussed": "MoU ¶52",
    "hmpps_response_letter": "MoU ¶50",
}
# What a team leader or HMIP manager records on the "record what happened" page, by kind of
# inspection. Draft, fact check and publication facts are recorded on the factcheck pages.
RECORDABLE = {
    "full": [
        "pre_inspection_instructions",
        "debrief_note_sent",
        "feedback_sought",
        "feedback_received",
    ],
    "irp": ["pre_inspection_instructions", "feedback_sought", "feedback_received", "hmpps_response_letter"],
    "thematic": ["emerging_findings_discussed", "feedback_sought", "feedback_received"],
}
UN_RECORDABLE = ["un_letter_sent", "un_published", "sos_responded"]
TIMED_EVENTS = {"un_letter_sent", "un_published"}
LINKED_EVENTS = {"sos_responded", "un_published"}

STAGES = {
    "planned": "Planned",
    "on_site": "On site",
    "drafting": "Report being drafted",
    "fact_check": "Fact check",
    "hmip_response": "HMIP answering accuracy points",
    "publication": "Awaiting publication",
    "action_plan": "Published: action plan due",
    "complete": "Complete",
}

STATUS_TAGS = {
    "waiting": ("Waiting", "grey"),
    "not_yet_due": ("Not yet due", "blue"),
    "due_soon": ("Due soon", "yellow"),
    "due_today": ("Due today", "orange"),
    "overdue": ("Overdue", "red"),
    "done_on_time": ("Done on time", "green"),
    "done_late": ("Done late", "pink"),
    "done": ("Done", "green"),
    "not_applicable": ("Not applicable", "grey"),
    "done_early": ("Done early", "turquoise"),
    "overtaken": ("Overtaken", "purple"),
}
LIST_SHOWS = {"closed": "Closed inspections", "all": "All inspections"}  # live ones by default
OWNER_SHORT = {
    "hmip": "HMIP",
    "scrutiny": "HMPPS Scrutiny Team",
    "establishment": "The establishment",
    "hmpps": "HMPPS",
    "sos": "Secretary of State",
}
