"""Two establishments, A and B, each with a full set of data made through the domains' services:
an inspection with its debrief and note (and a note file), a draft shared with the establishment,
accuracy points, data items and photographs; a published inspection with recommendations and an
action plan with responses, actions and a file; stored milestones. One user of every role; an
establishment user at each establishment.

Every free text of B's carries B's marker, so a test can look for any trace of it in a response.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from tests.support import (
    api_token,
    make_establishment,
    make_inspection,
    make_user,
    publish_report,
    record_fact,
    run,
)
from tracker.clock import today_london
from tracker.roles import Role
from tracker.tokens import token_hash

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

USERS = {
    Role.HMIP_TEAM_LEADER: "leader",
    Role.HMIP_INSPECTOR: "inspector",
    Role.HMIP_MANAGER: "hmipmanager",
    Role.HMPPS_SCRUTINY: "scrutiny",
    Role.HMPPS_MANAGER: "hmppsmanager",
    Role.ESTABLISHMENT: "governora",
    Role.ADMIN: "admin",
}


@dataclass
class Side:
    """One establishment's ids and the marker in all its texts."""

    marker: str
    name: str
    establishment: int = 0
    governor: int = 0
    ids: dict[str, list[int]] = field(default_factory=dict)

    def first(self, key: str) -> int:
        return self.ids[key][0]


@dataclass
class World:
    a: Side
    b: Side
    users: dict[Role, int] = field(default_factory=dict)
    users_by_name: dict[str, int] = field(default_factory=dict)
    today: date = field(default_factory=today_london)


def _working_days_ago(n: int) -> date:
    from timelines.core.calendar import WorkingCalendar

    return WorkingCalendar().add_working_days(today_london(), -n)


