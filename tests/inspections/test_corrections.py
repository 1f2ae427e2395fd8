"""Corrections of any fact (issue 15 item 2): the return, HMIP's response and publication
included. A correction is a new event that supersedes the old one, with a reason, through the
same who-may policy and history check as the fact itself, by the domain that owns the fact; the
page shows check-your-answers with every milestone it moves, and the history keeps both."""

from __future__ import annotations

from datetime import date

import pytest

from tests.inspections.helpers import END, world
from tests.support import (
    api_token,
    audit_rows,
    date_fields,
    post_form,
    principal_of,
    publish_report,
    run,
    sign_in,
    stored_milestones,
)

PUBLISHED = date(2025, 6, 20)
TODAY = date(2025, 7, 1)


def published(w: dict) -> int:
    """Inspection A with its report published on 20 June 2025 (return 16 May, response 25 May)."""
    publish_report(w["ia"], END, PUBLISHED)
    return w["ia"]


def event_of(inspection_id: int, kind: str) -> dict:
    from factcheck.queries import standing
    from inspections.tables import InspectionEvent

    events = run(InspectionEvent.select().where(InspectionEvent.inspection == inspection_id).output(load_json=True))
    return standing(events, kind)


def correct(who: str, inspection_id: int, kind: str, on: date, reason: str = "Wrong date typed", **more) -> int:
    from inspections.operations.facts import FactInput, record_fact
    from tracker.operations import Actor

    data = FactInput(kind=kind, occurred_on=on, corrects=event_of(inspection_id, kind)["id"], reason=reason, **more)
    return run(record_fact(Actor(principal_of(who)), inspection_id, data, today=TODAY))


# -- the operation ---------------------------------------------------------------------------------


@pytest.mark.db
def test_a_publication_corrected_supersedes_the_original_and_moves_the_action_plan(db):
    w = world()
    inspection = published(w)
    before = stored_milestones(inspection)["action_plan"]["due"]
    original = event_of(inspection, "published")
    new_id = correct("leader", inspection, "published", date(2025, 6, 18), "Published on the Wednesday")
    now = event_of(inspection, "published")
    assert now["id"] == new_id and now["supersedes"] == original["id"]
    assert now["occurred_on"] == date(2025, 6, 18)
    assert now["detail"]["reason"] == "Published on the Wednesday"
    after = stored_milestones(inspection)["action_plan"]["due"]
    assert (before, after) == (date(2025, 9, 20), date(2025, 9, 18))
    assert audit_rows("factcheck.published.corrected")


def test_a_correction_keeps_what_it_does_not_correct(db):
    w = world()
    inspection = published(w)
    link = "https://www.justiceinspectorates.gov.uk/hmiprisons/report"
    correct("leader", inspection, "published", date(2025, 6, 19), "The link was missing", link=link)
    correct("leader", inspection, "published", date(2025, 6, 18), "Published on the Wednesday")
    assert event_of(inspection, "published")["detail"] == {"link": link, "reason": "Published on the Wednesday"}


def test_the_return_and_the_response_are_corrected_by_their_own_parties(db):
    from factcheck.queries import return_row

    w = world()
    inspection = published(w)
    correct("scrutiny", inspection, "factcheck_returned", date(2025, 5, 15), "Returned a day earlier")
    assert stored_milestones(inspection)["factcheck_return"]["done_on"] == date(2025, 5, 15)
    assert run(return_row(inspection))["returned_on"] == date(2025, 5, 15), "the fact check's own row follows"
    correct("leader", inspection, "hmip_response_sent", date(2025, 5, 23), "Sent on the Friday")
    assert stored_milestones(inspection)["hmip_response"]["done_on"] == date(2025, 5, 23)


