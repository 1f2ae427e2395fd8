"""Inspections over HTTP: creating each kind with its checks, the inspection page, recording what
happened, urgent notifications, recommendations and IRP follow-ups, and the list's scope."""

from datetime import date

from tests.inspections.helpers import END, world
from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    post_form,
    record_fact,
    run,
    sign_in,
    stored_milestones,
)


def _new(client, **fields):
    data = {
        "kind": "full",
        "announced": "no",
        **date_fields("start_date", date(2025, 3, 3)),
        **date_fields("end_date", END),
    }
    data.update(fields)
    return post_form(client, "/inspections/new", data)


def test_team_leader_creates_a_full_inspection_with_milestones(client):
    w = world()
    sign_in(client, "leader")
    response = _new(
        client,
        establishment=str(w["a"]),
        team_leader=str(w["leader"]),
        team=str(w["inspector"]),
        coordinator="Cora Ordinator",
        liaison_officer="Liam Liaison",
    )
    assert response.status_code == 302
    new_id = int(response.headers["location"].split("/")[2].split("?")[0])
    page = client.get(response.headers["location"])
    assert "Inspection added" in page.text
    assert "Cora Ordinator" in page.text and "Liam Liaison" in page.text
    assert "32 working days after the inspection ended, never later than 7 weeks after — MoU ¶31" in page.text
    milestones = stored_milestones(new_id)
    assert milestones["debrief_note_to_hq"]["due"] == date(2025, 3, 21)
    assert audit_rows("inspection.create")[-1]["object_id"] == str(new_id)


