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


# Every operation that takes the plan from one state: (call, the state it needs, who may).
def _moves(w):
    return {
        "submit": (lambda a: workflow.submit(a, w["plan"], today=TODAY), "draft", "governor"),
        "return": (lambda a: workflow.review(a, w["plan"], "return", "Add owners"), "submitted", "scrutiny"),
        "accept": (lambda a: workflow.review(a, w["plan"], "accept", ""), "submitted", "scrutiny"),
        "clear": (lambda a: workflow.clear(a, w["plan"]), "accepted", "hmppsmanager"),
        "publish": (
            lambda a: workflow.publish(a, w["plan"], url="https://example.org/plan", on=TODAY, today=TODAY),
            "cleared",
            "scrutiny",
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


@pytest.mark.parametrize("move", ["submit", "return", "accept", "clear", "publish", "progress"])
def test_each_move_is_refused_in_every_other_state_and_to_every_other_person(w, move):
    call, needs, who = _moves(w)[move]
    for state in ("draft", "submitted", "returned", "accepted", "cleared", "published"):
        if state == needs or (move == "submit" and state == "returned"):
            continue
        set_status(w["plan"], state)
        with pytest.raises(Refused) as refused:
            run(call(person(who)))
        assert refused.value.state, (move, state)
        assert status(w["plan"]) == state
    set_status(w["plan"], needs)
    for other in ("leader", "inspector", "hmipmanager", "admin", "otherguv", "governor", "scrutiny"):
        if other == who or (move == "publish" and other == "hmppsmanager"):
            continue
        with pytest.raises(Denied):
            run(call(person(other)))
        assert status(w["plan"]) == needs
    assert audit_rows("denied")
    run(call(person(who)))
    assert status(w["plan"]) != needs or move == "progress"


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
    set_status(w["plan"], "accepted")
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
    set_status(w["plan"], "published")
    with pytest.raises(Refused) as refused:
        run(rows.remove_action(governor, w["plan"], first_action(w)))
    assert refused.value.state and "before the plan is submitted" in refused.value.message
    set_status(w["plan"], "returned")
    run(rows.remove_action(governor, w["plan"], first_action(w)))
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
