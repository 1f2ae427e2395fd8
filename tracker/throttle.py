"""Throttling that holds under concurrency: an attempt takes a slot before its work is done
(hashing a password, checking a code), in one UPDATE that only succeeds while slots are left.
Reading a count first and writing it after the work let 20 concurrent guesses all through.

A window starts at the first attempt; taking the last slot starts it again, so nothing more is
tried for a whole WINDOW after that (no more than the limit in any WINDOW, even across the end of
one). A successful attempt gives its slot back.
"""

from __future__ import annotations

from datetime import timedelta

from tracker.clock import now_utc
from tracker.db import is_unique_violation
from tracker.tables import AttemptCounter

WINDOW = timedelta(minutes=15)


async def take_slots(*limits: tuple[str, int]) -> bool:
    """Take one slot under each (key, limit), or none at all when any is used up."""
    taken: list[str] = []
    for key, limit in limits:
        if not await _take_slot(key, limit):
            await give_back(*taken)
            return False
        taken.append(key)
    return True


async def give_back(*keys: str) -> None:
    for key in keys:
        await AttemptCounter.update({AttemptCounter.used: AttemptCounter.used - 1}).where(
            (AttemptCounter.key == key) & (AttemptCounter.used > 0)
        )


async def _take_slot(key: str, limit: int) -> bool:
    now = now_utc()
    await AttemptCounter.update({AttemptCounter.used: 0, AttemptCounter.window_start: now}).where(
        (AttemptCounter.key == key) & (AttemptCounter.window_start <= now - WINDOW)
    )
    if await _increment(key, limit):
        return True
    try:
        await AttemptCounter.insert(AttemptCounter(key=key, used=1, window_start=now))
        return True
    except Exception as error:
        if not is_unique_violation(error):
            raise
    return await _increment(key, limit)  # another attempt made the row first


async def _increment(key: str, limit: int) -> bool:
    rows = (
        await AttemptCounter.update({AttemptCounter.used: AttemptCounter.used + 1})
        .where((AttemptCounter.key == key) & (AttemptCounter.used < limit))
        .returning(AttemptCounter.used)
    )
    if rows and rows[0]["used"] == limit:
        await AttemptCounter.update({AttemptCounter.window_start: now_utc()}).where(AttemptCounter.key == key)
    return bool(rows)
