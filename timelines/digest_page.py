"""The account page where a person chooses their reminder emails."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from timelines.operations.digest import DIGEST_CHOICES, choose_digest, digest_of
from tracker.access import current, signed_in
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.templating import render


def _page(request: Request, choice: str, errors: dict, saved: bool = False) -> Template:
    return render(
        request,
        "timelines/email_digest.html",
        choice=choice,
        choices=list(DIGEST_CHOICES.items()),
        errors=errors,
        saved=saved,
        status_code=400 if errors else 200,
    )


@get("/account/emails", opt=signed_in())
async def digest_page(request: Request) -> Template:
    choice = await digest_of(current(request).user_id)
    return _page(request, choice, {}, saved=request.query_params.get("saved") == "1")


@post("/account/emails", opt=signed_in())
async def digest_submit(request: Request) -> Response:
    form = await Form.from_request(request)
    choice = form.raw("digest")
    try:
        await choose_digest(Actor(current(request), request), choice)
    except Refused as refused:
        return _page(request, choice, refused.errors)
    return Redirect(path="/account/emails?saved=1")


ROUTES = [digest_page, digest_submit]
