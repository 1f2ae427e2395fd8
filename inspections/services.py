"""Operations of the inspections domain. Each does one thing in one transaction; the HTML
handlers and the JSON API both call them, so no business rule lives in a handler.

Validation returns GOV.UK error messages keyed by field name (the same names the forms use).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from inspections.constants import (
    ABSENCE_NOTICE,
    ATTENDEES,
    COHORTS,
    ESTABLISHMENT_KINDS,
    HEALTHY_PRISON_TESTS,
    INSPECTION_KINDS,
    OPERATORS,
    PARTNERS,
    PROGRESS,
    RECOMMENDATION_KINDS,
    SCORES,
    STC_PARTNERS,
)
from inspections.events import record_event, standing_events
from inspections.tables import (
    Debrief,
    DebriefNote,
    Establishment,
    FollowUp,
    Inspection,
    InspectionEstablishment,
    InspectionEvent,
    InspectionTeamMember,
    Recommendation,
)
from timelines.core.offsets import add_months
from timelines.core.rules import (
    FULL_INSPECTION,
    PROGRAMME,
    THEMATIC,
    rule,
    rules_for,
    window_dates,
    with_override,
)
from timelines.store import current_calendar, refresh_inspection
from tracker.cache import memoised
from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.roles import Role
from tracker.tables import AppUser, UserRole

MAX_FIELDWORK_DAYS = {"full": 56, "irp": 21, "thematic": 366}
EARLIEST_YEARS_AGO = 10
LATEST_YEARS_AHEAD = 5


class Conflict(Exception):
    """Someone else changed the record first (optimistic locking): carries the current values."""

    def __init__(self, current: dict) -> None:
        super().__init__("changed by someone else")
        self.current = current


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- establishments -----------------------------------------------------------------------------


def late_notice(row: dict) -> bool:
    """MoU ¶12: HMPPS tells HMIP of a new establishment before it is operational."""
    operational = row.get("operational_on")
    if not operational:
        return False
    notified = row.get("hmpps_notified_on")
    return notified is None or notified >= operational


def check_establishment(values: dict, errors: dict[str, str]) -> None:
    """Checks on parsed establishment values (shared by the form, the import and the API)."""
    if values.get("kind") and values["kind"] not in ESTABLISHMENT_KINDS:
        errors.setdefault("kind", "Select the kind of establishment")
    if values.get("cohort") and values["cohort"] not in COHORTS:
        errors.setdefault("cohort", "Select who the establishment holds")
    if values.get("operator") and values["operator"] not in OPERATORS:
        errors.setdefault("operator", "Select who runs the establishment")
    notified, operational = values.get("hmpps_notified_on"), values.get("operational_on")
    if notified and not operational:
        errors.setdefault("operational_on", "Enter the date the establishment became or becomes operational")


ESTABLISHMENT_FIELDS = (
    "name",
    "code",
    "kind",
    "cohort",
    "operator",
    "prison_group",
    "region",
    "operational_on",
    "hmpps_notified_on",
)


async def name_taken(name: str, except_id: int | None = None) -> bool:
    rows = await Establishment.select(Establishment.id, Establishment.name)
    return any(r["name"].lower() == name.lower() and r["id"] != except_id for r in rows)


async def create_establishment(values: dict) -> int:
    row = Establishment(**{k: values.get(k) for k in ESTABLISHMENT_FIELDS if values.get(k) is not None})
    await row.save()
    return row.id


async def update_establishment(establishment_id: int, values: dict, version: int) -> None:
    changes = {getattr(Establishment, k): values.get(k) for k in ESTABLISHMENT_FIELDS}
    changes[Establishment.version] = version + 1
    async with write_transaction(Establishment._meta.db):
        updated = (
            await Establishment.update(changes)
            .where((Establishment.id == establishment_id) & (Establishment.version == version))
            .returning(Establishment.id)
        )
        if not updated:
            current = await Establishment.select().where(Establishment.id == establishment_id).first()
            raise Conflict(current or {})


async def set_establishment_active(establishment_id: int, active: bool) -> None:
    await Establishment.update(
        {Establishment.active: active, Establishment.version: Establishment.version + 1}
    ).where(Establishment.id == establishment_id)


def _choice_from(text: str, options: dict[str, str]) -> str | None:
    clean = text.strip().lower()
    for key, label in options.items():
        if clean in (key.lower(), label.lower(), key.replace("_", " ")):
            return key
    aliases = {"young offender institution": "yoi", "cyp": "cyp", "children": "cyp", "private": "contracted"}
    value = aliases.get(clean)
    return value if value in options else None


def _date_from(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for parse in (
        lambda t: date.fromisoformat(t[:10]),
        lambda t: datetime.strptime(t, "%d/%m/%Y").date(),
        lambda t: datetime.strptime(t, "%d %B %Y").date(),
    ):
        try:
            value = parse(text)
        except ValueError:
            continue
        if 2000 <= value.year <= 2100:
            return value
    raise ValueError(text)


IMPORT_COLUMNS = {
    "name": "name",
    "code": "code",
    "kind": "kind",
    "cohort": "cohort",
    "operator": "operator",
    "prison group": "prison_group",
    "region": "region",
    "operational on": "operational_on",
    "hmpps notified on": "hmpps_notified_on",
}


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: int = 0


async def import_establishments(frame) -> ImportResult:
    """Validate every row; save all of them in one transaction, or none if any row is bad."""
    result = ImportResult()
    missing = [c for c in ("name", "kind") if c not in frame.columns]
    if missing:
        result.errors.append(f"The file must have a column called {' and '.join(repr(m) for m in missing)}")
        return result
    existing = {r["name"].lower() for r in await Establishment.select(Establishment.name)}
    seen: set[str] = set()
    for position, (_, record) in enumerate(frame.iterrows()):
        number = position + 2  # row 1 holds the headings
        raw = {IMPORT_COLUMNS[c]: str(record[c]) for c in frame.columns if c in IMPORT_COLUMNS}
        problems = []
        name = raw.get("name", "").strip()
        if not name:
            problems.append("enter the establishment's name")
        elif len(name) > 200:
            problems.append("the name must be 200 characters or fewer")
        elif name.lower() in existing:
            problems.append(f"{name} already exists")
        elif name.lower() in seen:
            problems.append(f"{name} appears more than once in the file")
        seen.add(name.lower())
        values: dict = {"name": name, "code": raw.get("code", "")[:10]}
        for key, options, word in (
            ("kind", ESTABLISHMENT_KINDS, "kind"),
            ("cohort", COHORTS, "cohort"),
            ("operator", OPERATORS, "operator"),
        ):
            text = raw.get(key, "")
            if not text and key != "kind":
                values[key] = "adult" if key == "cohort" else "public"
                continue
            chosen = _choice_from(text, options)
            if chosen is None:
                problems.append(
                    f"{word} must be one of {', '.join(options.values())}" if text else f"enter the {word}"
                )
            values[key] = chosen
        values["prison_group"] = raw.get("prison_group", "")[:100]
        values["region"] = raw.get("region", "")[:100]
        for key, words in (
            ("operational_on", "operational date"),
            ("hmpps_notified_on", "date HMPPS told HMIP"),
        ):
            try:
                values[key] = _date_from(raw.get(key, ""))
            except ValueError:
                problems.append(f"the {words} must be a real date, like 2025-03-27")
        if values.get("hmpps_notified_on") and not values.get("operational_on"):
            problems.append("enter the operational date as well as the date HMPPS told HMIP")
        if problems:
            result.errors.append(f"Row {number}: " + "; ".join(problems))
        result.rows.append(values)
    if not result.rows and not result.errors:
        result.errors.append("The file has no rows")
    if result.errors:
        return result
    async with write_transaction(Establishment._meta.db):
        await Establishment.insert(*[Establishment(**values) for values in result.rows])
    result.created = len(result.rows)
    return result


# -- inspections --------------------------------------------------------------------------------


async def team_leaders() -> list[dict]:
    rows = (
        await AppUser.select(AppUser.id, AppUser.display_name)
        .where(
            AppUser.id.is_in(
                UserRole.select(UserRole.user).where(UserRole.role == Role.HMIP_TEAM_LEADER.value)
            )
        )
        .where(AppUser.active == True)  # noqa: E712
        .order_by(AppUser.display_name)
    )
    return rows


async def hmip_staff() -> list[dict]:
    roles = [Role.HMIP_TEAM_LEADER.value, Role.HMIP_INSPECTOR.value]
    return (
        await AppUser.select(AppUser.id, AppUser.display_name)
        .where(AppUser.id.is_in(UserRole.select(UserRole.user).where(UserRole.role.is_in(roles))))
        .where(AppUser.active == True)  # noqa: E712
        .order_by(AppUser.display_name)
    )


def irp_window(full_end: date, calendar) -> tuple[date, date]:
    """MoU ¶7, ¶48: an IRP visit 8 to 12 months after the full inspection it follows."""
    return window_dates(rule(PROGRAMME, "irp_visit"), full_end, calendar)


THEMATIC_STAGE_KEYS = [r.key for r in rules_for(THEMATIC)]


def stage_defaults() -> list[dict]:
    """Each thematic stage with the full-inspection rule it defaults to (MoU ¶53)."""
    return [{"key": r.key, "label": r.label, "default": r.describe()} for r in rules_for(THEMATIC)]


@dataclass
class InspectionInput:
    establishment_id: int | None = None
    kind: str = ""
    title: str = ""
    start_date: date | None = None
    end_date: date | None = None
    announced: bool = False
    announced_on: date | None = None
    team_leader_id: int | None = None
    team_ids: list[int] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    coordinator: str = ""
    liaison_officer: str = ""
    follows_id: int | None = None
    visited_ids: list[int] = field(default_factory=list)
    stage_overrides: dict[str, str] = field(default_factory=dict)


async def check_inspection(
    data: InspectionInput,
    *,
    today: date,
    scope: frozenset[int] | None,
    errors: dict[str, str],
    inspection_id=None,
) -> list[str]:
    """Checks an inspection's values; adds errors and returns warnings (allowed, but said)."""
    warnings: list[str] = []
    establishment = None
    if data.establishment_id is not None:
        establishment = await Establishment.select().where(Establishment.id == data.establishment_id).first()
        if establishment is None or (scope is not None and establishment["id"] not in scope):
            errors.setdefault("establishment", "Select the establishment")
            establishment = None
        elif not establishment["active"] and inspection_id is None:
            errors.setdefault("establishment", f"{establishment['name']} is no longer active: select another")
    elif "establishment" not in errors:
        errors["establishment"] = "Select the establishment"
    if data.kind not in INSPECTION_KINDS and "kind" not in errors:
        errors["kind"] = "Select the kind of inspection"
    if data.kind == "thematic" and not data.title and "title" not in errors:
        errors["title"] = "Enter the title of the thematic review"
    start, end = data.start_date, data.end_date
    if start and end:
        if end < start:
            errors.setdefault("end_date", "The last day must be the same as or after the first day")
        elif (end - start).days > MAX_FIELDWORK_DAYS.get(data.kind, 366):
            limit = MAX_FIELDWORK_DAYS.get(data.kind, 366)
            errors.setdefault("end_date", f"The last day must be within {limit} days of the first day")
    for name, value in (("start_date", start), ("end_date", end)):
        if value and not (
            add_months(today, -12 * EARLIEST_YEARS_AGO) <= value <= add_months(today, 12 * LATEST_YEARS_AHEAD)
        ):
            errors.setdefault(
                name,
                f"The date must be within {EARLIEST_YEARS_AGO} years before "
                f"and {LATEST_YEARS_AHEAD} years after today",
            )
    if data.announced:
        if data.announced_on is None:
            errors.setdefault("announced_on", "Enter the date the establishment was told of the inspection")
        elif start and data.announced_on > start:
            errors.setdefault(
                "announced_on", "The date the establishment was told must be before the first day"
            )
    unknown_partners = set(data.partners) - set(PARTNERS)
    if unknown_partners:
        errors.setdefault("partners", "Select partner inspectorates from the list")
    if data.team_leader_id is not None:
        leaders = {r["id"] for r in await team_leaders()}
        if data.team_leader_id not in leaders:
            errors.setdefault("team_leader", "Select the team leader")
    else:
        errors.setdefault("team_leader", "Select the team leader")
    staff = {r["id"] for r in await hmip_staff()}
    if set(data.team_ids) - staff:
        errors.setdefault("team", "Select team members from the list")
    if data.kind == "irp":
        await _check_irp(data, establishment, errors, warnings)
    if data.kind == "thematic":
        for key, text in data.stage_overrides.items():
            if key not in THEMATIC_STAGE_KEYS:
                errors.setdefault(f"stage_{key}", "Unknown stage")
                continue
            try:
                with_override(rule(THEMATIC, key), text)
            except ValueError:
                errors.setdefault(
                    f"stage_{key}",
                    "Enter a duration like \u201c40 working days\u201d, \u201c8 weeks\u201d, "
                    "\u201c3 months\u201d, or \u201cnot applicable\u201d",
                )
        if data.visited_ids:
            found = await Establishment.select(Establishment.id).where(
                Establishment.id.is_in(data.visited_ids)
            )
            if len(found) != len(set(data.visited_ids)):
                errors.setdefault("visited", "Select establishments from the list")
    if establishment and establishment["kind"] == "stc" and data.kind != "thematic":
        for partner in STC_PARTNERS:
            if partner not in data.partners:
                data.partners.append(partner)
    return warnings


