"""Pages that list other pages: Administration (in the header, for administrators) and Your
account (linked beside "Signed in as", for everyone). What each lists is the navigation entries
`under` it (tracker.navigation), so a domain adds its page to a list by declaring it."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker.access import allow, current, signed_in
from tracker.navigation import ADMINISTRATION, YOUR_ACCOUNT, pages_under
from tracker.roles import Role
from tracker.templating import render


@get(ADMINISTRATION, opt=allow(Role.ADMIN))
async def administration(request: Request) -> Template:
    return _hub(
        request, "Administration", "Run the service: who can use it, and what it has done.", ADMINISTRATION
    )


@get(YOUR_ACCOUNT, opt=signed_in())
async def your_account(request: Request) -> Template:
    return _hub(request, "Your account", "How you sign in, and what the service sends you.", YOUR_ACCOUNT)


def _hub(request: Request, heading: str, lede: str, href: str) -> Template:
    return render(request, "hub.html", heading=heading, lede=lede, pages=pages_under(current(request), href))


ROUTES = [administration, your_account]
