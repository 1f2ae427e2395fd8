"""Each domain's `tracker` subcommands, gathered from its cli module's COMMANDS list."""

import importlib

from tracker.cli import register

for module_name in ("inspections.cli", "factcheck.cli", "actionplans.cli", "timelines.jobs"):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        continue
    for command in getattr(module, "COMMANDS", []):
        register(command)