async def _check_irp(data: InspectionInput, establishment, errors, warnings) -> None:
    if data.follows_id is None:
        errors.setdefault("follows", "Select the full inspection this review follows")
        return
    full = await Inspection.select().where(Inspection.id == data.follows_id).first()
    if (
        full is None
        or full["kind"] != "full"
        or (establishment is not None and full["establishment"] != establishment["id"])
    ):
        errors.setdefault(
            "follows",
            "An independent review of progress must follow a full inspection of the same establishment",
        )
        return
    if data.start_date and data.start_date <= full["end_date"]:
        errors.setdefault("start_date", "The review must start after the full inspection it follows ended")
        return
    if data.start_date:
        opens, closes = irp_window(full["end_date"], await current_calendar())
        if not opens <= data.start_date <= closes:
            warnings.append(
                "This review is outside the 8 to 12 month window after the full inspection "
                f"({opens.day} {opens:%B %Y} to {closes.day} {closes:%B %Y}, MoU \u00b648)"
            )


async def follows_choices(establishment_id: int | None = None) -> list[dict]:
    query = Inspection.select(
        Inspection.id,
        Inspection.end_date,
        Inspection.establishment,
        Inspection.establishment.name.as_alias("establishment_name"),
    ).where(Inspection.kind == "full")
    if establishment_id:
        query = query.where(Inspection.establishment == establishment_id)
    rows = await query.order_by(Inspection.end_date, ascending=False)
    return rows


