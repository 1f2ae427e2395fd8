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


def by(user_id: int):
    """The system acting for a user, as the demo data and commands do (no policy check)."""
    from tracker.operations import Actor

    return Actor.system("test", for_user=user_id)


def inspection_row(inspection_id: int) -> dict:
    from factcheck.queries import inspection_row as row

    return run(row(inspection_id))


def record_draft(inspection_id: int, sent_on: date, user: int, indicative: date | None = None) -> None:
    from factcheck.operations.draft import record_draft as record

    run(record(by(user), inspection_id, sent_on, indicative, today=today()))


def add_point(inspection_id: int, user: int, *, proposal: bool = False, **values) -> dict:
    from factcheck.operations.points import add_point as add

    fields = {"location": "3.12", "category": "data", "proposed_correction": "It was 41, not 14"} | values
    return run(add(by(user), inspection_id, fields, proposal=proposal))


def submit_return(inspection_id: int, user: int, returned_on: date, content: str = "yes") -> None:
    from factcheck.operations import returns

    run(returns.save_return_details(by(user), inspection_id, returned_on, content, "", today=today()))
    run(returns.submit_return(by(user), inspection_id, today=today()))


def answer(inspection_id: int, point: dict, user: int, decision: str = "accepted", reason: str = "") -> None:
    from factcheck.operations.answers import answer_point

    run(answer_point(by(user), inspection_id, point["id"], point["version"], decision, False, reason))


def add_data_item(
    inspection_id: int, user: int, source: str = "hub", notified_on: date | None = None
) -> dict:
    from factcheck.operations.data import add_data_item as add

    values = {
        "description": "Use of force incidents, last 12 months",
        "source": source,
        "report_section": "Safety",
    }
    return run(add(by(user), inspection_id, values, notified_on, today=today()))


def add_photo(inspection_id: int, user: int, image: bytes | None = PNG) -> dict:
    from factcheck.operations.photographs import add_photograph

    return run(
        add_photograph(
            by(user),
            inspection_id,
            "Cell on A wing",
            "nobody_identifiable",
            True,
            image,
            "png" if image else "",
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
    from factcheck.operations import draft
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
            draft.store_draft_file(
                by(leader), inspection, "draft.pdf", "application/pdf", PDF, scan_status="clean"
            )
        )
        if share:
            run(draft.share_draft(by(scrutiny), inspection))
        return inspection

    world.full = fact_check(est)
    world.irp = fact_check(est, "irp")
    world.thematic = fact_check(est, "thematic")
    world.unshared = fact_check(est, share=False)
    world.other = fact_check(other_est)
    for name in ("full", "irp", "thematic", "unshared", "other"):
        inspection = getattr(world, name)
        point = add_point(inspection, scrutiny)
        proposal = add_point(
            inspection, governor if name != "other" else scrutiny, proposal=True, location="Page 4"
        )
        item = add_data_item(inspection, leader, notified_on=working_days_ago(2))
        photo = add_photo(inspection, leader)
        world.ids[name] = {
            "i": inspection,
            "p": point["id"],
            "pp": proposal["id"],
            "d": item["id"],
            "ph": photo["id"],
        }
    return world
