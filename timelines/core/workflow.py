"""The order of things: which facts about an inspection can follow which (DOMAIN.md, "The order
of things"), as ONE declarative table (``STEPS``), and the check of a whole history against it.

A step names the fact, who records it (a party the domains' policies resolve to roles and rows),
the facts that must already stand (each no later than it), and its date guard. ``check_history``
takes the standing facts of an inspection and returns what cannot have happened, naming the two
facts in conflict. Pure: no database, web, tracker or clock; today is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import compute, fact_day, process_rules
from timelines.core.history import standing
from timelines.core.offsets import as_london
from timelines.core.rules import FULL_INSPECTION, IRP, THEMATIC

# Who records a fact: the domains' policies say which people and rows each party means.
HMIP = "hmip"  # the inspection's team leader or an HMIP manager
SCRUTINY = "scrutiny"  # the HMPPS Scrutiny Team
ESTABLISHMENT = "establishment"  # the establishment's own users
EXECUTIVE_DIRECTOR = "executive_director"  # an HMPPS manager for the establishment (MoU ¶37)
PARTIES = (HMIP, SCRUTINY, ESTABLISHMENT, EXECUTIVE_DIRECTOR)

# The date a fact may not come before (besides the facts it follows).
STARTED, ENDED, ANYTIME = "started", "ended", "anytime"

UN_RAISED = "urgent_notification_raised"
PROCEEDED = "factcheck_deadline_passed_proceeded"
"""HMIP proceeded to publication without a return once the fact-check deadline passed (¶32)."""


@dataclass(frozen=True, slots=True)
class Step:
    fact: str
    noun: str
    """The fact as a user names it, to start or end a sentence: "the draft report"."""
    recorded_by: tuple[str, ...]
    follows: tuple[str, ...] = ()
    not_before: str = STARTED
    processes: tuple[str, ...] = (FULL_INSPECTION, IRP, THEMATIC)
    needs_urgent_notification: bool = False
    once: bool = True
    """A fact that stands once: recording it again is a correction, not a second fact."""
    timed: bool = False
    source: str = ""


_ALL = (FULL_INSPECTION, IRP, THEMATIC)
_REPORTS = (FULL_INSPECTION, THEMATIC)

STEPS: tuple[Step, ...] = (
    Step("pre_inspection_instructions", "the pre-inspection instructions", (HMIP,), not_before=ANYTIME,
         source="MoU ¶22"),
    Step("debrief_held", "the final debrief", (HMIP,), source="MoU ¶23, ¶25"),
    Step("debrief_note_sent", "the debrief note to HMPPS HQ", (HMIP,), follows=("debrief_held",),
         processes=_REPORTS, source="MoU ¶25"),
    Step("draft_sent", "the draft report", (HMIP,), not_before=ENDED, source="MoU ¶31"),
    Step("factcheck_returned", "the fact-check return", (SCRUTINY,), follows=("draft_sent",),
         source="MoU ¶32"),
    Step("hmip_response_sent", "HMIP's response to the accuracy points", (HMIP,),
         follows=("factcheck_returned",), processes=_REPORTS, source="MoU ¶33"),
    Step(PROCEEDED, "proceeding without a return", (HMIP,), follows=("draft_sent",), source="MoU ¶32"),
    Step("published", "publication of the report", (HMIP,), follows=("draft_sent",), source="MoU ¶34"),
    Step("press_release_shared", "the press release", (HMIP,), not_before=ENDED, processes=_REPORTS,
         source="MoU ¶35"),
    # The action plan's stages (¶37): each follows the one before; "available" meets the milestone.
    Step("action_plan_received", "the action plan", (ESTABLISHMENT,), follows=("published",),
         processes=_REPORTS, source="MoU ¶37"),
    Step("action_plan_quality_assured", "the action plan's quality assurance", (SCRUTINY,),
         follows=("action_plan_received",), processes=_REPORTS, source="MoU ¶37"),
    Step("action_plan_cleared", "the action plan's clearance", (EXECUTIVE_DIRECTOR,),
         follows=("action_plan_quality_assured",), processes=_REPORTS, source="MoU ¶37"),
    Step("action_plan_available", "the action plan being available", (SCRUTINY,),
         follows=("action_plan_cleared",), processes=_REPORTS, source="MoU ¶37"),
    Step("action_plan_published", "the action plan's publication on HMIP's website", (HMIP,),
         follows=("action_plan_available",), processes=_REPORTS, source="MoU ¶37"),
    Step("feedback_sought", "seeking feedback from the establishment", (HMIP,), not_before=ENDED,
         source="MoU ¶29"),
    Step("feedback_received", "the establishment's feedback", (HMIP,), follows=("feedback_sought",),
         source="MoU ¶29"),
    Step("emerging_findings_discussed", "the emerging findings discussion", (HMIP,),
         processes=(THEMATIC,), once=False, source="MoU ¶52"),
    Step("hmpps_response_letter", "HMPPS's response letter", (SCRUTINY, HMIP), follows=("draft_sent",),
         processes=(IRP,), source="MoU ¶50"),
    Step(UN_RAISED, "the urgent notification", (HMIP,), processes=(FULL_INSPECTION,), source="MoU ¶39"),
    Step("un_letter_sent", "the urgent notification letter", (HMIP,),
         processes=(FULL_INSPECTION,), needs_urgent_notification=True, timed=True, source="MoU ¶39, ¶41"),
    Step("un_published", "publication of the urgent notification letter", (HMIP,),
         follows=("un_letter_sent",), processes=(FULL_INSPECTION,), needs_urgent_notification=True,
         timed=True, source="MoU ¶41"),
    Step("sos_responded", "the Secretary of State's response", (HMIP,), follows=("un_letter_sent",),
         processes=(FULL_INSPECTION,), needs_urgent_notification=True, source="MoU ¶43"),
)
STEP = {s.fact: s for s in STEPS}
RECORDABLE_FACTS = tuple(STEP)

FACTCHECK_DEADLINE = {
    FULL_INSPECTION: "factcheck_return",
    THEMATIC: "factcheck_return",
    IRP: "irp_factcheck_return",
}
PROCESS_NAMES = {FULL_INSPECTION: "a full inspection", IRP: "an independent review of progress",
                 THEMATIC: "a thematic review"}


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the check needs to know of the inspection itself."""

    process: str
    started: date
    ended: date
    urgent_notification: bool = False
    overrides: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Impossible:
    """A history that cannot have happened: ``fact`` conflicts with ``other`` (a fact key, or
    "started"/"ended"/"today" for the inspection's own dates and the clock)."""

    fact: str
    other: str
    message: str
    kind: str = "order"
    """"order" (dated wrongly against another fact or date) or "state" (a fact that does not,
    or does no longer, fit where the inspection is: a 409 rather than a 422 on the API)."""