async def create_inspection(data: InspectionInput, *, by_user_id: int, today: date) -> int:
    """Insert the inspection, its team and visits, and store its milestones, in one transaction.

    The same form sent twice (a double click, a resend after a slow answer) makes one inspection:
    an identical one created in the last two minutes is returned instead (F4)."""
    async with write_transaction(Inspection._meta.db):
        twin = (
            await Inspection.select(Inspection.id)
            .where(
                (Inspection.establishment == data.establishment_id)
                & (Inspection.kind == data.kind)
                & (Inspection.title == data.title)
                & (Inspection.start_date == data.start_date)
                & (Inspection.end_date == data.end_date)
                & (Inspection.team_leader == data.team_leader_id)
                & (Inspection.announced == data.announced)
                & (Inspection.coordinator == data.coordinator)
                & (Inspection.liaison_officer == data.liaison_officer)
                & (Inspection.partner_inspectorates == ",".join(data.partners))
                & (Inspection.created_at >= now_utc() - timedelta(minutes=2))
            )
            .first()
        )
        if twin:
            return twin["id"]
        row = Inspection(
            establishment=data.establishment_id,
            kind=data.kind,
            title=data.title,
            start_date=data.start_date,
            end_date=data.end_date,
            announced=data.announced,
            announced_on=data.announced_on if data.announced else None,
            team_leader=data.team_leader_id,
            coordinator=data.coordinator,
            liaison_officer=data.liaison_officer,
            partner_inspectorates=",".join(data.partners),
            follows=data.follows_id if data.kind == "irp" else None,
            stage_overrides=json.dumps(data.stage_overrides if data.kind == "thematic" else {}),
            created_at=now_utc(),
        )
        await row.save()
        await _write_team_and_visits(row.id, data)
        await refresh_inspection(row.id, today=today, reason="inspection created")
    return row.id


