"""Tokens made before K12 never expired: they now expire 90 days after the upgrade, like a new one
(tracker.sessions.DEFAULT_TOKEN_DAYS), so nobody's script stops without warning."""

from datetime import timedelta

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T09:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Existing API tokens expire 90 days from now"

DAYS = 90


async def forwards():
    from tracker.clock import now_utc
    from tracker.tables import ApiToken

    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        await ApiToken.update({ApiToken.expires_at: now_utc() + timedelta(days=DAYS)}).where(
            ApiToken.expires_at.is_null()
        )

    manager.add_raw(run)
    return manager
