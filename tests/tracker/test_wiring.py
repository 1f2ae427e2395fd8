"""One wiring point (tracker.wiring): every declared domain is in the app and the `tracker`
command, wiring twice changes nothing, and importing a domain registers nothing by itself."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _handler_functions(app) -> set:
    return {handler.fn for route in app.routes for handler in getattr(route, "route_handlers", [])}


def test_every_declared_domain_has_its_pages_and_api_in_the_app(app):
    from tracker.wiring import DOMAINS

    served = _handler_functions(app)
    for domain in DOMAINS:
        declared = [*domain.routes, *domain.api_routes]
        assert declared or domain.name == "shell", domain.name
        missing = [handler.handler_name for handler in declared if handler.fn not in served]
        assert not missing, (domain.name, missing)


def test_every_declared_domain_has_its_commands_in_tracker_help():
    from tracker.wiring import DOMAINS

    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    for domain in DOMAINS:
        assert {command.name for command in domain.commands} <= listed, domain.name
    assert {"remind", "fact-checks", "overdue-actions", "dates", "migrate"} <= listed


def _registered() -> dict:
    from tracker import extensions, navigation, policy
    from tracker.cli import main

    return {
        "navigation": list(navigation._ITEMS),
        "home panels": list(extensions.HOME_PANELS),
        "inspection sections": list(extensions.INSPECTION_SECTIONS),
        "establishment sections": list(extensions.ESTABLISHMENT_SECTIONS),
        "commands": dict(main.commands),
        "policy": {action: policy._TABLE[action] for action in policy.actions()},
        "demo": [*extensions.DEMO_PLACES, *extensions.DEMO_LOADERS],
        "establishments": extensions.establishments(),
        "retained": list(extensions.RETAINED),
    }


def test_wiring_twice_changes_nothing(settings, db):
    from tracker.app import create_app
    from tracker.wiring import wire

    wire()
    once = _registered()
    wire()
    create_app(settings, engine=db)
    assert _registered() == once
    assert [item.label for item in once["navigation"]][:3] == ["Inspections", "My work", "Establishments"]
    assert [panel.__module__ for panel in once["home panels"]] == [
        "factcheck.web.queue",
        "factcheck.web.queue",
        "actionplans.panels",
        "actionplans.panels",
        "actionplans.panels",
        "timelines.pages",
    ]


IMPORT_EVERY_DOMAIN_MODULE = """
import importlib, pkgutil, sys
for package in ("inspections", "factcheck", "actionplans", "timelines"):
    for module in pkgutil.walk_packages([package], package + "."):
        if "piccolo_migrations" not in module.name:
            importlib.import_module(module.name)
from tracker import extensions, navigation, policy
from tracker.cli import main

def registered():
    return [len(navigation._ITEMS), len(extensions.HOME_PANELS), len(extensions.INSPECTION_SECTIONS),
            len(extensions.ESTABLISHMENT_SECTIONS), len(extensions.DEMO_LOADERS),
            len(set(main.commands) & {"remind", "fact-checks", "overdue-actions", "dates"})]

print(*registered())
from tests.support import make_settings
from tracker.app import create_app
create_app(make_settings("sqlite:///" + sys.argv[1]))
print(*registered())
"""


def test_importing_a_domain_registers_nothing_and_create_app_wires_them_all(tmp_path):
    """Only tracker.wiring adds a domain's parts, so importing one (a test, a script) changes no page."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_DOMAIN_MODULE, str(tmp_path / "unused.sqlite3")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    imported, wired = result.stdout.splitlines()
    assert imported.split() == ["0", "0", "0", "0", "0", "0"]
    assert wired.split() == ["20", "6", "3", "1", "4", "4"]
