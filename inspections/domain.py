"""The inspections domain as the shell wires it in (tracker.wiring)."""

from inspections import (
    api,
    audit_subjects,
    demo,
    people,
    policy,
    web_corrections,
    web_debrief,
    web_establishments,
    web_extensions,
    web_inspections,
)
from inspections.operations.inspections import raise_as_a_fact
from timelines.core.workflow import UN_RAISED
from tracker.extensions import Domain
from tracker.navigation import NavItem
from tracker.roles import Role

INSPECTIONS = Domain(
    name="inspections",
    routes=[*web_inspections.ROUTES, *web_debrief.ROUTES, *web_establishments.ROUTES, *web_extensions.ROUTES,
            *web_corrections.ROUTES],
    api_routes=api.API_ROUTES,
    navigation=[
        NavItem("Inspections", "/inspections", frozenset(set(Role) - {Role.ADMIN}), order=10),
        NavItem("Establishments", "/establishments", frozenset(Role), order=20),
        NavItem("Programme", "/programme", frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER}), order=31),
    ],
    policy=policy.POLICY,
    fact_writers={UN_RAISED: raise_as_a_fact},
    demo_places=demo.load_establishments,
    demo=demo.load,
    establishments=people.ESTABLISHMENTS,
    audit_subjects=audit_subjects.AUDIT_SUBJECTS,
)
