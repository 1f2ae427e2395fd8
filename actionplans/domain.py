"""The actionplans domain as the shell wires it in (tracker.wiring)."""

from actionplans import api, audit_subjects, cli, demo, panels, policy, web
from actionplans.operations.facts import WRITERS
from tracker.extensions import Domain
from tracker.navigation import NavItem
from tracker.roles import Role

ACTIONPLANS = Domain(
    name="actionplans",
    routes=web.ROUTES,
    api_routes=api.API_ROUTES,
    navigation=[
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
    ],
    home_panels=[panels.establishment_panel, panels.scrutiny_panel, panels.manager_panel],
    home_order=30,  # after the fact checks
    inspection_sections=[panels.inspection_section],
    establishment_sections=[panels.establishment_section],
    commands=cli.COMMANDS,
    policy=policy.POLICY,
    fact_writers=WRITERS,
    demo=demo.load,
    audit_subjects=audit_subjects.AUDIT_SUBJECTS,
)
