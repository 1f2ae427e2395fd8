"""The shell's own pages (sign-in, home, administration) and the platform's probes, declared like
any domain's."""

from tracker.audit_log import USER_SUBJECTS
from tracker.extensions import Domain
from tracker.navigation import NavItem
from tracker.roles import Role
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
    ],
    navigation=[
        NavItem("Users", "/admin/users", frozenset({Role.ADMIN}), order=90),
        NavItem("Audit log", "/admin/audit", frozenset({Role.ADMIN}), order=91),
    ],
    policy=USER_POLICY,
    audit_subjects=USER_SUBJECTS,
)
