"""Every deadline in DOMAIN.md, as ONE declarative table (``RULES``).

A rule says: from which fact (``anchor``; "day0" is the last day of the inspection or visit),
by how much (``offset`` text, or ``window`` text for an open-close range), who owns it, which MoU
paragraph says so, and which fact closes it (``done_by``). Changing a rule is one line here.
``derived`` marks defaults the MoU does not state (e.g. the IRP draft at 10 working days).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from timelines.core.calendar import WorkingCalendar, default_calendar
from timelines.core.offsets import Offset, WindowOffset

FULL_INSPECTION = "full-inspection"
URGENT_NOTIFICATION = "urgent-notification"
IRP = "irp"
THEMATIC = "thematic"
PROGRAMME = "programme"
RECURRING = "recurring"
INSPECTION_PROCESSES = (FULL_INSPECTION, URGENT_NOTIFICATION, IRP, THEMATIC)
PROCESSES = (*INSPECTION_PROCESSES, PROGRAMME, RECURRING)

TARGET, LIMIT, WINDOW = "target", "limit", "window"
KINDS = (TARGET, LIMIT, WINDOW)

OWNERS = {
    "hmip": "HM Inspectorate of Prisons",
    "scrutiny": "HMPPS Scrutiny Team (PAR)",
    "establishment": "The establishment",
    "hmpps": "HMPPS",
    "sos": "Secretary of State for Justice",
}

DAY0 = "day0"
FACT_KEYS = (
    "debrief_held",
    "debrief_note_sent",
    "draft_sent",
    "factcheck_returned",
    "hmip_response_sent",
    "published",
    "press_release_shared",
    "action_plan_received",
    "action_plan_quality_assured",
    "action_plan_cleared",
    "action_plan_available",
    "action_plan_published",
    "un_letter_sent",
    "un_published",
    "sos_responded",
)
PROGRAMME_FACT_KEYS = (
    "last_full_inspection",
    "operational_on",
    "next_full_inspection",
    "last_visit",
    "next_visit",
    "irp_visit",
    "planned_inspection_start",
    "announcement_notified",
)
RECURRING_FACT_KEYS = ("last_done", "done")
SOS_ANCHORS = ("un_letter_sent", "un_published")
NOT_APPLICABLE_TEXTS = ("not applicable", "n/a", "none")

_DAY0_PHRASES = {
    FULL_INSPECTION: "the inspection ended",
    URGENT_NOTIFICATION: "the inspection ended",
    IRP: "the review visit ended",
    THEMATIC: "the fieldwork ended",
}
ANCHOR_PHRASES = {
    "draft_sent": "the draft report was sent",
    "factcheck_returned": "the fact check was returned",
    "hmip_response_sent": "HMIP responded to the accuracy points",
    "published": "the report was published",
    "un_letter_sent": "the letter was sent to the Secretary of State",
    "un_published": "the letter was published",
    "last_full_inspection": "the last full inspection ended",
    "last_visit": "the last visit or inspection ended",
    "planned_inspection_start": "the announced inspection starts",
    "last_done": "it was last done",
}


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    process: str
    label: str
    anchor: str
    kind: str
    owner: str
    source: str
    done_by: str | None
    offset: str | None = None
    window: str | None = None
    derived: bool = False
    proposed: str | None = None
    """For a window: the date HMIP proposes inside it (e.g. 38 working days)."""
    due_by_fact: str | None = None
    """A fact that, when it comes first, pulls the deadline to its own day (¶35: the press release
    is on time if shared on or before the publication day)."""
    capped_by: str | None = None
    """A limit rule (same anchor) this target is never later than (¶31); ``link_rules`` copies
    the limit's offset into ``not_after``."""
    not_after: str | None = None
    overtaken_by: str | None = None
    """A later fact that makes this milestone moot when it stands and this one is not done (¶32)."""
    overtaken_words: str = ""
    """What did not happen, to start the note: "not returned"."""
    early_words: str = ""
    """Set when being done before the due moment is itself a problem (``done_early``, ¶41)."""
    not_applicable_with: str | None = None
    """Another rule of the process: when that one is set not applicable, so is this (¶53)."""
    anchor_fallback: str | None = None
    """A fact to count from when the anchor fact is missing (¶6: a new establishment)."""
    applies_to: tuple[tuple[str, str], ...] = ()
    """Programme cycles: the (establishment kind, cohort) pairs the rule applies to."""
    anchor_phrase: str | None = None
    wording: str | None = None
    """Replaces the generated wording when the offset alone does not explain the rule."""
    note: str = ""
    overridden: bool = False
    not_applicable: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"rule {self.key}: unknown kind {self.kind!r}")
        if self.owner not in OWNERS:
            raise ValueError(f"rule {self.key}: unknown owner {self.owner!r}")
        if (self.offset is None) == (self.window is None):
            raise ValueError(f"rule {self.key}: give exactly one of offset and window")
        if (self.window is not None) != (self.kind == WINDOW):
            raise ValueError(f"rule {self.key}: a window rule has kind 'window' and vice versa")
        self.parsed_offset if self.offset else self.parsed_window  # noqa: B018 - validates text

    @property
    def parsed_offset(self) -> Offset:
        return Offset.parse(self.offset or "")

    @property
    def parsed_window(self) -> WindowOffset:
        return WindowOffset.parse(self.window or "")

    @property
    def is_timestamp(self) -> bool:
        return self.offset is not None and self.parsed_offset.is_timestamp

    def anchor_words(self) -> str:
        if self.anchor_phrase:
            return self.anchor_phrase
        if self.anchor == DAY0:
            return _DAY0_PHRASES.get(self.process, "day 0")
        return ANCHOR_PHRASES.get(self.anchor, self.anchor.replace("_", " "))

    def describe(self) -> str:
        """The rule in words with its source: "32 working days after ... — MoU ¶31"."""
        return _describe(self)

    def _describe_uncached(self) -> str:
        if self.not_applicable:
            return f"not applicable to this review — {self.source}"
        if self.wording:
            words = self.wording
        elif self.window:
            words = self.parsed_window.describe(self.anchor_words())
        else:
            words = self.parsed_offset.describe(self.anchor_words())
        if self.not_after:
            words += f", never later than {self.not_after} after"
        if self.proposed:
            words += f", proposing the working day in the window nearest {self.proposed} after"
        text = f"{words} — {self.source}"
        if self.derived:
            text += " (a default the MoU does not state)"
        if self.overridden:
            text += " (set for this review)"
        return text


