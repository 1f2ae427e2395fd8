"""Who may use each action plan route: the role × route table, another establishment's ids
(404, nothing of it in the body, the denial audited), prison-group scope, and the API."""

import pytest

from tests.actionplans.helpers import fill_plan, pdf_bytes, plan_row, run, world
from tests.support import audit_rows, csrf_token, sign_in
from tracker import scanning
from tracker.roles import Role

READ = {
    Role.HMIP_TEAM_LEADER,
    Role.HMIP_INSPECTOR,
    Role.HMIP_MANAGER,
    Role.HMPPS_SCRUTINY,
    Role.HMPPS_MANAGER,
    Role.ESTABLISHMENT,
}
EST = {Role.ESTABLISHMENT}
QA = {Role.HMPPS_SCRUTINY}
CLEAR = {Role.HMPPS_MANAGER}
AVAILABLE = {Role.HMPPS_SCRUTINY}
PUBLISH = {Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER}

# (method, path, who may use it). {plan} {inspection} {rec} {action} {file} are filled in.
ROUTES = [
    ("GET", "/action-plans", READ),
    ("GET", "/inspections/{inspection}/action-plan", READ),
    ("POST", "/inspections/{inspection}/action-plan", EST),
    ("GET", "/action-plans/{plan}", READ),
    ("GET", "/action-plans/{plan}/responses/{rec}", EST),
    ("POST", "/action-plans/{plan}/responses/{rec}", EST),
    ("GET", "/action-plans/{plan}/recommendations/{rec}/actions/new", EST),
    ("POST", "/action-plans/{plan}/recommendations/{rec}/actions/new", EST),
    ("GET", "/action-plans/{plan}/actions/{action}", EST),
    ("POST", "/action-plans/{plan}/actions/{action}", EST),
    ("GET", "/action-plans/{plan}/actions/{action}/progress", READ),
    ("POST", "/action-plans/{plan}/actions/{action}/progress", EST),
    ("GET", "/action-plans/{plan}/template.xlsx", EST),
    ("GET", "/action-plans/{plan}/export.xlsx", READ),
    ("GET", "/action-plans/{plan}/import", EST),
    ("POST", "/action-plans/{plan}/import", EST),
    ("GET", "/action-plans/{plan}/files", READ),
    ("POST", "/action-plans/{plan}/files", EST),
    ("GET", "/action-plans/{plan}/files/{file}", READ),
    ("GET", "/action-plans/{plan}/submit", EST),
    ("POST", "/action-plans/{plan}/submit", EST),
    ("GET", "/action-plans/{plan}/review", QA),
    ("POST", "/action-plans/{plan}/review", QA),
    ("GET", "/action-plans/{plan}/clear", CLEAR),
    ("POST", "/action-plans/{plan}/clear", CLEAR),
    ("GET", "/action-plans/{plan}/available", AVAILABLE),
    ("POST", "/action-plans/{plan}/available", AVAILABLE),
    ("GET", "/action-plans/{plan}/publish", PUBLISH),
    ("POST", "/action-plans/{plan}/publish", PUBLISH),
    ("POST", "/action-plans/{plan}/publish/confirm", PUBLISH),
    ("GET", "/action-plans/{plan}/confirmation", READ),
    ("GET", "/action-plans/{plan}/actions/{action}/delete", EST),
    ("POST", "/action-plans/{plan}/actions/{action}/delete", EST),
    ("GET", "/api/v1/action-plans/{plan}", READ),
    ("GET", "/api/v1/inspections/{inspection}/action-plan", READ),
    ("GET", "/api/v1/action-plans/overdue-actions", READ),
]
API_WRITES = [
    ("POST", "/api/v1/action-plans/{plan}/actions", EST),
    ("PATCH", "/api/v1/action-plans/{plan}/actions/{action}", EST),
]
WITHOUT_IDS = {"/action-plans", "/api/v1/action-plans/overdue-actions"}


def _setup(w):
    """Give Example's plan an action and a clean file; the same for the other establishment."""
    from actionplans.operations.files import upload_file
    from tracker.operations import Actor

    ids = {}
    for key, plan_key, recs_key in (("mine", "plan", "recs"), ("theirs", "other_plan", "other_recs")):
        plan_id = w[plan_key]
        actions = fill_plan(plan_id, w[recs_key])
        plan = plan_row(plan_id)
        original = scanning.SCANNER
        scanning.SCANNER = _clean
        try:
            from actionplans.uploads import check_upload

            content = pdf_bytes()
            stored = run(
                upload_file(
                    Actor.system("test"),
                    plan_id,
                    content=content,
                    checked=check_upload(content, limit_bytes=10**6),
                    original_name="plan.pdf",
                )
            )
        finally:
            scanning.SCANNER = original
        ids[key] = {
            "plan": plan_id,
            "inspection": plan["inspection"],
            "rec": w[recs_key][0],
            "action": actions[0],
            "file": stored["id"],
        }
    return ids


async def _clean(content, *, database=""):
    return scanning.ScanResult(scanning.CLEAN)


def _call(client, method, path, token=None):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    return client.post(path, data={"_csrf_token": token}, follow_redirects=False)


def test_every_action_plan_route_is_in_the_table(app):
    from tests.tracker.test_access import all_route_handlers

    table = {(m, p.split("{")[0]) for m, p, _ in ROUTES + API_WRITES}
    mine = []
    for path, handler in all_route_handlers(app):
        if "action-plan" in path:
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                mine.append((method, path.split("{")[0]))
    missing = [r for r in mine if r not in table]
    assert missing == []
    assert len(mine) == len(ROUTES) + len(API_WRITES)


