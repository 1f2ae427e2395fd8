"""Pages: the inspections list, creating and editing an inspection, the inspection page,
recording what happened, recommendations, IRP follow-ups and urgent notifications."""

from __future__ import annotations

from datetime import date, datetime, time

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from inspections.constants import (
    EVENT_LABELS,
    EVENT_SOURCES,
    INSPECTION_KINDS,
    LINKED_EVENTS,
    LIST_SHOWS,
    PARTNERS,
    RECOMMENDATION_KINDS,
    RECORDABLE,
    STAGES,
    TIMED_EVENTS,
    UN_RECORDABLE,
)
from inspections.events import workflow_inspection
from inspections.forms import inspection_prefill, kept, read_inspection
from inspections.operations.facts import FactInput, input_problems, may_record, record_fact
from inspections.operations.inspections import (
    create_inspection,
    inspection_problems,
    irp_warnings,
    raise_urgent_notification,
    update_inspection,
)
from inspections.operations.recommendations import (
    add_recommendations,
    parse_pasted,
    recommendation_rows,
    set_follow_ups,
)
from inspections.permissions import (
    LEADERS,
    READERS,
    awaits_hq_copy,
    kept_inspection_row,
    load_for_edit,
    load_inspection,
    may_read_note,
    scoped,
    with_team,
)
from inspections.queries import (
    debrief_of,
    events_with_names,
    facts_of,
    follow_up_ids,
    follows_choices,
    hmip_staff,
    note_exists,
    recommendations_of,
    stage_defaults,
    stage_of,
    stored_milestones,
    team_leaders,
    team_of,
    visited_of,
)
from inspections.tables import Establishment, Inspection, InspectionEvent, InspectionTeamMember
from inspections.views import extensions_by_key, milestone_rows, next_action, timeline_items
from inspections.web_corrections import correctable
from timelines.core.engine import OPEN_STATUSES
from timelines.core.rules import irp_visit_words
from timelines.core.workflow import check_new_fact, standing_facts
from timelines.store import current_calendar
from timelines.tables import StoredMilestone
from tracker import spreadsheets, uploads
from tracker.access import current
from tracker.cache import cached, request_memo
from tracker.clock import LONDON, today_london
from tracker.extensions import INSPECTION_SECTIONS, gather
from tracker.forms import Form
from tracker.operations import Actor, Conflict, Refused
from tracker.policy import can
from tracker.query import NO_VERSION, parse_id, parse_ids, parse_version, query_id
from tracker.roles import Role
from tracker.templating import render, render_part

TABLE_LIMIT_MB = 5
TABLE_WRONG_TYPE = "The selected file must be a CSV or XLSX spreadsheet"

SORTS = {
    "start_desc": ("Newest first", Inspection.start_date, False),
    "start_asc": ("Oldest first", Inspection.start_date, True),
    "establishment": ("Establishment", Inspection.establishment.name, True),
}


# -- the list -------------------------------------------------------------------------------------


async def _visible_inspections(principal, query):
    query = scoped(query, principal, Inspection.establishment)
    if principal.has(Role.HMIP_INSPECTOR) and not principal.has(
        Role.HMIP_MANAGER, Role.HMIP_TEAM_LEADER, Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT
    ):
        on_team = InspectionTeamMember.select(InspectionTeamMember.inspection).where(
            InspectionTeamMember.user == principal.user_id
        )
        query = query.where((Inspection.team_leader == principal.user_id) | Inspection.id.is_in(on_team))
    return await query