@lru_cache(maxsize=1024)
def _describe(the_rule: Rule) -> str:
    return the_rule._describe_uncached()


def _full_inspection_rules(process: str = FULL_INSPECTION) -> tuple[Rule, ...]:
    p = process
    return (
        Rule(
            "debrief",
            p,
            "Final debrief and debrief note to the Governor",
            DAY0,
            LIMIT,
            "hmip",
            "MoU ¶23, ¶25",
            "debrief_held",
            offset="0 calendar days",
        ),
        Rule(
            "debrief_note_to_hq",
            p,
            "Debrief note to HMPPS HQ",
            DAY0,
            TARGET,
            "hmip",
            "MoU ¶25",
            "debrief_note_sent",
            offset="the week following",
        ),
        Rule(
            "draft_report",
            p,
            "Draft report to the Scrutiny Team",
            DAY0,
            TARGET,
            "hmip",
            "MoU ¶31",
            "draft_sent",
            offset="32 working days",
            capped_by="draft_report_limit",
        ),
        Rule(
            "draft_report_limit",
            p,
            "Draft report to the Scrutiny Team: latest date",
            DAY0,
            LIMIT,
            "hmip",
            "MoU ¶31",
            "draft_sent",
            offset="7 weeks",
        ),
        Rule(
            "indicative_publication",
            p,
            "Indicative publication date",
            "draft_sent",
            WINDOW,
            "hmip",
            "MoU ¶31",
            "published",
            window="7 to 8 weeks",
            proposed="38 working days",
            note="The covering letter with the draft gives a date in this window.",
        ),
        Rule(
            "factcheck_return",
            p,
            "Fact check returned to HMIP",
            "draft_sent",
            LIMIT,
            "scrutiny",
            "MoU ¶32",
            "factcheck_returned",
            offset="15 working days",
            anchor_phrase="the draft was received",
            note="If the deadline is missed HMIP may publish anyway (MoU ¶32).",
            overtaken_by="published",
            overtaken_words="not returned",
        ),
        Rule(
            "hmip_response",
            p,
            "HMIP response to accuracy points",
            "factcheck_returned",
            LIMIT,
            "hmip",
            "MoU ¶33",
            "hmip_response_sent",
            offset="10 working days",
            overtaken_by="published",
            overtaken_words="not sent",
            not_applicable_with="factcheck_return",
        ),
        Rule(
            "publication",
            p,
            "Report published",
            "hmip_response_sent",
            WINDOW,
            "hmip",
            "MoU ¶34",
            "published",
            window="10 to 15 working days",
        ),
        Rule(
            "publication_aim",
            p,
            "Report published: overall aim",
            DAY0,
            TARGET,
            "hmip",
            "MoU ¶34",
            "published",
            offset="14 weeks",
        ),
        Rule(
            "press_release",
            p,
            "Press notice or release shared with HMPPS",
            "hmip_response_sent",
            LIMIT,
            "hmip",
            "MoU ¶35",
            "press_release_shared",
            offset="15 working days",
            derived=True,
            due_by_fact="published",
            wording="prior to publication, read as on or before the publication day: by the latest "
            "publication date (15 working days after HMIP responded), or by the day the report "
            "was published if that was sooner",
        ),
        Rule(
            "action_plan",
            p,
            "Action plan in place and available",
            "published",
            LIMIT,
            "establishment",
            "MoU ¶37",
            "action_plan_available",
            offset="3 months",
            note="Met when the plan is available: submitted by the establishment, quality-assured by "
            "the Scrutiny Team and cleared by an Executive Director; its first submission alone "
            "does not meet it.",
        ),
    )


