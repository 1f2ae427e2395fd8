"""Read models of the fact check, shared by the pages, the API, the commands and the operations.

No due date is computed here: deadlines come from timelines (the engine via
timelines.store.milestones_for, the rule helpers in timelines.core.rules).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from factcheck.tables import AccuracyPoint, DataItem, DraftFile, DraftReport, FactCheckReturn, Photograph
from inspections.permissions import with_team
from inspections.tables import Inspection, InspectionEvent
from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import OPEN_STATUSES, Milestone, process_rules
from timelines.core.rules import proposed_date, window_dates
from timelines.core.workflow import PROCEEDED
from timelines.store import PROCESS_FOR_KIND, current_calendar, facts_from_events, milestones_for
from tracker.cache import memoised

# -- the inspection as the fact check's policy reads it --------------------------------------------


async def inspection_row(inspection_id: int) -> dict | None:
    return (
        await Inspection.select(
            *Inspection.all_columns(),
            Inspection.establishment.name.as_alias("establishment_name"),
            Inspection.team_leader.display_name.as_alias("team_leader_name"),
        )
        .where(Inspection.id == inspection_id)
        .output(load_json=True)
        .first()
    )


async def draft_row(inspection_id: int) -> dict | None:
    return await DraftReport.select().where(DraftReport.inspection == inspection_id).first()


async def factcheck_row(inspection_id: int, inspection: dict | None = None) -> dict | None:
    """The inspection with what factcheck.policy's predicates read: its team, its draft (recorded
    here or only as a draft_sent fact) and whether the draft is shared with the establishment."""
    row = dict(inspection) if inspection is not None else await inspection_row(inspection_id)
    if row is None:
        return None
    await with_team(row)
    row["draft"] = await draft_row(inspection_id) or await draft_from_events(inspection_id)
    row["shared"] = bool(row["draft"] and row["draft"]["shared_with_establishment"])
    events = await events_for(inspection_id)
    row["returned"] = standing(events, "factcheck_returned") is not None or await _submitted(inspection_id)
    row["published"] = standing(events, "published") is not None
    return row


async def _submitted(inspection_id: int) -> bool:
    return await FactCheckReturn.exists().where(
        (FactCheckReturn.inspection == inspection_id) & FactCheckReturn.submitted_at.is_not_null()
    )


# -- deadlines, the draft, the return, points, data items and photographs ----------------------------


FACTCHECK_KEY = {"full": "factcheck_return", "thematic": "factcheck_return", "irp": "irp_factcheck_return"}
RESPONSE_KEY = {"full": "hmip_response", "thematic": "hmip_response"}
PUBLICATION_AIM_KEY = {"full": "publication_aim", "thematic": "publication_aim", "irp": "irp_publication"}
PROCEEDED_EVENT = PROCEEDED
IRP_LETTER_EVENT = "hmpps_response_letter"
EMERGING_FINDINGS_EVENT = "emerging_findings_discussed"
DATA_SOURCES = {
    "hub": "Performance Hub",
    "hmpps_other": "Other unpublished HMPPS data",
    "fieldwork": "Inspectorate fieldwork",
}
IDENTITY_CHECKS = {
    "nobody_identifiable": "No prisoner or member of staff can be identified",
    "consent_held": "People can be identified and their written consent is held",
}


async def events_for(inspection_id: int) -> list[dict]:
    return await memoised(
        ("fc events", inspection_id),
        lambda: (
            InspectionEvent.select()
            .where(InspectionEvent.inspection == inspection_id)
            .output(load_json=True)
            .run()
        ),
    )


async def milestones(inspection: dict, today: date, events: list[dict] | None = None) -> dict[str, Milestone]:
    """The inspection's milestones as of today, by key."""
    events = await events_for(inspection["id"]) if events is None else events
    computed = milestones_for(inspection, events, today=today, calendar=await current_calendar())
    return {m.key: m for m in computed}


def facts(events: list[dict]) -> dict:
    return facts_from_events(events)[0]


def standing(events: list[dict], kind: str) -> dict | None:
    """The latest event of a kind that no later event supersedes."""
    superseded = {e["supersedes"] for e in events if e.get("supersedes")}
    matching = [e for e in events if e["kind"] == kind and e["id"] not in superseded]
    return max(matching, key=lambda e: e["id"]) if matching else None


