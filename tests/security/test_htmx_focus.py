"""I2: after an htmx swap, focus and announcements are right. A form sent by htmx that comes back
with errors puts focus on the GOV.UK error summary; a success message is announced (focus on a
role="alert" success banner, or the page's polite live region for a role="status" message)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.security.world import build_world
from tests.support import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser

ACTIVE_IS_ERROR_SUMMARY = "document.activeElement.classList.contains('govuk-error-summary')"


def submit_by_htmx(page, button: str, path_end: str):
    """Click a form's button and check the answer came back to htmx (a swap, not a page load)."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(path_end)) as answer:
        page.get_by_role("button", name=button).click()
    assert answer.value.request.headers.get("hx-request") == "true"
    return answer.value


def test_an_htmx_form_focuses_its_error_summary_then_its_success_banner(page, live_server):
    world = build_world()
    inspection = world.a.first("inspection_id")
    browser_sign_in(page, live_server, "scrutiny")
    url = f"{live_server.url}/inspections/{inspection}/factcheck/points"
    page.goto(url)
    page.locator("#location").focus()

    submit_by_htmx(page, "Add the point", "/factcheck/points")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate(ACTIVE_IS_ERROR_SUMMARY)
    assert page.url == url  # swapped in place
    assert axe_violations(page) == []

    page.get_by_label("Location").fill("4.2")
    page.get_by_label("Data", exact=True).check()
    page.get_by_label("Proposed correction").fill("It was 12, not 21")
    submit_by_htmx(page, "Add the point", "/factcheck/points")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("added")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert axe_violations(page) == []


def test_a_status_message_in_swapped_content_is_announced_by_the_live_region(page, live_server):
    world = build_world()
    plan = world.a.first("plan_id")
    browser_sign_in(page, live_server, "governora")
    page.goto(f"{live_server.url}/action-plans/{plan}")
    live = page.locator("#app-live-region")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("")

    first = page.locator("[id^=rec-]").first
    first.get_by_role("link", name="response to").first.click()
    first.get_by_role("button", name="Save response").wait_for()
    first.get_by_label("Partly agreed").check()
    first.get_by_label("Which part is agreed").fill("")
    submit_by_htmx(page, "Save response", "")
    expect(first.locator(".govuk-error-summary")).to_be_focused()

    first.get_by_label("Agreed", exact=True).check()
    submit_by_htmx(page, "Save response", "")
    expect(live).to_have_text("Response saved")
    expect(first.locator('[role="status"]')).to_have_text("Response saved")
    expect(first.locator('[role="status"]')).to_be_focused()  # the form it was in has gone
    assert axe_violations(page) == []
