from pathlib import Path

from piccolo.conf.apps import AppConfig

from actionplans.tables import ActionPlan, ActionPlanEvent, ActionProgress, PlanAction, PlanFile, PlanResponse

APP_CONFIG = AppConfig(
    app_name="actionplans",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[ActionPlan, PlanResponse, PlanAction, ActionProgress, ActionPlanEvent, PlanFile],
    migration_dependencies=["inspections.piccolo_app"],
    commands=[],
)
