"""Agreed extensions (DOMAIN.md, "Extensions"; issue 15): who agreed, the new date after the one the
rules give, why; the original kept and shown, the status judged against the new date; the page, the
API and the operation give the same answers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.inspections.helpers import world
from tests.support import (
    api_token,
    audit_rows,
    date_fields,
    post_form,
    record_fact,
    run,
    sign_in,
    stored_milestones,
)

LATER = date(2027, 1, 15)


def extend(actor_name: str, inspection_id: int, key: str, new_due, reason="Agreed at the weekly call",
           agreed_by="Jo Smith, HMIP"):
    from inspections.operations.extensions import ExtensionInput, extend_deadline
    from tests.support import principal_of
    from tracker.operations import Actor

    data = ExtensionInput(key=key, new_due=new_due, reason=reason, agreed_by=agreed_by)
    return run(extend_deadline(Actor(principal_of(actor_name)), inspection_id, data, today=date(2026, 12, 2)))


def test_an_hmip_manager_extends_an_hmip_deadline_and_the_original_is_kept(db):
    w = world()
    before = stored_milestones(w["ia"])["draft_report"]
    assert before["status"] == "overdue"
    extend("hmipmanager", w["ia"], "draft_report", LATER)
    after = stored_milestones(w["ia"])["draft_report"]
    assert after["due"] == LATER and after["original_due"] == before["due"]
    assert after["status"] == "not_yet_due", "judged against the new date"
    assert "deadline.extend" in [r["action"] for r in audit_rows("deadline.extend")][-1:]


def test_every_problem_at_once_and_the_date_must_be_after_the_rules(db):
    from tracker.operations import Refused

    w = world()
    original = stored_milestones(w["ia"])["draft_report"]["due"]
    with pytest.raises(Refused) as refused:
        extend("hmipmanager", w["ia"], "draft_report", original, reason="", agreed_by="")
    assert set(refused.value.errors) == {"new_due", "reason", "agreed_by"}
    assert "must be after 1 May 2025, the date the rules give" in refused.value.errors["new_due"]


@pytest.mark.parametrize(
    ("who", "key", "allowed"),
    [
        ("hmipmanager", "draft_report", True),
        ("leader", "draft_report", False),
        ("scrutiny", "draft_report", False),
        ("scrutiny", "factcheck_return", True),
        ("hmppsmanager", "factcheck_return", True),
        ("hmipmanager", "factcheck_return", True),
        ("governor", "factcheck_return", False),
    ],
)
def test_who_may_extend_which_deadline(db, who, key, allowed):
    from tracker.operations import Denied

    w = world()
    if key == "factcheck_return":
        record_fact(w["ia"], "draft_sent", date(2026, 11, 20))
    if allowed:
        extend(who, w["ia"], key, LATER)
        assert stored_milestones(w["ia"])[key]["due"] == LATER
    else:
        with pytest.raises(Denied):
            extend(who, w["ia"], key, LATER)
        assert stored_milestones(w["ia"])[key]["original_due"] is None
        assert audit_rows("denied")


def test_a_deadline_already_met_cannot_be_extended(db):
    from tracker.operations import Refused

    w = world()
    record_fact(w["ia"], "debrief_held", date(2025, 3, 14))
    with pytest.raises(Refused) as refused:
        extend("hmipmanager", w["ia"], "debrief", LATER)
    assert refused.value.state and "is not open" in refused.value.errors["key"]


def test_a_second_extension_supersedes_the_first_and_the_history_keeps_both(db):
    from inspections.tables import InspectionEvent

    w = world()
    extend("hmipmanager", w["ia"], "draft_report", date(2026, 12, 20))
    extend("hmipmanager", w["ia"], "draft_report", LATER, reason="Second wave of fieldwork")
    events = run(InspectionEvent.select().where(InspectionEvent.kind == "deadline_extended"))
    assert len(events) == 2 and events[1]["supersedes"] == events[0]["id"]
    assert stored_milestones(w["ia"])["draft_report"]["due"] == LATER


def test_the_page_offers_extend_only_to_who_may_and_shows_who_agreed(client):
    w = world()
    sign_in(client, "leader")
    page = client.get(f"/inspections/{w['ia']}").text
    assert "/extensions/new?key=draft_report" not in page
    assert post_form(
        client, f"/inspections/{w['ia']}/extensions/new", {"key": "draft_report", **date_fields("new_due", LATER)}
    ).status_code == 403
    client.cookies.clear()
    sign_in(client, "hmipmanager")
    page = client.get(f"/inspections/{w['ia']}").text
    assert f"/inspections/{w['ia']}/extensions/new?key=draft_report" in page
    form = client.get(f"/inspections/{w['ia']}/extensions/new?key=draft_report").text
    assert "Extend: Draft report to the Scrutiny Team" in form and "1 May 2025" in form
    empty = post_form(client, f"/inspections/{w['ia']}/extensions/new", {"key": "draft_report"})
    for message in ("Enter the new date", "Enter who agreed the extension", "Enter why the deadline is extended"):
        assert message in empty.text
    done = post_form(
        client,
        f"/inspections/{w['ia']}/extensions/new",
        {
            "key": "draft_report",
            "agreed_by": "Jo Smith, Deputy Chief Inspector",
            "reason": "Second wave of fieldwork",
            **date_fields("new_due", LATER),
        },
    )
    assert done.status_code in (302, 303)
    page = client.get(done.headers["location"]).text
    assert "Deadline extended" in page
    assert "extended from 1 May 2025, agreed by Jo Smith, Deputy Chief Inspector: Second wave of fieldwork" in page
    assert "15 January 2027" in page


def test_the_api_extends_through_the_same_operation(client):
    w = world()
    url = f"/api/v1/inspections/{w['ia']}/extensions"
    body = {"key": "draft_report", "new_due": "2027-01-15", "reason": "Fieldwork", "agreed_by": "Jo Smith, HMIP"}
    leader = client.post(url, json=body, headers={"Authorization": f"Bearer {api_token('leader')}"})
    assert leader.status_code == 403
    headers = {"Authorization": f"Bearer {api_token('hmipmanager')}"}
    bad = client.post(url, json={**body, "new_due": "2025-04-01", "reason": ""}, headers=headers)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"new_due", "reason"}
    ok = client.post(url, json=body, headers=headers)
    assert ok.status_code == 201
    assert ok.json()["due"] == "2027-01-15" and ok.json()["original_due"] == "2025-05-01"
    other = client.post(f"/api/v1/inspections/{w['ib']}/extensions", json=body,
                        headers={"Authorization": f"Bearer {api_token('governor')}"})
    assert other.status_code == 404


def test_the_inspection_in_the_api_carries_the_original_date(client):
    w = world()
    extend("hmipmanager", w["ia"], "draft_report", LATER)
    sign_in(client, "hmipmanager")
    milestone = next(m for m in client.get(f"/api/v1/inspections/{w['ia']}").json()["milestones"]
                     if m["key"] == "draft_report")
    assert milestone["due"] == "2027-01-15" and milestone["original_due"] == "2025-05-01"
