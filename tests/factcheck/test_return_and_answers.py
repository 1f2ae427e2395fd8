"""The Scrutiny Team's return (MoU ¶32) and HMIP's answers (MoU ¶33)."""

import csv
import io

from tests.factcheck.helpers import (
    add_point,
    answer,
    by,
    calendar,
    record_draft,
    submit_return,
    today,
    working_days_ago,
    xlsx,
)
from tests.support import (
    audit_rows,
    csrf_token,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    sign_in,
    stored_milestones,
)
from tracker.roles import Role


def _setup(client, username="scrutiny"):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    scrutiny = make_user("scrutiny", Role.HMPPS_SCRUTINY)
    governor = make_user("governor", Role.ESTABLISHMENT, establishment_ids=[est])
    inspection = make_inspection(est, end=working_days_ago(40), team_leader_id=leader)
    record_draft(inspection, working_days_ago(5), leader)
    sign_in(client, username)
    return {"est": est, "leader": leader, "scrutiny": scrutiny, "governor": governor, "i": inspection}


POINT = {
    "location": "Section 3, paragraph 3.12",
    "category": "data",
    "current_text": "14 incidents",
    "proposed_correction": "41 incidents",
    "evidence": "Hub extract of 3 March",
}


def test_points_added_one_by_one_with_and_without_htmx(client):
    w = _setup(client)
    url = f"/inspections/{w['i']}/factcheck/points"
    plain = post_form(client, url, POINT)
    assert plain.status_code == 303 and "done=added" in plain.headers["location"]
    assert "Point 1 added" in client.get(plain.headers["location"]).text
    fragment = post_form(client, url, POINT | {"location": "Page 7"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="points-section">')
    assert "Point 2 added" in fragment.text and "Page 7" in fragment.text
    bad = post_form(
        client, url, {"location": "Page 9", "current_text": "kept text"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 200
    assert "Select a category" in bad.text and "Enter the proposed correction" in bad.text
    assert 'value="Page 9"' in bad.text and "kept text" in bad.text
    assert len(audit_rows("factcheck.point_added")) == 2


def test_establishment_proposals_are_taken_in_or_dropped(client):
    w = _setup(client, "governor")
    url = f"/inspections/{w['i']}/factcheck/points"
    assert client.get(url).status_code == 404  # not shared yet
    from factcheck import queries
    from factcheck.operations.draft import share_draft
    from tests.support import run

    run(share_draft(by(w["scrutiny"]), w["i"]))
    overview = client.get(f"/inspections/{w['i']}/factcheck")
    assert "Your proposed corrections" in overview.text and "Download the draft report" not in overview.text
    for n in range(3):
        assert post_form(client, url, POINT | {"location": f"Page {n}"}).status_code == 303
    client.cookies.clear()
    sign_in(client, "scrutiny")
    page = client.get(url)
    assert "3 proposals waiting for a decision" in page.text
    points = run(queries.points_for(w["i"]))
    take = f"/inspections/{w['i']}/factcheck/points/{{}}/state"
    post_form(client, take.format(points[0]["id"]), {"action": "include"})
    post_form(client, take.format(points[1]["id"]), {"action": "include"})
    check = client.get(f"/inspections/{w['i']}/factcheck/check")
    assert "1 proposal from HMP Example still waiting" in check.text
    post_form(client, take.format(points[2]["id"]), {"action": "drop"})
    states = [p["state"] for p in run(queries.points_for(w["i"]))]
    assert states == ["included", "included", "dropped"]
    client.cookies.clear()
    sign_in(client, "governor")
    mine = client.get(f"/inspections/{w['i']}/factcheck")
    assert mine.text.count("Taken into the return") == 2 and "Not taken forward" in mine.text


def test_import_reports_each_bad_row_and_saves_nothing(client, run):
    from factcheck import queries

    w = _setup(client)
    url = f"/inspections/{w['i']}/factcheck/import"
    header = ["Location", "Category", "Current text", "Proposed correction", "Evidence"]
    rows = [
        header,
        ["3.1", "Data", "", "41 not 14", ""],
        ["3.2", "", "", "Governor's title", ""],
        ["3.3", "names or titles", "", "Ms Smith", ""],
        ["3.4", "", "", "", ""],
    ]
    token = csrf_token(client)
    bad = client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("points.xlsx", xlsx(rows), "application/octet-stream")},
    )
    assert bad.status_code == 200
    assert "Row 3: enter a category" in bad.text
    assert "Row 5: enter a category" in bad.text and "Row 5: enter the proposed correction" in bad.text
    assert "nothing has been added" in bad.text
    assert run(queries.points_for(w["i"])) == []
    rows[2][1] = "Names or titles"
    rows[4] = ["3.4", "Description of events", "", "It was on Tuesday", ""]
    good = client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("points.xlsx", xlsx(rows), "application/octet-stream")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert "4 points imported" in client.get(good.headers["location"]).text
    assert [p["category"] for p in run(queries.points_for(w["i"]))] == [
        "data",
        "names_titles",
        "names_titles",
        "events",
    ]


def test_import_csv_and_refusals(client, run):
    from factcheck import queries

    w = _setup(client)
    url = f"/inspections/{w['i']}/factcheck/import"
    token = csrf_token(client)
    content = b"Location,Category,Proposed correction\n2.1,Other,Typo\n2.2,Opinion,Change the judgement\n"
    bad = client.post(url, data={"_csrf_token": token}, files={"file": ("p.csv", content, "text/csv")})
    assert "Row 3: the category must be data, names or titles" in bad.text
    missing = client.post(
        url, data={"_csrf_token": token}, files={"file": ("p.csv", b"Where,What\n1,2\n", "text/csv")}
    )
    assert "The first row must name the columns" in missing.text
    exe = client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("p.xlsx", b"MZ\x00\x00" + b"\x00" * 50, "application/octet-stream")},
    )
    assert "must be an Excel spreadsheet (.xlsx) or CSV" in exe.text
    import zipfile

    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr(
            "[Content_Types].xml", "<Types>application/vnd.ms-excel.sheet.macroEnabled.main+xml</Types>"
        )
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/vbaProject.bin", "evil")
    refused = client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("p.xlsx", macro.getvalue(), "application/octet-stream")},
    )
    assert "contains macros" in refused.text
    empty = post_form(client, url, {})
    assert "Select a spreadsheet of accuracy points" in empty.text
    assert run(queries.points_for(w["i"])) == []


