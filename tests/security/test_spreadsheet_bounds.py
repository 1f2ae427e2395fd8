"""SECURITY.md K1: spreadsheets are read with bounded memory and time, off the event loop.

A 1.5 KB .xlsx declaring <dimension ref="A1:XFD1048576"/> with one far-away cell passed the upload
check, then pandas built every cell in between (about 17 billion). The files here are written by
hand (zipfile and a few lines of XML) so that nothing tidies them up on the way."""

from __future__ import annotations

import io
import threading
import tracemalloc
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.support import csrf_token, make_user, post_form, run, sign_in
from tracker import spreadsheets, uploads
from tracker.roles import Role

LIMITS = spreadsheets.LIMITS
TOO_MANY_ROWS = f"The spreadsheet must have {LIMITS.rows:,} rows or fewer"
TOO_MANY_COLUMNS = f"The spreadsheet must have {LIMITS.columns} columns or fewer"
MEMORY_MIB = 50

# -- hostile files written by hand -----------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def header(names: list[str]) -> str:
    return row(1, *(cell(f"{chr(65 + i)}1", name) for i, name in enumerate(names)))


def workbook(rows_xml: str, *, sheet: str = "Sheet1", dimension: str = "A1:XFD1048576", extra=None) -> bytes:
    """A minimal .xlsx: one sheet whose XML is `rows_xml`, declaring `dimension`."""
    parts = {
        "[Content_Types].xml": TYPES,
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows_xml}</sheetData></worksheet>",
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


NAMES = ["name", "kind", "cohort", "operator"]
HOSTILE = {
    "far corner": (header(NAMES) + row(1048576, cell("XFD1048576", "x")), TOO_MANY_ROWS),
    "far down column A": (header(NAMES) + row(1048576, cell("A1048576", "x")), TOO_MANY_ROWS),
    "far right on row 2": (header(NAMES) + row(2, cell("XFD2", "x")), TOO_MANY_COLUMNS),
}


def hostile(name: str, *, sheet: str = "Sheet1", names: list[str] = NAMES) -> bytes:
    rows_xml = HOSTILE[name][0].replace(header(NAMES), header(names))
    return workbook(rows_xml, sheet=sheet)


def peak_mib(function) -> float:
    tracemalloc.start()
    try:
        function()
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / (1024 * 1024)


def refusal(function) -> tuple[str, float]:
    """The refusal `function` raises, and the peak memory allocated on the way."""
    messages = []

    def go():
        with pytest.raises(uploads.UploadRefused) as caught:
            function()
        messages.append(str(caught.value))

    peak = peak_mib(go)
    return messages[0], peak


# -- the reader, unit by unit ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_tiny_xlsx_declaring_a_huge_sheet_is_refused_with_bounded_memory(name):
    content = hostile(name)
    assert len(content) < 2000
    message, peak = refusal(lambda: spreadsheets.read_frame(content, "xlsx"))
    assert message == HOSTILE[name][1]
    assert peak < MEMORY_MIB, f"{name}: {peak:.1f} MiB"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_whole_import_path_check_then_read_stays_bounded(name):
    """What every import does: the upload check, then the read (the check alone let these pass)."""
    content = hostile(name)

    def import_it():
        checked = uploads.check_upload(content, uploads.SPREADSHEETS, limit_bytes=5 * 1024 * 1024)
        uploads.read_table(content, checked.file_type)

    message, peak = refusal(import_it)
    assert message == HOSTILE[name][1]
    assert peak < MEMORY_MIB, f"{name}: {peak:.1f} MiB"


def test_one_row_of_half_a_million_cells_is_refused_before_openpyxl_builds_it():
    cells = "<c><v>1</v></c>" * 500_000  # no r= attributes: openpyxl counts them along the row
    content = workbook(row(1, cells), dimension="A1")
    message, peak = refusal(lambda: spreadsheets.read_frame(content, "xlsx"))
    assert message == TOO_MANY_COLUMNS
    assert peak < MEMORY_MIB, f"{peak:.1f} MiB"


