"""What every fact-check page shares: loading the fact check for this person (404 for what is
not theirs to see, 403 audited for what they may see but not do), rendering, uploads, and the
overview's read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from factcheck import queries
from factcheck.points import CATEGORIES, DECISIONS
from factcheck.policy import party_may, stage_refusal
from tracker import audit, scanning, uploads
from tracker.access import allow, current, deny_as_forbidden, deny_as_not_found, may_see_establishment
from tracker.forms import Form
from tracker.operations import Actor
from tracker.policy import can
from tracker.query import parse_version
from tracker.roles import Role
from tracker.templating import govuk_date, render

# Route rules (who may call a route at all): the policy decides the rest per row. Establishment
# users pass every route that takes an inspection id, so another establishment's id (or an
# unshared draft) gives 404 rather than 403.
EST = Role.ESTABLISHMENT
READERS = allow(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY, EST)
HMIP_EDITORS = allow(Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER, EST)
SCRUTINY_ONLY = allow(Role.HMPPS_SCRUTINY, EST)
PROPOSERS = allow(Role.HMPPS_SCRUTINY, EST)
LETTER_WRITERS = allow(Role.HMPPS_SCRUTINY, Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER, EST)
QUEUE = allow(Role.HMPPS_SCRUTINY, Role.HMIP_MANAGER)

READ = "factcheck.read"
READ_ALL = "factcheck.read_all"

KIND_LABELS = {
    "full": "Full inspection",
    "irp": "Independent Review of Progress",
    "thematic": "Thematic review",
}
XLSX_TYPE = uploads.MEDIA_TYPES["xlsx"]
POINT_STATES = {
    "proposed": "With the Scrutiny Team",
    "included": "Taken into the return",
    "dropped": "Not taken forward",
    "withdrawn": "Withdrawn",
}


async def load(request, inspection_id: int, action: str = READ) -> dict:
    """The fact check's row for this person, or 404/403 (audited).

    404 when the inspection is missing, belongs to an establishment they may not see, is not
    theirs to see (an inspector not on the team, an establishment before the draft is shared).
    403 when they may see it but not do `action`."""
    principal = current(request)
    row = await queries.inspection_row(inspection_id)
    if row is None:
        raise NotFoundException("Page not found")
    if not may_see_establishment(principal, row["establishment"]):
        await deny_as_not_found(request, "inspection", inspection_id)
    row = await queries.factcheck_row(inspection_id, row)
    if not can(principal, READ, row):
        await deny_as_not_found(request, "inspection", inspection_id)
    if not party_may(principal, action, row):  # the operation refuses, in words, at the wrong stage
        await deny_as_forbidden(request, "inspection", inspection_id, "You cannot do this on this inspection")
    return row


def finished_stage(request: Request, row: dict, action: str):
    """For a form's page: the page saying the stage is over (409) when `action` belongs to a
    finished stage of the fact check (factcheck.policy.STAGES), else None."""
    refusal = stage_refusal(action, row)
    if not refusal:
        return None
    return page(request, "factcheck/closed.html", row, refusal=refusal, status_code=409)


def actor(request: Request) -> Actor:
    return Actor(current(request), request)


def see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def inspection_name(row: dict) -> str:
    kind = KIND_LABELS.get(row["kind"], row["kind"])
    title = f": {row['title']}" if row.get("title") else ""
    return f"{row['establishment_name']} — {kind}{title} (ended {govuk_date(row['end_date'])})"


def date_from_iso(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def query_string(filters: dict, **change) -> str:
    from urllib.parse import urlencode

    values = {**filters, **change}
    return urlencode({k: v for k, v in values.items() if v})


def version_of(form: Form) -> int | None:
    """The version of the record the form was loaded with (K5: a second writer gets a conflict)."""
    return parse_version(form.raw("version"), when_missing=None)


def establishment_view(request: Request, row: dict) -> bool:
    """The establishment's view: the draft and their own proposals, nothing else."""
    return not can(current(request), READ_ALL, row)


def page(
    request: Request, template: str, row: dict, *, fragment: str | None = None, status_code=200, **context
):
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render(
        request,
        template,
        fragment=fragment,
        status_code=status_code,
        inspection=row,
        inspection_label=inspection_name(row),
        establishment_view=establishment_view(request, row),
        **context,
    )


def conflict_page(request: Request, row: dict, what: str, current_values: list[tuple[str, str]], again: str):
    """The GOV.UK conflict page: nothing saved, what is recorded now, a way to start again."""
    return page(
        request,
        "factcheck/conflict.html",
        row,
        status_code=409,
        what=what,
        current=current_values,
        again_href=again,
    )


