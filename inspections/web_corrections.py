"""Pages to correct any recorded fact (issue 15 item 2): the form, check your answers with every
milestone the correction moves, then the confirmation. The party that records a fact corrects it
(inspections.operations.facts.may_record); the owning domain's writer makes the correction."""

from __future__ import annotations

from datetime import datetime, time

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inspections.constants import EVENT_LABELS, LINKED_EVENTS, STATUS_TAGS
from inspections.corrections import correction_moves
from inspections.forms import kept
from inspections.operations.facts import FactInput, check_fact_input, input_problems, may_record, record_fact
from inspections.permissions import READERS, load_inspection, with_team
from inspections.tables import InspectionEvent
from timelines.core.workflow import STEP, UN_RAISED
from tracker.access import current, deny_as_forbidden
from tracker.clock import LONDON, today_london
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.query import parse_id
from tracker.templating import render

CORRECTABLE = set(STEP) - {UN_RAISED}
"""Every fact (raising an urgent notification is the inspection's own change, not a dated fact)."""
WITH_LINK = LINKED_EVENTS | {"published"}


def correctable(principal, kind: str, row_with_team: dict) -> bool:
    return kind in CORRECTABLE and may_record(principal, kind, row_with_team)


async def _event(inspection_id: int, event_id: int | None) -> dict | None:
    if event_id is None:
        return None
    return (
        await InspectionEvent.select(
            *InspectionEvent.all_columns(), InspectionEvent.recorded_by.display_name.as_alias("by_name")
        )
        .where((InspectionEvent.id == event_id) & (InspectionEvent.inspection == inspection_id))
        .output(load_json=True)
        .first()
    )


async def _original(request: Request, inspection_id: int, raw: str) -> tuple[dict, dict]:
    """The inspection and the event to correct: 404 when either is not theirs to see, 403 when
    they may see it but not record (so not correct) this fact."""
    row = await load_inspection(request, inspection_id)
    event = await _event(inspection_id, parse_id(raw))
    if event is None or event["kind"] not in CORRECTABLE:
        raise NotFoundException("Page not found")
    if not may_record(current(request), event["kind"], await with_team(row)):
        await deny_as_forbidden(request, "inspection", inspection_id, "You cannot correct this record")
    return row, event


def _read(form: Form, original: dict) -> FactInput:
    kind = original["kind"]
    occurred_on = form.date("occurred_on", "the date it happened")
    occurred_at = None
    if STEP[kind].timed:
        hour = form.integer("hour", "the hour", minimum=0, maximum=23)
        minute = form.integer("minute", "the minute", minimum=0, maximum=59)
        if occurred_on and hour is not None and minute is not None:
            occurred_at = datetime.combine(occurred_on, time(hour, minute), tzinfo=LONDON)
    return FactInput(
        kind=kind,
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        link=form.text("link", "a link", required=False, max_length=500) if kind in WITH_LINK else "",
        corrects=original["id"],
        reason=form.text("reason", "why the record is being corrected", required=False, max_length=500),
    )


def _context(row: dict, original: dict) -> dict:
    return {
        "inspection": row,
        "original": original,
        "label": EVENT_LABELS.get(original["kind"], STEP[original["kind"]].noun),
        "timed": STEP[original["kind"]].timed,
        "with_link": original["kind"] in WITH_LINK,
    }


def _form_page(request: Request, row: dict, original: dict, form: dict, errors: dict) -> Template:
    context = _context(row, original)
    return render(request, "inspections/correct_form.html", form=form, errors=errors, **context)


@get("/inspections/{inspection_id:int}/corrections/new", opt=READERS)
async def correction_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row, original = await _original(request, inspection_id, request.query_params.get("corrects", ""))
    return _form_page(request, row, original, _as_recorded(original), {})


def _as_recorded(original: dict) -> dict:
    """The form starts from the entry as recorded: its date (and time), its link."""
    day = original["occurred_on"]
    form = {f"occurred_on-{part}": str(getattr(day, part)) for part in ("day", "month", "year")}
    if original["occurred_at"]:
        moment = original["occurred_at"].astimezone(LONDON)
        form |= {"hour": str(moment.hour), "minute": f"{moment.minute:02d}"}
    form["link"] = (original["detail"] or {}).get("link", "")
    return form


@post("/inspections/{inspection_id:int}/corrections/new", opt=READERS)
async def correction_check(request: Request, inspection_id: FromPath[int]) -> Response:
    """Without `confirm`: check your answers (nothing written). With it: the correction."""
    form = await Form.from_request(request)
    row, original = await _original(request, inspection_id, form.raw("corrects"))
    data = _read(form, original)
    if form.raw("action") == "change":
        return _form_page(request, row, original, kept(form), {})
    actor, today = Actor(current(request), request), today_london()
    if form.ok:
        try:
            if form.raw("confirm") == "yes":
                new_id = await record_fact(actor, inspection_id, data, today=today)
                return Redirect(path=f"/inspections/{inspection_id}/corrections/done?correction={new_id}")
            await check_fact_input(actor, inspection_id, data, today=today)
            return await _check_page(request, row, original, data, kept(form), today)
        except Refused as refusal:
            form.add_errors(refusal.errors)
    form.add_errors({k: v for k, v in input_problems(data).items() if k != "kind"})
    return _form_page(request, row, original, kept(form), form.errors)


async def _check_page(request, row, original, data: FactInput, form: dict, today) -> Template:
    moves = await correction_moves(
        row["id"], data.kind, original["id"], data.occurred_on, occurred_at=data.occurred_at, today=today
    )
    return render(
        request,
        "inspections/correct_check.html",
        form=form,
        data=data,
        moves=moves,
        statuses={k: v[0] for k, v in STATUS_TAGS.items()},
        **_context(row, original),
    )


@get("/inspections/{inspection_id:int}/corrections/done", opt=READERS)
async def correction_done(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_inspection(request, inspection_id)
    correction = await _event(inspection_id, parse_id(request.query_params.get("correction", "")))
    if correction is None or not correction["supersedes"]:
        raise NotFoundException("Page not found")
    original = await _event(inspection_id, correction["supersedes"])
    return render(
        request,
        "inspections/correct_done.html",
        correction=correction,
        **_context(row, original),
    )


ROUTES = [correction_form, correction_check, correction_done]
