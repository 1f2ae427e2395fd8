"""The JSON API: the same rules as the pages; writes need a personal API token."""

import pytest

from tests.factcheck.helpers import (
    USERNAMES,
    add_point,
    build_world,
    by,
    submit_return,
    today,
    working_days_ago,
)
from tests.support import run
from tracker.roles import Role


def _token(username: str) -> dict:
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    return {"Authorization": f"Bearer {run(create_api_token(run(user_id_for(username))))}"}


def test_read_and_write_the_fact_check_through_the_api(client):
    world = build_world()
    base = f"/api/v1/inspections/{world.full}"
    scrutiny = _token("scrutiny")
    leader = _token("leader")
    body = client.get(f"{base}/factcheck", headers=scrutiny).json()
    assert body["draft"]["shared_with_establishment"] is True
    assert body["fact_check_rule"].endswith("MoU ¶32")
    assert [p["state"] for p in body["points"]] == ["included", "proposed"]
    refused = client.post(f"{base}/factcheck/points", json={"location": "2.1"}, headers=scrutiny)
    assert refused.status_code == 422 and refused.json()["errors"]["category"] == "Select a category"
    added = client.post(
        f"{base}/factcheck/points",
        json={"location": "2.1", "category": "Names or titles", "proposed_correction": "Mr Jones"},
        headers=scrutiny,
    )
    assert added.status_code == 201 and added.json()["category"] == "names_titles"
    waiting = client.put(
        f"{base}/factcheck/return",
        json={"returned_on": today().isoformat(), "content_to_publish": True, "submit": True},
        headers=scrutiny,
    )
    assert waiting.status_code == 422 and "proposal" in waiting.json()["errors"]["proposals"]
    proposal = next(p for p in body["points"] if p["state"] == "proposed")
    from factcheck.operations.points import set_point_state

    run(set_point_state(by(world.users[Role.HMPPS_SCRUTINY]), world.full, proposal["id"], "drop"))
    done = client.put(
        f"{base}/factcheck/return",
        json={"returned_on": today().isoformat(), "content_to_publish": True, "submit": True},
        headers=scrutiny,
    )
    assert done.status_code == 200 and done.json()["submitted"] is True
    point_id = body["points"][0]["id"]
    answer = client.put(
        f"{base}/factcheck/points/{point_id}/answer",
        json={"decision": "not_accepted", "matter_of_judgement": True, "version": 1},
        headers=leader,
    )
    assert answer.status_code == 200 and answer.json()["answer"]["decision"] == "not_accepted"
    stale = client.put(
        f"{base}/factcheck/points/{point_id}/answer",
        json={"decision": "accepted", "version": 1},
        headers=leader,
    )
    assert stale.status_code == 409 and stale.json()["current"]["answer"]["decision"] == "not_accepted"
    # the Scrutiny Team cannot change HMIP's answers through the API either
    assert (
        client.put(
            f"{base}/factcheck/points/{point_id}/answer",
            json={"decision": "accepted", "version": 2},
            headers=scrutiny,
        ).status_code
        == 403
    )
    item = client.post(
        f"{base}/data",
        json={
            "description": "Self-harm rate",
            "source": "hub",
            "report_section": "Safety",
            "notified_on": today().isoformat(),
        },
        headers=leader,
    )
    assert item.status_code == 201
    response = client.put(
        f"{base}/data/{item.json()['id']}/response", json={"response": "consent"}, headers=scrutiny
    )
    assert response.status_code == 422 and "consent_reference" in response.json()["errors"]
    response = client.put(
        f"{base}/data/{item.json()['id']}/response",
        json={"response": "consent", "consent_reference": "DA-1"},
        headers=scrutiny,
    )
    assert response.status_code == 200
    not_ready = client.post(
        f"{base}/publication",
        json={"published_on": today().isoformat(), "link": "https://example.gov.uk/r"},
        headers=leader,
    )
    assert not_ready.status_code == 422
    read = client.get(f"{base}/factcheck", headers=leader).json()
    assert read["publication"]["ready"] is False
    assert {d["status"] for d in read["data_items"]} >= {"consent"}


