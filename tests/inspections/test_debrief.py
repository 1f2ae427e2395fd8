"""The final debrief and the confidential debrief note (MoU ¶23, ¶25)."""

from datetime import date

import pytest

from tests.inspections.helpers import END, save_note, world
from tests.support import (
    audit_rows,
    date_fields,
    make_inspection,
    post_form,
    record_fact,
    run,
    sign_in,
    stored_milestones,
)

NOTE = "Confidential: serious concerns about segregation on C wing."
JUDGEMENTS = {
    "judgement_safety": "2",
    "judgement_respect": "3",
    "judgement_purposeful_activity": "1",
    "judgement_preparation_for_release": "3",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _debrief(client, inspection_id, **extra):
    data = {
        **date_fields("held_on", END),
        "attendees": ["governor", "imb_chair"],
        "absence_notice": "in_advance",
        **date_fields("notice_given_on", date(2025, 3, 10)),
        **JUDGEMENTS,
        "note_text": NOTE,
    }
    data.update(extra)
    files = extra.pop("files", None)
    data.pop("files", None)
    return (
        post_form(client, f"/inspections/{inspection_id}/debrief", data, files=files)
        if files
        else post_form(client, f"/inspections/{inspection_id}/debrief", data)
    )


def test_debrief_records_the_fact_and_shows_when_the_note_is_due(client):
    w = world()
    sign_in(client, "leader")
    response = _debrief(client, w["ia"])
    assert response.status_code == 302
    assert response.headers["location"] == f"/inspections/{w['ia']}/debrief/done"
    done = client.get(response.headers["location"]).text
    assert "Debrief recorded" in done
    assert "Debrief note to HMPPS HQ: due Friday 21 March 2025 (the week following)" in done
    milestones = stored_milestones(w["ia"])
    assert milestones["debrief"]["status"] == "done_on_time"
    assert milestones["debrief_note_to_hq"]["due"] == date(2025, 3, 21)
    page = client.get(f"/inspections/{w['ia']}").text
    assert "Final debrief held" in page and "Safety: 2" in page
    assert NOTE not in page
    assert audit_rows("debrief.save")[-1]["detail"] == ""


def test_debrief_errors(client):
    """Each page shows every error of its own fields at once, keeping what was typed elsewhere."""
    w = world()
    sign_in(client, "leader")
    path = f"/inspections/{w['ia']}/debrief"
    response = post_form(client, path, {"step": "attendance", "note_text": NOTE})
    assert response.status_code == 200
    for message in (
        "Enter the date of the debrief",
        "Select who attended the debrief",
        "gave notice they could not attend",
    ):
        assert message in response.text, message
    assert "Select the indicative judgement" not in response.text  # the next page's question
    assert NOTE in response.text  # nothing typed is lost
    assert response.headers["cache-control"] == "no-store"
    judgements = post_form(client, path, {"step": "judgements", "note_text": NOTE})
    for message in (
        "Select the indicative judgement for safety",
        "Select the indicative judgement for preparation for release",
    ):
        assert message in judgements.text, message
    assert "Enter the date of the debrief" not in judgements.text
    # all the answers sent at once (no page named): the first page with a problem
    at_once = post_form(client, path, {"note_text": NOTE})
    assert "Select who attended the debrief" in at_once.text
    no_date = _debrief(
        client,
        w["ia"],
        **{"notice_given_on-day": "", "notice_given_on-month": "", "notice_given_on-year": ""},
    )
    assert "Enter the date the team leader was told" in no_date.text
    rep = _debrief(client, w["ia"], attendees=["governor", "representative"])
    assert "Enter who represented" in rep.text
    bad_score = _debrief(client, w["ia"], judgement_safety="5")
    assert "Select the indicative judgement for safety" in bad_score.text
    assert stored_milestones(w["ia"])["debrief"]["status"] != "done_on_time"


def test_pgd_attending_needs_no_notice_and_irp_judges_progress(client):
    w = world()
    from inspections.operations.recommendations import add_recommendations, set_follow_ups
    from inspections.queries import recommendations_of
    from tracker.operations import Actor

    run(add_recommendations(Actor.system("test"), w["ia"], [{"text": "Reduce violence"}, {"text": "More education"}]))
    irp = make_inspection(
        w["a"],
        kind="irp",
        start=date(2025, 12, 1),
        end=date(2025, 12, 3),
        team_leader_id=w["leader"],
        follows=w["ia"],
    )
    recs = run(recommendations_of(w["ia"]))
    from inspections.permissions import inspection_row

    run(set_follow_ups(Actor.system("test"), run(inspection_row(irp)), [recs[0]["id"]]))
    sign_in(client, "leader")
    form = post_form(
        client,
        f"/inspections/{irp}/debrief",
        {"step": "attendance", **date_fields("held_on", date(2025, 12, 3)), "attendees": ["governor", "pgd"]},
    ).text
    assert "Progress on each recommendation followed up" in form
    assert "Reduce violence" in form and "More education" not in form
    assert "Safety" not in form
    missing = post_form(
        client,
        f"/inspections/{irp}/debrief",
        {**date_fields("held_on", date(2025, 12, 3)), "attendees": ["governor", "pgd"], "note_text": NOTE},
    )
    assert "Select the progress made on this recommendation" in missing.text
    ok = post_form(
        client,
        f"/inspections/{irp}/debrief",
        {
            **date_fields("held_on", date(2025, 12, 3)),
            "attendees": ["governor", "pgd"],
            f"progress_{recs[0]['id']}": "reasonable",
            "note_text": NOTE,
        },
    )
    assert ok.status_code == 302
    note_page = client.get(f"/inspections/{irp}/debrief-note").text
    assert "Reasonable progress" in note_page


def test_second_debrief_edit_with_a_stale_version_gets_409(client):
    w = world()
    sign_in(client, "leader")
    _debrief(client, w["ia"])
    form = client.get(f"/inspections/{w['ia']}/debrief").text
    assert 'name="version" value="1"' in form
    first = _debrief(client, w["ia"], version="1", judgement_safety="4")
    assert first.status_code == 302
    second = _debrief(client, w["ia"], version="1", judgement_safety="1")
    assert second.status_code == 409
    assert "Someone else changed this debrief" in second.text and "4 – good" in second.text


def test_every_read_of_the_note_writes_exactly_one_audit_row_with_marking_and_no_store(client):
    w = world()
    sign_in(client, "leader")
    _debrief(client, w["ia"])
    client.cookies.clear()
    sign_in(client, "governor")
    before = len(audit_rows("debrief_note.view"))
    for n in range(1, 4):
        response = client.get(f"/inspections/{w['ia']}/debrief-note")
        assert response.status_code == 200
        assert NOTE in response.text
        assert "OFFICIAL-SENSITIVE" in response.text
        assert response.headers["cache-control"] == "no-store"
        rows = audit_rows("debrief_note.view")
        assert len(rows) == before + n
        assert rows[-1]["actor"] == "governor" and rows[-1]["object_id"] == str(w["ia"])
        assert NOTE not in rows[-1]["detail"]


def test_the_note_never_appears_in_lists_pages_or_the_api(client):
    w = world()
    save_note(w["ia"], NOTE)
    sign_in(client, "hmipmanager")
    for path in (
        "/inspections",
        f"/inspections/{w['ia']}",
        f"/establishments/{w['a']}",
        "/api/v1/inspections",
        f"/api/v1/inspections/{w['ia']}",
        f"/api/v1/inspections/{w['ia']}/timeline",
        "/programme",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "segregation on C wing" not in response.text, path
    assert audit_rows("debrief_note.view") == []


@pytest.mark.parametrize(
    "username, status",
    [
        ("leader", 200),
        ("inspector", 200),
        ("hmipmanager", 200),
        ("scrutiny", 200),
        ("hmppsmanager", 200),
        ("governor", 200),
        ("otherleader", 404),
        ("admin", 403),
    ],
)
def test_who_may_read_the_note(client, username, status):
    """Once the copy to HMPPS HQ is recorded (before it: tests/inspections/test_debrief_note_rules.py)."""
    w = world()
    save_note(w["ia"], NOTE)
    record_fact(w["ia"], "debrief_held", END, today=END)
    record_fact(w["ia"], "debrief_note_sent", END, today=END)
    sign_in(client, username)
    response = client.get(f"/inspections/{w['ia']}/debrief-note")
    assert response.status_code == status
    assert (NOTE in response.text) == (status == 200)
    assert len(audit_rows("debrief_note.view")) == (1 if status == 200 else 0)
    if status != 200:
        assert audit_rows("denied")[-1]["actor"] == username


def test_establishment_user_gets_404_for_another_establishments_note(client):
    w = world()
    save_note(w["ib"], "Elsewhere's secret")
    sign_in(client, "governor")
    response = client.get(f"/inspections/{w['ib']}/debrief-note")
    assert response.status_code == 404
    assert "Elsewhere" not in response.text
    assert audit_rows("denied")[-1]["object_id"] == str(w["ib"])
    assert audit_rows("debrief_note.view") == []


def test_hmpps_manager_of_another_prison_group_gets_404(client):
    w = world()
    from tests.support import make_user
    from tracker.roles import Role

    make_user("pgd", Role.HMPPS_MANAGER, prison_group="London")
    save_note(w["ia"], NOTE)
    sign_in(client, "pgd")
    assert client.get(f"/inspections/{w['ia']}/debrief-note").status_code == 404


def test_note_file_upload_scan_and_download(client):
    w = world()
    sign_in(client, "leader")
    exe = _debrief(client, w["ia"], files={"note_file": ("note.pdf", b"MZ\x90\x00binary", "application/pdf")})
    assert "The selected file must be a PDF, Word document (.docx) or OpenDocument text (.odt)" in exe.text
    virus = _debrief(
        client,
        w["ia"],
        files={
            "note_file": (
                "note.pdf",
                PDF + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
                "application/pdf",
            )
        },
    )
    assert "The selected file contains a virus" in virus.text
    ok = _debrief(client, w["ia"], files={"note_file": ("../../etc/<b>note</b>.pdf", PDF, "application/pdf")})
    assert ok.status_code == 302
    page = client.get(f"/inspections/{w['ia']}/debrief-note").text
    # only the base name is kept ("b>.pdf": "</b>" holds a slash), shown escaped
    assert "<b>" not in page and "b&gt;.pdf" in page and "etc" not in page
    download = client.get(f"/inspections/{w['ia']}/debrief-note/file")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith('attachment; filename="OFFICIAL-SENSITIVE')
    views = audit_rows("debrief_note.view")
    assert len(views) == 2 and views[-1]["detail"] == "file download"
    client.cookies.clear()
    sign_in(client, "admin")
    assert client.get(f"/inspections/{w['ia']}/debrief-note/file").status_code == 403
