"""K14: anonymous misses on /feeds/*.ics are limited per client (then 429, without a database
look-up) and recorded in bulk: one audit row per client per minute, with the count of the misses
since that client's previous row, instead of one row each (audit rows stay for 183 days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.security.test_rate_limits import app_behind
from tests.support import audit_rows, make_user, run
from tracker.roles import Role

PROXY = "10.0.0.1"


def test_feed_misses_are_limited_per_client_and_audited_once_a_minute(db, settings):
    from timelines.feeds import MISSES_PER_MINUTE, create_feed_token

    make_user("sam", Role.HMPPS_SCRUTINY)
    token = run(create_feed_token(run(_user_id("sam"))))
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    with app_behind(settings, db, peer=PROXY, trusted=(PROXY,)) as client:
        statuses = [
            client.get(f"/feeds/guess-{n}.ics", headers=attacker).status_code
            for n in range(MISSES_PER_MINUTE + 30)
        ]
        assert statuses == [404] * MISSES_PER_MINUTE + [429] * 30
        throttled = client.get(f"/feeds/{token}.ics", headers=attacker)
        assert throttled.status_code == 429  # refused before the token is looked up
        assert "There is a problem" in throttled.text
        # Someone else, behind the same proxy, still gets their feed.
        mine = client.get(f"/feeds/{token}.ics", headers={"X-Forwarded-For": "198.51.100.2"})
        assert mine.status_code == 200 and mine.text.startswith("BEGIN:VCALENDAR")
    rows = audit_rows("feed.read", outcome="denied")
    assert len(rows) == 1
    assert rows[0]["client_address"] == "203.0.113.7"


def test_the_misses_and_refusals_go_into_the_clients_next_row():
    from timelines.feeds import MISSES_PER_MINUTE, FeedMisses

    misses = FeedMisses()
    start = datetime(2026, 12, 2, 10, 0, 5, tzinfo=UTC)
    refused = []
    for n in range(200):
        now = start + timedelta(milliseconds=n)
        refused.append(misses.limited("203.0.113.7", now))
        if not refused[-1]:
            misses.miss("203.0.113.7", now)
    assert refused == [False] * MISSES_PER_MINUTE + [True] * (200 - MISSES_PER_MINUTE)
    assert not misses.limited("198.51.100.2", start)  # another address
    assert misses.take("203.0.113.7") == (MISSES_PER_MINUTE, 200 - MISSES_PER_MINUTE)
    assert misses.take("203.0.113.7") == (0, 0)
    assert not misses.limited("203.0.113.7", start + timedelta(seconds=61))


async def _user_id(username: str) -> int:
    from tracker.tables import AppUser

    return (await AppUser.select(AppUser.id).where(AppUser.username == username).first())["id"]
