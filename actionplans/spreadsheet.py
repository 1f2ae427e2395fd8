"""The action plan spreadsheet: a template pre-filled with the report's recommendations
(openpyxl), and reading a filled one back (tracker.spreadsheets, within its limits), with errors
reported row by row.

One row per action. A recommendation with several actions repeats its reference on the next
rows; its response is given once (on any of its rows). Exported text is guarded against
spreadsheet formula injection.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from actionplans.services import ACTION_STATUSES, RESPONSES, ActionInput, ImportedRows, owner_problem
from tracker import spreadsheets

SHEET = "Action plan"
COLUMNS = [
    ("Reference", 12),
    ("Recommendation or area of concern", 60),
    ("Response", 16),
    ("Part agreed, or reason not agreed", 40),
    ("Action", 50),
    ("Owner (role or team)", 24),
    ("Target date", 14),
    ("Status", 14),
]
EXPORT_COLUMNS = [("Overdue", 10), ("Latest progress", 40)]
RESPONSE_BY_LABEL = {label.lower(): key for key, label in RESPONSES.items()}
STATUS_BY_LABEL = {label.lower(): key for key, label in ACTION_STATUSES.items()}
MAX_ROWS = 2000


def _cell_text(value) -> str:
    """Text that a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def build_workbook(
    items: list[dict], *, title: str, export: bool = False, today: date | None = None, progress=None
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    columns = COLUMNS + (EXPORT_COLUMNS if export else [])
    for index, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    row = 2
    for item in items:
        rec = item["rec"]
        response = item.get("response") or {}
        actions = item.get("actions") or [None]
        for position, action in enumerate(actions):
            first = position == 0
            values = [
                _cell_text(rec["reference"]),
                _cell_text(rec["text"]) if first else "",
                RESPONSES.get(response.get("response", ""), "") if first else "",
                _cell_text(response.get("agreed_part") or response.get("reason") or "") if first else "",
                _cell_text(action["description"]) if action else "",
                _cell_text(action["owner"]) if action else "",
                action["target_date"] if action else None,
                ACTION_STATUSES.get(action["status"], "") if action else "",
            ]
            if export:
                latest = (progress or {}).get(action["id"]) if action else None
                values += [
                    "Yes" if action and action.get("overdue") else "",
                    _cell_text(f"{latest['occurred_on']:%d/%m/%Y}: {latest['note']}") if latest else "",
                ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if column == 7:
                    cell.number_format = "DD/MM/YYYY"
            row += 1
    if not export:
        responses = DataValidation(
            type="list", formula1='"' + ",".join(RESPONSES.values()) + '"', allow_blank=True
        )
        statuses = DataValidation(
            type="list", formula1='"' + ",".join(ACTION_STATUSES.values()) + '"', allow_blank=True
        )
        dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        for validation in (responses, statuses, dates):
            sheet.add_data_validation(validation)
        last = max(row + 200, 300)
        responses.add(f"C2:C{last}")
        statuses.add(f"H2:H{last}")
        dates.add(f"G2:G{last}")
        guide = workbook.create_sheet("How to fill this in")
        lines = [
            title,
            "One row per action. For a second action on the same recommendation, add a row with the "
            "same reference.",
            "Response: Agreed, Partly agreed or Not agreed (give it once for each recommendation).",
            "Partly agreed: say which part is agreed. Not agreed: give the reason (no actions).",
            "Owner: a role or team (for example Head of Safety), not a person's name or contact details.",
            "Target date: a date in the future, as DD/MM/YYYY.",
            "Status: Not started, In progress or Complete.",
        ]
        for index, line in enumerate(lines, start=1):
            guide.cell(row=index, column=1, value=line)
        guide.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def _date(value) -> date | None | str:
    """A date, None for blank, or "bad" for something that is not a real date."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return "bad"


def parse_workbook(
    content: bytes, recommendations: list[dict], *, today: date
) -> tuple[ImportedRows, list[str]]:
    """Read a filled template. Returns the rows and a list of errors ("Row 7: ...").
    Run it in a worker thread (tracker.spreadsheets.off_loop)."""
    try:
        frame = spreadsheets.read_frame(content, "xlsx", sheet=SHEET, dtype=object)
    except spreadsheets.SpreadsheetTooLarge as refused:
        return ImportedRows(), [str(refused)]
    except ValueError:
        return ImportedRows(), [f"The spreadsheet must have a sheet called “{SHEET}”. Use the template"]
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same problem for the person
        return ImportedRows(), ["The spreadsheet could not be read. Save it again as .xlsx and upload it"]
    expected = [name for name, _ in COLUMNS]
    if [str(c).strip() for c in frame.columns[: len(expected)]] != expected:
        return ImportedRows(), ["The spreadsheet’s columns have been changed. Use the template's columns"]
    if len(frame) > MAX_ROWS:
        return ImportedRows(), [f"The spreadsheet has more than {MAX_ROWS} rows"]

    by_reference = {r["reference"].strip().lower(): r for r in recommendations}
    result = ImportedRows()
    errors: list[str] = []
    responses: dict[int, tuple[str, str, str, int]] = {}
    actions: list[tuple[int, ActionInput, int]] = []
    attempted: set[int] = set()
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        row_number = index + 2  # the header is row 1
        cells = list(values) + [None] * (len(COLUMNS) - len(values))
        reference, _text_cell, response_text, part_text, description, owner, target, status_text = cells[
            : len(COLUMNS)
        ]
        reference = _text(reference)
        description, owner = _text(description), _text(owner)
        response_text, part_text, status_text = _text(response_text), _text(part_text), _text(status_text)
        if not any([reference, response_text, part_text, description, owner, _text(target), status_text]):
            continue
        if not reference:
            errors.append(f"Row {row_number}: enter the recommendation's reference")
            continue
        rec = by_reference.get(reference.lower())
        if rec is None:
            errors.append(f"Row {row_number}: {reference} is not a recommendation in this report")
            continue
        if response_text:
            response = RESPONSE_BY_LABEL.get(response_text.lower())
            if response is None:
                errors.append(f"Row {row_number}: response must be Agreed, Partly agreed or Not agreed")
            elif rec["id"] in responses and responses[rec["id"]][0] != response:
                errors.append(
                    f"Row {row_number}: {rec['reference']} has a different response on row "
                    f"{responses[rec['id']][3]}"
                )
            elif response == "partly_agreed" and not part_text:
                errors.append(f"Row {row_number}: say which part of {rec['reference']} is agreed")
            elif response == "not_agreed" and not part_text:
                errors.append(f"Row {row_number}: give the reason {rec['reference']} is not agreed")
            elif rec["id"] not in responses:
                responses[rec["id"]] = (
                    response,
                    part_text if response == "partly_agreed" else "",
                    part_text if response == "not_agreed" else "",
                    row_number,
                )
        has_action = any([description, owner, _text(target), status_text])
        if not has_action:
            continue
        attempted.add(rec["id"])
        target_date = _date(target)
        status = STATUS_BY_LABEL.get(status_text.lower()) if status_text else "not_started"
        problems = []
        if not description:
            problems.append("enter the action")
        if problem := owner_problem(owner):
            problems.append(problem[0].lower() + problem[1:])
        if target_date is None:
            problems.append("enter the target date")
        elif target_date == "bad":
            problems.append("target date must be a real date, as DD/MM/YYYY")
        elif target_date <= today:
            problems.append("target date must be in the future")
        if status is None:
            problems.append("status must be Not started, In progress or Complete")
        if problems:
            errors.append(f"Row {row_number}: " + "; ".join(problems))
            continue
        actions.append((rec["id"], ActionInput(description[:4000], owner, target_date, status), row_number))
    for rec_id, _action, row_number in actions:
        response = responses.get(rec_id)
        if response is None:
            errors.append(f"Row {row_number}: select a response for a recommendation with an action")
        elif response[0] == "not_agreed":
            errors.append(f"Row {row_number}: a recommendation that is not agreed has no actions")
    for rec_id, (response, _part, _reason, row_number) in responses.items():
        if response in ("agreed", "partly_agreed") and rec_id not in attempted:
            reference = next(r["reference"] for r in recommendations if r["id"] == rec_id)
            errors.append(f"Row {row_number}: enter at least one action for {reference}")
    errors.sort(key=lambda e: int(e.split(":")[0].split()[1]) if e.startswith("Row ") else 0)
    result.responses = {rec_id: value[:3] for rec_id, value in responses.items()}
    result.actions = [(rec_id, action) for rec_id, action, _row in actions]
    return result, errors