@pytest.mark.parametrize("role", list(Role))
def test_role_by_route(client, role):
    w = world()
    ids = _setup(w)["mine"]
    sign_in(client, w["users"][role])
    token = csrf_token(client)
    wrong = []
    for method, template, allowed in ROUTES:
        path = template.format(**ids)
        response = _call(client, method, path, token)
        expected_ok = role in allowed
        ok = response.status_code in (200, 201, 302, 303)
        if expected_ok != ok or (not expected_ok and response.status_code != 403):
            wrong.append((method, path, response.status_code))
    assert wrong == []
    if role == Role.ADMIN:
        assert audit_rows("denied", actor="admin")


def test_another_establishments_user_gets_404_for_everything(client):
    w = world()
    ids = _setup(w)["mine"]
    before = plan_row(w["plan"])
    sign_in(client, "otherguv")
    token = csrf_token(client)
    wrong = []
    for method, template, allowed in ROUTES:
        if Role.ESTABLISHMENT not in allowed or template in WITHOUT_IDS:
            continue
        path = template.format(**ids)
        denials = len(audit_rows("denied", actor="otherguv"))
        response = _call(client, method, path, token)
        body = response.text
        leaked = any(s in body for s in ("HMP Example", "Recommendation number", "Action 1 to fix it"))
        audited = len(audit_rows("denied", actor="otherguv")) == denials + 1
        if response.status_code != 404 or leaked or not audited or "content-disposition" in response.headers:
            wrong.append((method, path, response.status_code, leaked, audited))
    assert wrong == []
    after = plan_row(w["plan"])
    assert after["version"] == before["version"] and after["status"] == before["status"]
    # Their own list, overdue actions and API show nothing of HMP Example.
    assert "HMP Example" not in client.get("/action-plans").text
    assert "HMP Other" in client.get("/action-plans").text
    assert client.get("/api/v1/action-plans/overdue-actions").json() == []


def test_other_establishments_plan_is_404_for_the_governor_but_theirs_is_200(client):
    w = world()
    ids = _setup(w)
    sign_in(client, "governor")
    assert client.get(f"/action-plans/{ids['theirs']['plan']}").status_code == 404
    assert (
        client.get(f"/action-plans/{ids['theirs']['plan']}/files/{ids['theirs']['file']}").status_code == 404
    )
    # A file id of another plan through my own plan's URL is not found either.
    assert client.get(f"/action-plans/{ids['mine']['plan']}/files/{ids['theirs']['file']}").status_code == 404
    assert client.get(f"/action-plans/{ids['mine']['plan']}").status_code == 200


def test_hmpps_manager_is_scoped_by_prison_group(client):
    from tests.support import make_user

    w = world()
    ids = _setup(w)
    make_user("londonpgd", Role.HMPPS_MANAGER, prison_group="London")
    sign_in(client, "londonpgd")
    assert client.get(f"/action-plans/{ids['mine']['plan']}").status_code == 404
    assert client.get(f"/action-plans/{ids['mine']['plan']}/clear").status_code == 404
    assert client.get(f"/action-plans/{ids['theirs']['plan']}").status_code == 200
    assert audit_rows("denied", actor="londonpgd")


def test_hmip_inspector_not_on_the_team_gets_404(client):
    from tests.support import make_user

    w = world()
    _setup(w)
    make_user("stranger", Role.HMIP_INSPECTOR)
    sign_in(client, "stranger")
    assert client.get(f"/action-plans/{w['plan']}").status_code == 404
    assert client.get(f"/action-plans/{w['plan']}/export.xlsx").status_code == 404
    assert "HMP Example" not in client.get("/action-plans").text


@pytest.mark.parametrize("role", list(Role))
def test_api_writes_need_a_token_and_the_establishment_role(client, role):
    from tests.actionplans.helpers import later
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    w = world()
    ids = _setup(w)["mine"]
    token = run(create_api_token(run(user_id_for(w["users"][role]))))
    headers = {"Authorization": f"Bearer {token}"}
    create = client.post(
        f"/api/v1/action-plans/{ids['plan']}/actions",
        json={
            "recommendation_id": ids["rec"],
            "description": "Extra action",
            "owner": "Head of Residence",
            "target_date": later().isoformat(),
        },
        headers=headers,
    )
    update = client.patch(
        f"/api/v1/action-plans/{ids['plan']}/actions/{ids['action']}",
        json={"status": "in_progress"},
        headers=headers,
    )
    if role == Role.ESTABLISHMENT:
        assert create.status_code == 201, create.text
        assert create.json()["owner"] == "Head of Residence"
        assert update.status_code == 200 and update.json()["status"] == "in_progress"
    else:
        assert (create.status_code, update.status_code) == (403, 403)


def test_api_write_with_a_session_is_refused_and_other_establishment_is_404(client):
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    w = world()
    ids = _setup(w)
    sign_in(client, "governor")
    assert client.get(f"/api/v1/action-plans/{ids['mine']['plan']}").json()["status"] == "draft"
    session_write = client.patch(
        f"/api/v1/action-plans/{ids['mine']['plan']}/actions/{ids['mine']['action']}",
        json={"status": "complete"},
    )
    assert session_write.status_code == 403
    client.cookies.clear()
    token = run(create_api_token(run(user_id_for("otherguv"))))
    response = client.patch(
        f"/api/v1/action-plans/{ids['mine']['plan']}/actions/{ids['mine']['action']}",
        json={"status": "complete"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404
    assert "Action 1" not in response.text
    assert (
        client.get(
            f"/api/v1/action-plans/{ids['mine']['plan']}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 404
    )
