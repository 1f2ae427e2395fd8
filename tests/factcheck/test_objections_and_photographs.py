"""HMIP publishing over an HMPPS objection (MoU ¶18, ¶31: the decision to publish is HMIP's; only
Performance Hub data needs D&A's consent, Annex B ¶4.3) and the Annex A photograph protocol, per
role: the team leader, an HMIP manager, the Scrutiny Team, an HMPPS manager and the establishment."""

import pytest

from tests.factcheck.helpers import (
    PNG,
    add_data_item,
    add_photo,
    by,
    record_draft,
    today,
    working_days_ago,
)
from tests.support import (
    audit_rows,
    csrf_token,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    record_fact,
    sign_in,
)
from tracker.roles import Role


def _world(client, username: str) -> dict:
    est = make_establishment("HMP Example")
    w = {
        "leader": make_user("leader", Role.HMIP_TEAM_LEADER),
        "scrutiny": make_user("scrutiny", Role.HMPPS_SCRUTINY),
        "hmipmanager": make_user("hmipmanager", Role.HMIP_MANAGER),
        "hmppsmanager": make_user("hmppsmanager", Role.HMPPS_MANAGER, establishment_ids=[est]),
        "governor": make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est]),
    }
    w["i"] = make_inspection(est, kind="full", end=working_days_ago(40), team_leader_id=w["leader"])
    record_draft(w["i"], working_days_ago(5), w["leader"])
    sign_in(client, username)
    return w


def _object_to_data(run, w, source: str) -> dict:
    from factcheck.operations import data

    item = add_data_item(w["i"], w["leader"], source=source, notified_on=working_days_ago(3))
    run(
        data.respond_to_data_item(
            by(w["scrutiny"]),
            w["i"],
            item["id"],
            "objection",
            "Not yet validated",
            "",
            today(),
            today=today(),
        )
    )
    return item


def _object_to_photo(run, w) -> dict:
    from factcheck.operations import photographs

    photo = add_photo(w["i"], w["leader"])
    run(
        photographs.respond_to_photograph(by(w["scrutiny"]), w["i"], photo["id"], "objection", "Shows a lock")
    )
    return photo


@pytest.mark.parametrize("username", ["leader", "hmipmanager"])
def test_hmip_publishes_over_an_objection_to_non_hub_data_with_a_recorded_reason(client, run, username):
    w = _world(client, username)
    item = _object_to_data(run, w, "hmpps_other")
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "1 unresolved objection," in checklist and "(s)" not in checklist
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    url = f"/inspections/{w['i']}/data/{item['id']}/override"
    assert f'href="{url}"' in overview
    assert "Enter why HMIP is publishing over the objection" in post_form(client, url, {"reason": " "}).text
    done = post_form(client, url, {"reason": "The figures were checked with the prison's own records"})
    assert done.status_code == 303
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    assert "HMIP is publishing over the objection" in overview
    assert "The figures were checked with the prison&#39;s own records" in overview
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "HMIP is publishing over 1 objection" in checklist
    assert "unresolved objection" not in checklist
    row = audit_rows("factcheck.data_published_over_objection")[-1]
    assert row["actor"] == username and row["outcome"] == "success"


def test_hub_data_cannot_be_published_over_an_objection(client, run):
    w = _world(client, "leader")
    item = _object_to_data(run, w, "hub")
    url = f"/inspections/{w['i']}/data/{item['id']}/override"
    assert f'href="{url}"' not in client.get(f"/inspections/{w['i']}/factcheck").text
    refused = post_form(client, url, {"reason": "We think it is fine"})
    assert "Performance Hub data needs the written consent of MoJ Data and Analysis" in refused.text
    assert "1 unresolved objection," in client.get(f"/inspections/{w['i']}/publication").text


@pytest.mark.parametrize(
    ("username", "status"), [("scrutiny", 403), ("hmppsmanager", 403), ("governor", 404)]
)
def test_only_hmip_may_publish_over_an_objection(client, run, username, status):
    from factcheck.operations import data
    from tracker.operations import Denied

    w = _world(client, username)
    item = _object_to_data(run, w, "fieldwork")
    url = f"/inspections/{w['i']}/data/{item['id']}/override"
    assert post_form(client, url, {"reason": "Because"}).status_code in (status, 404)
    assert f'href="{url}"' not in client.get(f"/inspections/{w['i']}/factcheck").text
    from tests.support import principal_of
    from tracker.operations import Actor

    with pytest.raises(Denied):
        run(data.publish_over_objection(Actor(principal_of(username)), w["i"], item["id"], "Because"))