async def _write_team_and_visits(inspection_id: int, data: InspectionInput) -> None:
    await InspectionTeamMember.delete().where(InspectionTeamMember.inspection == inspection_id)
    members = sorted(set(data.team_ids) - {data.team_leader_id})
    if members:
        await InspectionTeamMember.insert(
            *[InspectionTeamMember(inspection=inspection_id, user=u) for u in members]
        )
    await InspectionEstablishment.delete().where(InspectionEstablishment.inspection == inspection_id)
    visited = sorted(set(data.visited_ids) - {data.establishment_id}) if data.kind == "thematic" else []
    if visited:
        await InspectionEstablishment.insert(
            *[InspectionEstablishment(inspection=inspection_id, establishment=e) for e in visited]
        )


async def update_inspection(inspection_id: int, data: InspectionInput, *, version: int, today: date) -> None:
    """Change an inspection (not its kind or establishment), checking nobody else changed it."""
    async with write_transaction(Inspection._meta.db):
        updated = (
            await Inspection.update(
                {
                    Inspection.title: data.title,
                    Inspection.start_date: data.start_date,
                    Inspection.end_date: data.end_date,
                    Inspection.announced: data.announced,
                    Inspection.announced_on: data.announced_on if data.announced else None,
                    Inspection.team_leader: data.team_leader_id,
                    Inspection.coordinator: data.coordinator,
                    Inspection.liaison_officer: data.liaison_officer,
                    Inspection.partner_inspectorates: ",".join(data.partners),
                    Inspection.follows: data.follows_id if data.kind == "irp" else None,
                    Inspection.stage_overrides: json.dumps(
                        data.stage_overrides if data.kind == "thematic" else {}
                    ),
                    Inspection.version: version + 1,
                }
            )
            .where((Inspection.id == inspection_id) & (Inspection.version == version))
            .returning(Inspection.id)
        )
        if not updated:
            raise Conflict(
                await Inspection.select().where(Inspection.id == inspection_id).output(load_json=True).first()
                or {}
            )
        await _write_team_and_visits(inspection_id, data)
        await refresh_inspection(inspection_id, today=today, reason="inspection changed")