@pytest.mark.parametrize(
    ("who", "kind", "allowed"),
    [
        ("leader", "published", True),
        ("hmipmanager", "published", True),
        ("otherleader", "published", False),
        ("scrutiny", "published", False),
        ("governor", "published", False),
        ("scrutiny", "factcheck_returned", True),
        ("leader", "factcheck_returned", False),
        ("leader", "hmip_response_sent", True),
        ("scrutiny", "hmip_response_sent", False),
    ],
)
def test_who_may_correct_is_who_may_record(db, who, kind, allowed):
    from tracker.operations import Denied

    w = world()
    inspection = published(w)
    on = {"published": date(2025, 6, 19), "factcheck_returned": date(2025, 5, 15),
          "hmip_response_sent": date(2025, 5, 23)}[kind]
    if allowed:
        correct(who, inspection, kind, on)
        assert event_of(inspection, kind)["occurred_on"] == on
    else:
        with pytest.raises(Denied):
            correct(who, inspection, kind, on)


def test_a_correction_that_makes_the_history_impossible_is_refused_naming_the_other_fact(db):
    from tracker.operations import Refused

    w = world()
    inspection = published(w)
    with pytest.raises(Refused) as refused:
        correct("leader", inspection, "published", date(2025, 5, 20))
    assert "before HMIP's response to the accuracy points (25 May 2025)" in refused.value.errors["occurred_on"]
    with pytest.raises(Refused) as refused:
        correct("scrutiny", inspection, "factcheck_returned", date(2025, 6, 25))
    assert "the fact-check return (25 June 2025)" in refused.value.message
    assert event_of(inspection, "published")["occurred_on"] == PUBLISHED, "nothing recorded"


def test_a_correction_needs_a_reason_and_stands_once(db):
    from tracker.operations import Refused

    w = world()
    inspection = published(w)
    with pytest.raises(Refused) as refused:
        correct("leader", inspection, "published", date(2025, 6, 19), reason=" ")
    assert refused.value.errors == {"reason": "Enter why the record is being corrected"}
    original = event_of(inspection, "published")["id"]
    correct("leader", inspection, "published", date(2025, 6, 19))
    from inspections.operations.facts import FactInput, record_fact
    from tracker.operations import Actor

    again = FactInput(kind="published", occurred_on=date(2025, 6, 18), corrects=original, reason="Again")
    with pytest.raises(Refused) as refused:
        run(record_fact(Actor(principal_of("leader")), inspection, again, today=TODAY))
    assert "already been corrected" in refused.value.message


def test_what_a_correction_would_move(db):
    from inspections.corrections import correction_moves

    w = world()
    inspection = published(w)
    moves = run(correction_moves(inspection, "published", event_of(inspection, "published")["id"],
                                 date(2025, 6, 18), today=TODAY))
    by_key = {m.key: m for m in moves.moved}
    assert (by_key["action_plan"].before_due, by_key["action_plan"].after_due) == (
        date(2025, 9, 20), date(2025, 9, 18))
    assert "MoU ¶37" in by_key["action_plan"].rule
    same = run(correction_moves(inspection, "published", event_of(inspection, "published")["id"],
                                PUBLISHED, today=TODAY))
    assert same.moved == []


# -- the pages ------------------------------------------------------------------------------------


def _correction_form(inspection: int, kind: str, on: date, reason: str = "Published on the Wednesday") -> dict:
    return {"corrects": str(event_of(inspection, kind)["id"]), **date_fields("occurred_on", on), "reason": reason}


def test_a_team_leader_corrects_a_publication_through_check_your_answers(client):
    w = world()
    inspection = published(w)
    sign_in(client, "leader")
    url = f"/inspections/{inspection}/corrections/new"
    original = event_of(inspection, "published")
    form = client.get(f"{url}?corrects={original['id']}")
    assert form.status_code == 200 and "20 June 2025" in form.text
    missing = post_form(client, url, _correction_form(inspection, "published", date(2025, 6, 18), reason=""))
    assert missing.status_code == 200 and "Enter why the record is being corrected" in missing.text
    check = post_form(client, url, _correction_form(inspection, "published", date(2025, 6, 18)))
    assert "Check your answers" in check.text
    assert "20 September 2025" in check.text and "18 September 2025" in check.text
    assert "3 months" in check.text and "MoU ¶37" in check.text
    assert event_of(inspection, "published")["id"] == original["id"], "nothing recorded before confirming"
    done = post_form(client, url, {**_correction_form(inspection, "published", date(2025, 6, 18)), "confirm": "yes"})
    assert done.status_code == 302
    panel = client.get(done.headers["location"])
    assert "Correction recorded" in panel.text and "18 June 2025" in panel.text
    page = client.get(f"/inspections/{inspection}").text
    assert "Corrected on" in page and "Published on the Wednesday" in page
    assert "<del" in page, "the original stays in the history, struck through"


