"""Helpers for the inspections domain's tests."""

from __future__ import annotations

from datetime import date

from tests.support import make_establishment, make_inspection, make_user, run
from tracker.roles import Role

# A Friday end date: the week following ends Friday 21 March 2025 (the journey's date).
END = date(2025, 3, 14)
TODAY = date(2025, 3, 14)


def world() -> dict:
    """Two establishments, a user of every role (the establishment user at A), and one full
    inspection at each establishment, led by `leader` with `inspector` on A's team."""
    a = make_establishment("HMP Example")
    b = make_establishment("HMP Elsewhere", code="ELS")
    ids = {
        "leader": make_user("leader", Role.HMIP_TEAM_LEADER),
        "otherleader": make_user("otherleader", Role.HMIP_TEAM_LEADER),
        "inspector": make_user("inspector", Role.HMIP_INSPECTOR),
        "hmipmanager": make_user("hmipmanager", Role.HMIP_MANAGER),
        "scrutiny": make_user("scrutiny", Role.HMPPS_SCRUTINY),
        "hmppsmanager": make_user("hmppsmanager", Role.HMPPS_MANAGER),
        "governor": make_user("governor", Role.ESTABLISHMENT, establishment_ids=[a]),
        "admin": make_user("admin", Role.ADMIN),
    }
    inspection_a = make_inspection(a, end=END, team_leader_id=ids["leader"])
    inspection_b = make_inspection(b, end=END, team_leader_id=ids["leader"])
    add_team_member(inspection_a, ids["inspector"])
    return {"a": a, "b": b, "ia": inspection_a, "ib": inspection_b, **ids}


def add_team_member(inspection_id: int, user_id: int) -> None:
    from inspections.tables import InspectionTeamMember

    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=inspection_id, user=user_id)))


def save_note(inspection_id: int, text: str = "Safety concerns on C wing.", by: int | None = None) -> None:
    from inspections.tables import DebriefNote
    from tracker.clock import now_utc

    run(
        DebriefNote.insert(
            DebriefNote(inspection=inspection_id, text=text, recorded_by=by, recorded_at=now_utc())
        )
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ROLE_USERS = {
    Role.HMIP_TEAM_LEADER: "leader",
    Role.HMIP_INSPECTOR: "inspector",
    Role.HMIP_MANAGER: "hmipmanager",
    Role.HMPPS_SCRUTINY: "scrutiny",
    Role.HMPPS_MANAGER: "hmppsmanager",
    Role.ESTABLISHMENT: "governor",
    Role.ADMIN: "admin",
}