def test_return_details_check_and_submit_moves_the_timeline_to_hmip(client, run):
    w = _setup(client)
    add_point(w["i"], w["scrutiny"])
    returned_on = working_days_ago(1)
    no_reason = post_form(
        client,
        f"/inspections/{w['i']}/factcheck/details",
        date_fields("returned", returned_on) | {"content": "no"},
    )
    assert "Enter why HMPPS is not content to publish on the indicative date" in no_reason.text
    details = post_form(
        client,
        f"/inspections/{w['i']}/factcheck/details",
        date_fields("returned", returned_on) | {"content": "yes"},
    )
    assert details.status_code == 303 and details.headers["location"].endswith("/factcheck/check")
    check = client.get(details.headers["location"])
    assert "Check the return before submitting it" in check.text and "41, not 14" in check.text
    submitted = post_form(client, f"/inspections/{w['i']}/factcheck/submit")
    assert submitted.status_code == 303
    confirmation = client.get(submitted.headers["location"])
    assert "Fact check returned" in confirmation.text and "govuk-panel" in confirmation.text
    assert "HMIP response to accuracy points" in confirmation.text
    stored = stored_milestones(w["i"])
    assert stored["factcheck_return"]["status"] in ("done_on_time", "done_late")
    assert stored["hmip_response"]["due"] == calendar().add_working_days(returned_on, 10)
    assert stored["hmip_response"]["owner"] == "hmip"
    assert "factcheck.returned" in {r["action"] for r in audit_rows()}
    again = post_form(client, f"/inspections/{w['i']}/factcheck/points", POINT)
    assert "already been returned" in again.text or "no more points" in again.text


def test_hmip_answers_each_point_and_records_the_response(client, run):
    from factcheck import queries

    w = _setup(client, "leader")
    first = add_point(w["i"], w["scrutiny"])
    second = add_point(w["i"], w["scrutiny"], location="4.2", category="other")
    submit_return(w["i"], w["scrutiny"], working_days_ago(2))
    url = f"/inspections/{w['i']}/factcheck/points/{first['id']}/answer"
    form = client.get(url)
    assert "Answer point 1" in form.text
    missing = post_form(client, url, {"version": "1"})
    assert "Select whether HMIP accepts the point" in missing.text
    no_reason = post_form(client, url, {"version": "1", "decision": "not_accepted"})
    assert "Enter HMIP&#39;s reasons" in no_reason.text
    wrong = post_form(client, url, {"version": "1", "decision": "accepted", "matter_of_judgement": "yes"})
    assert "A matter of judgement is a reason for not accepting a point" in wrong.text
    ok = post_form(
        client,
        url,
        {
            "version": "1",
            "decision": "not_accepted",
            "matter_of_judgement": "yes",
            "reason": "Triangulated evidence",
        },
    )
    assert ok.status_code == 303
    early = post_form(client, f"/inspections/{w['i']}/factcheck/response", date_fields("sent", today()))
    assert "Answer every accuracy point first (1 not answered)" in early.text
    answer(w["i"], run(queries.point_row(w["i"], second["id"])), w["leader"], "partly_accepted", "Reworded")
    overview = client.get(f"/inspections/{w['i']}/factcheck")
    assert (
        "Matter of judgement (MoU ¶33)" in overview.text and "Record HMIP's response as sent" in overview.text
    )
    sent_on = today()
    done = post_form(client, f"/inspections/{w['i']}/factcheck/response", date_fields("sent", sent_on))
    assert done.status_code == 303
    stored = stored_milestones(w["i"])
    assert stored["hmip_response"]["status"] == "done_on_time"
    assert stored["publication"]["window_open"] == calendar().add_working_days(sent_on, 10)


