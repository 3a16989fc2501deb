"""Exported cells never run: text a spreadsheet would read as a formula stays text."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from services.cli.spreadsheets import csv_text, write_xlsx

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
