"""My work (who owns what), the home panel, the overdue dashboard, its filters and exports."""

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook

from tests.support import audit_rows, date_fields, make_inspection, post_form, sign_in
from tests.timelines_web.helpers import build_world


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in body.split("</tr>")
        if "<td" in row
    ]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_person_sees_what_they_own(client, today):
    build_world()
    expectations = {
        "sam": ("HMP Example", "Fact check returned to HMIP"),
        "govleeds": ("HMP Leeds", "Action plan in place and available"),
        "pat": ("HMP Pentonville", "Secretary of State's public response"),
    }
    for username, (place, stage) in expectations.items():
        client.cookies.clear()
        sign_in(client, username)
        rows = _rows(client.get("/my-work?within=all").text.replace("&#39;", "'"))
        assert len(rows) == 1 and place in rows[0] and stage in rows[0], (username, rows)


def test_team_leader_and_team_own_their_inspection_and_managers_all_hmip(client, today):
    world = build_world()
    sign_in(client, "inspector")
    text = client.get("/my-work?within=all").text
    assert "HMP Example" in text and "HMP Pentonville" not in text
    client.cookies.clear()
    sign_in(client, "boss")
    text = client.get("/my-work?within=all").text
    assert "HMP Pentonville" in text and "HMP Example" in text
    assert "Letter and debrief summary published" in text
    assert f"/inspections/{world.inspection_pentonville}" in text


def test_overdue_first_and_quick_picks(client, today):
    build_world()
    sign_in(client, "boss")
    rows = _rows(client.get("/my-work?within=all").text)
    assert "Overdue" in rows[0] and "22 working days overdue" in rows[0]
    within_5 = client.get("/my-work").text
    assert "Draft report to the Scrutiny Team" in within_5  # due 1 April: 5 working days
    assert "Report published: overall aim" not in within_5
    today_only = client.get("/my-work?within=0").text
    assert "Draft report to the Scrutiny Team" not in today_only
    assert "Letter and debrief summary published" in today_only
    assert 'aria-current="page"' in today_only


def test_home_panel_summarises_my_work(client, today):
    build_world()
    sign_in(client, "sam")
    home = client.get("/").text
    assert "1 due today" in home
    assert 'href="/my-work"' in home


def test_scrutiny_team_sees_the_due_date_with_its_rule_and_source(client, today):
    build_world()
    sign_in(client, "sam")
    text = client.get("/my-work").text
    assert "Tuesday 25 March 2025" in text
    assert "15 working days after the draft was received — MoU ¶32" in text
    assert "Due today" in text


def test_dashboard_counts_by_stage_side_group_and_establishment(client, today):
    build_world()
    sign_in(client, "boss")
    page = client.get("/dashboard").text
    assert "3 items: overdue" in page
    assert "HMIP: 1" in page and "Establishment: 1" in page and "Secretary of State: 1" in page
    assert "Yorkshire: 1" in page and "London: 2" in page
    assert "govuk-tag--red" in page


def test_dashboard_filter_links_and_the_export_holds_exactly_its_rows(client, today):
    world = build_world()
    sign_in(client, "boss")
    page = client.get("/dashboard?status=overdue&group=London").text
    rows = _rows(page)
    assert len(rows) == 2 and all("HMP Pentonville" in r for r in rows)
    assert "clear filters" in page
    exported = _csv(client.get("/dashboard/export?status=overdue&group=London&format=csv"))
    assert [(r["Establishment"], r["Stage"]) for r in exported] == [
        ("HMP Pentonville", "Letter and debrief summary published"),
        ("HMP Pentonville", "Secretary of State's public response"),
    ]
    assert list(exported[0]) == [
        "Establishment",
        "Prison group",
        "Inspection id",
        "Stage",
        "With",
        "Due",
        "Status",
        "Working days",
        "Rule",
        "Source",
    ]
    workbook = load_workbook(
        io.BytesIO(
            client.get(f"/dashboard/export?status=open&establishment={world.example}&format=xlsx").content
        )
    )
    sheet = workbook.active
    values = [[c.value for c in row] for row in sheet.iter_rows()][1:]  # row 1 is the title
    assert values[0][0] == "Establishment"
    assert {v[0] for v in values[1:]} == {"HMP Example"}
    page = client.get(f"/dashboard?status=open&establishment={world.example}").text
    assert len(_rows(page)) == len(values) - 1
    exports = audit_rows("export", object_type="dashboard")
    assert len(exports) == 2 and "rows=2" in exports[0]["detail"]


def test_dashboard_htmx_request_gets_just_the_results(client, today):
    build_world()
    sign_in(client, "boss")
    response = client.get("/dashboard?status=open&side=scrutiny", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="dashboard"')
    assert "<html" not in response.text
    assert "Fact check returned to HMIP" in response.text
    assert response.headers["vary"] == "HX-Request"


def test_establishment_dashboard_and_export_hold_only_their_establishment(client, today):
    build_world()
    sign_in(client, "govleeds")
    page = client.get("/dashboard?status=open").text
    assert "HMP Leeds" in page
    assert "HMP Example" not in page and "HMP Pentonville" not in page
    exported = _csv(client.get("/dashboard/export?status=open&format=csv"))
    assert exported and {r["Establishment"] for r in exported} == {"HMP Leeds"}
    data = client.get("/api/v1/milestones").json()
    assert {m["establishment_name"] for m in data["milestones"]} == {"HMP Leeds"}


def test_exported_cells_cannot_run_as_formulas(client, today):
    from tests.support import make_establishment

    build_world()
    hostile = make_establishment('=HYPERLINK("http://evil")', prison_group="-2+3")
    make_inspection(hostile, end=date(2025, 1, 24))
    sign_in(client, "boss")
    exported = _csv(client.get("/dashboard/export?status=open&format=csv"))
    hostile_rows = [r for r in exported if "HYPERLINK" in r["Establishment"]]
    assert hostile_rows and all(r["Establishment"].startswith("'=") for r in hostile_rows)
    assert all(r["Prison group"] == "'-2+3" for r in hostile_rows)
    sheet = load_workbook(io.BytesIO(client.get("/dashboard/export?status=open&format=xlsx").content)).active
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_recurring_obligation_marked_done_schedules_the_next(client, today):
    build_world()
    sign_in(client, "boss")
    assert "Concerns database shared" in client.get("/my-work").text
    bad = post_form(
        client,
        "/recurring/done",
        {"key": "concerns_database_share", "done_on-day": "31", "done_on-month": "2", "done_on-year": "2025"},
    )
    assert bad.status_code == 200 and "must be a real date" in bad.text
    ok = post_form(
        client,
        "/recurring/done",
        {"key": "concerns_database_share", **date_fields("done_on", date(2025, 3, 20))},
    )
    assert ok.status_code == 302
    page = client.get(ok.headers["location"]).text
    assert "marked done" in page and "Friday 20 June 2025" in page
    assert audit_rows("recurring.done")


def test_calculator_shows_the_date_and_the_holidays_skipped(client, today):
    build_world()
    sign_in(client, "gov")
    page = client.get(
        "/calculator?rule=full-inspection:draft_report&start-day=14&start-month=3&start-year=2025"
    ).text
    assert "Thursday 1 May 2025" in page  # 32 working days, skipping Easter
    assert "Good Friday" in page and "Easter Monday" in page
    assert "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31" in page
    error = client.get(
        "/calculator?rule=full-inspection:draft_report&start-day=30&start-month=2&start-year=2025"
    )
    assert error.status_code == 200 and "The start date must be a real date" in error.text
