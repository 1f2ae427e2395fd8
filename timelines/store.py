"""Stored milestones: the engine's answer for each inspection, kept for fast indexed queries.

Rewritten in the same transaction as the fact that changed them (`refresh_inspection`), and for
every open inspection when the calendar or a rule changes (`refresh_all`). Each due date that
moves is recorded in MilestoneChange, so a user can see why a date changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache

from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import (
    CLOSING_STATUSES,
    BatchResult,
    Case,
    Extension,
    Milestone,
    compute,
    compute_batch,
    is_closed,
)
from timelines.core.history import standing
from timelines.core.kinds import PROCESS_FOR_KIND  # noqa: F401 - other modules read it here
from timelines.core.rules import FACT_KEYS, URGENT_NOTIFICATION
from timelines.tables import Holiday, MilestoneChange, StoredMilestone
from tracker import clock
from tracker.clock import now_utc

EXTENSION_EVENT = "deadline_extended"


@lru_cache(maxsize=8)
def _calendar(added: tuple[date, ...], removed: tuple[date, ...]) -> WorkingCalendar:
    return WorkingCalendar(added=added, removed=removed)


async def current_calendar() -> WorkingCalendar:
    """The working-day calendar with the admins' added and removed holidays.

    Outside a transaction it is kept under the database's data version (tracker.cache), so a
    page asks for the holidays only after something was written; inside one (a holiday change
    and its recompute) it is always read afresh, so the transaction sees its own change."""
    engine = Holiday._meta.db
    if engine.transaction_exists():
        return await _read_calendar()
    from tracker.cache import cached, memoised

    return await memoised(("working calendar",), lambda: cached(("working calendar",), _read_calendar))


async def _read_calendar() -> WorkingCalendar:
    rows = await Holiday.select(Holiday.day, Holiday.change).order_by(Holiday.day)
    added = tuple(r["day"] for r in rows if r["change"] == "added")
    removed = tuple(r["day"] for r in rows if r["change"] == "removed")
    return _calendar(added, removed)


async def stored_rows(inspection_id: int) -> list[dict]:
    """Every stored milestone of one inspection, in order (one read per page: tracker.cache)."""
    from tracker.cache import memoised

    return await memoised(
        ("stored milestones", inspection_id),
        lambda: (
            StoredMilestone.select()
            .where(StoredMilestone.inspection == inspection_id)
            .order_by(StoredMilestone.id)
            .run()
        ),
    )


def processes_for(inspection: dict) -> list[str]:
    processes = [PROCESS_FOR_KIND[inspection["kind"]]]
    if inspection["kind"] == "full" and inspection.get("urgent_notification"):
        processes.append(URGENT_NOTIFICATION)
    return processes


def facts_from_events(events: Iterable[dict]) -> tuple[dict, list[Extension]]:
    """The latest standing event of each fact kind (a correction supersedes the original)."""
    facts: dict = {}
    extensions: list[Extension] = []
    for event in standing(events):
        if event["kind"] in FACT_KEYS:
            facts[event["kind"]] = event.get("occurred_at") or event["occurred_on"]
        elif event["kind"] == EXTENSION_EVENT:
            detail = event.get("detail") or {}
            if isinstance(detail, str):  # read without load_json: the column's text
                detail = json.loads(detail)
            extensions.append(
                Extension(
                    key=detail["key"],
                    new_due=date.fromisoformat(detail["new_due"]) if detail.get("new_due") else None,
                    plus_working_days=detail.get("plus_working_days"),
                    reason=detail.get("reason", ""),
                    by=detail.get("agreed_by", ""),
                )
            )
    return facts, extensions


def milestones_for(
    inspection: dict,
    events: Iterable[dict],
    *,
    today: date,
    calendar: WorkingCalendar,
    sos_anchor: str = "un_letter_sent",
) -> list[Milestone]:
    """Every milestone of one inspection from its row and its events (no database access)."""
    facts, extensions = facts_from_events(events)
    overrides = inspection.get("stage_overrides") or {}
    if isinstance(overrides, str):
        overrides = json.loads(overrides or "{}")
    result: list[Milestone] = []
    for process in processes_for(inspection):
        keys = {r.key for r in _rules(process)}
        result.extend(
            compute(
                process,
                inspection["end_date"],
                facts,
                today=today,
                calendar=calendar,
                extensions=[e for e in extensions if e.key in keys],
                overrides={k: v for k, v in overrides.items() if k in keys},
                sos_anchor=sos_anchor,
            )
        )
    return result


def _rules(process: str):
    from timelines.core.rules import rules_for

    return rules_for(process)


async def load_inspection_inputs(inspection_id: int) -> tuple[dict, list[dict]]:
    from inspections.tables import Inspection, InspectionEvent

    inspection = await Inspection.select().where(Inspection.id == inspection_id).first()
    events = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
    return inspection, events


async def refresh_inspection(
    inspection_id: int, *, today: date | None = None, reason: str = "", sos_anchor: str | None = None
) -> list[Milestone]:
    """Recompute and store one inspection's milestones. Call inside the fact's transaction."""
    from tracker.settings import load_settings

    inspection, events = await load_inspection_inputs(inspection_id)
    calendar = await current_calendar()
    milestones = milestones_for(
        inspection,
        events,
        today=today or clock.today_london(),
        calendar=calendar,
        sos_anchor=sos_anchor or load_settings().sos_receipt_fact,
    )
    await store(inspection, milestones, calendar.version, reason=reason)
    closed = is_closed(milestones)
    if closed != inspection["closed"]:
        await _set_closed([inspection_id] if closed else [], [] if closed else [inspection_id])
    return milestones


async def _set_closed(closing: list[int], reopening: list[int]) -> None:
    """Inspection.closed follows its milestones (DOMAIN.md "closing"), in the refresh's transaction."""
    from inspections.tables import Inspection

    for ids, closed in ((closing, True), (reopening, False)):
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            await Inspection.update({Inspection.closed: closed}).where(Inspection.id.is_in(chunk))


