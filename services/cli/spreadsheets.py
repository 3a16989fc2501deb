"""Rows in and out of the spreadsheets regions keep: CSV or XLSX, one header row."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from services.kernel import cells
from services.messages import _

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # the national list has 514 regions; a region's programs, a few thousand
MAX_CELL = 10_000  # characters: the longest text a field takes is 2,000


class SpreadsheetError(ValueError):
    """A file that cannot be read as a sheet of rows."""


def header_key(name: object) -> str:
    """`Start Year`, `start_year` and ` start-year ` all name the column `start year`."""
    return " ".join(str(name or "").replace("_", " ").replace("-", " ").lower().split())


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    rows: list[dict[str, str]]  # each row after the header as column -> text


def read_sheet(path: Path) -> Sheet:
    """The first sheet of a CSV or XLSX file; blank rows are skipped. A file, its rows and its
    cells are refused past their most before more is read."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        said = _("{path} holds {size} bytes; a sheet is at most {most}")
        raise SpreadsheetError(said.format(path=path, size=size, most=MAX_BYTES))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            try:
                table = list(itertools.islice(csv.reader(handle), MAX_ROWS + 2))
            except csv.Error as exc:  # a cell past csv's own limit, say
                said = _("{path} is not a readable CSV file ({reason})")
                raise SpreadsheetError(said.format(path=path, reason=exc)) from None
    elif suffix == ".xlsx":
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            said = _("{path} is not a readable XLSX workbook ({reason})")
            raise SpreadsheetError(said.format(path=path, reason=exc)) from None
        sheet = book.worksheets[0]
        read = itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)
        table = [[_text(v) for v in row] for row in read]
        book.close()
    else:
        raise SpreadsheetError(_("{path}: expected a .csv or .xlsx file").format(path=path))
    if not table:
        raise SpreadsheetError(_("{path} is empty").format(path=path))
    if len(table) > MAX_ROWS + 1:
        said = _("{path} has more than {most} rows; split it into smaller sheets")
        raise SpreadsheetError(said.format(path=path, most=MAX_ROWS))
    for number, values in enumerate(table, start=1):
        if any(len(str(v)) > MAX_CELL for v in values):
            said = _("{path}, row {row}: a cell holds more than {most} characters")
            raise SpreadsheetError(said.format(path=path, row=number, most=MAX_CELL))
    headers = [header_key(h) for h in table[0]]
    rows = []
    for values in table[1:]:
        if any(str(v).strip() for v in values):
            rows.append({h: str(v).strip() for h, v in zip(headers, values, strict=False) if h})
    return Sheet([h for h in headers if h], rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cells.inert(h) for h in headers])
    writer.writerows(["" if v is None else cells.inert(v) for v in row] for row in rows)
    return buffer.getvalue()


def write_xlsx(path: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]):
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # the longest sheet name Excel takes
    for number, row in enumerate([list(headers), *rows], start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column)
            cell.value = value
            if cells.looks_like_a_formula(value):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    book.save(path)
