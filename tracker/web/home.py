"""The home page: each person lands on what they came to do."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker.access import current, public, signed_in
from tracker.extensions import HOME_PANELS, gather
from tracker.templating import render


@get("/", opt=signed_in(), name="home")
async def home(request: Request) -> Template:
    """The domains' panels (tracker.extensions.HOME_PANELS), in the order their declarations give."""
    panels = await gather(HOME_PANELS, request, current(request))
    return render(request, "home.html", panels=panels)


@get("/accessibility", opt=public())
async def accessibility(request: Request) -> Template:
    return render(request, "accessibility.html")


ROUTES = [home, accessibility]