def test_inspection_form_errors_keep_what_was_typed(client):
    w = world()
    sign_in(client, "leader")
    response = _new(
        client,
        establishment=str(w["a"]),
        team_leader=str(w["leader"]),
        coordinator="Kept Coordinator",
        **date_fields("start_date", date(2025, 3, 20)),
        **{"end_date-day": "31", "end_date-month": "2", "end_date-year": "2025"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The last day of the inspection must be a real date" in response.text
    assert 'value="Kept Coordinator"' in response.text
    before = _new(
        client,
        establishment=str(w["a"]),
        team_leader=str(w["leader"]),
        **date_fields("start_date", date(2025, 3, 20)),
    )
    assert "The last day must be the same as or after the first day" in before.text
    missing = post_form(client, "/inspections/new", {})
    for message in (
        "Select the establishment",
        "Select the kind of inspection",
        "Enter the first day of the inspection",
    ):
        assert message in missing.text
    far = _new(
        client,
        establishment=str(w["a"]),
        team_leader=str(w["leader"]),
        **date_fields("start_date", date(2001, 1, 1)),
    )
    assert "within 10 years before" in far.text


def test_announced_inspection_needs_its_notification_date(client):
    w = world()
    sign_in(client, "leader")
    response = _new(client, establishment=str(w["a"]), team_leader=str(w["leader"]), announced="yes")
    assert "Enter the date the establishment was told of the inspection" in response.text
    ok = _new(
        client,
        establishment=str(w["a"]),
        team_leader=str(w["leader"]),
        announced="yes",
        **date_fields("announced_on", date(2024, 9, 2)),
    )
    assert ok.status_code == 302
    assert "Yes, told on 2 September 2024" in client.get(ok.headers["location"]).text


def test_a_team_leader_cannot_create_another_leaders_inspection(client):
    w = world()
    sign_in(client, "leader")
    response = _new(client, establishment=str(w["a"]), team_leader=str(w["otherleader"]))
    assert response.status_code == 200
    assert "Select yourself as team leader" in response.text


def test_irp_must_follow_a_full_inspection_of_the_same_establishment_and_is_warned_outside_its_window(client):
    w = world()
    sign_in(client, "hmipmanager")
    wrong = _new(
        client,
        establishment=str(w["a"]),
        kind="irp",
        team_leader=str(w["leader"]),
        follows=str(w["ib"]),
        **date_fields("start_date", date(2025, 12, 1)),
        **date_fields("end_date", date(2025, 12, 3)),
    )
    assert "must follow a full inspection of the same establishment" in wrong.text
    missing = _new(client, establishment=str(w["a"]), kind="irp", team_leader=str(w["leader"]))
    assert "Select the full inspection this review follows" in missing.text
    early = {
        "establishment": str(w["a"]),
        "kind": "irp",
        "team_leader": str(w["leader"]),
        "follows": str(w["ia"]),
        "announced": "yes",  # IRPs are announced visits (MoU ¶49): tests/inspections/test_irp_visit.py
        **date_fields("announced_on", date(2025, 5, 1)),
        **date_fields("start_date", date(2025, 6, 2)),
        **date_fields("end_date", date(2025, 6, 4)),
    }
    warned = _new(client, **early)
    assert warned.status_code == 200
    assert "outside the 8 to 12 month window" in warned.text
    assert "14 November 2025 to 14 March 2026" in warned.text
    assert 'name="confirm" value="yes"' in warned.text
    saved = _new(client, **early, confirm="yes")
    assert saved.status_code == 302
    inside = _new(
        client,
        **{
            **early,
            **date_fields("start_date", date(2025, 12, 1)),
            **date_fields("end_date", date(2025, 12, 3)),
        },
    )
    assert inside.status_code == 302
    page = client.get(inside.headers["location"])
    assert "the full inspection that ended 14 March 2025" in page.text
    assert "25 working days after the review visit ended" in page.text


def test_thematic_review_with_its_own_stage_durations(client):
    w = world()
    sign_in(client, "hmipmanager")
    base = {
        "establishment": str(w["a"]),
        "kind": "thematic",
        "team_leader": str(w["leader"]),
        "visited": [str(w["b"])],
    }
    untitled = _new(client, **base)
    assert "Enter the title of the thematic review" in untitled.text
    bad = _new(client, **base, title="Time out of cell", stage_draft_report="soon")
    assert "Enter a duration like" in bad.text
    ok = _new(
        client,
        **base,
        title="Time out of cell",
        stage_draft_report="40 working days",
        stage_action_plan="n/a",
    )
    assert ok.status_code == 302
    new_id = int(ok.headers["location"].split("/")[2].split("?")[0])
    page = client.get(ok.headers["location"])
    assert "Thematic review: Time out of cell" in page.text
    assert "HMP Elsewhere" in page.text
    milestones = stored_milestones(new_id)
    assert "(set for this review)" in milestones["draft_report"]["rule"]
    assert milestones["action_plan"]["status"] == "not_applicable"
    assert "MoU ¶53 (¶31)" in milestones["draft_report_limit"]["source"]


def test_stc_inspections_are_joint_with_ofsted_and_the_cqc(client):
    w = world()
    stc = make_establishment("Oakhill STC", kind="stc", cohort="cyp", operator="contracted")
    sign_in(client, "hmipmanager")
    response = _new(client, establishment=str(stc), team_leader=str(w["leader"]))
    page = client.get(response.headers["location"])
    assert "Ofsted" in page.text and "Care Quality Commission (CQC)" in page.text


def test_edit_is_for_the_lead_and_a_second_editor_gets_409_with_current_values(client):
    w = world()
    sign_in(client, "otherleader")
    assert client.get(f"/inspections/{w['ia']}/edit").status_code == 403
    client.cookies.clear()
    sign_in(client, "leader")
    form = client.get(f"/inspections/{w['ia']}/edit").text
    assert 'name="version" value="1"' in form
    data = {
        "announced": "no",
        "team_leader": str(w["leader"]),
        "version": "1",
        **date_fields("start_date", date(2025, 3, 3)),
        **date_fields("end_date", END),
    }
    first = post_form(client, f"/inspections/{w['ia']}/edit", {**data, "coordinator": "First Editor"})
    assert first.status_code == 302
    second = post_form(client, f"/inspections/{w['ia']}/edit", {**data, "coordinator": "Second Editor"})
    assert second.status_code == 409
    assert "Someone else changed this inspection" in second.text
    assert "First Editor" in second.text
    assert "Second Editor" not in client.get(f"/inspections/{w['ia']}").text


def test_record_debrief_note_sent_and_correct_it(client):
    w = world()
    sign_in(client, "leader")
    form = client.get(f"/inspections/{w['ia']}/events/new?kind=debrief_note_sent")
    assert "Debrief note sent to HMPPS HQ" in form.text
    before_debrief = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "debrief_note_sent", **date_fields("occurred_on", date(2025, 3, 24))},
    )
    assert "The debrief note to HMPPS HQ cannot be recorded before the final debrief" in before_debrief.text
    record_fact(w["ia"], "debrief_held", date(2025, 3, 14))
    future = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "debrief_note_sent", **date_fields("occurred_on", date(2099, 1, 1))},
    )
    assert "The debrief note to HMPPS HQ cannot be dated in the future" in future.text
    before_debrief_date = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "debrief_note_sent", **date_fields("occurred_on", date(2025, 3, 13))},
    )
    assert "cannot be dated before the final debrief (14 March 2025)" in before_debrief_date.text
    ok = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "debrief_note_sent", **date_fields("occurred_on", date(2025, 3, 24))},
    )
    assert ok.status_code == 302
    milestone = stored_milestones(w["ia"])["debrief_note_to_hq"]
    assert milestone["status"] == "done_late" and milestone["working_days"] == 1
    page = client.get(f"/inspections/{w['ia']}").text
    assert "Done 24 March 2025, 1 working day late" in page
    from inspections.tables import InspectionEvent

    event_id = run(
        InspectionEvent.select(InspectionEvent.id).where(InspectionEvent.kind == "debrief_note_sent").first()
    )["id"]
    correction = {
        "kind": "debrief_note_sent",
        "corrects": str(event_id),
        **date_fields("occurred_on", date(2025, 3, 20)),
    }
    no_reason = post_form(client, f"/inspections/{w['ia']}/events/new", correction)
    assert "Enter why the record is being corrected" in no_reason.text
    correction["reason"] = "Sent on the Thursday, not the Monday"
    assert post_form(client, f"/inspections/{w['ia']}/events/new", correction).status_code == 302
    assert stored_milestones(w["ia"])["debrief_note_to_hq"]["status"] == "done_on_time"
    assert len(run(InspectionEvent.select().where(InspectionEvent.kind == "debrief_note_sent"))) == 2
    assert "Corrects an earlier entry." in client.get(f"/inspections/{w['ia']}").text


