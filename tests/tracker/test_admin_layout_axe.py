"""Issue 16: the layout passes axe's best-practice rules as well as WCAG (every part of the page in a
landmark: the header, the phase banner and the classification bar), at a phone's width and a
desktop's, signed out and as an administrator and a manager; nothing is wider than a phone's screen.
(That the service navigation is one row at desktop width for every role: tests/browser/test_navigation.py.)"""

from __future__ import annotations

import pytest

from tests.support import axe_violations, browser_sign_in, make_establishment, make_inspection, make_user
from tracker.roles import Role

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SIGNED_OUT = ("/login", "/cookies", "/privacy", "/help", "/accessibility")
ADMIN_PAGES = (
    "/",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/1/edit",  # a back link
    "/admin/users/1/tokens",
    "/account/tokens",
    "/admin/audit",
    "/admin/audit?from-day=40",
)
MANAGER_PAGES = (
    "/",
    "/privacy",
    "/my-work?within=all",
    "/dashboard?status=open",
    "/establishments",
    "/inspections",
    "/recurring",
    "/programme",
    "/action-plans",
    "/factcheck",
    "/inspections/1",
)


def problems_on(page, url: str) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        found += [f"{width}px {url}: {v}" for v in axe_violations(page, best_practice=True)]
        too_wide = page.evaluate("document.documentElement.scrollWidth") - width
        if too_wide > 0:
            found.append(f"{width}px {url}: {too_wide}px wider than the screen")
    return found


def test_pages_are_axe_clean_with_best_practices_at_390_and_1280(live_server, page):
    make_user("ada", Role.ADMIN)
    make_user("hal", Role.HMIP_MANAGER)
    make_inspection(make_establishment("HMP Leeds", code="LEE"))
    problems = []
    for path in SIGNED_OUT:
        problems += problems_on(page, live_server.url + path)
    for username, paths in (("ada", ADMIN_PAGES), ("hal", MANAGER_PAGES)):
        page.context.clear_cookies()
        browser_sign_in(page, live_server, username)
        for path in paths:
            problems += problems_on(page, live_server.url + path)
    assert problems == [], "\n".join(problems)

