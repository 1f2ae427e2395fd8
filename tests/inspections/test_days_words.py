"""How late or overdue a deadline is, in words on the inspection page: a deadline counted in
calendar days and missed over a weekend is a day late, not "0 working days late"."""

from __future__ import annotations

import re
from datetime import date

from tests.support import make_establishment, make_inspection, make_user, record_fact, sign_in
from tracker.roles import Role


def _row(page: str, label: str) -> str:
    row = next(r for r in page.split("</tr>") if label in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


def test_a_calendar_day_deadline_missed_at_the_weekend_is_a_day_late(client):
    """The urgent notification letter: 7 calendar days after the inspection ended on Friday
    14 February 2025, so due Friday 21 February; sent on Saturday 22 February."""
    place = make_establishment("HMP Pentonville")
    make_user("boss", Role.HMIP_MANAGER)
    inspection = make_inspection(place, end=date(2025, 2, 14), urgent_notification=True)
    record_fact(inspection, "debrief_held", date(2025, 2, 14), today=date(2025, 3, 3))
    record_fact(inspection, "un_letter_sent", date(2025, 2, 22), today=date(2025, 3, 3))
    sign_in(client, "boss")
    page = client.get(f"/inspections/{inspection}").text
    deadlines = page[page.index("Deadlines") :]
    row = _row(deadlines, "Urgent Notification letter")
    assert "Done 22 February 2025, 1 day late" in row, row
    assert not re.search(r"\b0 working days", page)


def test_overdue_by_no_working_day_says_since_when():
    """Due on a Saturday, still not done on the Sunday: overdue since Saturday."""
    from inspections.views import days_text

    saturday = {"status": "overdue", "working_days": 0, "due": date(2025, 2, 22)}
    assert days_text(saturday) == "Overdue since 22 February 2025"
    assert days_text({**saturday, "working_days": 2}) == "2 working days overdue"


def test_late_by_counts_working_days_or_else_days():
    from timelines.words import late_by

    friday, monday = date(2025, 2, 21), date(2025, 2, 24)
    assert late_by({"working_days": 1, "due": friday, "done_on": monday}) == "1 working day"
    assert late_by({"working_days": 3, "due": friday, "done_on": date(2025, 2, 26)}) == "3 working days"
    assert late_by({"working_days": 0, "due": friday, "done_on": date(2025, 2, 22)}) == "1 day"
    assert late_by({"working_days": 0, "due": friday, "done_on": date(2025, 2, 23)}) == "2 days"
