"""Headless Chromium signs in through the real OpenID provider: the provider's own sign-in page,
back to the tracker signed in; and the tokens the tracker must refuse, each with a clear page."""

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import PROVIDER_PASSWORD
from tests.support import audit_rows, axe_violations

pytestmark = pytest.mark.browser


def _through_provider(page, server, login: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_role("button", name="Sign in with Test ID").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_person_signs_in_through_the_provider_and_out_again(page, live_server):
    _through_provider(page, live_server, "ada")

    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    expect(page.get_by_text("HMIP inspector").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def test_signing_out_can_sign_out_of_the_provider_too(page, live_server):
    _through_provider(page, live_server, "ada")
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Sign out of Test ID too").click()
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign out of Test ID too")).to_have_count(0)
    page.goto(f"{live_server.url}/login")
    page.get_by_role("button", name="Sign in with Test ID").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()  # asked again


def test_a_password_user_signing_out_is_offered_no_provider(page, live_server):
    from tests.support import PASSWORD, make_user
    from tracker.roles import Role

    make_user("sam", Role.HMPPS_SCRUTINY)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign out of Test ID too")).to_have_count(0)


@pytest.mark.parametrize(
    ("login", "refusal"),
    [
        ("tamara", "InvalidSignatureError"),
        ("wanda", "InvalidAudienceError"),
        ("ernest", "ExpiredSignatureError"),
    ],
    ids=["tampered", "wrong audience", "expired"],
)
def test_a_token_that_fails_a_check_signs_nobody_in(page, live_server, login, refusal):
    _through_provider(page, live_server, login)

    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert refusal in audit_rows("login.sso")[-1]["detail"]
    assert not audit_rows("login")


def test_a_person_with_no_role_is_told_to_ask_for_one(page, live_server):
    _through_provider(page, live_server, "nora")

    expect(page.get_by_role("heading", name="You do not have access to this service yet")).to_be_visible()
    expect(page.get_by_text("Ask an administrator to give you a role.")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def test_the_sign_in_page_with_providers_has_no_accessibility_violations(page, live_server):
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_role("button", name="Sign in with Test ID")).to_be_visible()
    assert axe_violations(page) == []
