"""Headless Chromium: each role signs in and out; axe finds no WCAG 2.2 A/AA violation."""

import pytest

from tests.support import axe_violations, browser_sign_in, make_establishment, make_user
from tracker.roles import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_out(page, live_server, role):
    est = make_establishment("HMP Example")
    make_user("someone", role, establishment_ids=[est] if role == Role.ESTABLISHMENT else [])
    browser_sign_in(page, live_server, "someone")
    assert page.get_by_role("heading", name="Your work").is_visible()
    assert page.get_by_text(role.label).first.is_visible()
    assert page.get_by_text("OFFICIAL-SENSITIVE").is_visible()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="You have signed out").is_visible()
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_sign_in_error_is_announced_and_linked(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link", name="Enter your username").is_visible()
    assert axe_violations(page) == []


def test_no_accessibility_violations_on_sign_in_home_and_error_pages(page, live_server):
    make_user("ada", Role.ADMIN)
    page.goto(f"{live_server.url}/login")
    assert axe_violations(page) == []
    browser_sign_in(page, live_server, "ada")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/no-such-page")
    assert page.get_by_role("heading", name="Page not found").is_visible()
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
    assert page.get_by_role("heading", name="Your work").is_visible()
    context.close()
