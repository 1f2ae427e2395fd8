"""JOURNEYS.md, "A manager": an HMIP head of programme and an HMPPS Executive Director, by clicking,
see where the service is late and why; the weekly email arrives on a loopback SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.journeys.walk import look, open_from_header
from tests.support import browser_sign_in, make_establishment, make_inspection, make_user, record_fact
from tests.timelines_web import conftest as timelines_fixtures
from tracker.roles import Role

smtp = timelines_fixtures.smtp  # the fixture: a loopback SMTP server that keeps what it receives

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MONDAY = date(2025, 3, 24)


LAST_YEARS_INSPECTION = (
    ("debrief_held", date(2023, 6, 16)),
    ("debrief_note_sent", date(2023, 6, 16)),
    ("draft_sent", date(2023, 7, 28)),
    ("factcheck_returned", date(2023, 8, 18)),
    ("hmip_response_sent", date(2023, 9, 1)),
    ("press_release_shared", date(2023, 9, 20)),
    ("published", date(2023, 9, 22)),
    ("action_plan_received", date(2023, 12, 1)),
    ("action_plan_quality_assured", date(2023, 12, 8)),
    ("action_plan_cleared", date(2023, 12, 12)),
    ("action_plan_available", date(2023, 12, 15)),
    ("action_plan_published", date(2023, 12, 18)),
)


@pytest.fixture
def today(monkeypatch):
    for where in ("tracker.clock", "inspections.web_establishments", "inspections.web_inspections"):
        monkeypatch.setattr(f"{where}.today_london", lambda: MONDAY)
    return MONDAY


def _facts(inspection_id: int, *facts) -> None:
    for kind, on in facts:
        record_fact(inspection_id, kind, on, today=MONDAY)


def _inspection(establishment_id: int, end: date, *facts, **fields) -> int:
    inspection_id = make_inspection(establishment_id, end=end, today=MONDAY, **fields)
    _facts(inspection_id, *facts)
    return inspection_id


def build_world() -> dict:
    """Seven items overdue on Monday 24 March 2025: three with HMPPS (two fact checks, an action
    plan), four with HMIP (a draft report past both its target and its limit, a debrief note, an
    urgent notification letter); HMP Example's fact check is due this week."""
    place = {}
    for name, group, kind, cohort, operational in (
        ("HMP Example", "Yorkshire", "prison", "adult", None),
        ("HMP Leeds", "Yorkshire", "prison", "adult", None),
        ("HMP Hull", "Yorkshire", "prison", "adult", None),
        ("HMP Pentonville", "London", "prison", "adult", None),
        ("HMP Wandsworth", "London", "prison", "adult", None),
        ("HMP Durham", "Tees and Wear", "prison", "adult", None),
        ("HMP Dartmoor", "Devon", "prison", "adult", date(2019, 5, 1)),
        ("HMP Lewes", "Kent and Sussex", "prison", "adult", None),
        ("HMYOI Wetherby", "Youth Custody", "yoi", "cyp", date(2023, 5, 1)),
    ):
        place[name] = make_establishment(
            name,
            code=name[-3:].upper() + name[4],
            prison_group=group,
            kind=kind,
            cohort=cohort,
            operational_on=operational,
        )
    users = {
        "head": make_user("head", Role.HMIP_MANAGER, email="head@justice.gov.uk"),
        "yorks": make_user(
            "yorks", Role.HMPPS_MANAGER, prison_group="Yorkshire", email="yorks@justice.gov.uk"
        ),
    }
    debriefed = lambda end: [("debrief_held", end), ("debrief_note_sent", end)]  # noqa: E731
    # with HMPPS
    _inspection(
        place["HMP Example"], date(2025, 2, 7), *debriefed(date(2025, 2, 7)), ("draft_sent", date(2025, 3, 4))
    )
    _inspection(
        place["HMP Hull"], date(2025, 1, 24), *debriefed(date(2025, 1, 24)), ("draft_sent", date(2025, 2, 20))
    )
    _inspection(
        place["HMP Pentonville"],
        date(2025, 1, 31),
        *debriefed(date(2025, 1, 31)),
        ("draft_sent", date(2025, 2, 24)),
    )
    _inspection(
        place["HMP Leeds"],
        date(2024, 10, 4),
        *debriefed(date(2024, 10, 4)),
        ("draft_sent", date(2024, 11, 1)),
        ("factcheck_returned", date(2024, 11, 22)),
        ("hmip_response_sent", date(2024, 12, 6)),
        ("press_release_shared", date(2024, 12, 18)),
        ("published", date(2024, 12, 20)),
    )
    # with HMIP
    _inspection(place["HMP Wandsworth"], date(2025, 1, 10), *debriefed(date(2025, 1, 10)))
    _inspection(place["HMP Durham"], date(2025, 3, 7), ("debrief_held", date(2025, 3, 7)))
    _inspection(
        place["HMP Lewes"], date(2025, 3, 14), *debriefed(date(2025, 3, 14)), urgent_notification=True
    )
    # last business year's work, all done: full inspections of HMP Durham and HMYOI Wetherby (whose
    # last visit was then), and HMP Durham's review of progress
    for name in ("HMP Durham", "HMYOI Wetherby"):
        _inspection(place[name], date(2023, 6, 16), *LAST_YEARS_INSPECTION)
    _inspection(
        place["HMP Durham"],
        date(2024, 5, 15),
        ("draft_sent", date(2024, 5, 29)),
        ("factcheck_returned", date(2024, 6, 10)),
        ("published", date(2024, 6, 18)),
        kind="irp",
        start=date(2024, 5, 13),
    )
    make_inspection(
        place["HMP Hull"], kind="irp", start=date(2025, 3, 26), end=date(2025, 3, 28), today=MONDAY
    )
    return {"place": place, "users": users}


