"""Issue 16: no page offers an action its viewer may not take. As every role of the test world
(tests/security/world.py), starting from the home page, every same-site link (and htmx hx-get) is
followed once and every page it leads to is crawled the same way: none may answer 403 (a link to
something this person may not do) or 500. Buttons that POST are not pressed: a change would
alter the world the other roles crawl."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.security.world import USERS, build_world
from tests.support import sign_in

HREF = re.compile(r'(?:href|hx-get)="([^"]*)"')  # links, and what htmx fetches on a click
NOT_PAGES = ("/static/", "/assets/")
LEAVES = ("/signed-out", "/logout")  # following these would end the crawl's own session
MAX_PAGES_PER_ROLE = 600


def same_site_links(page: str) -> set[str]:
    links = set()
    for raw in HREF.findall(page):
        url, _fragment = urldefrag(html.unescape(raw))
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/"):
            continue  # another site, mailto:, or an in-page anchor
        if url.startswith(NOT_PAGES) or parts.path in LEAVES:
            continue
        links.add(url)
    return links


def crawl(client, start: str = "/") -> tuple[list[str], int]:
    """Every (status, url, found on) that is 403 or 5xx, and how many urls were fetched."""
    seen = {start}
    queue = deque([(start, "(start)")])
    problems = []
    fetched = 0
    while queue and fetched < MAX_PAGES_PER_ROLE:
        url, found_on = queue.popleft()
        response = client.get(url, follow_redirects=True)
        fetched += 1
        if response.status_code == 403 or response.status_code >= 500:
            problems.append(f"{response.status_code} {url} (linked from {found_on})")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue  # a download
        for link in sorted(same_site_links(response.text) - seen):
            seen.add(link)
            queue.append((link, url))
    return problems, fetched


@pytest.mark.slow
def test_no_page_links_to_something_its_viewer_may_not_do(client):
    build_world()
    found = []
    for username in [*USERS.values(), "governorb"]:
        client.cookies.clear()
        sign_in(client, username)
        problems, fetched = crawl(client)
        assert fetched < MAX_PAGES_PER_ROLE, f"{username}: the crawl did not finish"
        assert fetched > 5, f"{username}: only {fetched} pages"
        found += [f"{username}: {problem}" for problem in problems]
    assert found == [], "\n".join(found)


def test_the_crawl_reports_a_link_its_viewer_may_not_follow(client):
    from tests.support import make_user
    from tracker.roles import Role

    make_user("ivy", Role.HMIP_INSPECTOR)
    sign_in(client, "ivy")
    problems, _ = crawl(client, start="/admin/audit")
    assert problems == ["403 /admin/audit (linked from (start))"]
