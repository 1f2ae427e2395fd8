"""The home page: each person lands on what they came to do."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker.access import current, public, signed_in
from tracker.templating import render

# Domains add panels for the home page: callables (request, principal) -> dict | None,
# each dict with "title", "template" and its context.
HOME_PANELS: list = []
# What people come for first: fact checks, then action plans, then the deadlines summary.
PANEL_ORDER = {"factcheck": 20, "actionplans": 30, "timelines": 40}


def _order(panel) -> int:
    return PANEL_ORDER.get(panel.__module__.split(".")[0], 50)


@get("/", opt=signed_in(), name="home")
async def home(request: Request) -> Template:
    principal = current(request)
    panels = []
    for panel in sorted(HOME_PANELS, key=_order):
        result = await panel(request, principal)
        if result:
            panels.append(result)
    return render(request, "home.html", panels=panels)


ROUTES = [home]


@get("/accessibility", opt=public())
async def accessibility(request: Request) -> Template:
    return render(request, "accessibility.html")


ROUTES.append(accessibility)
