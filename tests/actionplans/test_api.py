"""The JSON API calls the same operations as the pages: the same refusals, 422 (input), 409
(the plan's state, or someone else changed it first), 403, never 500."""

from tests.actionplans.helpers import fill_plan, later, run, set_status, world
from tracker.sessions import create_api_token
from tracker.users import user_id_for


def _headers(username: str) -> dict:
    return {"Authorization": f"Bearer {run(create_api_token(run(user_id_for(username))))}"}


def test_refusals_of_an_action_over_the_api(client):
    w = world()
    [action] = fill_plan(w["plan"], w["recs"][:1])
    url = f"/api/v1/action-plans/{w['plan']}/actions"
    headers = _headers("governor")
    bad = client.post(
        url,
        json={"recommendation_id": w["recs"][0], "description": "", "owner": "a@b.org", "target_date": "x"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"target_date"}
    several = client.post(
        url,
        json={"recommendation_id": w["recs"][0], "description": "", "owner": "a@b.org"},
        headers=headers,
    )
    assert several.status_code == 422
    assert set(several.json()["errors"]) == {"description", "owner", "target_date"}
    other_report = client.post(
        url,
        json={
            "recommendation_id": w["other_recs"][0],
            "description": "Fix it",
            "owner": "Head of Safety",
            "target_date": later().isoformat(),
        },
        headers=headers,
    )
    assert other_report.status_code == 422 and "recommendation_id" in other_report.json()["errors"]
    set_status(w["plan"], "submitted")
    locked = client.patch(f"{url}/{action}", json={"status": "in_progress"}, headers=headers)
    assert locked.status_code == 409 and "with HMPPS" in locked.json()["errors"]["plan"]
    set_status(w["plan"], "draft")
    client.patch(f"{url}/{action}", json={"status": "in_progress", "version": 1}, headers=headers)
    stale = client.patch(f"{url}/{action}", json={"status": "complete", "version": 1}, headers=headers)
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "in_progress"