_THEMATIC_STAGES = (
    "draft_report",
    "draft_report_limit",
    "indicative_publication",
    "factcheck_return",
    "hmip_response",
    "publication",
    "publication_aim",
    "press_release",
    "action_plan",
)


def _thematic_rules() -> tuple[Rule, ...]:
    """The report stages of a full inspection, tailored per review (MoU ¶53)."""
    return tuple(
        replace(rule, source=f"MoU ¶53 ({rule.source.removeprefix('MoU ')})")
        for rule in _full_inspection_rules(THEMATIC)
        if rule.key in _THEMATIC_STAGES
    )


_URGENT_NOTIFICATION = (
    Rule(
        "un_letter",
        URGENT_NOTIFICATION,
        "Urgent Notification letter to the Secretary of State",
        DAY0,
        LIMIT,
        "hmip",
        "MoU ¶39, ¶41, ¶42",
        "un_letter_sent",
        offset="7 calendar days",
        note="For a secure training centre Ofsted writes the letter (MoU ¶42).",
    ),
    Rule(
        "un_publication",
        URGENT_NOTIFICATION,
        "Letter and debrief summary published",
        "un_letter_sent",
        TARGET,
        "hmip",
        "MoU ¶41, ¶25",
        "un_published",
        offset="24 hours",
        early_words="published before the Secretary of State's private 24 hours had passed (MoU ¶41)",
    ),
    Rule(
        "sos_response",
        URGENT_NOTIFICATION,
        "Secretary of State's public response",
        "un_letter_sent",
        LIMIT,
        "sos",
        "MoU ¶43",
        "sos_responded",
        offset="28 calendar days",
        anchor_phrase="the Secretary of State received the notification",
    ),
)

_IRP = (
    Rule(
        "irp_draft",
        IRP,
        "Draft IRP report to the Scrutiny Team",
        DAY0,
        TARGET,
        "hmip",
        "MoU ¶50",
        "draft_sent",
        offset="10 working days",
        derived=True,
    ),
    Rule(
        "irp_factcheck_return",
        IRP,
        "IRP fact check returned to HMIP",
        "draft_sent",
        LIMIT,
        "scrutiny",
        "MoU ¶50",
        "factcheck_returned",
        offset="10 working days",
        anchor_phrase="the draft was received",
        overtaken_by="published",
        overtaken_words="not returned",
    ),
    Rule(
        "irp_publication",
        IRP,
        "IRP report published",
        DAY0,
        LIMIT,
        "hmip",
        "MoU ¶50",
        "published",
        offset="25 working days",
    ),
)

# ¶6 and ¶7: which establishments have a programme cycle. IRCs, short-term holding facilities,
# pre-departure accommodation, court custody and escort contracts have none in the MoU.
ADULT_PRISON_ESTABLISHMENTS = (("prison", "adult"), ("yoi", "adult"))
CYP_ESTABLISHMENTS = (("yoi", "cyp"), ("stc", "cyp"))

