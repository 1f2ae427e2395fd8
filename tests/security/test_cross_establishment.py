"""A1: every route with an id, called by establishment A's user with establishment B's ids.

The routes are enumerated from the app, and the ids substituted by path parameter name, so a new
route with an id is covered the day it is added (and a new parameter name fails the test until it
is given a value here). Expected: 404 (403 where the establishment role may not use the route at
all), no trace of B's data in the body or headers, no table changed, and the denial audited.
"""

from __future__ import annotations

import pytest

from tests.security.helpers import diff, generic_form, generic_json, routes, snapshot
from tests.security.world import build_world
from tests.support import audit_rows, csrf_token, sign_in
from tracker.roles import Role

# Routes whose id is not an establishment's object, with the reason they are left out.
EXEMPT = {
    "/feeds/{filename:str}": "a calendar feed is a capability URL: its secret token is the check",
    "/set-password/{token:str}": "a one-time password link is a capability URL: its token is the check",
    "/api/v1/schema/{path:str}": "the API's own schema documents; no data",
    "/assets/{file_path:path}": "static files",
    "/static/{file_path:path}": "static files",
    "/login/sso/{provider_name:str}": "an identity provider's name, before anyone signs in",
    "/login/sso/{provider_name:str}/callback": "an identity provider's name, before anyone signs in",
}
# Ids of objects that belong to no establishment: routes using them must not be open to
# establishment users (checked below), so they are only ever refused by role.
GLOBAL_IDS = {"change_id": 1, "import_id": 1, "version_id": 1}


def contexts(side) -> list[dict[str, int]]:
    """Sets of one establishment's ids that belong together (an inspection and its point...)."""
    ids = side.ids
    common = {
        "establishment_id": side.establishment,
        "user_id": side.governor,
        "token_id": ids["token_id"][0],
    }
    fact_check = {"inspection_id": ids["inspection_id"][0], "item_id": ids["item_id"][0]}
    fact_check |= {"photo_id": ids["photo_id"][0]}
    published = {"inspection_id": ids["inspection_id"][1], "plan_id": ids["plan_id"][0]}
    published |= {"recommendation_id": ids["recommendation_id"][0], "file_id": ids["file_id"][0]}
    return [
        common | fact_check | {"point_id": ids["point_id"][0]},
        common | fact_check | {"point_id": ids["point_id"][1]},
        common | published | {"action_id": ids["action_id"][0]},
        common
        | published
        | {"action_id": ids["action_id"][1], "recommendation_id": ids["recommendation_id"][1]},
    ]


def id_routes(app):
    for route in routes(app):
        if route.params and route.path not in EXEMPT:
            yield route


def leaks(response, side) -> list[str]:
    text = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return [marker for marker in (side.marker, side.name, "Governorb") if marker in text]


def call(client, route, url, token, csrf):
    headers = {}
    if route.is_api:
        headers["Authorization"] = f"Bearer {token}"
        if route.method == "GET":
            return client.get(url, headers=headers)
        return client.request(route.method, url, json=generic_json(), headers=headers)
    if route.method == "GET":
        return client.get(url, follow_redirects=False)
    data = {"_csrf_token": csrf, **generic_form()}
    return client.request(route.method, url, data=data, follow_redirects=False)


def cross_establishment_problems(client, app, world, only: str = "") -> tuple[list[str], int]:
    """Call every route with an id (or those whose path contains `only`) as A's user with B's ids."""
    from tests.support import api_token

    a, b = world.a, world.b
    sign_in(client, "governora")
    token = api_token("governora")
    csrf = csrf_token(client)
    before = snapshot()
    problems: list[str] = []
    tried = 0
    for route in id_routes(app):
        if only not in route.path:
            continue
        names = [name for name, _ in route.params]
        for name in names:
            if name in GLOBAL_IDS and route.allows(Role.ESTABLISHMENT):
                problems.append(
                    f"{route}: {name} is not an establishment's id, yet establishments may use it"
                )
        usable = [c | GLOBAL_IDS for c in contexts(b) if set(names) <= set(c) | set(GLOBAL_IDS)]
        if not usable:
            problems.append(f"{route}: no value for {names}: add the parameter to contexts() in this test")
            continue
        expected = 404 if route.allows(Role.ESTABLISHMENT) else 403
        seen_urls = set()
        for values in usable:
            attempts = [(route.url(values), True, expected)]
            # A's own parent with B's child: the child must be looked up under the parent, so
            # the answer is the same as for an id that does not exist at all.
            if len(names) > 1:
                own = next(c for c in contexts(a) if c.keys() >= values.keys() - GLOBAL_IDS.keys())
                mixed = values | {names[0]: own[names[0]]}
                missing = mixed | {names[-1]: 999999}
                status = call(client, route, route.url(missing), token, csrf).status_code
                if status not in (403, 404):
                    problems.append(f"{route}: {status} for an id that does not exist")
                attempts.append((route.url(mixed), False, status))
            for url, all_b, want in attempts:
                if url in seen_urls:
                    continue
                seen_urls.add(url)
                tried += 1
                denials = len(audit_rows("denied"))
                response = call(client, route, url, token, csrf)
                label = f"{route.method} {url} ({route.path})"
                if response.status_code != want:
                    problems.append(f"{label}: {response.status_code}, expected {want}")
                if found := leaks(response, b):
                    problems.append(f"{label}: B's data in the response: {found}")
                if len(audit_rows("denied")) <= denials:  # B's id under A's parent too (K14)
                    problems.append(f"{label}: the denial was not audited")
                if changed := diff(before, snapshot()):
                    problems.append(f"{label}: changed {changed}")
                    before = snapshot()
                if route.method == "GET" and not route.is_api and all_b:
                    fragment = client.get(url, headers={"HX-Request": "true"}, follow_redirects=False)
                    if fragment.status_code != want or leaks(fragment, b):
                        problems.append(f"{label} (htmx): {fragment.status_code}, leaks {leaks(fragment, b)}")
    return problems, tried


@pytest.mark.slow
def test_every_route_with_an_id_refuses_another_establishments_ids(client, app):
    problems, tried = cross_establishment_problems(client, app, build_world())
    assert tried > 150
    assert problems == [], "\n".join(problems)


def test_a_new_route_without_a_scope_check_is_caught(db, settings):
    """The generated test is only worth having if it fails for the route someone adds tomorrow."""
    from litestar import get, post
    from litestar.params import FromPath
    from litestar.testing import TestClient

    from inspections.tables import Inspection
    from tracker.access import allow, signed_in
    from tracker.app import create_app

    @get("/inspections/{inspection_id:int}/careless", opt=signed_in())
    async def careless(inspection_id: FromPath[int]) -> str:
        row = await Inspection.select(Inspection.title).where(Inspection.id == inspection_id).first()
        return row["title"] if row else "none"

    @post("/inspections/{inspection_id:int}/careless-write", opt=allow(Role.ESTABLISHMENT), status_code=200)
    async def careless_write(inspection_id: FromPath[int]) -> str:
        await Inspection.update({Inspection.coordinator: "changed"}).where(Inspection.id == inspection_id)
        return "done"

    app = create_app(settings, engine=db)
    app.register(careless)
    app.register(careless_write)
    world = build_world()
    with TestClient(app=app, base_url="http://testserver.local") as client:
        problems, tried = cross_establishment_problems(client, app, world, only="/careless")
    assert tried >= 2
    text = "\n".join(problems)
    assert "careless): 200, expected 404" in text
    assert "B's data in the response" in text
    assert "not audited" in text
    assert "changed ['inspection (rows updated)']" in text
