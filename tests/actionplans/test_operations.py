"""The action plan operations without HTTP: who may (Denied, audited), every input problem at
once, the plan's state (Refused state=True), versions (Conflict), and each change written whole
or not at all."""

import pytest

from actionplans import queries
from actionplans.operations import files, rows, workflow
from actionplans.services import ActionInput
from inspections.tables import InspectionEvent
from tests.actionplans.helpers import FUTURE, TODAY, fill_plan, pdf_bytes, plan_row, run, set_status, world
from tests.support import audit_rows
from tracker import policy
from tracker.operations import Actor, Conflict, Denied, Refused
from tracker.roles import Role

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def registered():
    import actionplans.policy
    import inspections.policy

    policy.register(inspections.policy.POLICY)
    policy.register(actionplans.policy.POLICY)


def person(username: str) -> Actor:
    from tracker.sessions import load_principal
    from tracker.users import user_id_for

    return Actor(run(load_principal(run(user_id_for(username)))))


@pytest.fixture
def w(db):
    found = world()
    fill_plan(found["plan"], found["recs"])
    return found


def status(plan_id: int) -> str:
    return plan_row(plan_id)["status"]


def received_facts(inspection_id: int) -> list[dict]:
    return run(
        InspectionEvent.select()
        .where(InspectionEvent.inspection == inspection_id, InspectionEvent.kind == "action_plan_received")
        .output(load_json=True)
    )


STATES = ("draft", "submitted", "returned", "accepted", "cleared", "available", "published")
# The plan's stages in order (MoU ¶37): the state each move ends in, its operation and its party.
STAGES = {
    "submitted": (lambda plan: lambda a: workflow.submit(a, plan, today=TODAY), "governor"),
    "accepted": (lambda plan: lambda a: workflow.review(a, plan, "accept", "", today=TODAY), "scrutiny"),
    "cleared": (lambda plan: lambda a: workflow.clear(a, plan, today=TODAY), "hmppsmanager"),
    "available": (lambda plan: lambda a: workflow.make_available(a, plan, today=TODAY), "scrutiny"),
    "published": (
        lambda plan: lambda a: workflow.publish(a, plan, url="https://example.org/plan", on=TODAY, today=TODAY),
        "hmipmanager",
    ),
}


def reach(plan_id: int, state: str) -> None:
    """Walk the plan to `state` through the operations, as the people who take each stage."""
    if state == "returned":
        reach(plan_id, "submitted")
        run(workflow.review(person("scrutiny"), plan_id, "return", "Add owners"))
        return
    for stage, (call, who) in STAGES.items():
        if status(plan_id) == state:
            return
        run(call(plan_id)(person(who)))
        if stage == state:
            return


# Every operation that takes the plan from one state: (call, the state it needs, who may).
def _moves(w):
    return {
        "submit": (lambda a: workflow.submit(a, w["plan"], today=TODAY), "draft", "governor"),
        "return": (lambda a: workflow.review(a, w["plan"], "return", "Add owners"), "submitted", "scrutiny"),
        "accept": (lambda a: workflow.review(a, w["plan"], "accept", ""), "submitted", "scrutiny"),
        "clear": (lambda a: workflow.clear(a, w["plan"]), "accepted", "hmppsmanager"),
        "make_available": (lambda a: workflow.make_available(a, w["plan"], today=TODAY), "cleared", "scrutiny"),
        "publish": (
            lambda a: workflow.publish(a, w["plan"], url="https://example.org/plan", on=TODAY, today=TODAY),
            "available",
            "hmipmanager",
        ),
        "progress": (
            lambda a: rows.record_progress(
                a, w["plan"], first_action(w), on=TODAY, status="in_progress", note="Started", today=TODAY
            ),
            "published",
            "governor",
        ),
    }


def first_action(w) -> int:
    detail = run(queries.plan_detail(plan_row(w["plan"]), today=TODAY))
    return detail["items"][0]["actions"][0]["id"]


MOVES = ["submit", "return", "accept", "clear", "make_available", "publish", "progress"]