def test_pre_inspection_instructions_and_feedback_sought_are_recorded(client):
    w = world()
    sign_in(client, "leader")
    for kind, day in (
        ("pre_inspection_instructions", date(2025, 2, 17)),
        ("feedback_sought", date(2025, 3, 28)),
    ):
        response = post_form(
            client, f"/inspections/{w['ia']}/events/new", {"kind": kind, **date_fields("occurred_on", day)}
        )
        assert response.status_code == 302, response.text
    page = client.get(f"/inspections/{w['ia']}").text
    assert "Pre-inspection instructions issued" in page and "MoU ¶22" in page
    assert "Voluntary feedback sought from the establishment" in page and "MoU ¶29" in page


def test_urgent_notification_letter_publication_and_response(client):
    w = world()
    sign_in(client, "leader")
    assert "un_letter_sent" not in client.get(f"/inspections/{w['ia']}/events/new").text
    confirm = client.get(f"/inspections/{w['ia']}/urgent-notification")
    assert "7 calendar days after the inspection ended — MoU ¶39" in confirm.text and "in due course" in confirm.text
    assert (
        "Enter why the urgent notification"
        in post_form(client, f"/inspections/{w['ia']}/urgent-notification", {}).text
    )
    raised = post_form(
        client, f"/inspections/{w['ia']}/urgent-notification", {"reason": "Grave concerns about safety"}
    )
    assert raised.status_code == 302
    assert stored_milestones(w["ia"])["un_letter"]["due"] == date(2025, 3, 21)
    page = client.get(raised.headers["location"]).text
    assert "Urgent notification raised" in page and "Re-inspection: in due course" in page
    no_time = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "un_letter_sent", **date_fields("occurred_on", date(2025, 3, 19))},
    )
    assert "Enter the hour" in no_time.text
    sent = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {
            "kind": "un_letter_sent",
            "hour": "14",
            "minute": "30",
            **date_fields("occurred_on", date(2025, 3, 19)),
        },
    )
    assert sent.status_code == 302
    milestones = stored_milestones(w["ia"])
    assert milestones["un_letter"]["status"] == "done_on_time"
    assert milestones["un_publication"]["due"] == date(2025, 3, 20)
    assert milestones["sos_response"]["due"] == date(2025, 4, 16)
    page = client.get(f"/inspections/{w['ia']}").text
    assert "20 March 2025 at 2:30pm" in page
    no_link = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {"kind": "sos_responded", **date_fields("occurred_on", date(2025, 4, 10))},
    )
    assert "Enter the link to the Secretary of State" in no_link.text
    hostile = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {
            "kind": "sos_responded",
            "link": "javascript:alert(1)",
            **date_fields("occurred_on", date(2025, 4, 10)),
        },
    )
    assert "Enter the link in the correct format, like https://" in hostile.text
    responded = post_form(
        client,
        f"/inspections/{w['ia']}/events/new",
        {
            "kind": "sos_responded",
            "link": "https://www.gov.uk/response",
            **date_fields("occurred_on", date(2025, 4, 10)),
        },
    )
    assert responded.status_code == 302
    assert stored_milestones(w["ia"])["sos_response"]["status"] == "done_on_time"
    assert 'href="https://www.gov.uk/response"' in client.get(f"/inspections/{w['ia']}").text


