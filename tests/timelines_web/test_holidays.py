"""Admins change the working-day calendar; every open deadline is recomputed in one transaction
and the confirmation lists each due date that moved."""

from datetime import date

import pytest

from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    post_form,
    run,
    sign_in,
)
from tests.timelines_web.helpers import TODAY, build_world


def test_a_holiday_added_on_a_monday_moves_exactly_the_deadlines_it_should(client, today):
    from timelines.core.calendar import WorkingCalendar
    from timelines.store import load_inspection_inputs, milestones_for
    from timelines.tables import StoredMilestone

    world = build_world()
    closed = make_inspection(make_establishment("HMP Closed"), end=date(2025, 2, 14))
    from inspections.tables import Inspection

    # the refresh sets the flag from the milestones; set here, the batch recompute must skip it
    run(Inspection.update({Inspection.closed: True}).where(Inspection.id == closed))
    before = {(r["inspection"], r["key"]): r["due"] for r in run(StoredMilestone.select())}
    monday = date(2025, 3, 31)

    # What the pure engine says should move, one inspection at a time.
    expected = {}
    new_calendar = WorkingCalendar(added=[monday])
    for inspection_id in (world.inspection_example, world.inspection_leeds, world.inspection_pentonville):
        inspection, events = run(load_inspection_inputs(inspection_id))
        for m in milestones_for(inspection, events, today=TODAY, calendar=new_calendar):
            if before[(inspection_id, m.key)] != m.due:
                expected[(inspection_id, m.key)] = (before[(inspection_id, m.key)], m.due)
    assert expected == {(world.inspection_pentonville, "draft_report"): (date(2025, 4, 1), date(2025, 4, 2))}

    sign_in(client, "ada")
    response = post_form(
        client,
        "/admin/holidays",
        {**date_fields("day", monday), "name": "Extra bank holiday", "reason": "Announced by the government"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["location"]).text
    assert "1 due date moved" in page
    assert "HMP Pentonville" in page and "Tuesday 1 April 2025" in page and "Wednesday 2 April 2025" in page
    after = {(r["inspection"], r["key"]): r["due"] for r in run(StoredMilestone.select())}
    moved = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert moved == expected
    assert after[(closed, "draft_report")] == before[(closed, "draft_report")]
    assert audit_rows("holiday.add")[-1]["actor"] == "ada"
    listing = client.get("/admin/holidays").text
    assert "Extra bank holiday" in listing and "Added by an administrator" in listing
    # The calendar now disagrees with GOV.UK on that day.
    assert "GOV.UK does not list it" in listing


def test_removing_the_holiday_moves_the_deadline_back(client, today):
    from timelines.tables import MilestoneChange, StoredMilestone

    world = build_world()
    sign_in(client, "ada")
    post_form(
        client, "/admin/holidays", {**date_fields("day", date(2025, 3, 31)), "name": "Extra", "reason": "R"}
    )
    form = client.get("/admin/holidays/remove?day=2025-03-31")
    assert "Remove Monday 31 March 2025?" in form.text
    missing_reason = post_form(client, "/admin/holidays/remove", {"day": "2025-03-31", "reason": ""})
    assert missing_reason.status_code == 200 and "Enter the reason for the change" in missing_reason.text
    done = post_form(client, "/admin/holidays/remove", {"day": "2025-03-31", "reason": "Announced in error"})
    assert done.status_code == 302
    assert "1 due date moved" in client.get(done.headers["location"]).text
    row = run(
        StoredMilestone.select()
        .where(
            StoredMilestone.inspection == world.inspection_pentonville, StoredMilestone.key == "draft_report"
        )
        .first()
    )
    assert row["due"] == date(2025, 4, 1)
    assert run(MilestoneChange.count().where(MilestoneChange.inspection == world.inspection_pentonville)) == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({**date_fields("day", date(2025, 3, 29)), "name": "Sat", "reason": "R"}, "must be a weekday"),
        ({**date_fields("day", date(2025, 12, 25)), "name": "Xmas", "reason": "R"}, "already a bank holiday"),
        (
            {"day-day": "31", "day-month": "2", "day-year": "2025", "name": "X", "reason": "R"},
            "must be a real date",
        ),
        (
            {**date_fields("day", date(2025, 6, 2)), "name": "", "reason": "R"},
            "Enter the name of the holiday",
        ),
    ],
)
def test_holiday_errors_keep_what_was_typed_and_change_nothing(client, today, fields, message):
    from timelines.tables import CalendarChange, Holiday

    make_establishment("HMP Example")
    from tests.support import make_user
    from tracker.roles import Role

    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    response = post_form(client, "/admin/holidays", fields)
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{fields["day-year"]}"' in response.text
    assert run(Holiday.count()) == 0 and run(CalendarChange.count()) == 0


def test_the_page_lists_this_year_and_next(client, today):
    from tests.support import make_user
    from tracker.roles import Role

    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    page = client.get("/admin/holidays").text
    assert "Bank holidays in 2025 and 2026" in page
    assert "Friday 18 April 2025" in page and "Friday 25 December 2026" in page
    assert "agrees with GOV.UK" in page


def test_refresh_all_agrees_with_one_at_a_time(db):
    from timelines.store import refresh_all, refresh_inspection
    from timelines.tables import StoredMilestone

    build_world()
    run(refresh_all("check", today=TODAY))
    batch = {
        (r["inspection"], r["key"]): (r["due"], r["status"], r["working_days"])
        for r in run(StoredMilestone.select())
    }
    for inspection_id in {k[0] for k in batch}:
        run(refresh_inspection(inspection_id, today=TODAY))
    single = {
        (r["inspection"], r["key"]): (r["due"], r["status"], r["working_days"])
        for r in run(StoredMilestone.select())
    }
    assert batch == single


def test_every_holiday_error_is_shown_at_once(client, today):
    from tests.support import make_user
    from tracker.roles import Role

    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    response = post_form(client, "/admin/holidays", {**date_fields("day", date(2025, 3, 29)), "name": "", "reason": ""})
    assert response.status_code == 200
    summary = response.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    for message in ("must be a weekday", "Enter the name of the holiday", "Enter the reason for the change"):
        assert message in summary, message