@pytest.mark.parametrize("move", MOVES)
def test_each_move_is_refused_in_every_other_state_and_to_every_other_person(w, move):
    call, needs, who = _moves(w)[move]
    reach(w["plan"], needs)
    # The team leader of the inspection records HMIP's publication too (the workflow's HMIP party).
    takes_it = {who, "leader"} if move == "publish" else {who}
    for other in ("leader", "inspector", "hmipmanager", "admin", "otherguv", "governor", "scrutiny", "hmppsmanager"):
        if other in takes_it:
            continue
        with pytest.raises(Denied):
            run(call(person(other)))
        assert status(w["plan"]) == needs
    assert audit_rows("denied")
    run(call(person(who)))
    assert status(w["plan"]) != needs or move == "progress"
    for state in STATES:
        if state == needs or (move == "submit" and state == "returned"):
            continue
        set_status(w["plan"], state)
        with pytest.raises(Refused) as refused:
            run(call(person(who)))
        assert refused.value.state, (move, state)
        assert status(w["plan"]) == state


def stage_facts(inspection_id: int) -> dict[str, dict]:
    from tracker.tables import AppUser

    rows = run(
        InspectionEvent.select(
            InspectionEvent.kind,
            InspectionEvent.occurred_on,
            InspectionEvent.recorded_by,
        ).where(InspectionEvent.inspection == inspection_id, InspectionEvent.kind.like("action_plan_%"))
    )
    names = {u["id"]: u["username"] for u in run(AppUser.select(AppUser.id, AppUser.username))}
    return {r["kind"]: {"on": r["occurred_on"], "by": names.get(r["recorded_by"])} for r in rows}


def test_each_stage_is_a_fact_with_who_and_when_and_only_available_meets_the_milestone(w):
    """MoU ¶37: submitted, quality-assured, cleared, available, published on HMIP's website."""
    from tests.support import stored_milestones

    expected = {}
    for state, (call, who) in STAGES.items():
        run(call(w["plan"])(person(who)))
        assert status(w["plan"]) == state
        fact = {
            "submitted": "action_plan_received",
            "accepted": "action_plan_quality_assured",
            "cleared": "action_plan_cleared",
            "available": "action_plan_available",
            "published": "action_plan_published",
        }[state]
        expected[fact] = {"on": TODAY, "by": who}
        assert stage_facts(w["inspection"]) == expected
        milestone = stored_milestones(w["inspection"])["action_plan"]["status"]
        if state in ("submitted", "accepted", "cleared"):
            assert milestone in ("not_yet_due", "due_soon", "due_today"), (state, milestone)
        else:
            assert milestone == "done_on_time", (state, milestone)
    for action in ("actionplan.submit", "actionplan.accepted", "actionplan.cleared", "actionplan.available",
                   "actionplan.published"):
        assert audit_rows(action), action


def test_the_team_leader_of_the_inspection_may_record_publication(w):
    reach(w["plan"], "available")
    run(workflow.publish(person("leader"), w["plan"], url="https://example.org/plan", on=TODAY, today=TODAY))
    assert status(w["plan"]) == "published"
    assert stage_facts(w["inspection"])["action_plan_published"]["by"] == "leader"


def test_a_stage_the_inspection_history_refuses_leaves_the_plan_where_it_was(w):
    """A plan moved to "cleared" by hand, with no quality assurance on record: making it available
    is refused by the inspection's workflow (no availability before clearance), and the plan's
    move is rolled back with it."""
    reach(w["plan"], "submitted")
    set_status(w["plan"], "cleared")
    with pytest.raises(Refused) as refused:
        run(workflow.make_available(person("scrutiny"), w["plan"], today=TODAY))
    assert refused.value.state
    assert status(w["plan"]) == "cleared" and "action_plan_available" not in stage_facts(w["inspection"])


def test_the_first_submission_records_the_fact_in_the_same_change(w):
    run(workflow.submit(person("governor"), w["plan"], today=TODAY))
    assert status(w["plan"]) == "submitted"
    [fact] = received_facts(w["inspection"])
    assert fact["occurred_on"] == TODAY and fact["detail"]["action_plan"] == w["plan"]
    assert audit_rows("actionplan.submit")


def test_only_the_party_the_workflow_names_for_the_fact_may_submit(w):
    """The action_plan_received fact is the establishment's to record (timelines' workflow)."""
    for username in ("scrutiny", "hmppsmanager", "leader", "otherguv"):
        with pytest.raises(Denied):
            run(workflow.submit(person(username), w["plan"], today=TODAY))
    assert status(w["plan"]) == "draft" and received_facts(w["inspection"]) == []


