"""How wide each role's header navigation is at 1280 px, and how tall the classification bar is
at 390 px (issue 16, decision 0016). Figures only, never a test: it borrows the tests' fixtures
(a fresh database, a live server, headless Chromium), so run it with pytest:

    PYTHONPATH=$PWD .venv/bin/python -m pytest bench/navigation_width.py -p tests.conftest -q -s \
        -p no:cacheprovider | grep '^navigation'

Prints, per role: the width of the row (GOV.UK's 960 px), the service name's, the items' total
(each with its margin), the number of rows the items take, and each item's width.
"""

from __future__ import annotations

import pytest

from tests import conftest
from tests.support import browser_sign_in, make_establishment, make_user
from tracker.roles import Role

# The tests' Debian Chromium (a plugin's fixture of this name would otherwise win over conftest's).
browser_type_launch_args = conftest.browser_type_launch_args

MEASURE = """() => {
  const outer = (el) => { const s = getComputedStyle(el);
    return el.getBoundingClientRect().width + parseFloat(s.marginLeft) + parseFloat(s.marginRight); };
  const items = [...document.querySelectorAll('.govuk-service-navigation__item')];
  const name = document.querySelector('.govuk-service-navigation__service-name');
  return {
    row: document.querySelector('.govuk-service-navigation__container').getBoundingClientRect().width,
    name: name ? outer(name) : 0,
    items: items.map(i => [i.innerText.trim(), Math.round(outer(i))]),
    rows: new Set(items.map(i => Math.round(i.getBoundingClientRect().top))).size,
    bar: document.querySelector('.app-classification').getBoundingClientRect().height,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("role", list(Role))
def test_print_navigation_width(page, live_server, role):
    establishment = make_establishment("HMP Leeds", code="LEE")
    make_user("someone", role, establishment_ids=[establishment] if role == Role.ESTABLISHMENT else [])
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, "someone")
    wide = page.evaluate(MEASURE)
    page.set_viewport_size({"width": 390, "height": 844})
    narrow = page.evaluate(MEASURE)
    items = ", ".join(f"{label} {width}" for label, width in wide["items"])
    print(
        f"\nnavigation {role.label}: row {wide['row']:.0f} px, service name {wide['name']:.0f} px, "
        f"items {sum(w for _, w in wide['items'])} px in {wide['rows']} row(s); "
        f"classification bar at 390 px {narrow['bar']:.0f} px high; {items}"
    )
