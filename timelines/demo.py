"""Demo data for the timelines domain (idempotent): recurring obligations last done at dates that
put one overdue, one due soon and the rest later, and every open milestone's status brought up to
today (the other domains' demo inspections are loaded first)."""

from __future__ import annotations

from datetime import timedelta

from timelines.store import refresh_all
from timelines.tables import RecurringDone, StoredMilestone
from tracker import clock
from tracker.db import write_transaction

# key -> days ago it was last done
RECURRING_DONE = {
    "concerns_database_share": 95,  # quarterly: overdue
    "mou_review": 360,  # annual: due soon
    "hub_mou_review": 200,
    "stakeholder_survey": 300,
    "inspection_plan_consultation": 120,
}


async def _demo_emails() -> None:
    """Demo users get an example.gov.uk address, so `tracker remind --dry-run` shows their digests."""
    from tracker.demo import DEMO_USERS
    from tracker.tables import AppUser

    for username, *_rest in DEMO_USERS:
        await AppUser.update({AppUser.email: f"{username}@example.gov.uk"}).where(
            AppUser.username == username, AppUser.email == ""
        )


async def load() -> None:
    today = clock.today_london()
    await _demo_emails()
    if not await RecurringDone.count():
        await RecurringDone.insert(
            *[
                RecurringDone(
                    key=key, done_on=today - timedelta(days=days), note="Demo", recorded_at=clock.now_utc()
                )
                for key, days in RECURRING_DONE.items()
            ]
        )
    async with write_transaction(StoredMilestone._meta.db):
        await refresh_all("demo: statuses brought up to today", today=today)
