"""Issue 16, the audit log as an administrator meets it: actions in words, the subject by name
with a link to it, the person by name; searched by person, by establishment or inspection name,
by action in words, between dates in the GOV.UK date pattern (with errors); the result exported
as CSV (itself audited)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.support import (
    audit_rows,
    make_establishment,
    make_inspection,
    make_user,
    principal_of,
    run,
    sign_in,
)
from tracker.roles import Role


@pytest.fixture
def log(client):
    """Lee read the debrief note of an inspection of HMP Leeds; Hal changed one of HMP Hull."""
    from tracker import audit

    leeds = make_inspection(make_establishment("HMP Leeds", code="LEE"), end=date(2026, 3, 13))
    hull = make_inspection(make_establishment("HMP Hull", code="HUL"), end=date(2026, 5, 15))
    make_user("lee", Role.HMIP_TEAM_LEADER)
    make_user("hal", Role.HMIP_MANAGER)
    for who, action, inspection in (("lee", "debrief_note.view", leeds), ("hal", "inspection.update", hull)):
        run(audit.record(action, principal=principal_of(who), object_type="inspection", object_id=inspection))
    make_user("ada", [Role.ADMIN, Role.HMIP_MANAGER])
    sign_in(client, "ada")
    return {"leeds": leeds, "hull": hull}


def table(page: str) -> str:
    return page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]


def test_the_log_says_who_did_what_to_what_in_words(client, log):
    page = client.get("/admin/audit").text
    rows = table(page)
    assert "Lee" in rows and "read the debrief note" in rows
    assert f'href="/inspections/{log["leeds"]}">Inspection of HMP Leeds, March 2026</a>' in rows
    assert "debrief_note.view" not in rows and ">inspection " not in rows


def test_an_admin_who_may_not_open_the_inspection_sees_its_name_without_a_link(client, log):
    make_user("alf", Role.ADMIN)
    client.cookies.clear()
    sign_in(client, "alf")
    rows = table(client.get("/admin/audit").text)
    assert "Inspection of HMP Leeds, March 2026" in rows
    assert f'href="/inspections/{log["leeds"]}"' not in rows


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("person=Lee", "HMP Leeds", "HMP Hull"),
        ("person=hal", "HMP Hull", "HMP Leeds"),
        ("subject=hull", "HMP Hull", "HMP Leeds"),
        ("subject=HMP+Leeds", "HMP Leeds", "HMP Hull"),
        ("action=read+the+debrief+note", "HMP Leeds", "HMP Hull"),
        ("action=changed+the+inspection", "HMP Hull", "HMP Leeds"),
    ],
)
def test_search_by_person_subject_and_action_in_words(client, log, query, shown, hidden):
    rows = table(client.get(f"/admin/audit?{query}").text)
    assert shown in rows and hidden not in rows


def test_search_between_dates_in_the_govuk_pattern(client, log):
    today = date.today()
    within = client.get(
        f"/admin/audit?subject=leeds&from-day=1&from-month=1&from-year=2020"
        f"&to-day={today.day}&to-month={today.month}&to-year={today.year + 1}"
    ).text
    assert "HMP Leeds" in table(within) and 'id="from-day"' in within
    before = client.get("/admin/audit?subject=leeds&to-day=1&to-month=1&to-year=2020").text
    assert "HMP Leeds" not in table(before)


def test_date_errors_are_errors_all_at_once_not_empty_results(client, log):
    backwards = client.get(
        "/admin/audit?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026"
    ).text
    assert "There is a problem" in backwards and 'href="#from"' in backwards
    assert "must be the same as or before" in backwards
    assert "0 entries" not in backwards
    assert 'value="2"' in backwards  # what was typed is kept

    both = client.get("/admin/audit?from-day=31&from-month=2&from-year=2026&to-day=1&to-year=2026").text
    assert "From date must be a real date" in both and "To date must include a month" in both
    assert 'href="#from"' in both and 'href="#to"' in both


def test_the_result_is_exported_as_csv_and_the_export_is_audited(client, log):
    page = client.get("/admin/audit?subject=leeds").text
    assert 'href="/admin/audit.csv?subject=leeds"' in page
    response = client.get("/admin/audit.csv?subject=leeds")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Person"], r["Action"], r["About"]) for r in rows] == [
        ("Lee", "read the debrief note", "Inspection of HMP Leeds, March 2026")
    ]
    export = audit_rows("audit.export")[-1]
    assert export["actor"] == "ada" and "subject=leeds" in export["detail"]


def test_every_action_the_log_holds_has_words(client, log):
    from tracker.audit_words import ACTION_WORDS

    codes = {row["action"] for row in audit_rows()}
    assert codes - set(ACTION_WORDS) == set()