def test_urgent_notification_only_on_a_full_inspection(client):
    w = world()
    irp = make_inspection(
        w["a"], kind="irp", end=date(2025, 12, 3), team_leader_id=w["leader"], follows=w["ia"]
    )
    sign_in(client, "leader")
    response = post_form(client, f"/inspections/{irp}/urgent-notification", {"reason": "x"})
    assert "only be raised on a full inspection" in response.text


def test_stc_urgent_notification_written_by_ofsted(client):
    w = world()
    stc = make_establishment("Oakhill STC", kind="stc", cohort="cyp")
    inspection = make_inspection(stc, end=END, team_leader_id=w["leader"])
    sign_in(client, "leader")
    post_form(client, f"/inspections/{inspection}/urgent-notification", {"reason": "Concerns"})
    form = client.get(f"/inspections/{inspection}/events/new?kind=un_letter_sent").text
    assert "Ofsted (secure training centre" in form
    post_form(
        client,
        f"/inspections/{inspection}/events/new",
        {
            "kind": "un_letter_sent",
            "writer": "ofsted",
            "hour": "9",
            "minute": "0",
            **date_fields("occurred_on", date(2025, 3, 18)),
        },
    )
    assert "Written by Ofsted." in client.get(f"/inspections/{inspection}").text


def test_recommendations_typed_pasted_and_imported(client):
    w = world()
    sign_in(client, "leader")
    one = post_form(
        client,
        f"/inspections/{w['ia']}/recommendations",
        {"how": "one", "text": "Reduce violence", "area": "Safety", "rec_kind": "recommendation"},
    )
    assert one.status_code == 302
    pasted = post_form(
        client,
        f"/inspections/{w['ia']}/recommendations",
        {
            "how": "paste",
            "pasted": "2. Improve time out of cell\nR3: Better release planning\n\nMore education",
            "rec_kind": "area_of_concern",
        },
    )
    assert pasted.status_code == 302
    page = client.get(pasted.headers["location"]).text
    assert "3 recommendations added" in page
    from inspections.queries import recommendations_of

    rows = run(recommendations_of(w["ia"]))
    assert [r["reference"] for r in rows] == ["R1", "2", "R3", "R4"]
    assert rows[1]["kind"] == "area_of_concern"
    bad_csv = "reference,text,kind\nR5,Fine one,recommendation\nR6,,recommendation\nR7,Other,nonsense\n"
    bad = post_form(
        client,
        f"/inspections/{w['ia']}/recommendations",
        {"how": "file"},
        files={"file": ("recs.csv", bad_csv.encode(), "text/csv")},
    )
    assert "Row 3: enter the recommendation" in bad.text
    assert "Row 4: kind must be Recommendation or Area of concern" in bad.text
    assert len(run(recommendations_of(w["ia"]))) == 4
    good = post_form(
        client,
        f"/inspections/{w['ia']}/recommendations",
        {"how": "file"},
        files={"file": ("recs.csv", b"reference,text,area\nR5,Fine one,Respect\n", "text/csv")},
    )
    assert good.status_code == 302
    assert len(run(recommendations_of(w["ia"]))) == 5