def test_hmip_publishes_over_an_objection_to_a_photograph(client, run):
    w = _world(client, "leader")
    photo = _object_to_photo(run, w)
    assert "1 unresolved objection" in client.get(f"/inspections/{w['i']}/publication").text
    url = f"/inspections/{w['i']}/photographs/{photo['id']}/override"
    assert "Enter why HMIP is publishing over the objection" in post_form(client, url, {}).text
    assert post_form(client, url, {"reason": "The lock is an ordinary door handle"}).status_code == 303
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    assert "HMIP is publishing over the objection" in overview
    assert "The lock is an ordinary door handle" in overview
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "HMIP is publishing over 1 objection" in checklist
    assert audit_rows("factcheck.photo_published_over_objection")[-1]["actor"] == "leader"


def _photo_form(client, url: str, fields: dict, image: bytes | None = PNG):
    files = {"image": ("x.png", image, "image/png")} if image else None
    data = {"_csrf_token": csrf_token(client)} | fields
    return client.post(url, data=data, files=files, follow_redirects=False)


def test_an_identifiable_person_needs_the_whole_consent_record(client, run):
    from factcheck import queries

    w = _world(client, "leader")
    url = f"/inspections/{w['i']}/photographs/new"
    form = client.get(url).text
    assert (
        "keys, details of locking arrangements or any other establishment security measure "
        "that would not be obvious to prisoners"
    ) in form
    base = {"caption": "Kitchen staff", "identity_check": "consent_held", "security_check": "yes"}
    missing = _photo_form(client, url, base)
    for message in (
        "Enter what the consent says the photograph is used for",
        "Enter how the consent says it will be stored",
        "Enter for how long the consent says it will be kept",
        "Enter who the consent says it will be shared with",
    ):
        assert message in missing.text
    consent = {
        "consent_purpose": "The published report and HMIP's website",
        "consent_storage": "HMIP's secure drive",
        "consent_duration": "Five years",
        "consent_sharing": "HMIP and HMPPS",
    }
    assert _photo_form(client, url, base | consent).status_code == 303
    photo = run(queries.photographs(w["i"]))[0]
    assert photo["consent_storage"] == "HMIP's secure drive"
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    assert "Five years" in overview and "HMIP and HMPPS" in overview


def test_consent_withdrawn_keeps_the_photograph_out_of_the_report(client, run):
    from factcheck.operations import photographs

    w = _world(client, "leader")
    consent = {
        "consent_purpose": "The report",
        "consent_storage": "HMIP's drive",
        "consent_duration": "Five years",
        "consent_sharing": "HMIP",
    }
    photo = run(
        photographs.add_photograph(
            by(w["leader"]), w["i"], "Officer", "consent_held", True, None, "", consent=consent
        )
    )
    nobody = add_photo(w["i"], w["leader"])
    refused = f"/inspections/{w['i']}/photographs/{nobody['id']}/consent-withdrawn"
    assert (
        "there is no consent to withdraw"
        in post_form(client, refused, date_fields("withdrawn", today())).text
    )
    url = f"/inspections/{w['i']}/photographs/{photo['id']}/consent-withdrawn"
    assert post_form(client, url, date_fields("withdrawn", today())).status_code == 303
    assert "Consent withdrawn" in client.get(f"/inspections/{w['i']}/factcheck").text
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "Photographs meet Annex A" in checklist and "1 to remove from the report" in checklist
    remove = f"/inspections/{w['i']}/photographs/{photo['id']}/remove"
    assert post_form(client, remove).status_code == 303
    assert "1 to remove from the report" not in client.get(f"/inspections/{w['i']}/publication").text


@pytest.mark.parametrize("flag", ["prisoner_of_interest", "may_upset_victims"])
def test_prisoners_of_interest_and_victims_are_flagged_and_kept_out(client, run, flag):
    w = _world(client, "leader")
    url = f"/inspections/{w['i']}/photographs/new"
    fields = {
        "caption": "Landing",
        "identity_check": "nobody_identifiable",
        "security_check": "yes",
        "flags": flag,
    }
    assert _photo_form(client, url, fields).status_code == 303
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    words = {
        "prisoner_of_interest": "Shows a prisoner of interest",
        "may_upset_victims": "Might upset victims",
    }
    assert words[flag] in overview
    assert "1 to remove from the report" in client.get(f"/inspections/{w['i']}/publication").text


def test_the_scrutiny_team_records_the_governor_consulted(client, run):
    from factcheck import queries

    w = _world(client, "scrutiny")
    photo = add_photo(w["i"], w["leader"])
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "Governor or Director consulted on the photographs (Annex A)" in checklist
    assert "1 photograph without the consultation recorded" in checklist
    url = f"/inspections/{w['i']}/photographs/{photo['id']}/response"
    assert "Date the Governor or Director was consulted" in client.get(url).text
    consulted = working_days_ago(1)
    ok = post_form(client, url, {"response": "no_objection"} | date_fields("consulted", consulted))
    assert ok.status_code == 303
    assert run(queries.photograph(w["i"], photo["id"]))["governor_consulted_on"] == consulted
    from tracker.templating import govuk_date

    assert (
        f"Governor consulted {govuk_date(consulted)}" in client.get(f"/inspections/{w['i']}/factcheck").text
    )
    assert "without the consultation recorded" not in client.get(f"/inspections/{w['i']}/publication").text