def _dashboard_clicks_through_to_each_overdue_item(page, world) -> None:
    open_from_header(page, "Dashboard")
    expect(page.get_by_role("heading", name="7 items: overdue")).to_be_visible()
    expect(page.locator("main").get_by_text("4 with HMIP, 3 with HMPPS.", exact=True)).to_be_visible()
    for entry in (
        "Fact check returned to HMIP: 2",
        "Debrief note to HMPPS HQ: 1",
        "London: 3",
        "Yorkshire: 2",
    ):
        expect(page.get_by_role("link", name=entry)).to_be_visible()
    look(page)
    page.get_by_role("link", name="London: 3").click()
    expect(page.get_by_role("heading", name="3 items: overdue")).to_be_visible()
    look(page)
    page.get_by_role("link", name="clear filters").click()
    page.get_by_role("link", name="Fact check returned to HMIP: 2").click()
    expect(page.get_by_role("heading", name="2 items: overdue")).to_be_visible()
    expect(page.locator("main").get_by_text("2 with HMPPS.", exact=True)).to_be_visible()
    look(page)
    page.get_by_role("link", name="clear filters").click()
    expect(page.get_by_role("heading", name="7 items: overdue")).to_be_visible()
    rows = page.locator("table.app-milestones tbody tr")
    expect(rows).to_have_count(7)
    seen = []
    for index in range(7):
        row = rows.nth(index)
        name = row.locator("a").inner_text().split(" inspection ")[0].strip()
        stage = row.locator("td").nth(1).inner_text().splitlines()[0]
        row.locator("a").click()
        expect(page.locator("h1")).to_contain_text(name)
        expect(page.locator("tr", has_text=stage).first).to_contain_text("Overdue")
        look(page)
        seen.append((name, stage))
        page.go_back()
        expect(page.get_by_role("heading", name="7 items: overdue")).to_be_visible()
    assert len(set(seen)) == 7, seen