async def store(
    inspection: dict, milestones: list[Milestone], calendar_version: str, *, reason: str
) -> list[MilestoneChange]:
    """Replace one inspection's stored milestones; returns the due dates that moved."""
    previous = {
        r["key"]: r["due"]
        for r in await StoredMilestone.select(StoredMilestone.key, StoredMilestone.due).where(
            StoredMilestone.inspection == inspection["id"]
        )
    }
    now = now_utc()
    changes = [
        MilestoneChange(
            inspection=inspection["id"],
            key=m.key,
            old_due=previous[m.key],
            new_due=m.due,
            reason=reason or "recomputed",
            changed_at=now,
        )
        for m in milestones
        if m.key in previous
        and previous[m.key] is not None
        and m.due is not None
        and previous[m.key] != m.due
    ]
    await StoredMilestone.delete().where(StoredMilestone.inspection == inspection["id"])
    await StoredMilestone.insert(*[_row(inspection, m, calendar_version, now) for m in milestones])
    if changes:
        await MilestoneChange.insert(*changes)
    return changes


CONTENT_COLUMNS = (
    "process",
    "label",
    "owner",
    "kind",
    "due",
    "window_open",
    "window_close",
    "due_at",
    "original_due",
    "done_on",
    "status",
    "working_days",
    "rule",
    "source",
    "note",
)
ROW_COLUMNS = ("inspection", "establishment", "key", *CONTENT_COLUMNS, "calendar_version", "computed_at")
DELETE_CHUNK = 500
ID_CHUNK = 2000
REWRITE_ALL_ABOVE = 20_000


def _content(m: Milestone) -> tuple:
    return (
        m.process,
        m.label,
        m.owner,
        m.kind,
        m.due,
        m.window[0] if m.window else None,
        m.window[1] if m.window else None,
        m.due_at,
        m.original_due,
        m.done_on,
        m.status,
        m.working_days,
        m.rule[:300],
        m.source,
        m.note,
    )


LABEL, DUE, STATUS = (CONTENT_COLUMNS.index(c) for c in ("label", "due", "status"))