def indicative_window(
    inspection: dict, sent_on: date, calendar: WorkingCalendar
) -> tuple[date, date, date] | None:
    """(opens, closes, proposed) for the covering letter's indicative publication date, or None
    where the process has none (an IRP) or a review switched it off. Uses the review's own
    stage settings (Inspection.stage_overrides) through the timelines rule table."""
    process = PROCESS_FOR_KIND[inspection["kind"]]
    overrides = inspection.get("stage_overrides") or {}
    if isinstance(overrides, str):
        overrides = json.loads(overrides or "{}")
    rules = {r.key: r for r in process_rules(process, overrides)}
    rule = rules.get("indicative_publication")
    if rule is None or rule.not_applicable:
        return None
    opens, closes = window_dates(rule, sent_on, calendar)
    proposed = proposed_date(rule, sent_on, calendar) or calendar.last_working_day_on_or_before(closes)
    return opens, closes, proposed


def fact_check_deadline(inspection: dict, stones: dict[str, Milestone]) -> Milestone | None:
    return stones.get(FACTCHECK_KEY[inspection["kind"]])


def deadline_passed_without_return(inspection: dict, stones: dict[str, Milestone], today: date) -> bool:
    stone = fact_check_deadline(inspection, stones)
    return bool(stone and stone.due and stone.done_on is None and today > stone.due)


async def current_draft_file(inspection_id: int, *, with_content: bool = False) -> dict | None:
    columns = [
        DraftFile.id,
        DraftFile.filename,
        DraftFile.content_type,
        DraftFile.size,
        DraftFile.uploaded_at,
        DraftFile.scan_status,
    ]
    if with_content:
        columns.append(DraftFile.content)
    return (
        await DraftFile.select(*columns)
        .where(DraftFile.inspection == inspection_id)
        .order_by(DraftFile.id, ascending=False)
        .first()
    )


async def return_row(inspection_id: int) -> dict | None:
    return await FactCheckReturn.select().where(FactCheckReturn.inspection == inspection_id).first()


async def draft_from_events(inspection_id: int) -> dict | None:
    """A draft recorded only as a draft_sent fact, as the page shows it (nothing is written)."""
    sent = standing(await events_for(inspection_id), "draft_sent")
    if sent is None:
        return None
    return {
        "inspection": inspection_id,
        "sent_on": sent["occurred_on"],
        "indicative_publication": iso_date((sent.get("detail") or {}).get("indicative_publication")),
        "shared_with_establishment": False,
        "shared_at": None,
        "version": 0,
    }


def iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def point_row(inspection_id: int, point_id: int) -> dict | None:
    return (
        await AccuracyPoint.select()
        .where((AccuracyPoint.id == point_id) & (AccuracyPoint.inspection == inspection_id))
        .first()
    )


async def points_for(inspection_id: int, states: tuple[str, ...] | None = None) -> list[dict]:
    rows = await memoised(
        ("fc points", inspection_id),
        lambda: (
            AccuracyPoint.select()
            .where(AccuracyPoint.inspection == inspection_id)
            .order_by(AccuracyPoint.number)
            .run()
        ),
    )
    return [r for r in rows if r["state"] in states] if states else rows


def with_shown_numbers(points: list[dict], *, by_state: bool = True) -> list[dict]:
    """Each point with "shown", its number as people read it: the return's points 1, 2, 3 and the
    proposals waiting 1, 2 (each state its own list), or, `by_state` False, one list. Removing or
    dropping a point leaves no gap; "number" stays the stored one that never repeats."""
    counts: dict[str, int] = {}
    numbered = []
    for point in sorted(points, key=lambda p: p["number"]):
        group = point["state"] if by_state else ""
        counts[group] = counts.get(group, 0) + 1
        numbered.append(point | {"shown": counts[group]})
    return numbered


def shown_number(points: list[dict], point_id: int) -> int | None:
    return next((p["shown"] for p in with_shown_numbers(points) if p["id"] == point_id), None)


