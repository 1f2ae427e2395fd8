"""Demo data: a believable set of establishments, users of every role and inspections.

Loading is idempotent: each domain's loader checks what is already there before adding.
Each domain's loaders are named in its declaration (its domain.py).
"""

from __future__ import annotations

from tracker import twofactor
from tracker.roles import Role
from tracker.users import create_user, user_id_for

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for local demo logins only  # nosec B105
# The authenticator key of demo users whose role needs two-step sign-in (local demo only).
DEMO_TOTP_SECRET = "INSPECTIONTRACKERDEMOKEYHMIPPRIS"  # noqa: S105 - local demo users only  # nosec B105

DEMO_USERS = [
    ("leader", "Tom Leader", [Role.HMIP_TEAM_LEADER], None, ""),
    ("inspector", "Ina Spector", [Role.HMIP_INSPECTOR], None, ""),
    ("hmipmanager", "Helen Programme", [Role.HMIP_MANAGER], None, ""),
    ("scrutiny", "Sam Scrutiny", [Role.HMPPS_SCRUTINY], None, ""),
    ("hmppsmanager", "Pat Director", [Role.HMPPS_MANAGER], None, ""),
    ("governor", "Gill Governor", [Role.ESTABLISHMENT], "HMP Example", ""),
    ("admin", "Ada Admin", [Role.ADMIN], None, ""),
]


async def load_users() -> list[tuple[str, str]]:
    from tracker.extensions import establishments

    created = []
    for username, name, roles, establishment_name, group in DEMO_USERS:
        if await user_id_for(username):
            continue
        establishment_ids = []
        if establishment_name:
            found = await establishments().id_for(establishment_name)
            establishment_ids = [found] if found else []
        user_id = await create_user(
            username, name, DEMO_PASSWORD, roles, establishment_ids=establishment_ids, prison_group=group
        )
        if twofactor.required_for(roles):
            await twofactor.enable(user_id, DEMO_TOTP_SECRET)
        created.append((username, ", ".join(r.label for r in roles)))
    return created


async def load_demo() -> None:
    """Every domain's demo loaders (tracker.wiring adds them), in the order of its DOMAINS: the
    places first (the users belong to establishments), then the users, then the rest."""
    from tracker.extensions import DEMO_LOADERS, DEMO_PLACES

    for load in DEMO_PLACES:
        await load()
    await load_users()
    for load in DEMO_LOADERS:
        await load()