def _batch_contents(batch: BatchResult):
    """(case, key, content) of every milestone in a batch, read rule by rule as lists
    (``BatchResult.by_rule``): materialising a Milestone object each (``batch.milestones``)
    costs most of a 20,000-inspection recompute. Gives exactly what
    ``_content(batch.milestones(case)[i])`` would."""
    for columns in batch.by_rule():
        the_rule = columns.rule
        constant = (the_rule.process, the_rule.label, the_rule.owner, the_rule.kind)
        described, source, key, note = the_rule.describe()[:300], the_rule.source, the_rule.key, the_rule.note
        due, opens, done_on = columns.due, columns.opens, columns.done_on
        status, working, exact = columns.status, columns.working_days, columns.exact
        for position, case in enumerate(columns.cases):
            if position in exact:
                yield case, exact[position].key, _content(exact[position])
                continue
            windowed = opens[position] is not None and due[position] is not None
            yield (
                case,
                key,
                (
                    *constant,
                    due[position],
                    opens[position] if windowed else None,
                    due[position] if windowed else None,
                    None,
                    None,
                    done_on[position],
                    status[position],
                    working[position],
                    described,
                    source,
                    note,
                ),
            )


async def refresh_all(reason: str, *, today: date | None = None) -> list[dict]:
    """Recompute every inspection that is not closed (after a calendar or rule change, nightly).

    Uses the vectorised ``compute_batch``; compares the answer with what is stored and rewrites
    only the milestones that differ (one bulk delete and one bulk insert through the driver), so
    20,000 inspections take seconds. Runs in the caller's transaction, or opens one.
    Returns each due date that moved: inspection, establishment, key, label, old_due, new_due.
    """
    from tracker.db import write_transaction

    engine = StoredMilestone._meta.db
    if engine.current_transaction.get() is None:
        async with write_transaction(engine):
            return await _refresh_all(reason, today=today)
    return await _refresh_all(reason, today=today)


async def refresh_many(inspection_ids: list[int], *, reason: str, today: date | None = None) -> list[dict]:
    """``refresh_inspection`` for many inspections at once (open or closed), through the same
    batch path as ``refresh_all``. Runs in the caller's transaction, or opens one."""
    from tracker.db import write_transaction

    if not inspection_ids:
        return []
    engine = StoredMilestone._meta.db
    if engine.current_transaction.get() is None:
        async with write_transaction(engine):
            return await _refresh_all(reason, today=today, only=inspection_ids)
    return await _refresh_all(reason, today=today, only=inspection_ids)


async def _chunked(make_query, ids: list[int] | None) -> list[dict]:
    """Run ``make_query(chunk)`` for chunks of ids (or once with None) and join the rows."""
    if ids is None:
        return await make_query(None)
    rows: list[dict] = []
    for start in range(0, len(ids), ID_CHUNK):
        rows += await make_query(ids[start : start + ID_CHUNK])
    return rows


