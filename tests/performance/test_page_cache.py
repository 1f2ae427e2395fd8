"""Pages kept per worker under the database's change count (tracker.cache): a second look
with nothing written asks the database less, any write shows at once, and what is kept for one
person is never shown to another."""

from __future__ import annotations

from datetime import timedelta

from tests.performance.helpers import count_queries
from tests.support import make_establishment, make_inspection, make_user, record_fact, sign_in
from tracker.clock import today_london
from tracker.roles import Role

TODAY = today_london()


def _inspection(place: int, leader: int) -> int:
    inspection_id = make_inspection(place, end=TODAY - timedelta(days=60), team_leader_id=leader)
    record_fact(inspection_id, "debrief_held", TODAY - timedelta(days=60))
    return inspection_id


def test_inspection_page_is_kept_until_something_is_written(client, db):
    from tracker import cache

    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    inspection_id = _inspection(make_establishment("HMP Aardvark"), lead)
    sign_in(client, "lead")
    cache.clear()
    with count_queries(db) as first:
        page = client.get(f"/inspections/{inspection_id}")
    assert page.status_code == 200 and "Record what happened" in page.text
    with count_queries(db) as second:
        again = client.get(f"/inspections/{inspection_id}")
    assert again.text == page.text
    assert len(second) < len(first)
    assert "Debrief note sent" not in again.text
    record_fact(inspection_id, "debrief_note_sent", TODAY - timedelta(days=55))
    after = client.get(f"/inspections/{inspection_id}")
    assert "Debrief note sent" in after.text
    done = client.get(f"/inspections/{inspection_id}?done=updated")
    assert "Inspection changed" in done.text and "Inspection changed" not in after.text


def test_inspection_page_kept_for_one_person_is_not_shown_to_another(client, db):
    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    make_user("pat", Role.HMPPS_MANAGER)
    inspection_id = _inspection(make_establishment("HMP Aardvark"), lead)
    sign_in(client, "lead")
    assert "Record what happened" in client.get(f"/inspections/{inspection_id}").text
    sign_in(client, "pat")
    page = client.get(f"/inspections/{inspection_id}")
    assert page.status_code == 200
    assert "Record what happened" not in page.text


def test_establishment_list_kept_for_a_manager_is_not_shown_to_a_governor(client, db):
    mine = make_establishment("HMP Aardvark")
    make_establishment("HMP Zebra")
    make_user("boss", Role.HMIP_MANAGER)
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[mine])
    sign_in(client, "boss")
    everything = client.get("/establishments").text
    assert "HMP Aardvark" in everything and "HMP Zebra" in everything
    sign_in(client, "governor")
    theirs = client.get("/establishments").text
    assert "HMP Aardvark" in theirs and "HMP Zebra" not in theirs
    sign_in(client, "boss")
    make_establishment("HMP Yak")
    assert "HMP Yak" in client.get("/establishments").text


def test_a_kept_inspection_follows_its_team(client, db):
    """The inspection's row is kept with its team: an inspector added to the team reads the page at
    once, and one taken off it no longer can."""
    from inspections.tables import InspectionTeamMember
    from tests.support import run

    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    newbie = make_user("newbie", Role.HMIP_INSPECTOR)
    inspection_id = _inspection(make_establishment("HMP Aardvark"), lead)
    sign_in(client, "newbie")
    assert client.get(f"/inspections/{inspection_id}").status_code == 404
    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=inspection_id, user=newbie)))
    assert client.get(f"/inspections/{inspection_id}").status_code == 200
    run(InspectionTeamMember.delete().where(InspectionTeamMember.user == newbie))
    assert client.get(f"/inspections/{inspection_id}").status_code == 404


def test_my_work_pages_share_one_read_of_what_is_theirs(client, db):
    """What is theirs is read once and kept: the second page (or a page asked as junk) asks the
    database no more than a page already kept, yet shows its own rows."""
    from tracker import cache

    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    for n in range(16):
        _inspection(make_establishment(f"HMP Number {n:02d}", code=f"N{n:02d}"), lead)
    sign_in(client, "lead")
    cache.clear()
    with count_queries(db) as cold:
        first = client.get("/my-work?within=all").text
    with count_queries(db) as kept:
        assert client.get("/my-work?within=all").text == first
    with count_queries(db) as second_page:
        second = client.get("/my-work?within=all&page=2").text
    assert "Showing 51 to" in second and second != first
    assert len(kept) == len(second_page) < len(cold)
    with count_queries(db) as junk:
        assert client.get("/my-work?within=all&page=abc").text == first
    assert len(junk) == len(kept)