@dataclass(frozen=True)
class Accepted:
    """An upload that passed the checks (tracker.uploads) and the scanner (tracker.scanning)."""

    original: str
    content: bytes
    checked: uploads.CheckedFile
    scan: scanning.ScanResult


async def checked_upload(
    request: Request,
    form: Form,
    name: str,
    cap_mb: int,
    allowed,
    *,
    audit_action: str,
    wrong_type: str | None = None,
) -> tuple[Accepted | None, str, int]:
    """(the accepted upload or None, the problem for a person, the status code). None and no
    problem when no file was chosen; an infected file is refused and audited."""
    received = await upload(request, form, name, cap_mb)
    if received is None or not received[1]:
        return None, "", 200
    original, content, limit_mb = received
    try:
        checked = uploads.check_upload(
            content,
            allowed,
            limit_bytes=uploads.limit_bytes_for(limit_mb),
            limit_mb=limit_mb,
            filename=original,
            wrong_type=wrong_type,
        )
    except uploads.UploadRefused as refused:
        return None, str(refused), refused.status_code
    result = await scanning.scan(content, request.app.state.settings)
    if result.status == scanning.INFECTED:
        await audit.record(
            audit_action,
            request=request,
            object_type="inspection",
            object_id=request.path_params["inspection_id"],
            outcome="refused",
            detail=result.audit_detail(),
        )
        return None, result.message, 200
    return Accepted(original, content, checked, result), "", 200


async def upload(request: Request, form: Form, name: str, cap_mb: int) -> tuple[str, bytes, int] | None:
    """(original name as metadata, content read at most one byte over the limit, limit in MB)."""
    limit_mb = uploads.limit_mb_for(request, cap_mb)
    received = await uploads.read_upload(form.data.get(name), uploads.limit_bytes_for(limit_mb))
    if received is None:
        return None
    content, original = received
    return original, content, limit_mb


def type_of(media_type: str, allowed) -> str | None:
    return next((kind for kind in allowed if uploads.MEDIA_TYPES[kind] == media_type), None)


async def overview_context(request: Request, row: dict, today: date) -> dict:
    """Everything the overview, the points page, the return and publication pages show."""
    return await context_for(current(request), row, today)


async def context_for(principal, row: dict, today: date) -> dict:
    """The fact check as this person may see it (the establishment: the draft and its proposals)."""
    iid = row["id"]
    everything = can(principal, READ_ALL, row)
    events = await queries.events_for(iid)
    stones = await queries.milestones(row, today, events)
    known = queries.facts(events)
    deadline = queries.fact_check_deadline(row, stones)
    points = queries.with_shown_numbers(await queries.points_for(iid))
    if not everything:
        mine = [p for p in points if p["origin"] == "establishment"]
        points = queries.with_shown_numbers(mine, by_state=False)
    details = await queries.return_row(iid)
    data = await queries.data_items(iid) if everything else []
    photos = await queries.photographs(iid) if everything else []
    included = [p for p in points if p["state"] == "included"]
    return {
        "events": events,
        "stones": stones,
        "known": known,
        "deadline": deadline,
        "response_stone": stones.get(queries.RESPONSE_KEY.get(row["kind"], "")),
        "aim_stone": stones.get(queries.PUBLICATION_AIM_KEY[row["kind"]]),
        "draft": row["draft"],
        "draft_file": await queries.current_draft_file(iid),
        "details": details,
        "submitted": bool(details and details["submitted_at"]) or "factcheck_returned" in known,
        "returned_on": (details or {}).get("returned_on")
        if details and details["submitted_at"]
        else known.get("factcheck_returned"),
        "points": points,
        "included": included,
        "proposals": [p for p in points if p["state"] == "proposed"],
        "dropped": [p for p in points if p["state"] == "dropped"],
        "withdrawn": [p for p in points if p["state"] == "withdrawn"],
        "unanswered": [p for p in included if not p["decision"]],
        "response_sent": queries.standing(events, "hmip_response_sent"),
        "may_proceed": queries.deadline_passed_without_return(row, stones, today),
        "proceeded": queries.standing(events, queries.PROCEEDED_EVENT),
        "published": queries.standing(events, "published"),
        "data": [(d, queries.data_status(d, deadline, today)) for d in data],
        "photos": [(p, queries.photo_status(p)) for p in photos],
        "categories": CATEGORIES,
        "point_states": POINT_STATES,
        "decisions": DECISIONS,
        "sources": queries.DATA_SOURCES,
        "identity_checks": queries.IDENTITY_CHECKS,
        "kind_labels": KIND_LABELS,
        "today": today,
        "letter": queries.standing(events, queries.IRP_LETTER_EVENT),
        "emerging": queries.standing(events, queries.EMERGING_FINDINGS_EVENT),
    }
