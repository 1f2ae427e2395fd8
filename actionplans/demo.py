"""Demo data for the actionplans domain (idempotent: each scenario is created once, found again
by its inspection title).

- HMP Example: a report published five weeks ago with 24 recommendations, its plan not yet
  started (the Governor's journey), and the previous inspection's published plan with progress
  and two overdue actions (shown on the new inspection, MoU ¶38).
- HMP Leeds: a plan submitted and waiting for the Scrutiny Team's quality assurance.
- HMP Wakefield: a plan quality-assured and waiting for the Executive Director's clearance.

The plans move through the action plan operations (as the system, on past dates), so each stage
is on the inspection's timeline as the pages would record it (MoU ¶37).
"""

from __future__ import annotations

from datetime import date, timedelta

from actionplans import queries
from actionplans.operations import workflow
from actionplans.operations.workflow import start_plan
from actionplans.tables import ActionProgress, PlanAction, PlanResponse
from inspections.demo_inspections import record_facts, report_facts
from inspections.tables import Establishment, Inspection, Recommendation
from tracker.clock import now_utc, today_london
from tracker.operations import Actor
from tracker.users import user_id_for

MARK = "(action plan demo)"

AREAS = [
    ("Safety", "Leaders should make sure that every cell call bell is answered within five minutes."),
    ("Safety", "Use of force should be reviewed promptly and body-worn video used in every incident."),
    ("Safety", "Prisoners at risk of self-harm should have care plans that address their needs."),
    ("Respect", "Residential units should be clean, and broken windows and furniture replaced."),
    ("Respect", "Complaints should be answered on time and the answers should address the issue."),
    ("Respect", "Prisoners should be able to make a telephone call on their first night."),
    ("Purposeful activity", "Leaders should increase time out of cell for all prisoners."),
    ("Purposeful activity", "There should be enough education, skills and work places for everyone."),
    ("Purposeful activity", "Attendance and punctuality at activities should improve."),
    ("Preparation for release", "Every prisoner should have an up-to-date sentence plan."),
    ("Preparation for release", "Prisoners should be released with accommodation arranged."),
    ("Preparation for release", "Public protection arrangements should be agreed before release."),
]


def _texts(count: int) -> list[tuple[str, str, str]]:
    rows = []
    for n in range(count):
        area, text = AREAS[n % len(AREAS)]
        kind = "area_of_concern" if n % 6 == 5 else "recommendation"
        reference = f"{'C' if kind == 'area_of_concern' else 'R'}{n + 1}"
        rows.append((reference, text if n < len(AREAS) else f"{text} (follow-up {n + 1})", area, kind))
    return rows


async def _establishment(name: str) -> int | None:
    row = await Establishment.select(Establishment.id).where(Establishment.name == name).first()
    return row["id"] if row else None


async def _inspection(establishment_id: int, title: str, end: date, published: date, recs: int) -> int:
    found = (
        await Inspection.select(Inspection.id)
        .where(Inspection.title == title, Inspection.establishment == establishment_id)
        .first()
    )
    if found:
        return found["id"]
    leader = await user_id_for("leader")
    row = Inspection(
        establishment=establishment_id,
        kind="full",
        title=title,
        start_date=end - timedelta(days=11),
        end_date=end,
        team_leader=leader,
        created_at=now_utc(),
        closed=True,
    )
    await row.save()
    await Recommendation.insert(
        *[
            Recommendation(inspection=row.id, reference=ref, text=text, area=area, kind=kind, position=n)
            for n, (ref, text, area, kind) in enumerate(_texts(recs), start=1)
        ]
    )
    await record_facts(row.id, report_facts(end, published), leader, today_london())
    return row.id


