"""Record a recurring obligation done (MoU ¶5, ¶20, ¶29, ¶55, Annex B ¶5.1): the one operation."""

from __future__ import annotations

from datetime import date

from timelines.core.engine import next_recurring
from timelines.core.rules import RECURRING, rules_for
from timelines.tables import RecurringDone
from tracker import policy
from tracker.clock import now_utc
from tracker.operations import Actor, Refused, change


async def mark_recurring_done(actor: Actor, key: str, done_on: date, *, today: date, note: str = "") -> date:
    """Returns the next due date it schedules."""
    the_rule = next((r for r in rules_for(RECURRING) if r.key == key), None)
    if the_rule is None:
        raise Refused({"key": "Select the obligation"})
    if actor.principal is not None:
        policy.require(actor.principal, "recurring.mark_done", the_rule)
    if done_on > today:
        raise Refused({"done_on": "The date it was done must be today or in the past"})
    next_due = next_recurring(key, done_on)
    audited = {"object_type": "recurring", "object_id": key, "detail": f"next={next_due}"}
    async with change(actor, "recurring.done", **audited):
        await RecurringDone.insert(
            RecurringDone(
                key=key, done_on=done_on, note=note[:300], recorded_by=actor.user_id, recorded_at=now_utc()
            )
        )
    return next_due
