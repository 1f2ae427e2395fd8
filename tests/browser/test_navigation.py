"""Issue 16: the header's navigation is one row at 1280 px for every role, the home page passes
axe (best practices) at 1280 and 390 px with nothing wider than a phone, and the page a person is
on is marked as current. What left the header is a click away: the Administration and Your
account pages list their pages, the Programme page links to the import."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.walk import header_navigation_fits, look
from tests.support import browser_sign_in, make_establishment, make_user
from tracker.roles import Role

pytestmark = pytest.mark.browser


def header(page):
    return page.get_by_role("navigation", name="Menu")


@pytest.mark.parametrize("role", list(Role))
def test_every_roles_navigation_is_one_row_at_desktop_width(page, live_server, role):
    establishment = make_establishment("HMP Leeds", code="LEE")
    make_user("someone", role, establishment_ids=[establishment] if role == Role.ESTABLISHMENT else [])
    browser_sign_in(page, live_server, "someone")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    expect(header(page).get_by_role("link", name="My work")).to_be_visible()
    expect(header(page).get_by_role("link", name="Home")).to_have_count(0)  # the service name links home
    header_navigation_fits(page)
    look(page)


def test_the_current_section_is_marked(page, live_server):
    make_user("hal", Role.HMIP_MANAGER)
    browser_sign_in(page, live_server, "hal")
    header(page).get_by_role("link", name="Programme", exact=True).click()
    expect(header(page).get_by_role("link", name="Programme", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="Import the inspection programme").click()
    expect(page.get_by_role("heading", name="Import the inspection programme")).to_be_visible()
    expect(header(page).get_by_role("link", name="Programme", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    header(page).get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="On-time performance").click()
    expect(page.get_by_role("heading", name="On-time performance")).to_be_visible()
    expect(header(page).get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "true")
    expect(header(page).locator("[aria-current]")).to_have_count(1)


def test_an_administrator_reaches_every_administration_page_from_the_header(page, live_server):
    make_user("ada", Role.ADMIN)
    browser_sign_in(page, live_server, "ada")
    for link, heading in (
        ("Users", "Users"),
        ("Audit log", "Audit log"),
        ("Bank holidays", "Bank holidays"),
        ("Scheduled jobs", "Scheduled jobs"),
    ):
        header(page).get_by_role("link", name="Administration").click()
        expect(page.get_by_role("heading", name="Administration")).to_be_visible()
        look(page)
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(header(page).get_by_role("link", name="Administration")).to_have_attribute(
            "aria-current", "true"
        )


def test_everyone_reaches_their_account_pages_from_the_header(page, live_server):
    make_user("ivy", Role.HMIP_INSPECTOR)
    browser_sign_in(page, live_server, "ivy")
    for link, heading in (
        ("Password", "Change your password"),
        ("Two-step sign-in", re.compile("two-step sign-in|authenticator app", re.IGNORECASE)),
        ("API tokens", "Your API tokens"),
        ("Reminder emails", "Reminder emails"),
    ):
        page.get_by_role("link", name="Your account").click()
        expect(page.get_by_role("heading", name="Your account")).to_be_visible()
        look(page)
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    header(page).get_by_role("link", name="My work").click()
    page.get_by_role("link", name="Deadline calculator").click()
    expect(page.get_by_role("heading", name="Deadline calculator")).to_be_visible()
