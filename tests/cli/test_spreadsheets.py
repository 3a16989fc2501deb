"""Exported cells never run: text a spreadsheet would read as a formula stays text."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from services.cli.spreadsheets import (
    MAX_CELL,
    MAX_ROWS,
    SpreadsheetError,
    csv_text,
    read_sheet,
    write_xlsx,
)

HOSTILE = ['=HYPERLINK("http://evil.example","Kota Uji")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def test_text_that_reads_as_a_formula_is_quoted_in_csv_and_numbers_are_not():
    text = csv_text(["region", "final"], [[name, -0.5] for name in HOSTILE])

    rows = list(csv.reader(io.StringIO(text)))

    assert [row[0] for row in rows[1:]] == [f"'{name}" for name in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-0.5"}


def test_text_that_reads_as_a_formula_is_a_text_cell_in_xlsx(tmp_path):
    path = tmp_path / "scorecards.xlsx"

    write_xlsx(path, "scorecards", ["region", "final"], [[name, -0.5] for name in HOSTILE])

    sheet = openpyxl.load_workbook(path).active
    cells = [(sheet.cell(n, 1).value, sheet.cell(n, 1).data_type) for n in range(2, 7)]
    assert cells == [(name, "s") for name in HOSTILE]
    assert all(sheet.cell(n, 1).quotePrefix for n in range(2, 7))
    assert [sheet.cell(n, 2).value for n in range(2, 7)] == [-0.5] * 5
    assert b"<f>" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")


def test_a_sheet_past_its_rows_or_a_cell_past_its_size_is_refused_before_more_is_read(tmp_path):
    many = tmp_path / "many.csv"
    many.write_text("code,name\n" + "".join(f"{n},Kota {n}\n" for n in range(MAX_ROWS + 5)))
    wide = tmp_path / "wide.csv"
    wide.write_text("code,name\n11.01," + "x" * (MAX_CELL + 1) + "\n")
    huge_cell = tmp_path / "huge.csv"
    huge_cell.write_text('code,name\n11.01,"' + "x" * 20_000_000 + '"\n')
    many_rows = tmp_path / "many.xlsx"
    write_xlsx(many_rows, "regions", ["code"], [[n] for n in range(MAX_ROWS + 5)])

    refused = {}
    for path in (many, wide, huge_cell, many_rows):
        with pytest.raises(SpreadsheetError) as raised:
            read_sheet(path)
        refused[path.name] = str(raised.value).removeprefix(str(tmp_path) + "/")

    assert refused == {
        "many.csv": f"many.csv has more than {MAX_ROWS} rows; split it into smaller sheets",
        "wide.csv": f"wide.csv, row 2: a cell holds more than {MAX_CELL} characters",
        "huge.csv": "huge.csv is not a readable CSV file (field larger than field limit (131072))",
        "many.xlsx": f"many.xlsx has more than {MAX_ROWS} rows; split it into smaller sheets",
    }
