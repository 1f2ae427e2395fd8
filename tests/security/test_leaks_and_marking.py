"""A4 mass assignment, A5 no leak through lists/counts/exports/feeds/API lists/home, A7 the
OFFICIAL-SENSITIVE marking and no-store on what holds the debrief note."""

from __future__ import annotations

from datetime import timedelta

from tests.security.helpers import routes
from tests.security.test_cross_establishment import leaks
from tests.security.world import build_world
from tests.support import api_token, date_fields, post_form, run, sign_in
from tracker.clock import today_london


def test_nothing_of_another_establishment_in_lists_counts_exports_feeds_or_home(client, app):
    from timelines.feeds import create_feed_token

    world = build_world()
    sign_in(client, "governora")
    token = api_token("governora")
    urls = [r.path for r in routes(app) if r.method == "GET" and not r.params]
    urls.append(f"/feeds/{run(create_feed_token(world.a.governor))}.ics")
    urls += ["/inspections?q=Bravo", "/establishments?q=Bravo", "/action-plans?q=Bravo", "/dashboard?q=Bravo"]
    problems, seen_own = [], 0
    for url in urls:
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        response = client.get(url, headers=headers, follow_redirects=False)
        if found := leaks(response, world.b):
            problems.append(f"{url}: {found}")
        seen_own += world.a.marker in response.text or world.a.name in response.text
    assert problems == [], "\n".join(problems)
    assert seen_own >= 5  # the lists do show A's own data, so the check is not vacuous


def test_pages_and_files_holding_the_debrief_note_are_marked_and_not_stored(client):
    world = build_world()
    fc = world.a.ids["inspection_id"][0]
    for username in ("leader", "governora"):
        client.cookies.clear()
        sign_in(client, username)
        for url in (f"/inspections/{fc}/debrief-note", f"/inspections/{fc}/debrief-note/file"):
            response = client.get(url)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (username, url)
            assert "no-store" in response.headers["cache-control"], url
            if response.headers["content-type"].startswith("text/html"):
                assert world.a.marker in response.text  # the note is on the page...
                assert "OFFICIAL-SENSITIVE" in response.text  # ...and marked
            else:
                assert response.headers["content-disposition"].startswith("attachment")
    client.cookies.clear()
    sign_in(client, "leader")
    form = client.get(f"/inspections/{fc}/debrief")
    assert "OFFICIAL-SENSITIVE" in form.text and "no-store" in form.headers["cache-control"]


EXTRA = {
    "establishment": "",
    "establishment_id": "",
    "inspection": "",
    "inspection_id": "",
    "plan": "",
    "plan_id": "",
    "owner_id": "",
    "user_id": "",
    "created_by": "",
    "version": "99",
    "role": "admin",
    "roles": "admin",
    "classification": "OFFICIAL",
    "state": "included",
}


def extras(world) -> dict:
    b = world.b
    values = dict(EXTRA)
    for key in ("establishment", "establishment_id"):
        values[key] = str(b.establishment)
    for key in ("inspection", "inspection_id"):
        values[key] = str(b.ids["inspection_id"][0])
    for key in ("plan", "plan_id"):
        values[key] = str(b.first("plan_id"))
    for key in ("owner_id", "user_id", "created_by"):
        values[key] = str(b.governor)
    return values


def roles_of(username: str) -> list[str]:
    from tracker.tables import AppUser, UserRole

    user = run(AppUser.select(AppUser.id).where(AppUser.username == username).first())
    return sorted(r["role"] for r in run(UserRole.select(UserRole.role).where(UserRole.user == user["id"])))


def test_extra_form_fields_move_nothing_and_grant_nothing(client):
    from actionplans.tables import PlanAction
    from factcheck.tables import AccuracyPoint, DataItem
    from inspections.tables import Inspection

    world = build_world()
    a, b = world.a, world.b
    fc = a.ids["inspection_id"][0]
    plan, rec = a.first("plan_id"), a.first("recommendation_id")
    forms = [
        (
            "governora",
            f"/action-plans/{plan}/recommendations/{rec}/actions/new",
            {"description": "Mass assignment action", "owner": "Head of Safety", "status": "not_started"}
            | date_fields("target_date", days_from_today(60)),
        ),
        (
            "governora",
            f"/inspections/{fc}/factcheck/points",
            {"location": "9.9", "category": "data", "proposed_correction": "Mass assignment point"},
        ),
        (
            "leader",
            f"/inspections/{fc}/data/new",
            {"description": "Mass assignment item", "source": "hub", "report_section": "Safety"},
        ),
        ("leader", f"/inspections/{fc}/edit", None),
        ("hmipmanager", f"/establishments/{a.establishment}/edit", None),
    ]
    from tests.security.helpers import form_fields

    before_roles = {u: roles_of(u) for u in ("governora", "leader", "hmipmanager", "governorb")}
    counts_b = lambda: (  # noqa: E731
        run(PlanAction.count().where(PlanAction.plan == b.first("plan_id"))),
        run(AccuracyPoint.count().where(AccuracyPoint.inspection == b.ids["inspection_id"][0])),
        run(DataItem.count().where(DataItem.inspection == b.ids["inspection_id"][0])),
        run(Inspection.count().where(Inspection.establishment == b.establishment)),
    )
    before_b = counts_b()
    for username, url, data in forms:
        client.cookies.clear()
        sign_in(client, username)
        if data is None:  # an edit form: send what the page holds, plus the extras
            data = {k: v for k, v in form_fields(client.get(url).text, url).items() if k != "_csrf_token"}
            data |= {"coordinator": "Mass assignment", "region": "Mass assignment"}
            version = data.get("version")
        payload = data | extras(world)
        if data.get("version") is not None and url.endswith("/edit"):
            payload["version"] = version
        response = post_form(client, url, payload)
        assert response.status_code in (302, 303), (url, response.text[:2000])
    assert counts_b() == before_b
    assert {u: roles_of(u) for u in before_roles} == before_roles
    assert run(Inspection.count().where(Inspection.establishment == a.establishment)) == 2
    assert run(PlanAction.count().where(PlanAction.description == "Mass assignment action")) == 1
    added = run(PlanAction.select().where(PlanAction.description == "Mass assignment action").first())
    assert added["plan"] == plan and added["status"] == "not_started"
    point = run(
        AccuracyPoint.select().where(AccuracyPoint.proposed_correction == "Mass assignment point").first()
    )
    assert point["inspection"] == fc and point["state"] == "proposed"  # an establishment only proposes


def days_from_today(days: int):
    return today_london() + timedelta(days=days)
