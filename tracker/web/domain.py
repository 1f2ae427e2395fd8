"""The shell's own pages (sign-in, home, administration) and the platform's probes, declared like
any domain's."""

from tracker import jobs, jobs_page
from tracker.audit_log import USER_SUBJECTS
from tracker.extensions import Domain
from tracker.navigation import NavItem
from tracker.roles import Role
from tracker.sso import web as sso
from tracker.sso.commands import sso as sso_commands
from tracker.user_admin import USER_POLICY
from tracker.web import account, admin, admin_audit, auth, footer, health, home

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
    ],
    navigation=[
        NavItem("Users", "/admin/users", frozenset({Role.ADMIN}), order=90),
        NavItem("Audit log", "/admin/audit", frozenset({Role.ADMIN}), order=91),
        NavItem("Jobs", "/admin/jobs", frozenset({Role.ADMIN}), order=93),
    ],
    commands=[jobs.jobs_command, sso_commands],
    jobs=[jobs.RETENTION],
    policy=USER_POLICY,
    audit_subjects=USER_SUBJECTS,
)
