"""The draft and its covering letter (MoU ¶31), the Scrutiny Team's queue and home panel."""

from datetime import timedelta

from tests.factcheck.helpers import (
    PDF,
    calendar,
    inspection_row,
    record_draft,
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
    sign_in,
    stored_milestones,
)
from tracker.roles import Role


def _setup(client, username="leader", role=Role.HMIP_TEAM_LEADER, end_days_ago=40):
    est = make_establishment("HMP Example")
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    if username != "leader":
        make_user(username, role)
    inspection = make_inspection(est, end=working_days_ago(end_days_ago), team_leader_id=leader)
    sign_in(client, username)
    return est, leader, inspection


def test_draft_proposes_38_working_days_and_records_draft_sent(client):
    _est, _leader, inspection = _setup(client)
    sent = working_days_ago(2)
    page = client.get(f"/inspections/{inspection}/draft")
    assert "Record the draft report sent" in page.text
    check = post_form(client, f"/inspections/{inspection}/draft", date_fields("sent", sent))
    assert check.status_code == 200
    from timelines.core.rules import propose_indicative_publication

    proposed = propose_indicative_publication(sent, calendar())
    assert "Check before recording the draft sent" in check.text
    assert f"{proposed.day} {proposed:%B %Y}" in check.text
    assert (
        "Proposed by the service: between 7 and 8 weeks after the draft report was sent, proposing the working day in the window nearest 38 working days after"
        in check.text
    )
    done = post_form(
        client,
        f"/inspections/{inspection}/draft/confirm",
        {"sent_on": sent.isoformat(), "indicative_publication": proposed.isoformat()},
    )
    assert done.status_code == 303
    overview = client.get(done.headers["location"])
    assert "Draft report recorded as sent" in overview.text
    assert "15 working days after the draft was received — MoU ¶32" in overview.text
    stored = stored_milestones(inspection)
    assert stored["factcheck_return"]["due"] == calendar().add_working_days(sent, 15)
    assert stored["draft_report"]["status"] in ("done_on_time", "done_late")
    assert audit_rows("factcheck.draft_sent")[-1]["actor"] == "leader"


def test_indicative_date_outside_7_to_8_weeks_is_refused_with_a_govuk_error(client):
    _est, _leader, inspection = _setup(client)
    sent = working_days_ago(2)
    data = date_fields("sent", sent) | date_fields("indicative", sent + timedelta(weeks=9))
    page = post_form(client, f"/inspections/{inspection}/draft", data)
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "The indicative publication date must be between" in page.text
    assert "7 to 8 weeks after the draft was sent" in page.text
    assert f'value="{(sent + timedelta(weeks=9)).day}"' in page.text  # what was typed is kept
    ok = post_form(
        client,
        f"/inspections/{inspection}/draft",
        date_fields("sent", sent) | date_fields("indicative", sent + timedelta(weeks=7, days=3)),
    )
    assert "Check before recording the draft sent" in ok.text
    # the confirm step checks again: a tampered date is refused
    tampered = post_form(
        client,
        f"/inspections/{inspection}/draft/confirm",
        {"sent_on": sent.isoformat(), "indicative_publication": (sent + timedelta(days=10)).isoformat()},
    )
    assert "The indicative publication date must be between" in tampered.text
    assert "draft_sent" not in {k for k, v in stored_milestones(inspection).items() if v["done_on"]}


def test_draft_date_errors(client):
    _est, _leader, inspection = _setup(client)
    empty = post_form(client, f"/inspections/{inspection}/draft", {})
    assert "Enter the date the draft was sent" in empty.text
    bad = post_form(
        client, f"/inspections/{inspection}/draft", {"sent-day": "31", "sent-month": "2", "sent-year": "2025"}
    )
    assert "The date the draft was sent must be a real date" in bad.text
    future = post_form(
        client, f"/inspections/{inspection}/draft", date_fields("sent", today() + timedelta(days=3))
    )
    assert "The draft report cannot be dated in the future" in future.text, "the workflow's words, as the API"


def test_correcting_the_draft_supersedes_the_earlier_record(client):
    _est, leader, inspection = _setup(client)
    record_draft(inspection, working_days_ago(5), leader)
    record_draft(inspection, working_days_ago(4), leader)
    stored = stored_milestones(inspection)
    assert stored["factcheck_return"]["due"] == calendar().add_working_days(working_days_ago(4), 15)