async def _refresh_all(reason: str, *, today: date | None, only: list[int] | None = None) -> list[dict]:
    from inspections.tables import Inspection, InspectionEvent
    from tracker.settings import load_settings

    today = today or clock.today_london()
    sos_anchor = load_settings().sos_receipt_fact
    only = sorted(set(only)) if only is not None else None

    def inspections_query(ids):
        query = Inspection.select(
            Inspection.id,
            Inspection.establishment,
            Inspection.kind,
            Inspection.end_date,
            Inspection.urgent_notification,
            Inspection.stage_overrides,
            Inspection.closed,
        )
        return query.where(Inspection.closed == False if ids is None else Inspection.id.is_in(ids))  # noqa: E712

    def events_query(ids):
        ie = InspectionEvent
        query = ie.select(
            ie.id, ie.inspection, ie.kind, ie.occurred_on, ie.occurred_at, ie.supersedes, ie.detail
        )
        return query.where(ie.inspection.closed == False if ids is None else ie.inspection.is_in(ids))  # noqa: E712

    inspections = await _chunked(inspections_query, only)
    if not inspections:
        return []
    events: dict[int, list[dict]] = {}
    for event in await _chunked(events_query, only):
        events.setdefault(event["inspection"], []).append(event)
    calendar = await current_calendar()
    cases: list[Case] = []
    owners: list[int] = []
    rule_keys: dict[str, set[str]] = {}
    for position, inspection in enumerate(inspections):
        facts, extensions = facts_from_events(events.get(inspection["id"], []))
        overrides = inspection.get("stage_overrides") or {}
        if isinstance(overrides, str):
            overrides = json.loads(overrides or "{}")
        for process in processes_for(inspection):
            keys = rule_keys.get(process) or rule_keys.setdefault(process, {r.key for r in _rules(process)})
            cases.append(
                Case(
                    process=process,
                    day0=inspection["end_date"],
                    facts=facts,
                    extensions=tuple(e for e in extensions if e.key in keys),
                    overrides={k: v for k, v in overrides.items() if k in keys},
                    sos_anchor=sos_anchor,
                )
            )
            owners.append(position)
    batch = compute_batch(cases, today=today, calendar=calendar)
    computed: dict[tuple[int, str], tuple[dict, tuple]] = {}
    for case_index, key, content in _batch_contents(batch):
        inspection = inspections[owners[case_index]]
        computed[(inspection["id"], key)] = (inspection, content)

    sm = StoredMilestone
    stored, as_stored, stored_date = await _stored_for_comparison(only)
    now = now_utc()
    stale: list[int] = []
    kept: set[tuple[int, str]] = set()
    moved: list[dict] = []
    changes: list[tuple] = []
    for row_id, inspection_id, row_key, *row_content in stored:
        key = (inspection_id, row_key)
        found = computed.get(key)
        if found is None or key in kept:
            stale.append(row_id)
            continue
        inspection, content = found
        if tuple(row_content) == as_stored(content):
            kept.add(key)
            continue
        stale.append(row_id)
        due, old_due = content[DUE], stored_date(row_content[DUE])
        if old_due is not None and due is not None and old_due != due:
            changes.append((inspection_id, row_key, old_due, due, reason or "recomputed", now))
            moved.append(
                {
                    "inspection": inspection_id,
                    "establishment": inspection["establishment"],
                    "key": row_key,
                    "label": content[LABEL],
                    "old_due": old_due,
                    "new_due": due,
                }
            )

    open_ids = Inspection.select(Inspection.id).where(Inspection.closed == False)  # noqa: E712
    if only is None and len(stale) > REWRITE_ALL_ABOVE:  # most rows differ: one statement, not many
        await sm.delete().where(sm.inspection.is_in(open_ids))
        kept = set()
    else:
        for start in range(0, len(stale), DELETE_CHUNK):
            await sm.delete().where(sm.id.is_in(stale[start : start + DELETE_CHUNK]))
    fresh = [
        (inspection["id"], inspection["establishment"], key[1], *content, calendar.version, now)
        for key, (inspection, content) in computed.items()
        if key not in kept
    ]
    await bulk_insert(sm, ROW_COLUMNS, fresh)
    await bulk_insert(
        MilestoneChange, ("inspection", "key", "old_due", "new_due", "reason", "changed_at"), changes
    )
    await _set_closed(*_closing_changes(inspections, computed))
    # A row the recompute confirms is left as it is: its calendar_version and computed_at say
    # which calendar and when its values were written (rewriting those two columns of every
    # open row cost more than the rest of a recompute, on PostgreSQL most of all).
    return moved


def _closing_changes(inspections: list[dict], computed: dict) -> tuple[list[int], list[int]]:
    """(to close, to reopen): the inspections whose stored flag the recomputed statuses deny."""
    closes = {inspection["id"]: True for inspection in inspections}
    for (inspection_id, _key), (_inspection, content) in computed.items():
        if content[STATUS] not in CLOSING_STATUSES:
            closes[inspection_id] = False
    flagged = {inspection["id"]: inspection["closed"] for inspection in inspections}
    closing = [i for i, closed in closes.items() if closed and not flagged[i]]
    reopening = [i for i, closed in closes.items() if not closed and flagged[i]]
    return closing, reopening


def _same(value):
    return value


DATE_POSITIONS = tuple(
    CONTENT_COLUMNS.index(c) for c in ("due", "window_open", "window_close", "original_due", "done_on")
)
DUE_AT = CONTENT_COLUMNS.index("due_at")


def _sqlite_text(content: tuple) -> tuple:
    """A milestone's content as SQLite holds it (Piccolo's adapters: dates in ISO form, aware
    datetimes as str() of the UTC time), to compare with rows read without converters."""
    values = list(content)
    for position in DATE_POSITIONS:
        if values[position] is not None:
            values[position] = values[position].isoformat()
    due_at: datetime | None = values[DUE_AT]
    if due_at is not None:
        values[DUE_AT] = str(due_at.astimezone(UTC) if due_at.tzinfo else due_at)
    return tuple(values)


def _sqlite_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