def test_too_many_shared_strings_are_refused_before_openpyxl_loads_them():
    """openpyxl loads every shared string of the workbook at once; they are counted first."""
    limits = spreadsheets.Limits(cells=10_000)
    strings = "".join(f"<si><t>{n}</t></si>" for n in range(200_000))
    types = TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    extra = {"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}</sst>', "[Content_Types].xml": types}
    content = workbook(row(1, '<c r="A1" t="s"><v>0</v></c>'), dimension="A1", extra=extra)
    message, peak = refusal(lambda: spreadsheets.read_frame(content, "xlsx", limits=limits))
    assert message == "The spreadsheet must have 10,000 filled cells or fewer"
    assert peak < 5, f"{peak:.1f} MiB"


def test_each_limit_is_refused_in_gov_uk_words():
    small = spreadsheets.Limits(rows=3, columns=2, cells=5, seconds=10)
    four_rows = "".join(row(n, cell(f"A{n}", "x")) for n in range(1, 5))
    three_columns = row(1, cell("A1", "a"), cell("B1", "b"), cell("C1", "c"))
    six_cells = "".join(row(n, cell(f"A{n}", "x"), cell(f"B{n}", "y")) for n in range(1, 4))
    for rows_xml, message in (
        (four_rows, "The spreadsheet must have 3 rows or fewer"),
        (three_columns, "The spreadsheet must have 2 columns or fewer"),
        (six_cells, "The spreadsheet must have 5 filled cells or fewer"),
    ):
        with pytest.raises(spreadsheets.SpreadsheetTooLarge) as caught:
            spreadsheets.read_frame(workbook(rows_xml), "xlsx", limits=small)
        assert str(caught.value) == message
    csv = b"a\n1\n3\n5\n"
    with pytest.raises(spreadsheets.SpreadsheetTooLarge, match="3 rows or fewer"):
        spreadsheets.read_frame(csv, "csv", limits=small)


def test_a_read_past_its_time_limit_is_refused():
    content = workbook(header(NAMES), dimension="A1:D1")
    with pytest.raises(spreadsheets.SpreadsheetTooLarge) as caught:
        spreadsheets.read_frame(content, "xlsx", limits=spreadsheets.Limits(seconds=0))
    assert str(caught.value) == (
        "The spreadsheet took too long to read. Copy the rows you need into a new spreadsheet and upload that"
    )


def test_formatted_empty_rows_and_cells_after_the_data_are_not_counted():
    """Excel writes styled empty cells and rows; only filled ones count towards the limits."""
    rows_xml = (
        header(["name", "kind"])
        + row(2, cell("A2", "HMP One"), cell("B2", "prison"), '<c r="XFD2" s="1"/>')
        + row(1_000_000, '<c r="A1000000" s="1"/>', '<c r="XFD1000000" s="1"/>')
    )
    frame = spreadsheets.read_frame(workbook(rows_xml), "xlsx", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["name", "kind"]
    assert frame.values.tolist() == [["HMP One", "prison"]]


def test_a_csv_with_a_million_commas_on_one_line_is_refused_with_bounded_memory():
    content = b"name,kind\n" + b"," * 1_000_000 + b"\n"
    message, peak = refusal(lambda: spreadsheets.read_frame(content, "csv"))
    assert message == f"The spreadsheet must have {LIMITS.cells:,} filled cells or fewer"
    assert peak < MEMORY_MIB, f"{peak:.1f} MiB"


def test_a_csv_far_too_long_is_refused():
    content = b"name\n" + b"HMP x\n" * (LIMITS.rows + 1)
    with pytest.raises(spreadsheets.SpreadsheetTooLarge, match=TOO_MANY_ROWS):
        spreadsheets.read_frame(content, "csv")


# -- the same tables as pandas gave before ---------------------------------------------------------


def _ordinary_xlsx() -> bytes:
    from datetime import date, datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Count", "", "Name", "When", "Flag"])
    sheet.append(["HMP One", 3, "x", "dup", date(2026, 3, 9), True])
    sheet.append([])
    sheet.append(["HMP Two", 2.5, None, "=1+1", datetime(2026, 3, 9, 14, 30), False])
    sheet.append(["HMP Three", 10.0, "", None, "09/03/2026"])
    sheet.cell(row=9, column=9).number_format = "0.00"  # a styled empty cell after the data
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "options", [dict(dtype=str, keep_default_na=False), dict(dtype=object), dict(header=None, dtype=str)]
)
def test_an_ordinary_xlsx_gives_the_frame_pandas_gave(options):
    content = _ordinary_xlsx()
    expected = pd.read_excel(io.BytesIO(content), engine="openpyxl", **options)
    pd.testing.assert_frame_equal(spreadsheets.read_frame(content, "xlsx", **options), expected)


def test_an_ordinary_csv_gives_the_frame_pandas_gave():
    text = 'Name,Count,,Name\r\n"HMP One, North",3,x,dup\r\n\r\nHMP Two,,"a ""quoted"" word",\r\n'
    for options in (dict(dtype=str, keep_default_na=False), dict(header=None, dtype=str)):
        expected = pd.read_csv(io.StringIO(text), skip_blank_lines=True, **options)
        actual = spreadsheets.read_frame(text.encode(), "csv", **options)
        pd.testing.assert_frame_equal(actual, expected)


# -- over HTTP: every import refuses the file with a GOV.UK error and saves nothing ----------------


def _count(table) -> int:
    return run(table.count())


def _upload(client, url: str, content: bytes, data: dict | None = None):
    return post_form(client, url, data, files={"file": ("list.xlsx", content, "application/octet-stream")})


def _assert_refused(response, message: str = TOO_MANY_ROWS) -> None:
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text and message in response.text


def test_establishment_import_refuses_the_hostile_file(client):
    from inspections.tables import Establishment

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    for name in HOSTILE:
        _assert_refused(_upload(client, "/establishments/import", hostile(name)), HOSTILE[name][1])
    assert _count(Establishment) == 0


def test_programme_import_refuses_the_hostile_file(client):
    from timelines.tables import ProgrammeImport

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    _assert_refused(_upload(client, "/programme/import", hostile("far corner")))
    assert _count(ProgrammeImport) == 0


def test_recommendation_import_refuses_the_hostile_file(client):
    from inspections.tables import Recommendation
    from tests.inspections.helpers import world

    w = world()
    sign_in(client, "leader")
    url = f"/inspections/{w['ia']}/recommendations"
    _assert_refused(_upload(client, url, hostile("far corner"), {"how": "file"}))
    assert _count(Recommendation) == 0


def test_fact_check_point_import_refuses_the_hostile_file(client):
    from factcheck.tables import AccuracyPoint
    from tests.factcheck.helpers import record_draft, working_days_ago
    from tests.support import make_establishment, make_inspection

    leader = make_user("leader", Role.HMIP_TEAM_LEADER)
    make_user("scrutiny", Role.HMPPS_SCRUTINY)
    inspection = make_inspection(make_establishment(), end=working_days_ago(40), team_leader_id=leader)
    record_draft(inspection, working_days_ago(5), leader)
    sign_in(client, "scrutiny")
    url = f"/inspections/{inspection}/factcheck/import"
    _assert_refused(_upload(client, url, hostile("far corner")))
    assert _count(AccuracyPoint) == 0


def test_an_establishment_users_action_plan_import_refuses_the_hostile_file(client):
    from actionplans.spreadsheet import COLUMNS, SHEET
    from actionplans.tables import PlanAction, PlanFile, PlanResponse
    from tests.actionplans.helpers import world

    w = world()
    sign_in(client, "governor")
    content = hostile("far corner", sheet=SHEET, names=[name for name, _ in COLUMNS])
    response = client.post(
        f"/action-plans/{w['plan']}/import",
        data={"_csrf_token": csrf_token(client)},
        files={"file": ("plan.xlsx", content, "application/octet-stream")},
        follow_redirects=False,
    )
    _assert_refused(response)
    assert (_count(PlanAction), _count(PlanResponse), _count(PlanFile)) == (0, 0, 0)


def test_other_requests_are_served_while_a_spreadsheet_is_read(live_server, monkeypatch):
    """The read runs in a worker thread: while it is held mid-read, the same server answers
    another request. (Read on the event loop, that request could not be answered and the
    20-second waits below would fail the test; nothing here measures time.)"""
    import httpx

    make_user("boss", Role.HMIP_MANAGER)
    reading, other_served = threading.Event(), threading.Event()
    original = spreadsheets.read_frame

    def held_read(*args, **kwargs):
        reading.set()
        other_served.wait(20)
        return original(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "read_frame", held_read)
    uploader, other = (httpx.Client(base_url=live_server.url, timeout=30) for _ in range(2))
    with uploader, other:
        sign_in(uploader, "boss")
        answers = []
        upload = threading.Thread(
            target=lambda: answers.append(_upload(uploader, "/establishments/import", hostile("far corner")))
        )
        upload.start()
        assert reading.wait(20), "the upload never reached the spreadsheet read"
        try:
            page = other.get("/accessibility", timeout=20)
        finally:
            other_served.set()
            upload.join(30)
    assert page.status_code == 200
    _assert_refused(answers[0])