async def team_of(inspection_id: int) -> list[dict]:
    return await InspectionTeamMember.select(
        InspectionTeamMember.user, InspectionTeamMember.user.display_name.as_alias("name")
    ).where(InspectionTeamMember.inspection == inspection_id)


async def visited_of(inspection_id: int) -> list[dict]:
    return await InspectionEstablishment.select(
        InspectionEstablishment.establishment,
        InspectionEstablishment.establishment.name.as_alias("name"),
    ).where(InspectionEstablishment.inspection == inspection_id)


# -- events -------------------------------------------------------------------------------------


async def record(
    inspection_id: int,
    kind: str,
    occurred_on: date,
    *,
    by_user_id: int,
    today: date,
    detail: dict | None = None,
    occurred_at: datetime | None = None,
    supersedes: int | None = None,
) -> int:
    if supersedes is not None:
        original = (
            await InspectionEvent.select(InspectionEvent.id)
            .where((InspectionEvent.id == supersedes) & (InspectionEvent.inspection == inspection_id))
            .first()
        )
        if original is None:
            raise Invalid({"supersedes": "The event to correct is not on this inspection"})
    return await record_event(
        inspection_id,
        kind,
        occurred_on,
        by_user_id=by_user_id,
        detail=detail or {},
        occurred_at=occurred_at,
        supersedes=supersedes,
        today=today,
    )


async def events_with_names(inspection_id: int) -> list[dict]:
    """Every event (for the history), newest last, with who recorded it and what superseded it."""
    rows = (
        await InspectionEvent.select(
            *InspectionEvent.all_columns(), InspectionEvent.recorded_by.display_name.as_alias("by_name")
        )
        .where(InspectionEvent.inspection == inspection_id)
        .output(load_json=True)
        .order_by(InspectionEvent.occurred_on)
        .order_by(InspectionEvent.id)
    )
    superseded = {r["supersedes"]: r["id"] for r in rows if r["supersedes"]}
    for row in rows:
        row["superseded_by"] = superseded.get(row["id"])
    return rows