def _last_business_year_on_time_and_in_excel(page, tmp_path) -> None:
    from openpyxl import load_workbook

    open_from_header(page, "Dashboard", "On-time performance")
    page.get_by_label("Business year").select_option(label="April 2023 to March 2024")
    expect(page.get_by_role("heading", name="April 2023 to March 2024")).to_be_visible()
    chart = page.get_by_role("region", name="Chart: Draft reports within 32 working days")
    table = page.get_by_role("table", name="Draft reports within 32 working days by period")
    expect(chart).to_be_visible()
    expect(table).to_be_visible()
    beside = chart.bounding_box(), table.bounding_box()
    assert beside[1]["x"] >= beside[0]["x"] + beside[0]["width"], "the table is not beside the chart"
    assert chart.evaluate("e => e.scrollWidth <= e.clientWidth"), "the chart does not fit beside the table"
    expect(page.get_by_text("2 of 2 on time (100.0%); median 30.0 working days.")).to_be_visible()
    on_page = [
        [cell.strip() for cell in row.split("\t")] for row in table.locator("tbody tr").all_inner_texts()
    ]
    look(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel file of these figures").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved).active
    assert sheet["A1"].value.startswith("On-time performance; April 2023 to March 2024")
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    drafts = [r for r in rows if r[0] == "Draft reports within 32 working days"]
    assert on_page and [r[1] for r in drafts[: len(on_page)]] == [r[0] for r in on_page]
    assert [(r[2], r[3]) for r in drafts[: len(on_page)]] == [(int(r[1]), int(r[2])) for r in on_page]


def _the_programme(page) -> None:
    open_from_header(page, "Programme")
    expect(page.get_by_role("heading", name="Inspection programme")).to_be_visible()
    late = page.get_by_role("table", name="Establishments past a programme limit")
    expect(late.locator("tr", has_text="HMP Dartmoor")).to_contain_text(
        "Adult establishment: next full inspection"
    )
    expect(late.locator("tr", has_text="HMP Dartmoor")).to_contain_text("1 May 2024")
    expect(late.locator("tr", has_text="HMYOI Wetherby")).to_contain_text(
        "Children's establishment: annual visit (inspection or IRP)"
    )
    expect(late.locator("tr", has_text="HMYOI Wetherby")).to_contain_text("16 June 2024")
    expect(late.locator("tbody tr")).to_have_count(2)
    expect(
        page.get_by_text(
            "This business year (1 April 2024 to 31 March 2025): 1 held and 1 planned, "
            "2 in all against 15 to 20 a year (MoU ¶48)."
        )
    ).to_be_visible()
    look(page)


def _chooses_the_weekly_email(page) -> None:
    open_from_header(page, "Your account", "Reminder emails")
    expect(page.get_by_role("heading", name="Reminder emails")).to_be_visible()
    look(page)
    page.get_by_label("Weekly, on Monday").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Weekly, on Monday")).to_be_checked()
    look(page)


def _remind_on_monday() -> None:
    from click.testing import CliRunner

    from timelines.jobs import remind

    result = CliRunner().invoke(remind, ["--today", MONDAY.isoformat()])
    assert result.exit_code == 0, result.output


def _weekly_email_to(smtp, address: str) -> str:
    weekly = [m for m in smtp.messages if m["to"] == [address] and "week of 24 March 2025" in m["subject"]]
    assert len(weekly) == 1, [m["subject"] for m in smtp.messages]
    return weekly[0]["body"]


def test_hmip_head_of_programme_sees_where_we_are_late_and_why(page, live_server, today, smtp, tmp_path):
    world = build_world()
    browser_sign_in(page, live_server, "head")
    expect(page.get_by_text("4 overdue")).to_be_visible()
    look(page)
    _dashboard_clicks_through_to_each_overdue_item(page, world)
    _last_business_year_on_time_and_in_excel(page, tmp_path)
    _the_programme(page)
    _chooses_the_weekly_email(page)
    _remind_on_monday()
    body = _weekly_email_to(smtp, "head@justice.gov.uk")
    overdue = body.split("Overdue (", 1)[1].split("Due this week", 1)[0]
    for line in (
        "HMP Hull: Fact check returned to HMIP",
        "HMP Leeds: Action plan in place and available",
        "HMP Pentonville: Fact check returned to HMIP",
        "HMP Wandsworth: Draft report to the Scrutiny Team",
        "HMP Durham: Debrief note to HMPPS HQ",
        "HMP Lewes: Urgent Notification letter to the Secretary of State",
    ):
        assert line in overdue, body
    assert "HMP Example: Fact check returned to HMIP, due 25 March 2025" in body


def test_an_hmpps_executive_director_gets_their_prison_groups_week(page, live_server, today, smtp):
    build_world()
    browser_sign_in(page, live_server, "yorks")
    look(page)
    open_from_header(page, "Dashboard")
    expect(page.get_by_role("heading", name="2 items: overdue")).to_be_visible()
    expect(page.locator("main").get_by_text("2 with HMPPS.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Yorkshire: 2")).to_be_visible()
    look(page)
    _chooses_the_weekly_email(page)
    _remind_on_monday()
    body = _weekly_email_to(smtp, "yorks@justice.gov.uk")
    assert "establishments in Yorkshire" in body
    overdue = body.split("Overdue (", 1)[1].split("Due this week", 1)[0]
    assert "HMP Hull: Fact check returned to HMIP" in overdue
    assert "HMP Leeds: Action plan in place and available" in overdue
    assert "HMP Example: Fact check returned to HMIP, due 25 March 2025" in body
    for elsewhere in ("Pentonville", "Wandsworth", "Durham", "Lewes"):
        assert elsewhere not in body
