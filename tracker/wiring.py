"""The ONE place the domains are wired in: DOMAINS lists every domain's declaration (its
domain.py), and `wire()` adds their navigation, home panels, page sections, `tracker` commands,
policy tables, demo loaders, retained rows and the establishments people belong to, to the
shell's registries. create_app and the `tracker` command call it; calling it again changes
nothing. This is the only shell module that imports a domain (the import-linter contracts in
pyproject.toml hold the rest).
"""

from __future__ import annotations

from actionplans.domain import ACTIONPLANS
from factcheck.domain import FACTCHECK
from inspections.domain import INSPECTIONS
from timelines.domain import TIMELINES
from tracker import extensions, navigation, policy
from tracker.web.domain import SHELL

# In this order: the demo data loads, and the page sections appear, domain by domain.
DOMAINS = [SHELL, INSPECTIONS, FACTCHECK, ACTIONPLANS, TIMELINES]


def wire() -> None:
    from tracker.cli import main  # here: the command calls wire() the first time it is used

    for domain in DOMAINS:
        navigation.register(*domain.navigation)
        for panel in domain.home_panels:
            extensions.HOME_PANELS.add(panel, domain.home_order)
        for section in domain.inspection_sections:
            extensions.INSPECTION_SECTIONS.add(section)
        for section in domain.establishment_sections:
            extensions.ESTABLISHMENT_SECTIONS.add(section)
        for command in domain.commands:
            main.add_command(command)
        policy.register(domain.policy)
        if domain.demo_places:
            extensions.DEMO_PLACES.add(domain.demo_places)
        if domain.demo:
            extensions.DEMO_LOADERS.add(domain.demo)
        for retained in domain.retained:
            extensions.RETAINED.add(retained)
        for job in domain.jobs:
            extensions.JOBS.add(job)
        if domain.establishments:
            extensions.provide_establishments(domain.establishments)
        extensions.provide_fact_writers(domain.fact_writers)
        extensions.TEMPLATE_GLOBALS.update(domain.template_globals)
        extensions.AUDIT_SUBJECTS.update(domain.audit_subjects)


def page_routes() -> list:
    return [route for domain in DOMAINS for route in domain.routes]


def api_routes() -> list:
    return [route for domain in DOMAINS for route in domain.api_routes]
