"""Private calendar feeds (RFC 5545) and the daily reminder job against a loopback SMTP server."""

import re
from datetime import date

import pytest
from icalendar import Calendar

from tests.support import audit_rows, post_form, run, sign_in
from tests.timelines_web.helpers import TODAY, build_world

FEED_URL = re.compile(r'value="(http://[^"]+/feeds/[^"]+\.ics)"')


def _new_feed(client) -> str:
    page = post_form(client, "/my-work/calendar-feed", {})
    assert page.status_code == 200
    return FEED_URL.search(page.text).group(1).removeprefix("http://testserver.local")


def test_feed_is_valid_icalendar_with_stable_uids_and_nothing_confidential(client, today):
    from inspections.tables import InspectionEvent
    from tracker.clock import now_utc

    world = build_world()
    run(
        InspectionEvent.insert(
            InspectionEvent(
                inspection=world.inspection_leeds,
                kind="debrief_note",
                occurred_on=date(2024, 10, 4),
                detail={"note": "SECRET DEBRIEF TEXT"},
                recorded_at=now_utc(),
            )
        )
    )
    sign_in(client, "govleeds")
    url = _new_feed(client)
    client.cookies.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["HMP Leeds: Action plan in place and available due"]
    assert str(events[0]["UID"]) == f"inspection-{world.inspection_leeds}-action_plan@inspection-tracker"
    assert events[0].decoded("DTSTART") == date(2025, 3, 20)
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
    assert b"SECRET" not in response.content
    assert b"HMP Example" not in response.content and b"Pentonville" not in response.content
    again = Calendar.from_ical(client.get(url).content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_a_new_address_revokes_the_old_and_stopping_ends_it(client, today):
    build_world()
    sign_in(client, "sam")
    first = _new_feed(client)
    second = _new_feed(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    stopped = post_form(client, "/my-work/calendar-feed/revoke", {})
    assert stopped.status_code == 302
    assert "no longer works" in client.get(stopped.headers["location"]).text
    assert client.get(second).status_code == 404
    assert audit_rows("feed.create") and audit_rows("feed.revoke")


def test_a_deactivated_users_feed_is_gone(client, today):
    from tracker.users import deactivate_user

    world = build_world()
    sign_in(client, "sam")
    url = _new_feed(client)
    run(deactivate_user(world.users["sam"]))
    assert client.get(url).status_code == 404


def test_feed_token_is_stored_only_hashed(client, today):
    from timelines.tables import CalendarFeedToken

    build_world()
    sign_in(client, "sam")
    url = _new_feed(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = run(CalendarFeedToken.select(CalendarFeedToken.token_hash))
    assert token not in str(stored)
    assert token not in str(audit_rows())


# -- reminders -----------------------------------------------------------------------------------


def _remind(*args):
    from click.testing import CliRunner

    from timelines.jobs import remind

    result = CliRunner().invoke(remind, ["--today", TODAY.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_send_the_right_digests_once_and_then_nothing(db, smtp):
    build_world(emails=True)
    output = _remind()
    by_user = {m["to"][0].split("@")[0]: m for m in smtp.messages}
    assert set(by_user) == {"sam", "govleeds", "pat", "boss"}
    assert "Fact check returned to HMIP" in by_user["sam"]["body"]
    assert "due today" in by_user["sam"]["subject"]
    assert "Action plan in place and available" in by_user["govleeds"]["body"]
    assert "HMP Example" not in by_user["govleeds"]["body"]
    assert "Secretary of State's public response" in by_user["pat"]["body"]
    # The HMIP letter publication is 22 working days overdue: escalated to the HMIP manager.
    assert "Escalated to you" in by_user["boss"]["body"]
    assert "Letter and debrief summary published" in by_user["boss"]["body"]
    assert "debrief" not in by_user["sam"]["body"].lower()
    assert "Sent 4 digest(s)" in output
    count = len(smtp.messages)
    again = _remind()
    assert len(smtp.messages) == count
    assert "Sent 0 digest(s)" in again


def test_reminders_dry_run_sends_and_records_nothing(db, smtp):
    from timelines.tables import SentReminder

    build_world(emails=True)
    output = _remind("--dry-run")
    assert "Would send to sam" in output and "[due_today]" in output
    assert smtp.messages == []
    assert run(SentReminder.count()) == 0


def test_each_reminder_shows_in_the_inspection_history(db, smtp):
    from timelines.insight import stages_section
    from tracker.sessions import load_principal

    world = build_world(emails=True)
    _remind()
    principal = run(load_principal(world.users["boss"]))
    from inspections.tables import Inspection

    row = run(Inspection.select().where(Inspection.id == world.inspection_example).first())
    section = run(stages_section(None, principal, row))
    assert any(r["kind"] == "due_today" and r["to"] == "Sam" for r in section["reminders"])


def test_an_item_overdue_five_working_days_escalates_to_the_establishments_hmpps_managers(db, smtp):
    from click.testing import CliRunner

    from timelines.jobs import remind

    build_world(emails=True)
    # 27 March: the Leeds action plan (due 20 March) is 5 working days overdue.
    CliRunner().invoke(remind, ["--today", "2025-03-27"])
    by_user = {m["to"][0].split("@")[0]: m for m in smtp.messages}
    assert "Action plan in place and available" in by_user["yorks"]["body"].split("Escalated to you")[1]
    assert "Escalated to you" in by_user["pat"]["body"]


def test_a_failed_send_records_nothing_so_the_next_run_tries_again(db):
    from timelines.reminders import send_reminders
    from timelines.tables import SentReminder

    build_world(emails=True)

    def broken(message):
        raise OSError("mail server down")

    with pytest.raises(OSError):
        run(send_reminders(TODAY, send=broken))
    assert run(SentReminder.count()) == 0
    sent = []
    run(send_reminders(TODAY, send=sent.append))
    assert len(sent) == 4


def test_refresh_milestones_command_recomputes_open_inspections(db):
    from click.testing import CliRunner

    from timelines.jobs import refresh_milestones

    build_world()
    result = CliRunner().invoke(refresh_milestones, ["--today", TODAY.isoformat()])
    assert result.exit_code == 0 and "0 due date(s) moved" in result.output
