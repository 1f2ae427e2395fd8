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


def test_each_stage_recorded_through_the_events_route_moves_the_plan(client):
    """One way in (MoU ¶37): a stage posted as an inspection fact goes through the plan's own
    operation, by its own party, in its order; the API answers as the pages refuse."""
    from actionplans.operations.workflow import submit
    from tests.actionplans.helpers import TODAY, plan_row
    from tests.support import stored_milestones
    from tracker.operations import Actor

    w = world()
    fill_plan(w["plan"], w["recs"])
    url = f"/api/v1/inspections/{w['inspection']}/events"
    day = TODAY.isoformat()

    def post(username, kind, **extra):
        return client.post(url, json={"kind": kind, "occurred_on": day, **extra}, headers=_headers(username))

    early = post("scrutiny", "action_plan_quality_assured")
    assert early.status_code == 409, early.text  # nothing submitted yet: not in this state
    run(submit(Actor.system("test", for_user=w["governor"]), w["plan"], today=TODAY))
    assert post("hmppsmanager", "action_plan_quality_assured").status_code == 403
    assert post("scrutiny", "action_plan_cleared").status_code == 403  # the Executive Director's
    assert post("scrutiny", "action_plan_available").status_code == 409  # not cleared yet
    assert post("scrutiny", "action_plan_quality_assured").status_code == 201
    assert plan_row(w["plan"])["status"] == "accepted"
    assert post("hmppsmanager", "action_plan_cleared").status_code == 201
    assert stored_milestones(w["inspection"])["action_plan"]["status"] not in ("done_on_time", "done_late")
    assert post("scrutiny", "action_plan_available").status_code == 201
    assert stored_milestones(w["inspection"])["action_plan"]["status"] == "done_on_time"
    no_link = post("hmipmanager", "action_plan_published")
    assert no_link.status_code == 422 and "url" in no_link.json()["errors"]
    published = post("hmipmanager", "action_plan_published", link="https://hmiprisons.justice.gov.uk/plan")
    assert published.status_code == 201, published.text
    row = plan_row(w["plan"])
    assert row["status"] == "published" and row["published_url"] == "https://hmiprisons.justice.gov.uk/plan"
    shown = client.get(f"/api/v1/action-plans/{w['plan']}", headers=_headers("hmipmanager")).json()
    assert [(s["fact"], s["on"]) for s in shown["stages"]] == [
        (fact, day)
        for fact in ("action_plan_received", "action_plan_quality_assured", "action_plan_cleared",
                     "action_plan_available", "action_plan_published")
    ]
    assert shown["stages"][3]["by"] == "Scrutiny" and shown["milestone_status"] == "done_on_time"
    assert shown["due_rule"].count("MoU ¶37") == 1
