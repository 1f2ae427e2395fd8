"""The factcheck domain's routes: pages (ROUTES, from factcheck.web) and the JSON API
(API_ROUTES), with its navigation item, home panel and inspection page section.

Every page that takes an inspection id loads it through factcheck.web.common.load, which asks
the policy (factcheck.policy): 404 for what is not yours to see, 403 for what is not yours to do.
"""

from __future__ import annotations

from factcheck.web import answers, data, draft, photographs, points, publication, returns
from factcheck.web import queue as queue_pages
from factcheck.web.queue import inspection_section, scrutiny_home_panel
from inspections.sections import INSPECTION_SECTIONS
from tracker.navigation import NavItem, register
from tracker.roles import Role
from tracker.web.home import HOME_PANELS

register(NavItem("Fact checks", "/factcheck", frozenset({Role.HMPPS_SCRUTINY, Role.HMIP_MANAGER}), order=30))

HOME_PANELS.append(scrutiny_home_panel)
INSPECTION_SECTIONS.append(inspection_section)


ROUTES = [
    *queue_pages.ROUTES,
    *draft.ROUTES,
    *points.ROUTES,
    *returns.ROUTES,
    *answers.ROUTES,
    *data.ROUTES,
    *photographs.ROUTES,
    *publication.ROUTES,
]

from factcheck.api import API_ROUTES  # noqa: E402

__all__ = ["API_ROUTES", "ROUTES"]
