"""Importing the inspection programme from CSV or XLSX: a dry run first (what would be created or
changed, and every row error), then, only when every row is good, one transaction that inserts or
updates the inspections and stores their milestones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from timelines.core.kinds import KIND_LABELS
from timelines.store import refresh_many
from timelines.tables import ProgrammeImport
from tracker import audit, spreadsheets, uploads
from tracker.access import allow, current
from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.roles import Role
from tracker.templating import render

MANAGERS = allow(Role.HMIP_MANAGER)
COLUMNS = {
    "establishment name": "establishment",
    "kind": "kind",
    "start date": "start",
    "end date": "end",
    "announced": "announced",
    "team leader username": "team_leader",
}
KINDS = {
    "full": "full",
    "full inspection": "full",
    "irp": "irp",
    "independent review of progress": "irp",
    "thematic": "thematic",
    "thematic review": "thematic",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
MAX_ROWS = 10_000
INSERT_CHUNK = 500
WRONG_TYPE = "The selected file must be a CSV or XLSX file"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; worded for the user."""


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    total: int = 0


# -- reading the file ------------------------------------------------------------------------------


def read_table(filename: str, content: bytes, *, limit_mb: int = 20) -> pd.DataFrame:
    """A table of strings from CSV or XLSX. tracker.uploads decides the type from the content (not
    the name) and refuses macros, zip bombs and renamed files."""
    try:
        checked = uploads.check_upload(
            content,
            uploads.SPREADSHEETS,
            limit_bytes=uploads.limit_bytes_for(limit_mb),
            limit_mb=limit_mb,
            filename=filename or None,
            wrong_type=WRONG_TYPE,
        )
        return uploads.read_table(content, checked.file_type, normalise=False)
    except uploads.UploadRefused as refused:
        if str(refused) == uploads.DAMAGED:
            raise ImportFileError(WRONG_TYPE) from refused
        raise ImportFileError(str(refused)) from refused


def _date(text: str) -> date | None:
    text = text.strip()
    for candidate in (text[:10], text):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            pass
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    return None


# -- checking --------------------------------------------------------------------------------------


async def check(table: pd.DataFrame) -> Checked:
    """Every row validated and matched to what exists: action create, change or unchanged."""
    from inspections.tables import Establishment, Inspection
    from tracker.tables import AppUser, UserRole

    headers = {str(c).strip().lower(): c for c in table.columns}
    missing = [title for title in COLUMNS if title not in headers]
    if missing:
        raise ImportFileError(
            "The file must have the columns: "
            + ", ".join(t.capitalize() for t in COLUMNS)
            + f" (missing: {', '.join(missing)})"
        )
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"The file must have {MAX_ROWS} rows or fewer")
    establishments = {
        r["name"].strip().lower(): r for r in await Establishment.select(Establishment.id, Establishment.name)
    }
    leaders = {}
    for user in await AppUser.select(AppUser.id, AppUser.username, AppUser.active):
        leaders[user["username"]] = user
    leader_roles = {
        r["user"]
        for r in await UserRole.select(UserRole.user).where(
            UserRole.role.is_in([Role.HMIP_TEAM_LEADER.value, Role.HMIP_MANAGER.value])
        )
    }
    existing = {
        (r["establishment"], r["kind"], r["start_date"]): r
        for r in await Inspection.select(
            Inspection.id,
            Inspection.establishment,
            Inspection.kind,
            Inspection.start_date,
            Inspection.end_date,
            Inspection.announced,
            Inspection.team_leader,
        )
    }
    result = Checked(total=len(table))
    seen: set[tuple] = set()
    for position, record in enumerate(table.to_dict("records")):
        number = position + 2  # the header is row 1
        values = {COLUMNS[title]: str(record[headers[title]] or "").strip() for title in COLUMNS}
        if not any(values.values()):
            continue
        problems = []
        establishment = establishments.get(values["establishment"].lower())
        if not values["establishment"]:
            problems.append("Enter the establishment name")
        elif establishment is None:
            problems.append(f"There is no establishment called {values['establishment']}")
        kind = KINDS.get(values["kind"].lower())
        if kind is None:
            problems.append("Kind must be full, irp or thematic")
        start, end = _date(values["start"]), _date(values["end"])
        if start is None:
            problems.append("Start date must be a real date, like 2026-03-14")
        if end is None:
            problems.append("End date must be a real date, like 2026-03-20")
        if start and end and end < start:
            problems.append("End date must be the same as or after the start date")
        announced_text = values["announced"].lower()
        if announced_text not in YES | NO:
            problems.append("Announced must be yes or no")
        leader_id = None
        if values["team_leader"]:
            leader = leaders.get(values["team_leader"].lower())
            if leader is None or not leader["active"]:
                problems.append(f"There is no active user called {values['team_leader']}")
            elif leader["id"] not in leader_roles:
                problems.append(f"{values['team_leader']} is not an HMIP team leader")
            else:
                leader_id = leader["id"]
        key = (establishment["id"] if establishment else None, kind, start)
        if not problems and key in seen:
            problems.append("This inspection is already on an earlier row")
        seen.add(key)
        if problems:
            result.errors.append({"row": number, "problems": problems})
            continue
        row = {
            "row": number,
            "establishment": establishment["id"],
            "establishment_name": establishment["name"],
            "kind": kind,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "announced": announced_text in YES,
            "team_leader": leader_id,
            "team_leader_username": values["team_leader"].lower(),
        }
        found = existing.get(key)
        if found is None:
            row["action"], row["inspection"], row["changes"] = "create", None, []
        else:
            changes = []
            if found["end_date"] != end:
                changes.append(f"end date {found['end_date'].isoformat()} to {end.isoformat()}")
            if bool(found["announced"]) != row["announced"]:
                changes.append("announced" if row["announced"] else "unannounced")
            if found["team_leader"] != leader_id:
                changes.append("team leader")
            row["action"] = "change" if changes else "unchanged"
            row["inspection"], row["changes"] = found["id"], changes
        result.rows.append(row)
    return result


