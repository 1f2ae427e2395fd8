"""Role x route for every timelines route; an establishment user asking for another establishment's
rows gets 404 with nothing of it in the body, and the denial is audited."""

from datetime import date

import pytest

from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    run,
    sign_in,
)
from tests.timelines_web.helpers import TODAY
from tracker.roles import Role

ALL = frozenset(Role)
MANAGERS = frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY})
DASHBOARD = MANAGERS | {Role.ESTABLISHMENT}
HMIP_MANAGER = frozenset({Role.HMIP_MANAGER})
ADMIN = frozenset({Role.ADMIN})


def _holiday_change() -> int:
    from timelines.operations.holidays import change_calendar
    from tracker.operations import Actor

    change_id, _moved = run(
        change_calendar(Actor.system("test"), "added", date(2025, 6, 2), name="Extra", reason="test", today=TODAY)
    )
    return change_id


def _applied_holidays_version() -> int:
    from timelines.tables import BankHolidaysVersion
    from tracker.clock import now_utc

    now = now_utc()
    row = BankHolidaysVersion(
        fetched_at=now, checked_at=now, source="test", content_hash="0" * 64, body="{}", applied_at=now
    )
    run(row.save())
    return row.id


def _programme_import() -> int:
    from timelines.tables import ProgrammeImport
    from tracker.clock import now_utc

    row = ProgrammeImport(created_at=now_utc(), filename="p.csv", rows=[], errors=[], total=0)
    run(row.save())
    return row.id


CSV = b"Establishment name,Kind,Start date,End date,Announced,Team leader username\n"

# (method, path or callable making it, data for a POST, roles allowed, status when allowed)
ROUTES = [
    ("GET", "/my-work", None, ALL, 200),
    ("GET", "/my-work?within=10", None, ALL, 200),
    ("GET", "/my-work/export?format=csv", None, ALL, 200),
    ("GET", "/my-work/calendar-feed", None, ALL, 200),
    ("POST", "/my-work/calendar-feed", {}, ALL, 200),
    ("POST", "/my-work/calendar-feed/revoke", {}, ALL, 302),
    ("GET", "/calculator", None, ALL, 200),
    (
        "GET",
        "/calculator?rule=full-inspection:draft_report&start-day=14&start-month=3&start-year=2025",
        None,
        ALL,
        200,
    ),
    ("GET", "/dashboard", None, DASHBOARD, 200),
    ("GET", "/dashboard/export?format=xlsx", None, DASHBOARD, 200),
    ("GET", "/performance", None, MANAGERS, 200),
    ("GET", "/performance/export?format=csv", None, MANAGERS, 200),
    ("GET", "/recurring", None, MANAGERS, 200),
    ("GET", "/recurring/done?key=mou_review", None, HMIP_MANAGER, 200),
    ("POST", "/recurring/done", {"key": "mou_review", **date_fields("done_on", TODAY)}, HMIP_MANAGER, 302),
    ("GET", "/admin/holidays", None, ADMIN, 200),
    ("GET", "/admin/holidays/remove?day=2025-12-25", None, ADMIN, 200),
    (
        "POST",
        "/admin/holidays",
        {**date_fields("day", date(2025, 6, 3)), "name": "X", "reason": "Y"},
        ADMIN,
        302,
    ),
    ("POST", "/admin/holidays/remove", {"day": "2025-12-25", "reason": "Y"}, ADMIN, 302),
    ("GET", lambda: f"/admin/holidays/changes/{_holiday_change()}", None, ADMIN, 200),
    ("GET", "/admin/holidays/refresh", None, ADMIN, 200),
    ("POST", "/admin/holidays/refresh/check", {}, ADMIN, 302),
    ("POST", "/admin/holidays/refresh", {"version": "1", "changes": ""}, ADMIN, 200),
    ("GET", lambda: f"/admin/holidays/refresh/applied/{_applied_holidays_version()}", None, ADMIN, 200),
    ("GET", "/programme/import", None, HMIP_MANAGER, 200),
    ("POST", "/programme/import", "upload", HMIP_MANAGER, 302),
    ("GET", lambda: f"/programme/import/{_programme_import()}", None, HMIP_MANAGER, 200),
    ("POST", lambda: f"/programme/import/{_programme_import()}/apply", {}, HMIP_MANAGER, 302),
    ("GET", "/api/v1/milestones", None, ALL, 200),
    ("GET", "/api/v1/milestones?status=overdue&owner=hmip", None, ALL, 200),
]


