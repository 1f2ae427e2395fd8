"""JOURNEYS.md "The Governor's office at HMP Example — answer the report and keep the plan current",
walked in Chromium by clicking, on the journey's own dates: the report published 10 June 2026, the
action plan due 10 September 2026 (MoU ¶37), the plan kept current into 2027.

The service's clock (tracker.clock) is moved to each day of the story; the other parties (the
Scrutiny Team, the Executive Director, HMIP) act in a second browser. Every page the governor's
office reaches is looked at (axe with best practices at 1280 and 390 px, nothing wider than the
phone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.request import urlopen

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.actionplans.helpers import make_recommendations
from tests.journeys.walk import look
from tests.support import (
    PASSWORD,
    make_establishment,
    make_inspection,
    make_user,
    publish_report,
    record_fact,
    run,
)
from tracker import clock
from tracker.clock import LONDON
from tracker.roles import Role

pytestmark = pytest.mark.browser

END = date(2026, 3, 13)
PUBLISHED = date(2026, 6, 10)
RECOMMENDATIONS = 24
PARTLY = "R20"
NOT_AGREED = "R24"
COMMENT = "Make the actions for R1 and R2 specific: who checks what, and how often"
AUTUMN, WINTER, SPRING = date(2026, 9, 30), date(2026, 11, 30), date(2027, 3, 31)


class StoryClock:
    """Moves the service's clock (tracker.clock, which every page and operation asks) to a day of
    the story, at 10:00 in London; time still runs from there."""

    def __init__(self, monkeypatch) -> None:
        real = datetime
        self.offset = timedelta(0)
        story = self

        class Shifted(datetime):
            @classmethod
            def now(cls, tz=None):
                return real.now(tz) + story.offset

        monkeypatch.setattr(clock, "datetime", Shifted)
        self.real = real

    def go_to(self, day: date) -> None:
        self.offset = datetime.combine(day, time(10), LONDON) - self.real.now(UTC)


@pytest.fixture
def story(monkeypatch):
    return StoryClock(monkeypatch)


def sign_in(page, server, username: str) -> None:
    """As tests.support.browser_sign_in, with the authenticator code of the service's (moved) time."""
    import pyotp

    from tracker import twofactor
    from tracker.tables import AppUser

    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):
        row = run(AppUser.select(AppUser.id).where(AppUser.username == username).first())
        code = pyotp.TOTP(run(twofactor.seed_of(row["id"]))).at(clock.now_utc())
        page.get_by_label("Enter the code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def arrange_the_world() -> dict:
    """HMP Example's report published 10 June 2026 with 24 recommendations; HMP Other's published a
    week later (its deadlines must never reach HMP Example); the people of every party."""
    example = make_establishment("HMP Example", prison_group="Yorkshire")
    other = make_establishment("HMP Other", prison_group="London")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[example])
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("hmppsmanager", Role.HMPPS_MANAGER, prison_group="Yorkshire")
    make_user("hmipmanager", Role.HMIP_MANAGER)
    inspection = make_inspection(example, start=END - timedelta(days=11), end=END)
    record_fact(inspection, "debrief_held", END)
    record_fact(inspection, "debrief_note_sent", END + timedelta(days=3))
    publish_report(inspection, END, PUBLISHED)
    record_fact(inspection, "press_release_shared", PUBLISHED - timedelta(days=5))
    recs = make_recommendations(inspection, RECOMMENDATIONS)
    other_inspection = make_inspection(other, start=date(2026, 3, 9), end=date(2026, 3, 20))
    publish_report(other_inspection, date(2026, 3, 20), date(2026, 6, 17))
    make_recommendations(other_inspection, 3)
    return {"example": example, "inspection": inspection, "recs": recs}


