"""Sheets: reading Excel workbooks.

A workbook is read with openpyxl in read-only mode, cell values only (a formula's last
result, not the formula), and each cell becomes the text a CSV would hold
(:func:`entrepot.workbooks.cell_text`). One sheet is read unless :data:`ALL_SHEETS` is
asked for, and when several hold data the user names it: it is not guessed. Read all
together, each sheet has its own header and is named ``book.xlsx[Sheet]`` in rejects and
messages. The header is the first row that is not blank (or the one --header-row names);
blank rows are counted, not read, so every record keeps its sheet row. openpyxl is
imported only when a workbook is opened: it takes a third of a second to import.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import SourceError
from ..workbooks import cell_text
from .batch import BATCH_ROWS
from .columns import HINT_LINES, canonical, header_names, one_line, resolve_columns

if TYPE_CHECKING:
    from .readers import Progress, Source

ALL_SHEETS = "all"
"""``--sheet all``: every sheet of a workbook that holds data, each with its own header."""


def _workbook(source: Source) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise SourceError(
            f"{source.path}: cannot read as an Excel workbook: {one_line(exc)}"
        ) from exc


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def excel_sheets(source: Source, sheet: str | None) -> list[str]:
    """The sheets to read, each checked to have a header that names the fields."""
    wb = _workbook(source)
    try:
        titles = [ws.title for ws in wb.worksheets]
        if sheet is None or sheet.strip().lower() == ALL_SHEETS:
            filled = [ws.title for ws in wb.worksheets if not _blank_sheet(ws)]
            chosen = filled
            if not filled:
                raise SourceError(f"{source.path}: no sheet holds data.")
            if sheet is None and len(filled) > 1:
                raise SourceError(
                    f"{source.path}: {len(filled)} sheets hold data "
                    f"({', '.join(map(repr, filled))}); name one with --sheet NAME, or "
                    f"read them all with --sheet {ALL_SHEETS}."
                )
        else:
            chosen = [t for t in titles if t == sheet] or [
                t for t in titles if t.strip().lower() == sheet.strip().lower()
            ]
            if len(chosen) != 1:
                raise SourceError(
                    f"{source.path}: no sheet {sheet!r}; its sheets are "
                    f"{', '.join(map(repr, titles))}."
                )
        shown = sheet is not None and sheet.strip().lower() == ALL_SHEETS
        for title in chosen:
            part = replace(source, shown_as=f"{source.path}[{title}]" if shown else None)
            _excel_header(part, wb[title])
        return chosen
    finally:
        wb.close()


def _blank_sheet(ws: Any) -> bool:
    return all(_blank(values) for values in ws.iter_rows(values_only=True))


def _excel_header(source: Source, ws: Any) -> tuple[int, list[str], dict[str, str]]:
    """The header's sheet row, its column names, and the fields they name."""
    wanted = source.header_row
    head = list(
        itertools.islice(
            enumerate(ws.iter_rows(values_only=True), start=1), max(HINT_LINES, wanted or 0)
        )
    )
    rows = [(n, [cell_text(v) for v in values]) for n, values in head]
    if wanted is not None:
        found = [(n, cells) for n, cells in rows if n == wanted]
        if not found or _blank(found[0][1]):
            raise SourceError(f"{source.name}: row {wanted} (--header-row) is blank.")
    else:
        found = [(n, cells) for n, cells in rows if not _blank(cells)][:1]
        if not found:
            raise SourceError(f"{source.name}: sheet {ws.title!r} is empty.")
    number, cells = found[0]
    header = header_names(cells)
    elsewhere = [(n, header_names(c)) for n, c in rows if n != number and not _blank(c)]
    resolved = resolve_columns(source.name, header, source.mapping, elsewhere, f"row {number}")
    return number, header, resolved


def excel_batches(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    wb = _workbook(source)
    try:
        ws = wb[source.sheet]
        header_number, header, resolved = _excel_header(source, ws)
        wanted = [(col, header.index(col)) for col in dict.fromkeys(resolved.values())]
        total = max((ws.max_row or 2) - header_number, 1)
        numbers: list[int] = []
        buffer: list[tuple[object, ...]] = []

        def flush() -> pa.RecordBatch:
            columns = {
                col: pa.array(
                    [cell_text(r[i]) if i < len(r) else None for r in buffer], pa.string()
                )
                for col, i in wanted
            }
            return canonical(columns, resolved, pa.array(numbers, pa.int64()))

        rows = ws.iter_rows(min_row=header_number + 1, values_only=True)
        for number, values in enumerate(rows, start=header_number + 1):
            if _blank(values):  # blank rows are counted, not read
                continue
            buffer.append(values)
            numbers.append(number)
            if len(buffer) == BATCH_ROWS:
                yield flush()
                buffer, numbers = [], []
                report(min((number - header_number) / total, 1.0))
        if buffer:
            yield flush()
        report(1.0)
    finally:
        wb.close()
