"""Spreadsheet uploads read with bounded memory and time (SECURITY.md K1).

pandas.read_excel trusted the sheet: a 1.5 KB file with one cell at XFD1048576 made it pad a
million rows to 16,384 columns each. Here rows are streamed (openpyxl's sheet parser, or the csv
module), counted as they arrive, and the read stops at the first row, column or cell past a limit,
or when its time is up, with a message for the person (`SpreadsheetTooLarge`, an UploadRefused).
The sheet's declared <dimension> is never used. Empty rows and cells after the last filled one are
not counted: Excel writes them for formatting. The rows kept become the same DataFrame pandas
made, through the parser read_excel itself hands its rows to.

Callers run the read in a worker thread (`off_loop`), never on the event loop."""

from __future__ import annotations

import csv
import functools
import io
import time
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.parsers import expat  # nosec B407 - counts elements only; expat 2.4+ bounds entity expansion

import anyio.to_thread

from tracker.uploads import CHUNK, UploadRefused

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
EXCEL_COLUMNS = 16_384  # column XFD: no real sheet has more cells in one row


@dataclass(frozen=True)
class Limits:
    rows: int = 20_000  # above every import's own limit (the programme takes 10,000 inspections)
    columns: int = 50
    cells: int = 250_000  # filled cells
    seconds: float = 10  # CPU time of the reading thread: a busy machine does not make a file slow

    @property
    def too_many_rows(self) -> str:
        return f"The spreadsheet must have {self.rows:,} rows or fewer"

    @property
    def too_many_columns(self) -> str:
        return f"The spreadsheet must have {self.columns:,} columns or fewer"

    @property
    def too_many_cells(self) -> str:
        return f"The spreadsheet must have {self.cells:,} filled cells or fewer"


LIMITS = Limits()
TOO_SLOW = (
    "The spreadsheet took too long to read. Copy the rows you need into a new spreadsheet and upload that"
)


class SpreadsheetTooLarge(UploadRefused):
    """A spreadsheet past one of the Limits; the message names the limit."""


async def off_loop(function, /, *args, **kwargs):
    """`function(*args, **kwargs)` in a worker thread: the event loop serves others meanwhile."""
    return await anyio.to_thread.run_sync(functools.partial(function, *args, **kwargs))


def read_frame(content: bytes, file_type: str, *, sheet: str | None = None, limits=LIMITS, **options):
    """The first sheet (or `sheet`) of an XLSX file, or a UTF-8 CSV file, as the DataFrame
    pandas.read_excel or read_csv gave with the same `options` (header, dtype, keep_default_na).
    SpreadsheetTooLarge past a limit; any other exception means the file could not be read."""
    reading = _Reading(limits)
    if file_type == "xlsx":
        rows = reading.keep(_xlsx_rows(content, sheet, reading), pad=True)
    else:
        rows = reading.keep(enumerate(_csv_rows(content, reading), start=1), pad=False)
    return _frame(rows, file_type, options)


class _Reading:
    """Counts rows and filled cells as they arrive; raises at the first limit passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.thread_time() + limits.seconds

    def in_time(self) -> None:
        if time.thread_time() >= self.deadline:
            raise SpreadsheetTooLarge(TOO_SLOW)

    def keep(self, rows: Iterable[tuple[int, list]], *, pad: bool) -> list[list]:
        """Every row, by its number, up to the last with a filled cell; rows missing from the
        file are empty. With `pad` (as pandas did for XLSX), all are made as wide as the widest."""
        limits = self.limits
        kept: list[list] = []
        empty: dict[int, list] = {}  # empty rows after the last filled one, kept if more follow
        cells = 0
        for number, row in rows:
            self.in_time()
            width = _filled_width(row)
            if width == 0:
                if number <= limits.rows:  # a filled row after the limit is refused anyway
                    empty[number] = row[: limits.columns]
                continue
            if number > limits.rows:
                raise SpreadsheetTooLarge(limits.too_many_rows)
            if width > limits.columns:
                raise SpreadsheetTooLarge(limits.too_many_columns)
            cells += sum(1 for value in row[:width] if value != "")
            if cells > limits.cells:
                raise SpreadsheetTooLarge(limits.too_many_cells)
            kept += [empty.get(n, []) for n in range(len(kept) + 1, number)]
            empty = {}
            kept.append(row[: limits.columns])
        if pad and kept:
            widest = max(len(row) for row in kept)
            kept = [row + [""] * (widest - len(row)) for row in kept]
        return kept


def _filled_width(row: list) -> int:
    """One past the last filled cell; 0 for an empty row."""
    for position in range(len(row) - 1, -1, -1):
        if row[position] != "":
            return position + 1
    return 0


# -- XLSX --------------------------------------------------------------------------------------------


def _xlsx_rows(content: bytes, sheet: str | None, reading: _Reading):
    """(row number, values) for each row in the sheet's XML, ending at its last filled cell.

    openpyxl's public iter_rows yields every missing row one at a time (a million of them before
    a cell at row 1,048,576) and pads each row to its last cell, so its sheet parser is used
    directly, as ReadOnlyWorksheet does (openpyxl is pinned in pyproject.toml)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_xml(content, reading)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no default style" and the like: not the person's problem
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ValueError(f"Worksheet named '{sheet}' not found")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        with worksheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                worksheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                yield number, _row_values(cells)
    finally:
        book.close()


