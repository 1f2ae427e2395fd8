"""Headless Chromium walks the inspections journeys; axe finds no WCAG 2.2 A/AA violation."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.inspections.helpers import END, save_note, world
from tests.support import (
    axe_violations,
    browser_sign_in,
    make_establishment,
    make_inspection,
    stored_milestones,
)

pytestmark = pytest.mark.browser


def _date(page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"[name='{name}-month']").fill(str(value.month))
    page.locator(f"[name='{name}-year']").fill(str(value.year))


def _milestone_row(page, key: str):
    return page.locator(f"#milestone-{key}")


@pytest.mark.slow
def test_team_leader_creates_an_inspection_logs_the_debrief_and_raises_an_urgent_notification(
    page, live_server
):
    w = world()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "leader")
    page.get_by_role("link", name="Inspections", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add an inspection").click()
    expect(page.get_by_role("heading", name="Add an inspection")).to_be_visible()
    assert axe_violations(page) == []

    # A mistake first: the last day before the first day.
    page.select_option("#establishment", label="HMP Example")
    page.get_by_role("radio", name="Full inspection").check()
    _date(page, "start_date", date(2025, 3, 20))
    _date(page, "end_date", END)
    page.get_by_role("radio", name="No, unannounced").check()
    page.get_by_role("checkbox", name="Inspector", exact=True).check()
    page.get_by_role("button", name="Save inspection").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role(
        "link", name="The last day must be the same as or after the first day"
    )).to_be_visible()
    assert axe_violations(page) == []
    _date(page, "start_date", date(2025, 3, 3))
    page.get_by_role("button", name="Save inspection").click()
    expect(page.get_by_text("Inspection added")).to_be_visible()
    assert axe_violations(page) == []
    inspection_id = int(page.url.split("/inspections/")[1].split("?")[0])
    draft = _milestone_row(page, "draft_report")
    assert "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31" in draft.inner_text()
    assert (
        "Waiting" in _milestone_row(page, "debrief_note_to_hq").inner_text()
        or "Friday 21 March 2025" in _milestone_row(page, "debrief_note_to_hq").inner_text()
    )

    # The final debrief: the PGD could not attend and said so in advance.
    page.get_by_role("link", name="Log the final debrief").first.click()
    expect(page.get_by_role("heading", name="When the debrief was held and who attended")).to_be_visible()
    assert axe_violations(page) == []
    _date(page, "held_on", END)
    page.get_by_label("Governor or Director").check()
    page.get_by_label("Chair of the Independent Monitoring Board").check()
    page.get_by_label("Yes, they told the team leader in advance").check()
    _date(page, "notice_given_on", date(2025, 3, 12))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Indicative healthy prison test judgements")).to_be_visible()
    for test, score in (
        ("safety", "2"),
        ("respect", "3"),
        ("purposeful_activity", "2"),
        ("preparation_for_release", "3"),
    ):
        page.locator(f"input[name='judgement_{test}'][value='{score}']").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Debrief note", exact=True).fill("Indicative findings: violence is high on C wing.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before recording the debrief")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_role("heading", name="Debrief recorded")).to_be_visible()
    expect(page.get_by_text(
        "Debrief note to HMPPS HQ: due Friday 21 March 2025 (the week following)"
    )).to_be_visible()
    assert axe_violations(page) == []
    assert stored_milestones(inspection_id)["debrief"]["status"] == "done_on_time"

    # A week later: the note sent to HMPPS HQ.
    page.get_by_role("link", name="Record the debrief note sent to HMPPS HQ").click()
    expect(page.get_by_role("heading", name="Debrief note sent to HMPPS HQ")).to_be_visible()
    assert axe_violations(page) == []
    _date(page, "occurred_on", date(2025, 3, 20))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded: the timeline has been updated")).to_be_visible()
    assert "Done on time" in _milestone_row(page, "debrief_note_to_hq").inner_text()
    assert "Draft report to the Scrutiny Team: latest date" in page.content()
    assert "7 weeks after the inspection ended" in _milestone_row(page, "draft_report_limit").inner_text()
    assert axe_violations(page) == []

    # Grave concerns: an urgent notification.
    page.get_by_role("link", name="Raise an urgent notification").click()
    assert axe_violations(page) == []
    page.get_by_label("Why is an urgent notification being raised?").fill("Grave concerns about safety")
    page.get_by_role("button", name="Raise urgent notification").click()
    letter = _milestone_row(page, "un_letter")
    assert "Friday 21 March 2025" in letter.inner_text()
    assert "7 calendar days after the inspection ended" in letter.inner_text()
    page.get_by_role("link", name="Record the letter sent to the Secretary of State").click()
    _date(page, "occurred_on", date(2025, 3, 19))
    page.locator("#hour").fill("14")
    page.locator("#minute").fill("30")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    assert "Done on time" in _milestone_row(page, "un_letter").inner_text()
    assert "20 March 2025 at 2:30pm" in _milestone_row(page, "un_publication").inner_text()
    assert "Wednesday 16 April 2025" in _milestone_row(page, "sos_response").inner_text()
    expect(page.locator(".moj-timeline")
        .get_by_text("Urgent notification letter sent to the Secretary of State")).to_be_visible()
    assert axe_violations(page) == []
    assert w["a"]


def test_establishment_user_sees_their_inspection_and_note_and_not_another(page, live_server):
    w = world()
    save_note(w["ia"], "Our debrief note text")
    save_note(w["ib"], "Their secret debrief note")
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "governor")
    page.get_by_role("link", name="Inspections", exact=True).click()
    expect(page.get_by_role("cell", name="HMP Example", exact=True)).to_be_visible()
    assert page.get_by_text("HMP Elsewhere").count() == 0
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/inspections/{w['ia']}")
    expect(page.get_by_role("heading", name="HMP Example")).to_be_visible()
    assert "Record what happened" not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Read the debrief note (OFFICIAL-SENSITIVE)").click()
    expect(page.get_by_role("heading", name="Debrief note")).to_be_visible()
    expect(page.get_by_text("Our debrief note text")).to_be_visible()
    expect(page.get_by_text("OFFICIAL-SENSITIVE").first).to_be_visible()
    assert axe_violations(page) == []
    for path in (
        f"/inspections/{w['ib']}",
        f"/inspections/{w['ib']}/debrief-note",
        f"/establishments/{w['b']}",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        assert "Elsewhere" not in page.content() and "secret" not in page.content()
    assert axe_violations(page) == []


def test_manager_reads_the_programme(page, live_server):
    from datetime import timedelta

    from tracker.clock import today_london

    w = world()
    old = make_establishment("HMP Overdue")
    make_inspection(old, end=today_london() - timedelta(days=6 * 365))
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "hmipmanager")
    page.get_by_role("link", name="Programme", exact=True).click()
    expect(page.get_by_role("heading", name="Inspection programme")).to_be_visible()
    expect(page.get_by_role("link", name="HMP Overdue").first).to_be_visible()
    expect(page.get_by_text("against 15 to 20 a year")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="HMP Overdue").first.click()
    expect(page.get_by_role("heading", name="HMP Overdue")).to_be_visible()
    assert axe_violations(page) == []
    assert w["a"]


def test_list_filters_update_in_place_with_htmx(page, live_server):
    from tests.support import record_fact

    w = world()
    record_fact(w["ia"], "draft_sent", date(2025, 4, 28))
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "hmipmanager")
    page.goto(f"{live_server.url}/inspections")
    expect(page.get_by_text("2 inspections")).to_be_visible()
    page.select_option("#stage", "fact_check")
    page.get_by_text("1 inspection", exact=True).wait_for()
    assert "stage=fact_check" in page.url
    assert axe_violations(page) == []


def test_debrief_and_list_work_without_javascript(browser, live_server):
    w = world()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10000)
    browser_sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/inspections?stage=drafting")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 inspections")).to_be_visible()
    page.goto(f"{live_server.url}/inspections/{w['ia']}/debrief")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")
        .get_by_role("link", name="Select who attended the debrief")).to_be_visible()
    _date(page, "held_on", END)
    page.get_by_label("Governor or Director").check()
    page.get_by_label("Prison Group Director", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    for test in ("safety", "respect", "purposeful_activity", "preparation_for_release"):
        page.locator(f"input[name='judgement_{test}'][value='3']").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")
        .get_by_role("link", name="Enter the debrief note, or upload it as a file")).to_be_visible()
    page.get_by_label("Debrief note", exact=True).fill("Key judgements: safety needs attention.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Back").click()  # the back link keeps every answer
    expect(page.get_by_label("Debrief note", exact=True)).to_have_value("Key judgements: safety needs attention.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("3 – reasonably good").first).to_be_visible()
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_text(
        "Debrief note to HMPPS HQ: due Friday 21 March 2025 (the week following)"
    )).to_be_visible()
    context.close()
