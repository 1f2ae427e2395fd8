"""JOURNEYS.md, "A member of the HMPPS Scrutiny Team": steps 1 to 6 walked in a browser by clicking,
as the Scrutiny Team (and, for the proposals, the Governor's office in a second browser), with
axe (best practices) and the 390 px check on every page reached (issue 16).

The service's clock reads Thursday 20 March 2025: HMP Example's draft arrived on Tuesday 4 March,
so its return is due Tuesday 25 March, 3 working days later."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, time

import pytest
from playwright.sync_api import expect

from tests.factcheck.helpers import PDF, xlsx
from tests.journeys.walk import look
from tests.support import (
    browser_sign_in,
    make_establishment,
    make_inspection,
    make_user,
    publish_report,
    record_fact,
    run,
)
from tracker.operations import Actor
from tracker.roles import Role

pytestmark = pytest.mark.browser

TODAY = date(2025, 3, 20)  # a Thursday
DRAFT_ARRIVED = date(2025, 3, 4)
HEADER = ["Location", "Category", "Current text", "Proposed correction", "Evidence"]


@pytest.fixture
def clock_at_journey_date(live_server):
    """The whole service (pages, operations, sessions) believes it is 20 March 2025, time still
    running: every module's `now_utc` and `today_london` (imported by name) shifted by whole days.
    Taken after the live server so every module is loaded; every binding is put back afterwards."""
    from tracker import clock

    real_now, real_today = clock.now_utc, clock.today_london
    shift = datetime.combine(TODAY, time()) - datetime.combine(real_today(), time())

    def now_utc():
        return real_now() + shift

    def today_london():
        return real_today() + shift

    swaps = {real_now: now_utc, real_today: today_london}

    def bind(pairs):
        for module in list(sys.modules.values()):
            for name in ("now_utc", "today_london"):
                found = getattr(module, name, None) if hasattr(module, "__dict__") else None
                if found in pairs:
                    setattr(module, name, pairs[found])

    bind(swaps)
    yield TODAY
    bind({fake: real for real, fake in swaps.items()})


def by(user_id: int) -> Actor:
    return Actor.system("journey", for_user=user_id)


def fact_check_under_way(establishment: int, leader: int, end: date, draft_on: date) -> int:
    """An inspection whose debrief note went and whose draft reached the Scrutiny Team on `draft_on`."""
    from factcheck.operations.draft import record_draft, store_draft_file

    inspection = make_inspection(establishment, end=end, team_leader_id=leader, today=TODAY)
    record_fact(inspection, "debrief_held", end, by=leader, today=TODAY)
    record_fact(inspection, "debrief_note_sent", end, by=leader, today=TODAY)
    run(record_draft(by(leader), inspection, draft_on, None, today=TODAY))
    run(store_draft_file(by(leader), inspection, "draft.pdf", "application/pdf", PDF, scan_status="clean"))
    return inspection


def hub_request(inspection: int, leader: int, description: str) -> None:
    from factcheck.operations.data import add_data_item

    values = {"description": description, "source": "hub", "report_section": "Section 1: Safety"}
    run(add_data_item(by(leader), inspection, values, date(2025, 3, 5), today=TODAY))


def plan_waiting_for_quality_assurance(leader: int) -> None:
    """HMP Oldtown's report was published on 10 January; its governor submitted the action plan."""
    from actionplans.operations import rows, workflow
    from actionplans.services import ActionInput
    from inspections.tables import Recommendation

    oldtown = make_establishment("HMP Oldtown", code="OLD")
    governor = make_user("oldtown", Role.ESTABLISHMENT, establishment_ids=[oldtown])
    end = date(2024, 10, 4)
    inspection = make_inspection(oldtown, end=end, team_leader_id=leader, today=TODAY)
    publish_report(inspection, end, date(2025, 1, 10), today=TODAY)
    recommendation = Recommendation(
        inspection=inspection,
        reference="R1",
        text="Leaders should reduce violence.",
        area="Safety",
        position=1,
    )
    run(recommendation.save())
    plan = run(workflow.start_plan(by(governor), inspection))
    run(rows.save_response(by(governor), plan, recommendation.id, "agreed", "", ""))
    action = ActionInput("Violence reduction strategy", "Head of Safety", date(2025, 9, 30), "not_started")
    run(rows.add_action(by(governor), plan, recommendation.id, action, today=TODAY))
    run(workflow.submit(by(governor), plan, today=TODAY))


def the_world() -> None:
    """HMP Example's fact check under way with two Hub data requests waiting on HMPPS; HMP
    Elsewhere's overdue; HMP Northfield's just started; HMP Oldtown's action plan to assure."""
    example = make_establishment("HMP Example", code="EXA")
    elsewhere = make_establishment("HMP Elsewhere", code="ELS")
    northfield = make_establishment("HMP Northfield", code="NOR")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[example])
    inspection = fact_check_under_way(example, leader, date(2025, 1, 17), DRAFT_ARRIVED)
    hub_request(inspection, leader, "Use of force incidents per 1,000 prisoners")
    hub_request(inspection, leader, "Self-harm incidents in the last 12 months")
    fact_check_under_way(elsewhere, leader, date(2024, 12, 13), date(2025, 2, 10))  # due 3 March
    fact_check_under_way(northfield, leader, date(2025, 2, 7), date(2025, 3, 18))  # due 8 April
    plan_waiting_for_quality_assurance(leader)


