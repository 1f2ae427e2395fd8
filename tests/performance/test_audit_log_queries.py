"""The audit log names every row's subject (action plans, actions, files, accuracy points, data
items, photographs, drafts) with the same number of queries for one establishment's rows as for
many: each kind is looked up once per page, never once per row (tracker.audit_log)."""

from __future__ import annotations

import pytest

from tests.actionplans.helpers import fill_plan, published_inspection, start_plan
from tests.factcheck.helpers import (
    PDF,
    add_data_item,
    add_photo,
    add_point,
    by,
    record_draft,
    working_days_ago,
)
from tests.performance.helpers import explain, queries_for
from tests.support import make_establishment, make_inspection, make_user, run, sign_in
from tracker.roles import Role


def plans_and_fact_check(name: str, leader: int, scrutiny: int) -> None:
    """At one establishment: an action plan with two actions, and a fact check with a point, a
    proposal, a data item, a photograph and the draft's file; each change audited as it is made."""
    from factcheck.operations.draft import store_draft_file

    place = make_establishment(name)
    governor = make_user(
        f"governor of {name}".replace(" ", "-").lower(), Role.ESTABLISHMENT, establishment_ids=[place]
    )
    inspection_id, recs = published_inspection(place, recs=2, team_leader_id=leader)
    fill_plan(start_plan(inspection_id, by=governor), recs, by=governor)
    checked = make_inspection(place, end=working_days_ago(40), team_leader_id=leader)
    record_draft(checked, working_days_ago(3), leader)
    run(store_draft_file(by(leader), checked, "draft.pdf", "application/pdf", PDF, scan_status="clean"))
    add_point(checked, scrutiny)
    add_point(checked, scrutiny, proposal=True)
    add_data_item(checked, leader)
    add_photo(checked, leader)


@pytest.mark.parametrize(
    "roles",
    [[Role.ADMIN, Role.HMIP_MANAGER], [Role.ADMIN, Role.HMIP_TEAM_LEADER], [Role.ADMIN]],
    ids=["with HMIP manager", "with team leader", "admin only"],
)
@pytest.mark.parametrize("query", ["", "?subject=HMP"])
def test_audit_log_queries_do_not_grow_with_rows(client, db, roles, query):
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    plans_and_fact_check("HMP Aardvark", leader, scrutiny)
    make_user("reader", roles)
    sign_in(client, "reader")
    one = queries_for(client, db, f"/admin/audit{query}")
    for n in range(1, 3):
        plans_and_fact_check(f"HMP Number {n}", leader, scrutiny)
    many = queries_for(client, db, f"/admin/audit{query}")
    for name in ("Action plan for HMP Aardvark", "Accuracy point 1 in the return for HMP Number 2"):
        assert name in many[1], name
    assert one[0] == many[0], (
        f"{one[0]} queries with one establishment's rows, {many[0]} with three:\n" + explain(one[2], many[2])
    )


def test_a_subject_search_finds_the_rows_in_the_pages_own_queries(client, db):
    """Searching by subject asks no query per kind of subject: each kind's matching rows are a
    subquery of the page's query, so their number never limits the search (PostgreSQL takes at
    most 32,767 parameters)."""
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    plans_and_fact_check("HMP Aardvark", leader, make_user("scrutiny", Role.HMPPS_SCRUTINY))
    make_user("reader", [Role.ADMIN])
    sign_in(client, "reader")
    everything = queries_for(client, db, "/admin/audit")
    searched = queries_for(client, db, "/admin/audit?subject=Aardvark")
    assert "Accuracy point 1 in the return for HMP Aardvark" in searched[1]
    assert searched[0] <= everything[0] + 1, explain(everything[2], searched[2])  # + its own audit row
