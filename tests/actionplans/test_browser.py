"""Headless Chromium: the Governor's office answers the report with the spreadsheet template,
the Scrutiny Team returns it, two actions are changed inline and a stray one removed, then it
walks the ¶37 stages by clicking: quality-assured, cleared by the Executive Director, made
available (meeting the deadline), published on HMIP's website after a check page; and it is
kept current. Unsafe uploads are refused. axe on every page state."""

from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from actionplans import queries
from tests.actionplans.helpers import TODAY, later, published_inspection, run
from tests.support import axe_violations, browser_sign_in, make_establishment, make_user
from tracker import scanning
from tracker.roles import Role

pytestmark = pytest.mark.browser


def no_violations(page):
    assert axe_violations(page) == []


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def setup_people():
    example = make_establishment("HMP Example", prison_group="Yorkshire")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[example])
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("hmppsmanager", Role.HMPPS_MANAGER, prison_group="Yorkshire")
    make_user("hmipmanager", Role.HMIP_MANAGER)
    inspection, recs = published_inspection(example, recs=4)
    return example, inspection, recs


@pytest.mark.slow
def test_the_action_plan_journey(page, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(scanning.shutil, "which", lambda name: None)  # no clamscan here: fail closed
    _, inspection, recs = setup_people()
    url = live_server.url

    # 1. The Governor's office sees what is due.
    browser_sign_in(page, live_server, "governor")
    published = TODAY - timedelta(days=30)
    panel = page.get_by_text(
        f"the report was published {published.day} {published:%B %Y}, the action plan is due"
    )
    expect(panel).to_be_visible()
    no_violations(page)
    page.get_by_role("link", name="Start the action plan").click()
    no_violations(page)
    page.get_by_role("button", name="Start the action plan").click()
    expect(page.get_by_role("heading", name="Action plan", exact=True)).to_be_visible()
    no_violations(page)

    # 2. Downloads the template pre-filled with the recommendations and fills it in.
    page.get_by_role("link", name="Fill from a spreadsheet").click()
    no_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the action plan template (Excel)").click()
    path = tmp_path / "template.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["Action plan"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == ["R1", "R2", "R3", "R4"]
    for row in range(2, 6):
        sheet.cell(row=row, column=3, value="Agreed")
        sheet.cell(row=row, column=5, value=f"Action for {sheet.cell(row=row, column=1).value}")
        sheet.cell(row=row, column=6, value="Head of Safety")
        sheet.cell(row=row, column=7, value=datetime.combine(later(90), datetime.min.time()))
        sheet.cell(row=row, column=8, value="Not started")
    sheet.cell(row=3, column=7, value=datetime.combine(TODAY - timedelta(days=5), datetime.min.time()))
    workbook.save(path)

    # 3. Uploads it: one row has a date in the past; the page names the row; nothing is saved.
    page.get_by_label("Upload the filled-in spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload spreadsheet").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_text("Row 3: target date must be in the future")).to_be_visible()
    no_violations(page)
    plan = run(queries.plan_for_inspection(inspection))
    assert run(queries.plan_detail(plan, today=TODAY))["counts"]["total"] == 0
    sheet.cell(row=3, column=7, value=datetime.combine(later(60), datetime.min.time()))
    workbook.save(path)
    page.get_by_label("Upload the filled-in spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload spreadsheet").click()
    expect(page.get_by_text("The spreadsheet has been read")).to_be_visible()
    expect(page.get_by_role("cell", name="Action for R2")).to_be_visible()
    no_violations(page)

    # 4. Checks and submits.
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Check your action plan before submitting it")).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Submit action plan").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan submitted")).to_be_visible()
    expect(page.get_by_text("The deadline is met when the plan is available, not when it is submitted")).to_be_visible()
    no_violations(page)
    sign_out(page)

    # 5. The Scrutiny Team returns it with a comment.
    browser_sign_in(page, live_server, "scrutiny")
    expect(page.get_by_role("heading", name="Action plans waiting for quality assurance")).to_be_visible()
    page.get_by_role("link", name="HMP Example").click()
    no_violations(page)
    page.get_by_label("Return it to the establishment with comments").check()
    page.get_by_label("Comments for the establishment").fill("Make the actions for R1 and R2 more specific")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan returned to the establishment")).to_be_visible()
    sign_out(page)

    # 6. The establishment changes two actions in the browser (inline) and resubmits.
    browser_sign_in(page, live_server, "governor")
    page.goto(f"{url}/action-plans/{plan['id']}")
    expect(page.locator("#qa-comment").get_by_text("Make the actions for R1 and R2 more specific")).to_be_visible()
    no_violations(page)
    for reference in ("R1", "R2"):
        page.get_by_role("link", name=f"Change action 1 for {reference}").click()
        block = page.locator(f"#rec-{recs[int(reference[1]) - 1]}")
        expect(block.get_by_role("button", name="Save action")).to_be_visible()
        block.get_by_label("Action", exact=True).fill(
            f"Weekly audit of {reference} cell checks by the safety team"
        )
        block.get_by_role("button", name="Save action").click()
        expect(block.get_by_text("Action saved")).to_be_visible()
        expect(
            block.get_by_role("cell", name=f"Weekly audit of {reference} cell checks by the safety team")
        ).to_be_visible()
        assert page.url.endswith(f"/action-plans/{plan['id']}")  # swapped in place, no page load
        no_violations(page)
    # A second action for R3, added by mistake, is removed after a confirmation page.
    page.get_by_role("link", name="Add an action for R3").click()
    block = page.locator(f"#rec-{recs[2]}")
    block.get_by_label("Action", exact=True).fill("Duplicate action added by mistake")
    block.get_by_label("Owner").fill("Head of Safety")
    target = later(30)
    block.get_by_label("Day").fill(str(target.day))
    block.get_by_label("Month").fill(str(target.month))
    block.get_by_label("Year").fill(str(target.year))
    block.get_by_role("button", name="Save action").click()
    expect(block.get_by_role("cell", name="Duplicate action added by mistake")).to_be_visible()
    page.get_by_role("link", name="Remove action 2 for R3").click()
    expect(page.get_by_role("heading", name="Are you sure you want to remove this action?")).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Yes, remove this action").click()
    expect(page.locator(".govuk-notification-banner").get_by_text("Action removed")).to_be_visible()
    expect(page.get_by_role("cell", name="Duplicate action added by mistake")).to_have_count(0)
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Submit action plan").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan submitted")).to_be_visible()
    sign_out(page)

    # 7. The ¶37 stages: quality-assured, cleared, made available, published on HMIP's website.
    browser_sign_in(page, live_server, "scrutiny")
    page.get_by_role("link", name="HMP Example").click()
    page.get_by_label("Accept the action plan").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan quality-assured")).to_be_visible()
    sign_out(page)
    browser_sign_in(page, live_server, "hmppsmanager")
    expect(page.get_by_role("heading", name="Action plans for you to clear")).to_be_visible()
    page.get_by_role("link", name="HMP Example").click()
    no_violations(page)
    page.get_by_role("button", name="Clear action plan").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan cleared")).to_be_visible()
    page.get_by_role("link", name="Go to the action plan").click()
    expect(page.get_by_role("link", name="Clear the action plan")).to_have_count(0)
    sign_out(page)
    browser_sign_in(page, live_server, "scrutiny")
    expect(page.get_by_role("heading", name="Cleared action plans to make available")).to_be_visible()
    page.get_by_role("link", name="HMP Example").click()
    no_violations(page)
    page.get_by_role("button", name="Make the action plan available").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan available")).to_be_visible()
    expect(page.get_by_text("It was available on time")).to_be_visible()
    no_violations(page)
    sign_out(page)
    browser_sign_in(page, live_server, "hmipmanager")
    expect(page.get_by_role("heading", name="Action plans to publish on HMIP's website")).to_be_visible()
    page.get_by_role("link", name="HMP Example", exact=True).click()
    no_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter the link to the published action plan")).to_be_visible()
    no_violations(page)
    page.get_by_label("Link to the published action plan on HMIP's website").fill(
        "https://hmiprisons.justice.gov.uk/hmp-example-action-plan"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the action plan's publication before recording it")).to_be_visible()
    expect(page.get_by_text("https://hmiprisons.justice.gov.uk/hmp-example-action-plan")).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Record publication").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan published on HMIP's website")).to_be_visible()
    no_violations(page)
    page.get_by_role("link", name="Go to the action plan").click()
    stages = page.locator("dl[aria-labelledby=stages]")
    for label, who in (("Submitted by the establishment", "Governor"),
                       ("Quality-assured by the Scrutiny Team", "Scrutiny"),
                       ("Cleared by the Executive Director", "Hmppsmanager"),
                       ("Available", "Scrutiny"), ("Published on HMIP's website", "Hmipmanager")):
        row = stages.locator(".govuk-summary-list__row", has=page.get_by_text(label, exact=True))
        expect(row).to_contain_text(f"recorded by {who}")
    no_violations(page)
    page.goto(f"{url}/inspections/{inspection}")
    expect(page.get_by_role("heading", name="Action plan in place and available")).to_be_visible()
    expect(page.get_by_role("heading", name="Action plan published on HMIP's website")).to_be_visible()
    sign_out(page)

    # 8. Months later the establishment records progress.
    browser_sign_in(page, live_server, "governor")
    page.goto(f"{url}/action-plans/{plan['id']}")
    expect(page.get_by_role("link", name="the published action plan")).to_be_visible()
    page.get_by_role("link", name="Progress of action 1 for R3").click()
    no_violations(page)
    page.get_by_label("In progress").check()
    page.get_by_label("What has been done").fill("Audit tool agreed; first audit done on A wing")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Audit tool agreed; first audit done on A wing")).to_be_visible()
    no_violations(page)

    # 9. A renamed executable and an oversize file are refused; nothing is stored.
    page.goto(f"{url}/action-plans/{plan['id']}/files")
    no_violations(page)
    exe = tmp_path / "plan.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 500 + b"This program cannot be run in DOS mode")
    page.get_by_label("Upload the action plan file").set_input_files(str(exe))
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary").get_by_text("The selected file must be a PDF")).to_be_visible()
    no_violations(page)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024) + b"\n%%EOF\n")
    page.get_by_label("Upload the action plan file").set_input_files(str(big))
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary")
        .get_by_text("The selected file must be smaller than 20 MB")).to_be_visible()
    no_violations(page)
    assert page.get_by_text("big.pdf").count() == 0 and page.get_by_text("plan.pdf").count() == 0
    assert [f for f in run(queries.files(plan["id"])) if f["purpose"] == "plan"] == []


