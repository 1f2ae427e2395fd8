from pathlib import Path

from piccolo.conf.apps import AppConfig

from tracker.sso.tables import SsoIdentity
from tracker.tables import (
    ApiToken,
    AppUser,
    AttemptCounter,
    AuditEvent,
    JobRun,
    LoginChallenge,
    PasswordLink,
    RecoveryCode,
    SubmittedForm,
    UserRole,
    UserSession,
)

APP_CONFIG = AppConfig(
    app_name="tracker",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        AppUser,
        UserRole,
        UserSession,
        ApiToken,
        AuditEvent,
        RecoveryCode,
        LoginChallenge,
        SubmittedForm,
        AttemptCounter,
        PasswordLink,
        JobRun,
        SsoIdentity,
    ],
    migration_dependencies=[],
    commands=[],
)
