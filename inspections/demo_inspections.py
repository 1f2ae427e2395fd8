"""Demo inspections in every stage, relative to today, so every journey is visible on first run.

- HMP Example: a full inspection published about three months ago with 24 recommendations
  (the action plan journey), and a full inspection whose draft went a week ago (fact check under
  way: the Scrutiny Team's journey), with its debrief and confidential note.
- HMP Leeds: a full inspection ending today (the team leader logs the debrief).
- HMP Wakefield: debrief held ten days ago, note not yet sent to HMPPS HQ.
- HMP Birmingham: an urgent notification; the Secretary of State's response is awaited.
- HMP Pentonville / HMP Thameside: HMIP answering accuracy points / awaiting publication.
- HMYOI Feltham and HMYOI Wetherby: full inspections with IRPs planned and held.
- Oakhill STC: an announced joint inspection with Ofsted and the CQC, planned.
- HMP Oakwood: last full inspection more than five years ago (past the programme limit).
- Heathrow IRC: a thematic review being drafted.
- HMP Millsike: new, and HMPPS told HMIP late (MoU ¶12).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from inspections.operations.debrief import DebriefInput, save_debrief
from inspections.operations.facts import FactInput, record_fact
from inspections.operations.inspections import raise_urgent_notification
from inspections.operations.recommendations import add_recommendations, set_follow_ups
from inspections.queries import recommendations_of
from inspections.tables import Establishment, Inspection, InspectionTeamMember
from timelines.store import refresh_inspection
from tracker.clock import LONDON, now_utc, today_london
from tracker.operations import Actor
from tracker.users import user_id_for

DEMO_NOTE = (
    "Indicative findings shared with the Governor at the final debrief. Safety: levels of violence "
    "remain high on the main wings; use of force paperwork incomplete. Respect: cells on B wing in "
    "poor condition. Purposeful activity: too few activity places. Preparation for release: "
    "resettlement planning is reasonably good."
)

RECOMMENDATION_AREAS = ["Safety", "Respect", "Purposeful activity", "Preparation for release"]
RECOMMENDATION_TEXTS = [
    "Leaders should reduce the level of violence and understand its causes.",
    "Use of force should be properly scrutinised and body-worn cameras used.",
    "Prisoners at risk of self-harm should receive consistent, good-quality care.",
    "Segregation should be used only as a last resort and for the shortest time.",
    "Cells should be clean, decent and properly equipped.",
    "Prisoners should have reliable access to showers and clean clothing.",
    "Complaints should be answered promptly and fairly.",
    "Staff should treat prisoners with courtesy and learn their names.",
    "Every prisoner should have at least two hours a day out of cell.",
    "Leaders should provide enough education, skills and work places.",
    "Attendance at education and work should improve.",
    "Reading support should be available to all who need it.",
    "Every prisoner should have an up-to-date sentence plan.",
    "Release planning should start early enough to find accommodation.",
    "Prisoners should be able to maintain contact with their families.",
    "Public protection arrangements should be in place before release.",
]


def weekday(day: date) -> date:
    """The day itself, or the Friday before when it falls at a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


async def _user(username: str) -> int | None:
    return await user_id_for(username)


async def _establishment(name: str) -> int | None:
    row = await Establishment.select(Establishment.id).where(Establishment.name == name).first()
    return row["id"] if row else None


async def _inspection(
    name: str,
    kind: str,
    start: date,
    end: date,
    *,
    leader: int | None,
    team: list[int],
    today: date,
    **fields,
) -> int | None:
    establishment = await _establishment(name)
    if establishment is None:
        return None
    row = Inspection(
        establishment=establishment,
        kind=kind,
        start_date=start,
        end_date=end,
        team_leader=leader,
        created_at=now_utc(),
        coordinator=fields.pop("coordinator", "Chris Ordinator"),
        liaison_officer=fields.pop("liaison_officer", "Lee Liaison"),
        **fields,
    )
    await row.save()
    for member in team:
        await InspectionTeamMember.insert(InspectionTeamMember(inspection=row.id, user=member))
    await refresh_inspection(row.id, today=today, reason="demo")
    return row.id


DEMO_REPORT_LINK = "https://hmiprisons.justiceinspectorates.gov.uk/inspections/"


