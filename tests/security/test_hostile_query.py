"""K10 (pages and filters): no 5xx for odd values in a URL's query string.

Every GET route whose handler reads the query string (found by watching one ordinary request to
each route the app serves, ids from establishment A's data as in D1) is called as
an HMIP manager and as an administrator with every query parameter the code reads set to one
hostile value at a time: ids beyond PostgreSQL's integer and beyond 64 bits, negative, not a
number, a digit Python's isdigit() accepts but int() refuses, dates in year 1, 9999 and 10000.
The parameter names are found in the handlers' source, so a new filter is covered when added.
"""

from __future__ import annotations

import inspect
import re
import sys

import pytest

from tests.security.helpers import routes
from tests.security.test_safe_methods import get_urls
from tests.security.world import build_world
from tests.support import api_token, sign_in

HOSTILE = [
    str(2**31),
    str(2**63),
    str(2**70),
    "-1",
    "abc",
    "\u00b2",  # superscript two: "²".isdigit() is True, int("²") raises
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
]
# Read indirectly (a tuple of names, a GOV.UK date input): the source scan below cannot see them.
INDIRECT = {"actor", "action", "object_type", "object_id", "from", "to", "stage", "group", "side", "sort"}
INDIRECT |= {"rule", "start-day", "start-month", "start-year"}
READ = re.compile(r"""(?:query_params|\bq|\bparams)(?:\.get\(|\[)\s*["']([\w-]+)["']""")
READ_ID = re.compile(r"""query_id\([\w.]+,\s*["']([\w-]+)["']""")
NOT_QUERY = {"request", "data", "self"}


def query_names(app) -> set[str]:
    """Every name the route handlers' modules read from a query string, and the query parameters
    the handlers declare (the API's filters)."""
    modules = {sys.modules[route.handler.fn.__module__] for route in routes(app)}
    names = set(INDIRECT)
    for module in modules:
        source = inspect.getsource(module)
        names |= set(READ.findall(source)) | set(READ_ID.findall(source))
    for route in routes(app):
        in_path = {name for name, _ in route.params}
        names |= set(inspect.signature(route.handler.fn).parameters) - in_path - NOT_QUERY
    return names


def test_the_scan_finds_the_filters(app):
    assert {"establishment", "corrects", "page", "within", "year", "day", "kind"} <= query_names(app)


def readers_of_the_query(client, urls, api_headers: dict) -> list[tuple[str, bool]]:
    """The urls whose handler (or its template) reads the query string, found by watching."""
    from litestar.connection import ASGIConnection

    read: set[str] = set()
    plain = ASGIConnection.query_params

    def watched(connection):
        read.add(connection.scope["path"])
        return plain.fget(connection)

    ASGIConnection.query_params = property(watched)
    try:
        for url, is_api in urls:
            client.get(
                url, params={"probe": "1"}, headers=api_headers if is_api else {}, follow_redirects=False
            )
    finally:
        ASGIConnection.query_params = plain
    return [(url, is_api) for url, is_api in urls if url in read]


@pytest.mark.slow
def test_no_5xx_for_hostile_query_values(client, app):
    world = build_world()
    names = sorted(query_names(app))
    problems = []
    for username in ("hmipmanager", "admin"):
        client.cookies.clear()
        sign_in(client, username)
        headers = {"Authorization": f"Bearer {api_token(username)}"}
        urls = readers_of_the_query(client, get_urls(app, world, "not-a-feed.ics", "not-a-link"), headers)
        assert len(urls) > 10
        for url, is_api in urls:
            for value in HOSTILE:
                response = client.get(
                    url,
                    params={name: value for name in names},
                    headers=headers if is_api else {},
                    follow_redirects=False,
                )
                if response.status_code >= 500 or "Traceback" in response.text:
                    problems.append(f"{username} GET {url} ={value}: {response.status_code}")
    assert problems == [], "\n".join(problems)


BY_ID = [
    "/inspections?establishment={big}",
    "/dashboard?status=open&establishment={big}",
    "/dashboard/export?status=open&establishment={big}",
    "/factcheck?establishment={big}",
    "/inspections/{inspection}/events/new?corrects={big}",
    "/api/v1/milestones?establishment={big}",
]
NAMED = [url.replace("{big}", str(big)) for url in BY_ID for big in (2**31, 2**63, 2**70)]
NAMED += ["/admin/audit?to=9999-12-31", "/admin/audit?from=0001-01-01", "/admin/audit?page=\u00b2"]
NAMED += ["/dashboard?page=\u00b2", "/performance?year=\u00b2", "/inspections?establishment=" + "9" * 5000]


@pytest.mark.parametrize("url", NAMED)
def test_an_id_no_row_can_have_matches_nothing(client, url):
    """The handlers named in issue 14, one by one (quick to run on both databases)."""
    world = build_world()
    username = "admin" if url.startswith("/admin") else "hmipmanager"
    sign_in(client, username)
    headers = {"Authorization": f"Bearer {api_token(username)}"} if url.startswith("/api") else {}
    target = url.replace("{inspection}", str(world.a.first("inspection_id")))
    response = client.get(target, headers=headers, follow_redirects=False)
    assert response.status_code in (200, 404), f"{target}: {response.status_code}"
    assert "Traceback" not in response.text
    if target.startswith("/inspections?"):
        assert world.a.marker not in response.text  # no inspection listed, not every one


def test_no_5xx_for_ids_in_the_path_no_row_can_have(client, app):
    """The shared guard's part: an id in the path beyond PostgreSQL's integer is a 404, on every
    route with one, for pages and the API, whatever the method."""
    from tests.support import csrf_token, make_user
    from tracker.roles import Role

    make_user("hmipmanager", Role.HMIP_MANAGER)
    sign_in(client, "hmipmanager")
    token = api_token("hmipmanager")
    csrf = csrf_token(client)
    problems = []
    for route in routes(app):
        ints = [name for name, kind in route.params if kind == "int"]
        if not ints:
            continue
        for big in (2**31, 2**63, 2**70):
            url = route.url({name: big if kind == "int" else "x" for name, kind in route.params})
            if route.is_api:
                response = client.request(
                    route.method, url, json={}, headers={"Authorization": f"Bearer {token}"}
                )
            else:
                data = None if route.method == "GET" else {"_csrf_token": csrf}
                response = client.request(route.method, url, data=data, follow_redirects=False)
            if response.status_code not in (403, 404):
                problems.append(f"{route.method} {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
