"""Issue 18: exports, the calendar feed and the action plan page are kept per worker
(tracker.cache) and their audited reads are one row a minute, yet a write shows at once and what
one person may read is never given to another."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from tests.support import audit_rows, make_inspection, post_form, publish_report, record_fact, sign_in

FEED_URL = re.compile(r'value="(http://[^"]+/feeds/[^"]+\.ics)"')
OVERDUE_CSV = "/dashboard/export?status=overdue&format=csv"


def _exported(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(OVERDUE_CSV).content.decode("utf-8-sig"))))


def test_an_export_asked_again_shows_a_write_at_once(client, today):
    from tests.timelines_web.helpers import build_world

    world = build_world()
    sign_in(client, "boss")
    before = _exported(client)
    assert _exported(client) == before
    late = make_inspection(world.example, end=date(2024, 9, 6), title="Late")
    record_fact(late, "debrief_held", date(2024, 9, 6))
    after = _exported(client)
    assert len(after) > len(before)
    assert {r["Inspection id"] for r in after} - {r["Inspection id"] for r in before} == {str(late)}


def test_an_export_kept_for_a_manager_is_not_given_to_a_governor(client, today):
    from tests.timelines_web.helpers import build_world

    build_world()
    sign_in(client, "boss")
    assert {r["Establishment"] for r in _exported(client)} > {"HMP Leeds"}
    sign_in(client, "govleeds")
    assert {r["Establishment"] for r in _exported(client)} == {"HMP Leeds"}


def test_reads_repeated_within_a_minute_are_one_audit_row_that_counts_them(client, today, monkeypatch):
    from tests.timelines_web.helpers import build_world
    from tracker import audit, clock

    build_world()
    sign_in(client, "boss")
    start = clock.now_utc()
    monkeypatch.setattr(audit, "now_utc", lambda: start)
    for _ in range(3):
        assert client.get(OVERDUE_CSV).status_code == 200
    assert len(audit_rows("export", object_type="dashboard")) == 1
    monkeypatch.setattr(audit, "now_utc", lambda: start + timedelta(seconds=61))
    client.get(OVERDUE_CSV)
    rows = audit_rows("export", object_type="dashboard")
    assert len(rows) == 2
    assert "(and 2 more reads since the row before)" in rows[-1]["detail"]
    client.get("/dashboard/export?status=overdue&format=xlsx")  # another file: its own row
    assert len(audit_rows("export", object_type="dashboard")) == 3


def test_the_calendar_feed_shows_a_write_at_once(client, today):
    from tests.timelines_web.helpers import build_world

    world = build_world()
    sign_in(client, "govleeds")
    page = post_form(client, "/my-work/calendar-feed", {})
    url = FEED_URL.search(page.text).group(1).removeprefix("http://testserver.local")
    client.cookies.clear()
    first = client.get(url).content
    assert client.get(url).content == first
    assert first.count(b"BEGIN:VEVENT") == 1
    earlier = make_inspection(world.leeds, end=date(2024, 6, 7), title="Earlier")
    publish_report(earlier, date(2024, 6, 7), date(2024, 9, 2), today=today)
    assert client.get(url).content.count(b"BEGIN:VEVENT") == 2


def test_the_action_plan_page_shows_a_write_at_once_and_only_to_its_readers(client):
    from tests.actionplans.helpers import fill_plan, world

    w = world()
    sign_in(client, "governor")
    url = f"/action-plans/{w['plan']}"
    first = client.get(url)
    assert first.status_code == 200 and "Action 1 to fix it" not in first.text
    assert client.get(url).text == first.text
    fill_plan(w["plan"], w["recs"], by=w["governor"])
    assert "Action 1 to fix it" in client.get(url).text
    sign_in(client, "otherguv")
    assert client.get(url).status_code == 404
