"""Issue 16, the audit log's subjects beyond inspections and users: action plans, their actions
and files, accuracy points, unpublished data items, photographs and the draft's file are named
in words ("Photograph 'Cell on A wing' for HMP Example, inspection March 2026"), linked for a
reader who may open them, and found by searching for the establishment."""

from __future__ import annotations

import pytest

from tests.actionplans.helpers import fill_plan, world
from tests.factcheck.helpers import (
    PDF,
    add_data_item,
    add_photo,
    add_point,
    by,
    record_draft,
    working_days_ago,
)
from tests.support import make_inspection, make_user, run, sign_in
from tracker.roles import Role


def _user(username: str) -> int:
    from tracker.users import user_id_for

    return run(user_id_for(username))


def _add_plan_file(plan_id: int, name: str) -> int:
    """A stored version of the plan's document, audited as its upload is."""
    from actionplans.tables import PlanFile
    from tracker import audit
    from tracker.clock import now_utc

    row = PlanFile(
        plan=plan_id,
        original_name=name,
        file_type="pdf",
        size=3,
        sha256="0" * 64,
        scan_status="clean",
        uploaded_at=now_utc(),
    )
    run(row.save())
    run(
        audit.record("actionplan.file.upload", actor="test", object_type="action_plan_file", object_id=row.id)
    )
    return row.id


def _when(inspection_id: int) -> str:
    from inspections.tables import Inspection

    start = run(Inspection.select(Inspection.start_date).where(Inspection.id == inspection_id).first())
    return f"{start['start_date']:%B %Y}"


@pytest.fixture
def log(client):
    """HMP Example's published report has an action plan with an action per recommendation and a
    file; a later inspection of HMP Example is in its fact check with a point, a proposal, a data
    item, a photograph and the draft's file. HMP Other has an action plan too."""
    from factcheck.operations.draft import store_draft_file

    places = world(recs=1)
    fill_plan(places["plan"], places["recs"], by=places["governor"])
    leader, scrutiny = _user("leader"), _user("scrutiny")
    checked = make_inspection(places["example"], end=working_days_ago(40), team_leader_id=leader)
    record_draft(checked, working_days_ago(3), leader)
    run(store_draft_file(by(leader), checked, "draft.pdf", "application/pdf", PDF, scan_status="clean"))
    add_point(checked, scrutiny)
    add_point(checked, scrutiny, proposal=True, location="Page 4")
    item = add_data_item(checked, leader)
    photo = add_photo(checked, leader)
    make_user("ada", [Role.ADMIN, Role.HMIP_MANAGER])
    sign_in(client, "ada")
    return places | {
        "checked": checked,
        "item": item["id"],
        "photo": photo["id"],
        "file": _add_plan_file(places["plan"], "Our plan.pdf"),
        "plan_when": _when(places["inspection"]),
        "check_when": _when(checked),
    }


def table(page: str) -> str:
    from html import unescape

    return unescape(page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0])


def rows_for(client, query: str) -> str:
    return table(client.get(f"/admin/audit?{query}").text)


def test_action_plans_their_actions_and_files_are_named_and_linked(client, log):
    plan, when = log["plan"], log["plan_when"]
    named = f"the action plan for HMP Example, inspection {when}"
    created = rows_for(client, "action=started+the+action+plan")
    assert f'href="/action-plans/{plan}">Action plan for HMP Example, inspection {when}</a>' in created
    actions = rows_for(client, "action=added+an+action")
    assert f'href="/action-plans/{plan}#rec-{log["recs"][0]}">Action for R1 in {named}</a>' in actions
    files = rows_for(client, "action=uploaded+a+file+to")
    assert f"href=\"/action-plans/{plan}/files\">File 'Our plan.pdf' (version 1) of {named}</a>" in files
    for rows in (created, actions, files):
        assert (
            ">action plan " not in rows and ">plan action " not in rows and ">action plan file " not in rows
        )


def test_the_fact_checks_points_data_photographs_and_draft_are_named_and_linked(client, log):
    page = f"/inspections/{log['checked']}/factcheck"
    of = f"HMP Example, inspection {log['check_when']}"
    points = rows_for(client, "action=added+an+accuracy+point")
    assert f'href="{page}#points">Accuracy point 1 in the return for {of}</a>' in points
    assert f'href="{page}#points">Proposal 1 from the establishment for {of}</a>' in points
    data = rows_for(client, "action=added+an+unpublished+data+item")
    assert (
        f"href=\"{page}#data\">Unpublished data 'Use of force incidents, last 12 months' for {of}</a>" in data
    )
    photos = rows_for(client, "action=added+a+photograph")
    assert f"href=\"{page}#photographs\">Photograph 'Cell on A wing' for {of}</a>" in photos
    draft = rows_for(client, "action=uploaded+the+draft+report")
    assert f"href=\"{page}#draft\">Draft report 'draft.pdf' for {of}</a>" in draft


