"""Headless Chromium: the Scrutiny Team drops a proposal (confirmed, then undone) and the team
leader publishes over HMPPS's objection to non-Hub data (MoU ¶31), axe on every page state."""

import pytest
from playwright.sync_api import expect

from tests.factcheck.helpers import add_data_item, add_point, by, record_draft, today, working_days_ago
from tests.support import axe_violations, browser_sign_in, make_establishment, make_inspection, make_user, run
from tracker.roles import Role

pytestmark = pytest.mark.browser


def _axe(page):
    assert axe_violations(page) == [], page.url


def test_drop_with_undo_and_publishing_over_an_objection(page, live_server):
    from factcheck.operations import data
    from factcheck.operations.draft import share_draft

    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    record_draft(inspection, working_days_ago(5), leader)
    run(share_draft(by(scrutiny), inspection))
    add_point(inspection, governor, proposal=True, location="Page 4")
    item = add_data_item(inspection, leader, source="hmpps_other", notified_on=working_days_ago(3))
    run(
        data.respond_to_data_item(
            by(scrutiny), inspection, item["id"], "objection", "Not yet validated", "", today(), today=today()
        )
    )
    base = f"{live_server.url}/inspections/{inspection}"

    browser_sign_in(page, live_server, "scrutiny")
    page.goto(f"{base}/factcheck/points")
    page.get_by_role("link", name="Drop proposal 1").click()
    expect(page.get_by_role("heading", name="Are you sure you want to drop proposal 1?")).to_be_visible()
    _axe(page)
    page.get_by_role("button", name="Drop the proposal").click()
    expect(page.get_by_text("Proposal dropped")).to_be_visible()
    _axe(page)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("1 proposal waiting for a decision")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    browser_sign_in(page, live_server, "leader")
    page.goto(f"{base}/factcheck")
    page.get_by_role(
        "link", name="Publish over the objection to Use of force incidents, last 12 months"
    ).click()
    _axe(page)
    page.get_by_role("button", name="Publish over the objection").click()
    expect(
        page.locator(".govuk-error-summary").get_by_text("Enter why HMIP is publishing over the objection")
    ).to_be_visible()
    _axe(page)
    page.get_by_label("Why is HMIP publishing over the objection?").fill(
        "Checked against the prison's records"
    )
    page.get_by_role("button", name="Publish over the objection").click()
    expect(page.get_by_text("HMIP is publishing over the objection", exact=True)).to_be_visible()
    expect(page.get_by_text("HMIP's reason: Checked against the prison's records")).to_be_visible()
    _axe(page)
    page.goto(f"{base}/publication")
    expect(page.get_by_text("HMIP is publishing over 1 objection (MoU ¶31)", exact=False)).to_be_visible()