def test_a_second_answer_on_a_stale_version_gets_409_with_the_current_answer(client, run):
    w = _setup(client, "leader")
    point = add_point(w["i"], w["scrutiny"])
    submit_return(w["i"], w["scrutiny"], working_days_ago(2))
    make_user("boss", Role.HMIP_MANAGER)
    url = f"/inspections/{w['i']}/factcheck/points/{point['id']}/answer"
    assert post_form(client, url, {"version": "1", "decision": "accepted"}).status_code == 303
    client.cookies.clear()
    sign_in(client, "boss")
    stale = post_form(client, url, {"version": "1", "decision": "not_accepted", "reason": "No"})
    assert stale.status_code == 409
    assert "Someone else changed the answer to point 1" in stale.text and "Accepted" in stale.text


def test_the_scrutiny_team_cannot_change_hmips_answers(client, run):
    from factcheck import queries

    w = _setup(client)
    point = add_point(w["i"], w["scrutiny"])
    submit_return(w["i"], w["scrutiny"], working_days_ago(2))
    answer(w["i"], point, w["leader"], "accepted")
    url = f"/inspections/{w['i']}/factcheck/points/{point['id']}/answer"
    assert client.get(url).status_code == 403
    refused = post_form(client, url, {"version": "2", "decision": "not_accepted", "reason": "Changed"})
    assert refused.status_code == 403
    assert run(queries.point_row(w["i"], point["id"]))["decision"] == "accepted"
    assert audit_rows("denied")[-1]["actor"] == "scrutiny"
    overview = client.get(f"/inspections/{w['i']}/factcheck")
    assert f"/points/{point['id']}/answer" not in overview.text


def test_summary_download_has_fixed_columns_neutralises_formulas_and_is_audited(client, run):
    from openpyxl import load_workbook

    w = _setup(client, "leader")
    point = add_point(
        w["i"],
        w["scrutiny"],
        location='=HYPERLINK("http://evil")',
        proposed_correction="+1+1",
        evidence="@SUM(A1)",
    )
    submit_return(w["i"], w["scrutiny"], working_days_ago(2))
    answer(w["i"], point, w["leader"], "not_accepted", "-2 is wrong")
    response = client.get(f"/inspections/{w['i']}/factcheck/summary.csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Point",
        "Location",
        "Category",
        "Current text",
        "Proposed correction",
        "Evidence",
        "HMIP decision",
        "Matter of judgement",
        "HMIP reasons",
    ]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")' and rows[1][4] == "'+1+1" and rows[1][5] == "'@SUM(A1)"
    assert rows[1][6] == "Not accepted" and rows[1][8] == "'-2 is wrong"
    book = load_workbook(io.BytesIO(client.get(f"/inspections/{w['i']}/factcheck/summary.xlsx").content))
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["Point", "Location", "Category"]
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil")' and sheet["B2"].data_type == "s"
    assert [r["detail"].split()[0] for r in audit_rows("factcheck.summary_download")] == [
        "format=csv",
        "format=xlsx",
    ]


def test_points_added_at_the_same_moment_get_different_numbers(client, run):
    import asyncio

    from factcheck.operations import points

    w = _setup(client)

    async def add_at_once():
        adds = [
            points.add_point(by(w["scrutiny"]), w["i"], POINT | {"location": f"Page {n}"}, proposal=False)
            for n in range(6)
        ]
        return await asyncio.gather(*adds)

    added = run(add_at_once())
    assert sorted(point["number"] for point in added) == [1, 2, 3, 4, 5, 6]


def test_the_return_details_give_every_problem_at_once(client):
    w = _setup(client)
    page = post_form(client, f"/inspections/{w['i']}/factcheck/details", {"content": "no"})
    assert "Enter the date the fact check was returned" in page.text
    assert "Enter why HMPPS is not content to publish on the indicative date" in page.text
