"""A believable set of inspections on a fixed 'today' (Tuesday 25 March 2025) for the timelines pages.

HMP Example (Yorkshire): draft sent 4 March; the fact check is due today (Scrutiny Team).
HMP Leeds (Yorkshire): published 20 December; the action plan was due 20 March (establishment,
3 working days overdue); its other stages were done, some late.
HMP Pentonville (London): UN raised; letter sent 20 February, not published (HMIP, overdue) and
the Secretary of State's response was due 20 March (overdue); the draft is due 1 April (due soon).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests.support import make_establishment, make_inspection, make_user, record_fact, run
from tracker.roles import Role

TODAY = date(2025, 3, 25)


@dataclass
class World:
    example: int
    leeds: int
    pentonville: int
    inspection_example: int
    inspection_leeds: int
    inspection_pentonville: int
    users: dict[str, int]


USERS = {
    "lead": ([Role.HMIP_TEAM_LEADER], None, ""),
    "inspector": ([Role.HMIP_INSPECTOR], None, ""),
    "boss": ([Role.HMIP_MANAGER], None, ""),
    "sam": ([Role.HMPPS_SCRUTINY], None, ""),
    "pat": ([Role.HMPPS_MANAGER], None, ""),
    "yorks": ([Role.HMPPS_MANAGER], None, "Yorkshire"),
    "gov": ([Role.ESTABLISHMENT], "example", ""),
    "govleeds": ([Role.ESTABLISHMENT], "leeds", ""),
    "ada": ([Role.ADMIN], None, ""),
}
ROLE_USER = {
    Role.HMIP_TEAM_LEADER: "lead",
    Role.HMIP_INSPECTOR: "inspector",
    Role.HMIP_MANAGER: "boss",
    Role.HMPPS_SCRUTINY: "sam",
    Role.HMPPS_MANAGER: "pat",
    Role.ESTABLISHMENT: "gov",
    Role.ADMIN: "ada",
}


def set_email(username: str, email: str) -> None:
    from tracker.tables import AppUser

    run(AppUser.update({AppUser.email: email}).where(AppUser.username == username))


def add_team_member(inspection_id: int, user_id: int) -> None:
    from inspections.tables import InspectionTeamMember

    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=inspection_id, user=user_id)))


def build_world(emails: bool = False) -> World:
    example = make_establishment("HMP Example", prison_group="Yorkshire")
    leeds = make_establishment("HMP Leeds", prison_group="Yorkshire")
    pentonville = make_establishment("HMP Pentonville", prison_group="London")
    places = {"example": example, "leeds": leeds}
    users = {}
    for username, (roles, place, group) in USERS.items():
        users[username] = make_user(
            username, roles, establishment_ids=[places[place]] if place else [], prison_group=group
        )
        if emails:
            set_email(username, f"{username}@example.gov.uk")

    a = make_inspection(example, end=date(2025, 1, 24), team_leader_id=users["lead"])
    add_team_member(a, users["inspector"])
    for kind, day in [
        ("debrief_held", date(2025, 1, 24)),
        ("debrief_note_sent", date(2025, 1, 30)),
        ("draft_sent", date(2025, 3, 4)),
    ]:
        record_fact(a, kind, day, today=TODAY)

    b = make_inspection(leeds, end=date(2024, 10, 4), team_leader_id=users["boss"])
    for kind, day in [
        ("debrief_held", date(2024, 10, 4)),
        ("debrief_note_sent", date(2024, 10, 11)),
        ("draft_sent", date(2024, 11, 1)),
        ("factcheck_returned", date(2024, 11, 29)),  # late: due 22 November
        ("hmip_response_sent", date(2024, 12, 6)),
        ("press_release_shared", date(2024, 12, 18)),
        ("published", date(2024, 12, 20)),
    ]:
        record_fact(b, kind, day, today=TODAY)

    c = make_inspection(pentonville, end=date(2025, 2, 14), team_leader_id=None, urgent_notification=True)
    for kind, day in [
        ("debrief_held", date(2025, 2, 14)),
        ("debrief_note_sent", date(2025, 2, 20)),
        ("un_letter_sent", date(2025, 2, 20)),
    ]:
        record_fact(c, kind, day, today=TODAY)
    return World(example, leeds, pentonville, a, b, c, users)
