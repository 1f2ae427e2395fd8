"""HTTP handlers of the timelines domain: pages (ROUTES) and the JSON API (API_ROUTES)."""

from inspections.sections import INSPECTION_SECTIONS
from timelines import api, feeds, holidays, insight, pages, programme_import
from tracker.navigation import NavItem, register
from tracker.roles import Role
from tracker.web.home import HOME_PANELS

ROUTES: list = [*pages.ROUTES, *insight.ROUTES, *feeds.ROUTES, *holidays.ROUTES, *programme_import.ROUTES]
API_ROUTES: list = [*api.API_ROUTES]

register(
    NavItem("My work", "/my-work", frozenset(Role), order=10),
    NavItem(
        "Dashboard",
        "/dashboard",
        frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY, Role.ESTABLISHMENT}),
        order=20,
    ),
    NavItem(
        "Performance",
        "/performance",
        frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY}),
        order=21,
    ),
    NavItem("Calculator", "/calculator", frozenset(Role), order=80),
)
if pages.home_panel not in HOME_PANELS:
    HOME_PANELS.append(pages.home_panel)
if insight.stages_section not in INSPECTION_SECTIONS:
    INSPECTION_SECTIONS.append(insight.stages_section)
