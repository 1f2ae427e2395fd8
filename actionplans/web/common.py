"""What the action plan pages share: route rules from the policy, loading a plan or inspection
for a request (404 when it is not this person's to see, audited), and the page context."""

from __future__ import annotations

from litestar import HttpMethod, Request
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler

from actionplans import queries
from actionplans.policy import route_rule
from actionplans.services import (
    ACTION_STATUSES,
    PLAN_STATUS_COLOURS,
    PLAN_STATUS_WORDS,
    PLAN_STATUSES,
    RESPONSES,
)
from tracker import policy
from tracker.access import current, deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Refused

READ = route_rule("plan.read")
ESTABLISHMENT = route_rule("plan.edit")
QA = route_rule("plan.review")
CLEAR = route_rule("plan.clear")
AVAILABLE = route_rule("plan.make_available")
PUBLISH = route_rule("plan.publish")

# The app-wide body limit would answer an oversize upload with a bare 413 page; the upload
# routes accept a little more so the handler can refuse it with a GOV.UK error on the form.
UPLOAD_BODY_MARGIN = 5 * 1024 * 1024


class UploadRoute(HTTPRouteHandler):
    """A POST route for a file upload: its body may be UPLOAD_BODY_MARGIN over the app's limit
    (the UPLOAD_LIMIT_MB setting, tracker.app), so an oversize file gets an error on its form.
    The limit is the app's, read when the route is registered with it."""

    def on_registration(self, app) -> None:
        self.request_max_body_size = app.request_max_body_size + UPLOAD_BODY_MARGIN
        super().on_registration(app)


def upload_post(path: str, **kwargs) -> UploadRoute:
    return UploadRoute(path, http_method=HttpMethod.POST, **kwargs)


async def inspection_for_request(request: Request, inspection_id: int) -> dict:
    inspection = await queries.get_inspection(inspection_id)
    if inspection is None or not await queries.may_read_inspection_plan(current(request), inspection):
        await deny_as_not_found(request, "inspection", inspection_id)
    return inspection


async def plan_for_request(request: Request, plan_id: int, plan: dict | None = None) -> dict:
    """The plan (with its inspection), if this person may read it; else 404 (audited). `plan`:
    its row read already (queries.plan_row), by a page that keeps its reads (tracker.cache)."""
    plan = plan or await queries.plan_row(plan_id)
    if plan is None:
        raise NotFoundException("Page not found")
    if not policy.can(current(request), "plan.read", plan):
        await deny_as_not_found(request, "action_plan", plan_id)
    return plan


async def recommendation_or_404(request: Request, plan: dict, recommendation_id: int) -> dict:
    """Another plan's recommendation under this plan is missing, and the attempt audited (K14)."""
    rec = await queries.recommendation_in_plan(plan, recommendation_id)
    if rec is None:
        await deny_as_not_found(request, "recommendation", recommendation_id)
    return rec


async def action_or_404(request: Request, plan: dict, action_id: int) -> dict:
    """Another plan's action under this plan is missing, and the attempt audited (K14)."""
    action = await queries.get_action(plan["id"], action_id)
    if action is None:
        await deny_as_not_found(request, "plan_action", action_id)
    return action


def show_refusal(form: Form, refused: Refused, default: str) -> None:
    """Put an operation's refusal on the form: each message on its field when the form has it,
    else on `default` (a message about the plan as a whole)."""
    for name, message in refused.errors.items():
        form.error(name if name and _on_form(form, name) else default, message)


def _on_form(form: Form, name: str) -> bool:
    return name in form.data or any(key.startswith(f"{name}-") for key in form.data)


def page_context(plan: dict) -> dict:
    return {
        "plan": plan,
        "inspection": plan["inspection_row"],
        "PLAN_STATUSES": PLAN_STATUSES,
        "PLAN_STATUS_WORDS": PLAN_STATUS_WORDS,
        "PLAN_STATUS_COLOURS": PLAN_STATUS_COLOURS,
        "RESPONSES": RESPONSES,
        "ACTION_STATUSES": ACTION_STATUSES,
        "today": today_london(),
    }


def plan_url(plan_id: int, anchor: str = "") -> str:
    return f"/action-plans/{plan_id}" + (f"#{anchor}" if anchor else "")


def item_for(detail: dict, recommendation_id: int) -> dict | None:
    return next((i for i in detail["items"] if i["rec"]["id"] == recommendation_id), None)