def return_problems(details: dict | None, points: list[dict]) -> list[tuple[str, str]]:
    """What stops the return being submitted: (field, message)."""
    problems = []
    if not details or not details.get("returned_on"):
        problems.append(("returned", "Enter the date the fact check was returned"))
    if not details or details.get("content_to_publish") not in ("yes", "no"):
        problems.append(("content", "Say whether HMPPS is content to publish on the indicative date"))
    waiting = [p for p in points if p["state"] == "proposed"]
    if waiting:
        problems.append(
            ("proposals", f"Take in or drop each proposal from the establishment ({len(waiting)} waiting)")
        )
    return problems


async def data_items(inspection_id: int) -> list[dict]:
    return await memoised(
        ("fc data items", inspection_id),
        lambda: DataItem.select().where(DataItem.inspection == inspection_id).order_by(DataItem.id).run(),
    )


async def data_item(inspection_id: int, item_id: int) -> dict | None:
    return (
        await DataItem.select()
        .where((DataItem.id == item_id) & (DataItem.inspection == inspection_id))
        .first()
    )


@dataclass(frozen=True)
class ItemStatus:
    key: str
    text: str
    colour: str
    blocks: bool


# MoU ¶31: the decision to publish is HMIP's, over an objection to non-Hub data or a photograph
PUBLISHED_OVER = ItemStatus("published_over", "HMIP is publishing over the objection", "purple", False)
ANNEX_A_REMOVALS = ("consent_withdrawn", "annex_a")


def data_status(item: dict, deadline: Milestone | None, today: date) -> ItemStatus:
    """Where a data item stands. The last day to object is the fact-check deadline (¶18)."""
    if item["response"] == "consent":
        return ItemStatus("consent", "Consent given", "green", False)
    if item["response"] == "objection":
        if item["resolution"] == "removed":
            return ItemStatus("resolved", "Objection resolved: data removed from the report", "green", False)
        if item["resolution"] == "withdrawn":
            return ItemStatus("resolved", "Objection resolved: HMPPS withdrew it", "green", False)
        if item["overridden_at"] and item["source"] != "hub":
            return PUBLISHED_OVER
        return ItemStatus("objection", "Objection", "red", True)
    if item["proceeded_at"]:
        return ItemStatus("proceeded", "No response: HMIP proceeded under MoU ¶18", "blue", False)
    if not item["notified_on"]:
        return ItemStatus("not_notified", "HMPPS not yet notified", "grey", True)
    if deadline is None or deadline.due is None:
        return ItemStatus("waiting", "Waiting for HMPPS", "yellow", True)
    if today > deadline.due:
        return ItemStatus("may_proceed", "No response: proceed under MoU ¶18", "orange", True)
    return ItemStatus("waiting", "Waiting for HMPPS", "yellow", True)


PHOTO_COLUMNS = (
    Photograph.id,
    Photograph.inspection,
    Photograph.caption,
    Photograph.image_type,
    Photograph.scan_status,
    Photograph.identity_check,
    Photograph.consent_purpose,
    Photograph.consent_storage,
    Photograph.consent_duration,
    Photograph.consent_sharing,
    Photograph.consent_withdrawn_on,
    Photograph.security_check,
    Photograph.prisoner_of_interest,
    Photograph.may_upset_victims,
    Photograph.governor_consulted_on,
    Photograph.response,
    Photograph.objection_reason,
    Photograph.responded_at,
    Photograph.resolution,
    Photograph.resolved_at,
    Photograph.override_reason,
    Photograph.overridden_at,
    Photograph.created_at,
    Photograph.version,
)


async def photographs(inspection_id: int) -> list[dict]:
    return await memoised(
        ("fc photographs", inspection_id),
        lambda: (
            Photograph.select(*PHOTO_COLUMNS)
            .where(Photograph.inspection == inspection_id)
            .order_by(Photograph.id)
            .run()
        ),
    )


async def photograph(inspection_id: int, photo_id: int, *, with_image: bool = False) -> dict | None:
    columns = [*PHOTO_COLUMNS, Photograph.image] if with_image else PHOTO_COLUMNS
    return (
        await Photograph.select(*columns)
        .where((Photograph.id == photo_id) & (Photograph.inspection == inspection_id))
        .first()
    )


