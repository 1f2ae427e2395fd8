"""JOURNEYS.md, "An administrator — keep the service trustworthy", walked by clicking: adds a user
who sets their own password and two-step sign-in through a one-time link (shown to the
administrator once, to send; it works once); changes a user's roles; deactivates a leaver, whose
open session and API token end at once; reactivates a returner; adds a one-off bank
holiday and sees the deadline it moved; finds who read HMP Example's debrief note, and when; and
`tracker audit verify` says the log is intact."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.journeys.walk import look, open_from_header
from tests.support import (
    api_token,
    browser_sign_in,
    make_establishment,
    make_inspection,
    make_user,
    principal_of,
    record_fact,
    run,
)
from tracker.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TODAY = date(2025, 3, 24)
NEW_PASSWORD = "lantern-orchard-pebble-42"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("tracker.clock.today_london", lambda: TODAY)
    return TODAY


def build_world() -> dict:
    """HMP Example's fact check is due Monday 31 March 2025 (draft received 10 March); a team
    leader has read its debrief note; a leaver is signed in; a returner was deactivated."""
    from tracker import audit
    from tracker.tables import AppUser

    example = make_establishment("HMP Example")
    make_establishment("HMP Leeds", code="LEE")
    make_user("ada", Role.ADMIN)
    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    make_user("mover", Role.HMIP_INSPECTOR)
    make_user("leaver", Role.ESTABLISHMENT, establishment_ids=[example])
    make_user("returner", Role.HMPPS_SCRUTINY)
    run(AppUser.update({AppUser.active: False}).where(AppUser.username == "returner"))
    inspection = make_inspection(example, end=date(2025, 2, 7), team_leader_id=lead, today=TODAY)
    for kind, on in (
        ("debrief_held", date(2025, 2, 7)),
        ("debrief_note_sent", date(2025, 2, 7)),
        ("draft_sent", date(2025, 3, 10)),
    ):
        record_fact(inspection, kind, on, today=TODAY)
    run(
        audit.record(
            "debrief_note.view",
            principal=principal_of("lead"),
            object_type="inspection",
            object_id=inspection,
        )
    )
    return {"example": example, "inspection": inspection}


def _user_row(page, username: str):
    return page.get_by_role("table").locator("tr", has=page.get_by_role("cell", name=username, exact=True))


def _adds_a_liaison_officer(page) -> str:
    open_from_header(page, "Administration", "Users")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    look(page)
    page.get_by_label("Username").fill("liaison")
    page.get_by_label("Full name").fill("Lia Ison")
    page.get_by_label("Email address (optional)").fill("lia.ison@justice.gov.uk")
    page.get_by_label("Establishment", exact=True).check()
    page.get_by_role("group", name="Establishments (for establishment users)").get_by_label(
        "HMP Example"
    ).check()
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("User liaison created")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Make their password link").click()
    expect(page.get_by_role("heading", name="Password link for liaison")).to_be_visible()
    expect(page.get_by_text("It works once, for")).to_be_visible()
    link = page.locator("code.app-password-link").inner_text().strip()
    look(page)
    return link


def _new_user_sets_password_and_two_step(browser, link: str, live_server) -> None:
    import pyotp

    context = browser.new_context()
    page = context.new_page()
    page.goto(link)  # the link arrives by a channel only they read; they follow it
    expect(page.get_by_role("heading", name="Create your password")).to_be_visible()
    look(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("liaison")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Lia Ison")).to_be_visible()
    look(page)
    open_from_header(page, "Establishments")  # scoped to their establishment
    expect(page.get_by_role("link", name="HMP Example")).to_be_visible()
    expect(page.get_by_text("HMP Leeds")).to_have_count(0)
    look(page)
    open_from_header(page, "Your account", "Two-step sign-in")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    look(page)
    secret = page.locator("code.app-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your authenticator app is set up")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
    # the link worked once: followed again, it no longer works
    page.goto(link)
    expect(page.get_by_role("heading", name="Create your password")).to_have_count(0)
    look(page)
    context.close()


def _changes_roles(page) -> None:
    open_from_header(page, "Administration", "Users")
    page.get_by_role("link", name="Change mover’s details").click()
    page.get_by_label("HMIP team leader").check()
    look(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mover’s details have been changed")).to_be_visible()
    expect(_user_row(page, "mover")).to_contain_text("HMIP inspector, HMIP team leader")
    look(page)


def _deactivates_a_leaver_whose_session_ends(page, leaver_page, live_server) -> None:
    token = {"Authorization": f"Bearer {api_token('leaver')}"}
    assert page.request.get(f"{live_server.url}/api/v1/me", headers=token).status == 200
    page.get_by_role("link", name="Deactivate leaver").click()
    expect(page.get_by_role("heading", name="Check before you deactivate Leaver")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Deactivate Leaver").click()
    expect(page.get_by_text("Leaver has been deactivated.")).to_be_visible()
    expect(_user_row(page, "leaver")).to_contain_text("Deactivated")
    look(page)
    open_from_header(leaver_page, "My work")  # their next click
    expect(leaver_page.get_by_role("button", name="Sign in")).to_be_visible()
    look(leaver_page)
    assert page.request.get(f"{live_server.url}/api/v1/me", headers=token).status == 401  # and their token


def _reactivates_a_returner(page) -> None:
    page.get_by_role("link", name="Reactivate returner").click()
    expect(page.get_by_role("heading", name="Reactivate Returner?")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Reactivate Returner").click()
    expect(page.get_by_text("Returner has been reactivated. They can sign in again.")).to_be_visible()
    expect(_user_row(page, "returner")).to_contain_text("Active")
    look(page)


def _adds_a_bank_holiday(page) -> None:
    open_from_header(page, "Administration", "Bank holidays")
    expect(page.get_by_role("heading", name="Bank holidays")).to_be_visible()
    look(page)
    page.get_by_label("Day", exact=True).fill("28")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Name of the holiday").fill("Extra bank holiday")
    page.get_by_label("Reason for the change").fill("Announced by the government")
    page.get_by_role("button", name="Add the holiday and recompute deadlines").click()
    expect(page.get_by_role("heading", name="Bank holiday added")).to_be_visible()
    expect(page.get_by_text("1 due date moved")).to_be_visible()
    moved = page.get_by_role("row", name="HMP Example")
    expect(moved).to_contain_text("Monday 31 March 2025")
    expect(moved).to_contain_text("Tuesday 1 April 2025")
    look(page)


def _finds_who_read_the_debrief_note(page) -> None:
    from tests.support import audit_rows
    from tracker.templating import govuk_datetime

    read = audit_rows("debrief_note.view")[0]
    open_from_header(page, "Administration", "Audit log")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    look(page)
    page.get_by_label("About", exact=True).fill("HMP Example")
    page.get_by_label("Action", exact=True).fill("read the debrief note")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table").get_by_role("caption")).to_have_text("1 entry")
    row = page.get_by_role("table").locator("tbody tr")
    expect(row).to_contain_text("Lead")
    expect(row).to_contain_text("read the debrief note")
    expect(row).to_contain_text("HMP Example")
    expect(row).to_contain_text(govuk_datetime(read["at"]))
    look(page)


def _audit_log_is_intact(database_url: str) -> None:
    from click.testing import CliRunner

    from tracker.cli import main

    result = CliRunner().invoke(main, ["audit", "verify"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "audit log intact" in result.output


def test_an_administrator_keeps_the_service_trustworthy(browser, page, live_server, today, database_url):
    build_world()
    leaver = browser.new_context().new_page()
    browser_sign_in(leaver, live_server, "leaver")
    expect(leaver.get_by_text("Signed in as Leaver")).to_be_visible()

    browser_sign_in(page, live_server, "ada")
    look(page)
    link = _adds_a_liaison_officer(page)
    _new_user_sets_password_and_two_step(browser, link, live_server)
    _changes_roles(page)
    _deactivates_a_leaver_whose_session_ends(page, leaver, live_server)
    _reactivates_a_returner(page)
    _adds_a_bank_holiday(page)
    _finds_who_read_the_debrief_note(page)
    _audit_log_is_intact(database_url)
