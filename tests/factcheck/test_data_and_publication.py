"""Unpublished data (MoU ¶18), photographs (Annex A), proceeding without a return (¶32),
the ready-to-publish checklist and publication (¶34-¶35), IRPs and thematic reviews."""

from datetime import timedelta

from tests.factcheck.helpers import (
    add_data_item,
    add_point,
    answer,
    by,
    calendar,
    record_draft,
    submit_return,
    today,
    working_days_ago,
)
from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    record_fact,
    sign_in,
    stored_milestones,
)
from tracker.roles import Role


def _setup(client, username="leader", *, draft_days_ago=5, kind="full", end_days_ago=40, **fields):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    inspection = make_inspection(
        est, kind=kind, end=working_days_ago(end_days_ago), team_leader_id=leader, **fields
    )
    if draft_days_ago is not None:
        record_draft(inspection, working_days_ago(draft_days_ago), leader)
    sign_in(client, username)
    return {"est": est, "leader": leader, "scrutiny": scrutiny, "i": inspection}


def test_hub_consent_needs_the_data_and_analysis_reference(client, run):
    from factcheck import queries

    w = _setup(client, "scrutiny")
    item = add_data_item(w["i"], w["leader"], notified_on=working_days_ago(3))
    url = f"/inspections/{w['i']}/data/{item['id']}/response"
    missing = post_form(client, url, {"response": "consent"} | date_fields("responded", today()))
    assert "Enter the MoJ Data and Analysis written-consent reference" in missing.text
    objection = post_form(client, url, {"response": "objection"} | date_fields("responded", today()))
    assert "Enter the reason for the objection" in objection.text
    ok = post_form(
        client,
        url,
        {"response": "consent", "consent_reference": "DA-2025-117"} | date_fields("responded", today()),
    )
    assert ok.status_code == 303
    assert run(queries.data_item(w["i"], item["id"]))["consent_reference"] == "DA-2025-117"
    assert "Consent given" in client.get(f"/inspections/{w['i']}/factcheck").text
    assert audit_rows("factcheck.data_response")[-1]["detail"].endswith("response=consent")


def test_an_objection_blocks_ready_to_publish_until_resolved(client, run):
    from factcheck.operations import data

    w = _setup(client, "leader")
    item = add_data_item(w["i"], w["leader"], source="hmpps_other", notified_on=working_days_ago(3))
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
    page = client.get(f"/inspections/{w['i']}/publication")
    assert "1 unresolved objection," in page.text
    resolve = f"/inspections/{w['i']}/data/{item['id']}/resolve"
    assert "Select how the objection was resolved" in post_form(client, resolve, {}).text
    assert (
        post_form(client, resolve, {"resolution": "removed", "note": "Figure taken out"}).status_code == 303
    )
    assert "1 data item cleared" in client.get(f"/inspections/{w['i']}/publication").text


def test_no_response_by_the_deadline_shows_proceed_under_mou_18_and_records_who(client, run):
    from factcheck import queries

    w = _setup(client, "leader", draft_days_ago=17)
    item = add_data_item(w["i"], w["leader"], notified_on=working_days_ago(16))
    page = client.get(f"/inspections/{w['i']}/factcheck")
    assert "No response: proceed under MoU ¶18" in page.text
    assert post_form(client, f"/inspections/{w['i']}/data/{item['id']}/proceed").status_code == 303
    stored = run(queries.data_item(w["i"], item["id"]))
    assert stored["proceeded_by"] == w["leader"] and stored["proceeded_at"] is not None
    assert "No response: HMIP proceeded under MoU ¶18" in client.get(f"/inspections/{w['i']}/factcheck").text
    # before the deadline HMIP cannot proceed
    fresh = add_data_item(w["i"], w["leader"], notified_on=None)
    refused = post_form(client, f"/inspections/{w['i']}/data/{fresh['id']}/proceed")
    assert "HMIP may proceed only when the last day to object has passed" in refused.text


def test_missed_fact_check_deadline_lets_hmip_proceed_and_records_it(client, run):
    w = _setup(client, "leader", draft_days_ago=17)
    page = client.get(f"/inspections/{w['i']}/factcheck")
    assert "with no return: HMIP may proceed to publication (MoU ¶32)" in page.text
    assert post_form(client, f"/inspections/{w['i']}/factcheck/proceed").status_code == 303
    after = client.get(f"/inspections/{w['i']}/factcheck")
    assert "HMIP proceeded to publication without it" in after.text
    assert audit_rows("factcheck.proceeded_without_return")[-1]["actor"] == "leader"
    checklist = client.get(f"/inspections/{w['i']}/publication").text
    assert "HMIP may proceed to publication (MoU ¶32)" in checklist