def calendar_events(address: str) -> list[tuple[str, date]]:
    """What a calendar app subscribed to the address shows: (summary, day) of every event."""
    with urlopen(address) as response:  # noqa: S310 - the feed on loopback, as Outlook fetches it
        calendar = Calendar.from_ical(response.read())
    return [(str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")]


def target_for(number: int) -> date:
    return AUTUMN if number <= 8 else WINTER if number <= 16 else SPRING


def fill_in(path) -> None:
    """The governor's office answers every recommendation in the downloaded template."""
    workbook = load_workbook(path)
    sheet = workbook["Action plan"]
    for row in range(2, RECOMMENDATIONS + 2):
        reference = sheet.cell(row=row, column=1).value
        number = int(reference[1:])
        if reference == NOT_AGREED:
            sheet.cell(row=row, column=3, value="Not agreed")
            sheet.cell(row=row, column=4, value="The regime is set nationally, not by the prison")
            continue
        if reference == PARTLY:
            sheet.cell(row=row, column=3, value="Partly agreed")
            sheet.cell(row=row, column=4, value="The staffing part")
        else:
            sheet.cell(row=row, column=3, value="Agreed")
        sheet.cell(row=row, column=5, value=f"Action for {reference}")
        sheet.cell(row=row, column=6, value="Head of Safety")
        sheet.cell(row=row, column=7, value=datetime.combine(target_for(number), time()))
        sheet.cell(row=row, column=8, value="Not started")
    workbook.save(path)


def set_target(path, row: int, day: date) -> None:
    workbook = load_workbook(path)
    workbook["Action plan"].cell(row=row, column=7, value=datetime.combine(day, time()))
    workbook.save(path)


def scrutiny_returns_it(staff, server) -> None:
    """The Scrutiny Team, in its own browser, returns the plan from its home page."""
    sign_in(staff, server, "scrutiny")
    staff.get_by_role("link", name="HMP Example").click()
    staff.get_by_label("Return it to the establishment with comments").check()
    staff.get_by_label("Comments for the establishment").fill(COMMENT)
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator(".govuk-panel").get_by_text("Action plan returned to the establishment")).to_be_visible()
    sign_out(staff)


def the_other_parties_take_it_to_publication(staff, server, story: StoryClock) -> None:
    """MoU ¶37, each from its home page: quality-assured (Scrutiny Team), cleared (the
    establishment's HMPPS manager, the Executive Director), made available (Scrutiny Team, before
    10 September), published on HMIP's website (HMIP)."""
    story.go_to(date(2026, 7, 22))
    sign_in(staff, server, "scrutiny")
    staff.get_by_role("link", name="HMP Example").click()
    staff.get_by_label("Accept the action plan").check()
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator(".govuk-panel").get_by_text("Action plan quality-assured")).to_be_visible()
    sign_out(staff)
    story.go_to(date(2026, 7, 29))
    sign_in(staff, server, "hmppsmanager")
    staff.get_by_role("link", name="HMP Example").click()
    staff.get_by_role("button", name="Clear action plan").click()
    expect(staff.locator(".govuk-panel").get_by_text("Action plan cleared")).to_be_visible()
    sign_out(staff)
    story.go_to(date(2026, 8, 3))
    sign_in(staff, server, "scrutiny")
    staff.get_by_role("link", name="HMP Example").click()
    staff.get_by_role("button", name="Make the action plan available").click()
    expect(staff.get_by_text("It was available on time")).to_be_visible()
    sign_out(staff)
    story.go_to(date(2026, 8, 10))
    sign_in(staff, server, "hmipmanager")
    staff.get_by_role("link", name="HMP Example", exact=True).click()
    staff.get_by_label("Link to the published action plan on HMIP's website").fill(
        "https://hmiprisons.justice.gov.uk/hmp-example-action-plan"
    )
    staff.get_by_role("button", name="Continue").click()
    staff.get_by_role("button", name="Record publication").click()
    expect(staff.locator(".govuk-panel").get_by_text("Action plan published on HMIP's website")).to_be_visible()
    sign_out(staff)


