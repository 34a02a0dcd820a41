"""Files → tables of cells: CSV, workbooks (header below the first row), UN Comtrade JSON."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from entrepot.classifications.readers import read
from entrepot.errors import ClassificationError


def comtrade(path: Path, class_code: str, class_name: str) -> Path:
    results = [
        {"id": "TOTAL", "text": "Total", "parent": "#"},
        {"id": "85", "text": "85 - Electrical machinery", "parent": "TOTAL"},
    ]
    path.write_text(
        json.dumps({"classCode": class_code, "className": class_name, "results": results}),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("class_code", "class_name", "header"),
    [
        ("S4", "SITC Rev. 4", ["json:sitc"]),
        ("H6", "HS2022", ["json:hs"]),
        ("H5", "HS2017", ["json:hs"]),
        ("B5", "BEC5", ["B5 BEC5"]),
    ],
)
def test_comtrade_lists_are_read_by_their_class(tmp_path, class_code, class_name, header):
    (table,) = read(comtrade(tmp_path / "c.json", class_code, class_name), lambda h: False)

    assert table.header == header
    assert table.label == f"{class_code} {class_name}"
    assert table.rows == [(1, ["TOTAL", "Total"]), (2, ["85", "85 - Electrical machinery"])]
    assert table.place(2) == "c.json item 2"


def test_workbook_header_found_below_a_title_and_blank_rows_skipped(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet A"
    sheet.append(["A title"])
    sheet.append([])
    sheet.append(["code", "name"])
    sheet.append([1.0, "one"])
    sheet.append([None, None])
    sheet.append(["02", "two"])
    book.save(tmp_path / "b.xlsx")

    (table,) = read(tmp_path / "b.xlsx", lambda header: header[:2] == ["code", "name"])

    assert (table.sheet, table.header[:2]) == ("Sheet A", ["code", "name"])
    assert [(n, v[:2]) for n, v in table.rows] == [(4, [1.0, "one"]), (6, ["02", "two"])]
    assert table.place(6) == "b.xlsx sheet 'Sheet A' row 6"


def test_workbook_without_a_known_header_shows_each_sheets_first_row(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["HONG KONG'S TOP 10 TRADE"])
    book.create_sheet("Other").append(["x", "y"])
    book.save(tmp_path / "report.xlsx")

    tables = read(tmp_path / "report.xlsx", lambda header: False)

    assert [(t.sheet, t.header, t.rows) for t in tables] == [
        ("Sheet", ["HONG KONG'S TOP 10 TRADE"], []),
        ("Other", ["x", "y"], []),
    ]


def test_files_that_cannot_be_read(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,name\n1,caf\xe9\n".encode("latin-1"))
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf")

    with pytest.raises(ClassificationError) as info:
        read(latin, lambda h: True)
    assert str(info.value) == (
        "classifications: latin.csv is not UTF-8 text (invalid continuation byte at byte "
        "15); save it as UTF-8 CSV."
    )
    with pytest.raises(ClassificationError, match=r"old\.xls is an old \.xls workbook"):
        read(old, lambda h: True)