def test_no_photograph_or_data_item_is_added_after_publication(client, run):
    from factcheck.operations import photographs
    from tracker.operations import Refused

    w = _world(client, "leader")
    record_fact(w["i"], "factcheck_returned", working_days_ago(3))
    record_fact(w["i"], "hmip_response_sent", working_days_ago(2))
    record_fact(w["i"], "published", working_days_ago(1))
    with pytest.raises(Refused) as refused:
        run(
            photographs.add_photograph(
                by(w["leader"]), w["i"], "Late one", "nobody_identifiable", True, None, ""
            )
        )
    assert "No photograph can be added after the report is published (Annex A)" in refused.value.message
    overview = client.get(f"/inspections/{w['i']}/factcheck").text
    for offer in ("Add a photograph", "Add a data item", "Upload the draft report"):
        assert offer not in overview
    page = _photo_form(
        client,
        f"/inspections/{w['i']}/photographs/new",
        {"caption": "Late", "identity_check": "nobody_identifiable", "security_check": "yes"},
        None,
    )
    assert "No photograph can be added after the report is published (Annex A)" in page.text


def test_the_api_publishes_over_an_objection_through_the_same_operation(client, run):
    from tests.support import api_token

    w = _world(client, "leader")
    item = _object_to_data(run, w, "hmpps_other")
    hub = _object_to_data(run, w, "hub")
    photo = _object_to_photo(run, w)
    headers = {"Authorization": f"Bearer {api_token('leader')}"}
    base = f"/api/v1/inspections/{w['i']}"
    missing = client.post(f"{base}/data/{item['id']}/publish-over-objection", json={}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["errors"]["reason"] == "Enter why HMIP is publishing over the objection"
    ok = client.post(
        f"{base}/data/{item['id']}/publish-over-objection", json={"reason": "Checked"}, headers=headers
    )
    assert ok.status_code == 200
    refused = client.post(
        f"{base}/data/{hub['id']}/publish-over-objection", json={"reason": "Checked"}, headers=headers
    )
    assert refused.status_code == 409 and "Performance Hub data" in refused.text
    photo_ok = client.post(
        f"{base}/photographs/{photo['id']}/publish-over-objection",
        json={"reason": "Ordinary handle"},
        headers=headers,
    )
    assert photo_ok.status_code == 200
    body = client.get(f"{base}/factcheck", headers=headers).json()
    statuses = {d["id"]: d["status"] for d in body["data_items"]}
    assert statuses[item["id"]] == "published_over" and statuses[hub["id"]] == "objection"
    assert body["data_items"][0]["published_over_objection_reason"] == "Checked"
    assert body["photographs"][0]["published_over_objection_reason"] == "Ordinary handle"
    assert body["photographs"][0]["governor_consulted_on"] is None
    scrutiny = {"Authorization": f"Bearer {api_token('scrutiny')}"}
    denied = client.post(
        f"{base}/photographs/{photo['id']}/publish-over-objection", json={"reason": "x"}, headers=scrutiny
    )
    assert denied.status_code == 403


def test_a_finished_stages_form_says_so_instead_of_asking(client, run):
    w = _world(client, "leader")
    record_fact(w["i"], "factcheck_returned", working_days_ago(3))
    record_fact(w["i"], "hmip_response_sent", working_days_ago(2))
    record_fact(w["i"], "published", working_days_ago(1))
    photo = client.get(f"/inspections/{w['i']}/photographs/new")
    assert photo.status_code == 409
    assert "No photograph can be added after the report is published (Annex A)" in photo.text
    assert 'name="caption"' not in photo.text
    for url in ("data/new", "draft/upload"):
        page = client.get(f"/inspections/{w['i']}/{url}")
        assert page.status_code == 409 and "The report has been published" in page.text, url
    client.cookies.clear()
    sign_in(client, "scrutiny")
    imported = client.get(f"/inspections/{w['i']}/factcheck/import")
    assert imported.status_code == 409 and "The fact check has already been returned" in imported.text


def test_a_new_hmpps_response_asks_hmip_to_decide_again(client, run):
    from factcheck import queries
    from factcheck.operations import data

    w = _world(client, "leader")
    item = _object_to_data(run, w, "fieldwork")
    run(data.publish_over_objection(by(w["leader"]), w["i"], item["id"], "Checked"))
    run(
        data.respond_to_data_item(
            by(w["scrutiny"]), w["i"], item["id"], "objection", "Still wrong", "", today(), today=today()
        )
    )
    stored = run(queries.data_item(w["i"], item["id"]))
    assert stored["override_reason"] == "" and stored["overridden_at"] is None
    assert "1 unresolved objection," in client.get(f"/inspections/{w['i']}/publication").text