def test_draft_upload_by_content_and_restricted_audited_download(client):
    _est, leader, inspection = _setup(client)
    record_draft(inspection, working_days_ago(2), leader)
    renamed = client.post(
        f"/inspections/{inspection}/draft/upload",
        data={"_csrf_token": _token(client)},
        files={"file": ("draft.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert (
        "The selected file must be a PDF, Word document (.docx) or OpenDocument text (.odt)" in renamed.text
    )
    good = client.post(
        f"/inspections/{inspection}/draft/upload",
        data={"_csrf_token": _token(client)},
        files={"file": ("../../etc/Draft <b>report</b>.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = client.get(f"/inspections/{inspection}/factcheck")
    assert "<b>report</b>" not in page.text
    download = client.get(f"/inspections/{inspection}/draft/file")
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert ".." not in download.headers["content-disposition"]
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert audit_rows("factcheck.draft_download")[-1]["actor"] == "leader"


def _token(client):
    from tests.support import csrf_token

    return csrf_token(client)


def _fact_checks(leader):
    """Three fact checks: one overdue, one due in 2 working days, one IRP at another prison."""
    example = make_establishment("HMP Example")
    leeds = make_establishment("HMP Leeds", code="LEI")
    overdue = make_inspection(example, end=working_days_ago(60), team_leader_id=leader)
    record_draft(overdue, working_days_ago(17), leader)  # due 15 working days after: 2 overdue
    soon = make_inspection(example, end=working_days_ago(40), team_leader_id=leader)
    record_draft(soon, working_days_ago(13), leader)  # 2 working days left
    irp = make_inspection(leeds, kind="irp", end=working_days_ago(10), team_leader_id=leader)
    record_draft(irp, working_days_ago(1), leader)  # IRP: 10 working days, 9 left
    returned = make_inspection(leeds, end=working_days_ago(60), team_leader_id=leader)
    record_draft(returned, working_days_ago(20), leader)
    from tests.support import record_fact

    record_fact(returned, "factcheck_returned", working_days_ago(6))
    return example, leeds, overdue, soon, irp


def test_queue_lists_fact_checks_under_way_overdue_first_in_red(client):
    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    example, leeds, overdue, soon, irp = _fact_checks(leader)
    sign_in(client, "scrutiny")
    page = client.get("/factcheck")
    assert "3 fact checks" in page.text
    text = page.text
    assert text.index(f"/inspections/{overdue}/factcheck") < text.index(f"/inspections/{soon}/factcheck")
    late = calendar().working_days_between(calendar().add_working_days(working_days_ago(17), 15), today())
    assert late >= 1
    assert f'<span class="app-overdue">Overdue by {late} working day' in text
    assert text.index(f"/inspections/{soon}/factcheck") < text.index(f"/inspections/{irp}/factcheck")
    by_kind = client.get("/factcheck?kind=irp")
    assert "1 fact check" in by_kind.text and f"/inspections/{irp}/factcheck" in by_kind.text
    by_establishment = client.get(f"/factcheck?establishment={example}")
    assert "2 fact checks" in by_establishment.text
    within3 = client.get("/factcheck?due=3")
    assert "2 fact checks" in within3.text and f"/inspections/{irp}/" not in within3.text
    today_only = client.get("/factcheck?due=today")
    assert "1 fact check" in today_only.text
    # htmx asks for the results only; the link keeps every other filter
    fragment = client.get(f"/factcheck?due=10&establishment={example}", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="queue-results"')
    assert "<html" not in fragment.text
    assert fragment.headers["vary"] == "HX-Request"
    assert f"establishment={example}&amp;due=3" in client.get(f"/factcheck?establishment={example}").text


def test_scrutiny_home_panel_shows_fact_checks_and_consent_requests(client):
    from tests.factcheck.helpers import add_data_item

    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    _example, _leeds, overdue, _soon, _irp = _fact_checks(leader)
    item = add_data_item(overdue, leader, notified_on=working_days_ago(10))
    sign_in(client, "scrutiny")
    home = client.get("/")
    assert "Fact checks under way" in home.text
    assert "3 fact checks" in home.text and "1 overdue" in home.text
    assert f"/inspections/{overdue}/data/{item['id']}/response" in home.text
    client.cookies.clear()
    sign_in(client, "leader")
    assert "Fact checks under way" not in client.get("/").text


def test_inspection_section_summarises_the_fact_check(client, run):
    from factcheck.web.queue import inspection_section
    from tracker.principal import Principal

    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    _example, _leeds, overdue, _soon, _irp = _fact_checks(leader)
    row = inspection_row(overdue)
    scrutiny = Principal(user_id=999, username="s", display_name="S", roles=frozenset({Role.HMPPS_SCRUTINY}))
    section = run(inspection_section(None, scrutiny, row))
    assert section["template"] == "factcheck/_inspection_section.html"
    assert section["fc"]["may_proceed"] is True
    manager = Principal(user_id=998, username="m", display_name="M", roles=frozenset({Role.HMPPS_MANAGER}))
    assert run(inspection_section(None, manager, row)) is None


def test_fact_checks_command_lists_the_queue(db):
    from click.testing import CliRunner

    from factcheck.cli import fact_checks

    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    _fact_checks(leader)
    result = CliRunner().invoke(fact_checks, ["--overdue"])
    assert result.exit_code == 0, result.output
    assert "HMP Example" in result.output and "1 fact check(s) under way and overdue" in result.output
    everything = CliRunner().invoke(fact_checks, [])
    assert "3 fact check(s) under way" in everything.output
