"""The action plan's journey over HTTP: answering, spreadsheet import, submit, quality assurance,
clearance, availability (meeting the three-month milestone, MoU ¶37), publication on HMIP's
website (after a check page) and progress."""

from datetime import timedelta
from itertools import pairwise

from actionplans import queries
from actionplans.operations import rows
from tests.actionplans.helpers import (
    FUTURE,
    TODAY,
    fill_plan,
    later,
    plan_row,
    published_inspection,
    run,
    set_status,
    world,
    xlsx_with_rows,
)
from tests.support import audit_rows, date_fields, make_establishment, post_form, sign_in, stored_milestones
from tracker.operations import Actor


def action_form(
    description="Review cell checks", owner="Head of Safety", target=None, status="not_started", **extra
):
    return {
        "description": description,
        "owner": owner,
        **date_fields("target_date", target or later()),
        "status": status,
        **extra,
    }


def upload_xlsx(client, plan_id, content, name="plan.xlsx"):
    from tests.support import csrf_token

    return client.post(
        f"/action-plans/{plan_id}/import",
        data={"_csrf_token": csrf_token(client)},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def test_a_plan_can_only_be_started_once_the_report_is_published(client):
    from tests.support import make_inspection, make_user
    from tracker.roles import Role

    est = make_establishment("HMP Example")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection = make_inspection(est, end=TODAY - timedelta(days=20))
    sign_in(client, "governor")
    page = client.get(f"/inspections/{inspection}/action-plan")
    assert "has not been published" in page.text and "Start the action plan" not in page.text
    refused = post_form(client, f"/inspections/{inspection}/action-plan")
    assert refused.status_code == 200 and "has not been published yet" in refused.text
    assert run(queries.plan_for_inspection(inspection)) is None


def test_starting_shows_the_due_date_from_the_stored_milestone(client):
    from tests.support import make_user
    from tracker.roles import Role

    est = make_establishment("HMP Example")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection, _ = published_inspection(est)
    due = stored_milestones(inspection)["action_plan"]["due"]
    sign_in(client, "governor")
    page = client.get(f"/inspections/{inspection}/action-plan")
    assert f"due <strong>{due.day} {due:%B %Y}</strong>" in page.text
    assert "3 months after publication — MoU ¶37" in page.text or "MoU ¶37" in page.text
    started = post_form(client, f"/inspections/{inspection}/action-plan")
    assert started.status_code == 303
    again = post_form(client, f"/inspections/{inspection}/action-plan")
    assert again.headers["location"] == started.headers["location"]
    assert client.get(f"/inspections/{inspection}/action-plan", follow_redirects=False).status_code == 302
    assert len(audit_rows("actionplan.create")) == 2


def test_answering_in_the_browser_without_javascript(client):
    w = world()
    sign_in(client, "governor")
    plan, rec = w["plan"], w["recs"][0]
    missing = post_form(client, f"/action-plans/{plan}/responses/{rec}", {"response": "partly_agreed"})
    assert missing.status_code == 200 and "Enter which part of the recommendation is agreed" in missing.text
    ok = post_form(
        client,
        f"/action-plans/{plan}/responses/{rec}",
        {"response": "partly_agreed", "agreed_part": "Staff training"},
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"#rec-{rec}")
    bad = post_form(
        client,
        f"/action-plans/{plan}/recommendations/{rec}/actions/new",
        action_form(owner="07700 900123", target=TODAY - timedelta(days=1)),
    )
    assert "Owner must be a role or team" in bad.text
    assert 'value="07700 900123"' in bad.text  # nothing typed is lost
    past = post_form(
        client,
        f"/action-plans/{plan}/recommendations/{rec}/actions/new",
        action_form(target=TODAY - timedelta(days=1)),
    )
    assert "Target date must be in the future" in past.text
    added = post_form(client, f"/action-plans/{plan}/recommendations/{rec}/actions/new", action_form())
    assert added.status_code == 303
    page = client.get(f"/action-plans/{plan}")
    assert "Partly agreed" in page.text and "Agreed part: Staff training" in page.text
    assert "Review cell checks" in page.text and "Head of Safety" in page.text


def test_inline_editing_returns_the_recommendation_block_for_htmx(client):
    w = world()
    sign_in(client, "governor")
    plan, rec = w["plan"], w["recs"][1]
    htmx = {"HX-Request": "true"}
    form = client.get(f"/action-plans/{plan}/responses/{rec}", headers=htmx)
    assert "<html" not in form.text and f'hx-target="#rec-{rec}"' in form.text
    saved = post_form(client, f"/action-plans/{plan}/responses/{rec}", {"response": "agreed"}, headers=htmx)
    assert saved.status_code == 200 and "<html" not in saved.text
    assert "Response saved" in saved.text and "Add an action" in saved.text
    error = post_form(
        client, f"/action-plans/{plan}/recommendations/{rec}/actions/new", {"description": ""}, headers=htmx
    )
    assert (
        error.status_code == 200 and "govuk-error-summary" in error.text and "Enter the action" in error.text
    )


def test_a_second_editor_gets_a_conflict_with_the_current_values(client):
    w = world()
    action = fill_plan(w["plan"], w["recs"])[0]
    sign_in(client, "governor")
    first = post_form(
        client,
        f"/action-plans/{w['plan']}/actions/{action}",
        action_form("First edit", target=FUTURE, version="1"),
    )
    assert first.status_code == 303
    second = post_form(
        client,
        f"/action-plans/{w['plan']}/actions/{action}",
        action_form("Second edit", target=FUTURE, version="1"),
    )
    assert second.status_code == 409
    assert "Someone else changed this action" in second.text and "First edit" in second.text
    assert run(queries.get_action(w["plan"], action))["description"] == "First edit"


def test_spreadsheet_import_saves_nothing_until_every_row_is_right(client):
    w = world()
    sign_in(client, "governor")
    past = (TODAY - timedelta(days=2)).strftime("%d/%m/%Y")
    good_date = later().strftime("%d/%m/%Y")
    rows = [
        ["R1", "", "Agreed", "", "Action one", "Head of Safety", good_date, "Not started"],
        ["R2", "", "Agreed", "", "Action two", "Head of Residence", past, "Not started"],
        ["R3", "", "Not agreed", "Covered elsewhere", "", "", "", ""],
    ]
    refused = upload_xlsx(client, w["plan"], xlsx_with_rows(rows))
    assert refused.status_code == 200
    assert "Row 3: target date must be in the future" in refused.text
    assert "nothing has been saved" in refused.text
    assert run(queries.plan_detail(plan_row(w["plan"]), today=TODAY))["counts"]["total"] == 0
    rows[1][6] = good_date
    accepted = upload_xlsx(client, w["plan"], xlsx_with_rows(rows))
    assert accepted.status_code == 303
    page = client.get(accepted.headers["location"])
    assert "The spreadsheet has been read" in page.text and "Action two" in page.text
    detail = run(queries.plan_detail(plan_row(w["plan"]), today=TODAY))
    assert detail["problems"] == [] and detail["counts"]["total"] == 2
    assert audit_rows("actionplan.import")


def test_an_upload_that_is_not_a_spreadsheet_is_refused_on_import(client):
    from tests.actionplans.helpers import exe_bytes

    w = world()
    sign_in(client, "governor")
    response = upload_xlsx(client, w["plan"], exe_bytes(), name="plan.xlsx")
    assert "must be an Excel spreadsheet (.xlsx) made from the template" in response.text
    assert run(queries.files(w["plan"])) == []


def test_the_whole_workflow_and_the_milestone(client):
    w = world()
    fill_plan(w["plan"], w["recs"])
    sign_in(client, "governor")
    check = client.get(f"/action-plans/{w['plan']}/submit")
    assert "Check your action plan before submitting it" in check.text and "Submit action plan" in check.text
    submitted = post_form(client, f"/action-plans/{w['plan']}/submit")
    assert submitted.status_code == 303
    confirmation = client.get(submitted.headers["location"])
    assert "Action plan submitted" in confirmation.text
    assert "The deadline is met when the plan is available, not when it is submitted" in confirmation.text
    assert stored_milestones(w["inspection"])["action_plan"]["status"] not in ("done_on_time", "done_late")
    # A second submit (double click) changes nothing.
    again = post_form(client, f"/action-plans/{w['plan']}/submit")
    assert again.status_code == 200 and "cannot be submitted now" in again.text
    # Locked while HMPPS has it.
    locked = post_form(
        client,
        f"/action-plans/{w['plan']}/responses/{w['recs'][0]}",
        {"response": "not_agreed", "reason": "x"},
    )
    assert "cannot be changed" in locked.text

    client.cookies.clear()
    sign_in(client, "scrutiny")
    assert "HMP Example" in client.get("/").text
    no_comment = post_form(client, f"/action-plans/{w['plan']}/review", {"decision": "return"})
    assert "Enter your comments for the establishment" in no_comment.text
    returned = post_form(
        client, f"/action-plans/{w['plan']}/review", {"decision": "return", "comment": "Make R1 specific"}
    )
    assert returned.status_code == 303
    assert plan_row(w["plan"])["status"] == "returned"

    client.cookies.clear()
    sign_in(client, "governor")
    page = client.get(f"/action-plans/{w['plan']}")
    assert "Make R1 specific" in page.text
    post_form(client, f"/action-plans/{w['plan']}/submit")
    events = [e["kind"] for e in run(queries.events(w["plan"]))]
    assert events.count("submitted") == 2
    from inspections.tables import InspectionEvent

    facts = run(InspectionEvent.select().where(InspectionEvent.kind == "action_plan_received"))
    assert len(facts) == 1  # only the first submission is the fact

    client.cookies.clear()
    sign_in(client, "scrutiny")
    assert post_form(client, f"/action-plans/{w['plan']}/review", {"decision": "accept"}).status_code == 303
    client.cookies.clear()
    sign_in(client, "hmppsmanager")
    assert "HMP Example" in client.get("/").text
    assert post_form(client, f"/action-plans/{w['plan']}/clear").status_code == 303
    assert "HMP Example" not in client.get("/").text  # nothing left for the Executive Director
    assert stored_milestones(w["inspection"])["action_plan"]["status"] not in ("done_on_time", "done_late")

    client.cookies.clear()
    sign_in(client, "scrutiny")
    assert f"/action-plans/{w['plan']}/available" in client.get("/").text
    available = post_form(client, f"/action-plans/{w['plan']}/available")
    assert available.status_code == 303
    assert "It was available on time" in client.get(available.headers["location"]).text
    assert stored_milestones(w["inspection"])["action_plan"]["status"] == "done_on_time"

    client.cookies.clear()
    sign_in(client, "hmipmanager")
    assert f"/action-plans/{w['plan']}/publish" in client.get("/").text
    bad_url = post_form(
        client,
        f"/action-plans/{w['plan']}/publish",
        {"url": "javascript:alert(1)", **date_fields("published_on", TODAY)},
    )
    assert "Enter a link that starts with https://" in bad_url.text
    answers = {"url": "https://hmiprisons.justice.gov.uk/example-action-plan", **date_fields("published_on", TODAY)}
    check = post_form(client, f"/action-plans/{w['plan']}/publish", answers)
    assert check.status_code == 200 and "Check the action plan's publication before recording it" in check.text
    assert plan_row(w["plan"])["status"] == "available"  # nothing recorded yet
    published = post_form(client, f"/action-plans/{w['plan']}/publish/confirm", answers)
    assert published.status_code == 303
    assert "Action plan published on HMIP&#39;s website" in client.get(published.headers["location"]).text
    page = client.get(f"/action-plans/{w['plan']}")
    assert 'href="https://hmiprisons.justice.gov.uk/example-action-plan"' in page.text
    assert "Clear the action plan" not in page.text and "Record publication" not in page.text
    for label in ("Submitted by the establishment", "Quality-assured by the Scrutiny Team",
                  "Cleared by the Executive Director", "Available", "Published on HMIP&#39;s website"):
        assert label in page.text, label
    assert "Not yet" not in page.text
    for action in (
        "actionplan.submit",
        "actionplan.returned",
        "actionplan.accepted",
        "actionplan.cleared",
        "actionplan.available",
        "actionplan.published",
    ):
        assert audit_rows(action), action
    # The inspection's timeline shows each stage with who recorded it.
    timeline = client.get(f"/inspections/{w['inspection']}").text
    for label in (
        "Action plan submitted by the establishment",
        "Action plan quality-assured by the Scrutiny Team",
        "Action plan cleared by the Executive Director",
        "Action plan in place and available",
        "Action plan published on HMIP&#39;s website",
    ):
        assert label in timeline, label


def test_a_late_plan_shows_late_by_working_days(client):
    w = world()
    # Published four months ago: the plan is overdue before it is submitted, late after.
    from inspections.tables import InspectionEvent

    run(InspectionEvent.delete().where(InspectionEvent.inspection == w["inspection"]))
    from inspections.tables import Inspection
    from tests.support import publish_report

    end = run(Inspection.select(Inspection.end_date).where(Inspection.id == w["inspection"]).first())["end_date"]
    publish_report(w["inspection"], end, TODAY - timedelta(days=125), today=TODAY)
    assert stored_milestones(w["inspection"])["action_plan"]["status"] == "overdue"
    fill_plan(w["plan"], w["recs"])
    sign_in(client, "governor")
    post_form(client, f"/action-plans/{w['plan']}/submit")
    assert stored_milestones(w["inspection"])["action_plan"]["status"] == "overdue"  # submitted only
    from actionplans.operations import workflow

    system = Actor.system("test")
    run(workflow.review(system, w["plan"], "accept", "", today=TODAY))
    run(workflow.clear(system, w["plan"], today=TODAY))
    client.cookies.clear()
    sign_in(client, "scrutiny")
    available = post_form(client, f"/action-plans/{w['plan']}/available")
    text = client.get(available.headers["location"]).text
    milestone = stored_milestones(w["inspection"])["action_plan"]
    assert milestone["status"] == "done_late" and milestone["working_days"] > 0
    assert f"available {milestone['working_days']} working days after it was due" in text
    page = client.get(f"/action-plans/{w['plan']}").text
    assert f"It was available <strong class=\"app-overdue\">{milestone['working_days']} working days late" in page


def test_progress_after_publication_with_history_and_overdue_actions(client):
    w = world()
    actions = fill_plan(w["plan"], w["recs"])
    set_status(w["plan"], "published")
    sign_in(client, "governor")
    url = f"/action-plans/{w['plan']}/actions/{actions[0]}/progress"
    future = post_form(
        client,
        url,
        {**date_fields("occurred_on", TODAY + timedelta(days=3)), "status": "in_progress", "note": "x"},
    )
    assert "must be today or in the past" in future.text
    done = post_form(
        client,
        url,
        {**date_fields("occurred_on", TODAY), "status": "in_progress", "note": "Checks started on A wing"},
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Progress recorded" in page.text and "Checks started on A wing" in page.text
    assert run(queries.get_action(w["plan"], actions[0]))["status"] == "in_progress"
    # An action past its target date and not complete is overdue, and queryable.
    from actionplans.tables import PlanAction

    run(
        PlanAction.update({PlanAction.target_date: TODAY - timedelta(days=10)}).where(
            PlanAction.id == actions[1]
        )
    )
    overdue = run(queries.overdue_actions([w["example"]], TODAY))
    assert [a["id"] for a in overdue] == [actions[1]] and overdue[0]["days_overdue"] == 10
    assert run(queries.overdue_actions([w["other"]], TODAY)) == []
    assert len(run(queries.overdue_actions(None, TODAY))) == 1
    assert run(queries.overdue_actions([], TODAY)) == []
    plan_page = client.get(f"/action-plans/{w['plan']}")
    assert "1 overdue" in plan_page.text and "Overdue" in plan_page.text
    assert "action past its target date" in client.get("/").text


def test_extra_form_fields_cannot_move_a_plan(client):
    w = world()
    sign_in(client, "governor")
    post_form(
        client,
        f"/action-plans/{w['plan']}/recommendations/{w['recs'][0]}/actions/new",
        action_form(establishment=str(w["other"]), plan=str(w["other_plan"]), status="not_started"),
    )
    assert plan_row(w["plan"])["establishment"] == w["example"]
    assert run(queries.plan_detail(plan_row(w["other_plan"]), today=TODAY))["counts"]["total"] == 0


def test_hostile_text_is_escaped(client):
    w = world()
    sign_in(client, "governor")
    post_form(
        client,
        f"/action-plans/{w['plan']}/recommendations/{w['recs'][0]}/actions/new",
        action_form(description="<script>alert(1)</script>"),
    )
    page = client.get(f"/action-plans/{w['plan']}")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text


def test_the_previous_plan_shows_on_the_next_inspection(client, run):
    from actionplans.panels import establishment_section, inspection_section
    from tests.support import make_inspection
    from tracker.sessions import load_principal
    from tracker.users import user_id_for

    w = world()
    fill_plan(w["plan"], w["recs"])
    set_status(w["plan"], "published")
    from inspections.tables import Inspection, InspectionTeamMember

    new = make_inspection(w["example"], end=TODAY - timedelta(days=1))
    from tests.support import make_user
    from tracker.roles import Role

    newbie = make_user("newbie", Role.HMIP_INSPECTOR)
    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=new, user=newbie)))
    row = run(Inspection.select().where(Inspection.id == new).first())
    principal = run(load_principal(run(user_id_for("newbie"))))
    section = run(inspection_section(None, principal, row))
    data = section["actionplan_section"]
    assert data["previous"]["plan"]["id"] == w["plan"] and data["previous"]["counts"]["total"] == 3
    # The new team may read the previous plan (the current version sought at the inspection, ¶38).
    sign_in(client, "newbie")
    assert client.get(f"/action-plans/{w['plan']}").status_code == 200
    # The section renders.
    from tracker.templating import build_environment

    html = build_environment().get_template(section["template"]).render(section=section)
    assert "Current action plan from the previous inspection (MoU ¶38)" in html
    establishment = {"id": w["example"]}
    assert (
        run(establishment_section(None, principal, establishment))["actionplan_section"]["plan"]["id"]
        == w["plan"]
    )
    outsider = run(load_principal(run(user_id_for("otherguv"))))
    assert run(inspection_section(None, outsider, row)) is None


