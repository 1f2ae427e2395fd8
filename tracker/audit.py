"""The append-only audit log: one row per meaningful action (SECURITY.md G1), hash-chained so that
a change, removal or insertion anywhere is seen (K4, docs/decisions/0007-tamper-evident-audit.md).

Rows are chained in id order: each stores prev_hash (the row before's row_hash, GENESIS for the
first) and row_hash, the SHA-256 of prev_hash and its own content. A writer takes the chain's
head under a lock (PostgreSQL: an advisory lock held to the end of the transaction; SQLite: the
write transaction itself), so two writers never chain to the same row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request

from tracker.clock import now_utc
from tracker.db import is_sqlite, write_transaction
from tracker.principal import Principal
from tracker.tables import AuditEvent

GENESIS = "0" * 64
CHAIN_LOCK = 7_270_341  # any fixed number: the PostgreSQL advisory lock that guards the head
CHAINED = (
    "at",
    "actor_id",
    "actor",
    "roles",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "client_address",
    "detail",
)
RETENTION_CUT = "audit.retention_cut"
VERIFY_BATCH = 2000


def request_id(request: Request | None) -> str:
    return request.scope.get("state", {}).get("request_id", "") if request else ""


def client_address(request: Request | None) -> str:
    if request is None or request.client is None:
        return ""
    return request.client.host


async def record(
    action: str,
    *,
    request: Request | None = None,
    principal: Principal | None = None,
    object_type: str = "",
    object_id: object = "",
    outcome: str = "success",
    detail: str = "",
    actor: str = "",
) -> None:
    """Write one audit row. Never pass a password, token, session id or confidential text.
    Inside an open transaction the row is written in it (and goes if the change is rolled back)."""
    if principal is None and request is not None:
        principal = request.scope.get("user")
    await append(
        AuditEvent(
            at=now_utc(),
            actor_id=principal.user_id if principal else None,
            actor=principal.username if principal else actor,
            roles=principal.role_names if principal else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            outcome=outcome,
            request_id=request_id(request),
            client_address=client_address(request),
            detail=detail[:500],
        )
    )


async def append(event: AuditEvent) -> None:
    """Chain EVENT to the newest row and write it: in the caller's transaction when one is open,
    otherwise in a short write transaction of its own."""
    engine = AuditEvent._meta.db
    if engine.transaction_exists():
        await _chain_and_insert(event)
        return
    async with write_transaction(engine):
        await _chain_and_insert(event)


async def _chain_and_insert(event: AuditEvent) -> None:
    if not is_sqlite(AuditEvent._meta.db):
        # Held until the transaction ends, so the next writer sees this row as the head.
        await AuditEvent.raw("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK)
    head = await AuditEvent.select(AuditEvent.row_hash).order_by(AuditEvent.id, ascending=False).first()
    event.prev_hash = head["row_hash"] if head else GENESIS
    event.row_hash = row_hash(event.to_dict(), event.prev_hash)
    await AuditEvent.insert(event)


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    content = [prev_hash, *(_canonical(row[name]) for name in CHAINED)]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    """The same text for a value however the database hands it back (timestamps in UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    return value


async def oldest_rows_before(moment: datetime):
    """The rows retention may remove: those written before MOMENT, taken from the start of the
    chain only (up to the first row written since), so the rows kept still form one chain."""
    first_kept = (
        await AuditEvent.select(AuditEvent.id).where(AuditEvent.at >= moment).order_by(AuditEvent.id).first()
    )
    return AuditEvent.id < first_kept["id"] if first_kept else AuditEvent.id.is_not_null()


READ_ROW_EVERY = timedelta(minutes=1)
_reads: dict[tuple, tuple[datetime, int]] = {}


async def record_read(
    action: str,
    *,
    request: Request | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: str = "",
    actor: str = "",
) -> None:
    """An audited read that a program repeats (a calendar app polling its feed, a spreadsheet
    refreshing an export): at most one row a minute for the same reader, thing and detail in each
    worker, and the next row counts the reads in between. A row on every fetch was a write on
    every fetch, which also emptied every worker's page cache (tracker.cache). Never for the
    debrief note, whose every read is a row."""
    principal = request.scope.get("user") if request is not None else None
    key = (action, principal.user_id if principal else actor, object_type, str(object_id), detail)
    now = now_utc()
    last, skipped = _reads.get(key, (None, 0))
    if last is not None and now - last < READ_ROW_EVERY:
        _reads[key] = (last, skipped + 1)
        return
    if len(_reads) > 10_000:
        _reads.clear()
    _reads[key] = (now, 0)
    if skipped:
        detail = f"{detail} (and {skipped} more reads since the row before)".strip()
    await record(
        action, request=request, object_type=object_type, object_id=object_id, detail=detail, actor=actor
    )


def forget_reads() -> None:
    """Start counting repeated reads afresh (a new database: each test's)."""
    _reads.clear()


async def record_retention_cut() -> None:
    """After retention removed the oldest rows, in the same transaction: record which row the
    chain now starts at, and the hash it follows, so verification accepts that start."""
    first = await AuditEvent.select(AuditEvent.id, AuditEvent.prev_hash).order_by(AuditEvent.id).first()
    await record(
        RETENTION_CUT,
        actor="retention",
        object_type="audit_event",
        object_id=first["id"] if first else "",
        detail=f"the log now starts at row {first['id']}, which follows {first['prev_hash']}"
        if first
        else "every row was past its period",
    )


@dataclass(frozen=True)
class Verdict:
    rows: int
    broken_row: int | None = None
    problem: str = ""
    newest_row: int | None = None
    newest_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_row is None

    def message(self) -> str:
        if not self.intact:
            return f"audit log broken at row {self.broken_row}: {self.problem}"
        newest = f"\nnewest row {self.newest_row}, hash {self.newest_hash}" if self.newest_row else ""
        return f"audit log intact: {self.rows} rows{newest}"


async def verify() -> Verdict:
    """Walk the chain from the oldest row to the newest; the first broken link, if any."""
    start = await _retention_start()
    rows, previous = 0, None
    async for row in _rows_in_order():
        if previous is None and row["prev_hash"] not in (GENESIS, start.get(row["id"])):
            return Verdict(rows, row["id"], "the rows before it were removed, and not by retention")
        if previous is not None and row["prev_hash"] != previous["row_hash"]:
            return Verdict(
                rows,
                row["id"],
                f"it does not follow row {previous['id']}: a row between them was removed or added",
            )
        if row["row_hash"] != row_hash(row, row["prev_hash"]):
            return Verdict(rows, row["id"], "its content was changed after it was written")
        rows, previous = rows + 1, row
    if previous is None:
        return Verdict(0)
    return Verdict(rows, newest_row=previous["id"], newest_hash=previous["row_hash"])


async def _retention_start() -> dict[int, str]:
    """The row the latest retention run left at the start of the chain, and the hash it follows."""
    cut = (
        await AuditEvent.select(AuditEvent.object_id, AuditEvent.detail)
        .where(AuditEvent.action == RETENTION_CUT)
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    if not cut or not (cut["object_id"].isascii() and cut["object_id"].isdigit()):
        return {}
    return {int(cut["object_id"]): cut["detail"].rsplit(" ", 1)[-1]}


async def _rows_in_order() -> AsyncIterator[dict]:
    columns = [
        AuditEvent.id,
        AuditEvent.prev_hash,
        AuditEvent.row_hash,
        *(getattr(AuditEvent, c) for c in CHAINED),
    ]
    after = -1
    while batch := (
        await AuditEvent.select(*columns)
        .where(AuditEvent.id > after)
        .order_by(AuditEvent.id)
        .limit(VERIFY_BATCH)
    ):
        for row in batch:
            yield row
        after = batch[-1]["id"]
