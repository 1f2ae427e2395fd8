"""Establishments: check, add, change, deactivate and import (MoU ¶1, ¶12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from inspections.constants import (
    COHORTS,
    ESTABLISHMENT_KINDS,
    OPERATORS,
)
from inspections.queries import name_taken
from inspections.tables import (
    Establishment,
)
from tracker import policy
from tracker.operations import Actor, Conflict, Refused, change


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



def _may_change(actor: Actor) -> None:
    if actor.principal is not None:
        policy.require(actor.principal, "establishment.change")


async def name_problem(values: dict, except_id: int | None = None) -> dict[str, str]:
    """Establishment names are unique, whatever their capitals."""
    name = values.get("name")
    return {"name": f"{name} already exists"} if name and await name_taken(name, except_id) else {}


async def create_establishment(actor: Actor, values: dict) -> int:
    _may_change(actor)
    problems = await name_problem(values)
    if problems:
        raise Refused(problems)
    async with change(actor, "establishment.create", object_type="establishment") as entry:
        row = Establishment(**{k: values.get(k) for k in ESTABLISHMENT_FIELDS if values.get(k) is not None})
        await row.save()
        entry.object_id = row.id
    return row.id



async def update_establishment(actor: Actor, establishment_id: int, values: dict, version: int) -> None:
    _may_change(actor)
    problems = await name_problem(values, except_id=establishment_id)
    if problems:
        raise Refused(problems)
    changes = {getattr(Establishment, k): values.get(k) for k in ESTABLISHMENT_FIELDS}
    changes[Establishment.version] = version + 1
    async with change(actor, "establishment.update", object_type="establishment", object_id=establishment_id):
        updated = (
            await Establishment.update(changes)
            .where((Establishment.id == establishment_id) & (Establishment.version == version))
            .returning(Establishment.id)
        )
        if not updated:
            current = await Establishment.select().where(Establishment.id == establishment_id).first()
            raise Conflict(current or {})



async def set_establishment_active(actor: Actor, establishment_id: int, active: bool) -> None:
    """Establishments are deactivated, never deleted: their inspections stay."""
    _may_change(actor)
    action = "establishment.reactivate" if active else "establishment.deactivate"
    async with change(actor, action, object_type="establishment", object_id=establishment_id):
        await Establishment.update(
            {Establishment.active: active, Establishment.version: Establishment.version + 1}
        ).where(Establishment.id == establishment_id)



def choice_from(text: str, options: dict[str, str]) -> str | None:
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



async def import_establishments(actor: Actor, frame, filename: str = "") -> ImportResult:
    """Validate every row; save all of them in one transaction, or none if any row is bad."""
    _may_change(actor)
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
            chosen = choice_from(text, options)
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
    detail = f"created={len(result.rows)} file={filename}"
    async with change(actor, "establishment.import", object_type="establishment", detail=detail):
        await Establishment.insert(*[Establishment(**values) for values in result.rows])
    result.created = len(result.rows)
    return result