def _call(client, method, path, data):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if data == "upload":
        from tests.support import csrf_token

        return client.post(
            path,
            data={"_csrf_token": csrf_token(client)},
            files={"file": ("programme.csv", CSV, "text/csv")},
            follow_redirects=False,
        )
    return post_form(client, path, data)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "method, path, data, allowed, status",
    ROUTES,
    ids=[f"{r[0]} {r[1] if isinstance(r[1], str) else 'id'}" for r in ROUTES],
)
def test_role_by_route(client, today, role, method, path, data, allowed, status):
    est = make_establishment("HMP Example")
    make_user("someone", role, establishment_ids=[est] if role == Role.ESTABLISHMENT else [])
    make_inspection(est, end=date(2025, 1, 24))
    if callable(path):
        path = path()
    sign_in(client, "someone")
    response = _call(client, method, path, data)
    if role in allowed:
        assert response.status_code == status, response.text[:1000]
    else:
        assert response.status_code == 403
        assert audit_rows("denied", actor="someone")


def test_every_timelines_route_is_in_the_matrix(app):
    from tests.tracker.test_access import all_route_handlers

    prefixes = (
        "/my-work",
        "/dashboard",
        "/performance",
        "/recurring",
        "/calculator",
        "/admin/holidays",
        "/programme/import",
        "/feeds",
        "/api/v1/milestones",
    )
    covered = {(m, (p if isinstance(p, str) else "").split("?")[0]) for m, p, *_ in ROUTES}
    covered |= {
        ("GET", "/admin/holidays/changes/{change_id:int}"),
        ("GET", "/admin/holidays/refresh/applied/{version_id:int}"),
        ("GET", "/programme/import/{import_id:int}"),
        ("POST", "/programme/import/{import_id:int}/apply"),
        ("GET", "/feeds/{filename:str}"),
    }
    mine = {
        (method, path)
        for path, handler in all_route_handlers(app)
        for method in handler.http_methods
        if path.startswith(prefixes) and method != "OPTIONS"
    }
    assert mine - covered == set()


def test_the_calendar_feed_route_is_public_but_needs_a_live_token(client):
    response = client.get("/feeds/not-a-token.ics")
    assert response.status_code == 404
    assert audit_rows("feed.read", outcome="denied")


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard?status=open&establishment={other}",
        "/dashboard/export?format=csv&establishment={other}",
        "/api/v1/milestones?establishment={other}",
    ],
)
def test_establishment_user_asking_for_another_establishment_gets_404(client, today, path):
    mine = make_establishment("HMP Example")
    other = make_establishment("HMP Elsewhere")
    make_inspection(other, end=date(2025, 1, 24))
    make_user("gov", Role.ESTABLISHMENT, establishment_ids=[mine])
    sign_in(client, "gov")
    response = client.get(path.format(other=other))
    assert response.status_code == 404
    assert "HMP Elsewhere" not in response.text
    denial = audit_rows("denied", actor="gov")[-1]
    assert denial["object_type"] == "establishment" and denial["object_id"] == str(other)


def test_group_scoped_hmpps_manager_gets_404_outside_their_group(client, today):
    make_establishment("HMP Example", prison_group="Yorkshire")
    london = make_establishment("HMP Pentonville", prison_group="London")
    make_user("yorks", Role.HMPPS_MANAGER, prison_group="Yorkshire")
    sign_in(client, "yorks")
    response = client.get(f"/dashboard?establishment={london}")
    assert response.status_code == 404
    assert "Pentonville" not in response.text


def test_recurring_obligation_of_the_other_side_is_refused(client, today):
    make_user("pat", Role.HMPPS_MANAGER)
    sign_in(client, "pat")
    assert client.get("/recurring/done?key=mou_review").status_code == 403
    response = post_form(client, "/recurring/done", {"key": "mou_review", **date_fields("done_on", TODAY)})
    assert response.status_code == 403
    assert client.get("/recurring/done?key=hub_mou_review").status_code == 200
    assert client.get("/recurring/done?key=no_such_thing").status_code == 404


def test_anonymous_is_sent_to_sign_in_and_the_api_says_401(client):
    assert client.get("/my-work", follow_redirects=False).status_code == 302
    assert client.get("/api/v1/milestones").status_code == 401
