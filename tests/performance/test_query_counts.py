"""Database queries per page do not grow with the number of rows the page shows.

Each test opens a page with one row, adds more rows of the same kind, opens it again and checks
the page shows them all with the same number of queries (no query per row). Behaviour, not
timing: the queries are counted by wrapping the engine (tests/performance/helpers.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.actionplans.helpers import fill_plan, published_inspection, start_plan
from tests.performance.helpers import explain, queries_for
from tests.support import make_establishment, make_inspection, make_user, record_fact, run, sign_in
from tracker.clock import today_london
from tracker.roles import Role

TODAY = today_london()
GROUPS = ["Yorkshire", "London", "Wales", "North West", "Kent, Surrey and Sussex", "West Midlands"]


def add_team_member(inspection_id: int, user_id: int) -> None:
    from inspections.tables import InspectionTeamMember

    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=inspection_id, user=user_id)))


def add_recommendations(inspection_id: int, first: int, count: int) -> None:
    from inspections.tables import Recommendation

    run(
        Recommendation.insert(
            *[
                Recommendation(
                    inspection=inspection_id,
                    reference=f"R{n}",
                    text=f"Leaders should improve area {n}.",
                    area=f"Area {n}",
                    position=n,
                )
                for n in range(first, first + count)
            ]
        )
    )


def late_inspection(establishment_id: int, *, leader: int | None = None, member: int | None = None) -> int:
    """An inspection 60 days after its end with the debrief held and nothing since: the debrief
    note and the draft are overdue or due (open milestones for HMIP)."""
    inspection_id = make_inspection(establishment_id, end=TODAY - timedelta(days=60), team_leader_id=leader)
    record_fact(inspection_id, "debrief_held", TODAY - timedelta(days=60))
    if member:
        add_team_member(inspection_id, member)
    return inspection_id


def assert_same(label: str, one: tuple, many: tuple) -> None:
    assert one[0] == many[0], (
        f"{label}: {one[0]} queries with one row, {many[0]} with many; extra queries:\n"
        + explain(one[2], many[2])
    )


@pytest.fixture
def people():
    return {
        "boss": make_user("boss", Role.HMIP_MANAGER),
        "lead": make_user("lead", Role.HMIP_TEAM_LEADER),
        "inspector": make_user("inspector", Role.HMIP_INSPECTOR),
        "sam": make_user("sam", Role.HMPPS_SCRUTINY),
        "pat": make_user("pat", Role.HMPPS_MANAGER),
    }


def test_dashboard_queries_do_not_grow_with_rows(client, db, people):
    first = make_establishment("HMP Aardvark", prison_group=GROUPS[0])
    late_inspection(first, leader=people["lead"])
    sign_in(client, "boss")
    one = queries_for(client, db, "/dashboard?status=open")
    for n in range(1, 6):
        late_inspection(make_establishment(f"HMP Number {n}", prison_group=GROUPS[n]), leader=people["lead"])
    many = queries_for(client, db, "/dashboard?status=open")
    assert "HMP Aardvark" in many[1] and "HMP Number 5" in many[1]
    assert_same("dashboard", one, many)
    filtered = queries_for(client, db, f"/dashboard?status=open&establishment={first}")
    assert "HMP Number 5" not in filtered[1].split("Deadlines")[-1]


def test_dashboard_export_queries_do_not_grow_with_rows(client, db, people):
    late_inspection(make_establishment("HMP Aardvark"))
    sign_in(client, "boss")
    one = queries_for(client, db, "/dashboard/export?status=open&format=csv")
    for n in range(1, 6):
        late_inspection(make_establishment(f"HMP Number {n}"))
    many = queries_for(client, db, "/dashboard/export?status=open&format=csv")
    assert "HMP Number 5" in many[1]
    assert_same("dashboard export", one, many)


@pytest.mark.parametrize("username", ["lead", "inspector", "boss"])
def test_my_work_queries_do_not_grow_with_rows(client, db, people, username):
    late_inspection(make_establishment("HMP Aardvark"), leader=people["lead"], member=people["inspector"])
    sign_in(client, username)
    one = queries_for(client, db, "/my-work?within=all")
    for n in range(1, 6):
        late_inspection(
            make_establishment(f"HMP Number {n}"), leader=people["lead"], member=people["inspector"]
        )
    many = queries_for(client, db, "/my-work?within=all")
    assert "HMP Aardvark" in many[1] and "HMP Number 5" in many[1]
    assert_same(f"my work ({username})", one, many)


def test_calendar_feed_queries_do_not_grow_with_rows(client, db, people):
    from timelines.feeds import create_feed_token

    late_inspection(make_establishment("HMP Aardvark"), leader=people["lead"])
    token = run(create_feed_token(people["lead"]))
    client.get(f"/feeds/{token}.ics")  # the first fetch notes when the feed was used (once a minute)
    one = queries_for(client, db, f"/feeds/{token}.ics")
    for n in range(1, 6):
        late_inspection(make_establishment(f"HMP Number {n}"), leader=people["lead"])
    many = queries_for(client, db, f"/feeds/{token}.ics")
    assert "HMP Number 5" in many[1]
    assert_same("calendar feed", one, many)


def test_feed_notes_its_use_at_most_once_a_minute(client, db, people, monkeypatch):
    """A calendar app polling the feed does not write to the database on every fetch."""
    from timelines.feeds import create_feed_token
    from timelines.tables import CalendarFeedToken

    late_inspection(make_establishment("HMP Aardvark"), leader=people["lead"])
    token = run(create_feed_token(people["lead"]))

    def last_used():
        return run(CalendarFeedToken.select(CalendarFeedToken.last_used_at).first())["last_used_at"]

    assert last_used() is None
    client.get(f"/feeds/{token}.ics")
    first = last_used()
    assert first is not None
    _count, body, queries = queries_for(client, db, f"/feeds/{token}.ics")
    assert "HMP Aardvark" in body
    assert last_used() == first
    assert not [q for q in queries if q.startswith("UPDATE") and "calendar_feed_token" in q]
    later = first + timedelta(minutes=2)
    monkeypatch.setattr("timelines.feeds.now_utc", lambda: later)
    client.get(f"/feeds/{token}.ics")
    assert last_used() == later


@pytest.mark.parametrize("username", ["boss", "lead", "inspector"])
def test_inspection_page_queries_do_not_grow_with_rows(client, db, people, username):
    """Two inspections at the same stage: one with one of everything, one with many."""
    place = make_establishment("HMP Aardvark")
    small, big = (late_inspection(place, leader=people["lead"]) for _ in range(2))
    sent = {}
    for inspection_id in (small, big):
        sent[inspection_id] = record_fact(inspection_id, "debrief_note_sent", TODAY - timedelta(days=55))
        add_team_member(inspection_id, people["inspector"])
    add_recommendations(small, 1, 1)
    add_recommendations(big, 1, 8)
    for n in range(4):
        add_team_member(big, make_user(f"extra{n}", Role.HMIP_INSPECTOR))
    record_fact(big, "debrief_note_sent", TODAY - timedelta(days=54), corrects=sent[big])  # a second event
    sign_in(client, username)
    one = queries_for(client, db, f"/inspections/{small}")
    many = queries_for(client, db, f"/inspections/{big}")
    assert "Extra3" in many[1]
    assert_same(f"inspection page ({username})", one, many)


@pytest.mark.parametrize("username", ["boss", "inspector"])
def test_inspection_list_queries_do_not_grow_with_rows(client, db, people, username):
    late_inspection(make_establishment("HMP Aardvark"), leader=people["lead"], member=people["inspector"])
    sign_in(client, username)
    one = queries_for(client, db, "/inspections")
    for n in range(1, 6):
        late_inspection(
            make_establishment(f"HMP Number {n}"), leader=people["lead"], member=people["inspector"]
        )
    many = queries_for(client, db, "/inspections")
    assert "HMP Number 5" in many[1]
    assert_same(f"inspection list ({username})", one, many)


@pytest.mark.parametrize("username", ["boss", "governor"])
def test_establishment_list_queries_do_not_grow_with_rows(client, db, people, username):
    places = [make_establishment("HMP Aardvark")]
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=places)
    sign_in(client, username)
    one = queries_for(client, db, "/establishments")
    places += [make_establishment(f"HMP Number {n}") for n in range(1, 6)]
    from tracker.users import set_roles

    run(set_roles(run(_user_id("governor")), [Role.ESTABLISHMENT], places))
    sign_in(client, username)
    many = queries_for(client, db, "/establishments")
    assert "HMP Number 5" in many[1]
    assert_same(f"establishment list ({username})", one, many)


@pytest.mark.parametrize("username", ["boss", "inspector", "governor"])
def test_establishment_page_queries_do_not_grow_with_rows(client, db, people, username):
    place = make_establishment("HMP Aardvark")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[place])
    late_inspection(place, leader=people["lead"], member=people["inspector"])
    sign_in(client, username)
    one = queries_for(client, db, f"/establishments/{place}")
    for _ in range(5):
        late_inspection(place, leader=people["lead"], member=people["inspector"])
    late_inspection(place, leader=people["lead"])  # one the inspector is not on
    many = queries_for(client, db, f"/establishments/{place}")
    assert_same(f"establishment page ({username})", one, many)


@pytest.mark.parametrize("username", ["governor", "boss", "lead"])
def test_action_plan_page_queries_do_not_grow_with_rows(client, db, people, username):
    place = make_establishment("HMP Aardvark")
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[place])
    small, small_recs = published_inspection(place, recs=1, team_leader_id=people["lead"])
    big, big_recs = published_inspection(place, recs=8, team_leader_id=people["lead"])
    small_plan, big_plan = start_plan(small, by=governor), start_plan(big, by=governor)
    fill_plan(small_plan, small_recs, by=governor)
    fill_plan(big_plan, big_recs, by=governor)
    sign_in(client, username)
    one = queries_for(client, db, f"/action-plans/{small_plan}")
    many = queries_for(client, db, f"/action-plans/{big_plan}")
    assert "Action 8 to fix it" in many[1]
    assert_same(f"action plan page ({username})", one, many)


@pytest.mark.parametrize("username", ["governor", "boss", "lead", "inspector"])
def test_action_plan_list_queries_do_not_grow_with_rows(client, db, people, username):
    place = make_establishment("HMP Aardvark")
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[place])
    inspection_id, recs = published_inspection(place, recs=2, team_leader_id=people["lead"])
    add_team_member(inspection_id, people["inspector"])
    fill_plan(start_plan(inspection_id, by=governor), recs, by=governor)
    sign_in(client, username)
    one = queries_for(client, db, "/action-plans")
    for n in range(5):
        other = make_establishment(f"HMP Number {n}")
        inspection_id, recs = published_inspection(place if n % 2 else other, recs=2)
        fill_plan(start_plan(inspection_id, by=governor), recs, by=governor)
    many = queries_for(client, db, "/action-plans")
    assert_same(f"action plan list ({username})", one, many)


async def _user_id(username: str) -> int:
    from tracker.users import user_id_for

    return await user_id_for(username)
