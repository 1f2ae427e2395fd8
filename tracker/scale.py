"""A realistic data set of any size for benchmarks: `tracker demo --inspections N`.

Establishments of every kind, users of every role, inspections of every kind in every stage
over ten years (each with its events, debrief, draft, fact check and points, data items,
recommendations and action plans), then every stored milestone through the engine's batch
path. Rows go in with multi-row inserts in chunks, so N = 20,000 takes minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from tracker.clock import now_utc, today_london

BULK_CHUNK = 20_000
TOWNS = tuple(
    dict.fromkeys(
        "Ashfield, Bedford, Brixton, Bristol, Bullingdon, Cardiff, Channings Wood, Chelmsford, Coldingley, "
        "Dartmoor, Doncaster, Durham, Erlestoke, Exeter, Featherstone, Ford, Frankland, Garth, Gartree, "
        "Glen Parva, Guys Marsh, Haverigg, Hewell, Highpoint, Hindley, Hollesley Bay, Humber, Huntercombe, "
        "Isis, Kirkham, Lancaster Farms, Leicester, Lewes, Lincoln, Lindholme, Littlehey, Liverpool, "
        "Long Lartin, Lowdham Grange, Maidstone, Manchester, Moorland, Norwich, Nottingham, Onley, "
        "Parc, Peterborough, Portland, Preston, Ranby, Risley, Rochester, Rye Hill, Send, Stafford, "
        "Standford Hill, "
        "Stocken, Sudbury, Swaleside, Swansea, Swinfen Hall, The Mount, The Verne, Thorn Cross, Usk, "
        "Wandsworth, Warren Hill, Wayland, Wealstun, Whatton, Whitemoor, Winchester, Woodhill, "
        "Wormwood Scrubs, Wymott".split(", ")
    )
)
KIND_MIX = [
    ("prison", "adult", "HMP"),
    ("yoi", "cyp", "HMYOI"),
    ("stc", "cyp", "STC"),
    ("irc", "adult", "IRC"),
]
GROUPS = [
    "Yorkshire",
    "West Midlands",
    "London",
    "Kent, Surrey and Sussex",
    "North West",
    "Wales",
    "Avon and South Dorset",
    "Youth Custody Service",
]
CATEGORIES = ["data", "names_titles", "process", "events", "other"]


def _of_process(kind: str, facts: dict[str, date]) -> dict[str, date]:
    """Only the facts the workflow knows for this kind of inspection (an IRP has no press release)."""
    from timelines.core.kinds import PROCESS_FOR_KIND
    from timelines.core.workflow import STEP

    return {key: when for key, when in facts.items() if PROCESS_FOR_KIND[kind] in STEP[key].processes}


def _plan_facts(day0: date, today: date, rng: random.Random) -> dict[str, date]:
    """The facts an inspection would have by today, with realistic (sometimes late) gaps."""
    steps = [
        ("debrief_held", 0, 0),
        ("debrief_note_sent", 3, 9),
        ("draft_sent", 38, 55),
        ("factcheck_returned", 17, 26),
        ("hmip_response_sent", 10, 17),
        ("press_release_shared", 8, 14),
        ("published", 2, 5),
        ("action_plan_received", 80, 100),
    ]
    facts: dict[str, date] = {}
    when = day0
    for key, low, high in steps:
        when = when + timedelta(days=rng.randint(low, high))
        if when > today:
            break
        facts[key] = when
    return facts


def _default(column):
    """The value Piccolo would give a row for a column left out (DateNow() is today, ...)."""
    from piccolo.columns.defaults.base import Default

    value = column.get_default_value()
    return value.python() if isinstance(value, Default) else value


async def _insert(table, rows: list[dict], progress: Callable[[str], None], label: str) -> list[int]:
    """Insert rows (dicts of column values; the rest take the column's default) through the
    driver, in one write transaction, with ids given here (one more than the largest so far);
    returns the ids in order. Building a Piccolo object and an SQL literal per value cost most
    of a 20,000-inspection build."""
    from piccolo.columns import JSON, JSONB
    from piccolo.utils.encoding import dump_json

    from timelines.store import bulk_insert
    from tracker.db import is_sqlite, write_transaction

    columns = [c for c in table._meta.columns if c._meta.name != "id"]
    names = tuple(c._meta.name for c in columns)
    defaults = {c._meta.name: _default(c) for c in columns}
    json_columns = {c._meta.name for c in columns if isinstance(c, JSON | JSONB)}
    tablename = table._meta.tablename
    engine = table._meta.db
    async with write_transaction(engine):
        if not is_sqlite(engine):
            await table.raw(f'LOCK TABLE "{tablename}" IN SHARE ROW EXCLUSIVE MODE')
        # nosemgrep: sql-built-from-strings
        latest = await table.raw(f'SELECT MAX("id") AS "top" FROM "{tablename}"')  # noqa: S608 - our name  # nosec B608
        first = (latest[0]["top"] or 0) + 1
        ids = list(range(first, first + len(rows)))
        records = []
        for row_id, row in zip(ids, rows, strict=True):
            values = [row.get(name, defaults[name]) for name in names]
            for position, name in enumerate(names):
                if name in json_columns and not isinstance(values[position], str):
                    values[position] = dump_json(values[position])
            records.append((row_id, *values))
        for start in range(0, len(records), BULK_CHUNK):
            await bulk_insert(table, ("id", *names), records[start : start + BULK_CHUNK])
        if ids and not is_sqlite(engine):
            await table.raw(f"SELECT setval(pg_get_serial_sequence('\"{tablename}\"', 'id'), {ids[-1]})")
    progress(f"{label}: {len(rows):,}")
    return ids


async def build(n: int, *, today: date | None = None, seed: int = 2026, progress=print) -> None:
    from actionplans.tables import ActionPlan, PlanAction, PlanResponse
    from factcheck.tables import AccuracyPoint, DataItem, DraftReport, FactCheckReturn
    from inspections.tables import (
        Debrief,
        DebriefNote,
        Establishment,
        Inspection,
        InspectionEvent,
        Recommendation,
    )
    from timelines.store import refresh_all
    from tracker.passwords import hash_password
    from tracker.roles import Role
    from tracker.tables import AppUser, UserRole

    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not a secret  # nosec B311
    today = today or today_london()
    now = now_utc()

    existing = {r["name"] for r in await Establishment.select(Establishment.name)}
    establishments = []
    for i, town in enumerate(TOWNS * 2):
        kind, cohort, prefix = KIND_MIX[0] if i % 6 else KIND_MIX[(i // 6) % len(KIND_MIX)]
        name = f"{prefix} {town}" + ("" if i < len(TOWNS) else " II")
        if name in existing:
            continue
        existing.add(name)
        establishments.append(
            dict(
                name=name,
                code=f"S{i:03d}",
                kind=kind,
                cohort=cohort,
                operator=rng.choice(["public", "public", "contracted"]),
                prison_group=GROUPS[i % len(GROUPS)],
                region=GROUPS[i % len(GROUPS)],
            )
        )
    await _insert(Establishment, establishments, progress, "establishments")
    establishment_ids = [r["id"] for r in await Establishment.select(Establishment.id)]

    password_hash = await hash_password("scale-data-password-2026")
    users = [
        dict(
            username=f"scale-{role.value}-{k}",
            display_name=f"Scale {role.label} {k}",
            password_hash=password_hash,
            created_at=now,
        )
        for role in Role
        for k in range(5 if role != Role.HMIP_TEAM_LEADER else 40)
    ]
    user_ids = await _insert(AppUser, users, progress, "users")
    roles = [dict(user=uid, role=u["username"].split("-")[1]) for uid, u in zip(user_ids, users, strict=True)]
    await _insert(UserRole, roles, progress, "user roles")
    leaders = [uid for uid, u in zip(user_ids, users, strict=True) if "team_leader" in u["username"]]

    inspections, plans = [], []
    span = 3650
    for _ in range(n):
        day0 = today - timedelta(days=rng.randint(-20, span))
        kind = rng.choices(["full", "irp", "thematic"], weights=[75, 20, 5])[0]
        inspections.append(
            dict(
                establishment=rng.choice(establishment_ids),
                kind=kind,
                title="Thematic review" if kind == "thematic" else "",
                start_date=day0 - timedelta(days=rng.randint(2, 11)),
                end_date=day0,
                team_leader=rng.choice(leaders),
                urgent_notification=kind == "full" and rng.random() < 0.02,
                closed=False,
                created_at=now,
            )
        )
        plans.append(_of_process(kind, _plan_facts(day0, today, rng)))
    inspection_ids = await _insert(Inspection, inspections, progress, "inspections")

    events, debriefs, notes, drafts, returns, points, items, recs = [], [], [], [], [], [], [], []
    for inspection_id, inspection, facts in zip(inspection_ids, inspections, plans, strict=True):
        for key, when in facts.items():
            events.append(dict(inspection=inspection_id, kind=key, occurred_on=when, recorded_at=now))
        if "debrief_held" in facts and inspection["kind"] == "full":
            debriefs.append(
                dict(
                    inspection=inspection_id,
                    held_on=inspection["end_date"],
                    attendees=["governor", "pgd"],
                    absence_notice="not_needed",
                    judgements={
                        t: str(rng.randint(1, 4))
                        for t in ("safety", "respect", "purposeful_activity", "preparation_for_release")
                    },
                    recorded_at=now,
                )
            )
            notes.append(dict(inspection=inspection_id, text="Debrief note (scale data).", recorded_at=now))
        if "draft_sent" in facts:
            drafts.append(
                dict(
                    inspection=inspection_id,
                    sent_on=facts["draft_sent"],
                    indicative_publication=facts["draft_sent"] + timedelta(days=53),
                    recorded_at=now,
                )
            )
            items.append(
                dict(
                    inspection=inspection_id,
                    description="Use of force incidents, last 12 months",
                    source="hub",
                    report_section="Safety",
                    notified_on=facts["draft_sent"],
                    response="consent" if "factcheck_returned" in facts else "",
                    consent_reference="DA-2026-001" if "factcheck_returned" in facts else "",
                    created_at=now,
                )
            )
        if "factcheck_returned" in facts:
            returns.append(
                dict(
                    inspection=inspection_id,
                    returned_on=facts["factcheck_returned"],
                    content_to_publish="yes",
                    submitted_at=now,
                )
            )
            answered = "hmip_response_sent" in facts
            for number in range(1, rng.randint(2, 8)):
                points.append(
                    dict(
                        inspection=inspection_id,
                        number=number,
                        location=f"Section {number}.{rng.randint(1, 30)}",
                        category=rng.choice(CATEGORIES),
                        current_text="As drafted.",
                        proposed_correction="Corrected wording.",
                        created_at=now,
                        decision=rng.choice(["accepted", "partly_accepted", "not_accepted"])
                        if answered
                        else "",
                        reason="Checked against evidence." if answered else "",
                    )
                )
        if "published" in facts and inspection["kind"] == "full":
            for number in range(1, 9):
                recs.append(
                    dict(
                        inspection=inspection_id,
                        reference=f"R{number}",
                        text=f"Leaders should improve outcome {number}.",
                        area="Safety",
                        position=number,
                    )
                )
    await _insert(InspectionEvent, events, progress, "events")
    await _insert(Debrief, debriefs, progress, "debriefs")
    await _insert(DebriefNote, notes, progress, "debrief notes")
    await _insert(DraftReport, drafts, progress, "drafts")
    await _insert(FactCheckReturn, returns, progress, "fact-check returns")
    await _insert(AccuracyPoint, points, progress, "accuracy points")
    await _insert(DataItem, items, progress, "data items")
    rec_ids = await _insert(Recommendation, recs, progress, "recommendations")

    by_inspection: dict[int, list[int]] = {}
    for rec_id, rec in zip(rec_ids, recs, strict=True):
        by_inspection.setdefault(rec["inspection"], []).append(rec_id)
    establishment_of = dict(zip(inspection_ids, [i["establishment"] for i in inspections], strict=True))
    plan_rows = [
        dict(
            inspection=iid,
            establishment=establishment_of[iid],
            status=rng.choice(["draft", "submitted", "accepted", "published"]),
            created_at=now,
            updated_at=now,
        )
        for iid in by_inspection
    ]
    plan_ids = await _insert(ActionPlan, plan_rows, progress, "action plans")
    responses, actions = [], []
    for plan_id, plan in zip(plan_ids, plan_rows, strict=True):
        for rec_id in by_inspection[plan["inspection"]]:
            responses.append(dict(plan=plan_id, recommendation=rec_id, response="agreed", updated_at=now))
            actions.append(
                dict(
                    plan=plan_id,
                    recommendation=rec_id,
                    description="Review and retrain staff.",
                    owner="Head of safety",
                    target_date=today + timedelta(days=rng.randint(-200, 300)),
                    status=rng.choice(["not_started", "in_progress", "complete"]),
                    created_at=now,
                    updated_at=now,
                )
            )
    await _insert(PlanResponse, responses, progress, "plan responses")
    await _insert(PlanAction, actions, progress, "actions")

    progress("computing every milestone (the engine's batch path)…")
    await refresh_all("scale demo data", today=today)
    progress("done")