def test_api_writes_with_a_session_are_refused(client):
    from tests.support import sign_in

    world = build_world()
    sign_in(client, "scrutiny")
    assert client.get(f"/api/v1/inspections/{world.full}/factcheck").status_code == 200
    response = client.post(f"/api/v1/inspections/{world.full}/factcheck/points", json={"location": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_api_role_by_route(client, role):
    world = build_world()
    headers = _token(USERNAMES[role])
    ids = world.ids["full"]
    base = f"/api/v1/inspections/{ids['i']}"
    calls = [
        (
            "GET",
            f"{base}/factcheck",
            {
                Role.HMIP_TEAM_LEADER,
                Role.HMIP_INSPECTOR,
                Role.HMIP_MANAGER,
                Role.HMPPS_SCRUTINY,
                Role.ESTABLISHMENT,
            },
        ),
        ("POST", f"{base}/factcheck/points", {Role.HMPPS_SCRUTINY, Role.ESTABLISHMENT}),
        ("PUT", f"{base}/factcheck/return", {Role.HMPPS_SCRUTINY}),
        ("PUT", f"{base}/factcheck/points/{ids['p']}/answer", {Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER}),
        ("POST", f"{base}/data", {Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER}),
        ("PUT", f"{base}/data/{ids['d']}/response", {Role.HMPPS_SCRUTINY}),
        ("POST", f"{base}/publication", {Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER}),
    ]
    failures = []
    for method, path, allowed in calls:
        status = client.request(method, path, json={}, headers=headers).status_code
        if (status in (200, 201, 422)) != (role in allowed) or (role not in allowed and status != 403):
            failures.append(f"{method} {path}: {status}")
        if role == Role.ESTABLISHMENT:
            other = path.replace(f"/inspections/{ids['i']}", f"/inspections/{world.other}")
            other = other.replace(f"/points/{ids['p']}/", f"/points/{world.ids['other']['p']}/")
            other = other.replace(f"/data/{ids['d']}/", f"/data/{world.ids['other']['d']}/")
            response = client.request(method, other, json={}, headers=headers)
            if response.status_code != 404 or "HMP Elsewhere" in response.text:
                failures.append(f"other establishment {method} {other}: {response.status_code}")
    assert failures == []


def test_establishment_api_read_shows_only_its_proposals(client):
    world = build_world()
    body = client.get(f"/api/v1/inspections/{world.full}/factcheck", headers=_token("governor")).json()
    assert [p["origin"] for p in body["points"]] == ["establishment"]
    assert "data_items" not in body and "return" not in body
    assert (
        client.get(f"/api/v1/inspections/{world.unshared}/factcheck", headers=_token("governor")).status_code
        == 404
    )


def test_api_publication_records_the_published_fact(client):
    from tests.support import stored_milestones

    world = build_world()
    # a fresh fact check with nothing outstanding but the press release and answers
    from factcheck import queries
    from factcheck.operations import answers, data, photographs, points, publication

    leader = world.users[Role.HMIP_TEAM_LEADER]
    scrutiny = world.users[Role.HMPPS_SCRUTINY]
    inspection = world.thematic
    for point in run(queries.points_for(inspection)):
        run(points.set_point_state(by(scrutiny), inspection, point["id"], "remove"))
    for item in run(queries.data_items(inspection)):
        run(
            data.respond_to_data_item(
                by(scrutiny), inspection, item["id"], "consent", "", "DA-9", today(), today=today()
            )
        )
    add_point(inspection, scrutiny)
    submit_return(inspection, scrutiny, today())
    point = run(queries.points_for(inspection, ("included",)))[0]
    run(answers.answer_point(by(leader), inspection, point["id"], point["version"], "accepted", False, ""))
    run(answers.record_response_sent(by(leader), inspection, today(), today=today()))
    run(publication.record_press_release(by(leader), inspection, today(), today=today()))
    for photo in run(queries.photographs(inspection)):  # the Governor consulted on it (Annex A)
        run(
            photographs.respond_to_photograph(
                by(scrutiny), inspection, photo["id"], "no_objection", "", consulted_on=today(), today=today()
            )
        )
    run(
        publication.record_dated_fact(
            by(leader), inspection, queries.EMERGING_FINDINGS_EVENT, working_days_ago(5), "", today=today()
        )
    )
    response = client.post(
        f"/api/v1/inspections/{inspection}/publication",
        json={"published_on": today().isoformat(), "link": "https://example.gov.uk/thematic"},
        headers=_token("leader"),
    )
    assert response.status_code == 201, response.text
    assert stored_milestones(inspection)["publication"]["done_on"] == today()


def test_api_writers_of_a_data_response_or_the_return_give_the_version_and_the_second_gets_409(client):
    world = build_world()
    base = f"/api/v1/inspections/{world.full}"
    scrutiny = _token("scrutiny")
    body = client.get(f"{base}/factcheck", headers=scrutiny).json()
    item = body["data_items"][0]
    url = f"{base}/data/{item['id']}/response"
    first = {"response": "objection", "objection_reason": "Not validated", "version": item["version"]}
    assert client.put(url, json=first, headers=scrutiny).status_code == 200
    second = {"response": "consent", "consent_reference": "DA-2", "version": item["version"]}
    stale = client.put(url, json=second, headers=scrutiny)
    assert stale.status_code == 409 and stale.json()["current"]["objection_reason"] == "Not validated"
    details = {"returned_on": today().isoformat(), "content_to_publish": True, "version": 0}
    assert client.put(f"{base}/factcheck/return", json=details, headers=scrutiny).status_code == 200
    again = client.put(
        f"{base}/factcheck/return",
        json=details | {"content_to_publish": False, "not_content_reason": "Later"},
        headers=scrutiny,
    )
    assert again.status_code == 409 and again.json()["current"]["content_to_publish"] == "yes"