def photo_status(photo: dict) -> ItemStatus:
    """Where a photograph stands: removed from the report, to be removed (Annex A: consent
    withdrawn, a prisoner of interest, might upset victims), or HMPPS's view of it."""
    if photo["resolution"] == "removed":
        if photo["response"] == "objection":
            return ItemStatus("resolved", "Objection resolved: photograph removed", "green", False)
        return ItemStatus("removed", "Removed from the report", "grey", False)
    if photo["consent_withdrawn_on"]:
        return ItemStatus("consent_withdrawn", "Consent withdrawn: remove it from the report", "red", True)
    if photo["prisoner_of_interest"] or photo["may_upset_victims"]:
        return ItemStatus("annex_a", "Annex A: remove it from the report", "red", True)
    if photo["response"] == "objection":
        if photo["resolution"] == "withdrawn":
            return ItemStatus("resolved", "Objection resolved: HMPPS withdrew it", "green", False)
        if photo["overridden_at"]:
            return PUBLISHED_OVER
        return ItemStatus("objection", "Objection", "red", True)
    if photo["response"] == "no_objection":
        return ItemStatus("no_objection", "No objection", "green", False)
    return ItemStatus("waiting", "No objection raised", "grey", False)


def in_the_report(photo: dict) -> bool:
    return photo["resolution"] != "removed"


# -- the Scrutiny Team's queue --------------------------------------------------------------------


async def fact_checks_under_way(
    today: date, *, establishment: int | None = None, kind: str = "", within: int | None = None
) -> list[dict]:
    """Every fact check under way: draft sent, no return, not published. Overdue first."""
    from timelines.tables import StoredMilestone

    calendar = await current_calendar()
    query = StoredMilestone.select(
        StoredMilestone.inspection,
        StoredMilestone.establishment,
        StoredMilestone.due,
        StoredMilestone.rule,
        StoredMilestone.inspection.kind.as_alias("kind"),
        StoredMilestone.inspection.title.as_alias("title"),
        StoredMilestone.inspection.end_date.as_alias("end_date"),
        StoredMilestone.establishment.name.as_alias("establishment_name"),
    ).where(
        StoredMilestone.key.is_in(["factcheck_return", "irp_factcheck_return"])
        & StoredMilestone.status.is_in(list(OPEN_STATUSES))  # not done, overtaken or not applicable
        & (StoredMilestone.inspection.closed == False)  # noqa: E712 - Piccolo builds SQL from ==
    )
    if establishment:
        query = query.where(StoredMilestone.establishment == establishment)
    if kind:
        query = query.where(StoredMilestone.inspection.kind == kind)
    if within is not None:
        query = query.where(StoredMilestone.due <= calendar.add_working_days(today, within))
    rows = await query
    if rows:
        published = {
            r["inspection"]
            for r in await InspectionEvent.select(InspectionEvent.inspection).where(
                InspectionEvent.kind.is_in(["published"])
                & InspectionEvent.inspection.is_in([r["inspection"] for r in rows])
            )
        }
        rows = [r for r in rows if r["inspection"] not in published]
    for row in rows:
        left = calendar.working_days_between(today, row["due"])
        row["working_days_left"] = left
        row["overdue"] = left < 0
        row["status"] = "overdue" if left < 0 else ("due_today" if row["due"] == today else "open")
    rows.sort(key=lambda r: (r["due"], r["establishment_name"]))
    return rows


async def consent_requests_waiting(today: date) -> list[dict]:
    """Data items HMPPS has been told about and not yet answered (nor HMIP proceeded)."""
    rows = (
        await DataItem.select(
            DataItem.id,
            DataItem.inspection,
            DataItem.description,
            DataItem.source,
            DataItem.notified_on,
            DataItem.inspection.establishment.name.as_alias("establishment_name"),
        )
        .where(
            (DataItem.response == "")
            & DataItem.notified_on.is_not_null()
            & DataItem.proceeded_at.is_null()
            & (DataItem.inspection.closed == False)  # noqa: E712
        )
        .order_by(DataItem.notified_on)
    )
    return rows