def _row_values(cells: list[dict]) -> list:
    """A row as pandas' reader made it ("" for an empty cell), ending at its last filled cell."""
    filled = {cell["column"]: value for cell in cells if (value := _cell_value(cell)) != ""}
    row = [""] * max(filled, default=0)
    for column, value in filled.items():
        row[column - 1] = value
    return row


def _cell_value(cell: dict):
    """What pandas' openpyxl reader made of a cell: "" for empty, NaN for an error, whole
    numbers as int."""
    value = cell["value"]
    if value is None:
        return ""
    if cell["data_type"] == "e":  # openpyxl's TYPE_ERROR
        return float("nan")
    if cell["data_type"] == "n":  # TYPE_NUMERIC
        whole = int(value)
        return whole if whole == value else float(value)
    return value


def _check_xml(content: bytes, reading: _Reading) -> None:
    """openpyxl builds a whole <row> of cells, and every shared string, before we see them. Count
    those elements first, streaming with expat, so that one row of a million cells, or a million
    strings, is refused before anything is built."""
    row, cell, string = f"{SHEET_NS} row", f"{SHEET_NS} c", f"{SHEET_NS} si"
    counts = {"cells in row": 0, "strings": 0}

    def start(name: str, _attributes) -> None:
        if name == row:
            counts["cells in row"] = 0
        elif name == cell:
            counts["cells in row"] += 1
            if counts["cells in row"] > EXCEL_COLUMNS:
                raise SpreadsheetTooLarge(reading.limits.too_many_columns)
        elif name == string:
            counts["strings"] += 1
            if counts["strings"] > reading.limits.cells:
                raise SpreadsheetTooLarge(reading.limits.too_many_cells)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = start
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        parser.Parse(chunk, False)
                        reading.in_time()
            except expat.ExpatError:
                continue  # not XML (an image, say): openpyxl will not read it as a sheet either


# -- CSV ---------------------------------------------------------------------------------------------


def _csv_rows(content: bytes, reading: _Reading):
    """The csv module builds a whole record before we see it: a record has no more fields than
    the file has commas, so the commas are counted first."""
    text = content.decode("utf-8-sig")
    if text.count(",") > 2 * reading.limits.cells:
        raise SpreadsheetTooLarge(reading.limits.too_many_cells)
    return csv.reader(io.StringIO(text, newline=""))


# -- the DataFrame -------------------------------------------------------------------------------------


def _frame(rows: list[list], file_type: str, options: dict):
    """The DataFrame read_excel or read_csv made of these rows: TextParser is the step read_excel
    hands its rows to (and the python engine of read_csv)."""
    from pandas import DataFrame
    from pandas.errors import EmptyDataError
    from pandas.io.parsers import TextParser

    options = {"header": 0, **options}
    try:
        return TextParser(rows, skip_blank_lines=file_type == "csv", **options).read()
    except EmptyDataError:
        if file_type == "xlsx":  # read_excel gives an empty frame; read_csv refuses
            return DataFrame()
        raise
