"""The Jinja environment: the project's templates, govuk-frontend-jinja's macros, and filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from litestar import MediaType, Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from tracker import extensions, policy, submissions
from tracker.clock import LONDON
from tracker.navigation import items_for, pages_under
from tracker.settings import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"
SERVICE_NAME = "Inspection tracker"


def govuk_date(value: date | datetime | str | None, with_weekday: bool = False) -> str:
    """Dates the GOV.UK way: 3 March 2025 (or Friday 21 March 2025)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date() if value.tzinfo else value.date()
    text = f"{value.day} {value:%B %Y}"
    return f"{value:%A} {text}" if with_weekday else text


def govuk_datetime(value: datetime | None) -> str:
    """3 March 2025 at 2:05pm, in London time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON) if value.tzinfo else value
    hour = local.hour % 12 or 12
    return f"{govuk_date(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def safe_href(url: str | None) -> str:
    """Only http(s) and in-app relative URLs become links; anything else (javascript:) is dropped."""
    if not url:
        return ""
    url = url.strip()
    if "\\" in url or any(ord(c) < 32 for c in url):
        # Browsers read a backslash as "/", so "/\\host" would lead to another site.
        return ""
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return url
    if not parsed.scheme and not parsed.netloc and url.startswith("/") and not url.startswith("//"):
        return url
    return ""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def errors_list(errors: dict[str, str]) -> list[dict]:
    """GOV.UK error summary items; date inputs link to their day field."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


@pass_context
def can_in_template(context, action: str, row=None) -> bool:
    """`can(action, row)` in a template: may the person viewing the page do this (tracker.policy)?
    Templates ask this; they never test roles."""
    request = context.get("request")
    principal = request.scope.get("user") if request is not None else None
    return policy.can(principal, action, row)


@pass_context
def pages_under_in_template(context, href: str) -> list[dict]:
    """`pages_under(href)` in a template: the pages the page at href lists for this person."""
    request = context.get("request")
    return pages_under(request.scope.get("user") if request is not None else None, href)


_rendered: dict[str, Markup] = {}
MAX_RENDERED = 1024


def once(macro, params: dict) -> Markup:
    """`once(govukFooter, {...})` in a template: a GOV.UK component macro's HTML, rendered once per
    process for each distinct set of params. Those macros are pure functions of their params, and
    the page's frame (header, navigation, footer) was most of a simple page's time."""
    key = f"{macro.name}:{params!r}"  # repr tells Markup from str, which the macros escape differently
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= MAX_RENDERED:
            _rendered.clear()
        html = _rendered[key] = macro(params)  # a Markup: the macro escaped what it must
    return html


class _Environment(Environment):
    def make_globals(self, d):
        """Every template shares the environment's globals (we never give a template its own).

        Jinja would chain each template's globals over the environment's, and then every
        `{% from … import … %}` (the GOV.UK macros import others on each call) compares the two
        key by key in Python: a fifth of a simple page. With one dict the comparison is C's."""
        return self.globals if not d else super().make_globals(d)


def build_environment(directory: Path = TEMPLATE_DIR, *, reload: bool = True) -> Environment:
    loader = ChoiceLoader(
        [
            FileSystemLoader(str(directory)),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = _Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=reload,  # off in production: no file checks on every render
    )
    env.filters["govuk_date"] = govuk_date
    env.filters["govuk_datetime"] = govuk_datetime
    env.filters["safe_href"] = safe_href
    env.globals["can"] = can_in_template
    env.globals.update(extensions.TEMPLATE_GLOBALS)  # the domains' (tracker.wiring)
    env.globals["plural"] = plural
    env.globals["errors_list"] = errors_list
    env.globals["nav_items"] = items_for
    env.globals["pages_under"] = pages_under_in_template
    env.globals["service_name"] = SERVICE_NAME
    env.globals["Markup"] = Markup
    env.globals["once"] = once
    env.globals["form_token"] = submissions.new_token
    return env


def template_config(*, reload: bool = True) -> TemplateConfig:
    environment = build_environment(reload=reload)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def is_fragment_request(request: Request) -> bool:
    """A partial page only for a plain htmx request: not boosted, not a history restore."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request,
    template: str,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    **context,
) -> Template:
    """The whole page, or just `fragment` for an htmx request. Always varies on HX-Request."""
    name = fragment if fragment and is_fragment_request(request) else template
    return Template(
        template_name=name,
        media_type=MediaType.HTML,  # Litestar would otherwise work it out from the name, every time
        context=context,
        status_code=status_code,
        headers={"Vary": "HX-Request"},
    )


def render_part(request: Request, template: str, **context) -> Markup:
    """A part of a page rendered now, to be kept (tracker.cache) and placed into the page later.
    The environment autoescapes, so the result is safe markup."""
    rendered = request.app.template_engine.get_template(template).render(request=request, **context)
    # nosemgrep: markup-on-data
    return Markup(rendered)  # noqa: S704 - rendered by the autoescaping template environment  # nosec B704
