"""Headless Chromium: each role signs in and out; axe finds no WCAG 2.2 A/AA violation."""

import pytest
from playwright.sync_api import expect

from tests.support import axe_violations, browser_sign_in, make_establishment, make_user
from tracker.roles import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_out(page, live_server, role):
    est = make_establishment("HMP Example")
    make_user("someone", role, establishment_ids=[est] if role == Role.ESTABLISHMENT else [])
    browser_sign_in(page, live_server, "someone")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    expect(page.get_by_text(role.label).first).to_be_visible()
    expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_in_error_is_announced_and_linked(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your username")).to_be_visible()
    assert axe_violations(page) == []


def test_no_accessibility_violations_on_sign_in_home_and_error_pages(page, live_server):
    make_user("ada", Role.ADMIN)
    page.goto(f"{live_server.url}/login")
    assert axe_violations(page) == []
    browser_sign_in(page, live_server, "ada")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/admin/users")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/admin/audit")
    assert axe_violations(page) == []


def test_pages_work_without_javascript(browser, live_server):
    make_user("sam", Role.HMPPS_SCRUTINY)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, "sam")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    context.close()