def test_a_correction_that_moves_nothing_still_checks_and_says_so(client):
    w = world()
    inspection = published(w)
    sign_in(client, "leader")
    check = post_form(client, f"/inspections/{inspection}/corrections/new",
                      _correction_form(inspection, "published", PUBLISHED, reason="Link fixed"))
    assert "Check your answers" in check.text and "No deadlines move" in check.text


def test_an_impossible_correction_is_shown_on_the_form(client):
    w = world()
    inspection = published(w)
    sign_in(client, "leader")
    page = post_form(client, f"/inspections/{inspection}/corrections/new",
                     _correction_form(inspection, "published", date(2025, 5, 20)))
    assert "govuk-error-summary" in page.text
    assert "before HMIP&#39;s response to the accuracy points (25 May 2025)" in page.text


def test_the_scrutiny_team_corrects_the_return_and_not_the_publication(client):
    w = world()
    inspection = published(w)
    sign_in(client, "scrutiny")
    returned = event_of(inspection, "factcheck_returned")
    url = f"/inspections/{inspection}/corrections/new"
    assert client.get(f"{url}?corrects={returned['id']}").status_code == 200
    assert client.get(f"{url}?corrects={event_of(inspection, 'published')['id']}").status_code == 403
    ok = post_form(client, url, {**_correction_form(inspection, "factcheck_returned", date(2025, 5, 15)),
                                 "confirm": "yes"})
    assert ok.status_code == 302
    assert stored_milestones(inspection)["factcheck_return"]["done_on"] == date(2025, 5, 15)


def test_establishment_users_cannot_correct(client):
    w = world()
    inspection = published(w)
    publish_report(w["ib"], END, PUBLISHED)
    sign_in(client, "governor")
    own = event_of(inspection, "published")["id"]
    assert client.get(f"/inspections/{inspection}/corrections/new?corrects={own}").status_code == 403
    other = event_of(w["ib"], "published")["id"]
    assert client.get(f"/inspections/{w['ib']}/corrections/new?corrects={other}").status_code == 404
    refused = post_form(client, f"/inspections/{inspection}/corrections/new",
                        {**_correction_form(inspection, "published", date(2025, 6, 18)), "confirm": "yes"})
    assert refused.status_code == 403
    assert event_of(inspection, "published")["occurred_on"] == PUBLISHED


def test_the_inspection_page_offers_corrections_only_of_facts_the_viewer_records(client):
    w = world()
    inspection = published(w)
    returned = f"corrections/new?corrects={event_of(inspection, 'factcheck_returned')['id']}"
    publication = f"corrections/new?corrects={event_of(inspection, 'published')['id']}"
    sign_in(client, "scrutiny")
    page = client.get(f"/inspections/{inspection}").text
    assert returned in page and publication not in page
    sign_in(client, "leader")
    page = client.get(f"/inspections/{inspection}").text
    assert publication in page and returned not in page
    sign_in(client, "governor")
    assert "corrections/new" not in client.get(f"/inspections/{inspection}").text


# -- the API --------------------------------------------------------------------------------------