async def raise_urgent_notification(inspection_id: int, *, by_user_id: int, today: date, reason: str) -> None:
    async with write_transaction(Inspection._meta.db):
        await Inspection.update(
            {Inspection.urgent_notification: True, Inspection.version: Inspection.version + 1}
        ).where(Inspection.id == inspection_id)
        await record_event(
            inspection_id,
            "urgent_notification_raised",
            today,
            by_user_id=by_user_id,
            detail={"note": reason, "reinspection": "in due course"},
            today=today,
        )


# -- the debrief and its note ---------------------------------------------------------------------


@dataclass
class DebriefInput:
    held_on: date | None = None
    attendees: list[str] = field(default_factory=list)
    representative: str = ""
    absence_notice: str = ""
    notice_given_on: date | None = None
    judgements: dict[str, str] = field(default_factory=dict)
    progress: dict[str, str] = field(default_factory=dict)
    note_text: str = ""


def check_debrief(
    data: DebriefInput, inspection: dict, follow_up_ids: list[int], errors: dict[str, str]
) -> None:
    if data.held_on and data.held_on < inspection["start_date"]:
        errors.setdefault("held_on", "The debrief date must be on or after the first day of the inspection")
    if set(data.attendees) - set(ATTENDEES):
        errors.setdefault("attendees", "Select who attended from the list")
    if not data.attendees:
        errors.setdefault("attendees", "Select who attended the debrief")
    senior_present = {"pgd", "ed", "representative"} & set(data.attendees)
    if "representative" in data.attendees and not data.representative:
        errors.setdefault(
            "representative", "Enter who represented the Prison Group Director or Executive Director"
        )
    if not senior_present and inspection["kind"] != "thematic":
        if data.absence_notice not in ABSENCE_NOTICE:
            errors.setdefault(
                "absence_notice",
                "Select whether the Prison Group Director or Executive Director "
                "gave notice they could not attend",
            )
        elif data.absence_notice == "in_advance":
            if data.notice_given_on is None and "notice_given_on" not in errors:
                errors["notice_given_on"] = "Enter the date the team leader was told"
            elif data.held_on and data.notice_given_on and data.notice_given_on > data.held_on:
                errors.setdefault(
                    "notice_given_on", "The date the team leader was told must be before the debrief"
                )
    if inspection["kind"] == "full":
        for key, label in HEALTHY_PRISON_TESTS.items():
            if data.judgements.get(key) not in SCORES:
                errors.setdefault(f"judgement_{key}", f"Select the indicative judgement for {label.lower()}")
    if inspection["kind"] == "irp":
        for rec_id in follow_up_ids:
            if data.progress.get(str(rec_id)) not in PROGRESS:
                errors.setdefault(f"progress_{rec_id}", "Select the progress made on this recommendation")
    if len(data.note_text) > 50000:
        errors.setdefault("note_text", "The debrief note must be 50,000 characters or fewer")


async def save_debrief(
    inspection: dict,
    data: DebriefInput,
    *,
    by_user_id: int,
    today: date,
    version: int | None,
    note_file: tuple[str, str, bytes, str] | None = None,
) -> None:
    """Save the debrief, its note, and the debrief_held fact, in one transaction."""
    inspection_id = inspection["id"]
    senior_present = {"pgd", "ed", "representative"} & set(data.attendees)
    values = {
        Debrief.held_on: data.held_on,
        Debrief.attendees: json.dumps(data.attendees),
        Debrief.representative: data.representative if "representative" in data.attendees else "",
        Debrief.absence_notice: "not_needed" if senior_present else data.absence_notice,
        Debrief.notice_given_on: data.notice_given_on
        if (not senior_present and data.absence_notice == "in_advance")
        else None,
        Debrief.judgements: json.dumps(
            {k: int(v) for k, v in data.judgements.items() if k in HEALTHY_PRISON_TESTS}
            if inspection["kind"] == "full"
            else {}
        ),
        Debrief.progress: json.dumps(data.progress if inspection["kind"] == "irp" else {}),
        Debrief.recorded_by: by_user_id,
        Debrief.recorded_at: now_utc(),
    }
    async with write_transaction(Debrief._meta.db):
        existing = (
            await Debrief.select(Debrief.id, Debrief.version, Debrief.held_on)
            .where(Debrief.inspection == inspection_id)
            .first()
        )
        if existing is None:
            await Debrief.insert(
                Debrief(inspection=inspection_id, version=1, **{c._meta.name: v for c, v in values.items()})
            )
        else:
            if version is None or existing["version"] != version:
                raise Conflict(await debrief_of(inspection_id) or {})
            values[Debrief.version] = version + 1
            await Debrief.update(values).where((Debrief.id == existing["id"]) & (Debrief.version == version))
        await _save_note(inspection_id, data.note_text, note_file, by_user_id)
        facts = await standing_events(inspection_id)
        held = [e for e in facts if e["kind"] == "debrief_held"]
        if not held:
            await record_event(
                inspection_id, "debrief_held", data.held_on, by_user_id=by_user_id, today=today
            )
        elif held[-1]["occurred_on"] != data.held_on:
            await record_event(
                inspection_id,
                "debrief_held",
                data.held_on,
                by_user_id=by_user_id,
                supersedes=held[-1]["id"],
                detail={"note": "debrief date corrected"},
                today=today,
            )


