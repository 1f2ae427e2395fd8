"""GOV.UK's bank holidays: fetched from a real HTTP server on loopback serving a changed copy of
GOV.UK's JSON, each version kept, the differences shown beside the deadlines they would move,
applied only when an administrator confirms (the command's --apply, or the page), through the
same operation as a holiday added by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from tests.support import audit_rows, make_user, post_form, run, sign_in, stored_milestones
from tests.timelines_web.helpers import TODAY, build_world
from tracker.roles import Role

EXTRA = date(2025, 3, 31)  # a Monday: moves Pentonville's draft report from 1 to 2 April 2025
EARLY_MAY = date(2025, 5, 5)


def bundled() -> dict:
    from timelines.holiday_refresh import bundled_body

    return json.loads(bundled_body()[0])


def changed_govuk_data() -> str:
    """GOV.UK's data with one extra holiday and the early May bank holiday gone."""
    data = bundled()
    events = data["england-and-wales"]["events"]
    events[:] = [e for e in events if e["date"] != EARLY_MAY.isoformat()]
    events.append({"title": "Extra bank holiday", "date": EXTRA.isoformat(), "notes": "", "bunting": True})
    return json.dumps(data)


@pytest.fixture
def govuk(httpserver, monkeypatch):
    httpserver.expect_request("/bank-holidays.json").respond_with_data(
        changed_govuk_data(), content_type="application/json"
    )
    monkeypatch.setenv("BANK_HOLIDAYS_URL", httpserver.url_for("/bank-holidays.json"))
    return httpserver


def refresh(*args: str):
    from timelines.jobs import holidays

    return CliRunner().invoke(holidays, ["refresh", "--today", TODAY.isoformat(), *args])


def versions() -> list[dict]:
    from timelines.tables import BankHolidaysVersion

    return run(BankHolidaysVersion.select().order_by(BankHolidaysVersion.id))


def test_gov_uks_data_as_bundled_agrees_with_the_calendar_and_is_used_when_gov_uk_is_unreachable(
    db, monkeypatch
):
    monkeypatch.setenv("BANK_HOLIDAYS_URL", "http://127.0.0.1:9/bank-holidays.json")  # nothing listens
    result = refresh()
    assert result.exit_code == 0, result.output
    assert "bundled with govuk-bank-holidays 0.19" in result.output
    assert "the calendar agrees with it" in result.output
    [version] = versions()
    assert json.loads(version["body"]) == bundled()


def test_the_differences_are_shown_with_the_deadlines_they_would_move_and_nothing_changes(db, govuk):
    world = build_world()
    before = stored_milestones(world.inspection_pentonville)
    result = refresh()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "version 1, a new version; 2 difference(s) with the calendar" in out
    assert (
        "GOV.UK lists 31 March 2025 (Extra bank holiday): would move 1 due date, e.g. HMP Pentonville: "
        "Draft report to the Scrutiny Team, 1 April 2025 to 2 April 2025"
    ) in out
    assert "GOV.UK does not list 5 May 2025 (Early May Bank Holiday): would move 0 due dates" in out
    assert "Nothing applied" in out
    assert stored_milestones(world.inspection_pentonville) == before
    from timelines.tables import CalendarChange, Holiday

    assert run(Holiday.count()) == 0 and run(CalendarChange.count()) == 0
    [version] = versions()
    assert version["source"].endswith("/bank-holidays.json") and len(version["content_hash"]) == 64
    assert json.loads(version["body"])["england-and-wales"]["events"][-1]["date"] == EXTRA.isoformat()
    # The same data again: no new version, the differences still there.
    again = refresh()
    assert "version 1, the same as the last version; 2 difference(s)" in again.output
    assert len(versions()) == 1
    assert audit_rows("holiday.fetch")[-1]["detail"] == "new=False differences=2"


def test_apply_moves_the_deadlines_through_the_same_operation_as_a_change_by_hand(db, govuk):
    world = build_world()
    result = refresh("--apply")
    assert result.exit_code == 0, result.output
    assert "Applied: bank holiday added on 31 March 2025; 1 due date(s) moved" in result.output
    assert "Applied: bank holiday removed on 5 May 2025" in result.output
    assert stored_milestones(world.inspection_pentonville)["draft_report"]["due"] == date(2025, 4, 2)
    assert [r["action"] for r in audit_rows() if r["action"].startswith("holiday.")][-3:] == [
        "holiday.add",
        "holiday.remove",
        "holiday.refresh_apply",
    ]
    assert versions()[0]["applied_at"] is not None
    assert "the calendar agrees with it" in refresh().output


def test_a_source_that_is_not_gov_uks_data_is_refused_and_kept_nowhere(db, tmp_path):
    bad = tmp_path / "holidays.json"
    bad.write_text('{"scotland": {"events": []}}')
    result = refresh("--source", str(bad))
    assert result.exit_code != 0 and "not GOV.UK's bank-holidays data" in result.output
    assert versions() == []


def test_the_daily_job_records_the_differences_and_never_applies_them(db, govuk):
    from timelines.jobs import BANK_HOLIDAYS
    from timelines.tables import Holiday
    from tracker.jobs import run_job

    build_world()
    ran = run(run_job(BANK_HOLIDAYS, TODAY))
    assert ran.outcome == "succeeded", ran.detail
    assert "2 difference(s) with the calendar. Not applied" in ran.detail
    assert run(Holiday.count()) == 0


def test_an_admin_checks_the_changes_then_applies_them_and_sees_what_moved(client, db, govuk, today):
    world = build_world()  # ada is its administrator
    sign_in(client, "ada")
    page = client.get("/admin/holidays/refresh").text
    assert "have not been checked yet" in page
    assert (
        post_form(client, "/admin/holidays/refresh/check", token_from="/admin/holidays/refresh").status_code
        == 302
    )
    page = client.get("/admin/holidays/refresh").text
    assert "Check the changes from GOV.UK" in page
    assert "Monday 31 March 2025" in page and "Add Extra bank holiday" in page
    assert "It would move 1 open due date, for example" in page and "HMP Pentonville" in page
    assert "Tuesday 1 April 2025 to Wednesday 2 April 2025" in page
    assert "Remove Early May Bank Holiday" in page
    assert stored_milestones(world.inspection_pentonville)["draft_report"]["due"] == date(2025, 4, 1)

    # A changes list that is not what is there now (another admin acted first) applies nothing.
    stale = post_form(
        client,
        "/admin/holidays/refresh",
        {"version": "1", "changes": f"added:{EXTRA.isoformat()}"},
        token_from="/admin/holidays/refresh",
    )
    assert stale.status_code == 200 and "check the changes again" in stale.text
    assert "govuk-error-summary" in stale.text

    done = post_form(
        client,
        "/admin/holidays/refresh",
        {"version": "1", "changes": f"added:{EXTRA.isoformat()},removed:{EARLY_MAY.isoformat()}"},
        token_from="/admin/holidays/refresh",
    )
    assert done.status_code == 302
    confirmation = client.get(done.headers["location"]).text
    assert "Calendar updated" in confirmation and "2 changes" in confirmation
    assert "Monday 31 March 2025 added (Extra bank holiday)</a>: 1 due date moved" in confirmation
    assert stored_milestones(world.inspection_pentonville)["draft_report"]["due"] == date(2025, 4, 2)
    assert audit_rows("holiday.refresh_apply")[-1]["actor"] == "ada"
    assert "The calendar agrees with GOV.UK" in client.get("/admin/holidays/refresh").text


def test_only_admins_reach_the_bank_holidays_check(client, db):
    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    assert client.get("/admin/holidays/refresh").status_code == 403
