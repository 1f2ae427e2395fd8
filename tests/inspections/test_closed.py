"""Overtaken milestones and closed inspections as people see them: the inspection page, the list
and the JSON API (issue 15 item 3)."""

from datetime import date

from tests.inspections.helpers import world
from tests.support import make_inspection, record_fact, sign_in
from tests.timelines_store.test_closing import JOURNEY, TODAY

OVERTAKEN_WORDS = "Not returned: HMIP proceeded to publication on 7 March 2025"


def finished(w: dict) -> int:
    inspection = make_inspection(w["a"], end=date(2024, 12, 20), team_leader_id=w["leader"], title="Finished")
    for kind, on in JOURNEY:
        record_fact(inspection, kind, on, today=TODAY)
    return inspection


def published_without_return(w: dict) -> int:
    inspection = make_inspection(w["a"], end=date(2024, 12, 20), team_leader_id=w["leader"], title="Overtaken")
    for kind, on in (
        ("debrief_held", date(2024, 12, 20)),
        ("draft_sent", date(2025, 2, 7)),
        ("published", date(2025, 3, 7)),
    ):
        record_fact(inspection, kind, on)
    return inspection


def test_the_inspection_page_shows_an_overtaken_stage_in_words_and_a_closed_tag(client):
    w = world()
    overtaken, closed = published_without_return(w), finished(w)
    sign_in(client, "governor")
    page = client.get(f"/inspections/{overtaken}").text
    assert "govuk-tag--purple\">Overtaken</strong>" in page
    assert OVERTAKEN_WORDS in page
    assert ">Closed</strong>" not in page
    stages = page.split("Stages: planned against actual")[-1]
    assert 'Overtaken</strong> <span class="govuk-body-s">not returned: HMIP proceeded' in stages
    assert ">Closed</strong>" in client.get(f"/inspections/{closed}").text


def test_the_api_says_closed_and_carries_the_overtaken_note(client):
    w = world()
    overtaken, closed = published_without_return(w), finished(w)
    sign_in(client, "governor")
    body = client.get(f"/api/v1/inspections/{overtaken}").json()
    assert body["closed"] is False
    notes = {m["key"]: (m["status"], m["note"]) for m in body["milestones"]}
    assert notes["factcheck_return"] == ("overtaken", "not returned: HMIP proceeded to publication on 7 March 2025")
    assert client.get(f"/api/v1/inspections/{overtaken}/timeline").json()["closed"] is False
    assert client.get(f"/api/v1/inspections/{closed}").json()["closed"] is True
    assert client.get(f"/api/v1/inspections/{closed}/timeline").json()["closed"] is True
    listed = {i["id"]: i["closed"] for i in client.get("/api/v1/inspections").json()}
    assert listed[closed] is True and listed[overtaken] is False


def test_closed_inspections_leave_the_list_unless_the_filter_asks_for_them(client):
    w = world()
    closed = finished(w)
    sign_in(client, "governor")
    live = client.get("/inspections").text
    assert f'href="/inspections/{closed}"' not in live
    assert f'href="/inspections/{w["ia"]}"' in live
    only_closed = client.get("/inspections?show=closed").text
    assert f'href="/inspections/{closed}"' in only_closed
    assert f'href="/inspections/{w["ia"]}"' not in only_closed
    assert ">Closed</strong>" in only_closed
    everything = client.get("/inspections?show=all").text
    assert f'href="/inspections/{closed}"' in everything and f'href="/inspections/{w["ia"]}"' in everything