async def _save_note(inspection_id: int, text: str, note_file, by_user_id: int) -> None:
    existing = (
        await DebriefNote.select(DebriefNote.id, DebriefNote.version)
        .where(DebriefNote.inspection == inspection_id)
        .first()
    )
    values = {DebriefNote.text: text, DebriefNote.recorded_by: by_user_id, DebriefNote.recorded_at: now_utc()}
    if note_file is not None:
        name, content_type, content, scan_result = note_file
        values.update(
            {
                DebriefNote.file_name: name,
                DebriefNote.file_type: content_type,
                DebriefNote.file_size: len(content),
                DebriefNote.file_content: content,
                DebriefNote.scan_result: scan_result,
            }
        )
    if existing is None:
        await DebriefNote.insert(
            DebriefNote(inspection=inspection_id, **{c._meta.name: v for c, v in values.items()})
        )
    else:
        values[DebriefNote.version] = existing["version"] + 1
        await DebriefNote.update(values).where(DebriefNote.id == existing["id"])


async def debrief_of(inspection_id: int) -> dict | None:
    return (
        await Debrief.select(*Debrief.all_columns(), Debrief.recorded_by.display_name.as_alias("by_name"))
        .where(Debrief.inspection == inspection_id)
        .output(load_json=True)
        .first()
    )


async def note_of(inspection_id: int, *, with_content: bool = False) -> dict | None:
    columns = [c for c in DebriefNote.all_columns() if with_content or c._meta.name != "file_content"]
    return (
        await DebriefNote.select(*columns, DebriefNote.recorded_by.display_name.as_alias("by_name"))
        .where(DebriefNote.inspection == inspection_id)
        .first()
    )


async def note_exists(inspection_id: int) -> bool:
    return await DebriefNote.exists().where(DebriefNote.inspection == inspection_id)


# -- recommendations ------------------------------------------------------------------------------

REFERENCE_PREFIX = re.compile(
    r"^\s*(?:(?P<ref>[A-Za-z]{0,4}\d+(?:\.\d+)*)[\s.:)\-\u2013]+)?(?P<text>.+?)\s*$"
)


