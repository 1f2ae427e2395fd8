"""Headless Chromium: each timelines page and filter, axe-clean on every state, and without JavaScript."""

import csv
import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.support import axe_violations, browser_sign_in
from tests.timelines_web.helpers import build_world

pytestmark = pytest.mark.browser


def _clean(page):
    assert axe_violations(page) == []


def test_scrutiny_member_lands_on_their_work_and_narrows_it(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "sam")
    expect(page.get_by_text("1 due today")).to_be_visible()
    _clean(page)
    page.get_by_role("link", name="See all your work").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_role("cell", name="Tuesday 25 March 2025")).to_be_visible()
    expect(page.get_by_text("15 working days after the draft was received — MoU ¶32")).to_be_visible()
    _clean(page)
    page.get_by_role("link", name="Next 10 working days").click()
    page.wait_for_url("**/my-work?within=10")
    assert page.get_by_role("link", name="Next 10 working days").get_attribute("aria-current") == "page"
    _clean(page)
    page.get_by_role("link", name="Get these deadlines in your calendar").click()
    page.get_by_role("button", name="Make a calendar feed address").click()
    url = page.get_by_label("Copy this address into your calendar").input_value()
    assert url.startswith(live_server.url + "/feeds/") and url.endswith(".ics")
    _clean(page)
    calendar = page.request.get(url)
    assert calendar.status == 200 and b"HMP Example: Fact check returned to HMIP due" in calendar.body()


def test_manager_filters_the_dashboard_in_place_and_exports_exactly_its_rows(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "boss")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="3 items: overdue")).to_be_visible()
    _clean(page)
    page.get_by_role("link", name="London: 2").click()
    page.wait_for_url("**/dashboard?status=overdue&group=London")
    expect(page.get_by_role("heading", name="2 items: overdue")).to_be_visible()
    assert page.locator("table.app-milestones tbody tr").count() == 2
    _clean(page)
    page.get_by_label("Status").select_option("open")
    page.wait_for_url("**status=open**")
    expect(page.get_by_role("heading", name="5 items: everything open")).to_be_visible()
    _clean(page)
    shown = page.locator("table.app-milestones tbody tr").count()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file of exactly these rows").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == shown and {r["Establishment"] for r in rows} == {"HMP Pentonville"}
    page.get_by_role("link", name="clear filters").click()
    page.wait_for_url("**/dashboard?status=open")
    expect(page.get_by_role("heading", name="9 items: everything open")).to_be_visible()


def test_manager_reads_on_time_performance_for_a_business_year(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "pat")
    page.goto(f"{live_server.url}/performance")
    expect(page.get_by_role("img", name="Draft reports within 32 working days: share on time")).to_be_visible()
    expect(page.get_by_role("table", name="Draft reports within 32 working days by period")).to_be_visible()
    _clean(page)
    page.get_by_label("Business year").select_option("2023")
    page.wait_for_url("**year=2023**")
    expect(page.get_by_role("heading", name="April 2023 to March 2024")).to_be_visible()
    _clean(page)
    page.get_by_label("Group by").select_option("month")
    page.wait_for_url("**by=month**")
    _clean(page)


def test_anyone_uses_the_calculator(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "gov")
    page.goto(f"{live_server.url}/calculator")
    _clean(page)
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page)
    page.get_by_label("Rule").select_option("full-inspection:draft_report")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Calculate").click()
    expect(page.get_by_role("heading", name="Thursday 1 May 2025")).to_be_visible()
    expect(page.get_by_text("Friday 18 April 2025: Good Friday")).to_be_visible()
    _clean(page)


def test_governor_sees_only_their_establishment(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "govleeds")
    page.goto(f"{live_server.url}/dashboard?status=open")
    expect(page.get_by_role("cell", name="HMP Leeds").first).to_be_visible()
    assert page.get_by_text("HMP Example").count() == 0
    _clean(page)


def test_admin_adds_a_bank_holiday_and_sees_the_deadlines_it_moved(page, live_server, today):
    build_world()
    browser_sign_in(page, live_server, "ada")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Bank holidays").click()
    _clean(page)
    page.get_by_role("button", name="Add the holiday and recompute deadlines").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page)
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Name of the holiday").fill("Extra bank holiday")
    page.get_by_label("Reason for the change").fill("Announced by the government")
    page.get_by_role("button", name="Add the holiday and recompute deadlines").click()
    expect(page.get_by_role("heading", name="Bank holiday added")).to_be_visible()
    expect(page.get_by_text("1 due date moved")).to_be_visible()
    expect(page.get_by_role("cell", name="Wednesday 2 April 2025")).to_be_visible()
    _clean(page)


def test_hmip_manager_imports_the_programme(page, live_server, today, tmp_path):
    build_world()
    path = tmp_path / "programme.csv"
    path.write_text(
        "Establishment name,Kind,Start date,End date,Announced,Team leader username\n"
        "HMP Leeds,full,2025-06-02,2025-06-06,no,lead\n"
    )
    browser_sign_in(page, live_server, "boss")
    page.get_by_role("link", name="Programme", exact=True).click()
    page.get_by_role("link", name="Import the inspection programme").click()
    _clean(page)
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Checked 1 row: 1 to create")).to_be_visible()
    _clean(page)
    page.get_by_role("button", name="Import 1 inspection").click()
    expect(page.get_by_role("heading", name="Programme imported")).to_be_visible()
    _clean(page)
    page.goto(f"{live_server.url}/recurring")
    _clean(page)
    page.get_by_role("link", name=re.compile(r"^Mark done\s*: MoU review$")).click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("MoU review marked done")).to_be_visible()
    expect(page.get_by_text(f"Next due {date(2026, 3, 25):%A} 25 March 2026")).to_be_visible()
    _clean(page)


def test_dashboard_and_my_work_without_javascript(browser, live_server, today):
    build_world()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/dashboard")
    page.get_by_label("With").select_option("establishment")
    page.get_by_role("button", name="Apply filters").click()
    assert "side=establishment" in page.url
    expect(page.get_by_role("heading", name="1 item: overdue")).to_be_visible()
    page.goto(f"{live_server.url}/my-work")
    page.get_by_role("link", name="Today").click()
    assert page.url.endswith("/my-work?within=0")
    expect(page.get_by_text("Letter and debrief summary published")).to_be_visible()
    context.close()