def test_answering_works_without_javascript(browser, live_server):
    """Full-page forms with JavaScript off. (axe itself needs JavaScript: with it off, its
    promise never settles, so these same pages are checked with axe in the test below.)"""
    _, inspection, recs = setup_people()
    from tests.actionplans.helpers import start_plan

    plan_id = start_plan(inspection)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_sign_in(page, live_server, "governor")
    page.goto(f"{live_server.url}/action-plans/{plan_id}")
    page.get_by_role("link", name="Answer the response to R1").click()
    expect(page.get_by_role("heading", name="Response to R1")).to_be_visible()
    page.get_by_label("Partly agreed").check()
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-error-summary")
        .get_by_text("Enter which part of the recommendation is agreed")).to_be_visible()
    page.get_by_label("Which part is agreed").fill("The staffing part")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_text("Agreed part: The staffing part")).to_be_visible()
    page.get_by_role("link", name="Add an action for R1").click()
    page.get_by_label("Action", exact=True).fill("Recruit two officers")
    page.get_by_label("Owner").fill("Head of Residence")
    target = later(45)
    page.get_by_label("Day").fill(str(target.day))
    page.get_by_label("Month").fill(str(target.month))
    page.get_by_label("Year").fill(str(target.year))
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("cell", name="Recruit two officers")).to_be_visible()
    context.close()


def test_response_and_action_pages_have_no_accessibility_violations(page, live_server):
    _, inspection, recs = setup_people()
    from tests.actionplans.helpers import start_plan

    plan_id = start_plan(inspection)
    browser_sign_in(page, live_server, "governor")
    page.goto(f"{live_server.url}/action-plans/{plan_id}/responses/{recs[0]}")
    no_violations(page)
    page.get_by_label("Partly agreed").check()
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    no_violations(page)
    page.goto(f"{live_server.url}/action-plans/{plan_id}/recommendations/{recs[0]}/actions/new")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    no_violations(page)
    # The same error state swapped in by htmx on the plan page.
    page.goto(f"{live_server.url}/action-plans/{plan_id}")
    page.get_by_role("link", name="Add an action for R2").click()
    block = page.locator(f"#rec-{recs[1]}")
    block.get_by_role("button", name="Save action").click()
    expect(block.locator(".govuk-error-summary")).to_be_visible()
    no_violations(page)
