"""Helpers for the action plan tests: published inspections with recommendations, plans in any
state, and files of every kind (made here, in memory)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from tests.support import make_establishment, make_inspection, make_user, publish_report, run
from tracker.clock import today_london
from tracker.operations import Actor
from tracker.roles import Role

TODAY = today_london()
FUTURE = TODAY + timedelta(days=120)


def make_recommendations(inspection_id: int, count: int = 3) -> list[int]:
    from inspections.tables import Recommendation

    async def go():
        ids = []
        for n in range(1, count + 1):
            row = Recommendation(
                inspection=inspection_id,
                reference=f"R{n}",
                text=f"Recommendation number {n}: leaders should improve area {n}.",
                area=f"Area {n}",
                kind="recommendation" if n % 4 else "area_of_concern",
                position=n,
            )
            await row.save()
            ids.append(row.id)
        return ids

    return run(go())


def published_inspection(establishment_id: int, *, recs: int = 3, published_days_ago: int = 30, **fields):
    """An inspection whose report was published `published_days_ago` days ago, with recommendations."""
    end = TODAY - timedelta(days=published_days_ago + 100)
    inspection_id = make_inspection(establishment_id, end=end, **fields)
    publish_report(inspection_id, end, TODAY - timedelta(days=published_days_ago), today=TODAY)
    return inspection_id, make_recommendations(inspection_id, recs)


def start_plan(inspection_id: int, by: int | None = None) -> int:
    from actionplans.operations.workflow import start_plan as start

    return run(start(Actor.system("test", for_user=by), inspection_id))


def plan_row(plan_id: int) -> dict:
    from actionplans import queries

    return run(queries.plan_row(plan_id))


def fill_plan(plan_id: int, rec_ids: list[int], by: int | None = None) -> list[int]:
    """Agree every recommendation, one action each."""
    from actionplans.operations import rows
    from actionplans.services import ActionInput

    actor = Actor.system("test", for_user=by)
    action_ids = []
    for n, rec_id in enumerate(rec_ids, start=1):
        run(rows.save_response(actor, plan_id, rec_id, "agreed", "", ""))
        action_ids.append(
            run(
                rows.add_action(
                    actor,
                    plan_id,
                    rec_id,
                    ActionInput(f"Action {n} to fix it", "Head of Safety", FUTURE, "not_started"),
                    today=TODAY,
                )
            )
        )
    return action_ids


def set_status(plan_id: int, status: str) -> None:
    from actionplans.tables import ActionPlan

    run(ActionPlan.update({ActionPlan.status: status}).where(ActionPlan.id == plan_id))


def world(recs: int = 3) -> dict:
    """HMP Example with a published report and a started plan; HMP Other with its own; users of
    every role (the HMIP leader leads Example's inspection; the inspector is on its team)."""
    example = make_establishment("HMP Example", prison_group="Yorkshire")
    other = make_establishment("HMP Other", prison_group="London")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    inspector = make_user("inspector", Role.HMIP_INSPECTOR)
    inspection_id, rec_ids = published_inspection(example, recs=recs, team_leader_id=leader)
    from inspections.tables import InspectionTeamMember

    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=inspection_id, user=inspector)))
    other_inspection, other_recs = published_inspection(other, recs=2)
    users = {
        Role.HMIP_TEAM_LEADER: "leader",
        Role.HMIP_INSPECTOR: "inspector",
        Role.HMIP_MANAGER: "hmipmanager",
        Role.HMPPS_SCRUTINY: "scrutiny",
        Role.HMPPS_MANAGER: "hmppsmanager",
        Role.ESTABLISHMENT: "governor",
        Role.ADMIN: "admin",
    }
    make_user("hmipmanager", Role.HMIP_MANAGER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("hmppsmanager", Role.HMPPS_MANAGER, prison_group="Yorkshire")
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[example])
    make_user("otherguv", Role.ESTABLISHMENT, establishment_ids=[other])
    make_user("admin", Role.ADMIN)
    plan_id = start_plan(inspection_id, by=governor)
    other_plan = start_plan(other_inspection)
    return {
        "example": example,
        "other": other,
        "inspection": inspection_id,
        "recs": rec_ids,
        "plan": plan_id,
        "other_inspection": other_inspection,
        "other_recs": other_recs,
        "other_plan": other_plan,
        "users": users,
        "governor": governor,
    }


# ---------------------------------------------------------------- files made in memory


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = DOCX_TYPES.replace(
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
)


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>"})


def docm_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": DOCM_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"x" * 50,
        }
    )


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text", extra=None) -> bytes:
    entries = {
        "mimetype": mimetype,
        "content.xml": b"<office:document-content/>",
        "META-INF/manifest.xml": b"<manifest:manifest/>",
    }
    entries.update(extra or {})
    return zip_bytes(entries)


def pdf_bytes(body: bytes = b"") -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def exe_bytes() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS mode"
    )


def xlsx_with_rows(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    from actionplans.spreadsheet import COLUMNS, SHEET

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([name for name, _ in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fake_scanner(status: str):
    from tracker.scanning import ScanResult

    async def scan(content: bytes, *, database: str = "") -> ScanResult:
        return ScanResult(status, "Fake.Signature" if status == "infected" else "")

    return scan


def later(days: int = 60) -> date:
    return TODAY + timedelta(days=days)