def _full_set(side: Side, users: dict[Role, int]) -> None:
    from actionplans.operations import files as plan_files
    from actionplans.operations import rows as plan_rows
    from actionplans.operations.workflow import start_plan
    from actionplans.services import ActionInput
    from factcheck.operations import data as fc_data
    from factcheck.operations import draft as fc_draft
    from factcheck.operations import photographs as fc_photos
    from factcheck.operations import points as fc_points
    from inspections.constants import HEALTHY_PRISON_TESTS
    from inspections.operations.debrief import DebriefInput, save_debrief
    from inspections.tables import Inspection, InspectionTeamMember, Recommendation
    from tracker.operations import Actor

    m = side.marker
    leader = users[Role.HMIP_TEAM_LEADER]
    scrutiny = users[Role.HMPPS_SCRUTINY]
    today = today_london()

    # 1. An inspection in fact check: debrief and note, draft shared, points, data, photographs.
    end = _working_days_ago(40)
    fc_id = make_inspection(
        side.establishment, end=end, team_leader_id=leader, title=f"{m} inspection title", today=today
    )
    run(InspectionTeamMember.insert(InspectionTeamMember(inspection=fc_id, user=users[Role.HMIP_INSPECTOR])))
    inspection = run(Inspection.select().where(Inspection.id == fc_id).first())
    run(
        save_debrief(
            Actor.system("test world", for_user=leader),
            inspection,
            DebriefInput(
                held_on=end,
                attendees=["governor", "pgd"],
                judgements={k: "2" for k in HEALTHY_PRISON_TESTS},
                note_text=f"{m} debrief note text",
            ),
            today=today,
            version=None,
            note_file=(f"{m}-note.pdf", "application/pdf", PDF, "clean"),
        )
    )
    record_fact(fc_id, "debrief_note_sent", end + timedelta(days=1), by=leader, today=today)

    def by(user_id: int) -> Actor:
        return Actor.system("test", for_user=user_id)

    run(fc_draft.record_draft(by(leader), fc_id, _working_days_ago(3), None, today=today))
    pdf = (f"{m}-draft.pdf", "application/pdf", PDF)
    run(fc_draft.store_draft_file(by(leader), fc_id, *pdf, scan_status="clean"))
    run(fc_draft.share_draft(by(scrutiny), fc_id))
    points = []
    for proposal in (False, True):
        point = run(
            fc_points.add_point(
                by(side.governor if proposal else scrutiny),
                fc_id,
                {
                    "location": f"{m} 3.12",
                    "category": "data",
                    "current_text": f"{m} current text",
                    "proposed_correction": f"{m} correction",
                    "evidence": f"{m} evidence",
                },
                proposal=proposal,
            )
        )
        points.append(point["id"])
    item = run(
        fc_data.add_data_item(
            by(leader),
            fc_id,
            {"description": f"{m} data item", "source": "hub", "report_section": f"{m} section"},
            _working_days_ago(2),
            today=today,
        )
    )
    photo = run(
        fc_photos.add_photograph(
            by(leader), fc_id, f"{m} photo caption", "nobody_identifiable", True, PNG, "png"
        )
    )

    # 2. A published inspection with recommendations and an action plan.
    pub_end = today - timedelta(days=160)
    pub_id = make_inspection(
        side.establishment, end=pub_end, team_leader_id=leader, title=f"{m} published title", today=today
    )
    publish_report(pub_id, pub_end, today - timedelta(days=40), today=today)
    recs = []
    for n in (1, 2):
        row = Recommendation(
            inspection=pub_id, reference=f"R{n}", text=f"{m} recommendation {n}", area=f"{m} area", position=n
        )
        run(row.save())
        recs.append(row.id)
    governor = Actor.system("world", for_user=side.governor)
    plan_id = run(start_plan(governor, pub_id))
    actions = []
    for rec in recs:
        run(plan_rows.save_response(governor, plan_id, rec, "agreed", "", ""))
        actions.append(
            run(
                plan_rows.add_action(
                    governor,
                    plan_id,
                    rec,
                    ActionInput(f"{m} action", f"{m} owner", today + timedelta(days=90), "not_started"),
                    today=today,
                )
            )
        )
    # What the upload check would have said of this PDF (the check itself is tested elsewhere).
    checked = SimpleNamespace(file_type="pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest())
    stored = run(
        plan_files.upload_file(governor, plan_id, content=PDF, checked=checked, original_name=f"{m}-plan.pdf")
    )
    side.ids = {
        "inspection_id": [fc_id, pub_id],
        "establishment_id": [side.establishment],
        "point_id": points,
        "item_id": [item["id"]],
        "photo_id": [photo["id"]],
        "plan_id": [plan_id],
        "action_id": actions,
        "recommendation_id": recs,
        "file_id": [stored["id"]],
        "user_id": [side.governor],
        "token_id": [_api_token_id(side.governor)],
    }


def _api_token_id(user_id: int) -> int:
    from tracker.sessions import create_api_token
    from tracker.tables import ApiToken

    token = run(create_api_token(user_id, "world"))
    return run(ApiToken.select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)).first())["id"]


def build_world() -> World:
    a = Side(marker="ALPHAMARK", name="HMP Alphaton")
    b = Side(marker="BRAVOMARK", name="HMP Bravoshire")
    a.establishment = make_establishment(a.name, code="ALP", prison_group="Yorkshire")
    b.establishment = make_establishment(b.name, code="BRV", prison_group="London")
    world = World(a=a, b=b)
    for role, username in USERS.items():
        world.users[role] = make_user(
            username, role, establishment_ids=[a.establishment] if role == Role.ESTABLISHMENT else []
        )
    world.users_by_name = {USERS[role]: user_id for role, user_id in world.users.items()}
    a.governor = world.users[Role.ESTABLISHMENT]
    b.governor = make_user("governorb", Role.ESTABLISHMENT, establishment_ids=[b.establishment])
    _full_set(a, world.users)
    _full_set(b, world.users)
    return world


def token_for(username: str) -> str:
    return api_token(username)
