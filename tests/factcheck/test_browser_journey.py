"""Headless Chromium walks the whole fact-check journey, with axe on every page state."""

import re

import pytest
from playwright.sync_api import expect

from tests.factcheck.helpers import calendar, today, working_days_ago, xlsx
from tests.support import (
    axe_violations,
    browser_sign_in,
    make_establishment,
    make_inspection,
    make_user,
    record_fact,
)
from tracker.roles import Role

pytestmark = pytest.mark.browser


def _fill_date(page, name, value):
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"#{name}-month").fill(str(value.month))
    page.locator(f"#{name}-year").fill(str(value.year))


def _axe(page):
    assert axe_violations(page) == [], page.url


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.mark.slow
def test_the_whole_fact_check_journey(page, live_server, tmp_path):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    end = working_days_ago(60)
    inspection = make_inspection(est, end=end, team_leader_id=leader)
    record_fact(inspection, "debrief_held", end, by=leader)
    record_fact(inspection, "debrief_note_sent", calendar().add_working_days(end, 3), by=leader)
    base = f"{live_server.url}/inspections/{inspection}"
    cal = calendar()
    sent, returned, responded = working_days_ago(22), working_days_ago(5), working_days_ago(3)

    # 1. The team leader records the draft sent; the service proposes the indicative date.
    browser_sign_in(page, live_server, "leader")
    page.goto(f"{base}/draft")
    _axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(
        page.locator(".govuk-error-summary").get_by_text("Enter the date the draft was sent")
    ).to_be_visible()
    _axe(page)
    _fill_date(page, "sent", sent)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before recording the draft sent")).to_be_visible()
    expect(page.get_by_text("Proposed by the service")).to_be_visible()
    _axe(page)
    page.get_by_role("button", name="Record the draft sent").click()
    expect(page.get_by_text("Draft report recorded as sent")).to_be_visible()
    _axe(page)
    page.get_by_role("link", name="Add a data item").click()
    page.get_by_label("What the data is").fill("Use of force incidents per 1,000 prisoners")
    page.get_by_label("Performance Hub").check()
    page.get_by_label("Report section").fill("Section 3: Safety")
    _fill_date(page, "notified", working_days_ago(20))
    _axe(page)
    page.get_by_role("button", name="Add the data item").click()
    expect(page.get_by_text("Data item added")).to_be_visible()
    _sign_out(page)

    # 2. The Scrutiny Team finds it in the queue, overdue and red, and shares the draft.
    browser_sign_in(page, live_server, "scrutiny")
    expect(page.get_by_role("heading", name="Fact checks under way").first).to_be_visible()
    _axe(page)
    page.goto(f"{live_server.url}/factcheck")
    overdue = page.locator(".app-overdue").first
    late = cal.working_days_between(cal.add_working_days(sent, 15), today())
    assert overdue.inner_text() == f"Overdue by {late} working day{'s' if late != 1 else ''}"
    _axe(page)
    page.get_by_role("link", name="Due within 3 working days").click()
    expect_url = re.compile(r".*/factcheck\?due=3$")
    page.wait_for_url(expect_url)
    expect(page.get_by_text("1 fact check").first).to_be_visible()
    _axe(page)
    page.get_by_role("link", name="HMP Example").click()
    expect(page.get_by_text("15 working days after the draft was received — MoU ¶32")).to_be_visible()
    _axe(page)
    page.get_by_role("link", name="Share the draft with HMP Example").click()
    _axe(page)
    page.get_by_role("button", name="Share the draft").click()
    expect(page.get_by_text("Draft shared with the establishment")).to_be_visible()
    _sign_out(page)

    # 3. The establishment proposes a correction.
    browser_sign_in(page, live_server, "governor")
    page.goto(f"{base}/factcheck")
    _axe(page)
    page.get_by_role("link", name="Propose a correction").click()
    page.get_by_label("Location").fill("Paragraph 2.4")
    page.get_by_label("Names or titles").check()
    page.get_by_label("Proposed correction").fill("The head of safety is Ms Patel")
    page.get_by_role("button", name="Propose the correction").click()
    expect(page.get_by_text("Proposal 1 added")).to_be_visible()
    _axe(page)
    _sign_out(page)

    # 4. The Scrutiny Team takes the proposal in, types a point (htmx: no reload), imports the rest.
    browser_sign_in(page, live_server, "scrutiny")
    page.goto(f"{base}/factcheck/points")
    page.evaluate("window.__still_here = true")

    page.get_by_role("button", name="Take into the return proposal 1").click()
    expect(page.get_by_role("cell", name="Paragraph 2.4")).to_be_visible()
    expect(page.get_by_role("button", name="Take into the return proposal 1")).to_have_count(0)
    page.get_by_role("button", name="Add the point").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Select a category")).to_be_visible()
    _axe(page)
    page.get_by_label("Location").fill("Section 3, paragraph 3.12")
    page.get_by_label("Data", exact=True).check()
    page.get_by_label("Current text (optional)").fill("14 incidents")
    page.get_by_label("Proposed correction").fill("41 incidents")
    page.get_by_role("button", name="Add the point").click()
    expect(page.get_by_text("Point 2 added")).to_be_visible()
    assert page.evaluate("window.__still_here") is True
    _axe(page)
    header = ["Location", "Category", "Current text", "Proposed correction", "Evidence"]
    bad = tmp_path / "points-bad.xlsx"
    bad.write_bytes(
        xlsx(
            [
                header,
                ["4.1", "Data", "", "9 not 6", ""],
                ["4.2", "", "", "Dr Lee", ""],
                ["4.3", "", "", "Tuesday", ""],
            ]
        )
    )
    good = tmp_path / "points.xlsx"
    good.write_bytes(
        xlsx(
            [
                header,
                ["4.1", "Data", "", "9 not 6", ""],
                ["4.2", "Names or titles", "", "Dr Lee", ""],
                ["4.3", "Description of events", "", "Tuesday", ""],
            ]
        )
    )
    page.goto(f"{base}/factcheck/import")
    _axe(page)
    page.get_by_label("Spreadsheet of accuracy points").set_input_files(str(bad))
    page.get_by_role("button", name="Import the points").click()
    expect(page.get_by_text("Row 3: enter a category")).to_be_visible()
    expect(page.get_by_text("Row 4: enter a category")).to_be_visible()
    _axe(page)
    page.get_by_label("Spreadsheet of accuracy points").set_input_files(str(good))
    page.get_by_role("button", name="Import the points").click()
    expect(page.get_by_text("3 points imported")).to_be_visible()
    page.goto(f"{base}/factcheck/details")
    _fill_date(page, "returned", returned)
    page.get_by_label("Yes").check()
    _axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the return before submitting it")).to_be_visible()
    _axe(page)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("heading", name="Fact check returned")).to_be_visible()
    expect(page.get_by_text("HMIP response to accuracy points")).to_be_visible()
    _axe(page)
    _sign_out(page)

    # 5. The team leader answers every point, proceeds with the Hub data, downloads the summary.
    browser_sign_in(page, live_server, "leader")
    page.goto(f"{base}/factcheck")
    for number in range(1, 6):
        page.get_by_role("link", name=re.compile(rf"^(Answer|Change) point {number}$")).click()
        if number == 1:
            _axe(page)
            page.get_by_label("Not accepted").check()
            page.get_by_label("This is a matter of judgement for HMIP").check()
            page.get_by_label("HMIP's reasons").fill("Based on triangulated evidence")
        else:
            page.get_by_label("Accepted", exact=True).check()
        page.get_by_role("button", name="Save the answer").click()
        expect(page.get_by_text("Answer recorded")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    expect(page.get_by_text("No response: proceed under MoU ¶18")).to_be_visible()
    page.get_by_role("button", name=re.compile("Proceed under MoU ¶18")).click()
    expect(page.get_by_text("No response: HMIP proceeded under MoU ¶18")).to_be_visible()
    _axe(page)
    page.get_by_role("link", name="Record HMIP's response as sent").click()
    _fill_date(page, "sent", responded)
    page.get_by_role("button", name="Record response sent").click()
    expect(page.get_by_text("HMIP's response recorded as sent")).to_be_visible()

    # 6. The ready-to-publish checklist, the press release, then publication.
    page.goto(f"{base}/publication")
    _axe(page)
    _fill_date(page, "shared", working_days_ago(1))
    page.get_by_role("button", name="Record press release shared").click()
    expect(page.get_by_text("Ready to publish.")).to_be_visible()
    _fill_date(page, "published", today())
    page.get_by_label("Link to the published report").fill(
        "https://hmiprisons.justiceinspectorates.gov.uk/example"
    )
    page.get_by_role("button", name="Continue").click()
    _axe(page)
    page.get_by_role("button", name="Record publication").click()
    expect(page.get_by_text("Publication recorded")).to_be_visible()
    _axe(page)

    # Every milestone of the report shows done, on time or late by the right number of days.
    def status(label):
        row = page.locator(
            ".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
        )
        return row.locator(".govuk-tag").first.inner_text()

    draft_late = cal.working_days_between(cal.add_working_days(end, 32), sent)
    assert status("Draft report to the Scrutiny Team") == f"Done late by {draft_late} working days"
    return_late = cal.working_days_between(cal.add_working_days(sent, 15), returned)
    assert status("Fact check returned to HMIP") == f"Done late by {return_late} working days"
    assert status("HMIP response to accuracy points") == "Done on time"
    assert status("Report published") == "Done on time"
    assert status("Press notice or release shared with HMPPS") == "Done on time"
    aim = end + __import__("datetime").timedelta(weeks=14)
    assert status("Report published: overall aim") == (
        "Done on time"
        if today() <= aim
        else "Done late by " + str(cal.working_days_between(aim, today())) + " working days"
    )
    expect(page.get_by_text("Met: published" if today() <= aim else "Missed: published")).to_be_visible()


def test_pages_work_without_javascript(browser, live_server):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    from tests.factcheck.helpers import record_draft

    record_draft(inspection, working_days_ago(3), leader)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, "scrutiny")
    page.goto(f"{live_server.url}/factcheck")
    page.get_by_label("Kind").select_option("irp")
    page.get_by_role("button", name="Apply filters").click()
    assert "kind=irp" in page.url
    expect(page.get_by_text("0 fact checks")).to_be_visible()
    page.goto(f"{live_server.url}/inspections/{inspection}/factcheck/points")
    page.get_by_label("Location").fill("Page 3")
    page.get_by_label("Other").check()
    page.get_by_label("Proposed correction").fill("Spelling of the governor's name")
    page.get_by_role("button", name="Add the point").click()
    expect(page.get_by_text("Point 1 added")).to_be_visible()
    expect(page.get_by_role("cell", name="Page 3")).to_be_visible()
    page.goto(f"{live_server.url}/inspections/{inspection}/factcheck/details")
    expect(page.get_by_label("If no, why HMPPS is not content")).to_be_visible()
    context.close()
