from pathlib import Path

from piccolo.conf.apps import AppConfig

from factcheck.tables import (
    AccuracyPoint,
    DataItem,
    DraftFile,
    DraftReport,
    FactCheckReturn,
    Photograph,
)

APP_CONFIG = AppConfig(
    app_name="factcheck",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[DraftReport, DraftFile, FactCheckReturn, AccuracyPoint, DataItem, Photograph],
    migration_dependencies=["inspections.piccolo_app", "tracker.piccolo_app"],
    commands=[],
)
