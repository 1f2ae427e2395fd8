"""Single sign-on: one user per (provider, subject), made unique after the table exists."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T14:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "sso_identity: unique (provider, subject)"


async def forwards():
    from tracker.sso.tables import SsoIdentity

    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def unique_subject():
        await SsoIdentity._meta.db.run_ddl(
            "CREATE UNIQUE INDEX sso_identity_provider_subject ON sso_identity (provider, subject)"
        )

    manager.add_raw(unique_subject)
    return manager
