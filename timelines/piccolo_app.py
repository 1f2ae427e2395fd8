from pathlib import Path

from piccolo.conf.apps import AppConfig

from timelines.tables import (
    BankHolidaysVersion,
    CalendarChange,
    CalendarFeedToken,
    Holiday,
    MilestoneChange,
    ProgrammeImport,
    RecurringDone,
    SentReminder,
    StoredMilestone,
)

APP_CONFIG = AppConfig(
    app_name="timelines",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        StoredMilestone,
        Holiday,
        MilestoneChange,
        RecurringDone,
        CalendarFeedToken,
        SentReminder,
        CalendarChange,
        ProgrammeImport,
        BankHolidaysVersion,
    ],
    migration_dependencies=["inspections.piccolo_app"],
    commands=[],
)