def test_the_api_corrects_the_return_the_response_and_the_publication(client):
    w = world()
    inspection = published(w)
    url = f"/api/v1/inspections/{inspection}/events"
    for who, kind, on in (
        ("scrutiny", "factcheck_returned", "2025-05-15"),
        ("leader", "hmip_response_sent", "2025-05-23"),
        ("leader", "published", "2025-06-18"),
    ):
        body = {"kind": kind, "occurred_on": on, "corrects": event_of(inspection, kind)["id"], "reason": "Typo"}
        answer = client.post(url, json=body, headers={"Authorization": f"Bearer {api_token(who)}"})
        assert answer.status_code == 201, answer.text
        assert event_of(inspection, kind)["occurred_on"] == date.fromisoformat(on)
    assert stored_milestones(inspection)["action_plan"]["due"] == date(2025, 9, 18)
    impossible = {"kind": "published", "occurred_on": "2025-05-01",
                  "corrects": event_of(inspection, "published")["id"], "reason": "Typo"}
    answer = client.post(url, json=impossible, headers={"Authorization": f"Bearer {api_token('leader')}"})
    assert answer.status_code == 422
    assert "before the fact-check return (15 May 2025)" in answer.json()["errors"]["occurred_on"], "as corrected"
    denied = {"kind": "published", "occurred_on": "2025-06-19",
              "corrects": event_of(inspection, "published")["id"], "reason": "Typo"}
    answer = client.post(url, json=denied, headers={"Authorization": f"Bearer {api_token('scrutiny')}"})
    assert answer.status_code == 403


def test_the_old_correct_link_leads_to_check_your_answers(client):
    w = world()
    inspection = published(w)
    sign_in(client, "leader")
    original = event_of(inspection, "published")["id"]
    old = client.get(f"/inspections/{inspection}/events/new?corrects={original}", follow_redirects=False)
    assert old.status_code == 302
    assert old.headers["location"] == f"/inspections/{inspection}/corrections/new?corrects={original}"


def test_a_timed_fact_is_corrected_to_the_minute_and_the_form_starts_from_the_original(client):
    """The urgent notification letter (¶41 counts 24 hours from it): its time is corrected too."""
    from datetime import datetime

    from inspections.events import record_event
    from tests.support import make_inspection, record_fact
    from tracker.clock import LONDON

    w = world()
    inspection = make_inspection(w["a"], end=END, team_leader_id=w["leader"], urgent_notification=True)
    record_fact(inspection, "urgent_notification_raised", END)
    sent = datetime(2025, 3, 19, 14, 30, tzinfo=LONDON)
    original = run(record_event(inspection, "un_letter_sent", sent.date(), occurred_at=sent, by_user_id=None))
    sign_in(client, "leader")
    url = f"/inspections/{inspection}/corrections/new"
    form = client.get(f"{url}?corrects={original}").text
    assert 'id="occurred_on-day" name="occurred_on-day" type="text" value="19"' in form
    assert 'id="hour" name="hour" type="text" inputmode="numeric" value="14"' in form
    answers = {"corrects": str(original), **date_fields("occurred_on", sent.date()), "hour": "9", "minute": "5",
               "reason": "The letter went in the morning"}
    check = post_form(client, url, answers)
    assert "19 March 2025 at 9:05am" in check.text
    assert post_form(client, url, {**answers, "confirm": "yes"}).status_code == 302
    assert event_of(inspection, "un_letter_sent")["occurred_at"].astimezone(LONDON).hour == 9


def test_a_corrected_debrief_date_is_the_debriefs_date_too(client):
    """The debrief page keeps the date it was held: a correction moves it, so saving the debrief
    again does not bring the old date back."""
    from inspections.queries import debrief_of
    from tests.inspections.test_debrief import _debrief

    w = world()
    sign_in(client, "leader")
    assert _debrief(client, w["ia"]).status_code == 302
    held = event_of(w["ia"], "debrief_held")["id"]
    answers = {"corrects": str(held), **date_fields("occurred_on", date(2025, 3, 13)), "reason": "Held on the Thursday",
               "confirm": "yes"}
    assert post_form(client, f"/inspections/{w['ia']}/corrections/new", answers).status_code == 302
    assert run(debrief_of(w["ia"]))["held_on"] == date(2025, 3, 13)