def test_a_reader_who_may_not_open_them_sees_neutral_names_without_links(client, log):
    """What a fact check or a plan holds (a caption, a description, a file's name) is named only
    to a reader who may open it; another reads which row it was, of which inspection."""
    client.cookies.clear()
    sign_in(client, "admin")  # an administrator and nothing else: opens no plan or fact check
    rows = table(client.get("/admin/audit").text)
    of = f"HMP Example, inspection {log['check_when']}"
    assert f"Action plan for HMP Example, inspection {log['plan_when']}" in rows
    assert f"Photograph {log['photo']} for {of}" in rows
    assert f"Unpublished data item {log['item']} for {of}" in rows
    assert f"File (version 1) of the action plan for HMP Example, inspection {log['plan_when']}" in rows
    assert f"Draft report file for {of}" in rows
    for held in ("Cell on A wing", "Use of force", "Our plan.pdf", "draft.pdf"):
        assert held not in rows, held
    assert 'href="/action-plans/' not in rows and "/factcheck" not in rows


def test_searching_for_what_a_fact_check_holds_finds_nothing(client, log):
    """The search matches the establishment's and the inspection's names, not captions or
    descriptions, so nobody can find out what a fact check holds by searching for it."""
    for words in ("Cell+on+A+wing", "Use+of+force", "Our+plan"):
        assert "0 entries" in client.get(f"/admin/audit?subject={words}").text, words


def test_searching_for_the_establishment_finds_rows_about_its_plans_and_fact_check(client, log):
    rows = rows_for(client, "subject=HMP+Example")
    for name in (
        "Action plan for HMP Example",
        "Action for R1 in the action plan for HMP Example",
        "File 'Our plan.pdf'",
        "Accuracy point 1 in the return for HMP Example",
        "Photograph 'Cell on A wing'",
        "Unpublished data 'Use of force",
        "Draft report 'draft.pdf'",
    ):
        assert name in rows, name
    assert "HMP Other" not in rows
    assert "Action plan for HMP Other" in rows_for(client, "subject=HMP+Other")
    assert "HMP Example" not in rows_for(client, "subject=HMP+Other")


def test_the_csv_export_names_them_too(client, log):
    import csv
    import io

    response = client.get("/admin/audit.csv?subject=HMP+Example")
    about = {row["About"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert f"Photograph 'Cell on A wing' for HMP Example, inspection {log['check_when']}" in about


def test_pages_feeds_and_the_debrief_note_are_said_in_words(client, log):
    from tracker import audit

    denied = {"action": "denied", "actor": "test", "outcome": "denied"}
    run(audit.record(**denied, object_type="route", object_id="/admin/users"))
    run(audit.record(**denied, object_type="debrief_note", object_id=log["inspection"]))
    run(audit.record("feed.create", actor="test", object_type="calendar_feed", object_id=_user("leader")))
    rows = table(client.get("/admin/audit").text)
    assert "Page /admin/users" in rows and ">route " not in rows
    note = f"Debrief note of the inspection of HMP Example, {log['plan_when']}"
    assert f'href="/inspections/{log["inspection"]}">{note}</a>' in rows
    assert "Calendar feed of Leader (leader)" in rows


def test_a_team_leader_who_administers_gets_links_only_for_their_teams_inspections(client, log):
    from inspections.tables import InspectionTeamMember

    on_team = make_user("tom", [Role.ADMIN, Role.HMIP_TEAM_LEADER])
    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=log["checked"], user=on_team)))
    make_user("tim", [Role.ADMIN, Role.HMIP_TEAM_LEADER])  # on no team at HMP Example
    photo = f'href="/inspections/{log["checked"]}/factcheck#photographs">Photograph'
    plan = f'href="/action-plans/{log["plan"]}">Action plan for HMP Example'  # a later team reads it
    for username, linked in (("tom", True), ("tim", False)):
        client.cookies.clear()
        sign_in(client, username)
        rows = table(client.get("/admin/audit").text)
        assert (photo in rows, plan in rows) == (linked, linked), username
        assert ("Photograph 'Cell on A wing' for HMP Example" in rows) == linked, username
        assert (f"Photograph {log['photo']} for HMP Example" in rows) == (not linked), username


def test_a_row_no_longer_held_is_said_to_be_not_found(client, log):
    from factcheck.operations.points import set_point_state

    point = add_point(log["checked"], _user("scrutiny"), location="Page 9")
    run(set_point_state(by(_user("scrutiny")), log["checked"], point["id"], "remove"))
    rows = rows_for(client, "action=removed+an+accuracy+point")
    assert f"Accuracy point {point['id']} (not found)" in rows
