"""Noting when a session, an API token or a calendar feed was last used, at most once a minute.

Their rows are kept (tracker.cache) until a change is written, and these times are not counted
as changes (tracker.changes), so noting a use empties nothing kept. Writing on every request
would turn each read into a write; a minute is precise enough for an idle timeout and for the
"last used" shown beside a token.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from piccolo.columns import Column

RESOLUTION = timedelta(minutes=1)


async def note_use(column: Column, row: dict, now: datetime) -> None:
    """Write ``now`` to the row's ``column`` when the time there is more than a minute old.

    The UPDATE is conditional, so of several workers noting the same use one writes; each moves
    its kept ``row`` on too, whether its own write or another worker's landed."""
    name = column._meta.name
    last = row[name]
    if last is not None and now - last <= RESOLUTION:
        return
    table = column._meta.table
    await table.update({column: now}).where(
        (table.id == row["id"]) & (column.is_null() | (column < now - RESOLUTION))
    )
    row[name] = now
