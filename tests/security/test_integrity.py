"""F4: a double-submitted create form makes one record; F1: the second of two edits made from
the same version gets a 409 page showing the current values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.security.world import build_world
from tests.support import csrf_token, date_fields, run, sign_in
from tracker.clock import today_london


def count(table, **where) -> int:
    query = table.count()
    for column, value in where.items():
        query = query.where(getattr(table, column) == value)
    return run(query)


def submit_twice(client, url: str, data: dict):
    """What a double click (or a resend after a slow answer) sends: the same body, twice."""
    body = {"_csrf_token": csrf_token(client), **data}
    first = client.post(url, data=body, follow_redirects=False)
    second = client.post(url, data=body, follow_redirects=False)
    return first, second


def _inspection_create(world):
    from inspections.tables import Inspection

    start = today_london() + timedelta(days=70)
    data = {
        "establishment": str(world.a.establishment),
        "kind": "full",
        "announced": "no",
        "team_leader": str(world.users_by_name["leader"]),
        "confirm": "yes",
        **date_fields("start_date", start),
        **date_fields("end_date", start + timedelta(days=11)),
    }
    return "leader", "/inspections/new", data, lambda: count(Inspection, establishment=world.a.establishment)


def _point_add(world):
    from factcheck.tables import AccuracyPoint

    fc = world.a.ids["inspection_id"][0]
    data = {"location": "4.2", "category": "data", "proposed_correction": "It was 12, not 21"}
    return (
        "scrutiny",
        f"/inspections/{fc}/factcheck/points",
        data,
        lambda: count(AccuracyPoint, inspection=fc),
    )


def _data_item_add(world):
    from factcheck.tables import DataItem

    fc = world.a.ids["inspection_id"][0]
    data = {"description": "Adjudications by month", "source": "hub", "report_section": "Safety"}
    data |= date_fields("notified", today_london())
    return "leader", f"/inspections/{fc}/data/new", data, lambda: count(DataItem, inspection=fc)


def _action_add(world):
    from actionplans.tables import PlanAction

    plan, rec = world.a.first("plan_id"), world.a.first("recommendation_id")
    data = {"description": "Review cell checks", "owner": "Head of Safety", "status": "not_started"}
    data |= date_fields("target_date", today_london() + timedelta(days=60))
    return (
        "governora",
        f"/action-plans/{plan}/recommendations/{rec}/actions/new",
        data,
        lambda: count(PlanAction, plan=plan),
    )


@pytest.mark.parametrize("form", [_inspection_create, _point_add, _data_item_add, _action_add])
def test_a_double_submitted_create_form_makes_one_record(client, form):
    world = build_world()
    username, url, data, how_many = form(world)
    sign_in(client, username)
    before = how_many()
    first, second = submit_twice(client, url, data)
    assert first.status_code in (302, 303), first.text[:2000]
    assert how_many() == before + 1, f"{url}: {how_many() - before} records from one form"
    # The second answer leads the person to the record already made (or says it was made).
    assert second.status_code in (200, 302, 303, 409)


def return_fact_check(world) -> None:
    """Scrutiny includes the establishment's proposal and returns A's fact check (answers follow)."""
    from factcheck.operations import points, returns
    from tracker.operations import Actor

    fc = world.a.ids["inspection_id"][0]
    scrutiny = Actor.system("test", for_user=world.users_by_name["scrutiny"])
    run(points.set_point_state(scrutiny, fc, world.a.ids["point_id"][1], "include"))
    run(returns.save_return_details(scrutiny, fc, today_london(), "yes", "", today=today_london()))
    run(returns.submit_return(scrutiny, fc, today=today_london()))


FIRST, SECOND = "Changed by the first editor", "Changed by the second editor"


def _edits(world):
    """(username, form URL, field, first value, second value, extra fields, shown after the first)."""
    a = world.a
    fc = a.ids["inspection_id"][0]
    point = a.ids["point_id"][0]
    plan, action = a.first("plan_id"), a.first("action_id")
    return {
        "establishment": (
            "hmipmanager",
            f"/establishments/{a.establishment}/edit",
            "region",
            FIRST,
            SECOND,
            {},
            FIRST,
        ),
        "inspection": ("leader", f"/inspections/{fc}/edit", "coordinator", FIRST, SECOND, {}, FIRST),
        # the debrief's pages (issue 16) end with a confirmation: both confirm what they checked
        "debrief": ("leader", f"/inspections/{fc}/debrief", "judgement_safety", "4", "1", {"step": "check"}, "4 – good"),
        "point answer": (
            "leader",
            f"/inspections/{fc}/factcheck/points/{point}/answer",
            "reason",
            FIRST,
            SECOND,
            {"decision": "not_accepted"},
            FIRST,
        ),
        "action": ("governora", f"/action-plans/{plan}/actions/{action}", "owner", FIRST, SECOND, {}, FIRST),
    }


@pytest.mark.parametrize("record", ["establishment", "inspection", "debrief", "point answer", "action"])
def test_the_second_of_two_edits_gets_a_conflict_with_the_current_values(client, record):
    from tests.security.helpers import form_fields

    world = build_world()
    if record == "point answer":
        return_fact_check(world)
    username, url, field, first_value, second_value, extra, shown = _edits(world)[record]
    sign_in(client, username)
    # Two people open the same form (the same version)...
    seen = form_fields(client.get(url).text, url) | extra
    first = client.post(url, data=seen | {field: first_value}, follow_redirects=False)
    assert first.status_code in (302, 303), first.text[:3000]
    # ...and the second saves after the first: refused, shown what the record holds now.
    second = client.post(url, data=seen | {field: second_value}, follow_redirects=False)
    assert second.status_code == 409, second.text[:3000]
    assert shown in second.text
    assert shown in client.get(url if record != "debrief" else f"{url}-note").text
