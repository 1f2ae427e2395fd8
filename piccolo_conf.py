"""Piccolo's configuration: the engine comes from DATABASE_URL (see tracker/settings.py)."""

from piccolo.conf.apps import AppRegistry

from tracker.db import engine_from_url
from tracker.settings import load_settings

DB = engine_from_url(load_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "tracker.piccolo_app",
        "inspections.piccolo_app",
        "factcheck.piccolo_app",
        "actionplans.piccolo_app",
        "timelines.piccolo_app",
    ]
)