def parse_pasted(text: str) -> list[tuple[str, str]]:
    """One recommendation per line; a leading reference (1., R2:, 3.4 -) is kept as its reference."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = REFERENCE_PREFIX.match(line)
        reference = (match.group("ref") or "") if match else ""
        body = match.group("text") if match else line.strip()
        items.append((reference, body.strip()))
    return items


async def recommendations_of(inspection_id: int) -> list[dict]:
    """In report order (one read per page: tracker.cache.memoised)."""
    return await memoised(
        ("recommendations", inspection_id),
        lambda: (
            Recommendation.select()
            .where(Recommendation.inspection == inspection_id)
            .order_by(Recommendation.position)
            .order_by(Recommendation.id)
            .run()
        ),
    )


async def add_recommendations(inspection_id: int, items: list[dict]) -> int:
    """Append recommendations (reference, text, area, kind), numbering blank references."""
    async with write_transaction(Recommendation._meta.db):
        current = await recommendations_of(inspection_id)
        position = max((r["position"] for r in current), default=0)
        taken = {r["reference"] for r in current}
        rows = []
        for item in items:
            position += 1
            reference = item.get("reference") or ""
            if not reference:
                number = position
                while f"R{number}" in taken:
                    number += 1
                reference = f"R{number}"
            taken.add(reference)
            rows.append(
                Recommendation(
                    inspection=inspection_id,
                    reference=reference[:40],
                    text=item["text"],
                    area=(item.get("area") or "")[:200],
                    kind=item.get("kind") or "recommendation",
                    position=position,
                )
            )
        if rows:
            await Recommendation.insert(*rows)
    return len(rows)


def recommendation_rows(frame) -> tuple[list[dict], list[str]]:
    """Rows of a recommendations spreadsheet, and row-by-row errors."""
    errors: list[str] = []
    items: list[dict] = []
    if "text" not in frame.columns and "recommendation" not in frame.columns:
        return [], ["The file must have a column called 'text'"]
    text_column = "text" if "text" in frame.columns else "recommendation"
    for position, (_, record) in enumerate(frame.iterrows()):
        number = position + 2
        problems = []
        text = str(record[text_column])
        if not text:
            problems.append("enter the recommendation's text")
        elif len(text) > 5000:
            problems.append("the text must be 5,000 characters or fewer")
        kind_text = str(record["kind"]) if "kind" in frame.columns else ""
        kind = _choice_from(kind_text, RECOMMENDATION_KINDS) if kind_text else "recommendation"
        if kind is None:
            problems.append("kind must be Recommendation or Area of concern")
        reference = str(record["reference"]) if "reference" in frame.columns else ""
        if len(reference) > 40:
            problems.append("the reference must be 40 characters or fewer")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems))
        items.append(
            {
                "reference": reference,
                "text": text,
                "area": str(record["area"]) if "area" in frame.columns else "",
                "kind": kind,
            }
        )
    if not items and not errors:
        errors.append("The file has no rows")
    return items, errors


async def follow_up_ids(irp_id: int) -> list[int]:
    rows = await FollowUp.select(FollowUp.recommendation).where(FollowUp.inspection == irp_id)
    return [r["recommendation"] for r in rows]


async def set_follow_ups(irp: dict, recommendation_ids: list[int]) -> None:
    allowed = {r["id"] for r in await recommendations_of(irp["follows"])} if irp["follows"] else set()
    if set(recommendation_ids) - allowed:
        raise Invalid({"recommendations": "Select recommendations from the full inspection's report"})
    async with write_transaction(FollowUp._meta.db):
        await FollowUp.delete().where(FollowUp.inspection == irp["id"])
        if recommendation_ids:
            await FollowUp.insert(
                *[FollowUp(inspection=irp["id"], recommendation=r) for r in sorted(set(recommendation_ids))]
            )


# -- where an inspection is ------------------------------------------------------------------------


def facts_of(events: list[dict]) -> dict[str, date]:
    from timelines.store import facts_from_events

    facts, _ = facts_from_events(events)
    return {k: (v.date() if isinstance(v, datetime) else v) for k, v in facts.items()}


def stage_of(inspection: dict, facts: dict, today: date) -> str:
    if inspection.get("closed") or "action_plan_received" in facts:
        return "complete"
    if today < inspection["start_date"]:
        return "planned"
    if today <= inspection["end_date"] and "debrief_held" not in facts:
        return "on_site"
    if "published" in facts:
        return "complete" if inspection["kind"] == "irp" else "action_plan"
    if "draft_sent" not in facts:
        return "drafting"
    if "factcheck_returned" not in facts:
        return "fact_check"
    if "hmip_response_sent" not in facts and inspection["kind"] != "irp":
        return "hmip_response"
    return "publication"


async def stored_milestones(inspection_id: int) -> list[dict]:
    from timelines.store import stored_rows

    return await stored_rows(inspection_id)


def next_debrief_note_due(milestones: list[dict]) -> dict | None:
    return next((m for m in milestones if m["key"] == "debrief_note_to_hq"), None)


def last_full_before(rows: list[dict], today: date) -> dict | None:
    done = [r for r in rows if r["kind"] == "full" and r["end_date"] <= today]
    return max(done, key=lambda r: r["end_date"]) if done else None


def business_year(today: date) -> tuple[date, date]:
    """April to March (MoU ¶48)."""
    first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return first, date(first.year + 1, 3, 31)


def full_rule_label(key: str) -> str:
    return rule(FULL_INSPECTION, key).label
