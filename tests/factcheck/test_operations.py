"""The fact check's operations, called directly (no HTTP): who may (Denied, audited, nothing
written), every input problem at once (Refused), the state (Refused state=True), the history
(record_event refuses what cannot have happened), versions (Conflict), and the audit row written
with the change."""

import pytest

import factcheck.policy
import inspections.policy
from factcheck import queries
from factcheck.operations import answers, data, draft, photographs, points, publication, returns
from tests.factcheck.helpers import add_data_item, add_photo, add_point, record_draft, today, working_days_ago
from tests.support import audit_rows, make_establishment, make_inspection, make_user, run
from tracker import policy
from tracker.operations import Actor, Conflict, Denied, Refused
from tracker.principal import Principal
from tracker.roles import Role

policy.register(inspections.policy.POLICY)
policy.register(factcheck.policy.POLICY)


def _as(user_id: int, role: Role, establishment: int | None = None) -> Actor:
    ids = frozenset({establishment}) if establishment else frozenset()
    return Actor(Principal(user_id, f"u{user_id}", "Someone", frozenset({role}), establishment_ids=ids))


@pytest.fixture
def fc(db):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    return {
        "i": inspection,
        "est": est,
        "leader": _as(leader, Role.HMIP_TEAM_LEADER),
        "scrutiny": _as(scrutiny, Role.HMPPS_SCRUTINY),
        "governor": _as(governor, Role.ESTABLISHMENT, est),
        "ids": {"leader": leader, "scrutiny": scrutiny},
    }


def test_a_fact_not_theirs_to_record_is_denied_audited_and_not_written(fc):
    with pytest.raises(Denied):
        run(draft.record_draft(fc["scrutiny"], fc["i"], working_days_ago(3), None, today=today()))
    assert run(queries.events_for(fc["i"])) == []
    assert [r["detail"] for r in audit_rows("denied")] == ["factcheck.draft_sent"]
    assert audit_rows("factcheck.draft_sent") == []


def test_the_establishment_cannot_propose_before_the_draft_is_shared(fc):
    record_draft(fc["i"], working_days_ago(3), fc["ids"]["leader"])
    values = {"location": "3.1", "category": "data", "proposed_correction": "41"}
    with pytest.raises(Denied):
        run(points.add_point(fc["governor"], fc["i"], values))
    run(draft.share_draft(fc["scrutiny"], fc["i"]))
    proposal = run(points.add_point(fc["governor"], fc["i"], values))
    assert (proposal["origin"], proposal["state"]) == ("establishment", "proposed")
    assert audit_rows("factcheck.draft_shared")[0]["object_id"] == str(fc["i"])


def test_every_input_problem_is_given_at_once(fc):
    with pytest.raises(Refused) as refused:
        run(data.add_data_item(fc["leader"], fc["i"], {}, working_days_ago(-5), today=today()))
    assert set(refused.value.errors) == {"description", "source", "report_section", "notified"}
    with pytest.raises(Refused) as refused:
        run(
            publication.record_publication(
                fc["leader"], fc["i"], working_days_ago(-2), "javascript:x", today=today()
            )
        )
    assert set(refused.value.errors) == {"published", "link"}
    assert refused.value.errors["link"].startswith("Enter the link in the correct format")


def test_answers_wait_for_the_return(fc):
    record_draft(fc["i"], working_days_ago(3), fc["ids"]["leader"])
    point = add_point(fc["i"], fc["ids"]["scrutiny"])
    with pytest.raises(Refused) as refused:
        run(answers.answer_point(fc["leader"], fc["i"], point["id"], point["version"], "accepted", False, ""))
    assert refused.value.state and refused.value.errors == {
        "decision": "The fact check has not been returned yet"
    }


def test_a_history_that_cannot_have_happened_is_refused_by_the_workflow(fc):
    with pytest.raises(Refused) as refused:
        run(publication.record_press_release(fc["leader"], fc["i"], working_days_ago(45), today=today()))
    assert "shared" in refused.value.errors
    assert audit_rows("factcheck.press_release_shared") == []


def test_a_stale_version_is_a_conflict_with_what_is_there_now(fc):
    photo = add_photo(fc["i"], fc["ids"]["leader"])
    run(
        photographs.respond_to_photograph(
            fc["scrutiny"], fc["i"], photo["id"], "objection", "A key", version=1
        )
    )
    with pytest.raises(Conflict) as conflict:
        run(
            photographs.respond_to_photograph(
                fc["scrutiny"], fc["i"], photo["id"], "no_objection", "", version=1
            )
        )
    assert conflict.value.current["objection_reason"] == "A key"
    assert run(queries.photograph(fc["i"], photo["id"]))["response"] == "objection"
    item = add_data_item(fc["i"], fc["ids"]["leader"], source="fieldwork", notified_on=working_days_ago(2))
    respond = data.respond_to_data_item
    run(respond(fc["scrutiny"], fc["i"], item["id"], "consent", "", "", today(), today=today(), version=1))
    with pytest.raises(Conflict):
        run(
            respond(
                fc["scrutiny"], fc["i"], item["id"], "objection", "No", "", today(), today=today(), version=1
            )
        )
    assert run(queries.data_item(fc["i"], item["id"]))["response"] == "consent"


def test_the_return_details_conflict_when_someone_saved_them_first(fc):
    record_draft(fc["i"], working_days_ago(3), fc["ids"]["leader"])
    save = returns.save_return_details
    run(save(fc["scrutiny"], fc["i"], working_days_ago(1), "yes", "", today=today(), version=0))
    with pytest.raises(Conflict) as conflict:
        run(save(fc["scrutiny"], fc["i"], working_days_ago(1), "no", "Later", today=today(), version=0))
    assert conflict.value.current["content_to_publish"] == "yes"
    assert audit_rows("factcheck.return_details")[0]["object_id"] == str(fc["i"])
