"""Issue 16's rough edges in the fact check, walked as each role: the return names the indicative
date, finished stages offer no actions, points and proposals can be edited and withdrawn before
the return, a drop is confirmed and can be undone, shown numbers run 1, 2, 3, taking a proposal
in says so, and the wording follows GOV.UK."""

from datetime import timedelta

from tests.factcheck.helpers import add_point, by, record_draft, submit_return, working_days_ago
from tests.support import (
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    record_fact,
    sign_in,
)
from tracker.roles import Role
from tracker.templating import govuk_date


def _world(client, username: str, *, shared: bool = True) -> dict:
    from factcheck.operations.draft import share_draft

    est = make_establishment("HMP Example")
    w = {
        "leader": make_user("leader", Role.HMIP_TEAM_LEADER),
        "scrutiny": make_user("scrutiny", Role.HMPPS_SCRUTINY),
        "governor": make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est]),
    }
    w["i"] = make_inspection(est, kind="full", end=working_days_ago(40), team_leader_id=w["leader"])
    sent = working_days_ago(5)
    w["indicative"] = sent + timedelta(weeks=7, days=2)
    while w["indicative"].weekday() >= 5:
        w["indicative"] += timedelta(days=1)
    record_draft(w["i"], sent, w["leader"], indicative=w["indicative"])
    if shared:
        from tests.support import run

        run(share_draft(by(w["scrutiny"]), w["i"]))
    sign_in(client, username)
    return w


def test_the_return_asks_about_the_stored_indicative_date_by_name(client):
    w = _world(client, "scrutiny")
    question = f"Is HMPPS content to publish on {govuk_date(w['indicative'])}?"
    assert question in client.get(f"/inspections/{w['i']}/factcheck/details").text
    post_form(
        client,
        f"/inspections/{w['i']}/factcheck/details",
        date_fields("returned", working_days_ago(1)) | {"content": "yes"},
    )
    assert (
        f"Content to publish on {govuk_date(w['indicative'])}"
        in client.get(f"/inspections/{w['i']}/factcheck/check").text
    )


def test_a_submitted_return_offers_no_change_links_or_submit(client):
    w = _world(client, "scrutiny")
    submit_return(w["i"], w["scrutiny"], working_days_ago(1))
    check = client.get(f"/inspections/{w['i']}/factcheck/check").text
    assert ">Change<" not in check and "Submit the return" not in check
    assert "The return was submitted on" in check
    details = client.get(f"/inspections/{w['i']}/factcheck/details", follow_redirects=False)
    assert details.status_code == 303


def test_after_publication_the_draft_and_data_are_not_offered(client):
    w = _world(client, "leader")
    before = client.get(f"/inspections/{w['i']}/factcheck").text
    assert "Upload the draft report" in before and "Add a data item" in before
    record_fact(w["i"], "factcheck_returned", working_days_ago(3))
    record_fact(w["i"], "hmip_response_sent", working_days_ago(2))
    record_fact(w["i"], "published", working_days_ago(1))
    after = client.get(f"/inspections/{w['i']}/factcheck").text
    assert "Upload the draft report" not in after and "Add a data item" not in after


def test_the_scrutiny_team_edits_a_point_before_the_return(client, run):
    from factcheck import queries

    w = _world(client, "scrutiny")
    point = add_point(w["i"], w["scrutiny"])
    url = f"/inspections/{w['i']}/factcheck/points/{point['id']}/edit"
    assert f'href="{url}"' in client.get(f"/inspections/{w['i']}/factcheck/points").text
    form = client.get(url).text
    assert "It was 41, not 14" in form
    fields = {"location": "3.14", "category": "names_titles", "proposed_correction": "Ms Smith, not Mrs"}
    bad = post_form(client, url, fields | {"location": "", "version": str(point["version"])})
    assert "Enter the location" in bad.text
    ok = post_form(client, url, fields | {"version": str(point["version"])})
    assert ok.status_code == 303
    stored = run(queries.point_row(w["i"], point["id"]))
    assert stored["location"] == "3.14" and stored["proposed_correction"] == "Ms Smith, not Mrs"
    page = client.get(ok.headers["location"]).text
    assert "Point 1 changed" in page
    stale = post_form(client, url, fields | {"version": str(point["version"])})
    assert stale.status_code == 409
    submit_return(w["i"], w["scrutiny"], working_days_ago(1))
    assert f'href="{url}"' not in client.get(f"/inspections/{w['i']}/factcheck/points").text
    late = post_form(client, url, fields | {"version": str(stored["version"])})
    assert "The fact check has already been returned" in late.text