async def record_facts(
    inspection_id: int | None, facts: list[tuple[str, date | datetime]], by: int | None, today: date
):
    if inspection_id is None:
        return
    actor = Actor.system("demo", for_user=by)
    for kind, when in facts:
        if isinstance(when, datetime):
            data = FactInput(kind, when.date(), occurred_at=when)
        elif when <= today:
            data = FactInput(
                kind,
                when,
                content_to_publish="yes" if kind == "factcheck_returned" else "",
                link=DEMO_REPORT_LINK if kind == "published" else "",
            )
        else:
            continue
        await record_fact(actor, inspection_id, data, today=today)


async def _debrief(
    inspection_id: int | None, held: date, by: int | None, today: date, *, pgd_absent=True
) -> None:
    if inspection_id is None:
        return
    row = await Inspection.select().where(Inspection.id == inspection_id).first()
    data = DebriefInput(
        held_on=held,
        attendees=["governor", "imb_chair"] if pgd_absent else ["governor", "pgd", "imb_chair"],
        absence_notice="in_advance" if pgd_absent else "",
        notice_given_on=held - timedelta(days=3) if pgd_absent else None,
        judgements={"safety": "2", "respect": "2", "purposeful_activity": "1", "preparation_for_release": "3"}
        if row["kind"] == "full"
        else {},
        note_text=DEMO_NOTE,
    )
    await save_debrief(Actor.system("demo", for_user=by), row, data, today=today, version=None)


async def _recommendations(inspection_id: int | None, count: int) -> None:
    if inspection_id is None:
        return
    items = []
    for n in range(count):
        items.append(
            {
                "reference": f"{n + 1}",
                "text": RECOMMENDATION_TEXTS[n % len(RECOMMENDATION_TEXTS)],
                "area": RECOMMENDATION_AREAS[n % 4],
                "kind": "area_of_concern" if n < 4 else "recommendation",
            }
        )
    await add_recommendations(Actor.system("demo"), inspection_id, items)


def report_facts(end: date, published: date) -> list[tuple[str, date]]:
    draft = weekday(end + timedelta(days=42))
    returned = weekday(draft + timedelta(days=19))
    response = weekday(returned + timedelta(days=12))
    return [
        ("debrief_held", end),
        ("debrief_note_sent", weekday(end + timedelta(days=5))),
        ("draft_sent", draft),
        ("factcheck_returned", returned),
        ("hmip_response_sent", response),
        ("press_release_shared", weekday(published - timedelta(days=2))),
        ("published", published),
    ]


