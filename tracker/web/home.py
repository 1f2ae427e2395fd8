"""The home page: each person lands on what they came to do."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker.access import current, public, signed_in
from tracker.templating import render

# Domains add panels for the home page: callables (request, principal) -> dict | None,
# each dict with "title", "template" and its context.
HOME_PANELS: list = []


@get("/", opt=signed_in(), name="home")
async def home(request: Request) -> Template:
    principal = current(request)
    panels = []
    for panel in HOME_PANELS:
        result = await panel(request, principal)
        if result:
            panels.append(result)
    return render(request, "home.html", panels=panels)


ROUTES = [home]


@get("/accessibility", opt=public())
async def accessibility(request: Request) -> Template:
    return render(request, "accessibility.html")


ROUTES.append(accessibility)