@get("/inspections", opt=READERS)
async def inspection_list(request: Request) -> Template:
    principal = current(request)
    today = today_london()
    q = request.query_params
    filters = {k: (q.get(k) or "").strip() for k in ("establishment", "kind", "stage", "sort", "show")}
    if filters["sort"] not in SORTS:
        filters["sort"] = "start_desc"
    query = Inspection.select(
        Inspection.id,
        Inspection.establishment,
        Inspection.kind,
        Inspection.title,
        Inspection.start_date,
        Inspection.end_date,
        Inspection.closed,
        Inspection.team_leader,
        Inspection.urgent_notification,
        Inspection.establishment.name.as_alias("establishment_name"),
        Inspection.team_leader.display_name.as_alias("team_leader_name"),
    )
    if (establishment := parse_id(filters["establishment"])) is not None:
        query = query.where(Inspection.establishment == establishment)
    if filters["kind"] in INSPECTION_KINDS:
        query = query.where(Inspection.kind == filters["kind"])
    if filters["show"] not in LIST_SHOWS:
        filters["show"] = ""  # live inspections: closed ones only when asked for
    if filters["show"] != "all":
        query = query.where(Inspection.closed == (filters["show"] == "closed"))
    _, column, ascending = SORTS[filters["sort"]]
    query = query.order_by(column, ascending=ascending).order_by(Inspection.id, ascending=False)
    rows = await _visible_inspections(principal, query)
    ids = [r["id"] for r in rows] or [-1]
    events = await InspectionEvent.select().where(InspectionEvent.inspection.is_in(ids))
    by_inspection: dict[int, list] = {}
    for event in events:
        by_inspection.setdefault(event["inspection"], []).append(event)
    open_milestones = (
        await StoredMilestone.select(
            StoredMilestone.inspection, StoredMilestone.label, StoredMilestone.due, StoredMilestone.status
        )
        .where(StoredMilestone.inspection.is_in(ids))
        .where(StoredMilestone.status.is_in(list(OPEN_STATUSES)))
        .order_by(StoredMilestone.due)
    )
    next_due: dict[int, dict] = {}
    for m in open_milestones:
        next_due.setdefault(m["inspection"], m)
    shown = []
    for row in rows:
        row["stage"] = stage_of(row, facts_of(by_inspection.get(row["id"], [])), today)
        row["next"] = next_due.get(row["id"])
        if filters["stage"] == "open" and row["stage"] == "complete":
            continue
        if filters["stage"] in STAGES and row["stage"] != filters["stage"]:
            continue
        shown.append(row)
    establishments = await scoped(
        Establishment.select(Establishment.id, Establishment.name).order_by(Establishment.name),
        principal,
        Establishment.id,
    )
    return render(
        request,
        "inspections/list.html",
        fragment="inspections/_list_results.html",
        rows=shown,
        filters=filters,
        establishments=establishments,
        kinds=INSPECTION_KINDS,
        stages=STAGES,
        sorts={k: v[0] for k, v in SORTS.items()},
        shows=LIST_SHOWS,
        may_create=principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER),
    )


# -- create and edit ------------------------------------------------------------------------------


async def _form_context(principal, inspection: dict | None = None) -> dict:
    establishments = await scoped(
        Establishment.select(
            Establishment.id, Establishment.name, Establishment.kind, Establishment.active
        ).order_by(Establishment.name),
        principal,
        Establishment.id,
    )
    follows = await follows_choices(inspection["establishment"] if inspection else None)
    return {
        "establishments": [e for e in establishments if e["active"] or inspection],
        "all_establishments": [e for e in establishments if e["active"] or inspection],
        "leaders": await team_leaders(),
        "staff": await hmip_staff(),
        "partners": PARTNERS,
        "kinds": INSPECTION_KINDS,
        "follows_choices": follows,
        "stages": stage_defaults(),
        "inspection": inspection,
        "irp_visit": irp_visit_words(),
    }


@get("/inspections/new", opt=LEADERS)
async def inspection_new(request: Request) -> Template:
    principal = current(request)
    form = {
        "team_leader": str(principal.user_id) if principal.has(Role.HMIP_TEAM_LEADER) else "",
        "announced": "no",
    }
    establishment = query_id(request.query_params, "establishment")
    if establishment:
        form["establishment"] = str(establishment)
    if request.query_params.get("kind") in INSPECTION_KINDS:
        form["kind"] = request.query_params["kind"]
    return render(
        request, "inspections/form.html", form=form, errors={}, warnings=[], **await _form_context(principal)
    )


