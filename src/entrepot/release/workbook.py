"""The release's tables as an Excel workbook: one sheet per table, each number the
unrounded value with a number format that shows it as printed (billions with one decimal,
changes with a sign), and a sheet of every figure with its provenance."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .document import Release, Table

FORMATS = {
    # Three thousands separators after the digits scale the value to billions.
    "money": "#,##0.0,,,;-#,##0.0,,,",
    "pct": "+0.0;-0.0;0.0",
    "share": "0.0",
    "index": "0.0",
}


def _sheet_name(table: Table, used: set[str]) -> str:
    match = re.match(r"Table (\d+)", table.title)
    base = f"Table {match.group(1)}" if match else table.id
    name, n = base[:31], 2
    while name in used:
        name, n = f"{base[:28]} ({n})", n + 1
    used.add(name)
    return name


def workbook(release: Release, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in release.tables():
        sheet = book.create_sheet(_sheet_name(table, used))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([c.name for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for row in table.rows:
            values: list[object] = []
            for column, part in zip(table.columns, row, strict=True):
                if isinstance(part, str):
                    values.append(part if column.kind == "text" else None)
                    continue
                value = release.figure(part).value
                values.append(value if isinstance(value, int | float) else None)
            sheet.append(values)
            for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
                if column.kind in FORMATS:
                    cell.number_format = FORMATS[column.kind]
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        for i, column in enumerate(table.columns, 1):
            width = 40 if column.name == "name" else max(12, len(column.name) + 2)
            sheet.column_dimensions[get_column_letter(i)].width = width
    figures = book.create_sheet("Figures")
    figures.append(["id", "printed", "value", "measure", "computed by"])
    for f in release.figures.values():
        value = (
            f.value if isinstance(f.value, int | float | str) or f.value is None else str(f.value)
        )
        figures.append([f.id, f.text, value, f.measure, f.expression])
    book.save(path)
