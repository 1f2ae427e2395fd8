"""Headless Chromium: a publication corrected (issue 15, "Done means"), with and without JavaScript;
axe finds no WCAG 2.2 A/AA violation on the pages of the journey."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.inspections.helpers import END, world
from tests.support import axe_violations, browser_sign_in, publish_report

pytestmark = pytest.mark.browser

PUBLISHED = date(2025, 6, 20)
REASON = "Published on the Wednesday: the date was typed from the press notice"


def _date(page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"[name='{name}-month']").fill(str(value.month))
    page.locator(f"[name='{name}-year']").fill(str(value.year))


def _correct_the_publication(page) -> None:
    page.get_by_text("Correct an entry").click()
    page.get_by_role("link", name='Correct the entry "Report published", 20 June 2025').click()


def test_a_publication_corrected(page, live_server):
    w = world()
    publish_report(w["ia"], END, PUBLISHED)
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/inspections/{w['ia']}")
    assert "20 September 2025" in page.locator("#milestone-action_plan").inner_text()
    _correct_the_publication(page)
    expect(page.get_by_role("heading", name="Correct: Report published")).to_be_visible()
    assert axe_violations(page) == []

    # A mistake first: no reason given.
    _date(page, "occurred_on", date(2025, 6, 18))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter why the record is being corrected")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Why is the record being corrected?").fill(REASON)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your answers before correcting the record")).to_be_visible()
    moved = page.locator("#moved-action_plan").inner_text()
    assert "20 September 2025" in moved and "18 September 2025" in moved
    assert "MoU ¶37" in moved
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm the correction").click()

    expect(page.get_by_role("heading", name="Correction recorded")).to_be_visible()
    expect(page.locator("#corrected")).to_contain_text("18 June 2025, corrected from 20 June 2025")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Go to the inspection").click()
    assert "18 September 2025" in page.locator("#milestone-action_plan").inner_text()
    history = page.locator(".moj-timeline").inner_text()
    assert "18 June 2025" in history and "20 June 2025" in history, "both entries"
    assert f"Corrected on {date.today().day} {date.today():%B %Y} by" in history and REASON in history
    assert page.locator(".moj-timeline del").count() >= 1, "the original is struck through"
    assert axe_violations(page) == []


def test_a_correction_works_without_javascript(browser, live_server):
    w = world()
    publish_report(w["ia"], END, PUBLISHED)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/inspections/{w['ia']}")
    _correct_the_publication(page)
    _date(page, "occurred_on", PUBLISHED)
    page.get_by_label("Why is the record being corrected?").fill("Checked against the website")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#no-moves")).to_contain_text("No deadlines move")
    page.get_by_role("button", name="Change the correction").click()
    expect(page.get_by_label("Why is the record being corrected?")).to_have_value("Checked against the website")
    _date(page, "occurred_on", date(2025, 6, 19))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm the correction").click()
    expect(page.get_by_role("heading", name="Correction recorded")).to_be_visible()
    context.close()
