"""The footer's pages, open to anyone: cookies (the ones the service really sets, named as the
settings name them), the privacy notice (its periods from tracker.retention) and help."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker import change_feed, retention, submissions, twofactor
from tracker.access import public
from tracker.extensions import RETAINED
from tracker.middleware import session_cookie_name
from tracker.templating import render
from tracker.web.auth import challenge_cookie_name


def csrf_cookie_name(request: Request) -> str:
    return request.app.csrf_config.cookie_name


@get("/cookies", opt=public())
async def cookies(request: Request) -> Template:
    settings = request.app.state.settings
    return render(
        request,
        "footer/cookies.html",
        session_cookie=session_cookie_name(settings),
        challenge_cookie=challenge_cookie_name(settings),
        csrf_cookie=csrf_cookie_name(request),
        seen_cookie=change_feed.seen_cookie_name(settings.secure_cookies),
        idle_minutes=settings.session_idle_minutes,
        absolute_hours=settings.session_absolute_hours,
        challenge_minutes=int(twofactor.CHALLENGE_LIFETIME.total_seconds() // 60),
    )


@get("/privacy", opt=public())
async def privacy(request: Request) -> Template:
    settings = request.app.state.settings
    return render(
        request,
        "footer/privacy.html",
        session_days=retention.SESSION_DAYS,
        deactivated_years=retention.DEACTIVATED_DAYS // 365,
        audit_years=settings.audit_retention_days // 365,
        audit_days=settings.audit_retention_days,
        form_token_days=submissions.KEEP_DAYS,
        retained=[(kept.label, kept.days) for kept in RETAINED],
    )


@get("/help", opt=public())
async def help_page(request: Request) -> Template:
    return render(request, "footer/help.html", support_email=request.app.state.settings.support_email)


ROUTES = [cookies, privacy, help_page]
