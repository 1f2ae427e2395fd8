"""At risk: fewer days left than the stage took (median) over the last business year, or than a
stated default when there are too few cases; shown in My work and filterable on the dashboard."""

import re
from datetime import date, timedelta

from tests.support import make_establishment, make_inspection, record_fact, sign_in
from tests.timelines_web.helpers import TODAY, build_world
from timelines.risk import Typical, judge


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def _past_drafts_taking_30_working_days() -> None:
    """Five inspections in April 2023 to March 2024 whose draft took 30 working days (six
    weeks with no bank holiday in them)."""
    place = make_establishment("HMP Past", prison_group="Yorkshire")
    for week in range(5):
        end = date(2023, 6, 2) + timedelta(weeks=week)
        past = make_inspection(place, end=end, today=TODAY)
        record_fact(past, "debrief_held", end, today=TODAY)
        record_fact(past, "draft_sent", end + timedelta(weeks=6), today=TODAY)


def test_a_stage_with_fewer_days_left_than_its_median_is_at_risk_with_the_reason(client, today):
    build_world()
    _past_drafts_taking_30_working_days()
    sign_in(client, "boss")
    page = _text(client.get("/my-work?within=all").text)
    assert "At risk" in page
    assert (
        "5 working days left; this stage has taken a median of 30 (April 2023 to March 2024)" in page
    ), page


def test_without_enough_history_the_stated_default_decides(client, today):
    build_world()
    sign_in(client, "boss")
    page = _text(client.get("/my-work?within=all").text)
    # Pentonville's draft: 5 working days left, not fewer than the default of 5
    assert "this stage has taken a median" not in page
    client.cookies.clear()
    sign_in(client, "sam")
    page = _text(client.get("/my-work?within=all").text)
    # HMP Example's fact check is due today: 0 left, under the default
    assert (
        "0 working days left; too few of these were done in April 2023 to March 2024 to forecast (0),"
        " so the default of 5 working days is used" in page
    ), page


def test_the_dashboard_filters_to_what_is_at_risk(client, today):
    build_world()
    _past_drafts_taking_30_working_days()
    sign_in(client, "boss")
    html = client.get("/dashboard?status=at_risk").text
    rows = _text(html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0])
    assert "HMP Pentonville" in rows and "this stage has taken a median of 30" in rows
    # Leeds' action plan is overdue, which is its own status, not "at risk"
    assert "HMP Leeds" not in rows


def test_overdue_and_done_items_are_never_at_risk():
    typical = Typical(12, "working days", 20, "April 2024 to March 2025")
    day = date(2025, 3, 25)
    assert judge({"status": "overdue", "due": day, "working_days": 3}, typical, day) is None
    assert judge({"status": "done_on_time", "due": day, "working_days": 3}, typical, day) is None
    assert judge({"status": "not_yet_due", "due": day, "working_days": 12}, typical, day) is None
    assert judge({"status": "not_yet_due", "due": day, "working_days": 11}, typical, day) == (
        "11 working days left; this stage has taken a median of 12 (April 2024 to March 2025)"
    )


def test_calendar_day_stages_count_days_left():
    typical = Typical(9.5, "days", 8, "April 2024 to March 2025")
    today = date(2025, 3, 25)
    item = {"status": "not_yet_due", "due": today + timedelta(days=9), "working_days": 7}
    assert judge(item, typical, today) == (
        "9 days left; this stage has taken a median of 9.5 (April 2024 to March 2025)"
    )
