"""Helpers for the factcheck tests: dates relative to today, and a ready-made fact check."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from tests.support import make_establishment, make_inspection, make_user, run
from tracker.clock import today_london
from tracker.roles import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

USERNAMES = {
    Role.HMIP_TEAM_LEADER: "leader",
    Role.HMIP_INSPECTOR: "inspector",
    Role.HMIP_MANAGER: "hmipmanager",
    Role.HMPPS_SCRUTINY: "scrutiny",
    Role.HMPPS_MANAGER: "hmppsmanager",
    Role.ESTABLISHMENT: "governor",
    Role.ADMIN: "admin",
}


def calendar():
    from timelines.core.calendar import WorkingCalendar

    return WorkingCalendar()


def today() -> date:
    return today_london()


def working_days_ago(n: int) -> date:
    return calendar().add_working_days(today(), -n)


def inspection_row(inspection_id: int) -> dict:
    from factcheck.permissions import inspection_row as row

    return run(row(inspection_id))


def record_draft(inspection_id: int, sent_on: date, by: int, indicative: date | None = None) -> None:
    from factcheck import services

    run(services.record_draft(inspection_row(inspection_id), sent_on, indicative, by=by, today=today()))


def add_point(inspection_id: int, by: int, *, proposal: bool = False, **values) -> dict:
    from factcheck import services

    fields = {"location": "3.12", "category": "data", "proposed_correction": "It was 41, not 14"} | values
    point, errors = run(services.add_point(inspection_id, fields, by=by, proposal=proposal))
    assert not errors, errors
    return point


def submit_return(inspection_id: int, by: int, returned_on: date, content: str = "yes") -> None:
    from factcheck import services

    run(services.save_return_details(inspection_id, returned_on, content, "", today=today()))
    run(services.submit_return(inspection_id, by=by, today=today()))


def answer(inspection_id: int, point: dict, by: int, decision: str = "accepted", reason: str = "") -> None:
    from factcheck import services

    run(services.answer_point(inspection_id, point["id"], point["version"], decision, False, reason, by=by))


def add_data_item(inspection_id: int, by: int, source: str = "hub", notified_on: date | None = None) -> dict:
    from factcheck import services

    values = {
        "description": "Use of force incidents, last 12 months",
        "source": source,
        "report_section": "Safety",
    }
    return run(services.add_data_item(inspection_id, values, notified_on, by=by, today=today()))


def add_photo(inspection_id: int, by: int, image: bytes | None = PNG) -> dict:
    from factcheck import services

    return run(
        services.add_photograph(
            inspection_id,
            "Cell on A wing",
            "nobody_identifiable",
            True,
            image,
            "png" if image else "",
            by=by,
            scan_status="clean" if image else "",
        )
    )


def xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class World:
    """Users of every role and fact checks at two establishments (drafts shared)."""

    est: int
    other_est: int
    users: dict = field(default_factory=dict)
    full: int = 0
    irp: int = 0
    thematic: int = 0
    unshared: int = 0
    other: int = 0
    ids: dict = field(default_factory=dict)


def build_world(*, shared: bool = True) -> World:
    from factcheck import services
    from inspections.tables import InspectionTeamMember

    est = make_establishment("HMP Example")
    other_est = make_establishment("HMP Elsewhere", code="ELS")
    world = World(est=est, other_est=other_est)
    for role, username in USERNAMES.items():
        world.users[role] = make_user(
            username, role, establishment_ids=[est] if role == Role.ESTABLISHMENT else []
        )
    leader = world.users[Role.HMIP_TEAM_LEADER]
    scrutiny = world.users[Role.HMPPS_SCRUTINY]
    governor = world.users[Role.ESTABLISHMENT]

    def fact_check(establishment: int, kind: str = "full", share: bool = True) -> int:
        end = working_days_ago(40 if kind != "irp" else 12)
        inspection = make_inspection(establishment, kind=kind, end=end, team_leader_id=leader)
        run(
            InspectionTeamMember.insert(
                InspectionTeamMember(inspection=inspection, user=world.users[Role.HMIP_INSPECTOR])
            )
        )
        record_draft(inspection, working_days_ago(3), leader)
        run(
            services.store_draft_file(
                inspection, "draft.pdf", "application/pdf", PDF, by=leader, scan_status="clean"
            )
        )
        if share:
            run(services.share_draft(inspection, by=scrutiny))
        return inspection

    world.full = fact_check(est)
    world.irp = fact_check(est, "irp")
    world.thematic = fact_check(est, "thematic")
    world.unshared = fact_check(est, share=False)
    world.other = fact_check(other_est)
    for name in ("full", "irp", "thematic", "unshared", "other"):
        inspection = getattr(world, name)
        point = add_point(inspection, scrutiny)
        add_point(inspection, governor if name != "other" else scrutiny, proposal=True, location="Page 4")
        item = add_data_item(inspection, leader, notified_on=working_days_ago(2))
        photo = add_photo(inspection, leader)
        world.ids[name] = {"i": inspection, "p": point["id"], "d": item["id"], "ph": photo["id"]}
    return world
