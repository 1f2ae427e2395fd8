"""The factcheck domain as the shell wires it in (tracker.wiring)."""

from factcheck import api, audit_subjects, cli, demo, policy, routes
from factcheck.operations.facts import WRITERS
from factcheck.web.queue import establishment_home_panel, inspection_section, scrutiny_home_panel
from tracker.extensions import Domain
from tracker.navigation import NavItem
from tracker.roles import Role

FACTCHECK = Domain(
    name="factcheck",
    routes=routes.ROUTES,
    api_routes=api.API_ROUTES,
    navigation=[
        NavItem("Fact checks", "/factcheck", frozenset({Role.HMPPS_SCRUTINY, Role.HMIP_MANAGER}), order=30)
    ],
    home_panels=[scrutiny_home_panel, establishment_home_panel],
    home_order=20,  # what people come for first
    inspection_sections=[inspection_section],
    commands=cli.COMMANDS,
    policy=policy.POLICY,
    fact_writers=WRITERS,
    demo=demo.load,
    audit_subjects=audit_subjects.AUDIT_SUBJECTS,
)
