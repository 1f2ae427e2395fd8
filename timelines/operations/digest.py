"""Choose one's own email digest (daily, weekly on Monday, or none): the one operation."""

from __future__ import annotations

from tracker.operations import Actor, Refused, change
from tracker.tables import AppUser

DAILY, WEEKLY, NONE = "daily", "weekly", "none"
DIGEST_CHOICES = {
    DAILY: "Daily: what you own that is overdue, due today or due in the next 5 working days",
    WEEKLY: "Weekly, on Monday: overdue, due this week and at risk (for managers, everything in their area)",
    NONE: "None: no reminder emails",
}


async def choose_digest(actor: Actor, choice: str) -> None:
    """A person sets their own digest; nobody sets another's."""
    if choice not in DIGEST_CHOICES:
        raise Refused({"digest": "Select how often you want reminder emails"})
    async with change(actor, "user.digest", object_type="user", object_id=actor.user_id, detail=choice):
        await AppUser.update({AppUser.digest: choice}).where(AppUser.id == actor.user_id)


async def digest_of(user_id: int) -> str:
    row = await AppUser.select(AppUser.digest).where(AppUser.id == user_id).first()
    return row["digest"] if row else DAILY