async def load_inspections(today: date | None = None) -> None:
    if await Inspection.count() > 0:
        return
    today = today or today_london()
    leader = await _user("leader")
    inspector = await _user("inspector")
    team = [inspector] if inspector else []

    # HMP Example: published about three months ago, 24 recommendations (action plan journey).
    published = weekday(today - timedelta(days=91))
    end = weekday(published - timedelta(days=98))
    example_published = await _inspection(
        "HMP Example", "full", end - timedelta(days=11), end, leader=leader, team=team, today=today
    )
    await _debrief(example_published, end, leader, today)
    await record_facts(example_published, report_facts(end, published)[1:], leader, today)
    await _recommendations(example_published, 24)

    # HMP Example: draft sent a week ago, fact check under way (Scrutiny Team's journey).
    draft = weekday(today - timedelta(days=7))
    end = weekday(draft - timedelta(days=44))
    example_current = await _inspection(
        "HMP Example", "full", end - timedelta(days=11), end, leader=leader, team=team, today=today
    )
    await _debrief(example_current, end, leader, today)
    await record_facts(
        example_current,
        [("debrief_note_sent", weekday(end + timedelta(days=6))), ("draft_sent", draft)],
        leader,
        today,
    )

    # HMP Leeds: on site, ending today: the team leader logs the final debrief.
    leeds_end = weekday(today)
    await _inspection(
        "HMP Leeds", "full", leeds_end - timedelta(days=11), leeds_end, leader=leader, team=team, today=today
    )

    # HMP Wakefield: debrief held, note to HMPPS HQ not yet sent.
    end = weekday(today - timedelta(days=10))
    wakefield = await _inspection(
        "HMP Wakefield", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    await _debrief(wakefield, end, leader, today, pgd_absent=False)

    # HMP Birmingham: urgent notification; the Secretary of State's response is awaited.
    end = weekday(today - timedelta(days=20))
    birmingham = await _inspection(
        "HMP Birmingham", "full", end - timedelta(days=11), end, leader=leader, team=team, today=today
    )
    if birmingham:
        await _debrief(birmingham, end, leader, today)
        await raise_urgent_notification(
            Actor.system("demo", for_user=leader),
            birmingham,
            today=end + timedelta(days=1),
            reason="Grave concerns about safety",
        )
        letter = datetime.combine(end + timedelta(days=6), time(10, 0), tzinfo=LONDON)
        await record_facts(
            birmingham,
            [
                ("debrief_note_sent", weekday(end + timedelta(days=5))),
                ("un_letter_sent", letter),
                ("un_published", letter + timedelta(hours=24)),
            ],
            leader,
            today,
        )

    # HMP Pentonville: the fact check came back; HMIP answering the accuracy points.
    returned = weekday(today - timedelta(days=5))
    end = weekday(returned - timedelta(days=70))
    pentonville = await _inspection(
        "HMP Pentonville", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    await record_facts(
        pentonville,
        [
            ("debrief_held", end),
            ("debrief_note_sent", weekday(end + timedelta(days=4))),
            ("draft_sent", weekday(end + timedelta(days=45))),
            ("factcheck_returned", returned),
        ],
        leader,
        today,
    )

    # HMP Thameside: HMIP has responded; awaiting publication.
    response = weekday(today - timedelta(days=8))
    end = weekday(response - timedelta(days=84))
    thameside = await _inspection(
        "HMP Thameside", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    await record_facts(thameside, report_facts(end, today + timedelta(days=30))[:5], leader, today)

    # HMYOI Feltham: full inspection ten months ago, published; IRP planned inside its window.
    end = weekday(today - timedelta(days=300))
    feltham = await _inspection(
        "HMYOI Feltham", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    await record_facts(feltham, report_facts(end, weekday(end + timedelta(days=95))), leader, today)
    await _recommendations(feltham, 12)
    if feltham:
        start = weekday(today + timedelta(days=21))
        irp = await _inspection(
            "HMYOI Feltham",
            "irp",
            start,
            start + timedelta(days=2),
            leader=leader,
            team=[],
            today=today,
            follows=feltham,
            announced=True,
            announced_on=today - timedelta(days=30),
            inspector_count=4,
            days_on_site=2.5,
        )
        recs = await recommendations_of(feltham)
        irp_row = await Inspection.select().where(Inspection.id == irp).first()
        await set_follow_ups(Actor.system("demo"), irp_row, [r["id"] for r in recs[:6]])

    # HMYOI Wetherby: full inspection nine months before an IRP held last week.
    irp_end = weekday(today - timedelta(days=5))
    end = weekday(irp_end - timedelta(days=275))
    wetherby = await _inspection(
        "HMYOI Wetherby", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    await record_facts(wetherby, report_facts(end, weekday(end + timedelta(days=95))), leader, today)
    await _recommendations(wetherby, 10)
    if wetherby:
        irp = await _inspection(
            "HMYOI Wetherby",
            "irp",
            irp_end - timedelta(days=2),
            irp_end,
            leader=leader,
            team=team,
            today=today,
            follows=wetherby,
            announced=True,
            announced_on=irp_end - timedelta(days=60),
            inspector_count=5,
            days_on_site=2.5,
        )
        await record_facts(irp, [("debrief_held", irp_end)], leader, today)

    # Oakhill STC: an announced joint inspection, planned.
    start = weekday(today + timedelta(days=40))
    await _inspection(
        "Oakhill STC",
        "full",
        start,
        start + timedelta(days=4),
        leader=leader,
        team=team,
        today=today,
        announced=True,
        announced_on=today - timedelta(days=140),
        partner_inspectorates="ofsted,cqc",
    )

    # HMP Oakwood: last full inspection more than five years ago.
    end = weekday(today - timedelta(days=5 * 365 + 60))
    oakwood = await _inspection(
        "HMP Oakwood", "full", end - timedelta(days=11), end, leader=leader, team=[], today=today
    )
    published = weekday(end + timedelta(days=98))
    await record_facts(
        oakwood,
        [
            *report_facts(end, published),
            ("action_plan_received", weekday(published + timedelta(days=80))),
        ],
        leader,
        today,
    )

    # Heathrow IRC: a thematic review being drafted, with its own draft stage.
    end = weekday(today - timedelta(days=30))
    await _inspection(
        "Heathrow IRC",
        "thematic",
        end - timedelta(days=30),
        end,
        leader=leader,
        team=team,
        today=today,
        title="Healthcare in immigration detention",
        stage_overrides='{"draft_report": "40 working days"}',
    )

    # HMP Millsike: a new prison; HMPPS told HMIP only after it opened (MoU ¶12).
    await Establishment.update(
        {
            Establishment.operational_on: today - timedelta(days=60),
            Establishment.hmpps_notified_on: today - timedelta(days=58),
        }
    ).where(Establishment.name == "HMP Millsike")
