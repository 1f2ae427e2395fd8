"""Accuracy points: their fields and validation, the spreadsheet import and the HMPPS summary.

The same validation serves the one-at-a-time form, the import (row by row, nothing saved when
any row is bad) and the JSON API.
"""

from __future__ import annotations

import csv
import io

from tracker import spreadsheets, uploads

CATEGORIES = {
    "data": "Data",
    "names_titles": "Names or titles",
    "process": "Description of process",
    "events": "Description of events",
    "other": "Other",
}
DECISIONS = {
    "accepted": "Accepted",
    "partly_accepted": "Partly accepted",
    "not_accepted": "Not accepted",
}
FIELDS = ("location", "category", "current_text", "proposed_correction", "evidence")
FIELD_LABELS = {
    "location": "Location",
    "category": "Category",
    "current_text": "Current text",
    "proposed_correction": "Proposed correction",
    "evidence": "Evidence",
}
MAX_LENGTHS = {"location": 200, "current_text": 5000, "proposed_correction": 5000, "evidence": 5000}
MAX_IMPORT_ROWS = 500

_CATEGORY_LOOKUP = {k: k for k in CATEGORIES} | {v.lower(): k for k, v in CATEGORIES.items()}
_CATEGORY_LOOKUP |= {
    "names": "names_titles",
    "titles": "names_titles",
    "process": "process",
    "events": "events",
}


def category_key(text: str) -> str | None:
    return _CATEGORY_LOOKUP.get(" ".join(str(text).strip().lower().split()))


def validate_point(values: dict, *, chosen: bool = False) -> tuple[dict, dict[str, str]]:
    """(clean values, {field: message}) — messages in lower case so a row prefix can lead them.
    `chosen`: the category was chosen from radios (a form), not typed (a spreadsheet)."""
    clean = {f: str(values.get(f) or "").strip() for f in FIELDS}
    errors: dict[str, str] = {}
    if not clean["location"]:
        errors["location"] = "enter the location (section, paragraph or page)"
    if not clean["category"]:
        errors["category"] = "select a category" if chosen else "enter a category"
    else:
        key = category_key(clean["category"])
        if key is None:
            errors["category"] = (
                "the category must be data, names or titles, description of process, "
                "description of events, or other"
            )
        else:
            clean["category"] = key
    if not clean["proposed_correction"]:
        errors["proposed_correction"] = "enter the proposed correction"
    for field, limit in MAX_LENGTHS.items():
        if field not in errors and len(clean[field]) > limit:
            errors[field] = f"the {FIELD_LABELS[field].lower()} must be {limit} characters or fewer"
    return clean, errors


def sentence(message: str) -> str:
    return message[0].upper() + message[1:] if message else message


# -- import -------------------------------------------------------------------------------------


class ImportProblem(ValueError):
    """The file as a whole cannot be read (its type, its columns)."""


def _normalise_header(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


_HEADERS = {_normalise_header(label): field for field, label in FIELD_LABELS.items()}
_HEADERS |= {"section": "location", "paragraph": "location", "correction": "proposed_correction"}


IMPORT_WRONG_TYPE = "The selected file must be an Excel spreadsheet (.xlsx) or CSV"
IMPORT_LIMIT_MB = 5


def read_table(content: bytes, *, filename: str = "", limit_mb: int = IMPORT_LIMIT_MB) -> list[list[str]]:
    """The rows of an XLSX (first sheet) or CSV file, as text, header first. The type is decided
    by tracker.uploads from the content; UploadRefused when it is not a safe XLSX or CSV."""
    checked = uploads.check_upload(
        content,
        uploads.SPREADSHEETS,
        limit_bytes=uploads.limit_bytes_for(limit_mb),
        limit_mb=limit_mb,
        filename=filename or None,
        wrong_type=IMPORT_WRONG_TYPE,
    )
    try:
        frame = uploads.read_table(content, checked.file_type, header=False, normalise=False)
    except spreadsheets.SpreadsheetTooLarge:
        raise  # its message names the limit
    except uploads.UploadRefused as error:
        raise ImportProblem(
            "The selected file could not be read. Check it is a real XLSX or CSV file"
        ) from error
    return [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def parse_points(
    content: bytes, *, filename: str = "", limit_mb: int = IMPORT_LIMIT_MB
) -> tuple[list[dict], list[str]]:
    """(points, row errors). Row numbers are the spreadsheet's (the header is row 1)."""
    try:
        rows = read_table(content, filename=filename, limit_mb=limit_mb)
    except uploads.UploadRefused as error:
        raise ImportProblem(str(error)) from error
    if not rows:
        raise ImportProblem("The selected file is empty")
    header = [_HEADERS.get(_normalise_header(h)) for h in rows[0]]
    missing = [FIELD_LABELS[f] for f in ("location", "category", "proposed_correction") if f not in header]
    if missing:
        raise ImportProblem(
            "The first row must name the columns: "
            + ", ".join(FIELD_LABELS[f] for f in FIELDS)
            + f" (missing: {', '.join(missing)})"
        )
    body = rows[1:]
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportProblem(f"The file must have {MAX_IMPORT_ROWS} points or fewer")
    points: list[dict] = []
    errors: list[str] = []
    for offset, row in enumerate(body):
        number = offset + 2
        values = {field: row[i] for i, field in enumerate(header) if field and i < len(row)}
        if not any(str(v).strip() for v in values.values()):
            continue
        clean, row_errors = validate_point(values)
        for message in row_errors.values():
            errors.append(f"Row {number}: {message}")
        if not row_errors:
            clean["row"] = number
            points.append(clean)
    if not points and not errors:
        raise ImportProblem("The selected file has no accuracy points in it")
    return points, errors


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Accuracy points"
    sheet.append([FIELD_LABELS[f] for f in FIELDS])
    sheet.append(["Section 3, paragraph 3.12", "Data", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- the summary of HMIP's decisions, for HMPPS ----------------------------------------------------

SUMMARY_COLUMNS = (
    "Point",
    "Location",
    "Category",
    "Current text",
    "Proposed correction",
    "Evidence",
    "HMIP decision",
    "Matter of judgement",
    "HMIP reasons",
)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def summary_rows(points: list[dict]) -> list[list[str]]:
    rows = []
    for shown, p in enumerate(points, start=1):  # the return's points as HMPPS reads them: 1, 2, 3
        rows.append(
            [
                neutralise(v)
                for v in (
                    shown,
                    p["location"],
                    CATEGORIES.get(p["category"], p["category"]),
                    p["current_text"],
                    p["proposed_correction"],
                    p["evidence"],
                    DECISIONS.get(p["decision"], "Not answered"),
                    "Yes" if p["matter_of_judgement"] else "No",
                    p["reason"],
                )
            ]
        )
    return rows


def summary_csv(points: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(points))
    return ("\ufeff" + out.getvalue()).encode()


def summary_xlsx(points: list[dict], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "HMIP decisions"
    sheet.append(list(SUMMARY_COLUMNS))
    for row in summary_rows(points):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    book.properties.title = title[:200]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