async def _stored_for_comparison(only: list[int] | None):
    """(rows, as_stored, stored_date): each stored milestone of the inspections (open ones, or
    `only`) as a tuple (id, inspection, key, *content), a function turning computed content into
    the form the rows hold, and one reading a stored due date back.

    Inside a transaction the rows are read through its connection without Piccolo's row dicts
    (on SQLite without its converters either: dates stay text): for 190,000 rows that was most
    of a recompute."""
    from tracker.db import is_sqlite

    sm = StoredMilestone
    engine = sm._meta.db
    transaction = engine.current_transaction.get()
    if transaction is None:

        def stored_query(ids):
            query = sm.select(sm.id, sm.inspection, sm.key, *[getattr(sm, c) for c in CONTENT_COLUMNS])
            return query.where(sm.inspection.closed == False if ids is None else sm.inspection.is_in(ids))  # noqa: E712

        rows = await _chunked(stored_query, only)
        names = ("id", "inspection", "key", *CONTENT_COLUMNS)
        return [tuple(row[n] for n in names) for row in rows], _same, _same
    if not is_sqlite(engine):
        # asyncpg's records, without Piccolo's row dicts (the driver already gives dates)
        columns = ", ".join(f'm."{c}"' for c in ("id", "inspection", "key", *CONTENT_COLUMNS))
        select = f'SELECT {columns} FROM "stored_milestone" m'  # noqa: S608 - names are ours  # nosec B608
        if only is None:
            records = await transaction.connection.fetch(
                select + ' JOIN "inspection" i ON i."id" = m."inspection" WHERE NOT i."closed"'
            )
        else:
            records = await transaction.connection.fetch(
                select + ' WHERE m."inspection" = ANY($1::int[])', only
            )
        return [tuple(record) for record in records], _same, _same
    typed = {"due", "window_open", "window_close", "due_at", "original_due", "done_on"}
    # "+ 0" and CAST have no declared type, so SQLite hands back the stored value unconverted
    columns = ", ".join(
        ['m."id" + 0', 'm."inspection" + 0', 'm."key"']
        + [
            f'CAST(m."{c}" AS TEXT)' if c in typed else f'm."{c}" + 0' if c == "working_days" else f'm."{c}"'
            for c in CONTENT_COLUMNS
        ]
    )
    connection = transaction.connection
    factory = connection.row_factory
    connection.row_factory = None
    rows: list[tuple] = []
    try:
        if only is None:
            # nosemgrep: sql-built-from-strings
            sql = (
                f'SELECT {columns} FROM "stored_milestone" m JOIN "inspection" i ON i."id" = m."inspection" '  # noqa: S608 - names are ours  # nosec B608
                'WHERE i."closed" = 0'
            )
            async with connection.execute(sql) as cursor:
                rows = list(await cursor.fetchall())
        else:
            for start in range(0, len(only), ID_CHUNK):
                ids = only[start : start + ID_CHUNK]
                marks = ", ".join("?" for _ in ids)
                # nosemgrep: sql-built-from-strings
                sql = f'SELECT {columns} FROM "stored_milestone" m WHERE m."inspection" IN ({marks})'  # noqa: S608  # nosec B608
                async with connection.execute(sql, ids) as cursor:
                    rows += await cursor.fetchall()
    finally:
        connection.row_factory = factory
    return rows, _sqlite_text, _sqlite_date


async def bulk_insert(table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows through the driver in the current transaction (Piccolo builds one object
    and one SQL literal per value, about a thousand times slower at this size)."""
    if not rows:
        return
    from tracker.db import is_sqlite

    engine = table._meta.db
    connection = engine.current_transaction.get().connection
    if is_sqlite(engine):
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        # nosemgrep: sql-built-from-strings
        await connection.executemany(
            f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks})',  # noqa: S608 - names are ours  # nosec B608
            rows,
        )
    else:
        await connection.copy_records_to_table(table._meta.tablename, records=rows, columns=list(columns))


def _row(inspection: dict, m: Milestone, calendar_version: str, now) -> StoredMilestone:
    return StoredMilestone(
        inspection=inspection["id"],
        establishment=inspection["establishment"],
        process=m.process,
        key=m.key,
        label=m.label,
        owner=m.owner,
        kind=m.kind,
        due=m.due,
        window_open=m.window[0] if m.window else None,
        window_close=m.window[1] if m.window else None,
        due_at=m.due_at,
        original_due=m.original_due,
        done_on=m.done_on,
        status=m.status,
        working_days=m.working_days,
        rule=m.rule[:300],
        source=m.source,
        note=m.note,
        calendar_version=calendar_version,
        computed_at=now,
    )
