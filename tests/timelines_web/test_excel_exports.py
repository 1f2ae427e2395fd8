"""Excel exports as a manager meets them: a title saying what and when, a frozen and filterable
header, UK dates, columns as wide as their values; the performance total names its year."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from tests.support import sign_in
from tests.timelines_web.helpers import build_world


def _sheet(client, url: str):
    return load_workbook(io.BytesIO(client.get(url).content)).active


def test_the_dashboard_excel_file_has_a_title_frozen_filtered_header_and_uk_dates(client, today):
    world = build_world()
    sign_in(client, "boss")
    sheet = _sheet(client, f"/dashboard/export?status=open&establishment={world.example}&format=xlsx")
    title = sheet["A1"].value
    assert title.startswith("Deadlines dashboard: everything open; HMP Example. Exported ")
    assert sheet["A2"].value == "Establishment"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:")
    due = next(c for c in sheet[3] if isinstance(c.value, datetime))
    assert due.number_format == "dd/mm/yyyy"
    widths = {sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"}
    assert len(widths) > 3, widths  # not every column the same default width


def test_my_work_excel_file_names_whose_work_and_which_period(client, today):
    build_world()
    sign_in(client, "sam")
    sheet = _sheet(client, "/my-work/export?within=5&format=xlsx")
    assert sheet["A1"].value.startswith("My work (")
    assert "deadlines due: next 5 working days" in sheet["A1"].value


def test_performance_export_totals_name_the_year_chosen(client, today):
    build_world()
    sign_in(client, "pat")
    sheet = _sheet(client, "/performance/export?year=2024&by=quarter&format=xlsx")
    assert sheet["A1"].value.startswith("On-time performance; April 2024 to March 2025; by quarter.")
    periods = {row[1].value for row in sheet.iter_rows(min_row=3)}
    assert "Total, April 2024 to March 2025" in periods and "All" not in periods
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/performance/export?format=csv").content.decode("utf-8-sig"))
        )
    )
    assert rows[0]["Measure"] and "Total, All years" in {r["Period"] for r in rows}