def test_a_plan_for_a_report_never_published_cannot_be_submitted(db):
    """A plan row for an unpublished report (it cannot be started through the operation): the
    inspection's workflow refuses the fact, and the plan's move is rolled back with it."""
    from actionplans.tables import ActionPlan
    from tests.actionplans.helpers import make_recommendations
    from tests.support import make_establishment, make_inspection, make_user

    est = make_establishment("HMP Example")
    make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection = make_inspection(est, end=TODAY)
    recs = make_recommendations(inspection, 1)
    plan = ActionPlan(inspection=inspection, establishment=est, status="draft")
    run(plan.save())
    fill_plan(plan.id, recs)
    with pytest.raises(Refused) as refused:
        run(workflow.submit(person("governor"), plan.id, today=TODAY))
    assert refused.value.state and "submit" in refused.value.errors
    assert status(plan.id) == "draft" and received_facts(inspection) == []


def test_a_move_that_fails_half_way_leaves_nothing_behind(w):
    """Clearance writes the state and the plan's history line together: when the second write
    fails (the history names a user who does not exist), the state is not changed either."""
    reach(w["plan"], "accepted")
    with pytest.raises(Exception):  # noqa: B017 - the database's own error
        run(workflow.clear(Actor.system("test", for_user=987654), w["plan"], "Cleared"))
    assert status(w["plan"]) == "accepted"
    assert "cleared" not in [e["kind"] for e in run(queries.events(w["plan"]))]


def test_every_problem_with_an_action_is_given_at_once(w):
    values = ActionInput("", "someone@example.org", TODAY, "done")
    with pytest.raises(Refused) as refused:
        run(rows.add_action(person("governor"), w["plan"], w["recs"][0], values, today=TODAY))
    assert set(refused.value.errors) == {"description", "owner", "target_date", "status"}
    assert not refused.value.state


def test_a_change_to_an_action_someone_else_changed_first_is_a_conflict(w):
    action_id = first_action(w)
    governor = person("governor")
    values = ActionInput("Mine", "Head of Safety", FUTURE, "in_progress")
    run(rows.update_action(governor, w["plan"], action_id, values, expected_version=1, today=TODAY))
    with pytest.raises(Conflict) as conflict:
        run(rows.update_action(governor, w["plan"], action_id, values, expected_version=1, today=TODAY))
    assert conflict.value.current["description"] == "Mine" and conflict.value.current["version"] == 2


def test_actions_are_removed_only_while_the_establishment_holds_the_plan(w):
    governor = person("governor")
    for state in ("submitted", "accepted", "cleared", "available", "published"):
        set_status(w["plan"], state)
        with pytest.raises(Refused) as refused:
            run(rows.remove_action(governor, w["plan"], first_action(w)))
        assert refused.value.state and "before the plan is submitted" in refused.value.message
    set_status(w["plan"], "returned")
    for other in ("scrutiny", "hmppsmanager", "otherguv", "hmipmanager"):
        with pytest.raises(Denied):
            run(rows.remove_action(person(other), w["plan"], first_action(w)))
    removed = first_action(w)
    run(rows.remove_action(governor, w["plan"], removed))
    assert run(queries.get_action(w["plan"], removed)) is None
    assert audit_rows("actionplan.action.delete")


def test_a_file_is_not_kept_while_hmpps_has_the_plan(w, monkeypatch):
    from actionplans.uploads import check_upload
    from tests.actionplans.helpers import fake_scanner
    from tracker import scanning

    monkeypatch.setattr(scanning, "SCANNER", fake_scanner(scanning.CLEAN))
    content = pdf_bytes()
    checked = check_upload(content, limit_bytes=10**6)
    set_status(w["plan"], "submitted")
    with pytest.raises(Refused):
        run(
            files.upload_file(
                person("governor"), w["plan"], content=content, checked=checked, original_name="a.pdf"
            )
        )
    assert run(queries.files(w["plan"])) == []
    set_status(w["plan"], "draft")
    stored = run(
        files.upload_file(
            person("governor"), w["plan"], content=content, checked=checked, original_name="a.pdf"
        )
    )
    assert stored["scan_status"] == scanning.CLEAN
    assert audit_rows("actionplan.file.upload") and audit_rows("actionplan.file.scan")
