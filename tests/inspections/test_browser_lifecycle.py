"""Headless Chromium walks the later life of an inspection (issue 15) as its people would, by
clicking: an extension agreed and shown, an inspection closing, the Scrutiny Team's work emptied
of an overtaken fact check; and the inspection page fits a 390 px wide phone (issue 16)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.inspections.helpers import world
from tests.support import axe_violations, browser_sign_in, make_inspection, record_fact, stored_milestones
from tests.timelines_store.test_closing import JOURNEY
from tracker.clock import today_london

pytestmark = pytest.mark.browser


def _date(page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"[name='{name}-month']").fill(str(value.month))
    page.locator(f"[name='{name}-year']").fill(str(value.year))


def _long(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _open_inspection(page, inspection_id: int) -> None:
    """From the header's Inspections link to the inspection, as a person would (on a phone the
    navigation is behind the header's Menu button)."""
    menu = page.get_by_role("button", name="Menu")
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    page.get_by_role("link", name="Inspections", exact=True).click()
    page.locator(f"a[href='/inspections/{inspection_id}']").click()


def test_a_manager_agrees_an_extension_and_the_page_shows_it(browser, live_server):
    w = world()
    original = stored_milestones(w["ia"])["draft_report"]["due"]
    assert stored_milestones(w["ia"])["draft_report"]["status"] == "overdue"
    new_due = today_london() + timedelta(days=40)
    page = browser.new_context().new_page()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "hmipmanager")
    _open_inspection(page, w["ia"])
    row = page.locator("#milestone-draft_report")
    expect(row.get_by_text("Overdue", exact=True)).to_be_visible()
    row.get_by_role("link", name="Extend").click()
    expect(page.get_by_role("heading", name="Extend: Draft report to the Scrutiny Team")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link", name="Enter the new date")).to_be_visible()
    _date(page, "new_due", new_due)
    page.get_by_label("Who agreed the extension").fill("Jo Smith, HMIP Deputy Chief Inspector")
    page.get_by_label("Why is the deadline extended?").fill("Staff illness in the writing team")
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.locator(".govuk-notification-banner").get_by_text("Deadline extended")).to_be_visible()
    row = page.locator("#milestone-draft_report")
    text = row.inner_text()
    assert _long(new_due) in text
    assert f"extended from {_long(original)}, agreed by Jo Smith, HMIP Deputy Chief Inspector" in text
    expect(row.get_by_text("Not yet due", exact=True)).to_be_visible()  # judged against the new date
    assert "Overdue" not in text
    assert axe_violations(page) == []


def test_an_inspection_closes_when_its_last_fact_is_recorded(browser, live_server):
    w = world()
    finished = make_inspection(w["a"], end=date(2024, 12, 20), team_leader_id=w["leader"], title="Closing")
    for kind, on in JOURNEY:
        if kind != "debrief_note_sent":
            record_fact(finished, kind, on)
    page = browser.new_context().new_page()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "leader")
    _open_inspection(page, finished)
    expect(page.locator("h1").get_by_text("Closed")).to_have_count(0)
    # the next thing for the leader: the last fact the inspection waits for
    page.get_by_role("link", name="Send the debrief note to HMPPS HQ").click()
    _date(page, "occurred_on", date(2024, 12, 27))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded: the timeline has been updated")).to_be_visible()
    expect(page.locator("h1").get_by_text("Closed", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Inspections", exact=True).click()
    assert page.locator(f"a[href='/inspections/{finished}']").count() == 0, "closed: out of the live list"
    assert page.locator(f"a[href='/inspections/{w['ia']}']").count() == 1
    page.get_by_label("Show").select_option("closed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(f"a[href='/inspections/{finished}']")).to_be_visible()
    assert page.locator(f"a[href='/inspections/{w['ia']}']").count() == 0


def test_publishing_without_a_return_empties_the_scrutiny_teams_work(browser, live_server):
    w = world()
    today = today_london()
    end = today - timedelta(days=120)
    draft = today - timedelta(days=60)  # the 15 working days for the return have long passed
    inspection = make_inspection(w["a"], end=end, team_leader_id=w["leader"], title="Overtaken")
    record_fact(inspection, "debrief_held", end)
    record_fact(inspection, "draft_sent", draft)
    assert stored_milestones(inspection)["factcheck_return"]["status"] == "overdue"

    scrutiny = browser.new_context().new_page()
    scrutiny.set_default_timeout(10000)
    browser_sign_in(scrutiny, live_server, "scrutiny")
    scrutiny.get_by_role("link", name="My work").first.click()
    mine = scrutiny.locator(f"a[href='/inspections/{inspection}']")
    expect(mine.first).to_be_visible()

    leader = browser.new_context().new_page()
    leader.set_default_timeout(10000)
    browser_sign_in(leader, live_server, "leader")
    leader.goto(f"{live_server.url}/inspections/{inspection}/publication")
    expect(leader.get_by_text("HMIP may proceed to publication (MoU ¶32)")).to_be_visible()
    _date(leader, "shared", today)
    leader.get_by_role("button", name="Record press release shared").click()
    expect(leader.get_by_text("Press release recorded as shared with HMPPS")).to_be_visible()
    _date(leader, "published", today)
    leader.get_by_label("Link to the published report").fill("https://hmiprisons.justiceinspectorates.gov.uk/r")
    leader.get_by_role("button", name="Continue").click()
    leader.get_by_role("button", name="Record publication").click()
    expect(leader.get_by_text("Publication recorded")).to_be_visible()

    scrutiny.reload()
    expect(scrutiny.get_by_role("heading", name="My work")).to_be_visible()
    assert scrutiny.locator(f"a[href='/inspections/{inspection}']").count() == 0
    _open_inspection(scrutiny, inspection)
    row = scrutiny.locator("#milestone-factcheck_return")
    expect(row.get_by_text("Overtaken", exact=True)).to_be_visible()
    assert f"Not returned: HMIP proceeded to publication on {_long(today)}" in row.inner_text()
    assert axe_violations(scrutiny) == []


@pytest.mark.parametrize("username", ["leader", "governor", "scrutiny"])
@pytest.mark.parametrize("stage", ["after the debrief", "finished"])
def test_the_inspection_page_fits_a_phone(browser, live_server, username, stage):
    w = world()
    inspection = w["ia"]
    if stage == "finished":
        inspection = make_inspection(w["a"], end=date(2024, 12, 20), team_leader_id=w["leader"], title="Done")
        for kind, on in JOURNEY:
            record_fact(inspection, kind, on)
    else:
        record_fact(inspection, "debrief_held", date(2025, 3, 14))
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, username)
    page.goto(f"{live_server.url}/inspections?show=all")
    page.locator(f"a[href='/inspections/{inspection}']").click()
    expect(page.locator("#milestone-draft_report")).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{width} px of content in a {viewport} px wide window"
    assert axe_violations(page) == []
