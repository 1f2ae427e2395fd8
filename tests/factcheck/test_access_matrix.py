"""Role × route, cell by cell, for every factcheck page route (enumerated from the app).

Allowed → 200/302/303; a role the route is not for → 403; an establishment user with another
establishment's ids, or with an unshared draft → 404 with nothing of it in the body, audited.
"""

import re

import pytest
from litestar.handlers import HTTPRouteHandler

from tests.factcheck.helpers import USERNAMES, build_world
from tests.support import audit_rows, csrf_token, sign_in
from tracker.roles import Role

TL, INSP, HMIPM = Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.HMIP_MANAGER
SCR, HMPPSM, EST, ADMIN = Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT, Role.ADMIN
READ = {TL, INSP, HMIPM, SCR, EST}
TEAM = {TL, INSP, HMIPM, SCR}
HMIP = {TL, HMIPM}
SCRUTINY = {SCR}
PROPOSE = {SCR, EST}
LETTER = {SCR, TL, HMIPM}

# (method, path, roles allowed, which inspection the ids come from)
ROUTES = [
    ("GET", "/factcheck", {SCR, HMIPM}, None),
    ("GET", "/factcheck/points-template.xlsx", {SCR}, None),
    ("GET", "/inspections/{i}/factcheck", READ, "full"),
    ("GET", "/inspections/{i}/draft", HMIP, "full"),
    ("POST", "/inspections/{i}/draft", HMIP, "full"),
    ("POST", "/inspections/{i}/draft/confirm", HMIP, "full"),
    ("GET", "/inspections/{i}/draft/upload", HMIP, "full"),
    ("POST", "/inspections/{i}/draft/upload", HMIP, "full"),
    ("GET", "/inspections/{i}/draft/file", READ, "full"),
    ("GET", "/inspections/{i}/draft/share", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/draft/share", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/points", PROPOSE, "full"),
    ("POST", "/inspections/{i}/factcheck/points", PROPOSE, "full"),
    ("POST", "/inspections/{i}/factcheck/points/{p}/state", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/points/{pp}/drop", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/points/{pp}/edit", PROPOSE, "full"),
    ("POST", "/inspections/{i}/factcheck/points/{pp}/edit", PROPOSE, "full"),
    ("GET", "/inspections/{i}/factcheck/import", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/factcheck/import", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/details", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/factcheck/details", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/check", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/factcheck/submit", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/returned", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/factcheck/points/{p}/answer", HMIP, "full"),
    ("POST", "/inspections/{i}/factcheck/points/{p}/answer", HMIP, "full"),
    ("GET", "/inspections/{i}/factcheck/response", HMIP, "full"),
    ("POST", "/inspections/{i}/factcheck/response", HMIP, "full"),
    ("GET", "/inspections/{i}/factcheck/summary.csv", TEAM, "full"),
    ("GET", "/inspections/{i}/factcheck/summary.xlsx", TEAM, "full"),
    ("POST", "/inspections/{i}/factcheck/proceed", HMIP, "full"),
    ("GET", "/inspections/{i}/data/new", HMIP, "full"),
    ("POST", "/inspections/{i}/data/new", HMIP, "full"),
    ("GET", "/inspections/{i}/data/{d}/response", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/data/{d}/response", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/data/{d}/proceed", HMIP, "full"),
    ("GET", "/inspections/{i}/data/{d}/resolve", HMIP, "full"),
    ("POST", "/inspections/{i}/data/{d}/resolve", HMIP, "full"),
    ("GET", "/inspections/{i}/data/{d}/override", HMIP, "full"),
    ("POST", "/inspections/{i}/data/{d}/override", HMIP, "full"),
    ("GET", "/inspections/{i}/photographs/new", HMIP, "full"),
    ("POST", "/inspections/{i}/photographs/new", HMIP, "full"),
    ("GET", "/inspections/{i}/photographs/{ph}/image", TEAM, "full"),
    ("GET", "/inspections/{i}/photographs/{ph}/response", SCRUTINY, "full"),
    ("POST", "/inspections/{i}/photographs/{ph}/response", SCRUTINY, "full"),
    ("GET", "/inspections/{i}/photographs/{ph}/resolve", HMIP, "full"),
    ("POST", "/inspections/{i}/photographs/{ph}/resolve", HMIP, "full"),
    ("GET", "/inspections/{i}/photographs/{ph}/override", HMIP, "full"),
    ("POST", "/inspections/{i}/photographs/{ph}/override", HMIP, "full"),
    ("GET", "/inspections/{i}/photographs/{ph}/consent-withdrawn", HMIP, "full"),
    ("POST", "/inspections/{i}/photographs/{ph}/consent-withdrawn", HMIP, "full"),
    ("POST", "/inspections/{i}/photographs/{ph}/remove", HMIP, "full"),
    ("GET", "/inspections/{i}/publication", TEAM, "full"),
    ("POST", "/inspections/{i}/publication/press-release", HMIP, "full"),
    ("POST", "/inspections/{i}/publication", HMIP, "full"),
    ("POST", "/inspections/{i}/publication/confirm", HMIP, "full"),
    ("GET", "/inspections/{i}/irp-response-letter", LETTER, "irp"),
    ("POST", "/inspections/{i}/irp-response-letter", LETTER, "irp"),
    ("GET", "/inspections/{i}/emerging-findings", HMIP, "thematic"),
    ("POST", "/inspections/{i}/emerging-findings", HMIP, "thematic"),
]
MINE = re.compile(
    r"^/(factcheck|inspections/\{inspection_id:int\}/(factcheck|draft|data|photographs|publication|irp-response-letter|emerging-findings))"
)


def _normalise(path: str) -> str:
    return re.sub(r"\{(\w+)(:int)?\}", "{}", path)


def test_every_factcheck_route_is_in_the_matrix(app):
    served = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and MINE.match(route.path):
                for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                    served.add((method, _normalise(route.path)))
    listed = {(method, _normalise(path)) for method, path, _roles, _which in ROUTES}
    assert served == listed


def _request(client, method: str, path: str, token: str):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    return client.post(path, data={"_csrf_token": token}, follow_redirects=False)


def _path(template: str, ids: dict) -> str:
    return template.format(**ids) if ids else template


@pytest.mark.parametrize("role", list(Role))
def test_role_by_route(client, role):
    world = build_world()
    sign_in(client, USERNAMES[role])
    token = csrf_token(client)
    failures = []
    for method, template, allowed, which in ROUTES:
        path = _path(template, world.ids.get(which, {}))
        response = _request(client, method, path, token)
        expected = "allowed" if role in allowed else 403
        ok = response.status_code in (200, 302, 303) if expected == "allowed" else response.status_code == 403
        if not ok:
            failures.append(f"{method} {path}: {response.status_code}, expected {expected}")
    assert failures == []


def test_establishment_user_gets_404_for_another_establishment_and_an_unshared_draft(client):
    world = build_world()
    sign_in(client, USERNAMES[EST])
    token = csrf_token(client)
    failures = []
    for which in ("other", "unshared"):
        for method, template, _allowed, kind in ROUTES:
            if kind is None:
                continue
            ids = world.ids[which]
            path = _path(template, ids)
            before = len(audit_rows("denied"))
            response = _request(client, method, path, token)
            if response.status_code != 404:
                failures.append(f"{which}: {method} {path}: {response.status_code}")
                continue
            for leak in ("HMP Elsewhere", "It was 41, not 14", "Use of force", "Cell on A wing", "draft.pdf"):
                if leak in response.text:
                    failures.append(f"{which}: {method} {path}: body shows {leak!r}")
            if len(audit_rows("denied")) <= before:
                failures.append(f"{which}: {method} {path}: denial not audited")
    assert failures == []


def test_an_inspector_not_on_the_team_and_a_team_leader_who_does_not_lead_get_404(client, run):
    from tests.support import make_user

    world = build_world()
    make_user("outsider", INSP)
    make_user("otherleader", TL)
    for username in ("outsider", "otherleader"):
        client.cookies.clear()
        sign_in(client, username)
        assert client.get(f"/inspections/{world.full}/factcheck").status_code == 404
        assert client.get(f"/inspections/{world.full}/draft/file").status_code == 404