def test_the_home_panels(client):
    w = world()
    sign_in(client, "governor")
    home = client.get("/").text
    published = TODAY - timedelta(days=30)
    due = stored_milestones(w["inspection"])["action_plan"]["due"]
    assert (
        f"the report was published {published.day} {published:%B %Y}, the action plan is due {due.day} {due:%B %Y}"
        in home
    )
    assert "HMP Other" not in home
    client.cookies.clear()
    sign_in(client, "scrutiny")
    assert "No action plans are waiting for quality assurance" in client.get("/").text


def test_an_unknown_plan_is_not_found(client):
    world()
    sign_in(client, "scrutiny")
    assert client.get("/action-plans/99999").status_code == 404
    assert client.get("/inspections/99999/action-plan").status_code == 404


def test_a_response_changed_by_someone_else_meanwhile_is_not_overwritten_unseen(client):
    import re

    from tests.support import make_user
    from tracker.roles import Role

    w = world()
    deputy = make_user("deputy", Role.ESTABLISHMENT, establishment_ids=[w["example"]])
    sign_in(client, "governor")
    plan, rec = w["plan"], w["recs"][0]
    url = f"/action-plans/{plan}/responses/{rec}"
    opened = client.get(url).text
    seen = re.search(r'name="version" value="(\d+)"', opened).group(1)
    assert seen == "0"  # nobody has answered yet
    deputy_actor = Actor.system("test", for_user=deputy)
    run(rows.save_response(deputy_actor, plan, rec, "agreed", "", ""))  # the deputy, meanwhile

    mine = {"response": "not_agreed", "reason": "No budget this year", "version": seen}
    clash = post_form(client, url, mine)
    assert clash.status_code == 200
    assert "govuk-error-summary" in clash.text
    assert "Someone else changed this response while you were editing it: it now says agreed" in clash.text
    assert "No budget this year" in clash.text  # nothing typed is lost
    assert _response_of(plan, rec) == "agreed"  # theirs stands until this person saves again
    again = re.search(r'name="version" value="(\d+)"', clash.text).group(1)
    assert again == "1"

    saved = post_form(client, url, mine | {"version": again})
    assert saved.status_code == 303
    assert _response_of(plan, rec) == "not_agreed"