def standing_facts(events) -> dict[str, date | datetime]:
    """The latest standing event of each kind (one a later correction superseded does not
    stand), as the moment it happened: its timestamp when it has one, else its day."""
    facts: dict[str, date | datetime] = {}
    for event in standing(events):
        if event["kind"] in STEP:
            facts[event["kind"]] = event.get("occurred_at") or event["occurred_on"]
    return facts


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        local = as_london(value)
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    return f"{value.day} {value:%B %Y}"


def check_history(
    inspection: Inspection,
    facts: Mapping[str, date | datetime],
    *,
    today: date,
    calendar: WorkingCalendar,
) -> list[Impossible]:
    """Everything in this set of standing facts that cannot have happened, in table order."""
    problems: list[Impossible] = []
    for step in STEPS:
        if step.fact in facts:
            problems.extend(_check_step(step, inspection, facts, today=today, calendar=calendar))
    return problems


def check_new_fact(
    inspection: Inspection,
    facts: Mapping[str, date | datetime],
    fact: str,
    when: date | datetime,
    *,
    today: date,
    calendar: WorkingCalendar,
    correcting: bool = False,
) -> Impossible | None:
    """The first reason why recording ``fact`` at ``when`` on top of ``facts`` cannot have
    happened, preferring problems that name the new fact; None when it can."""
    step = STEP.get(fact)
    if step is None:
        return Impossible(fact, "", f"{fact!r} is not a fact this service records", kind="unknown")
    if fact in facts and step.once and not correcting:
        return Impossible(
            fact,
            fact,
            f"{sentence(step.noun)} is already recorded ({long_date(facts[fact])}): correct it instead",
            kind="state",
        )
    if correcting and fact not in facts:
        message = f"{sentence(step.noun)} is not recorded yet: there is nothing to correct"
        return Impossible(fact, fact, message, kind="state")
    history = {**facts, fact: when}
    problems = check_history(inspection, history, today=today, calendar=calendar)
    named = [p for p in problems if fact in (p.fact, p.other)]
    return (named or problems or [None])[0]


