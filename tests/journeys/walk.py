"""What every journey test checks on every page it reaches (issue 16, JOURNEYS.md): axe clean with
best practices, at 1280 px and at 390 px, with nothing wider than the phone's screen."""

from __future__ import annotations

from tests.support import axe_violations

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def look(page) -> None:
    """Checks the page as it is now at both widths, then leaves it at desktop width."""
    page.wait_for_load_state()  # a click that navigates returns once the new page has begun to load
    problems = []
    for name, size in (("1280 px", DESKTOP), ("390 px", PHONE)):
        page.set_viewport_size(size)
        problems += [f"{name}: {v}" for v in axe_violations(page, best_practice=True)]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{name}: {overflow} px wider than the window")
    page.set_viewport_size(DESKTOP)
    assert problems == [], f"{page.url}: {problems}"


def header_navigation_fits(page) -> None:
    """At 1280 px the header's navigation is one row (GOV.UK service navigation)."""
    page.set_viewport_size(DESKTOP)
    tops = page.evaluate(
        "[...document.querySelectorAll('.govuk-service-navigation__item')]"
        ".map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) <= 1, f"the navigation wraps onto {len(set(tops))} rows"


def open_from_header(page, link: str, *then: str) -> None:
    """A header link, as a person clicks it (on a phone, behind the Menu button), then each of
    `then` on the pages it leads to (a page that lists others: Administration, Your account)."""
    if page.viewport_size["width"] < 641:  # GOV.UK's tablet breakpoint: the Menu button shows below it
        page.get_by_role("button", name="Menu").first.click()
    page.get_by_role("link", name=link, exact=True).click()
    for name in then:
        page.locator("main").get_by_role("link", name=name, exact=True).click()
