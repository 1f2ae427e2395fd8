"""My work (who owns what), the home panel, the overdue dashboard, its filters and exports."""

import csv
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook

from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    record_fact,
    sign_in,
)
from tests.timelines_web.helpers import build_world
from tracker.roles import Role


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


def _counts(html: str) -> list[tuple[str, str]]:
    """The figures at the top of My work: overdue, due today, due soon."""
    return re.findall(r'govuk-heading-l govuk-!-margin-bottom-0">(\d+)</span> ([a-z ]+)<', html)


def _lead_with_much_work(today, inspections: int) -> None:
    """A team leader whose inspections ended 10, 13, 16... days ago with only the debrief held:
    four open deadlines each, some overdue, one due today, some due soon, some later."""
    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    for n in range(inspections):
        end = today - timedelta(days=10 + 3 * n)
        establishment = make_establishment(f"HMP Number {n:02d}", code=f"N{n:02d}")
        inspection = make_inspection(establishment, end=end, team_leader_id=lead)
        record_fact(inspection, "debrief_held", end, today=today)


def test_my_work_shows_fifty_deadlines_a_page_earliest_due_first(client, today):
    _lead_with_much_work(today, 16)
    sign_in(client, "lead")
    exported = _csv(client.get("/my-work/export?within=all&format=csv"))
    total = len(exported)
    assert 50 < total <= 100
    first = client.get("/my-work?within=all").text.replace("&#39;", "'")
    second = client.get("/my-work?within=all&page=2").text.replace("&#39;", "'")
    assert len(_rows(first)) == 50 and len(_rows(second)) == total - 50
    assert f"Showing 1 to 50 of {total} deadlines, earliest due first." in first
    assert f"Showing 51 to {total} of {total} deadlines, earliest due first." in second
    assert 'href="/my-work?within=all&amp;page=2" rel="next"' in first
    assert 'href="/my-work?within=all" rel="prev"' in second
    assert 'aria-label="Pages of deadlines"' in first
    # page 2 carries on where page 1 stopped: the export's order (overdue first, then by due)
    shown = _rows(first) + _rows(second)
    for r, row in zip(exported, shown, strict=True):
        assert r["Establishment"] in row and r["Stage"] in row, (r, row)
    # the counts and the total are of everything in the period, on every page
    statuses = [r["Status"] for r in exported]
    expected = [(str(statuses.count(s)), s.lower()) for s in ("Overdue", "Due today", "Due soon")]
    assert _counts(first) == _counts(second) == expected
    assert all(f"{total} deadlines due in this period" in page for page in (first, second))
    # the quick picks start again at page 1; the export is still of everything
    picks = second.split('aria-label="Show deadlines due"', 1)[1].split("</nav>", 1)[0]
    quick_picks = [f"within={w}" for w in ("0", "3", "5", "10", "all")]
    assert re.findall(r'href="/my-work\?([^"]+)"', picks) == quick_picks
    assert 'href="/my-work/export?within=all&amp;format=csv"' in second
    # a page that is not a number is the first; one past the end is the last
    assert _rows(client.get("/my-work?within=all&page=abc").text.replace("&#39;", "'")) == _rows(first)
    assert _rows(client.get("/my-work?within=all&page=999").text.replace("&#39;", "'")) == _rows(second)


def test_my_work_keeps_the_period_in_its_page_links(client, today):
    _lead_with_much_work(today, 30)
    sign_in(client, "lead")
    total = len(_csv(client.get("/my-work/export?within=5&format=csv")))
    assert total > 50
    page = client.get("/my-work").text  # the default period: the next 5 working days
    assert 'href="/my-work?within=5&amp;page=2" rel="next"' in page
    assert f"Showing 1 to 50 of {total} deadlines" in page
    last = client.get("/my-work?within=5&page=2").text
    assert f"Showing 51 to {total} of {total} deadlines" in last
    assert 'href="/my-work?within=5" rel="prev"' in last


def test_my_work_with_fewer_than_fifty_deadlines_has_no_pages(client, today):
    build_world()
    sign_in(client, "boss")
    page = client.get("/my-work?within=all").text
    total = len(_rows(page))
    assert 0 < total < 50
    assert f"{total} deadlines due in this period" in page
    assert "govuk-pagination" not in page and "Showing 1 to" not in page


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


def test_with_nothing_due_in_the_period_my_work_names_the_next_deadline(client, today):
    """A governor whose only deadline is the action plan, months away, is not told only that
    nothing is due: the page names what is next, when, and by which rule."""
    brixton = make_establishment("HMP Brixton")
    make_user("govbrixton", Role.ESTABLISHMENT, establishment_ids=[brixton])
    done = make_inspection(brixton, end=date(2024, 12, 6), team_leader_id=None)
    for kind, day in [
        ("debrief_held", date(2024, 12, 6)),
        ("debrief_note_sent", date(2024, 12, 12)),
        ("draft_sent", date(2025, 1, 24)),
        ("factcheck_returned", date(2025, 2, 14)),
        ("hmip_response_sent", date(2025, 2, 21)),
        ("press_release_shared", date(2025, 3, 12)),
        ("published", date(2025, 3, 14)),
    ]:
        record_fact(done, kind, day, today=today)
    sign_in(client, "govbrixton")
    page = client.get("/my-work").text
    assert "Nothing of yours is due in this period." in page
    assert "Your next deadline" in page and "Action plan in place and available" in page
    assert "14 June 2025" in page and "MoU" in page  # three months after publication, with its source
    assert f'href="/inspections/{done}' in page
    everything = client.get("/my-work?within=all").text
    assert "Your next deadline" not in everything and "HMP Brixton" in everything
