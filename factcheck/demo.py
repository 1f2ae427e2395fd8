"""Demo data for the factcheck domain (idempotent; runs after the inspections demo).

It fills in the fact checks the inspections demo leaves at each stage, so every journey in
JOURNEYS.md shows on first run: HMP Example's fact check under way with a Hub data request
waiting on HMPPS; an overdue thematic fact check (red in the queue, HMIP may proceed);
HMP Pentonville's return with points for HMIP to answer; HMP Thameside answered and waiting on
the press release before publication.
"""

from __future__ import annotations

from datetime import date, timedelta

from factcheck.operations.common import adopt_recorded_facts
from factcheck.operations.draft import record_draft
from factcheck.queries import draft_from_events
from factcheck.tables import AccuracyPoint, DataItem, Photograph
from inspections.tables import Establishment, Inspection, InspectionEvent, InspectionTeamMember
from timelines.store import current_calendar, refresh_inspection
from tracker.clock import now_utc, today_london
from tracker.operations import Actor
from tracker.users import user_id_for

OVERDUE_TITLE = "Time out of cell (fact check demo)"

POINTS = [
    (
        "Section 2, paragraph 2.14",
        "data",
        "14 use of force incidents",
        "41 use of force incidents",
        "Hub extract",
    ),
    ("Section 3, paragraph 3.2", "names_titles", "Head of Residence", "Head of Residence and Safety", ""),
    (
        "Page 31",
        "process",
        "Keyworker sessions are weekly",
        "Keyworker sessions are fortnightly",
        "PSI 2019/07",
    ),
]


async def _inspection_with_fact(name: str, fact: str, without: str | None = None) -> dict | None:
    establishment = await Establishment.select(Establishment.id).where(Establishment.name == name).first()
    if establishment is None:
        return None
    rows = (
        await Inspection.select()
        .where(Inspection.establishment == establishment["id"])
        .order_by(Inspection.id)
    )
    for row in rows:
        kinds = {
            e["kind"]
            for e in await InspectionEvent.select(InspectionEvent.kind).where(
                InspectionEvent.inspection == row["id"]
            )
        }
        if fact in kinds and (without is None or without not in kinds):
            return row
    return None


async def _has_points(inspection_id: int) -> bool:
    return bool(await AccuracyPoint.count().where(AccuracyPoint.inspection == inspection_id))


async def _add_points(inspection_id: int, by: int | None) -> None:
    await AccuracyPoint.insert(
        *[
            AccuracyPoint(
                inspection=inspection_id,
                number=n,
                origin="scrutiny",
                state="included",
                location=location,
                category=category,
                current_text=current,
                proposed_correction=correction,
                evidence=evidence,
                created_by=by,
                created_at=now_utc(),
            )
            for n, (location, category, current, correction, evidence) in enumerate(POINTS, start=1)
        ]
    )


async def _data_item(inspection_id: int, by: int | None, notified: date, **fields) -> None:
    await DataItem.insert(
        DataItem(
            inspection=inspection_id,
            description=fields.pop(
                "description", "Use of force incidents per 1,000 prisoners, last 12 months"
            ),
            source=fields.pop("source", "hub"),
            report_section=fields.pop("report_section", "Section 3: Safety"),
            notified_on=notified,
            created_by=by,
            created_at=now_utc(),
            **fields,
        )
    )


async def load(today: date | None = None) -> None:
    today = today or today_london()
    calendar = await current_calendar()
    leader = await user_id_for("leader")
    scrutiny = await user_id_for("scrutiny")
    inspector = await user_id_for("inspector")

    # HMP Example: fact check under way; a Hub data request waiting on HMPPS; one photograph.
    current = await _inspection_with_fact("HMP Example", "draft_sent", without="factcheck_returned")
    if current and not await DataItem.count().where(DataItem.inspection == current["id"]):
        await adopt_recorded_facts(current["id"])
        sent = (await draft_from_events(current["id"]))["sent_on"]
        await _data_item(current["id"], leader, sent)
        await _data_item(
            current["id"],
            leader,
            sent,
            description="Proportion of prisoners in purposeful activity",
            source="hmpps_other",
            report_section="Section 4: Purposeful activity",
        )
        await Photograph.insert(
            Photograph(
                inspection=current["id"],
                caption="Refurbished showers on B wing",
                identity_check="nobody_identifiable",
                security_check=True,
                created_by=leader,
                created_at=now_utc(),
            )
        )

    # HMP Pentonville: returned with three points; HMIP to answer them.
    pentonville = await _inspection_with_fact(
        "HMP Pentonville", "factcheck_returned", without="hmip_response_sent"
    )
    if pentonville and not await _has_points(pentonville["id"]):
        await adopt_recorded_facts(pentonville["id"])
        await _add_points(pentonville["id"], scrutiny)

    # HMP Thameside: every point answered; the press release is still to share.
    thameside = await _inspection_with_fact("HMP Thameside", "hmip_response_sent", without="published")
    if thameside and not await _has_points(thameside["id"]):
        await adopt_recorded_facts(thameside["id"])
        await _add_points(thameside["id"], scrutiny)
        await AccuracyPoint.update(
            {
                AccuracyPoint.decision: "accepted",
                AccuracyPoint.answered_by: leader,
                AccuracyPoint.answered_at: now_utc(),
            }
        ).where(AccuracyPoint.inspection == thameside["id"])
        await _data_item(
            thameside["id"],
            leader,
            today - timedelta(days=60),
            response="consent",
            consent_reference="DA-2026-041",
            responded_on=today - timedelta(days=50),
            responded_by=scrutiny,
        )

    # An overdue thematic fact check at HMP Leeds: red in the queue; HMIP may proceed (¶32).
    leeds = await Establishment.select(Establishment.id).where(Establishment.name == "HMP Leeds").first()
    if leeds and not await Inspection.exists().where(Inspection.title == OVERDUE_TITLE):
        sent = calendar.add_working_days(today, -18)
        end = calendar.add_working_days(sent, -40)
        row = Inspection(
            establishment=leeds["id"],
            kind="thematic",
            title=OVERDUE_TITLE,
            start_date=end - timedelta(days=14),
            end_date=end,
            team_leader=leader,
            created_at=now_utc(),
        )
        await row.save()
        if inspector:
            await InspectionTeamMember.insert(InspectionTeamMember(inspection=row.id, user=inspector))
        await refresh_inspection(row.id, today=today, reason="demo")
        await record_draft(Actor.system("demo", for_user=leader), row.id, sent, None, today=today)
        await _data_item(row.id, leader, sent, description="Average hours out of cell on weekdays")
