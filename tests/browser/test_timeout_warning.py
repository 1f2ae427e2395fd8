"""The GOV.UK timeout warning appears before the idle sign-out and 'Stay signed in' renews the session."""

import pytest
from playwright.sync_api import expect

from tests.support import axe_violations, browser_sign_in, make_settings, make_user
from tracker.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(database_url):
    # Two idle minutes: the warning (two minutes before) shows at once.
    return make_settings(database_url, session_idle_minutes=2)


def test_warning_shows_and_stay_signed_in_keeps_the_session(page, live_server):
    make_user("sam", Role.HMPPS_SCRUTINY)
    browser_sign_in(page, live_server, "sam")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    dialog.wait_for(state="visible")
    assert axe_violations(page) == []
    with page.expect_response("**/session/keep-alive") as response:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert response.value.status == 204
    page.reload()
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()


def test_signed_out_page_after_timeout_explains_why(page, live_server):
    page.goto(f"{live_server.url}/login?timed_out=1")
    expect(page.get_by_text("You were signed out because you did nothing for a while")).to_be_visible()