_PROGRAMME = (
    Rule(
        "adult_full_inspection",
        PROGRAMME,
        "Adult establishment: next full inspection",
        "last_full_inspection",
        LIMIT,
        "hmip",
        "MoU ¶6",
        "next_full_inspection",
        offset="5 years",
        anchor_fallback="operational_on",
        anchor_phrase="the last full inspection ended or, for a new establishment, it became operational",
        applies_to=ADULT_PRISON_ESTABLISHMENTS,
        note="Adult prison establishments only (prisons and YOIs holding adults); counting from "
        "operation for a new establishment is DOMAIN.md's reading of ¶6.",
    ),
    Rule(
        "cyp_full_inspection",
        PROGRAMME,
        "Children's establishment: next full inspection",
        "last_full_inspection",
        WINDOW,
        "hmip",
        "MoU ¶7",
        "next_full_inspection",
        window="18 to 24 months",
        applies_to=CYP_ESTABLISHMENTS,
    ),
    Rule(
        "cyp_visit",
        PROGRAMME,
        "Children's establishment: annual visit (inspection or IRP)",
        "last_visit",
        LIMIT,
        "hmip",
        "MoU ¶7",
        "next_visit",
        offset="12 months",
        applies_to=CYP_ESTABLISHMENTS,
    ),
    Rule(
        "irp_visit",
        PROGRAMME,
        "Independent Review of Progress visit",
        "last_full_inspection",
        WINDOW,
        "hmip",
        "MoU ¶7, ¶48",
        "irp_visit",
        window="8 to 12 months",
    ),
    Rule(
        "announced_inspection_notice",
        PROGRAMME,
        "Announced inspection notified",
        "planned_inspection_start",
        TARGET,
        "hmip",
        "MoU ¶8",
        "announcement_notified",
        offset="6 months before",
    ),
)

_RECURRING = (
    Rule(
        "concerns_database_share",
        RECURRING,
        "Concerns database shared with the PAR Group Intelligence Team",
        "last_done",
        TARGET,
        "hmip",
        "MoU ¶20",
        "done",
        offset="3 months",
        wording="quarterly",
    ),
    Rule(
        "mou_review",
        RECURRING,
        "MoU review",
        "last_done",
        TARGET,
        "hmip",
        "MoU ¶55",
        "done",
        offset="1 year",
        wording="annually",
        note="Lead contacts: HMIP Deputy Chief Inspector and HMPPS Head of Assurance.",
    ),
    Rule(
        "hub_mou_review",
        RECURRING,
        "Performance Hub MoU review",
        "last_done",
        TARGET,
        "hmpps",
        "Hub MoU (Annex B) ¶5.1",
        "done",
        offset="1 year",
        wording="annually",
        note="Conducted by MoJ Data & Analysis.",
    ),
    Rule(
        "stakeholder_survey",
        RECURRING,
        "Stakeholder survey",
        "last_done",
        TARGET,
        "hmip",
        "MoU ¶29",
        "done",
        offset="1 year",
        wording="annually",
    ),
    Rule(
        "inspection_plan_consultation",
        RECURRING,
        "Consultation on inspection plans",
        "last_done",
        TARGET,
        "hmip",
        "MoU ¶5",
        "done",
        offset="1 year",
        wording="annually",
    ),
)

