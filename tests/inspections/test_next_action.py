"""Issue 16: the inspection page's primary button is the next thing the person looking can do
(the first open milestone whose closing fact the workflow and the policy let them record), not
always "Change the final debrief"; none when nothing is theirs."""

import re
from datetime import date

from tests.inspections.helpers import END, save_note, world
from tests.support import record_fact, sign_in


def primary_buttons(page: str) -> list[tuple[str, str]]:
    """(href, text) of each primary button: a govuk-button that is not secondary or warning."""
    found = re.findall(r'<a class="govuk-button"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
    return [(href, text.strip()) for href, text in found]


def _each_button_opens(client, page: str) -> None:
    """No button the viewer may not take: each one opens for them."""
    for href, text in primary_buttons(page):
        assert client.get(href).status_code == 200, text


def test_the_leader_is_first_asked_to_log_the_debrief(client):
    w = world()
    sign_in(client, "leader")
    page = client.get(f"/inspections/{w['ia']}").text
    assert primary_buttons(page) == [(f"/inspections/{w['ia']}/debrief", "Log the final debrief")]
    _each_button_opens(client, page)


def _debrief(w) -> None:
    from inspections.operations.debrief import DebriefInput, save_debrief
    from inspections.tables import Inspection
    from tests.support import run
    from tracker.operations import Actor

    row = run(Inspection.select().where(Inspection.id == w["ia"]).first())
    judgements = {k: "2" for k in ("safety", "respect", "purposeful_activity", "preparation_for_release")}
    data = DebriefInput(held_on=END, attendees=["governor", "pgd"], judgements=judgements, note_text="Note")
    run(save_debrief(Actor.system("test", for_user=w["leader"]), row, data, today=END, version=None))


def test_after_the_debrief_the_leader_is_asked_to_send_the_note_to_hq(client):
    w = world()
    _debrief(w)
    sign_in(client, "leader")
    page = client.get(f"/inspections/{w['ia']}").text
    assert primary_buttons(page) == [
        (f"/inspections/{w['ia']}/events/new?kind=debrief_note_sent", "Send the debrief note to HMPPS HQ")
    ]
    _each_button_opens(client, page)
    assert "Change the final debrief" in page  # still there, but not the primary button


def test_then_the_draft(client):
    w = world()
    save_note(w["ia"])
    record_fact(w["ia"], "debrief_held", END, today=END)
    record_fact(w["ia"], "debrief_note_sent", date(2025, 3, 18), today=date(2025, 3, 18))
    sign_in(client, "hmipmanager")
    page = client.get(f"/inspections/{w['ia']}").text
    assert primary_buttons(page) == [(f"/inspections/{w['ia']}/draft", "Send the draft report")]
    _each_button_opens(client, page)


def test_the_scrutiny_team_is_asked_to_return_the_fact_check(client):
    w = world()
    record_fact(w["ia"], "draft_sent", date(2025, 4, 28))
    sign_in(client, "scrutiny")
    page = client.get(f"/inspections/{w['ia']}").text
    assert primary_buttons(page) == [(f"/inspections/{w['ia']}/factcheck", "Return the fact check")]
    _each_button_opens(client, page)


def test_no_primary_button_when_nothing_is_theirs(client):
    w = world()
    for username in ("inspector", "governor", "otherleader", "hmppsmanager"):
        client.cookies.clear()
        sign_in(client, username)
        page = client.get(f"/inspections/{w['ia']}").text
        assert primary_buttons(page) == [], username


def test_nothing_is_offered_that_the_workflow_would_refuse_today(client):
    """While the Scrutiny Team has the draft, HMIP's next milestones (the publication aim) wait on
    the return: publishing now would be refused (¶32), so it is not the button."""
    from tracker.clock import today_london

    w = world()
    _debrief(w)
    record_fact(w["ia"], "debrief_note_sent", date(2025, 3, 18))
    record_fact(w["ia"], "draft_sent", today_london())
    sign_in(client, "leader")
    page = client.get(f"/inspections/{w['ia']}").text
    assert [text for _, text in primary_buttons(page)] == []


def test_after_publication_the_governor_is_asked_for_the_action_plan(client):
    from tests.support import publish_report

    w = world()
    publish_report(w["ia"], END, date(2025, 6, 20))
    sign_in(client, "governor")
    page = client.get(f"/inspections/{w['ia']}").text
    assert primary_buttons(page) == [(f"/inspections/{w['ia']}/action-plan", "Submit the action plan")]
    _each_button_opens(client, page)
    assert client.get(f"/inspections/{w['ia']}/action-plan").status_code == 200