def _response_of(plan_id: int, recommendation_id: int) -> str:
    from actionplans.tables import PlanResponse

    row = run(
        PlanResponse.select(PlanResponse.response)
        .where(PlanResponse.plan == plan_id, PlanResponse.recommendation == recommendation_id)
        .first()
    )
    return row["response"]


def test_the_publication_shows_every_error_at_once_and_can_be_changed_from_the_check_page(client):
    from actionplans.operations import workflow

    w = world()
    fill_plan(w["plan"], w["recs"])
    system = Actor.system("test")
    run(workflow.submit(system, w["plan"], today=TODAY))
    run(workflow.review(system, w["plan"], "accept", "", today=TODAY))
    run(workflow.clear(system, w["plan"], today=TODAY))
    run(workflow.make_available(system, w["plan"], today=TODAY))
    sign_in(client, "leader")  # the inspection's team leader records it for HMIP
    both = post_form(client, f"/action-plans/{w['plan']}/publish", {"url": "", **date_fields("published_on", later())})
    assert "Enter the link to the published action plan" in both.text
    assert "The date it was published must be today or in the past" in both.text
    answers = {"url": "https://hmiprisons.justice.gov.uk/plan", **date_fields("published_on", TODAY)}
    check = post_form(client, f"/action-plans/{w['plan']}/publish", answers)
    assert "https://hmiprisons.justice.gov.uk/plan" in check.text
    assert f"{TODAY.day} {TODAY:%B %Y}" in check.text
    import re

    change = re.search(r'href="(/action-plans/\d+/publish\?[^"]+)"', check.text).group(1).replace("&amp;", "&")
    form = client.get(change).text
    assert 'value="https://hmiprisons.justice.gov.uk/plan"' in form
    assert plan_row(w["plan"])["status"] == "available"
    assert post_form(client, f"/action-plans/{w['plan']}/publish/confirm", answers).status_code == 303
    assert plan_row(w["plan"])["status"] == "published"