@post("/inspections/new", opt=LEADERS)
async def inspection_create(request: Request) -> Response:
    principal = current(request)
    actor = Actor(principal, request)
    today = today_london()
    form = await Form.from_request(request)
    data = read_inspection(form)
    errors, warnings = await inspection_problems(actor, data, today=today)
    form.add_errors(errors)
    if form.ok and (not warnings or form.raw("confirm") == "yes"):
        new_id = await create_inspection(actor, data, today=today)
        return Redirect(path=f"/inspections/{new_id}?done=created")
    return render(
        request,
        "inspections/form.html",
        form=kept(form),
        errors=form.errors,
        warnings=warnings if form.ok else [],
        **await _form_context(principal),
    )


@get("/inspections/{inspection_id:int}/edit", opt=LEADERS)
async def inspection_edit(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_for_edit(request, inspection_id)
    team = [t["user"] for t in await team_of(inspection_id)]
    visited = [v["establishment"] for v in await visited_of(inspection_id)]
    return render(
        request,
        "inspections/form.html",
        form=inspection_prefill(row, team, visited),
        errors={},
        warnings=[],
        **await _form_context(current(request), row),
    )


@post("/inspections/{inspection_id:int}/edit", opt=LEADERS)
async def inspection_update(request: Request, inspection_id: FromPath[int]) -> Response:
    principal = current(request)
    actor = Actor(principal, request)
    row = await load_for_edit(request, inspection_id)
    today = today_london()
    form = await Form.from_request(request)
    data = read_inspection(form, kind=row["kind"])
    data.establishment_id = row["establishment"]
    errors, warnings = await inspection_problems(actor, data, today=today, inspection_id=inspection_id)
    form.add_errors(errors)
    version = parse_version(form.raw("version"), when_missing=NO_VERSION)
    if form.ok and (not warnings or form.raw("confirm") == "yes"):
        try:
            await update_inspection(actor, inspection_id, data, version=version, today=today)
            return Redirect(path=f"/inspections/{inspection_id}?done=updated")
        except Refused as refusal:
            form.add_errors(refusal.errors)
        except Conflict as conflict:
            current_row = await load_inspection(request, inspection_id)
            return render(
                request,
                "inspections/conflict.html",
                status_code=409,
                inspection=current_row,
                current=conflict.current,
                kinds=INSPECTION_KINDS,
            )
    return render(
        request,
        "inspections/form.html",
        form=kept(form),
        errors=form.errors,
        warnings=warnings if form.ok else [],
        **await _form_context(principal, row),
    )


# -- the inspection page --------------------------------------------------------------------------


@get("/inspections/{inspection_id:int}", opt=READERS)
async def inspection_page(request: Request, inspection_id: FromPath[int]) -> Template:
    """Access is checked on every request; the page below the banner depends only on the data,
    today and who is asking, so it is kept (tracker.cache) until anything is written to the
    database. Its parts (the sections other domains add) share one read of each thing they all
    need (the events, stored milestones, recommendations, calendar: tracker.cache.request_memo)."""
    principal = current(request)
    row = await load_inspection(request, inspection_id, row_of=kept_inspection_row)
    today = today_london()
    who = (principal.user_id, principal.roles, principal.establishment_ids, principal.prison_group)
    key = ("inspection page", inspection_id, today, who)
    body = await cached(key, lambda: _inspection_body(request, principal, row, today))
    return render(
        request,
        "inspections/inspection.html",
        inspection=row,
        kinds=INSPECTION_KINDS,
        body=body,
        done=request.query_params.get("done", ""),
    )


async def _inspection_body(request: Request, principal, row: dict, today: date) -> Markup:
    with request_memo():
        context = await _inspection_context(request, principal, row, today)
    return render_part(request, "inspections/_inspection_body.html", **context)


async def _inspection_context(request: Request, principal, row: dict, today: date) -> dict:
    inspection_id = row["id"]
    events = await events_with_names(inspection_id)
    milestones = await stored_milestones(inspection_id)
    reads_note = await may_read_note(principal, row)  # and loads the row's team for the policy
    may_record_now = await _recorder(principal, row, events, today)
    follows = None
    if row["follows"]:
        follows = (
            await Inspection.select(Inspection.id, Inspection.end_date)
            .where(Inspection.id == row["follows"])
            .first()
        )
    followed_by = await Inspection.select(Inspection.id, Inspection.start_date).where(
        Inspection.follows == inspection_id
    )
    debrief = await debrief_of(inspection_id) if reads_note else None
    recommendations = await recommendations_of(inspection_id)
    follow_ups = await follow_up_ids(inspection_id) if row["kind"] == "irp" else []
    return {
        "inspection": row,
        "kinds": INSPECTION_KINDS,
        "partners": PARTNERS,
        "stage": STAGES[stage_of(row, facts_of(events), today)],
        "team": await team_of(inspection_id),
        "visited": await visited_of(inspection_id),
        "follows": follows,
        "followed_by": followed_by,
        "timeline": await _timeline(principal, row, events),
        "milestones": milestone_rows(milestones, extensions_by_key(events)),
        "next": next_action(row, milestones, principal, may_record_now, today),
        "reads_note": reads_note,
        "awaits_note_copy": not reads_note and await awaits_hq_copy(principal, row),
        "has_note": await note_exists(inspection_id) if reads_note else False,
        "debrief": debrief,
        "recommendation_count": len(recommendations),
        "follow_up_count": len(follow_ups),
        "un_raised": row["urgent_notification"],
        "visit_warnings": _visit_warnings(row),
        "sections": await gather(INSPECTION_SECTIONS, request, principal, row),
    }


async def _timeline(principal, row: dict, events: list[dict]) -> list[dict]:
    """The history, each standing fact offered for correction to whoever records that fact."""
    items, with_its_team = timeline_items(events), await with_team(row)
    for item in items:
        item["correctable"] = not item["corrected"] and correctable(principal, item["kind"], with_its_team)
    return items
async def _recorder(principal, row: dict, events: list[dict], today: date):
    """Whether this person may record a fact on this inspection today: the policy says who
    records it (the workflow names the party; the debrief has its own action), and the
    workflow that it can follow what already stands (no publication before the return, ¶32)."""
    facts = standing_facts(events)
    inspection, calendar = workflow_inspection(row), await current_calendar()

    def may(fact: str) -> bool:
        if fact == "debrief_held":
            allowed = can(principal, "debrief.record", row)
        else:
            allowed = may_record(principal, fact, row)
        possible = check_new_fact(inspection, facts, fact, today, today=today, calendar=calendar) is None
        return allowed and possible

    return may


def _visit_warnings(row: dict) -> list[str]:
    if row["kind"] != "irp":
        return []
    inspectors, days = row.get("inspector_count"), row.get("days_on_site")
    return irp_warnings(row["announced"], inspectors, days, row["start_date"], row["end_date"])


# -- recording what happened ----------------------------------------------------------------------


def _recordable(row: dict) -> list[str]:
    kinds = list(RECORDABLE.get(row["kind"], []))
    if row["urgent_notification"]:
        kinds += UN_RECORDABLE
    return kinds


async def _event_context(row: dict, kind: str, corrects: dict | None) -> dict:
    return {
        "inspection": row,
        "kinds": [(k, EVENT_LABELS[k]) for k in _recordable(row)],
        "chosen": kind,
        "sources": EVENT_SOURCES,
        "timed": TIMED_EVENTS,
        "linked": LINKED_EVENTS,
        "corrects": corrects,
        "labels": EVENT_LABELS,
        "stc": row["establishment_kind"] == "stc",
    }


async def _corrected_event(inspection_id: int, raw: str) -> dict | None:
    event_id = parse_id(raw)
    if event_id is None:
        return None
    return (
        await InspectionEvent.select()
        .where((InspectionEvent.id == event_id) & (InspectionEvent.inspection == inspection_id))
        .output(load_json=True)
        .first()
    )


@get("/inspections/{inspection_id:int}/events/new", opt=LEADERS)
async def event_new(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    corrects = await _corrected_event(inspection_id, request.query_params.get("corrects", ""))
    if corrects:  # a correction checks its answers first (inspections.web_corrections)
        return Redirect(path=f"/inspections/{inspection_id}/corrections/new?corrects={corrects['id']}")
    kind = request.query_params.get("kind", "")
    form = {"kind": kind}
    return render(
        request,
        "inspections/event_form.html",
        form=form,
        errors={},
        **await _event_context(row, kind, None),
    )


@post("/inspections/{inspection_id:int}/events/new", opt=LEADERS)
async def event_create(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    form = await Form.from_request(request)
    corrects = await _corrected_event(inspection_id, form.raw("corrects"))
    kind = form.choice("kind", "what happened", _recordable(row))
    occurred_on = form.date("occurred_on", "the date it happened")
    occurred_at = None
    if kind in TIMED_EVENTS:
        hour = form.integer("hour", "the hour", minimum=0, maximum=23)
        minute = form.integer("minute", "the minute", minimum=0, maximum=59)
        if occurred_on and hour is not None and minute is not None:
            occurred_at = datetime.combine(occurred_on, time(hour, minute), tzinfo=LONDON)
    data = FactInput(
        kind=kind or "",
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        note=form.text("note", "a note", required=False, max_length=2000),
        link=form.text("link", "a link", required=False, max_length=500),
        writer=form.raw("writer")
        if row["establishment_kind"] == "stc" and kind in ("un_letter_sent", "un_published")
        else "",
        corrects=corrects["id"] if corrects else None,
        reason=form.text("reason", "why the record is being corrected", required=False, max_length=500)
        if corrects
        else "",
    )
    if form.ok:
        try:
            await record_fact(Actor(current(request), request), inspection_id, data)
            return Redirect(path=f"/inspections/{inspection_id}?done=event:{kind}")
        except Refused as refusal:
            for field_name, message in refusal.errors.items():
                form.error(field_name, message)
    for field_name, message in input_problems(data).items():
        if field_name not in form.errors:
            form.error(field_name, message)
    return render(
        request,
        "inspections/event_form.html",
        form=kept(form),
        errors=form.errors,
        **await _event_context(row, kind or form.raw("kind"), corrects),
    )


# -- urgent notification --------------------------------------------------------------------------


@get("/inspections/{inspection_id:int}/urgent-notification", opt=LEADERS)
async def un_confirm(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_for_edit(request, inspection_id)
    return render(request, "inspections/urgent_notification.html", inspection=row, form={}, errors={})


@post("/inspections/{inspection_id:int}/urgent-notification", opt=LEADERS)
async def un_raise(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    if row["urgent_notification"]:
        return Redirect(path=f"/inspections/{inspection_id}")
    form = await Form.from_request(request)
    reason = form.text("reason", "why the urgent notification is being raised", max_length=2000)
    if form.ok:
        try:
            actor = Actor(current(request), request)
            await raise_urgent_notification(actor, inspection_id, today=today_london(), reason=reason)
            return Redirect(path=f"/inspections/{inspection_id}?done=un")
        except Refused as refusal:
            form.add_errors(refusal.errors)
    return render(
        request, "inspections/urgent_notification.html", inspection=row, form=kept(form), errors=form.errors
    )


# -- recommendations and IRP follow-ups -------------------------------------------------------------


async def _recommendations_context(request: Request, row: dict) -> dict:
    return {
        "inspection": row,
        "recommendations": await recommendations_of(row["id"]),
        "rec_kinds": RECOMMENDATION_KINDS,
    }


@get("/inspections/{inspection_id:int}/recommendations", opt=READERS)
async def recommendations_page(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_inspection(request, inspection_id)
    return render(
        request,
        "inspections/recommendations.html",
        form={},
        errors={},
        row_errors=[],
        done=request.query_params.get("done", ""),
        **await _recommendations_context(request, row),
    )


@post("/inspections/{inspection_id:int}/recommendations", opt=LEADERS)
async def recommendations_add(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    form = await Form.from_request(request)
    how = form.raw("how")
    items: list[dict] = []
    row_errors: list[str] = []
    kind = form.choice(
        "rec_kind", "whether these are recommendations or areas of concern", RECOMMENDATION_KINDS
    )
    area = form.text("area", "the area", required=False, max_length=200)
    if how == "paste":
        text = form.text("pasted", "the recommendations, one per line", max_length=100000)
        items = [
            {"reference": ref, "text": body, "area": area, "kind": kind}
            for ref, body in parse_pasted(text)
        ]
        too_long = [i for i, item in enumerate(items, start=1) if len(item["text"]) > 5000]
        if too_long:
            form.error("pasted", f"Line {too_long[0]} is longer than 5,000 characters")
    elif how == "file":
        try:
            checked, content, filename = await uploads.receive(
                form.data.get("file"),
                uploads.SPREADSHEETS,
                limit_mb=uploads.limit_mb_for(request, TABLE_LIMIT_MB),
                wrong_type=TABLE_WRONG_TYPE,
            )
            table = await spreadsheets.off_loop(uploads.read_table, content, checked.file_type)
            items, row_errors = recommendation_rows(table)
        except uploads.UploadRefused as error:
            form.error("file", str(error))
        if row_errors:
            form.error(
                "file", "The file has errors: nothing has been saved. Fix the rows listed and upload it again"
            )
        form.errors.pop("rec_kind", None)
    else:
        reference = form.text("reference", "the reference", required=False, max_length=40)
        text = form.text("text", "the recommendation", max_length=5000)
        items = [{"reference": reference, "text": text, "area": area, "kind": kind}]
    if form.ok and items:
        actor = Actor(current(request), request)
        added = await add_recommendations(actor, inspection_id, items, how or "one")
        return Redirect(path=f"/inspections/{inspection_id}/recommendations?done={added}")
    return render(
        request,
        "inspections/recommendations.html",
        form=kept(form),
        errors=form.errors,
        row_errors=row_errors,
        done="",
        **await _recommendations_context(request, row),
    )


@get("/inspections/{inspection_id:int}/follow-ups", opt=LEADERS)
async def follow_ups_page(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load_for_edit(request, inspection_id)
    chosen = [str(i) for i in await follow_up_ids(inspection_id)]
    return await _follow_ups(request, row, chosen, {})


async def _follow_ups(request, row, chosen, errors, status_code=200):
    recommendations = await recommendations_of(row["follows"]) if row["follows"] else []
    return render(
        request,
        "inspections/follow_ups.html",
        inspection=row,
        recommendations=recommendations,
        chosen=chosen,
        errors=errors,
        status_code=status_code,
    )


@post("/inspections/{inspection_id:int}/follow-ups", opt=LEADERS)
async def follow_ups_save(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load_for_edit(request, inspection_id)
    form = await Form.from_request(request)
    if row["kind"] != "irp":
        return Redirect(path=f"/inspections/{inspection_id}")
    chosen = form.values("recommendations")
    try:
        await set_follow_ups(Actor(current(request), request), row, parse_ids(chosen))
        return Redirect(path=f"/inspections/{inspection_id}?done=follow_ups")
    except Refused as refusal:
        form.add_errors(refusal.errors)
    return await _follow_ups(request, row, chosen, form.errors)


ROUTES = [
    inspection_list,
    inspection_new,
    inspection_create,
    inspection_page,
    inspection_edit,
    inspection_update,
    event_new,
    event_create,
    un_confirm,
    un_raise,
    recommendations_page,
    recommendations_add,
    follow_ups_page,
    follow_ups_save,
]