async def _fill(plan_id: int, inspection_id: int, today: date, by: int | None, *, old: bool = False) -> None:
    if await PlanAction.exists().where(PlanAction.plan == plan_id):
        return
    recs = await queries.recommendations(inspection_id)
    now = now_utc()
    owners = ["Head of Safety", "Head of Residence", "Head of Reducing Reoffending", "Head of Education"]
    for n, rec in enumerate(recs):
        response = "not_agreed" if n % 7 == 6 else ("partly_agreed" if n % 5 == 4 else "agreed")
        await PlanResponse.insert(
            PlanResponse(
                plan=plan_id,
                recommendation=rec["id"],
                response=response,
                agreed_part="The parts within the establishment's control"
                if response == "partly_agreed"
                else "",
                reason="Depends on national funding decisions" if response == "not_agreed" else "",
                updated_at=now,
                updated_by=by,
            )
        )
        if response == "not_agreed":
            continue
        if old:
            target = today - timedelta(days=20) if n in (1, 3) else today + timedelta(days=30 * (n + 1))
            status = "complete" if n in (0, 2) else ("in_progress" if n in (1, 4) else "not_started")
        else:
            target, status = today + timedelta(days=60 + 7 * n), "not_started"
        action = PlanAction(
            plan=plan_id,
            recommendation=rec["id"],
            position=1,
            description=f"Action plan for {rec['reference']}: named lead to review and report monthly",
            owner=owners[n % len(owners)],
            target_date=target,
            status=status,
            created_at=now,
            updated_at=now,
            updated_by=by,
        )
        await action.save()
        if old and status != "not_started":
            await ActionProgress.insert(
                ActionProgress(
                    action=action.id,
                    plan=plan_id,
                    occurred_on=today - timedelta(days=45),
                    status=status,
                    note="Reviewed at the monthly performance meeting",
                    recorded_by=by,
                    recorded_at=now,
                )
            )


async def _walk(
    plan_id: int, to: str, dates: dict[str, date], by_ids: dict, today: date, url: str = ""
) -> None:
    """Move a plan through its stages up to `to`, each on its date, as the person who takes it."""

    def actor(stage: str) -> Actor:
        return Actor.system("demo", for_user=by_ids.get(stage))

    if (await queries.get_plan(plan_id))["status"] != "draft":
        return
    steps = [
        ("submitted", lambda on: workflow.submit(actor("submitted"), plan_id, today=today, on=on)),
        ("accepted", lambda on: workflow.review(actor("accepted"), plan_id, "accept", "", today=today,
                                                on=on)),
        ("cleared", lambda on: workflow.clear(actor("cleared"), plan_id, today=today, on=on)),
        ("available", lambda on: workflow.make_available(actor("available"), plan_id, today=today, on=on)),
        ("published", lambda on: workflow.publish(actor("published"), plan_id, url=url, on=on, today=today)),
    ]
    for stage, move in steps:
        await move(dates[stage])
        if stage == to:
            return


async def load() -> None:
    today = today_london()
    governor = await user_id_for("governor")
    scrutiny = await user_id_for("scrutiny")
    manager = await user_id_for("hmppsmanager")
    leader = await user_id_for("leader")
    by_ids = {
        "submitted": governor,
        "accepted": scrutiny,
        "cleared": manager,
        "available": scrutiny,
        "published": leader,
    }

    example = await _establishment("HMP Example")
    if example:
        old_published = today - timedelta(days=900)
        old = await _inspection(
            example, f"Full inspection {MARK}, previous", today - timedelta(days=1000), old_published, 8
        )
        plan_id = await start_plan(Actor.system("demo", for_user=governor), old)
        await _fill(plan_id, old, today, governor, old=True)
        offsets = {"submitted": 60, "accepted": 70, "cleared": 78, "available": 85, "published": 95}
        dates = {stage: old_published + timedelta(days=days) for stage, days in offsets.items()}
        url = "https://hmiprisons.justice.gov.uk/hmp-example-action-plan"
        await _walk(plan_id, "published", dates, by_ids, today, url)
        await _inspection(
            example, f"Full inspection {MARK}", today - timedelta(days=130), today - timedelta(days=35), 24
        )

    leeds = await _establishment("HMP Leeds")
    if leeds:
        inspection = await _inspection(
            leeds, f"Full inspection {MARK}", today - timedelta(days=170), today - timedelta(days=70), 10
        )
        plan_id = await start_plan(Actor.system("demo"), inspection)
        await _fill(plan_id, inspection, today, None)
        await _walk(plan_id, "submitted", {"submitted": today - timedelta(days=3)}, by_ids, today)

    wakefield = await _establishment("HMP Wakefield")
    if wakefield:
        inspection = await _inspection(
            wakefield, f"Full inspection {MARK}", today - timedelta(days=200), today - timedelta(days=95), 6
        )
        plan_id = await start_plan(Actor.system("demo"), inspection)
        await _fill(plan_id, inspection, today, None)
        dates = {"submitted": today - timedelta(days=12), "accepted": today - timedelta(days=5)}
        await _walk(plan_id, "accepted", dates, by_ids, today)