def test_irp_picks_which_recommendations_it_follows_up(client):
    w = world()
    from inspections.operations.recommendations import add_recommendations
    from inspections.queries import follow_up_ids
    from tracker.operations import Actor

    run(add_recommendations(Actor.system("test"), w["ia"], [{"text": f"Recommendation {n}"} for n in range(1, 6)]))
    other = run(add_recommendations(Actor.system("test"), w["ib"], [{"text": "Elsewhere's"}]))
    assert other == 1
    irp = make_inspection(
        w["a"], kind="irp", end=date(2025, 12, 3), team_leader_id=w["leader"], follows=w["ia"]
    )
    sign_in(client, "leader")
    page = client.get(f"/inspections/{irp}/follow-ups").text
    assert "Recommendation 5" in page and "Elsewhere&#39;s" not in page
    from inspections.queries import recommendations_of

    ids = [r["id"] for r in run(recommendations_of(w["ia"]))]
    none = post_form(client, f"/inspections/{irp}/follow-ups", {})
    assert "Select the recommendations this review follows up" in none.text
    foreign = [r["id"] for r in run(recommendations_of(w["ib"]))]
    assert (
        "Select recommendations from the full"
        in post_form(client, f"/inspections/{irp}/follow-ups", {"recommendations": [str(foreign[0])]}).text
    )
    ok = post_form(client, f"/inspections/{irp}/follow-ups", {"recommendations": [str(ids[0]), str(ids[2])]})
    assert ok.status_code == 302
    assert sorted(run(follow_up_ids(irp))) == [ids[0], ids[2]]


def test_list_filters_sorting_and_scope(client):
    w = world()
    record_fact(w["ia"], "draft_sent", date(2025, 4, 28))
    sign_in(client, "hmipmanager")
    everything = client.get("/inspections").text
    assert "HMP Example" in everything and "HMP Elsewhere" in everything
    fact_check = client.get("/inspections?stage=fact_check").text
    assert "1 inspection" in fact_check and "HMP Example" in fact_check.split("<tbody")[1]
    by_establishment = client.get(f"/inspections?establishment={w['b']}").text
    assert "HMP Example" not in by_establishment.split("<tbody")[1]
    sorted_page = client.get("/inspections?sort=establishment").text.split("<tbody")[1]
    assert sorted_page.index("HMP Elsewhere") < sorted_page.index("HMP Example")
    fragment = client.get("/inspections?kind=irp", headers={"HX-Request": "true"})
    fragment_text = fragment.text.lstrip()
    assert fragment_text.startswith("<div class=\"app-table-scroll\"") and "<html" not in fragment_text
    assert "<table" in fragment_text and "0 inspections" in fragment_text
    client.cookies.clear()
    sign_in(client, "governor")
    mine = client.get("/inspections").text
    assert "HMP Elsewhere" not in mine and "HMP Example" in mine
    client.cookies.clear()
    sign_in(client, "inspector")
    theirs = client.get("/inspections").text.split("<tbody")[1]
    assert "HMP Example" in theirs and "HMP Elsewhere" not in theirs


def test_inspection_page_shows_next_action_for_each_side(client):
    w = world()
    sign_in(client, "leader")
    page = client.get(f"/inspections/{w['ia']}").text
    assert "Next for you" in page and "Log the final debrief" in page
    record_fact(w["ia"], "draft_sent", date(2025, 4, 28))
    client.cookies.clear()
    sign_in(client, "scrutiny")
    scrutiny = client.get(f"/inspections/{w['ia']}").text
    assert "Fact check returned to HMIP: due" in scrutiny
    assert "Record what happened" not in scrutiny
