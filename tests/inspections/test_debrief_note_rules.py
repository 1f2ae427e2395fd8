"""MoU ¶25: the debrief needs its note, and HMPPS HQ reads the note only once its copy is sent.

The Governor gets the note at the debrief; HMPPS HQ (the Scrutiny Team, the HMPPS managers for the
establishment) gets a copy "the week following": before HMIP records that copy, HQ readers see
"not yet sent to HMPPS HQ" and not the note. Every read, and every refused read, is audited.
"""

from datetime import date, timedelta

import pytest

from tests.inspections.helpers import END, save_note, world
from tests.support import audit_rows, date_fields, post_form, record_fact, sign_in, stored_milestones

NOTE = "Confidential: serious concerns about segregation on C wing."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_YET = "not yet sent to HMPPS HQ"


def _debrief_fields(**extra) -> dict:
    return {
        **date_fields("held_on", END),
        "attendees": ["governor", "pgd"],
        "judgement_safety": "2",
        "judgement_respect": "3",
        "judgement_purposeful_activity": "1",
        "judgement_preparation_for_release": "3",
        **extra,
    }


def test_a_debrief_with_no_note_is_refused_and_does_not_meet_the_milestone(client):
    w = world()
    sign_in(client, "leader")
    response = post_form(client, f"/inspections/{w['ia']}/debrief", _debrief_fields(note_text="   "))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the debrief note, or upload it as a file" in response.text
    assert 'href="#note_text"' in response.text
    assert stored_milestones(w["ia"])["debrief"]["status"] not in ("done_on_time", "done_late")


def test_a_note_given_as_a_file_alone_is_enough_and_is_kept_on_a_later_edit(client):
    w = world()
    sign_in(client, "leader")
    response = post_form(
        client,
        f"/inspections/{w['ia']}/debrief",
        _debrief_fields(note_text=""),
        files={"note_file": ("note.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302, response.text
    assert stored_milestones(w["ia"])["debrief"]["status"] == "done_on_time"
    again = post_form(
        client, f"/inspections/{w['ia']}/debrief", _debrief_fields(note_text="", version="1", judgement_safety="4")
    )
    assert again.status_code == 302, again.text


def test_the_operation_refuses_a_debrief_with_no_note_whoever_calls_it(db):
    from inspections.operations.debrief import DebriefInput, save_debrief
    from inspections.tables import Inspection
    from tests.support import run
    from tracker.operations import Actor, Refused

    w = world()
    row = run(Inspection.select().where(Inspection.id == w["ia"]).first())
    data = DebriefInput(held_on=END, attendees=["governor", "pgd"], judgements={"safety": "2"}, note_text="")
    with pytest.raises(Refused) as refused:
        run(save_debrief(Actor.system("test"), row, data, today=END, version=None))
    assert "note_text" in refused.value.errors


HQ_READERS = ("scrutiny", "hmppsmanager")
ALWAYS = ("leader", "inspector", "hmipmanager", "governor")


@pytest.mark.parametrize("username", HQ_READERS + ALWAYS)
def test_before_the_copy_to_hq_only_hmip_and_the_establishment_read_the_note(client, username):
    w = world()
    save_note(w["ia"], NOTE)
    record_fact(w["ia"], "debrief_held", END, today=END)
    sign_in(client, username)
    page = client.get(f"/inspections/{w['ia']}").text
    note = client.get(f"/inspections/{w['ia']}/debrief-note")
    if username in HQ_READERS:
        assert NOT_YET in page and "Read the debrief note" not in page
        assert note.status_code == 200 and NOT_YET in note.text and NOTE not in note.text
        assert audit_rows("debrief_note.view", outcome="success") == []
        [refused] = audit_rows("debrief_note.view", outcome="refused")
        assert refused["actor"] == username and refused["detail"] == NOT_YET
    else:
        assert NOT_YET not in page and "Read the debrief note" in page
        assert note.status_code == 200 and NOTE in note.text
        assert [r["actor"] for r in audit_rows("debrief_note.view")] == [username]


@pytest.mark.parametrize("username", HQ_READERS + ALWAYS)
def test_once_the_copy_to_hq_is_recorded_hq_readers_read_the_note(client, username):
    w = world()
    save_note(w["ia"], NOTE)
    record_fact(w["ia"], "debrief_held", END, today=END)
    record_fact(w["ia"], "debrief_note_sent", END + timedelta(days=3), today=date(2025, 3, 20))
    sign_in(client, username)
    page = client.get(f"/inspections/{w['ia']}").text
    assert NOT_YET not in page and "Read the debrief note" in page
    note = client.get(f"/inspections/{w['ia']}/debrief-note")
    assert note.status_code == 200 and NOTE in note.text
    assert [r["actor"] for r in audit_rows("debrief_note.view")] == [username]


def test_recording_the_copy_opens_the_note_to_hq_at_once(client):
    """The inspection page is kept between requests: recording the copy must show through."""
    w = world()
    save_note(w["ia"], NOTE)
    record_fact(w["ia"], "debrief_held", END, today=END)
    sign_in(client, "scrutiny")
    assert NOT_YET in client.get(f"/inspections/{w['ia']}").text
    record_fact(w["ia"], "debrief_note_sent", END + timedelta(days=3), today=date(2025, 3, 20))
    assert NOTE in client.get(f"/inspections/{w['ia']}/debrief-note").text