def test_the_establishment_edits_and_withdraws_its_own_proposal(client, run):
    from factcheck import queries

    w = _world(client, "governor")
    proposal = add_point(w["i"], w["governor"], proposal=True)
    points_page = client.get(f"/inspections/{w['i']}/factcheck/points").text
    edit = f"/inspections/{w['i']}/factcheck/points/{proposal['id']}/edit"
    assert f'href="{edit}"' in points_page and "Withdraw" in points_page
    fields = {"location": "Page 5", "category": "data", "proposed_correction": "It was 42"}
    assert post_form(client, edit, fields | {"version": str(proposal["version"])}).status_code == 303
    assert run(queries.point_row(w["i"], proposal["id"]))["location"] == "Page 5"
    state = f"/inspections/{w['i']}/factcheck/points/{proposal['id']}/state"
    assert post_form(client, state, {"action": "withdraw"}).status_code == 303
    assert run(queries.point_row(w["i"], proposal["id"]))["state"] == "withdrawn"
    assert "Withdrawn" in client.get(f"/inspections/{w['i']}/factcheck").text
    # the Scrutiny Team no longer has it waiting
    client.cookies.clear()
    sign_in(client, "scrutiny")
    assert "waiting for a decision" not in client.get(f"/inspections/{w['i']}/factcheck/points").text


def test_an_establishment_cannot_edit_the_scrutiny_teams_point(client):
    w = _world(client, "governor")
    point = add_point(w["i"], w["scrutiny"])
    url = f"/inspections/{w['i']}/factcheck/points/{point['id']}/edit"
    assert client.get(url).status_code == 404


def test_dropping_a_proposal_is_confirmed_and_can_be_undone(client, run):
    from factcheck import queries

    w = _world(client, "scrutiny")
    proposal = add_point(w["i"], w["governor"], proposal=True)
    page = client.get(f"/inspections/{w['i']}/factcheck/points").text
    confirm = f"/inspections/{w['i']}/factcheck/points/{proposal['id']}/drop"
    assert f'href="{confirm}"' in page
    question = client.get(confirm).text
    assert "Are you sure you want to drop proposal 1?" in question
    assert run(queries.point_row(w["i"], proposal["id"]))["state"] == "proposed"
    dropped = post_form(
        client, f"/inspections/{w['i']}/factcheck/points/{proposal['id']}/state", {"action": "drop"}
    )
    assert dropped.status_code == 303
    after = client.get(dropped.headers["location"]).text
    assert "Proposal dropped" in after and "Undo" in after
    undo = post_form(
        client, f"/inspections/{w['i']}/factcheck/points/{proposal['id']}/state", {"action": "restore"}
    )
    assert undo.status_code == 303
    assert run(queries.point_row(w["i"], proposal["id"]))["state"] == "proposed"


def test_taking_a_proposal_in_says_so_and_shown_numbers_run_on(client, run):
    w = _world(client, "scrutiny")
    first = add_point(w["i"], w["scrutiny"], location="1.1")
    add_point(w["i"], w["scrutiny"], location="1.2")
    dropped = add_point(w["i"], w["governor"], proposal=True, location="Page 3")
    taken = add_point(w["i"], w["governor"], proposal=True, location="Page 4")
    from factcheck.operations import points

    run(points.set_point_state(by(w["scrutiny"]), w["i"], dropped["id"], "drop"))
    state = f"/inspections/{w['i']}/factcheck/points/{taken['id']}/state"
    done = post_form(client, state, {"action": "include"})
    page = client.get(done.headers["location"]).text
    assert "Proposal taken into the return as point 3" in page
    run(points.set_point_state(by(w["scrutiny"]), w["i"], first["id"], "remove"))
    page = client.get(f"/inspections/{w['i']}/factcheck/points").text
    assert 'id="point-1"' in page and 'id="point-2"' in page
    assert 'id="point-3"' not in page and 'id="point-4"' not in page


def test_radios_say_select(client):
    w = _world(client, "scrutiny")
    page = post_form(client, f"/inspections/{w['i']}/factcheck/points", {"location": "1.1"})
    assert "Select a category" in page.text and "Enter a category" not in page.text


def test_the_governor_is_not_asked_to_read_a_draft_with_no_file(client, run):
    from factcheck.operations.draft import store_draft_file
    from tests.factcheck.helpers import PDF

    w = _world(client, "governor")
    page = client.get(f"/inspections/{w['i']}").text
    assert "Its file has not been uploaded yet" in page and "Read the draft" not in page
    assert "Propose corrections" in page
    run(store_draft_file(by(w["leader"]), w["i"], "d.pdf", "application/pdf", PDF, scan_status="clean"))
    assert "Read the draft and propose corrections" in client.get(f"/inspections/{w['i']}").text
    submit_return(w["i"], w["scrutiny"], working_days_ago(1))
    after = client.get(f"/inspections/{w['i']}").text
    assert "Read the draft report" in after and "propose corrections" not in after
