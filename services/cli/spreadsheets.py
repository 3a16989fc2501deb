"""Rows in and out of the spreadsheets regions keep: CSV or XLSX, one header row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from services.kernel import cells
from services.messages import _


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
    """The first sheet of a CSV or XLSX file; blank rows are skipped."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = [row for row in csv.reader(handle)]
    elif suffix == ".xlsx":
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            said = _("{path} is not a readable XLSX workbook ({reason})")
            raise SpreadsheetError(said.format(path=path, reason=exc)) from None
        sheet = book.worksheets[0]
        table = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        raise SpreadsheetError(_("{path}: expected a .csv or .xlsx file").format(path=path))
    if not table:
        raise SpreadsheetError(_("{path} is empty").format(path=path))
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
