"""Fact-check operations. Each does one thing inside one transaction; pages and the API call them.

No due date is computed here: deadlines come from timelines (the engine via
timelines.store.milestones_for, the rule helpers in timelines.core.rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from factcheck.points import validate_point
from factcheck.tables import (
    AccuracyPoint,
    DataItem,
    DraftFile,
    DraftReport,
    FactCheckReturn,
    Photograph,
)
from inspections.events import record_event
from inspections.tables import Inspection, InspectionEvent
from timelines.cache import memoised
from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import Milestone, process_rules
from timelines.core.rules import proposed_date, window_dates
from timelines.core.workflow import PROCEEDED
from timelines.store import PROCESS_FOR_KIND, current_calendar, facts_from_events, milestones_for
from tracker.clock import now_utc
from tracker.db import hold_row, write_transaction
from tracker.operations import Conflict, Refused

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


ServiceError = Refused  # a rule refused the operation: ServiceError(message, field)


def _engine():
    return AccuracyPoint._meta.db


# -- deadlines (from timelines) ------------------------------------------------------------------


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
        import json

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


# -- the draft and its covering letter (MoU ¶31) --------------------------------------------------


def check_indicative(
    inspection: dict, sent_on: date, indicative: date | None, calendar: WorkingCalendar
) -> date | None:
    """The indicative publication date to record: the one given if inside the window, or the
    proposal when none is given. Raises ServiceError outside the window."""
    window = indicative_window(inspection, sent_on, calendar)
    if window is None:
        return indicative
    opens, closes, proposed = window
    if indicative is None:
        return proposed
    if not opens <= indicative <= closes:
        from tracker.templating import govuk_date

        raise ServiceError(
            "The indicative publication date must be between "
            f"{govuk_date(opens)} and {govuk_date(closes)} (7 to 8 weeks after the draft was sent)",
            "indicative",
        )
    return indicative


async def record_draft(
    inspection: dict, sent_on: date, indicative: date | None, *, by: int, today: date
) -> dict:
    """Record the draft sent (draft_sent) with its covering letter's indicative date.

    Recording again corrects the earlier record: the new draft_sent event supersedes the old."""
    calendar = await current_calendar()
    if sent_on > today:
        raise ServiceError("The date the draft was sent must be today or in the past", "sent")
    if sent_on < inspection["end_date"]:
        raise ServiceError(
            "The date the draft was sent must be on or after the last day of the inspection", "sent"
        )
    indicative = check_indicative(inspection, sent_on, indicative, calendar)
    async with write_transaction(_engine()):
        if await FactCheckReturn.exists().where(
            (FactCheckReturn.inspection == inspection["id"]) & FactCheckReturn.submitted_at.is_not_null()
        ):
            raise ServiceError("The fact check has been returned: the draft can no longer be changed", "sent")
        existing = await DraftReport.objects().where(DraftReport.inspection == inspection["id"]).first()
        previous_event = standing(await events_for(inspection["id"]), "draft_sent")
        if existing is None:
            existing = DraftReport(inspection=inspection["id"], recorded_at=now_utc())
        existing.sent_on = sent_on
        existing.indicative_publication = indicative
        existing.recorded_by = by
        existing.recorded_at = now_utc()
        existing.version = (existing.version or 0) + 1
        await existing.save()
        await record_event(
            inspection["id"],
            "draft_sent",
            sent_on,
            by_user_id=by,
            detail={"indicative_publication": indicative.isoformat() if indicative else None},
            supersedes=previous_event["id"] if previous_event else None,
            today=today,
        )
    return existing.to_dict()


async def store_draft_file(
    inspection_id: int, filename: str, content_type: str, content: bytes, *, by: int, scan_status: str
) -> int:
    """Keep an uploaded draft, checked (tracker.uploads) and scanned (tracker.scanning) already:
    `scan_status` decides whether it is ever downloadable."""
    row = DraftFile(
        inspection=inspection_id,
        filename=filename,
        content_type=content_type,
        size=len(content),
        content=content,
        uploaded_by=by,
        uploaded_at=now_utc(),
        scan_status=scan_status,
    )
    async with write_transaction(_engine()):
        await row.save()
    return row.id


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


async def share_draft(inspection_id: int, *, by: int) -> None:
    async with write_transaction(_engine()):
        await adopt_recorded_facts(inspection_id)
        await DraftReport.update(
            {
                DraftReport.shared_with_establishment: True,
                DraftReport.shared_at: now_utc(),
                DraftReport.shared_by: by,
                DraftReport.version: DraftReport.version + 1,
            }
        ).where(DraftReport.inspection == inspection_id)


# -- the return and its accuracy points (MoU ¶32) -------------------------------------------------


async def return_row(inspection_id: int) -> dict | None:
    return await FactCheckReturn.select().where(FactCheckReturn.inspection == inspection_id).first()


async def adopt_recorded_facts(inspection_id: int) -> None:
    """Give a draft_sent or factcheck_returned fact recorded elsewhere (imports, demo data, the
    timeline's own fact form) its row here, so the fact check can carry on from it."""
    events = await events_for(inspection_id)
    sent = standing(events, "draft_sent")
    if sent and not await DraftReport.exists().where(DraftReport.inspection == inspection_id):
        indicative = _iso_date((sent.get("detail") or {}).get("indicative_publication"))
        await DraftReport.insert(
            DraftReport(
                inspection=inspection_id,
                sent_on=sent["occurred_on"],
                indicative_publication=indicative,
                recorded_by=sent["recorded_by"],
                recorded_at=sent["recorded_at"],
            )
        )
    returned = standing(events, "factcheck_returned")
    if returned and not await FactCheckReturn.exists().where(
        (FactCheckReturn.inspection == inspection_id) & FactCheckReturn.submitted_at.is_not_null()
    ):
        await FactCheckReturn.delete().where(FactCheckReturn.inspection == inspection_id)
        content = (returned.get("detail") or {}).get("content_to_publish") or "yes"
        await FactCheckReturn.insert(
            FactCheckReturn(
                inspection=inspection_id,
                returned_on=returned["occurred_on"],
                content_to_publish=content,
                submitted_at=returned["recorded_at"],
                submitted_by=returned["recorded_by"],
            )
        )


async def draft_from_events(inspection_id: int) -> dict | None:
    """A draft recorded only as a draft_sent fact, as the page shows it (nothing is written)."""
    sent = standing(await events_for(inspection_id), "draft_sent")
    if sent is None:
        return None
    return {
        "inspection": inspection_id,
        "sent_on": sent["occurred_on"],
        "indicative_publication": _iso_date((sent.get("detail") or {}).get("indicative_publication")),
        "shared_with_establishment": False,
        "shared_at": None,
        "version": 0,
    }


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def _require_open_return(inspection_id: int) -> None:
    await adopt_recorded_facts(inspection_id)
    if not await DraftReport.exists().where(DraftReport.inspection == inspection_id):
        raise ServiceError("The draft report has not been recorded as sent yet")
    existing = await return_row(inspection_id)
    if existing and existing["submitted_at"]:
        raise ServiceError("The fact check has already been returned")


async def _next_number(inspection_id: int) -> int:
    """Inside the write transaction: two points added at once wait for each other here."""
    await hold_row(Inspection, inspection_id)
    rows = await AccuracyPoint.select(AccuracyPoint.number).where(AccuracyPoint.inspection == inspection_id)
    return max((r["number"] for r in rows), default=0) + 1


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


async def _recent_twin(table, inspection_id: int, by: int, values: dict) -> dict | None:
    """A row the same person made from the same values moments ago: the same form sent twice
    (a double click, a resend after a slow answer). Called inside the write transaction."""
    query = table.select().where(
        (table.inspection == inspection_id)
        & (table.created_by == by)
        & (table.created_at >= now_utc() - DOUBLE_SUBMIT_WINDOW)
    )
    for name, value in values.items():
        query = query.where(getattr(table, name) == value)
    return await query.first()


async def add_point(inspection_id: int, values: dict, *, by: int, proposal: bool) -> tuple[dict | None, dict]:
    """Add one accuracy point, or a proposal from the establishment. (point, errors)."""
    clean, errors = validate_point(values)
    if errors:
        return None, errors
    async with write_transaction(_engine()):
        await _require_open_return(inspection_id)
        if twin := await _recent_twin(AccuracyPoint, inspection_id, by, clean):
            return twin, {}  # the same form sent twice makes one point (F4)
        row = AccuracyPoint(
            inspection=inspection_id,
            number=await _next_number(inspection_id),
            origin="establishment" if proposal else "scrutiny",
            state="proposed" if proposal else "included",
            created_by=by,
            created_at=now_utc(),
            **clean,
        )
        await row.save()
    return row.to_dict(), {}


async def import_points(inspection_id: int, points: list[dict], *, by: int) -> int:
    """Add every imported point, or none of them."""
    async with write_transaction(_engine()):
        await _require_open_return(inspection_id)
        number = await _next_number(inspection_id)
        rows = []
        for offset, values in enumerate(points):
            clean, errors = validate_point(values)
            if errors:
                raise ServiceError(f"Row {values.get('row', offset + 2)}: {next(iter(errors.values()))}")
            rows.append(
                AccuracyPoint(
                    inspection=inspection_id,
                    number=number + offset,
                    origin="scrutiny",
                    state="included",
                    created_by=by,
                    created_at=now_utc(),
                    **clean,
                )
            )
        if rows:
            await AccuracyPoint.insert(*rows)
    return len(rows)


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


async def set_point_state(inspection_id: int, point_id: int, state: str) -> None:
    """The Scrutiny Team takes an establishment's proposal into the return or drops it; or
    removes one of its own points before the return is submitted (state 'removed')."""
    async with write_transaction(_engine()):
        await _require_open_return(inspection_id)
        point = await point_row(inspection_id, point_id)
        if point is None:
            raise ServiceError("No such point")
        if state in ("included", "dropped") and point["origin"] != "establishment":
            raise ServiceError("Only the establishment's proposals can be taken in or dropped")
        if state == "removed":
            await AccuracyPoint.delete().where(AccuracyPoint.id == point_id)
            return
        await AccuracyPoint.update(
            {AccuracyPoint.state: state, AccuracyPoint.version: AccuracyPoint.version + 1}
        ).where(AccuracyPoint.id == point_id)


async def save_return_details(
    inspection_id: int,
    returned_on: date,
    content: str,
    reason: str,
    *,
    today: date,
    version: int | None = None,
) -> None:
    """Keep the return's details. `version` is the one the form was loaded with (0 for none yet):
    Conflict when someone else saved them since (K5)."""
    if returned_on > today:
        raise ServiceError("The date the fact check was returned must be today or in the past", "returned")
    async with write_transaction(_engine()):
        await _require_open_return(inspection_id)
        draft = (
            await DraftReport.select(DraftReport.sent_on)
            .where(DraftReport.inspection == inspection_id)
            .first()
        )
        if returned_on < draft["sent_on"]:
            raise ServiceError(
                "The date the fact check was returned must be on or after the date the draft was sent",
                "returned",
            )
        await hold_row(Inspection, inspection_id)
        existing = await FactCheckReturn.objects().where(FactCheckReturn.inspection == inspection_id).first()
        if version is not None and version != (existing.version if existing else 0):
            raise Conflict(existing.to_dict())
        if existing is None:
            existing = FactCheckReturn(inspection=inspection_id, version=0)
        existing.returned_on = returned_on
        existing.content_to_publish = content
        existing.not_content_reason = reason if content == "no" else ""
        existing.version = (existing.version or 0) + 1
        await existing.save()


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


async def submit_return(inspection_id: int, *, by: int, today: date) -> dict:
    """Submit the return: factcheck_returned is recorded and the timeline moves to HMIP."""
    async with write_transaction(_engine()):
        await _require_open_return(inspection_id)
        details = await return_row(inspection_id)
        problems = return_problems(details, await points_for(inspection_id))
        if problems:
            raise ServiceError(problems[0][1], problems[0][0])
        await FactCheckReturn.update(
            {
                FactCheckReturn.submitted_at: now_utc(),
                FactCheckReturn.submitted_by: by,
                FactCheckReturn.version: FactCheckReturn.version + 1,
            }
        ).where(FactCheckReturn.inspection == inspection_id)
        included = await AccuracyPoint.count().where(
            (AccuracyPoint.inspection == inspection_id) & (AccuracyPoint.state == "included")
        )
        await record_event(
            inspection_id,
            "factcheck_returned",
            details["returned_on"],
            by_user_id=by,
            detail={"content_to_publish": details["content_to_publish"], "points": included},
            today=today,
        )
    return await return_row(inspection_id)


# -- HMIP's answers (MoU ¶33) -------------------------------------------------------------------


def validate_answer(decision: str, matter_of_judgement: bool, reason: str) -> dict[str, str]:
    errors = {}
    if decision not in ("accepted", "partly_accepted", "not_accepted"):
        errors["decision"] = "Select whether HMIP accepts the point"
    elif decision != "accepted" and not reason and not matter_of_judgement:
        errors["reason"] = "Enter HMIP's reasons"
    if matter_of_judgement and decision in ("accepted", "partly_accepted"):
        errors["matter_of_judgement"] = "A matter of judgement is a reason for not accepting a point"
    if len(reason) > 5000:
        errors["reason"] = "HMIP's reasons must be 5000 characters or fewer"
    return errors


async def answer_point(
    inspection_id: int,
    point_id: int,
    version: int,
    decision: str,
    matter_of_judgement: bool,
    reason: str,
    *,
    by: int,
) -> dict:
    """Record HMIP's decision on one point; Conflict if someone else answered it meanwhile."""
    async with write_transaction(_engine()):
        await adopt_recorded_facts(inspection_id)
        if not await FactCheckReturn.exists().where(
            (FactCheckReturn.inspection == inspection_id) & FactCheckReturn.submitted_at.is_not_null()
        ):
            raise ServiceError("The fact check has not been returned yet")
        if await _response_sent(inspection_id):
            raise ServiceError("HMIP's response has been sent: the answers can no longer be changed")
        changed = (
            await AccuracyPoint.update(
                {
                    AccuracyPoint.decision: decision,
                    AccuracyPoint.matter_of_judgement: matter_of_judgement,
                    AccuracyPoint.reason: reason,
                    AccuracyPoint.answered_by: by,
                    AccuracyPoint.answered_at: now_utc(),
                    AccuracyPoint.version: version + 1,
                }
            )
            .where(
                (AccuracyPoint.id == point_id)
                & (AccuracyPoint.inspection == inspection_id)
                & (AccuracyPoint.state == "included")
                & (AccuracyPoint.version == version)
            )
            .returning(AccuracyPoint.id)
        )
        if not changed:
            current = await point_row(inspection_id, point_id)
            if current is None or current["state"] != "included":
                raise ServiceError("No such point")
            raise Conflict(current)
    return await point_row(inspection_id, point_id)


async def _response_sent(inspection_id: int) -> bool:
    return standing(await events_for(inspection_id), "hmip_response_sent") is not None


async def record_response_sent(inspection_id: int, sent_on: date, *, by: int, today: date) -> None:
    """hmip_response_sent, once every point in the return is answered."""
    if sent_on > today:
        raise ServiceError("The date HMIP's response was sent must be today or in the past", "sent")
    async with write_transaction(_engine()):
        await adopt_recorded_facts(inspection_id)
        details = await return_row(inspection_id)
        if not details or not details["submitted_at"]:
            raise ServiceError("The fact check has not been returned yet", "sent")
        if sent_on < details["returned_on"]:
            raise ServiceError(
                "The date HMIP's response was sent must be on or after the date the fact check was returned",
                "sent",
            )
        if await _response_sent(inspection_id):
            raise ServiceError("HMIP's response has already been recorded", "sent")
        unanswered = await AccuracyPoint.count().where(
            (AccuracyPoint.inspection == inspection_id)
            & (AccuracyPoint.state == "included")
            & (AccuracyPoint.decision == "")
        )
        if unanswered:
            raise ServiceError(f"Answer every accuracy point first ({unanswered} not answered)", "sent")
        await record_event(inspection_id, "hmip_response_sent", sent_on, by_user_id=by, today=today)


async def record_proceeded(inspection: dict, *, by: int, today: date) -> bool:
    """HMIP proceeds to publication after the fact-check deadline passed with no return (¶32).
    Returns False when it was already recorded."""
    stones = await milestones(inspection, today)
    if not deadline_passed_without_return(inspection, stones, today):
        raise ServiceError("HMIP may proceed without a return only once the fact-check deadline has passed")
    async with write_transaction(_engine()):
        if standing(await events_for(inspection["id"]), PROCEEDED_EVENT):
            return False
        due = fact_check_deadline(inspection, stones).due
        await record_event(
            inspection["id"],
            PROCEEDED_EVENT,
            today,
            by_user_id=by,
            detail={"deadline": due.isoformat()},
            today=today,
        )
    return True


# -- unpublished data (MoU ¶18, Annex B ¶4) -------------------------------------------------------


def validate_data_item(values: dict) -> tuple[dict, dict[str, str]]:
    clean = {
        "description": str(values.get("description") or "").strip(),
        "source": str(values.get("source") or "").strip(),
        "report_section": str(values.get("report_section") or "").strip(),
    }
    errors = {}
    if not clean["description"]:
        errors["description"] = "Enter what the data is"
    elif len(clean["description"]) > 2000:
        errors["description"] = "The description must be 2000 characters or fewer"
    if clean["source"] not in DATA_SOURCES:
        errors["source"] = "Select where the data comes from"
    if not clean["report_section"]:
        errors["report_section"] = "Enter the report section that uses it"
    elif len(clean["report_section"]) > 200:
        errors["report_section"] = "The report section must be 200 characters or fewer"
    return clean, errors


async def add_data_item(
    inspection_id: int, values: dict, notified_on: date | None, *, by: int, today: date
) -> dict:
    clean, errors = validate_data_item(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise ServiceError(message, field)
    if notified_on and notified_on > today:
        raise ServiceError("The date HMPPS was notified must be today or in the past", "notified")
    row = DataItem(
        inspection=inspection_id, notified_on=notified_on, created_by=by, created_at=now_utc(), **clean
    )
    async with write_transaction(_engine()):
        if twin := await _recent_twin(DataItem, inspection_id, by, clean | {"notified_on": notified_on}):
            return twin  # the same form sent twice makes one item (F4)
        await row.save()
    return row.to_dict()


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


def validate_data_response(source: str, response: str, reason: str, reference: str) -> dict[str, str]:
    errors = {}
    if response not in ("consent", "objection"):
        errors["response"] = "Select HMPPS's response"
    if response == "objection" and not reason:
        errors["objection_reason"] = "Enter the reason for the objection"
    if response == "consent" and source == "hub" and not reference:
        errors["consent_reference"] = "Enter the MoJ Data and Analysis written-consent reference"
    if len(reason) > 2000:
        errors["objection_reason"] = "The reason must be 2000 characters or fewer"
    if len(reference) > 100:
        errors["consent_reference"] = "The consent reference must be 100 characters or fewer"
    return errors


async def respond_to_data_item(
    inspection_id: int,
    item_id: int,
    response: str,
    reason: str,
    reference: str,
    responded_on: date,
    *,
    by: int,
    today: date,
    version: int | None = None,
) -> dict:
    async with write_transaction(_engine()):
        item = await data_item(inspection_id, item_id)
        if item is None:
            raise ServiceError("No such data item")
        errors = validate_data_response(item["source"], response, reason, reference)
        if errors:
            field, message = next(iter(errors.items()))
            raise ServiceError(message, field)
        if responded_on > today:
            raise ServiceError("The date of the response must be today or in the past", "responded")
        if item["proceeded_at"]:
            raise ServiceError("HMIP has already proceeded with this data under MoU ¶18")
        if version is not None and version != item["version"]:
            raise Conflict(item)
        changed = await DataItem.update(
            {
                DataItem.response: response,
                DataItem.objection_reason: reason if response == "objection" else "",
                DataItem.consent_reference: reference if response == "consent" else "",
                DataItem.responded_on: responded_on,
                DataItem.responded_by: by,
                DataItem.resolution: "",
                DataItem.version: item["version"] + 1,
            }
        ).where((DataItem.id == item_id) & (DataItem.version == item["version"])).returning(DataItem.id)
        if not changed:
            raise Conflict(await data_item(inspection_id, item_id))
    return await data_item(inspection_id, item_id)


async def resolve_data_objection(
    inspection_id: int, item_id: int, resolution: str, note: str, *, by: int
) -> None:
    if resolution not in ("removed", "withdrawn"):
        raise ServiceError("Select how the objection was resolved", "resolution")
    async with write_transaction(_engine()):
        item = await data_item(inspection_id, item_id)
        if item is None or item["response"] != "objection":
            raise ServiceError("Only an objection can be resolved")
        await DataItem.update(
            {
                DataItem.resolution: resolution,
                DataItem.resolution_note: note[:2000],
                DataItem.resolved_by: by,
                DataItem.resolved_at: now_utc(),
                DataItem.version: DataItem.version + 1,
            }
        ).where(DataItem.id == item_id)


async def proceed_with_data_item(inspection: dict, item_id: int, *, by: int, today: date) -> None:
    """HMIP's decision to proceed with data HMPPS did not respond about (MoU ¶18)."""
    stones = await milestones(inspection, today)
    async with write_transaction(_engine()):
        item = await data_item(inspection["id"], item_id)
        if item is None:
            raise ServiceError("No such data item")
        status = data_status(item, fact_check_deadline(inspection, stones), today)
        if status.key != "may_proceed":
            raise ServiceError(
                "HMIP may proceed only when the last day to object has passed with no response"
            )
        await DataItem.update(
            {
                DataItem.proceeded_by: by,
                DataItem.proceeded_at: now_utc(),
                DataItem.version: DataItem.version + 1,
            }
        ).where(DataItem.id == item_id)


@dataclass(frozen=True)
class ItemStatus:
    key: str
    text: str
    colour: str
    blocks: bool


def data_status(item: dict, deadline: Milestone | None, today: date) -> ItemStatus:
    """Where a data item stands. The last day to object is the fact-check deadline (¶18)."""
    if item["response"] == "consent":
        return ItemStatus("consent", "Consent given", "green", False)
    if item["response"] == "objection":
        if item["resolution"] == "removed":
            return ItemStatus("resolved", "Objection resolved: data removed from the report", "green", False)
        if item["resolution"] == "withdrawn":
            return ItemStatus("resolved", "Objection resolved: HMPPS withdrew it", "green", False)
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


# -- photographs (Annex A) ------------------------------------------------------------------------


async def add_photograph(
    inspection_id: int,
    caption: str,
    identity_check: str,
    security_check: bool,
    image: bytes | None,
    image_type: str,
    *,
    by: int,
    scan_status: str = "",
) -> dict:
    row = Photograph(
        inspection=inspection_id,
        caption=caption,
        identity_check=identity_check,
        security_check=security_check,
        image=image,
        image_type=image_type,
        scan_status=scan_status if image else "",
        created_by=by,
        created_at=now_utc(),
    )
    async with write_transaction(_engine()):
        await row.save()
    return row.to_dict()


PHOTO_COLUMNS = (
    Photograph.id,
    Photograph.inspection,
    Photograph.caption,
    Photograph.image_type,
    Photograph.scan_status,
    Photograph.identity_check,
    Photograph.security_check,
    Photograph.response,
    Photograph.objection_reason,
    Photograph.responded_at,
    Photograph.resolution,
    Photograph.resolved_at,
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


async def respond_to_photograph(
    inspection_id: int, photo_id: int, response: str, reason: str, *, by: int, version: int | None = None
) -> None:
    if response not in ("no_objection", "objection"):
        raise ServiceError("Select whether HMPPS objects to the photograph", "response")
    if response == "objection" and not reason:
        raise ServiceError("Enter the reason for the objection", "objection_reason")
    async with write_transaction(_engine()):
        photo = await photograph(inspection_id, photo_id)
        if photo is None:
            raise ServiceError("No such photograph")
        if version is not None and version != photo["version"]:
            raise Conflict(photo)
        changed = Photograph.update(
            {
                Photograph.response: response,
                Photograph.objection_reason: reason[:2000] if response == "objection" else "",
                Photograph.responded_by: by,
                Photograph.responded_at: now_utc(),
                Photograph.resolution: "",
                Photograph.version: photo["version"] + 1,
            }
        ).where((Photograph.id == photo_id) & (Photograph.version == photo["version"]))
        changed = await changed.returning(Photograph.id)
        if not changed:
            raise Conflict(await photograph(inspection_id, photo_id))


async def resolve_photograph_objection(
    inspection_id: int, photo_id: int, resolution: str, *, by: int
) -> None:
    if resolution not in ("removed", "withdrawn"):
        raise ServiceError("Select how the objection was resolved", "resolution")
    async with write_transaction(_engine()):
        photo = await photograph(inspection_id, photo_id)
        if photo is None or photo["response"] != "objection":
            raise ServiceError("Only an objection can be resolved")
        await Photograph.update(
            {
                Photograph.resolution: resolution,
                Photograph.resolved_by: by,
                Photograph.resolved_at: now_utc(),
                Photograph.version: Photograph.version + 1,
            }
        ).where(Photograph.id == photo_id)


def photo_status(photo: dict) -> ItemStatus:
    if photo["response"] == "objection":
        if photo["resolution"] == "removed":
            return ItemStatus("resolved", "Objection resolved: photograph removed", "green", False)
        if photo["resolution"] == "withdrawn":
            return ItemStatus("resolved", "Objection resolved: HMPPS withdrew it", "green", False)
        return ItemStatus("objection", "Objection", "red", True)
    if photo["response"] == "no_objection":
        return ItemStatus("no_objection", "No objection", "green", False)
    return ItemStatus("waiting", "No objection raised", "grey", False)


# -- publication (MoU ¶34-¶35) --------------------------------------------------------------------


@dataclass
class CheckItem:
    label: str
    done: bool
    detail: str = ""
    href: str = ""


@dataclass
class Checklist:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(i.done for i in self.items)

    @property
    def outstanding(self) -> list[CheckItem]:
        return [i for i in self.items if not i.done]


async def checklist(inspection: dict, today: date, events: list[dict] | None = None) -> Checklist:
    """Ready to publish? Fact check returned (or its deadline passed), every point answered,
    no unresolved data or photograph objection, the press release shared with HMPPS."""
    from tracker.templating import govuk_date

    iid = inspection["id"]
    events = await events_for(iid) if events is None else events
    known = facts(events)
    stones = await milestones(inspection, today, events)
    base = f"/inspections/{iid}"
    items = []
    deadline = fact_check_deadline(inspection, stones)
    if "factcheck_returned" in known:
        items.append(
            CheckItem("Fact check returned", True, f"Returned {govuk_date(known['factcheck_returned'])}")
        )
    elif deadline_passed_without_return(inspection, stones, today):
        items.append(
            CheckItem(
                "Fact check returned or its deadline passed",
                True,
                f"No return by {govuk_date(deadline.due)}: HMIP may proceed to publication (MoU ¶32)",
            )
        )
    else:
        detail = (
            f"Due {govuk_date(deadline.due)}" if deadline and deadline.due else "The draft has not been sent"
        )
        items.append(
            CheckItem("Fact check returned or its deadline passed", False, detail, f"{base}/factcheck")
        )
    points = await points_for(iid, ("included",))
    unanswered = [p for p in points if not p["decision"]]
    items.append(
        CheckItem(
            "Every accuracy point answered",
            not unanswered,
            f"{len(points) - len(unanswered)} of {len(points)} answered" if points else "No accuracy points",
            f"{base}/factcheck#points",
        )
    )
    data = await data_items(iid)
    blocking = [d for d in data if data_status(d, deadline, today).blocks]
    objections = [d for d in blocking if d["response"] == "objection"]
    items.append(
        CheckItem(
            "Unpublished data cleared: consent, objection resolved or proceeded under MoU ¶18",
            not blocking,
            (
                f"{len(objections)} unresolved objection(s), {len(blocking) - len(objections)} waiting"
                if blocking
                else f"{len(data)} data item(s) cleared"
            ),
            f"{base}/factcheck#data",
        )
    )
    photos = await photographs(iid)
    photo_blocks = [p for p in photos if photo_status(p).blocks]
    items.append(
        CheckItem(
            "No unresolved objection to a photograph",
            not photo_blocks,
            f"{len(photo_blocks)} unresolved objection(s)"
            if photo_blocks
            else f"{len(photos)} photograph(s)",
            f"{base}/factcheck#photographs",
        )
    )
    if inspection["kind"] == "thematic":
        discussed = standing(events, EMERGING_FINDINGS_EVENT)
        items.append(
            CheckItem(
                "Emerging findings discussed with HMPPS (MoU ¶52)",
                discussed is not None,
                f"Discussed {govuk_date(discussed['occurred_on'])}" if discussed else "Not recorded",
                f"{base}/emerging-findings",
            )
        )
    shared = known.get("press_release_shared")
    items.append(
        CheckItem(
            "Press notice or release shared with HMPPS (MoU ¶35)",
            shared is not None,
            f"Shared {govuk_date(shared)}" if shared else "Not recorded",
            f"{base}/publication#press-release",
        )
    )
    return Checklist(items)


async def record_press_release(inspection_id: int, shared_on: date, *, by: int, today: date) -> None:
    if shared_on > today:
        raise ServiceError("The date the press release was shared must be today or in the past", "shared")
    async with write_transaction(_engine()):
        previous = standing(await events_for(inspection_id), "press_release_shared")
        await record_event(
            inspection_id,
            "press_release_shared",
            shared_on,
            by_user_id=by,
            supersedes=previous["id"] if previous else None,
            today=today,
        )


async def record_publication(
    inspection: dict, published_on: date, link: str, *, by: int, today: date
) -> None:
    """published, once the checklist is complete; records HMIP proceeding without a return (¶32)
    when that is how the fact-check item was met."""
    if published_on > today:
        raise ServiceError("The publication date must be today or in the past", "published")
    ready = await checklist(inspection, today)
    if not ready.ready:
        raise ServiceError(
            "The report is not ready to publish: " + "; ".join(i.label.lower() for i in ready.outstanding),
            "published",
        )
    events = await events_for(inspection["id"])
    if standing(events, "published"):
        raise ServiceError("Publication has already been recorded", "published")
    known = facts(events)
    async with write_transaction(_engine()):
        if "factcheck_returned" not in known and not standing(events, PROCEEDED_EVENT):
            await record_proceeded(inspection, by=by, today=today)
        await record_event(
            inspection["id"], "published", published_on, by_user_id=by, detail={"link": link}, today=today
        )


async def record_simple_event(
    inspection_id: int, kind: str, on: date, note: str, *, by: int, today: date
) -> None:
    if on > today:
        raise ServiceError("The date must be today or in the past", "on")
    async with write_transaction(_engine()):
        await record_event(
            inspection_id, kind, on, by_user_id=by, detail={"note": note[:2000]} if note else {}, today=today
        )


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
        & StoredMilestone.done_on.is_null()
        & StoredMilestone.due.is_not_null()
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