def fill_date(page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"#{name}-month").fill(str(value.month))
    page.locator(f"#{name}-year").fill(str(value.year))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def row_named(page, label: str):
    """The summary list row whose key is `label`."""
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=label))


def rows_of(page, table) -> list[str]:
    return [" ".join(text.split()) for text in table.locator("tbody tr").all_inner_texts()]


def spreadsheet(tmp_path, name: str, categories: list[str]) -> str:
    """The team's comments: one row a point, with the given categories."""
    rows = [
        [
            f"Paragraph {5 + n // 3}.{n + 1}",
            category,
            f"Figure {n + 10}",
            f"It was {n + 20}, not {n + 10}",
            "",
        ]
        for n, category in enumerate(categories)
    ]
    path = tmp_path / name
    path.write_bytes(xlsx([HEADER, *rows]))
    return str(path)


@pytest.mark.slow
def test_the_scrutiny_team_journey(page, browser, live_server, clock_at_journey_date, tmp_path):
    the_world()

    # 1. Signs in and lands on their work.
    browser_sign_in(page, live_server, "scrutiny")
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    checks = page.locator("table", has=page.get_by_text("Fact checks under way, overdue first"))
    assert rows_of(page, checks) == [
        "HMP Elsewhere Full inspection Monday 3 March 2025 Overdue by 13 working days",
        "HMP Example Full inspection Tuesday 25 March 2025 3",
        "HMP Northfield Full inspection Tuesday 8 April 2025 13",
    ]
    expect(checks.locator(".app-overdue")).to_have_css("color", "rgb(212, 53, 28)")
    waiting = page.locator("h2:text-is('Unpublished data waiting on HMPPS') + ul")
    expect(waiting.locator("li")).to_have_text(
        [
            "HMP Example: Use of force incidents per 1,000 prisoners (Performance Hub, notified 5 March 2025)",
            "HMP Example: Self-harm incidents in the last 12 months (Performance Hub, notified 5 March 2025)",
        ]
    )
    expect(page.get_by_role("heading", name="Action plans waiting for quality assurance")).to_be_visible()
    expect(page.get_by_role("link", name="HMP Oldtown")).to_be_visible()
    look(page)

    # ... and narrows the list of every fact check to those due within 3 working days.
    page.get_by_role("link", name="See and filter all fact checks").click()
    expect(page.get_by_role("table").get_by_text("3 fact checks")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Due within 3 working days").click()
    queue = page.get_by_role("table", name=re.compile("2 fact checks"))
    expect(queue.locator("tbody tr")).to_have_count(2)
    expect(queue.locator("tbody tr").first).to_contain_text("HMP Elsewhere")
    look(page)

    # 2. Opens the HMP Example fact check: draft arrived 4 March, return due 25 March.
    queue.get_by_role("link", name="HMP Example").click()
    expect(page.get_by_role("heading", name="Fact check", exact=True)).to_be_visible()
    deadline = row_named(page, "Fact check returned")
    expect(deadline).to_contain_text("Due Tuesday 25 March 2025")
    expect(deadline).to_contain_text("15 working days after the draft was received — MoU ¶32")
    expect(deadline).to_contain_text("3 working days left")
    sent = row_named(page, "Sent to the Scrutiny Team")
    expect(sent).to_contain_text("Tuesday 4 March 2025")
    look(page)

    # 3. Shares the draft with HMP Example.
    page.get_by_role("link", name="Share the draft with HMP Example").click()
    look(page)
    page.get_by_role("button", name="Share the draft").click()
    expect(page.get_by_text("Draft shared with the establishment")).to_be_visible()
    look(page)

    # The Governor's office, in a browser of its own, proposes three corrections.
    governor_context = browser.new_context()
    governor = governor_context.new_page()
    browser_sign_in(governor, live_server, "governor")
    look(governor)
    shared = governor.locator("section", has=governor.get_by_role("heading", name="Draft reports to check"))
    expect(shared).to_contain_text(
        "HMP Example, full inspection: the Scrutiny Team shared the draft report with you on 20 March 2025."
        " They return the fact check to HMIP by Tuesday 25 March 2025."
    )
    shared.get_by_role("link", name="Read the draft and propose corrections").click()
    look(governor)
    for location, category, correction in (
        ("Paragraph 1.4", "Names or titles", "The head of safety is Ms Patel"),
        ("Paragraph 2.7", "Data", "There were 41 incidents, not 14"),
        ("Paragraph 3.2", "Description of events", "The fire drill was on Tuesday"),
    ):
        governor.get_by_role("link", name="Propose a correction").click()
        governor.get_by_label("Location").fill(location)
        governor.get_by_label(category, exact=True).check()
        governor.get_by_label("Proposed correction").fill(correction)
        look(governor)
        governor.get_by_role("button", name="Propose the correction").click()
        expect(governor.get_by_text(re.compile(r"Proposal \d added"))).to_be_visible()
        look(governor)
        governor.get_by_role("link", name="Back to the fact check").click()
    governor_context.close()

    # ... and the Scrutiny Team takes two of the three into the return, dropping the third.
    page.reload()
    expect(page.get_by_text("3 proposals from the establishment waiting")).to_be_visible()
    page.get_by_role("link", name="Add accuracy points").click()
    expect(page.get_by_text("3 proposals waiting for a decision")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Take into the return proposal 1").click()  # Ms Patel
    expect(page.get_by_text("2 proposals waiting for a decision")).to_be_visible()
    page.get_by_role("button", name="Take into the return proposal 1").click()  # 41 incidents
    expect(page.get_by_text("1 proposal waiting for a decision")).to_be_visible()
    points = page.locator("table", has=page.get_by_text(re.compile(r"^\d+ points?$")))
    expect(points.locator("tbody tr")).to_have_count(2)
    expect(points).to_contain_text("The head of safety is Ms Patel")
    expect(points).to_contain_text("There were 41 incidents, not 14")
    look(page)
    page.get_by_role("link", name="Drop proposal 1").click()
    expect(page.get_by_text("The fire drill was on Tuesday")).to_be_visible()
    look(page)
    page.get_by_role("button", name="Drop the proposal").click()
    expect(page.get_by_text("Proposal dropped")).to_be_visible()
    look(page)

    # 4. Imports the rest of the team's comments; two rows have no category: nothing is saved.
    page.get_by_role("link", name="import them from a spreadsheet").click()
    look(page)
    categories = ["Data", "Names or titles", "Description of process", "Description of events", "Other"] * 2
    bad = list(categories)
    bad[1] = bad[6] = ""
    page.get_by_label("Spreadsheet of accuracy points").set_input_files(
        spreadsheet(tmp_path, "bad.xlsx", bad)
    )
    page.get_by_role("button", name="Import the points").click()
    problems = page.locator("#row-errors")
    expect(problems).to_contain_text("Nothing has been added.")
    expect(problems.locator("li")).to_have_text(["Row 3: enter a category", "Row 8: enter a category"])
    look(page)
    page.get_by_role("link", name="Back to the accuracy points").click()
    expect(points.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="import them from a spreadsheet").click()
    good = spreadsheet(tmp_path, "good.xlsx", categories)
    page.get_by_label("Spreadsheet of accuracy points").set_input_files(good)
    page.get_by_role("button", name="Import the points").click()
    expect(page.get_by_text("10 points imported")).to_be_visible()
    look(page)

    # 5. Answers the Hub data request: consent for one figure, an objection to the other.
    page.get_by_role("link", name="Back to the fact check").click()
    page.get_by_role("link", name="Record response to Use of force incidents per 1,000 prisoners").click()
    look(page)
    page.get_by_label("Consent to publication").check()
    page.get_by_label(re.compile("MoJ Data and Analysis written-consent reference")).fill("DA-2025-0173")
    fill_date(page, "responded", TODAY)
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("Consent reference DA-2025-0173")).to_be_visible()
    look(page)
    page.get_by_role("link", name="Record response to Self-harm incidents in the last 12 months").click()
    page.get_by_label("Objection", exact=True).check()
    page.get_by_label("If objection, the reason").fill("The figure has not been validated by the Hub yet")
    fill_date(page, "responded", TODAY)
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("The figure has not been validated by the Hub yet")).to_be_visible()
    look(page)

    # ... and records that HMPPS is content to publish on the indicative date.
    page.get_by_role("link", name="Check and submit the return").click()
    expect(page.get_by_text("Is HMPPS content to publish on 29 April 2025?")).to_be_visible()
    look(page)
    fill_date(page, "returned", TODAY)
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the return before submitting it")).to_be_visible()
    expect(page.get_by_text("12 points")).to_be_visible()
    content = row_named(page, "Content to publish on 29 April 2025")
    expect(content.locator("dd").first).to_have_text("Yes")
    look(page)

    # 6. Submits; sees the confirmation and the inspection move to HMIP.
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("heading", name="Fact check returned")).to_be_visible()
    expect(
        page.get_by_text("HMP Example: 12 accuracy points returned to HMIP on 20 March 2025")
    ).to_be_visible()
    expect(page.get_by_text("The inspection is now with HMIP, who answer each point.")).to_be_visible()
    expect(row_named(page, "HMIP response to accuracy points")).to_contain_text("Due Thursday 3 April 2025")
    look(page)
    page.locator("#main-content").get_by_role("link", name="Back to the fact check").click()
    page.get_by_role("link", name="Back to the inspection").click()
    stage = row_named(page, "Stage")
    expect(stage).to_contain_text("HMIP answering accuracy points")
    expect(page.locator(".moj-timeline__title").first).to_have_text(re.compile("[Ff]act check returned"))
    look(page)
