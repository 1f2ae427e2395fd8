"""D1: no GET changes state. Every GET route the app serves (ids filled in from establishment A's
data) is called as a user of every role; only the technical tables listed in
helpers.TECHNICAL_TABLES (each with its reason) may change. No GET answers with a 5xx either."""

from __future__ import annotations

import pytest

from tests.security.helpers import TECHNICAL_TABLES, diff, routes, snapshot
from tests.security.test_cross_establishment import GLOBAL_IDS, contexts
from tests.security.world import USERS, build_world
from tests.support import api_token, run, sign_in

SKIPPED = {
    "/assets/{file_path:path}": "static files",
    "/static/{file_path:path}": "static files",
    "/api/v1/schema/{path:str}": "the schema's other renderings are not served",
    # OpenID Connect returns by a GET: signing in there is the point (tests/sso checks it).
    "/login/sso/{provider_name:str}": "single sign-on's first leg: sets only a cookie",
    "/login/sso/{provider_name:str}/callback": "single sign-on's return: signs in, like POST /login",
}


def get_urls(app, world, feed_name: str, password_link: str) -> list[tuple[str, bool]]:
    """(url, is_api) for every GET route, with A's ids."""
    urls = []
    for route in routes(app):
        if route.method != "GET" or route.path in SKIPPED:
            continue
        names = {name for name, _ in route.params}
        if names == {"filename"}:
            urls.append((route.url({"filename": feed_name}), False))
            continue
        if names == {"token"}:  # a one-time password link: opening it must not use it up
            urls.append((route.url({"token": password_link}), False))
            continue
        for values in contexts(world.a):
            values = values | GLOBAL_IDS
            if names <= values.keys():
                urls.append((route.url(values), route.is_api))
                break
        else:
            raise AssertionError(f"{route}: no value for {sorted(names)}")
    return urls


@pytest.mark.slow
def test_no_get_changes_anything_for_any_role(client, app):
    from timelines.feeds import create_feed_token
    from tracker.users import new_password_link

    world = build_world()
    feed = run(create_feed_token(world.a.governor)) + ".ics"
    urls = get_urls(app, world, feed, run(new_password_link(world.a.governor)))
    assert len(urls) > 80
    assert set(TECHNICAL_TABLES) >= {"audit_event", "user_session"}
    problems = []
    for role, username in USERS.items():
        client.cookies.clear()
        sign_in(client, username)
        token = api_token(username)
        before = snapshot()
        for url, is_api in urls:
            headers = {"Authorization": f"Bearer {token}"} if is_api else {}
            response = client.get(url, headers=headers, follow_redirects=False)
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: {response.status_code}")
            after = snapshot()
            if changed := diff(before, after):
                problems.append(f"{role} GET {url}: changed {changed}")
                before = after
    assert problems == [], "\n".join(problems)
