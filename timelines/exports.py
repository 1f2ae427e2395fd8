"""CSV and XLSX exports: a fixed column order and no cell a spreadsheet could run as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd
from litestar import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MEDIA_TYPES)

MILESTONE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("establishment_name", "Establishment"),
    ("prison_group", "Prison group"),
    ("inspection", "Inspection id"),
    ("label", "Stage"),
    ("side", "With"),
    ("due", "Due"),
    ("status_label", "Status"),
    ("working_days", "Working days"),
    ("rule", "Rule"),
    ("source", "Source"),
)


def safe_cell(value):
    """Text starting with = + - @ tab or CR gets a leading ' so it is only ever text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def frame(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    records = [[safe_cell(row.get(key)) for key, _title in columns] for row in rows]
    return pd.DataFrame(records, columns=[title for _key, title in columns], dtype=object)


def to_csv(data: pd.DataFrame) -> bytes:
    def iso(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return value

    return data.map(iso).to_csv(index=False).encode("utf-8-sig")


MAX_COLUMN_WIDTH = 60
UK_DATE = "dd/mm/yyyy"


def _width(values) -> int:
    longest = max((len(_shown(v)) for v in values), default=0)
    return min(longest + 2, MAX_COLUMN_WIDTH)


def _shown(value) -> str:
    if isinstance(value, (date, datetime)):
        return "00/00/0000"
    return "" if value is None else str(value)


def to_xlsx(data: pd.DataFrame, sheet: str = "Export", title: str = "") -> bytes:
    """A sheet as a manager meets it: the title in row 1, the header in row 2 frozen and
    filterable, UK dates, and columns as wide as their widest value."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, index=False, sheet_name=sheet[:31], startrow=1)
        worksheet = writer.sheets[sheet[:31]]
        worksheet["A1"] = title or sheet
        worksheet["A1"].font = Font(bold=True, size=14)
        for cells in worksheet.iter_rows(min_row=3):
            for cell in cells:
                # openpyxl treats any string starting with "=" as a formula: keep it text.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
                if isinstance(cell.value, (date, datetime)):
                    cell.number_format = UK_DATE
        worksheet.freeze_panes = "A3"
        last_row = max(worksheet.max_row, 2)
        worksheet.auto_filter.ref = f"A2:{get_column_letter(max(len(data.columns), 1))}{last_row}"
        for index, column in enumerate(data.columns, start=1):
            width = _width([column, *data[column].tolist()])
            worksheet.column_dimensions[get_column_letter(index)].width = width
    return buffer.getvalue()


def export_title(what: str, details: Iterable[str] = ()) -> str:
    """The first row of an Excel export: what it holds, its filters, when it was made."""
    from tracker.clock import now_utc
    from tracker.templating import govuk_datetime

    parts = [what, *[d for d in details if d]]
    return f"{'; '.join(parts)}. Exported {govuk_datetime(now_utc())}"


def export_response(data: pd.DataFrame, fmt: str, name: str, title: str = "") -> Response:
    """The file; an Excel file's first row is ``title`` (what it holds, and when it was made).
    A CSV file starts with its header row, for machines."""
    return file_response(export_file(data, fmt, title), fmt, name)


def export_file(data: pd.DataFrame, fmt: str, title: str = "") -> bytes:
    return to_xlsx(data, title=title) if fmt == "xlsx" else to_csv(data)


def file_response(body: bytes, fmt: str, name: str) -> Response:
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