def link_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Resolve the rules' references to each other within one process (after any overrides):
    a target capped by its limit takes the limit's offset, and a stage that follows one set not
    applicable is not applicable too."""
    by_key = {r.key: r for r in rules}
    linked = []
    for r in rules:
        cap = by_key.get(r.capped_by) if r.capped_by else None
        if cap is not None:
            r = replace(r, not_after=None if cap.not_applicable else cap.offset)
        other = by_key.get(r.not_applicable_with) if r.not_applicable_with else None
        if other is not None and other.not_applicable and not r.not_applicable:
            r = replace(r, not_applicable=True, overridden=True)
        linked.append(r)
    return tuple(linked)


RULES: tuple[Rule, ...] = (
    *link_rules(_full_inspection_rules()),
    *_URGENT_NOTIFICATION,
    *_IRP,
    *link_rules(_thematic_rules()),
    *_PROGRAMME,
    *_RECURRING,
)


def programme_rules_for(kind: str, cohort: str) -> tuple[Rule, ...]:
    """The programme cycles an establishment of this kind and cohort has (¶6, ¶7)."""
    return tuple(r for r in rules_for(PROGRAMME) if (kind, cohort) in r.applies_to)


def rules_for(process: str) -> tuple[Rule, ...]:
    if process not in PROCESSES:
        raise ValueError(f"unknown process {process!r} (expected one of {', '.join(PROCESSES)})")
    return tuple(rule for rule in RULES if rule.process == process)


def rule(process: str, key: str) -> Rule:
    for candidate in rules_for(process):
        if candidate.key == key:
            return candidate
    raise ValueError(f"no rule {key!r} for process {process!r}")


def with_override(base: Rule, text: str) -> Rule:
    """The rule with its duration set for one review: offset text, window text or "n/a"."""
    clean = " ".join(text.strip().lower().split())
    if clean in NOT_APPLICABLE_TEXTS:
        return replace(base, not_applicable=True, overridden=True)
    if base.window is not None:
        WindowOffset.parse(text)
        return replace(base, window=text, proposed=None, overridden=True, wording=None)
    Offset.parse(text)
    return replace(base, offset=text, overridden=True, wording=None)


# -- windows and the indicative publication date (MoU ¶31) ---------------------------------------


def window_dates(window_rule: Rule, anchor: date, calendar: WorkingCalendar) -> tuple[date, date]:
    window = window_rule.parsed_window
    opens = window.opens.apply(anchor, calendar)
    closes = window.closes.apply(anchor, calendar)
    return opens, closes  # type: ignore[return-value]


def proposed_date(window_rule: Rule, anchor: date, calendar: WorkingCalendar) -> date | None:
    """The rule's proposed date (e.g. 38 working days), moved inside its window if need be: the
    working day in the window nearest to it (the window's last working day when it falls after,
    its first when before). ¶31: "approximately 38 days" is only a guide to the 7-8 weeks."""
    if not window_rule.proposed:
        return None
    opens, closes = window_dates(window_rule, anchor, calendar)
    proposed = Offset.parse(window_rule.proposed).apply(anchor, calendar)
    if proposed > closes:
        return calendar.last_working_day_on_or_before(closes)
    if proposed < opens:
        return calendar.first_working_day_on_or_after(opens)
    return proposed  # type: ignore[return-value]


def indicative_publication_window(
    draft_sent: date, calendar: WorkingCalendar | None = None
) -> tuple[date, date]:
    """The 7-8 weeks after the draft is sent in which the indicative date must fall."""
    calendar = calendar or default_calendar()
    return window_dates(rule(FULL_INSPECTION, "indicative_publication"), draft_sent, calendar)


def propose_indicative_publication(draft_sent: date, calendar: WorkingCalendar) -> date:
    """About 38 working days after the draft is sent, inside the 7-8 week window."""
    indicative = rule(FULL_INSPECTION, "indicative_publication")
    return proposed_date(indicative, draft_sent, calendar)  # type: ignore[return-value]


def deadline_rule(process: str, key: str) -> str:
    """A rule in words with its source, for a page: "15 working days after the draft was received
    — MoU ¶32". Pages say deadlines only through this (no wording typed in a template)."""
    return rule(process, key).describe()


# -- what an IRP visit is (MoU ¶49): warnings, never refusals --------------------------------------

IRP_VISIT_SOURCE = "MoU ¶49"
IRP_INSPECTORS = (4, 5)
IRP_INSPECTORS_WORDS = "four or five inspectors"
IRP_DAYS_ON_SITE = 2.5
IRP_DAYS_LEEWAY = 0.5
""""About 2.5 days": 2 to 3 days on site (a reading, since a visit's dates count whole days)."""


def irp_visit_words() -> str:
    """¶49 in words, for a hint: "Announced, four or five inspectors, about 2.5 days on site — MoU ¶49"."""
    return f"Announced, {IRP_INSPECTORS_WORDS}, about {IRP_DAYS_ON_SITE:g} days on site — {IRP_VISIT_SOURCE}"


def irp_visit_warnings(*, announced: bool, inspectors: int | None, days_on_site: float | None) -> list[str]:
    """How an IRP differs from ¶49's "short, announced visits, involving four or five inspectors
    for 2.5 days", each with its source; unknown numbers (None) are not warned of."""
    opening, source = "An independent review of progress", IRP_VISIT_SOURCE
    warnings = []
    if not announced:
        warnings.append(f"{opening} is an announced visit, but this one is unannounced — {source}")
    low, high = IRP_INSPECTORS
    if inspectors is not None and not low <= inspectors <= high:
        has = f"but this one has {inspectors}"
        warnings.append(f"{opening} involves {IRP_INSPECTORS_WORDS}, {has} — {source}")
    if days_on_site is not None and abs(days_on_site - IRP_DAYS_ON_SITE) > IRP_DAYS_LEEWAY:
        warnings.append(
            f"{opening} lasts about {IRP_DAYS_ON_SITE:g} days on site, "
            f"but this one is {days_on_site:g} days — {source}"
        )
    return warnings