def test_proceeding_is_refused_before_the_deadline(client):
    w = _setup(client, "leader", draft_days_ago=3)
    refused = post_form(client, f"/inspections/{w['i']}/factcheck/proceed")
    assert "only once the fact-check deadline has passed" in refused.text


def test_photographs_annex_a_checks_objection_and_image(client, run):
    from tests.factcheck.helpers import PNG

    w = _setup(client, "leader")
    url = f"/inspections/{w['i']}/photographs/new"
    missing = post_form(client, url, {"caption": "Landing"})
    assert "Select whether anyone can be identified" in missing.text
    assert "Confirm the photograph shows no keys, locks or security measures (Annex A)" in missing.text
    from tests.support import csrf_token

    bad = client.post(
        url,
        data={
            "_csrf_token": csrf_token(client),
            "caption": "Landing",
            "identity_check": "nobody_identifiable",
            "security_check": "yes",
        },
        files={"image": ("x.png", b"GIF89a....", "image/png")},
    )
    assert "The selected image must be a PNG or JPEG" in bad.text
    good = client.post(
        url,
        data={
            "_csrf_token": csrf_token(client),
            "caption": "Landing",
            "identity_check": "nobody_identifiable",
            "security_check": "yes",
        },
        files={"image": ("x.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    from factcheck import queries

    photo = run(queries.photographs(w["i"]))[0]
    image = client.get(f"/inspections/{w['i']}/photographs/{photo['id']}/image")
    assert image.content == PNG and image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    client.cookies.clear()
    sign_in(client, "scrutiny")
    respond = f"/inspections/{w['i']}/photographs/{photo['id']}/response"
    assert "Enter the reason for the objection" in post_form(client, respond, {"response": "objection"}).text
    post_form(client, respond, {"response": "objection", "objection_reason": "Shows a cell door lock"})
    assert "1 unresolved objection" in client.get(f"/inspections/{w['i']}/publication").text


def test_publication_is_refused_until_ready_then_recorded_with_the_14_week_aim(client, run):
    w = _setup(client, "leader", draft_days_ago=30, end_days_ago=62)
    record_fact(w["i"], "debrief_held", working_days_ago(62))
    record_fact(w["i"], "debrief_note_sent", working_days_ago(59))
    point = add_point(w["i"], w["scrutiny"])
    submit_return(w["i"], w["scrutiny"], working_days_ago(16))
    url = f"/inspections/{w['i']}/publication"
    early = post_form(
        client, url, date_fields("published", today()) | {"link": "https://example.gov.uk/report"}
    )
    assert "The report is not ready to publish" in early.text
    page = client.get(url)
    assert "0 of 1 answered" in page.text and "To do" in page.text
    answer(w["i"], point, w["leader"], "accepted")
    post_form(client, f"/inspections/{w['i']}/factcheck/response", date_fields("sent", working_days_ago(12)))
    press = post_form(client, f"{url}/press-release", date_fields("shared", working_days_ago(2)))
    assert press.status_code == 303
    bad_link = post_form(
        client, url, date_fields("published", working_days_ago(1)) | {"link": "javascript:alert(1)"}
    )
    assert "Enter the link in the correct format" in bad_link.text
    published_on = working_days_ago(1)
    check = post_form(
        client, url, date_fields("published", published_on) | {"link": "https://example.gov.uk/report"}
    )
    assert "Check before recording publication" in check.text
    done = post_form(
        client,
        f"{url}/confirm",
        {"published_on": published_on.isoformat(), "link": "https://example.gov.uk/report"},
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Publication recorded" in page.text
    stored = stored_milestones(w["i"])
    aim = stored["publication_aim"]
    end = working_days_ago(62)
    assert aim["due"] == end + timedelta(weeks=14)
    expected = "done_on_time" if published_on <= aim["due"] else "done_late"
    assert aim["status"] == expected
    words = "Met: published" if expected == "done_on_time" else "Missed: published"
    assert (
        f"{words} {calendar().working_days_between(min(published_on, aim['due']), max(published_on, aim['due']))} working day"
        in page.text
    )
    open_ones = {
        k: m["status"] for k, m in stored.items() if m["status"] not in ("done_on_time", "done_late", "done")
    }
    assert set(open_ones) <= {"action_plan"}, open_ones
    assert stored["action_plan"]["status"] not in ("waiting",)


def test_irp_fact_check_is_10_working_days_and_the_response_letter_is_an_event(client, run):
    from inspections.tables import InspectionEvent

    w = _setup(client, "scrutiny", kind="irp", end_days_ago=12, draft_days_ago=2)
    stored = stored_milestones(w["i"])
    assert stored["irp_factcheck_return"]["due"] == calendar().add_working_days(working_days_ago(2), 10)
    assert stored["irp_publication"]["due"] == calendar().add_working_days(working_days_ago(12), 25)
    page = client.get(f"/inspections/{w['i']}/factcheck")
    assert "10 working days after the draft was received — MoU ¶50" in page.text
    url = f"/inspections/{w['i']}/irp-response-letter"
    assert (
        post_form(client, url, date_fields("on", today()) | {"note": "Accepts the findings"}).status_code
        == 303
    )
    events = run(
        InspectionEvent.select().where(InspectionEvent.kind == "hmpps_response_letter").output(load_json=True)
    )
    assert len(events) == 1 and events[0]["detail"]["note"] == "Accepts the findings"
    assert "Received" in client.get(f"/inspections/{w['i']}/factcheck").text


def test_the_irp_draft_has_no_indicative_date(client):
    w = _setup(client, "leader", kind="irp", end_days_ago=12, draft_days_ago=None)
    form = client.get(f"/inspections/{w['i']}/draft")
    assert "Indicative publication date" not in form.text
    check = post_form(client, f"/inspections/{w['i']}/draft", date_fields("sent", working_days_ago(1)))
    assert "Check before recording the draft sent" in check.text


def test_thematic_review_uses_its_own_stage_settings_and_needs_emerging_findings(client, run):
    overrides = {"factcheck_return": "20 working days", "indicative_publication": "8 to 10 weeks"}
    w = _setup(client, "leader", kind="thematic", draft_days_ago=None, stage_overrides=overrides)
    sent = working_days_ago(2)
    too_early = post_form(
        client,
        f"/inspections/{w['i']}/draft",
        date_fields("sent", sent) | date_fields("indicative", sent + timedelta(weeks=7, days=3)),
    )
    assert "The indicative publication date must be between" in too_early.text
    ok = post_form(
        client,
        f"/inspections/{w['i']}/draft",
        date_fields("sent", sent) | date_fields("indicative", sent + timedelta(weeks=9)),
    )
    assert "Check before recording the draft sent" in ok.text
    record_draft(w["i"], sent, w["leader"], indicative=sent + timedelta(weeks=9))
    assert stored_milestones(w["i"])["factcheck_return"]["due"] == calendar().add_working_days(sent, 20)
    page = client.get(f"/inspections/{w['i']}/publication")
    assert "Emerging findings discussed with HMPPS (MoU ¶52)" in page.text
    assert (
        post_form(client, f"/inspections/{w['i']}/emerging-findings", date_fields("on", today())).status_code
        == 303
    )
    assert "Discussed" in client.get(f"/inspections/{w['i']}/publication").text
    assert client.get(f"/inspections/{w['i']}/irp-response-letter").status_code == 404


def test_hostile_text_is_shown_escaped(client):
    w = _setup(client, "scrutiny")
    add_point(
        w["i"],
        w["scrutiny"],
        location="<script>alert(1)</script>",
        proposed_correction='"><img src=x onerror=alert(1)>',
    )
    page = client.get(f"/inspections/{w['i']}/factcheck/points")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text


def test_record_fact_still_counts_when_published_without_a_return(client):
    w = _setup(client, "scrutiny", draft_days_ago=17)
    record_fact(w["i"], "published", today())
    assert f"/inspections/{w['i']}/factcheck" not in client.get("/factcheck").text


def test_an_overtaken_fact_check_leaves_the_scrutiny_teams_queue(client, run):
    """Issue 15: HMIP published after the fact-check deadline without a return (¶32): the return is
    overtaken, so it is in nobody's queue, not overdue for ever."""
    from factcheck import queries

    w = _setup(client, "scrutiny", draft_days_ago=40, end_days_ago=80)
    assert [r["inspection"] for r in run(queries.fact_checks_under_way(today()))] == [w["i"]]
    record_fact(w["i"], "published", working_days_ago(2))
    assert run(queries.fact_checks_under_way(today())) == []
    from tests.support import stored_milestones

    stored = stored_milestones(w["i"])["factcheck_return"]
    assert stored["status"] == "overtaken"
