"""The ASGI entry point for uvicorn: `tracker.asgi:app`."""

from tracker.app import create_app
from tracker.logs import log_json_to_stdout

log_json_to_stdout()
app = create_app()
