"""K5 (SECURITY.md): two Scrutiny Team members open the same form; the second to send it sees the
GOV.UK conflict page with what is recorded now, and nothing the first saved is overwritten."""

import re

import pytest
from litestar.testing import TestClient

from tests.factcheck.helpers import add_data_item, add_photo, record_draft, working_days_ago
from tests.support import date_fields, make_establishment, make_inspection, make_user, post_form, sign_in
from tracker.roles import Role

VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')


@pytest.fixture
def two_scrutiny_sessions(client, app):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("scrutiny2", Role.HMPPS_SCRUTINY)
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    record_draft(inspection, working_days_ago(5), leader)
    sign_in(client, "scrutiny")
    with TestClient(app=app, base_url="http://testserver.local") as second:
        sign_in(second, "scrutiny2")
        yield {"i": inspection, "leader": leader}, client, second


def _both_open(first, second, url: str) -> tuple[str, str]:
    versions = []
    for session in (first, second):
        page = session.get(url)
        assert page.status_code == 200
        match = VERSION.search(page.text)
        assert match, "the form carries no version"
        versions.append(match.group(1))
    return versions[0], versions[1]


def test_the_second_writer_of_the_return_details_sees_the_conflict(two_scrutiny_sessions):
    w, first, second = two_scrutiny_sessions
    url = f"/inspections/{w['i']}/factcheck/details"
    mine, theirs = _both_open(first, second, url)
    saved = post_form(
        first, url, date_fields("returned", working_days_ago(1)) | {"content": "yes", "version": mine}
    )
    assert saved.status_code == 303
    lost = post_form(
        second,
        url,
        date_fields("returned", working_days_ago(1))
        | {"content": "no", "not_content_reason": "Later date wanted", "version": theirs},
    )
    assert lost.status_code == 409
    assert "Someone else changed" in lost.text and "Content to publish" in lost.text
    assert first.get(url).text.count('value="yes" checked') == 1
    assert "Later date wanted" not in first.get(url).text


def test_the_second_response_to_a_data_item_sees_the_conflict(two_scrutiny_sessions):
    w, first, second = two_scrutiny_sessions
    item = add_data_item(w["i"], w["leader"], source="fieldwork", notified_on=working_days_ago(2))
    url = f"/inspections/{w['i']}/data/{item['id']}/response"
    mine, theirs = _both_open(first, second, url)
    when = date_fields("responded", working_days_ago(1))
    saved = post_form(first, url, when | {"response": "consent", "version": mine})
    assert saved.status_code == 303
    lost = post_form(
        second, url, when | {"response": "objection", "objection_reason": "Not validated", "version": theirs}
    )
    assert lost.status_code == 409
    assert "Someone else changed" in lost.text and "Consent" in lost.text
    overview = first.get(f"/inspections/{w['i']}/factcheck").text
    assert "Consent given" in overview and "Not validated" not in overview


def test_the_second_view_of_a_photograph_sees_the_conflict(two_scrutiny_sessions):
    w, first, second = two_scrutiny_sessions
    photo = add_photo(w["i"], w["leader"])
    url = f"/inspections/{w['i']}/photographs/{photo['id']}/response"
    mine, theirs = _both_open(first, second, url)
    saved = post_form(
        first, url, {"response": "objection", "objection_reason": "Shows a key", "version": mine}
    )
    assert saved.status_code == 303
    lost = post_form(second, url, {"response": "no_objection", "version": theirs})
    assert lost.status_code == 409
    assert "Someone else changed" in lost.text and "Shows a key" in lost.text
    assert "Shows a key" in first.get(url).text


@pytest.fixture
def two_hmip_sessions(client, app):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    make_user("boss", Role.HMIP_MANAGER)
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    record_draft(inspection, working_days_ago(5), leader)
    sign_in(client, "leader")
    with TestClient(app=app, base_url="http://testserver.local") as second:
        sign_in(second, "boss")
        yield {"i": inspection, "leader": leader, "scrutiny": scrutiny}, client, second


def test_the_second_resolution_of_an_objection_sees_the_conflict(two_hmip_sessions, run):
    from factcheck.operations import photographs
    from tests.factcheck.helpers import by

    w, first, second = two_hmip_sessions
    photo = add_photo(w["i"], w["leader"])
    run(photographs.respond_to_photograph(by(w["scrutiny"]), w["i"], photo["id"], "objection", "Shows a key"))
    url = f"/inspections/{w['i']}/photographs/{photo['id']}/resolve"
    mine, theirs = _both_open(first, second, url)
    assert post_form(first, url, {"resolution": "removed", "version": mine}).status_code == 303
    lost = post_form(second, url, {"resolution": "withdrawn", "version": theirs})
    assert lost.status_code == 409
    assert "Someone else changed" in lost.text and "HMIP removed it from the report" in lost.text
    assert "Objection resolved: photograph removed" in first.get(f"/inspections/{w['i']}/factcheck").text


def test_the_second_correction_of_the_draft_record_sees_the_conflict(two_hmip_sessions):
    w, first, second = two_hmip_sessions
    url = f"/inspections/{w['i']}/draft"
    checks = []
    for session, sent in ((first, working_days_ago(4)), (second, working_days_ago(2))):
        opened = session.get(url).text
        version = VERSION.search(opened)
        assert version, "the form carries no version"
        check = post_form(session, url, date_fields("sent", sent) | {"version": version.group(1)})
        assert check.status_code == 200
        confirm = {name: value for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', check.text)}
        checks.append({k: v for k, v in confirm.items() if k != "_csrf_token"})
    confirm_url = f"{url}/confirm"
    assert post_form(first, confirm_url, checks[0]).status_code == 303
    lost = post_form(second, confirm_url, checks[1])
    assert lost.status_code == 409 and "Someone else changed" in lost.text
    from tracker.templating import govuk_date

    assert govuk_date(working_days_ago(4)) in lost.text
