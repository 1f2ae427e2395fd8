"""JOURNEYS.md, "An HMIP inspection team leader — log the debrief, get the report out on time",
steps 1 to 6, walked in a browser by clicking, with every page checked by look() (axe with best
practices at 1280 and 390 px, nothing wider than the phone)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factcheck.helpers import add_point, calendar, record_draft, submit_return
from tests.journeys.walk import look
from tests.support import browser_sign_in, make_establishment, make_inspection, make_user, record_fact
from tracker.roles import Role

pytestmark = pytest.mark.browser

START, END = date(2025, 3, 3), date(2025, 3, 14)  # a full inspection ending Friday 14 March 2025
DRAFT_SENT = date(2025, 4, 28)  # on time: 32 working days after the end is 1 May 2025 (Easter)
RETURNED = date(2025, 5, 16)  # the fact check returned, 14 working days later
RESPONDED = date(2025, 5, 23)  # HMIP's response, within 10 working days
KEYED, PUBLISHED = date(2025, 6, 18), date(2025, 6, 19)  # the date keyed, and the true one
OTHER_DRAFT = date(2025, 5, 1)


def _date(page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"[name='{name}-month']").fill(str(value.month))
    page.locator(f"[name='{name}-year']").fill(str(value.year))


def _milestone(page, key: str):
    return page.locator(f"#milestone-{key}")


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def _world() -> dict:
    example = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("hmipmanager", Role.HMIP_MANAGER)
    inspection = make_inspection(example, start=START, end=END, team_leader_id=leader)
    other = make_inspection(make_establishment("HMP Brookside", code="BRK"), start=START, end=END,
                            team_leader_id=leader)
    northtown = make_inspection(make_establishment("HMP Northtown", code="NTN"), start=START, end=END,
                                team_leader_id=leader)
    for other_inspection in (other, northtown):
        record_fact(other_inspection, "debrief_held", END, by=leader)
        record_fact(other_inspection, "debrief_note_sent", date(2025, 3, 20), by=leader)
    return {"inspection": inspection, "other": other, "leader": leader, "scrutiny": scrutiny}


def _open_inspection(page, name: str = "HMP Example") -> None:
    page.get_by_role("link", name="Inspections", exact=True).click()
    look(page)
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    look(page)


@pytest.mark.slow
def test_team_leader_logs_the_debrief_and_gets_the_report_out_on_time(page, live_server):
    w = _world()
    page.set_default_timeout(15000)
    browser_sign_in(page, live_server, "leader")
    look(page)
    _open_inspection(page)

    # 1. The final debrief, a page at a time: the PGD could not attend and said so in advance.
    page.get_by_role("link", name="Log the final debrief").first.click()
    expect(page.get_by_role("heading", name="When the debrief was held and who attended")).to_be_visible()
    look(page)
    _date(page, "held_on", END)
    page.get_by_label("Governor or Director").check()
    page.get_by_label("Chair of the Independent Monitoring Board").check()
    page.get_by_label("Yes, they told the team leader in advance").check()
    _date(page, "notice_given_on", date(2025, 3, 12))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Indicative healthy prison test judgements")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Continue").click()  # every judgement missing: said at once
    expect(page.locator(".govuk-error-summary li")).to_have_count(4)
    look(page)
    for test, score in (("safety", "2"), ("respect", "3"), ("purposeful_activity", "2"),
                        ("preparation_for_release", "3")):
        page.locator(f"input[name='judgement_{test}'][value='{score}']").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Debrief note")).to_be_visible()
    look(page)
    page.get_by_label("Debrief note", exact=True).fill("Indicative findings: violence is high on C wing.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before recording the debrief")).to_be_visible()
    check = page.locator("#check-attendance")
    expect(check).to_contain_text("14 March 2025")
    expect(check).to_contain_text("Yes, they told the team leader in advance, on 12 March 2025")
    expect(page.locator("#check-judgements")).to_contain_text("2 – not sufficiently good")
    look(page)
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_role("heading", name="Debrief recorded")).to_be_visible()
    expect(page.locator("#note-due")).to_have_text(
        "Debrief note to HMPPS HQ: due Friday 21 March 2025 (the week following)"
    )
    look(page)

    # 2. A week later: the note sent. The timeline shows the draft due and its 7-week limit.
    page.get_by_role("link", name="Record the debrief note sent to HMPPS HQ").click()
    expect(page.get_by_role("heading", name="Debrief note sent to HMPPS HQ")).to_be_visible()
    look(page)
    _date(page, "occurred_on", date(2025, 3, 20))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded: the timeline has been updated")).to_be_visible()
    expect(_milestone(page, "debrief_note_to_hq")).to_contain_text("Done on time")
    expect(_milestone(page, "draft_report")).to_contain_text(
        "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31"
    )
    expect(_milestone(page, "draft_report_limit")).to_contain_text("7 weeks after the inspection ended")
    expect(_milestone(page, "draft_report_limit")).to_contain_text("2 May 2025")
    look(page)

    # 3. The draft sent with its covering letter: the service proposes the indicative publication
    #    date 38 working days later, and refuses one outside 7 to 8 weeks.
    page.get_by_role("link", name="Send the draft report").first.click()
    expect(page.get_by_role("heading", name="Record the draft report sent")).to_be_visible()
    look(page)
    _date(page, "sent", DRAFT_SENT)
    _date(page, "indicative", date(2025, 6, 30))  # 9 weeks after
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The indicative publication date must be between 16 June 2025 and 23 June 2025"
        " (7 to 8 weeks after the draft was sent)"
    )
    look(page)
    for part in ("day", "month", "year"):
        page.locator(f"[name='indicative-{part}']").fill("")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before recording the draft sent")).to_be_visible()
    proposed = calendar().add_working_days(DRAFT_SENT, 38)
    expect(page.get_by_text(f"{_long(proposed)}", exact=False).first).to_be_visible()
    expect(page.get_by_text("Proposed by the service")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Record the draft sent").click()
    expect(page.get_by_text("Draft report recorded as sent")).to_be_visible()
    look(page)
    _sign_out(page)

    # 4. The Scrutiny Team's return (arranged): three accuracy points. The team leader answers
    #    each within 10 working days and downloads the summary for HMPPS.
    points = [add_point(w["inspection"], w["scrutiny"], location=f"Paragraph {n}") for n in (1, 2, 3)]
    submit_return(w["inspection"], w["scrutiny"], RETURNED)
    browser_sign_in(page, live_server, "leader")
    _open_inspection(page)
    page.get_by_role("link", name="Open the fact check").click()
    look(page)
    for number, decision in ((1, "Accepted"), (2, "Partly accepted"), (3, "Not accepted")):
        page.get_by_role("link", name=re.compile(rf"^Answer point {number}$")).click()
        look(page)
        page.get_by_label(decision, exact=True).check()
        if decision == "Partly accepted":
            page.get_by_label("HMIP's reasons").fill("The figure is corrected; the finding stands")
        if decision == "Not accepted":
            page.get_by_label("This is a matter of judgement for HMIP").check()
            page.get_by_label("HMIP's reasons").fill("Based on triangulated evidence")
        page.get_by_role("button", name="Save the answer").click()
        expect(page.get_by_text("Answer recorded")).to_be_visible()
    look(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    summary = download.value.path().read_text()
    assert "Partly accepted" in summary and "matter of judgement" in summary.lower()
    assert len(points) == 3
    page.get_by_role("link", name="Record HMIP's response as sent").click()
    look(page)
    _date(page, "sent", RESPONDED)
    page.get_by_role("button", name="Record response sent").click()
    expect(page.get_by_text("HMIP's response recorded as sent")).to_be_visible()
    look(page)

    # 5. The ready-to-publish checklist, publication, and whether the 14-week aim was met.
    page.get_by_role("link", name="Ready to publish checklist").click()
    expect(page.get_by_role("heading", name="Publication", exact=True)).to_be_visible()
    look(page)
    _date(page, "shared", date(2025, 6, 13))
    page.get_by_role("button", name="Record press release shared").click()
    expect(page.get_by_text("Ready to publish.")).to_be_visible()
    look(page)
    _date(page, "published", KEYED)
    page.get_by_label("Link to the published report").fill("https://hmiprisons.justiceinspectorates.gov.uk/example")
    page.get_by_role("button", name="Continue").click()
    look(page)
    page.get_by_role("button", name="Record publication").click()
    expect(page.get_by_text("Publication recorded")).to_be_visible()
    expect(page.locator("#aim")).to_contain_text("Met: published")
    expect(page.locator("#aim")).to_contain_text("20 June 2025")  # 14 weeks after 14 March
    look(page)

    # The publication date was keyed wrongly: corrected with a reason; the history keeps both.
    _open_inspection(page)
    page.get_by_text("Correct an entry").click()
    page.get_by_role("link", name=re.compile(r"^Correct the entry .*18 June 2025$")).click()
    look(page)
    _date(page, "occurred_on", PUBLISHED)
    page.get_by_label("Why is the record being corrected?").fill("Keyed as the 18th; published on the 19th")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before correcting the record")).to_be_visible()
    expect(page.locator("#corrected-to")).to_have_text("19 June 2025")
    look(page)
    page.get_by_role("button", name="Confirm the correction").click()
    expect(page.locator("#corrected")).to_contain_text("19 June 2025, corrected from 18 June 2025")
    look(page)
    _open_inspection(page)
    timeline = page.locator(".moj-timeline")
    expect(timeline.locator("del", has_text="18 June 2025")).to_be_visible()
    expect(timeline.get_by_text("Keyed as the 18th; published on the 19th")).to_be_visible()
    expect(timeline.get_by_text("19 June 2025").first).to_be_visible()
    _sign_out(page)

    # The Scrutiny Team asks for two more days on another fact check; an HMIP manager records the
    # agreed extension; the original date stays visible.
    record_draft(w["other"], OTHER_DRAFT, w["leader"])
    browser_sign_in(page, live_server, "hmipmanager")
    _open_inspection(page, "HMP Brookside")
    row = _milestone(page, "factcheck_return")
    original = calendar().add_working_days(OTHER_DRAFT, 15)
    expect(row).to_contain_text(_long(original))
    row.get_by_role("link", name=re.compile("^Extend")).click()
    look(page)
    extended = calendar().add_working_days(original, 2)
    _date(page, "new_due", extended)
    page.get_by_label("Who agreed the extension").fill("Jo Smith, HMIP; Sam Lee, HMPPS Scrutiny Team")
    page.get_by_label("Why is the deadline extended?").fill("Two more days asked for by the Scrutiny Team")
    page.get_by_role("button", name="Extend the deadline").click()
    row = _milestone(page, "factcheck_return")
    expect(row).to_contain_text(_long(extended))
    expect(row).to_contain_text(f"extended from {_long(original)}")
    look(page)
    _sign_out(page)

    # 6. On another inspection: grave concerns. An urgent notification, the letter to the
    #    Secretary of State (7 days), its publication 24 hours later, and the response (28 days).
    browser_sign_in(page, live_server, "leader")
    _open_inspection(page, "HMP Northtown")
    page.get_by_role("link", name="Raise an urgent notification").click()
    look(page)
    page.get_by_label("Why is an urgent notification being raised?").fill("Grave concerns about safety")
    page.get_by_role("button", name="Raise urgent notification").click()
    letter = _milestone(page, "un_letter")
    expect(letter).to_contain_text("Friday 21 March 2025")
    expect(letter).to_contain_text("7 calendar days after the inspection ended")
    look(page)
    page.get_by_role("link", name="Record the letter sent to the Secretary of State").first.click()
    look(page)
    _date(page, "occurred_on", date(2025, 3, 19))
    page.locator("#hour").fill("14")
    page.locator("#minute").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(_milestone(page, "un_letter")).to_contain_text("Done on time")
    expect(_milestone(page, "un_publication")).to_contain_text("20 March 2025 at 2:30pm")
    expect(_milestone(page, "sos_response")).to_contain_text("Wednesday 16 April 2025")
    look(page)
    page.get_by_role("link", name="Record the letter published").first.click()
    look(page)
    _date(page, "occurred_on", date(2025, 3, 20))  # 24 hours after the letter: not before, nor after
    page.locator("#hour").fill("14")
    page.locator("#minute").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(_milestone(page, "un_publication")).to_contain_text("Done on time")
    look(page)
    page.get_by_role("link", name="Record the Secretary of State's response").first.click()
    look(page)
    _date(page, "occurred_on", date(2025, 4, 15))
    page.get_by_label("Link to the published response or letter").fill("https://www.gov.uk/government/publications/example")
    page.get_by_role("button", name="Save").click()
    sos = _milestone(page, "sos_response")
    expect(sos).to_contain_text("Done on time")
    expect(sos).to_contain_text("28 calendar days")
    look(page)