@pytest.mark.slow
def test_the_governors_office_answers_the_report_and_keeps_the_plan_current(
    page, browser, live_server, story, tmp_path
):
    story.go_to(date(2026, 7, 6))
    world = arrange_the_world()

    # 1. Signs in; sees only HMP Example: published 10 June, the action plan due 10 September.
    sign_in(page, live_server, "governor")
    expect(page.get_by_text(
        "HMP Example, full inspection ending 13 March 2026: the report was published 10 June 2026, "
        "the action plan is due 10 September 2026"
    )).to_be_visible()
    expect(page.get_by_text("HMP Other")).to_have_count(0)
    look(page)

    # 6. (taken here, while the plan's deadline is open) Subscribes to the calendar feed.
    page.get_by_role("link", name="My work").click()
    look(page)
    page.get_by_role("link", name="Everything open").click()
    mine = page.get_by_role("row", name="HMP Example")
    expect(mine).to_contain_text("Action plan in place and available")
    expect(mine).to_contain_text("10 September 2026")
    look(page)
    page.get_by_role("link", name="Get these deadlines in your calendar").click()
    look(page)
    page.get_by_role("button", name="Make a calendar feed address").click()
    address = page.get_by_label("Copy this address into your calendar").input_value()
    look(page)
    events = calendar_events(address)
    assert ("HMP Example: Action plan in place and available due", date(2026, 9, 10)) in events
    assert not [summary for summary, _ in events if "HMP Other" in summary]
    page.get_by_role("link", name="Inspection tracker").click()

    # 2. Downloads the template pre-filled with the report's 24 recommendations, and fills it in.
    page.get_by_role("link", name="Start the action plan").click()
    look(page)
    page.get_by_role("button", name="Start the action plan").click()
    expect(page.get_by_role("heading", name="Action plan", exact=True)).to_be_visible()
    expect(page.get_by_text("0 of 24 recommendations answered")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Fill from a spreadsheet").click()
    expect(page.get_by_role("heading", name="Fill the action plan from a spreadsheet")).to_be_visible()
    look(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the action plan template (Excel)").click()
    path = tmp_path / "HMP Example action plan.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)["Action plan"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 27)] == [
        *(f"R{n}" for n in range(1, 25)), None
    ]
    assert sheet.cell(row=2, column=2).value == "Recommendation number 1: leaders should improve area 1."
    fill_in(path)
    set_target(path, 8, date(2026, 6, 30))  # R7's target typed as last month's

    # 3. Uploads it: the row dated in the past is named and nothing is saved; fixed, uploaded again.
    page.get_by_label("Upload the filled-in spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload spreadsheet").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("There is a problem with 1 row: nothing has been saved")).to_be_visible()
    expect(summary.get_by_role("link", name="Row 8: target date must be in the future")).to_be_visible()
    look(page)
    set_target(path, 8, AUTUMN)
    page.get_by_label("Upload the filled-in spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload spreadsheet").click()
    expect(page.get_by_text("The spreadsheet has been read")).to_be_visible()
    expect(page.get_by_text("24 of 24 recommendations answered; 23 actions")).to_be_visible()
    r7 = page.locator(f"#rec-{world['recs'][6]}")
    expect(r7.get_by_role("cell", name="30 September 2026")).to_be_visible()
    expect(page.locator(f"#rec-{world['recs'][19]}").get_by_text("Agreed part: The staffing part")).to_be_visible()
    expect(page.locator(f"#rec-{world['recs'][23]}").get_by_text(
        "Reason: The regime is set nationally, not by the prison"
    )).to_be_visible()
    look(page)
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Check your action plan before submitting it")).to_be_visible()
    expect(page.get_by_text("The action plan is due 10 September 2026")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Submit action plan").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan submitted")).to_be_visible()
    expect(page.get_by_text("The deadline is met when the plan is available, not when it is submitted")).to_be_visible()
    look(page)
    sign_out(page)

    # 4. The Scrutiny Team returns it with a comment ...
    staff = browser.new_context().new_page()
    story.go_to(date(2026, 7, 13))
    scrutiny_returns_it(staff, live_server)

    # ... the governor's office changes two actions in the browser and resubmits ...
    story.go_to(date(2026, 7, 15))
    sign_in(page, live_server, "governor")
    expect(page.get_by_text("It is returned with comments.")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Go to the action plan").click()
    expect(page.get_by_text("Returned by Scrutiny on 13 July 2026: change the plan and submit it again.")).to_be_visible()
    expect(page.locator("#qa-comment")).to_contain_text(COMMENT)
    look(page)
    for number in (1, 2):
        block = page.locator(f"#rec-{world['recs'][number - 1]}")
        block.get_by_role("link", name=f"Change action 1 for R{number}").click()
        block.get_by_label("Action", exact=True).fill(f"Weekly audit of R{number} cell checks by the safety team")
        block.get_by_role("button", name="Save action").click()
        expect(block.get_by_text("Action saved")).to_be_visible()
        expect(block.get_by_role("cell", name=f"Weekly audit of R{number} cell checks by the safety team")).to_be_visible()
        look(page)
    page.get_by_role("link", name="Check and submit").click()
    look(page)
    page.get_by_role("button", name="Submit action plan").click()
    expect(page.locator(".govuk-panel").get_by_text("Action plan submitted")).to_be_visible()
    sign_out(page)

    # ... it is quality-assured, cleared by the Executive Director, made available and published.
    the_other_parties_take_it_to_publication(staff, live_server, story)
    staff.context.close()

    # 5. Months later: records progress on actions; the overdue ones are flagged.
    story.go_to(date(2027, 1, 18))
    make_inspection(world["example"], start=date(2027, 2, 1), end=date(2027, 2, 12))
    sign_in(page, live_server, "governor")
    expect(page.get_by_text("16 actions past their target date")).to_be_visible()
    expect(page.get_by_role("link", name="R1: Weekly audit of R1 cell checks by the safety team")).to_be_visible()
    look(page)
    page.get_by_role("link", name="See all 16 in the action plan").click()
    expect(page.get_by_text("24 of 24 recommendations answered; 23 actions, 16 overdue")).to_be_visible()
    page.locator(f"#rec-{world['recs'][0]}").get_by_role("link", name="Progress of action 1 for R1").click()
    expect(page.get_by_role("heading", name="Progress on an action")).to_be_visible()
    look(page)
    page.get_by_label("Complete").check()
    page.get_by_label("What has been done").fill("Weekly audits running on every wing since October")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Weekly audits running on every wing since October")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Back to the action plan").click()
    expect(page.get_by_text("24 of 24 recommendations answered; 23 actions, 1 complete, 15 overdue")).to_be_visible()
    r9 = page.locator(f"#rec-{world['recs'][8]}")
    expect(r9.get_by_text("Overdue")).to_be_visible()
    look(page)
    r9.get_by_role("link", name="Progress of action 1 for R9").click()
    page.get_by_label("In progress").check()
    page.get_by_label("What has been done").fill("Audit tool agreed; first audit done on A wing")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded")).to_be_visible()
    page.get_by_role("link", name="Back to the action plan").click()
    expect(r9.get_by_text("Overdue")).to_be_visible()  # in progress, still past its target date
    expect(r9.get_by_text("In progress")).to_be_visible()

    stages = page.locator("dl[aria-labelledby=stages]")
    for label, day in (("Submitted by the establishment", "6 July 2026"),
                       ("Quality-assured by the Scrutiny Team", "22 July 2026"),
                       ("Cleared by the Executive Director", "29 July 2026"),
                       ("Available", "3 August 2026"), ("Published on HMIP's website", "10 August 2026")):
        row = stages.locator(".govuk-summary-list__row", has=page.get_by_text(label, exact=True))
        expect(row).to_contain_text(day)
    expect(page.get_by_text("It was available on time.")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Files").click()
    expect(page.get_by_role("heading", name="Action plan files")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Back to the action plan").click()

    # ... and the plan's current version shows on the next inspection.
    page.get_by_role("link", name="Inspections", exact=True).click()
    look(page)
    page.get_by_role("link", name="Full inspection at HMP Example from 1 February 2027").click()
    section = page.locator("h3", has_text="Current action plan from the previous inspection (MoU ¶38)")
    expect(section).to_be_visible()
    expect(page.get_by_text(
        "Inspection ending 13 March 2026: Published on HMIP's website. "
        "1 of 23 actions complete, 1 in progress, 15 overdue."
    )).to_be_visible()
    look(page)
    page.get_by_role("link", name="View the current working version").click()
    expect(page.get_by_role("heading", name="Action plan", exact=True)).to_be_visible()
    expect(page.get_by_text("23 actions, 1 complete, 15 overdue")).to_be_visible()

    # 6, later: the calendar the office subscribed to still shows no other establishment's
    # deadlines (HMP Other's plan is overdue by now), and the met deadline has left it.
    events = calendar_events(address)
    assert not [summary for summary, _ in events if "HMP Other" in summary]
    assert not [summary for summary, _ in events if "Action plan" in summary]
