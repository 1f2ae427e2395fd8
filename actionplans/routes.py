"""HTTP handlers of the actionplans domain: pages (ROUTES) and the JSON API (API_ROUTES).

Importing this module also registers the navigation entry, the home panels and the sections
on the inspection and establishment pages."""

from actionplans import panels
from actionplans.api import API_ROUTES
from actionplans.web import ROUTES
from inspections.sections import ESTABLISHMENT_SECTIONS, INSPECTION_SECTIONS
from tracker.navigation import NavItem, register
from tracker.roles import Role
from tracker.web.home import HOME_PANELS

register(
    NavItem(
        "Action plans",
        "/action-plans",
        frozenset(
            {
                Role.HMIP_TEAM_LEADER,
                Role.HMIP_INSPECTOR,
                Role.HMIP_MANAGER,
                Role.HMPPS_SCRUTINY,
                Role.HMPPS_MANAGER,
                Role.ESTABLISHMENT,
            }
        ),
        order=40,
    )
)

for _panel in (panels.establishment_panel, panels.scrutiny_panel, panels.manager_panel):
    if _panel not in HOME_PANELS:
        HOME_PANELS.append(_panel)
if panels.inspection_section not in INSPECTION_SECTIONS:
    INSPECTION_SECTIONS.append(panels.inspection_section)
if panels.establishment_section not in ESTABLISHMENT_SECTIONS:
    ESTABLISHMENT_SECTIONS.append(panels.establishment_section)

__all__ = ["ROUTES", "API_ROUTES"]
