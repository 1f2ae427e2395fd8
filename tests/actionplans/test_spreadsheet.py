"""The pre-filled XLSX template and reading it back: every row checked, errors named by row."""

import io
from datetime import timedelta

from openpyxl import load_workbook

from actionplans.spreadsheet import SHEET, build_workbook, parse_workbook
from tests.actionplans.helpers import TODAY, later, xlsx_with_rows

RECS = [
    {"id": 11, "reference": "R1", "text": "Improve safety", "area": "", "kind": "recommendation"},
    {"id": 12, "reference": "R2", "text": '=HYPERLINK("http://evil")', "area": "", "kind": "recommendation"},
    {"id": 13, "reference": "C1", "text": "Concern about food", "area": "", "kind": "area_of_concern"},
]


def d(days=60):
    return later(days).strftime("%d/%m/%Y")


def test_template_is_prefilled_with_the_recommendations_and_guards_formulas():
    content = build_workbook([{"rec": r, "response": None, "actions": []} for r in RECS], title="HMP Example")
    sheet = load_workbook(io.BytesIO(content))[SHEET]
    assert [c.value for c in sheet[1]][:3] == ["Reference", "Recommendation or area of concern", "Response"]
    assert [sheet.cell(row=n, column=1).value for n in (2, 3, 4)] == ["R1", "R2", "C1"]
    assert sheet.cell(row=3, column=2).value.startswith("'=")
    assert sheet.data_validations.dataValidation


def test_a_good_sheet_is_read():
    rows, errors = parse_workbook(
        xlsx_with_rows(
            [
                ["R1", "", "Agreed", "", "Review every cell check", "Head of Safety", d(), "Not started"],
                ["R1", "", "", "", "Train staff", "Training team", later(90), "In progress"],
                [
                    "R2",
                    "",
                    "Partly agreed",
                    "The part about staff",
                    "Recruit",
                    "HR business partner",
                    d(),
                    "",
                ],
                ["C1", "", "Not agreed", "Already covered by policy", "", "", "", ""],
            ]
        ),
        RECS,
        today=TODAY,
    )
    assert errors == []
    assert rows.responses[11][0] == "agreed"
    assert rows.responses[12] == ("partly_agreed", "The part about staff", "")
    assert rows.responses[13] == ("not_agreed", "", "Already covered by policy")
    assert [a.owner for _, a in rows.actions] == ["Head of Safety", "Training team", "HR business partner"]
    assert rows.actions[1][1].status == "in_progress" and rows.actions[2][1].status == "not_started"


def test_bad_rows_are_named_and_nothing_is_returned_as_good():
    past = (TODAY - timedelta(days=3)).strftime("%d/%m/%Y")
    rows, errors = parse_workbook(
        xlsx_with_rows(
            [
                ["R1", "", "Agreed", "", "Do it", "Head of Safety", past, "Not started"],
                ["R9", "", "Agreed", "", "Do it", "Head of Safety", d(), ""],
                ["R2", "", "Partly agreed", "", "Do it", "jane@example.gov.uk", "31/02/2027", "Finished"],
                ["C1", "", "Not agreed", "No", "An action anyway", "Governor", d(), ""],
                ["", "", "Maybe", "", "", "", "", ""],
            ]
        ),
        RECS,
        today=TODAY,
    )
    assert "Row 2: target date must be in the future" in errors
    assert "Row 3: R9 is not a recommendation in this report" in errors
    row4 = [e for e in errors if e.startswith("Row 4:")]
    assert any("which part of R2 is agreed" in e for e in row4)
    assert any("not an email address" in e and "real date" in e and "status must be" in e for e in row4)
    assert "Row 5: a recommendation that is not agreed has no actions" in errors
    assert "Row 6: enter the recommendation's reference" in errors


def test_an_agreed_recommendation_needs_an_action_and_an_action_needs_a_response():
    _, errors = parse_workbook(
        xlsx_with_rows(
            [["R1", "", "Agreed", "", "", "", "", ""], ["R2", "", "", "", "Do it", "Head of Safety", d(), ""]]
        ),
        RECS,
        today=TODAY,
    )
    assert errors == [
        "Row 2: enter at least one action for R1",
        "Row 3: select a response for a recommendation with an action",
    ]


def test_a_sheet_with_changed_columns_or_no_sheet_is_refused():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Sheet1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, errors = parse_workbook(buffer.getvalue(), RECS, today=TODAY)
    assert "sheet called" in errors[0]
