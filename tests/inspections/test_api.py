"""The inspections JSON API: same access rules, token-only writes, clear 400s."""

from datetime import date

from tests.inspections.helpers import END, world
from tests.support import audit_rows, run, sign_in, stored_milestones


def _token(username: str) -> dict:
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    return {"Authorization": f"Bearer {run(create_api_token(run(user_id_for(username))))}"}


def test_timeline_is_the_same_json_as_the_tracker_timeline_command(client):
    from timelines.core.engine import compute, to_json
    from timelines.store import current_calendar
    from tracker.clock import today_london

    w = world()
    sign_in(client, "governor")
    body = client.get(f"/api/v1/inspections/{w['ia']}/timeline").json()
    expected = [
        to_json(m)
        for m in compute("full-inspection", END, {}, today=today_london(), calendar=run(current_calendar()))
    ]
    assert body["milestones"] == expected
    assert body["day0"] == "2025-03-14"
    assert client.get(f"/api/v1/inspections/{w['ib']}/timeline").status_code == 404
    assert client.get(f"/api/v1/inspections/{w['ib']}").status_code == 404
    assert [i["id"] for i in client.get("/api/v1/inspections").json()] == [w["ia"]]


def test_writes_need_a_token(client):
    w = world()
    sign_in(client, "leader")
    response = client.post(
        f"/api/v1/inspections/{w['ia']}/events", json={"kind": "debrief_held", "occurred_on": "2025-03-14"}
    )
    assert response.status_code == 403


def test_post_event_validates_and_records(client):
    w = world()
    headers = _token("leader")
    for payload, field, message in (
        ({"kind": "nonsense", "occurred_on": "2025-03-14"}, "kind", "Select what happened"),
        ({"kind": "debrief_held"}, "occurred_on", "occurred_on is required"),
        ({"kind": "debrief_held", "occurred_on": "2025-02-30"}, "occurred_on", "real date"),
        ({"kind": "debrief_held", "occurred_on": "2099-01-01"}, "occurred_on", "cannot be dated in the future"),
        ({"kind": "debrief_held", "occurred_on": "2025-03-01"}, "occurred_on", "before the inspection started"),
    ):
        response = client.post(f"/api/v1/inspections/{w['ia']}/events", json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert message in response.json()["errors"][field], payload
    not_json = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        content=b"{oops",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    ok = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "debrief_held", "occurred_on": "2025-03-14"},
        headers=headers,
    )
    assert ok.status_code == 201
    assert stored_milestones(w["ia"])["debrief"]["status"] == "done_on_time"
    assert "api" in audit_rows("inspection.event")[-1]["detail"]


def test_post_event_row_rules(client):
    w = world()
    governor = client.post(
        f"/api/v1/inspections/{w['ib']}/events",
        json={"kind": "debrief_held", "occurred_on": "2025-03-14"},
        headers=_token("governor"),
    )
    assert governor.status_code == 404
    own = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "debrief_held", "occurred_on": "2025-03-14"},
        headers=_token("governor"),
    )
    assert own.status_code == 403
    other = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "debrief_held", "occurred_on": "2025-03-14"},
        headers=_token("otherleader"),
    )
    assert other.status_code == 403
    leader_returns = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "factcheck_returned", "occurred_on": "2025-05-01"},
        headers=_token("leader"),
    )
    assert leader_returns.status_code == 403, "the return is the Scrutiny Team's to record"
    no_draft = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "factcheck_returned", "occurred_on": "2025-05-01"},
        headers=_token("scrutiny"),
    )
    assert no_draft.status_code == 409
    assert no_draft.json()["errors"]["occurred_on"] == (
        "The fact-check return cannot be recorded before the draft report"
    )
    draft = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "draft_sent", "occurred_on": "2025-04-28"},
        headers=_token("leader"),
    )
    assert draft.status_code == 201
    without_details = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "factcheck_returned", "occurred_on": "2025-05-01"},
        headers=_token("scrutiny"),
    )
    assert without_details.status_code == 422, "the return's own operation: HMPPS content to publish?"
    details = client.put(
        f"/api/v1/inspections/{w['ia']}/factcheck/return",
        json={"returned_on": "2025-05-01", "content_to_publish": True},
        headers=_token("scrutiny"),
    )
    assert details.status_code == 200
    scrutiny = client.post(
        f"/api/v1/inspections/{w['ia']}/events",
        json={"kind": "factcheck_returned", "occurred_on": "2025-05-01"},
        headers=_token("scrutiny"),
    )
    assert scrutiny.status_code == 201


