"""The timelines domain as the shell wires it in (tracker.wiring)."""

from timelines import (
    api,
    cli,
    demo,
    digest_page,
    feeds,
    holidays,
    insight,
    jobs,
    pages,
    policy,
    programme_import,
)
from timelines.core.rules import deadline_rule
from timelines.tables import SentReminder
from timelines.words import late_by
from tracker.extensions import Domain, Retained
from tracker.navigation import ADMINISTRATION, YOUR_ACCOUNT, NavItem
from tracker.roles import Role

TIMELINES = Domain(
    name="timelines",
    routes=[
        *pages.ROUTES,
        *insight.ROUTES,
        *feeds.ROUTES,
        *holidays.ROUTES,
        *programme_import.ROUTES,
        *digest_page.ROUTES,
    ],
    api_routes=api.API_ROUTES,
    navigation=[
        NavItem("My work", "/my-work", frozenset(Role), order=11),
        NavItem(
            "Dashboard",
            "/dashboard",
            frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY, Role.ESTABLISHMENT}),
            order=21,
        ),
        NavItem(
            "On-time performance",
            "/performance",
            frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY}),
            order=22,
            under="/dashboard",
        ),
        NavItem(
            "Recurring obligations",
            "/recurring",
            frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER, Role.HMPPS_SCRUTINY}),
            order=23,
            under="/dashboard",
        ),
        NavItem(
            "Import the inspection programme",
            "/programme/import",
            frozenset({Role.HMIP_MANAGER}),
            order=60,
            under="/programme",
        ),
        NavItem("Deadline calculator", "/calculator", frozenset(Role), order=80, under="/my-work"),
        NavItem(
            "Bank holidays",
            "/admin/holidays",
            frozenset({Role.ADMIN}),
            order=92,
            under=ADMINISTRATION,
            description="The working-day calendar every deadline is counted with: add, remove or refresh "
            "bank holidays.",
        ),
        NavItem(
            "Reminder emails",
            "/account/emails",
            frozenset(Role),
            order=103,
            under=YOUR_ACCOUNT,
            description="Which emails remind you of the deadlines you own.",
        ),
    ],
    home_panels=[pages.home_panel],
    home_order=40,  # the deadlines summary, after the fact checks and action plans
    inspection_sections=[insight.stages_section],
    commands=[cli.dates, cli.timeline, cli.scenarios, *jobs.COMMANDS],
    policy=policy.POLICY,
    template_globals={"deadline_rule": deadline_rule, "late_by": late_by},
    demo=demo.load,
    jobs=jobs.JOBS,
    retained=[Retained("sent reminders", SentReminder, "sent_at", days=730)],  # 2 years (SECURITY.md F7)
)
