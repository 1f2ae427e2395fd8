"""Issue 13's contract: every fact has exactly one writing operation, reachable from its page and
from the API (`POST /api/v1/inspections/{id}/events`), and both refuse the same impossible
history with the same words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.inspections.helpers import world
from tests.support import api_token, date_fields, post_form, record_fact, run, sign_in
from timelines.core.workflow import STEPS, UN_RAISED


def test_every_fact_has_exactly_one_writing_operation():
    from inspections.operations.facts import record_fact as generic
    from tracker.extensions import fact_writer, provide_fact_writers
    from tracker.wiring import wire

    wire()
    for step in STEPS:
        writer = fact_writer(step.fact) or generic
        assert callable(writer), step.fact
    with pytest.raises(ValueError, match="two writing operations"):
        provide_fact_writers({"draft_sent": generic})


def test_the_api_reaches_the_domains_own_operation(client):
    """A draft recorded through the generic events route gets the fact check's own row and its
    indicative date, as the draft page gives it; publication runs the fact check's checklist."""
    from factcheck.tables import DraftReport

    w = world()
    headers = {"Authorization": f"Bearer {api_token('leader')}"}
    url = f"/api/v1/inspections/{w['ia']}/events"
    sent = client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-04-28"}, headers=headers)
    assert sent.status_code == 201
    draft = run(DraftReport.select().where(DraftReport.inspection == w["ia"]).first())
    assert draft["sent_on"] == date(2025, 4, 28) and draft["indicative_publication"] is not None
    again = client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-04-29"}, headers=headers)
    assert again.status_code == 409, "the draft page corrects; the events route refuses a second draft"


# fact -> (who records it, the page that records it, its date field, other fields, a history first)
PAGES = {
    "debrief_note_sent": ("leader", "/inspections/{id}/events/new", "occurred_on", {"kind": "debrief_note_sent"},
                          [("debrief_held", date(2025, 3, 14))]),
    "draft_sent": ("leader", "/inspections/{id}/draft", "sent", {}, []),
    "press_release_shared": ("leader", "/inspections/{id}/publication/press-release", "shared", {},
                             [("draft_sent", date(2025, 4, 28))]),
}


@pytest.mark.parametrize("fact", sorted(PAGES))
def test_page_and_api_refuse_the_same_impossible_history(client, fact):
    who, path, field, extra, history = PAGES[fact]
    w = world()
    for kind, on in history:
        record_fact(w["ia"], kind, on)
    future = date.today() + timedelta(days=30)
    headers = {"Authorization": f"Bearer {api_token(who)}"}
    api = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": fact, "occurred_on": future.isoformat()},
        headers=headers,
    )
    assert api.status_code == 422
    api_messages = set(api.json()["errors"].values())
    sign_in(client, who)
    page = post_form(client, path.format(id=w["ia"]), {**extra, **date_fields(field, future)})
    shown = [message for message in api_messages if message in page.text.replace("&#39;", "'")]
    assert shown, (api_messages, fact)


def test_an_urgent_notification_raised_through_the_api_is_raised_as_the_page_raises_it(client):
    """One way in: the events route reaches the inspection's own operation, which sets the flag
    the letter and its deadlines need and refuses a second one."""
    from inspections.tables import Inspection

    w = world()
    headers = {"Authorization": f"Bearer {api_token('leader')}"}
    url = f"/api/v1/inspections/{w['ia']}/events"
    body = {"kind": UN_RAISED, "occurred_on": "2025-03-14", "note": "Grave concerns about safety"}
    assert client.post(url, json=body, headers=headers).status_code == 201
    assert run(Inspection.select().where(Inspection.id == w["ia"]).first())["urgent_notification"]
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 409 and "already recorded" in str(again.json()["errors"])