async def apply(import_id: int) -> tuple[int, int] | None:
    """Create and change the inspections, with their milestones, in one transaction.

    None when the import was already applied (a double submit applies it once)."""
    from inspections.tables import Inspection

    created = changed = 0
    async with write_transaction(Inspection._meta.db):
        claimed = (
            await ProgrammeImport.update({ProgrammeImport.status: "applied"})
            .where(ProgrammeImport.id == import_id, ProgrammeImport.status == "checked")
            .returning(ProgrammeImport.rows)
        )
        if not claimed:
            return None
        rows = claimed[0]["rows"]
        rows = json.loads(rows) if isinstance(rows, str) else rows
        # New inspections go in with multi-row inserts, and every milestone of every inspection
        # created or changed is computed in one batch (refresh_many), not one at a time.
        new = [
            Inspection(
                establishment=row["establishment"],
                kind=row["kind"],
                start_date=date.fromisoformat(row["start"]),
                end_date=date.fromisoformat(row["end"]),
                announced=row["announced"],
                team_leader=row["team_leader"],
                created_at=now_utc(),
            )
            for row in rows
            if row["action"] == "create"
        ]
        touched: list[int] = []
        for start in range(0, len(new), INSERT_CHUNK):
            inserted = await Inspection.insert(*new[start : start + INSERT_CHUNK]).returning(Inspection.id)
            touched += [r["id"] for r in inserted]
        created = len(new)
        for row in rows:
            if row["action"] == "change":
                await Inspection.update(
                    {
                        Inspection.end_date: date.fromisoformat(row["end"]),
                        Inspection.announced: row["announced"],
                        Inspection.team_leader: row["team_leader"],
                        Inspection.version: Inspection.version + 1,
                    }
                ).where(Inspection.id == row["inspection"])
                touched.append(row["inspection"])
                changed += 1
        await refresh_many(touched, reason="programme import")
        await ProgrammeImport.update(
            {
                ProgrammeImport.created: created,
                ProgrammeImport.changed: changed,
                ProgrammeImport.applied_at: now_utc(),
            }
        ).where(ProgrammeImport.id == import_id)
    return created, changed


# -- pages -----------------------------------------------------------------------------------------


def _upload_page(request: Request, errors: dict) -> Template:
    return render(
        request, "timelines/programme_import.html", errors=errors, columns=[c.capitalize() for c in COLUMNS]
    )


@get("/programme/import", opt=MANAGERS)
async def import_form(request: Request) -> Template:
    return _upload_page(request, {})


@post("/programme/import", opt=MANAGERS)
async def import_upload(request: Request) -> Response:
    principal = current(request)
    form = await request.form()
    limit_mb = uploads.limit_mb_for(request)
    received = await uploads.read_upload(form.get("file"), uploads.limit_bytes_for(limit_mb))
    if received is None or not received[1]:
        return _upload_page(request, {"file": "Select a CSV or XLSX file"})
    content, filename = received
    try:
        checked = await check(await spreadsheets.off_loop(read_table, filename, content, limit_mb=limit_mb))
    except ImportFileError as error:
        return _upload_page(request, {"file": str(error)})
    except UnicodeDecodeError:
        return _upload_page(request, {"file": "The selected file must be a CSV or XLSX file"})
    record = ProgrammeImport(
        uploaded_by=principal.user_id,
        created_at=now_utc(),
        filename=filename,
        rows=checked.rows,
        errors=checked.errors,
        status="checked",
        total=checked.total,
        processed=checked.total,
    )
    await record.save()
    await audit.record(
        "programme.check",
        request=request,
        object_type="programme_import",
        object_id=record.id,
        detail=f"rows={checked.total} errors={len(checked.errors)}",
    )
    return Redirect(path=f"/programme/import/{record.id}")


async def _record(import_id: int) -> dict:
    record = (
        await ProgrammeImport.select().where(ProgrammeImport.id == import_id).output(load_json=True).first()
    )
    if record is None:
        raise NotFoundException("Page not found")
    return record


@get("/programme/import/{import_id:int}", opt=MANAGERS)
async def import_result(request: Request, import_id: FromPath[int]) -> Template:
    record = await _record(import_id)
    rows = record["rows"] if isinstance(record["rows"], list) else []
    summary = {
        action: sum(1 for r in rows if r["action"] == action) for action in ("create", "change", "unchanged")
    }
    return render(
        request,
        "timelines/programme_import_result.html",
        record=record,
        rows=rows,
        errors=record["errors"] or [],
        summary=summary,
        kinds=KIND_LABELS,
    )


@post("/programme/import/{import_id:int}/apply", opt=MANAGERS)
async def import_apply(request: Request, import_id: FromPath[int]) -> Response:
    record = await _record(import_id)
    if record["status"] != "checked" or record["errors"]:
        return Redirect(path=f"/programme/import/{import_id}")
    outcome = await apply(import_id)
    if outcome is None:
        return Redirect(path=f"/programme/import/{import_id}")
    created, changed = outcome
    await audit.record(
        "programme.import",
        request=request,
        object_type="programme_import",
        object_id=import_id,
        detail=f"created={created} changed={changed}",
    )
    return Redirect(path=f"/programme/import/{import_id}")


ROUTES = [import_form, import_upload, import_result, import_apply]