def test_the_api_refuses_histories_that_cannot_have_happened(client):
    """Issue 13: publication with no draft, twice, or before the inspection ended: refused,
    nothing recorded; the same refusal as the page gives."""
    w = world()
    headers = _token("leader")
    url = f"/api/v1/inspections/{w['ia']}/events"
    before = audit_rows("inspection.event") + audit_rows("factcheck.draft_sent")
    no_draft = client.post(url, json={"kind": "published", "occurred_on": "2025-06-20"}, headers=headers)
    assert no_draft.status_code == 409
    assert "cannot be recorded before the draft report" in no_draft.json()["errors"]["occurred_on"]
    early = client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-03-13"}, headers=headers)
    assert early.status_code == 422
    assert "before the inspection ended (14 March 2025)" in early.json()["errors"]["occurred_on"]
    assert client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-04-28"}, headers=headers).status_code == 201
    again = client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-04-29"}, headers=headers)
    assert again.status_code == 409 and "correct it instead" in again.json()["errors"]["occurred_on"]
    too_soon = client.post(url, json={"kind": "published", "occurred_on": "2025-05-02"}, headers=headers)
    assert too_soon.status_code == 409 and "MoU ¶32" in too_soon.json()["errors"]["occurred_on"]
    after = audit_rows("inspection.event") + audit_rows("factcheck.draft_sent")
    assert len(after) == len(before) + 1, "only the one draft was recorded"


def test_a_correction_through_the_api_needs_a_reason_and_supersedes(client):
    w = world()
    headers = _token("leader")
    url = f"/api/v1/inspections/{w['ia']}/events"
    first = client.post(url, json={"kind": "draft_sent", "occurred_on": "2025-04-28"}, headers=headers).json()
    no_reason = client.post(
        url, json={"kind": "draft_sent", "occurred_on": "2025-04-25", "corrects": first["id"]}, headers=headers
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    fixed = client.post(
        url,
        json={"kind": "draft_sent", "occurred_on": "2025-04-25", "corrects": first["id"], "reason": "typo"},
        headers=headers,
    )
    assert fixed.status_code == 201
    assert stored_milestones(w["ia"])["draft_report"]["done_on"] == date(2025, 4, 25)


def test_post_inspection(client):
    w = world()
    headers = _token("leader")
    bad = client.post(
        "/api/v1/inspections",
        json={
            "establishment_id": w["a"],
            "kind": "full",
            "start_date": "2025-03-20",
            "end_date": "2025-03-14",
        },
        headers=headers,
    )
    assert bad.status_code == 422, "bad input is 422 with every field's error, as for events"
    assert "end_date" in bad.json()["errors"]
    assert client.post("/api/v1/inspections", json=[1, 2], headers=headers).status_code == 400
    irp_early = client.post(
        "/api/v1/inspections",
        json={
            "establishment_id": w["a"],
            "kind": "irp",
            "start_date": "2025-06-02",
            "end_date": "2025-06-04",
            "follows": w["ia"],
        },
        headers=headers,
    )
    assert irp_early.status_code == 201
    assert "outside the 8 to 12 month window" in irp_early.json()["warnings"][0]
    ok = client.post(
        "/api/v1/inspections",
        json={
            "establishment_id": w["a"],
            "kind": "full",
            "start_date": "2026-01-05",
            "end_date": "2026-01-16",
            "team_ids": [w["inspector"]],
        },
        headers=headers,
    )
    assert ok.status_code == 201
    new_id = ok.json()["id"]
    assert stored_milestones(new_id)["draft_report"]["rule"].startswith("32 working days")
    governor = client.post(
        "/api/v1/inspections",
        json={
            "establishment_id": w["a"],
            "kind": "full",
            "start_date": "2026-01-05",
            "end_date": "2026-01-16",
        },
        headers=_token("governor"),
    )
    assert governor.status_code == 403
    body = client.get(f"/api/v1/inspections/{new_id}", headers=headers).json()
    assert body["start_date"] == "2026-01-05" and body["milestones"]
    assert date.fromisoformat(body["end_date"]) == date(2026, 1, 16)
