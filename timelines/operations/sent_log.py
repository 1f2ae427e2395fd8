"""The reminder jobs' log of what they sent: written with the sending, in one transaction, so a
failed send records nothing (the next run tries again) and a second run sends nothing twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from timelines.tables import SentReminder
from tracker.db import write_transaction


def _same(row: SentReminder):
    inspection = (
        SentReminder.inspection == row.inspection
        if row.inspection is not None
        else SentReminder.inspection.is_null()
    )
    return (
        (SentReminder.user == row.user)
        & inspection
        & (SentReminder.key == row.key)
        & (SentReminder.kind == row.kind)
        & (SentReminder.due == row.due)
    )


Sender = Callable[[list[SentReminder]], Awaitable[None]]


async def send_once(entries: list[dict], send: Sender) -> list[SentReminder]:
    """Log the entries (SentReminder's columns) not logged yet and call ``send`` with them, in
    one transaction (``send`` raising rolls the log back). Returns what was sent: [] when
    another run got there first."""
    rows = [SentReminder(**entry) for entry in entries]
    async with write_transaction(SentReminder._meta.db):
        fresh = [row for row in rows if not await SentReminder.exists().where(_same(row))]
        if fresh:
            await SentReminder.insert(*fresh)
            await send(fresh)
    return fresh
