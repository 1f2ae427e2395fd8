"""The shell's own pages (sign-in, home, administration) and the platform's probes, declared like
any domain's."""

from tracker import jobs, jobs_page
from tracker.audit_log import USER_SUBJECTS
from tracker.extensions import Domain
from tracker.navigation import ADMINISTRATION, YOUR_ACCOUNT, NavItem
from tracker.roles import Role
from tracker.sso import web as sso
from tracker.sso.commands import sso as sso_commands
from tracker.user_admin import USER_POLICY
from tracker.web import account, admin, admin_audit, auth, footer, health, home, hubs

SHELL = Domain(
    name="shell",
    routes=[
        *auth.ROUTES,
        *account.ROUTES,
        *home.ROUTES,
        *footer.ROUTES,
        *admin.ROUTES,
        *admin_audit.ROUTES,
        *health.ROUTES,
        *jobs_page.ROUTES,
        *sso.ROUTES,
        *hubs.ROUTES,
    ],
    navigation=[
        NavItem("Administration", ADMINISTRATION, frozenset({Role.ADMIN}), order=90),
        NavItem(
            "Users",
            "/admin/users",
            frozenset({Role.ADMIN}),
            order=90,
            under=ADMINISTRATION,
            description="Add people, change their roles and establishments, send a link to set a password, "
            "deactivate an account.",
        ),
        NavItem(
            "Audit log",
            "/admin/audit",
            frozenset({Role.ADMIN}),
            order=91,
            under=ADMINISTRATION,
            description="Who did what and when, who read a debrief note, and who was refused.",
        ),
        NavItem(
            "Scheduled jobs",
            "/admin/jobs",
            frozenset({Role.ADMIN}),
            order=93,
            under=ADMINISTRATION,
            description="The jobs that run every day, when each last ran and what it did.",
        ),
        NavItem(
            "Password",
            "/account/password",
            frozenset(Role),
            order=100,
            under=YOUR_ACCOUNT,
            description="Change your password.",
        ),
        NavItem(
            "Two-step sign-in",
            "/account/two-factor",
            frozenset(Role),
            order=101,
            under=YOUR_ACCOUNT,
            description="The code from your authenticator app, and your recovery codes.",
        ),
        NavItem(
            "API tokens",
            "/account/tokens",
            frozenset(Role),
            order=102,
            under=YOUR_ACCOUNT,
            description="The tokens that let a script use the service's API as you.",
        ),
    ],
    commands=[jobs.jobs_command, sso_commands],
    jobs=[jobs.RETENTION],
    policy=USER_POLICY,
    audit_subjects=USER_SUBJECTS,
)