def date_guard_problems(fact: str, day: date, inspection: Inspection, *, today: date) -> list[Impossible]:
    """A fact's own date guards, which need no other fact: not in the future, not before the
    inspection started (or ended, for what follows fieldwork). Forms check these first, in these
    words, so a page and the API say the same."""
    step, noun = STEP[fact], sentence(STEP[fact].noun)
    problems: list[Impossible] = []
    if day > today:
        problems.append(Impossible(fact, "today", f"{noun} cannot be dated in the future"))
    if step.not_before == STARTED and day < inspection.started:
        problems.append(Impossible(fact, "started",
                                   f"{noun} cannot be dated before the inspection started "
                                   f"({long_date(inspection.started)})"))
    if step.not_before == ENDED and day < inspection.ended:
        problems.append(Impossible(fact, "ended",
                                   f"{noun} cannot be dated before the inspection ended "
                                   f"({long_date(inspection.ended)})"))
    return problems


def _check_step(
    step: Step, inspection: Inspection, facts: Mapping[str, date | datetime], *, today: date,
    calendar: WorkingCalendar,
) -> list[Impossible]:
    when = facts[step.fact]
    day = fact_day(when)
    noun = sentence(step.noun)
    if inspection.process not in step.processes:
        return [Impossible(step.fact, "process",
                           f"{noun} is not part of {PROCESS_NAMES.get(inspection.process, 'this process')}",
                           kind="state")]
    if step.needs_urgent_notification and not inspection.urgent_notification:
        return [Impossible(step.fact, UN_RAISED,
                           f"{noun} cannot be recorded: no urgent notification was raised", kind="state")]
    problems = date_guard_problems(step.fact, day, inspection, today=today)
    for earlier in step.follows:
        if expected(inspection, earlier):
            problems.extend(_follows(step, earlier, inspection, facts))
    if step.fact == "published":
        problems.extend(_published_after_return(inspection, facts, today=today, calendar=calendar))
    return problems


def expected(inspection: Inspection, fact: str) -> bool:
    """Whether this inspection's stages expect ``fact`` at all: not when every stage it closes
    is set not applicable for a thematic review (¶53), so nothing later waits for it."""
    stages = [r for r in process_rules(inspection.process, inspection.overrides or {}) if r.done_by == fact]
    return not stages or not all(r.not_applicable for r in stages)


def _follows(step: Step, earlier: str, inspection: Inspection, facts) -> list[Impossible]:
    noun, other = sentence(step.noun), STEP[earlier]
    if earlier not in facts:
        message = f"{noun} cannot be recorded before {other.noun}"
        return [Impossible(step.fact, earlier, message, kind="state")]
    mine, theirs = facts[step.fact], facts[earlier]
    if _before(mine, theirs):
        return [Impossible(step.fact, earlier,
                           f"{noun} cannot be dated before {other.noun} ({long_date(theirs)})")]
    return []


def _before(mine: date | datetime, theirs: date | datetime) -> bool:
    """Timestamps are compared as timestamps (the 24-hour rule); otherwise by day."""
    if isinstance(mine, datetime) and isinstance(theirs, datetime):
        return mine < theirs
    return fact_day(mine) < fact_day(theirs)


def _published_after_return(inspection: Inspection, facts, *, today: date, calendar) -> list[Impossible]:
    """No publication before the fact check is returned, unless its deadline had passed (¶32);
    and never before HMIP's response or the return when they stand. A review whose fact check is
    not applicable (¶53) has no deadline: its publication waits for no return."""
    published = facts["published"]
    for earlier in ("factcheck_returned", "hmip_response_sent"):
        if earlier in facts and _before(published, facts[earlier]):
            return [Impossible("published", earlier,
                               f"Publication of the report cannot be dated before {STEP[earlier].noun} "
                               f"({long_date(facts[earlier])})")]
    if "factcheck_returned" in facts or "draft_sent" not in facts:
        return []
    deadline = factcheck_deadline(inspection, facts, today=today, calendar=calendar)
    if deadline is not None and fact_day(published) <= deadline:
        return [Impossible("published", "factcheck_returned",
                           "Publication of the report cannot be recorded before the fact-check return "
                           f"unless the fact-check deadline ({long_date(deadline)}) has passed (MoU ¶32)",
                           kind="state")]
    return []


def factcheck_deadline(
    inspection: Inspection, facts, *, today: date, calendar: WorkingCalendar
) -> date | None:
    """The date the Scrutiny Team's fact check is due (extensions aside), from the rule table;
    None before the draft is sent, or when the stage is not applicable (¶53)."""
    key = FACTCHECK_DEADLINE.get(inspection.process)
    if key is None or "draft_sent" not in facts:
        return None
    milestones = compute(
        inspection.process,
        inspection.ended,
        {"draft_sent": facts["draft_sent"]},
        today=today,
        calendar=calendar,
        overrides=dict(inspection.overrides or {}),
    )
    stone = next((m for m in milestones if m.key == key), None)
    return stone.due if stone is not None else None
