"""I1: axe finds no WCAG 2.2 A/AA violation on any page the app serves, each page visited (with
establishment A's ids) as the first role in ROLE_ORDER that may see it. One browser session per
role; pages with JavaScript on (axe runs in the page). Bounded to one id set per route."""

from __future__ import annotations

import pytest

from tests.security.helpers import routes
from tests.security.test_cross_establishment import GLOBAL_IDS, contexts
from tests.security.world import build_world
from tests.support import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser

ROLE_ORDER = ("leader", "governora", "scrutiny", "hmipmanager", "hmppsmanager", "inspector", "admin")


def page_urls(app, world) -> dict[str, set]:
    """url -> the roles allowed by the route's rule (by username)."""
    from tests.security.world import USERS

    out = {}
    for route in routes(app):
        if route.method != "GET" or route.is_api or route.path.startswith(("/static", "/assets", "/feeds")):
            continue
        if route.path.endswith((".xlsx", ".csv", "/file", "/image", "/export")) or route.path == "/health":
            continue  # downloads, not pages
        names = {n for n, _ in route.params}
        for values in contexts(world.a):
            if names <= (values | GLOBAL_IDS).keys():
                url = route.url(values | GLOBAL_IDS)
                out[url] = {name for role, name in USERS.items() if route.allows(role)}
                break
    return out


@pytest.mark.slow
def test_every_page_is_axe_clean(live_server, page, app):
    world = build_world()
    urls = page_urls(app, world)
    remaining = dict(urls)
    problems = []
    checked = 0
    for username in ROLE_ORDER:
        mine = [u for u, allowed in remaining.items() if username in allowed]
        if not mine:
            continue
        page.context.clear_cookies()
        browser_sign_in(page, live_server, username)
        for url in mine:
            response = page.goto(f"{live_server.url}{url}")
            if (
                response is None
                or response.status != 200
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue  # not a page for this role in this state; another role may see it
            remaining.pop(url)
            checked += 1
            if found := axe_violations(page):
                problems.append(f"{username} {url}: {found}")
    assert checked > 50
    assert problems == [], "\n".join(problems)


def test_an_id_page_works_without_javascript(live_server, browser, app):
    world = build_world()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, "governora")
    page.goto(f"{live_server.url}/action-plans/{world.a.first('plan_id')}")
    assert world.a.marker in page.content()
    page.goto(f"{live_server.url}/inspections/{world.b.ids['inspection_id'][0]}")
    assert world.b.marker not in page.content() and "Page not found" in page.content()
    context.close()
