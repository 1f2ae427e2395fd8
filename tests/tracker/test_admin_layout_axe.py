"""Issue 16: the layout passes axe's best-practice rules as well as WCAG (every part of the page in a
landmark: the header, the phase banner and the classification bar), at a phone's width and a
desktop's, signed out and as an administrator and a manager; the service navigation stays on one
row at desktop width; nothing is wider than a phone's screen."""

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


@pytest.mark.parametrize("role", [Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.ESTABLISHMENT, Role.ADMIN])
def test_the_service_navigation_is_one_row_at_desktop_width(live_server, page, role):
    """The service name links home, so there is no "Home" item. (The managers' and the Scrutiny
    Team's 9 to 10 items need more than the 960 pixels of a GOV.UK page: see issue 16's report.)"""
    establishment = make_establishment("HMP Leeds", code="LEE")
    make_user("someone", role, establishment_ids=[establishment] if role == Role.ESTABLISHMENT else [])
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, "someone")
    items = page.eval_on_selector_all(
        ".govuk-service-navigation__item",
        "items => items.map(i => [i.innerText, i.getBoundingClientRect().top])",
    )
    assert "Home" not in [text for text, _ in items]
    assert len(items) >= 4 and len({top for _, top in items}) == 1, items
