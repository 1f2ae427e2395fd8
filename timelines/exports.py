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


def to_xlsx(data: pd.DataFrame, sheet: str = "Export") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, index=False, sheet_name=sheet[:31])
        worksheet = writer.sheets[sheet[:31]]
        for cells in worksheet.iter_rows(min_row=2):
            for cell in cells:
                # openpyxl treats any string starting with "=" as a formula: keep it text.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
                if isinstance(cell.value, (date, datetime)):
                    cell.number_format = "yyyy-mm-dd"
    return buffer.getvalue()


def export_response(data: pd.DataFrame, fmt: str, name: str) -> Response:
    body = to_xlsx(data) if fmt == "xlsx" else to_csv(data)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
