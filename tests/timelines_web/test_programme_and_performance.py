"""Programme import (dry run, row errors, one transaction), on-time performance, the JSON API
and the inspection page's stages section."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from tests.support import (
    audit_rows,
    csrf_token,
    make_establishment,
    make_user,
    run,
    sign_in,
    stored_milestones,
)
from tests.timelines_web.helpers import TODAY, build_world
from tracker.roles import Role

HEADER = "Establishment name,Kind,Start date,End date,Announced,Team leader username\n"


def _upload(client, content: bytes, name: str = "programme.csv", media: str = "text/csv"):
    return client.post(
        "/programme/import",
        data={"_csrf_token": csrf_token(client)},
        files={"file": (name, content, media)},
        follow_redirects=False,
    )


def _apply(client, location: str):
    token = csrf_token(client, location)
    return client.post(f"{location}/apply", data={"_csrf_token": token}, follow_redirects=False)


def _inspections():
    from inspections.tables import Inspection

    return run(Inspection.select().order_by(Inspection.id))


@pytest.fixture
def programme_world(db):
    make_establishment("HMP Example")
    make_establishment("HMP Leeds")
    make_user("boss", Role.HMIP_MANAGER)
    make_user("lead", Role.HMIP_TEAM_LEADER)
    make_user("sam", Role.HMPPS_SCRUTINY)


def test_import_dry_run_then_apply_creates_inspections_with_milestones(client, programme_world):
    sign_in(client, "boss")
    content = (
        HEADER + "HMP Example,full,2026-03-09,2026-03-13,no,lead\nHMP Leeds,IRP,16/03/2026,18/03/2026,yes,\n"
    ).encode()
    checked = _upload(client, content)
    assert checked.status_code == 302
    page = client.get(checked.headers["location"]).text
    assert "Checked 2 rows: 2 to create, 0 to change" in page
    assert _inspections() == []  # nothing saved by the dry run
    applied = _apply(client, checked.headers["location"])
    assert applied.status_code == 302
    done = client.get(applied.headers["location"]).text
    assert "Programme imported" in done and "2 inspections created, 0 changed" in done
    rows = _inspections()
    assert [(r["kind"], r["end_date"], r["announced"]) for r in rows] == [
        ("full", date(2026, 3, 13), False),
        ("irp", date(2026, 3, 18), True),
    ]
    assert stored_milestones(rows[0]["id"])["draft_report"]["due"] is not None
    assert stored_milestones(rows[1]["id"])["irp_publication"]["due"] is not None
    # A double submit applies it once.
    assert _apply(client, checked.headers["location"]).status_code == 302
    assert len(_inspections()) == 2
    assert audit_rows("programme.import")[-1]["detail"] == "created=2 changed=0"


def test_a_second_import_changes_the_matching_inspection(client, programme_world):
    sign_in(client, "boss")
    first = _upload(client, (HEADER + "HMP Example,full,2026-03-09,2026-03-13,no,lead\n").encode())
    _apply(client, first.headers["location"])
    second = _upload(client, (HEADER + "HMP Example,full,2026-03-09,2026-03-20,no,lead\n").encode())
    page = client.get(second.headers["location"]).text
    assert "0 to create, 1 to change" in page and "end date 2026-03-13 to 2026-03-20" in page
    _apply(client, second.headers["location"])
    rows = _inspections()
    assert len(rows) == 1 and rows[0]["end_date"] == date(2026, 3, 20) and rows[0]["version"] == 2


def test_every_row_error_is_named_and_nothing_is_saved(client, programme_world):
    sign_in(client, "boss")
    content = (
        HEADER
        + "HMP Example,full,2026-03-09,2026-03-13,no,lead\n"
        + "HMP Nowhere,full,2026-03-09,2026-03-13,no,\n"
        + "HMP Leeds,annual,2026-02-30,2026-03-13,maybe,sam\n"
        + "HMP Leeds,full,2026-03-13,2026-03-09,no,ghost\n"
    ).encode()
    checked = _upload(client, content)
    page = client.get(checked.headers["location"]).text.replace("&#39;", "'")
    assert "Row 3: There is no establishment called HMP Nowhere" in page
    assert "Row 4: Kind must be full, irp or thematic; Start date must be a real date" in page
    assert "Announced must be yes or no" in page and "sam is not an HMIP team leader" in page
    assert (
        "Row 5: End date must be the same as or after the start date; There is no active user called ghost"
        in page
    )
    assert "Nothing has been saved" in page
    assert "/apply" not in page
    assert _apply(client, checked.headers["location"]).status_code == 302
    assert _inspections() == []


def test_an_xlsx_programme_is_read_and_a_macro_workbook_refused(client, programme_world):
    sign_in(client, "boss")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([h for h in HEADER.strip().split(",")])
    sheet.append(["HMP Example", "thematic", date(2026, 5, 4), date(2026, 5, 8), "yes", "lead"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    checked = _upload(client, buffer.getvalue(), "programme.xlsx", "application/octet-stream")
    assert "1 to create" in client.get(checked.headers["location"]).text
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive, zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as original:
        for item in original.infolist():
            archive.writestr(item, original.read(item))
        archive.writestr("xl/vbaProject.bin", b"macro")
    refused = _upload(client, macro.getvalue(), "programme.xlsx")
    assert refused.status_code == 200 and "contains macros" in refused.text


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The selected file is empty"),
        (b"\x00\x01\x02binary", "must be a CSV or XLSX file"),
        (b"Name,Kind\nHMP Example,full\n", "missing: establishment name"),
        (b"PK\x03\x04not really a zip", "must be a CSV or XLSX file"),
    ],
)
def test_unreadable_files_are_refused_with_a_gov_uk_error(client, programme_world, content, message):
    sign_in(client, "boss")
    response = _upload(client, content, "../../etc/passwd")
    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text


# -- performance ---------------------------------------------------------------------------------


def test_performance_shows_share_on_time_and_median_by_quarter_with_charts_and_tables(client, today):
    build_world()
    sign_in(client, "boss")
    page = client.get("/performance").text
    assert "Draft reports within 32 working days" in page
    assert "2 of 2 on time (100.0%); median 23.5 working days" in page
    assert "0 of 1 on time (0.0%); median 20.0 working days" in page  # Leeds fact check, late
    assert page.count('role="img"') == len(re.findall(r'<desc id="chart-\d+-desc">', page))
    assert '<title id="chart-0-title">' in page
    assert "2024-25 Q3" in page and "2024-25 Q4" in page


def test_performance_filters_to_a_business_year_and_exports(client, today):
    build_world()
    sign_in(client, "pat")
    earlier = client.get("/performance?year=2023&by=month").text
    assert "April 2023 to March 2024" in earlier
    assert "None done in this period" in earlier and "2 of 2 on time" not in earlier
    response = client.get("/performance/export?year=2024&by=year&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    drafts = [r for r in rows if r["Measure"] == "Draft reports within 32 working days"]
    assert (
        drafts[0]["Period"] == "2024-25"
        and drafts[0]["Done"] == "2"
        and drafts[0]["Share on time (%)"] == "100.0"
    )
    assert response.headers["content-disposition"].startswith("attachment")
    assert audit_rows("export", object_type="performance")


def test_establishment_scoped_performance_counts_only_their_establishments(client, today):
    build_world()
    sign_in(client, "yorks")  # HMPPS manager for Yorkshire: Example and Leeds, not Pentonville
    page = client.get("/performance").text
    assert "Urgent Notification letters within 7 days" in page
    section = page.split("Urgent Notification letters within 7 days")[1].split("</section>")[0]
    assert "None done in this period" in section


# -- JSON API ------------------------------------------------------------------------------------


def test_api_lists_milestones_with_filters_under_the_same_rules(client, today):
    world = build_world()
    sign_in(client, "boss")
    overdue = client.get("/api/v1/milestones?status=overdue").json()
    assert overdue["count"] == 3
    assert {m["key"] for m in overdue["milestones"]} == {"un_publication", "sos_response", "action_plan"}
    first = overdue["milestones"][0]
    assert first["due"] == "2025-02-21" and first["rule"].endswith("MoU ¶41, ¶25")
    scrutiny = client.get("/api/v1/milestones?owner=scrutiny").json()
    assert [m["establishment"] for m in scrutiny["milestones"]] == [world.example]
    assert client.get("/api/v1/milestones?status=late").status_code == 400
    client.cookies.clear()
    sign_in(client, "lead")
    mine = client.get("/api/v1/milestones").json()
    assert {m["inspection"] for m in mine["milestones"]} == {world.inspection_example}


# -- the inspection page's section -----------------------------------------------------------------


def test_stages_section_draws_planned_against_actual_for_those_who_may_see_it(db):
    from inspections.tables import Inspection
    from timelines.insight import stages_section
    from tracker.extensions import INSPECTION_SECTIONS
    from tracker.sessions import load_principal
    from tracker.wiring import wire

    wire()
    assert stages_section in INSPECTION_SECTIONS
    world = build_world()
    row = run(Inspection.select().where(Inspection.id == world.inspection_leeds).first())
    section = run(stages_section(None, run(load_principal(world.users["govleeds"])), row))
    chart = str(section["stage_chart"])
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "Fact check returned to HMIP: planned 22 Nov 2024, done 29 Nov 2024 (late)" in chart
    assert section["template"] == "timelines/_inspection_stages.html"
    assert run(stages_section(None, run(load_principal(world.users["gov"])), row)) is None
    assert run(stages_section(None, run(load_principal(world.users["inspector"])), row)) is None


def test_stages_section_template_renders_the_chart_and_its_table(db):
    from inspections.tables import Inspection
    from timelines.insight import stages_section
    from tracker.sessions import load_principal
    from tracker.templating import build_environment

    world = build_world()
    row = run(Inspection.select().where(Inspection.id == world.inspection_leeds).first())
    section = run(stages_section(None, run(load_principal(world.users["boss"])), row))
    html = build_environment().get_template(section["template"]).render(section=section)
    assert "Stages: planned against actual" in html
    assert "<svg" in html and "The chart's figures" in html and "Late" in html
    assert TODAY.year == 2025


def test_a_letter_published_early_counts_as_done_but_not_on_time(client, today):
    from tests.support import make_inspection, record_fact

    w = build_world()
    inspection = make_inspection(w.example, end=date(2025, 2, 14), urgent_notification=True)
    for kind, day in (
        ("debrief_held", date(2025, 2, 14)),
        ("un_letter_sent", date(2025, 2, 20)),
        ("un_published", date(2025, 2, 20)),  # the same day: before the Secretary of State's 24 hours
    ):
        record_fact(inspection, kind, day, today=TODAY)
    assert stored_milestones(inspection)["un_publication"]["status"] == "done_early"
    sign_in(client, "boss")
    page = client.get("/performance").text
    section = page.split("Urgent Notification letters published after 24 hours")[1].split("</section>")[0]
    assert "0 of 1 on time" in section
    assert "24 hours after the letter was sent to the Secretary of State — MoU ¶41, ¶25) counts as done but not on time" in page
