"""Files → tables of cells: a header row and the rows under it, from a CSV file, each
recognised sheet of a workbook, or a UN Comtrade JSON list.

Readers know nothing of layouts: the workbook reader takes the test that says whether a
row is a header entrepot knows (it looks for one on each sheet's first rows).
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ClassificationError
from ..workbooks import cell_text

XLSX = {".xlsx", ".xlsm"}
SUFFIXES = {".csv", ".json", *XLSX}
HEADER_ROWS = 30
"""How far down a sheet to look for its header row."""


@dataclass
class Table:
    """One header row and the rows under it, from a CSV file, a sheet or a JSON list."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (line or sheet row, cells)
    sheet: str | None = None
    unit: str = "line"
    label: str | None = None  # a JSON list's classCode and className

    def error(self, row: int | None, message: str) -> ClassificationError:
        return ClassificationError(f"classifications: {self.place(row)}: {message}")

    def place(self, row: int | None) -> str:
        where = self.path.name + (f" sheet '{self.sheet}'" if self.sheet else "")
        return where if row is None else f"{where} {self.unit} {row}"

    def column(self, name: str) -> int:
        return [h.lower() for h in self.header].index(name.lower())


def cell(value: Any) -> str:
    """A cell as stripped text, "" when empty (see :func:`entrepot.workbooks.cell_text`)."""
    return (cell_text(value) or "").strip()


def norm(header: Iterable[Any]) -> list[str]:
    return [cell(h).lstrip("\ufeff").strip() for h in header]


def read(path: Path, recognise: Callable[[list[str]], bool]) -> list[Table]:
    """The tables of ``path``: a CSV file's one table, a JSON list, or a workbook's sheets
    whose header ``recognise`` accepts (else each sheet's first row, to show what was seen).
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ClassificationError(
            f"classifications: {path.name} is an old .xls workbook; save it as .xlsx or CSV."
        )
    if suffix in XLSX:
        return read_xlsx(path, recognise)
    if suffix == ".json":
        return read_json(path)
    return read_csv(path)


def read_csv(path: Path) -> list[Table]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise ClassificationError(
            f"classifications: {path.name} is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); save it as UTF-8 CSV."
        ) from exc
    except (OSError, csv.Error) as exc:
        raise ClassificationError(f"classifications: cannot read {path}: {exc}") from exc
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        return [Table(path, [], [])]
    return [Table(path, norm(rows[0][1]), rows[1:])]


def read_xlsx(path: Path, recognise: Callable[[list[str]], bool]) -> list[Table]:
    """The recognised sheets of a workbook (header found on one of its first rows), or the
    first row of each sheet when none is recognised (for the error message)."""
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about page headers and footers it cannot parse, lazily.
        warnings.simplefilter("ignore", UserWarning)
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not one
            raise ClassificationError(
                f"classifications: cannot read {path.name} as an Excel workbook: {exc}"
            ) from exc
        try:
            return _sheets(book, path, recognise)
        finally:
            book.close()


def _sheets(book: Any, path: Path, recognise: Callable[[list[str]], bool]) -> list[Table]:
    found: list[Table] = []
    seen: list[Table] = []
    # Conversion sheets first: UNSD workbooks also hold a correlation sheet.
    sheets = sorted(book.worksheets, key=lambda s: "conversion" not in s.title.lower())
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        for number, values in enumerate(rows, start=1):
            header = norm(values)
            if number > HEADER_ROWS:
                break
            if not any(header):
                continue
            if not seen or seen[-1].sheet != sheet.title:
                seen.append(Table(path, header, [], sheet.title, "row"))
            if not recognise(header):
                continue
            body = [(n, list(v)) for n, v in enumerate(rows, start=number + 1)]
            body = [(n, v) for n, v in body if any(cell(c) for c in v)]
            found.append(Table(path, header, body, sheet.title, "row"))
            break
    return found or seen


def read_json(path: Path) -> list[Table]:
    """A UN Comtrade classification list as a table of id and text; its header is
    ``json:sitc`` for SITC lists, ``json:hs`` for HS lists (H0 to H6)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClassificationError(
            f"classifications: cannot read {path.name} as JSON: {exc}"
        ) from exc
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        return [Table(path, sorted(data) if isinstance(data, dict) else [], [])]
    code = f"{data.get('classCode', '')} {data.get('className', '')}".strip()
    if "SITC" in code.upper() or code.startswith("S"):
        header = ["json:sitc"]
    elif code[:1] == "H" and (code[1:2].isdigit() or code.upper().startswith("HS")):
        header = ["json:hs"]
    else:
        header = [code]
    rows = [
        (n, [item.get("id"), item.get("text")])
        for n, item in enumerate(results, start=1)
        if isinstance(item, dict)
    ]
    return [Table(path, header, rows, unit="item", label=code)]
