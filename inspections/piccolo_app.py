from pathlib import Path

from piccolo.conf.apps import AppConfig

from inspections.tables import (
    Debrief,
    DebriefNote,
    Establishment,
    EstablishmentMember,
    FollowUp,
    Inspection,
    InspectionEstablishment,
    InspectionEvent,
    InspectionTeamMember,
    Recommendation,
)

APP_CONFIG = AppConfig(
    app_name="inspections",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Establishment,
        EstablishmentMember,
        Inspection,
        InspectionTeamMember,
        InspectionEvent,
        Recommendation,
        InspectionEstablishment,
        Debrief,
        DebriefNote,
        FollowUp,
    ],
    migration_dependencies=["tracker.piccolo_app"],
    commands=[],
)
