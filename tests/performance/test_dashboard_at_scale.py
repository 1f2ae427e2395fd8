"""The dashboard at scale: the database picks the rows of the chosen status (the due-date range
must match the live status exactly), and the table shows one page of rows at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.performance.test_query_counts import late_inspection
from tests.support import make_establishment, make_user, sign_in


@pytest.mark.parametrize("today", [date(2025, 4, 17), date(2025, 12, 19), date(2026, 5, 1), date(2026, 6, 6)])
def test_due_range_matches_the_live_status_for_every_day(today):
    """Around Easter, Christmas, a bank holiday weekend and a Saturday."""
    from timelines.core.calendar import WorkingCalendar
    from timelines.core.engine import DUE_SOON, DUE_TODAY, NOT_YET_DUE, OVERDUE, _status
    from timelines.work import due_range

    calendar = WorkingCalendar(added=(date(2026, 6, 8),))
    for offset in range(-40, 60):
        due = today + timedelta(days=offset)
        status = _status(due, None, None, today, calendar)[0]
        for name in (OVERDUE, DUE_TODAY, DUE_SOON, NOT_YET_DUE):
            low, high = due_range(name, today, calendar)
            inside = (low is None or due >= low) and (high is None or due <= high)
            assert inside == (status == name), (today, due, name, status)
    assert due_range("open", today, calendar) == (None, None)


def test_the_dashboard_shows_fifty_rows_a_page_and_exports_them_all(client):
    from timelines.dashboard import PAGE_SIZE
    from tracker.roles import Role

    make_user("boss", Role.HMIP_MANAGER)
    for n in range(20):  # each has three overdue milestones
        late_inspection(make_establishment(f"HMP Number {n:02d}", code=f"N{n:02d}"))
    sign_in(client, "boss")
    export = client.get("/dashboard/export?status=overdue&format=csv").text
    total = len(export.strip().splitlines()) - 1  # every row, after the header
    assert total > PAGE_SIZE
    first = client.get("/dashboard").text
    assert first.count('<tr class="govuk-table__row">') - 1 == PAGE_SIZE
    assert f"{total} items: overdue" in first
    assert f"Showing 1 to 50 of {total} items" in first
    assert 'href="/dashboard?status=overdue&amp;page=2"' in first
    second = client.get("/dashboard?status=overdue&page=2").text
    assert second.count('<tr class="govuk-table__row">') - 1 == total - PAGE_SIZE
    assert f"Showing 51 to {total} of {total} items" in second
    assert (
        client.get("/dashboard?page=99").text.count('<tr class="govuk-table__row">') - 1 == total - PAGE_SIZE
    )


def test_the_kept_dashboard_changes_as_soon_as_anything_is_written(client):
    """The body is kept between requests, but a fact recorded elsewhere (another connection,
    as another worker would) shows at once, and each person sees only their own scope."""
    from tests.support import record_fact
    from tracker.roles import Role

    aardvark = make_establishment("HMP Aardvark", code="AAR")
    zebra = make_establishment("HMP Zebra", code="ZEB")
    make_user("boss", Role.HMIP_MANAGER)
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[zebra])
    first = late_inspection(aardvark)
    late_inspection(zebra)
    sign_in(client, "boss")
    before = client.get("/dashboard").text
    assert "HMP Aardvark" in before and "HMP Zebra" in before
    assert client.get("/dashboard").text.count("HMP Aardvark") == before.count("HMP Aardvark")
    for kind in ("debrief_note_sent", "draft_sent"):
        record_fact(first, kind, date.today() - timedelta(days=1))
    assert client.get("/dashboard").text.count("HMP Aardvark") < before.count("HMP Aardvark")
    sign_in(client, "governor")
    theirs = client.get("/dashboard").text
    assert "HMP Zebra" in theirs and "HMP Aardvark" not in theirs


def test_kept_my_work_changes_as_soon_as_anything_is_written(client):
    from tests.support import record_fact
    from tracker.roles import Role

    lead = make_user("lead", Role.HMIP_TEAM_LEADER)
    make_user("other", Role.HMIP_TEAM_LEADER)
    inspection_id = late_inspection(make_establishment("HMP Aardvark", code="AAR"), leader=lead)
    sign_in(client, "lead")
    before = client.get("/my-work?within=all").text
    assert "HMP Aardvark" in before
    record_fact(inspection_id, "debrief_note_sent", date.today() - timedelta(days=1))
    after = client.get("/my-work?within=all").text
    assert after.count("HMP Aardvark") < before.count("HMP Aardvark")
    sign_in(client, "other")
    assert "HMP Aardvark" not in client.get("/my-work?within=all").text
