"""Establishments: create, edit (optimistic locking), deactivate, import, late notice; the programme."""

import io
from datetime import date, timedelta

from tests.inspections.helpers import world
from tests.support import (
    audit_rows,
    date_fields,
    make_establishment,
    make_inspection,
    make_user,
    post_form,
    run,
    sign_in,
)
from tracker.clock import today_london
from tracker.roles import Role


def _establishments():
    from inspections.tables import Establishment

    return run(Establishment.select().order_by(Establishment.id))


def test_manager_adds_a_new_establishment_notified_late(client):
    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    missing = post_form(client, "/establishments/new", {})
    assert "Enter the establishment" in missing.text and "Select the kind of establishment" in missing.text
    response = post_form(
        client,
        "/establishments/new",
        {
            "name": "HMP Newbuild",
            "kind": "prison",
            "cohort": "adult",
            "operator": "contracted",
            "prison_group": "Kent",
            **date_fields("operational_on", date(2025, 6, 2)),
            **date_fields("hmpps_notified_on", date(2025, 6, 2)),
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["location"]).text
    assert (
        "HMP Newbuild" in page
        and "not before it became operational on 2 June 2025" in page
        and "MoU ¶12" in page
    )
    assert "Late notice" in client.get("/establishments").text
    duplicate = post_form(
        client,
        "/establishments/new",
        {"name": "hmp newbuild", "kind": "prison", "cohort": "adult", "operator": "public"},
    )
    assert "already exists" in duplicate.text
    assert audit_rows("establishment.create")[-1]["actor"] == "boss"


def test_notice_before_operation_is_not_flagged(client):
    from inspections.queries import late_notice

    assert not late_notice({"operational_on": date(2025, 6, 2), "hmpps_notified_on": date(2025, 5, 1)})
    assert late_notice({"operational_on": date(2025, 6, 2), "hmpps_notified_on": None})
    assert not late_notice({"operational_on": None, "hmpps_notified_on": None})


def test_edit_with_stale_version_gets_409_and_deactivation_keeps_history(client):
    w = world()
    sign_in(client, "hmipmanager")
    form = client.get(f"/establishments/{w['a']}/edit").text
    assert 'name="version" value="1"' in form
    data = {"name": "HMP Example", "kind": "prison", "cohort": "adult", "operator": "public", "version": "1"}
    assert post_form(client, f"/establishments/{w['a']}/edit", {**data, "region": "First"}).status_code == 302
    second = post_form(client, f"/establishments/{w['a']}/edit", {**data, "region": "Second"})
    assert second.status_code == 409 and "First" in second.text
    confirm = client.get(f"/establishments/{w['a']}/status").text
    assert "keeps its history (1 inspection)" in confirm
    assert post_form(client, f"/establishments/{w['a']}/status").status_code == 302
    assert "HMP Example" not in client.get("/establishments").text.split("<tbody")[1]
    assert "HMP Example" in client.get("/establishments?show=all").text
    assert f"/inspections/{w['ia']}" in client.get(f"/establishments/{w['a']}").text
    new_form = client.get("/inspections/new").text
    assert ">HMP Example</option>" not in new_form and ">HMP Elsewhere</option>" in new_form
    assert audit_rows("establishment.deactivate")[-1]["object_id"] == str(w["a"])


def test_import_csv_saves_nothing_when_any_row_is_bad(client):
    make_establishment("HMP Example")
    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    bad = (
        "Name,Kind,Cohort,Operator,Prison group,Operational on,HMPPS notified on\n"
        "HMP One,prison,adult,public,Kent,,\n"
        ",prison,adult,public,Kent,,\n"
        "HMP Example,prison,adult,public,Kent,,\n"
        "HMYOI Two,jail,cyp,public,YCS,,\n"
        "HMP Three,prison,adult,public,Kent,2025-13-01,\n"
    )
    response = post_form(
        client, "/establishments/import", files={"file": ("list.csv", bad.encode(), "text/csv")}
    )
    assert response.status_code == 200
    assert "nothing has been saved" in response.text
    assert "Row 3: enter the establishment" in response.text
    assert "Row 4: HMP Example already exists" in response.text
    assert "Row 5: kind must be one of" in response.text
    assert "Row 6: the operational date must be a real date" in response.text
    assert len(_establishments()) == 1
    good = "name,kind,cohort,operator\nHMP One,Prison,Adult,Public\nHMYOI Two,young offender institution,children and young people,contracted\n"
    ok = post_form(client, "/establishments/import", files={"file": ("list.csv", good.encode(), "text/csv")})
    assert ok.status_code == 302
    assert "2 establishments imported" in client.get(ok.headers["location"]).text
    two = [e for e in _establishments() if e["name"] == "HMYOI Two"][0]
    assert (two["kind"], two["cohort"], two["operator"]) == ("yoi", "cyp", "contracted")
    assert "created=2" in audit_rows("establishment.import")[-1]["detail"]


def test_import_xlsx_and_refuse_other_files(client):
    import pandas as pd

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    buffer = io.BytesIO()
    pd.DataFrame([{"name": "Oakhill STC", "kind": "secure training centre", "cohort": "cyp"}]).to_excel(
        buffer, index=False
    )
    ok = post_form(
        client,
        "/establishments/import",
        files={"file": ("list.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert ok.status_code == 302
    assert _establishments()[-1]["kind"] == "stc"
    binary = post_form(
        client, "/establishments/import", files={"file": ("list.csv", b"\x00\x01\x02MZ", "text/csv")}
    )
    assert "must be a CSV or XLSX spreadsheet" in binary.text
    empty = post_form(client, "/establishments/import", files={"file": ("list.csv", b"", "text/csv")})
    assert "The selected file is empty" in empty.text


def test_zip_bomb_refused(client):
    import zipfile

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))
    response = post_form(
        client,
        "/establishments/import",
        files={"file": ("bomb.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert "too large when unpacked" in response.text
    assert len(_establishments()) == 0


def test_establishment_page_shows_programme_inspections_and_open_milestones(client):
    w = world()
    sign_in(client, "governor")
    page = client.get(f"/establishments/{w['a']}").text
    assert "Adult establishment: next full inspection" in page
    assert "by 14 March 2030" in page
    assert "5 years after the last full inspection ended or, for a new establishment, it became operational" in page
    assert f"/inspections/{w['ia']}" in page
    assert "Draft report to the Scrutiny Team" in page
    assert client.get(f"/establishments/{w['b']}").status_code == 404


def test_programme_page(client):
    today = today_london()
    w = world()
    old = make_establishment("HMP Overdue")
    make_inspection(old, end=today - timedelta(days=6 * 365))
    cyp = make_establishment("HMYOI Young", kind="yoi", cohort="cyp")
    full = make_inspection(cyp, end=today - timedelta(days=400))
    never = make_establishment("HMP Never")
    make_inspection(
        cyp, kind="irp", start=today + timedelta(days=30), end=today + timedelta(days=32), follows=full
    )
    sign_in(client, "hmipmanager")
    page = client.get("/programme").text
    past = page.split("Past the limit")[1].split("Windows opening")[0]
    assert "HMP Overdue" in past and "HMP Never" in past and "No full inspection on record" in past
    assert "HMYOI Young" in past  # no visit in 12 months
    assert "HMP Example" not in past
    irps = page.split("Independent reviews of progress")[1]
    assert "1 planned" in irps and "against 15 to 20" in irps and "Below range" in irps
    assert "HMYOI Young" in irps
    client.cookies.clear()
    make_user("pgd", Role.HMPPS_MANAGER, prison_group="Elsewhere group")
    from inspections.tables import Establishment

    run(
        Establishment.update({Establishment.prison_group: "Elsewhere group"}).where(
            Establishment.id == w["b"]
        )
    )
    sign_in(client, "pgd")
    scoped = client.get("/programme").text
    assert "You can read the programme" in scoped
    assert "HMP Overdue" not in scoped and "HMP Never" not in scoped
    assert never


def test_api_establishments_are_scoped(client):
    w = world()
    sign_in(client, "governor")
    rows = client.get("/api/v1/establishments").json()
    assert [r["name"] for r in rows] == ["HMP Example"]
    assert rows[0]["id"] == w["a"] and rows[0]["late_notice"] is False