def test_removing_an_action_asks_first_and_says_it_is_done(client):
    w = world()
    actions = fill_plan(w["plan"], w["recs"])
    sign_in(client, "governor")
    page = client.get(f"/action-plans/{w['plan']}").text
    remove = f"/action-plans/{w['plan']}/actions/{actions[0]}/delete"
    assert f'href="{remove}"' in page
    ask = client.get(remove)
    assert "Are you sure you want to remove this action?" in ask.text and "Action 1 to fix it" in ask.text
    assert run(queries.get_action(w["plan"], actions[0])) is not None  # asking removes nothing
    removed = post_form(client, remove)
    assert removed.status_code == 303
    assert "Action removed" in client.get(removed.headers["location"]).text
    assert run(queries.get_action(w["plan"], actions[0])) is None
    set_status(w["plan"], "published")
    assert f"/actions/{actions[1]}/delete" not in client.get(f"/action-plans/{w['plan']}").text


def test_the_governors_home_names_each_inspection_that_needs_a_plan_once(client):
    """Two reports of one prison: one line each, named by the inspection; a plan already
    available is not asked for again."""
    from actionplans.operations import workflow
    from tests.support import make_inspection, publish_report

    w = world()
    newer = make_inspection(w["example"], end=TODAY - timedelta(days=60), title="")
    publish_report(newer, TODAY - timedelta(days=60), TODAY - timedelta(days=5), today=TODAY)
    sign_in(client, "governor")
    home = client.get("/").text
    assert home.count(">Start the action plan<") == 1 and home.count(">Go to the action plan<") == 1
    first_end = run(queries.get_inspection(w["inspection"]))["end_date"]
    for end in (first_end, TODAY - timedelta(days=60)):
        assert f"HMP Example, full inspection ending {end.day} {end:%B %Y}" in home
    fill_plan(w["plan"], w["recs"])
    system = Actor.system("test")
    run(workflow.submit(system, w["plan"], today=TODAY))
    run(workflow.review(system, w["plan"], "accept", "", today=TODAY))
    run(workflow.clear(system, w["plan"], today=TODAY))
    run(workflow.make_available(system, w["plan"], today=TODAY))
    home = client.get("/").text
    assert f"full inspection ending {first_end.day} {first_end:%B %Y}" not in home
    assert home.count(">Start the action plan<") == 1


def _heading_levels(html: str) -> list[int]:
    import re

    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    return [int(level) for level in re.findall(r"<h([1-6])\b", main)]


def test_the_check_pages_headings_go_down_one_level_at_a_time(client):
    """axe's heading-order: under the page's h1 the plan opens an h2 before its h3s."""
    w = world()
    fill_plan(w["plan"], w["recs"])
    sign_in(client, "governor")
    levels = _heading_levels(client.get(f"/action-plans/{w['plan']}/submit").text)
    assert levels[0] == 1 and 3 in levels
    assert all(below - above <= 1 for above, below in pairwise(levels)), levels
