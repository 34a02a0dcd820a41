"""Readers: turn a source file into record batches of text columns.

Every reader yields batches of :data:`.batch.BATCH_SCHEMA`: the canonical field names, all
text, plus ``_line`` and ``_problem`` (see :mod:`.batch`). Here a file's format is
recognised and checked when it is opened (:func:`open_source`), and its records are read
by the module for that format: CSV by :mod:`.dialect` (how it is written) and
:mod:`.delimited` (its records), Parquet by :mod:`.columnar`, Excel by :mod:`.sheets`, the
office's fixed-width files by :mod:`.fixedwidth`; all of them map their columns to fields
with :mod:`.columns`. Validation and loading happen elsewhere, once, for every format
(:mod:`.checks`, :mod:`.load`).

A reader changes nothing it reads: every field is text exactly as the file holds it (only
an empty field is missing), and a record that cannot be read at all (a CSV row with too
many fields, an unclosed quote, bytes that are not text) becomes a row whose ``_problem``
says why, on its own physical line, while the rest of the file loads. Whatever else goes
wrong while reading is a :class:`SourceError` naming the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from queue import Empty, Full, Queue
from typing import TYPE_CHECKING

import pyarrow as pa

from ..errors import EntrepotError, InputError, SourceError
from ..periods import Period
from . import comtrade, fixedwidth
from .batch import BATCH_ROWS, BATCH_SCHEMA
from .columnar import Relation, parquet_batches, parquet_columns, parquet_relation
from .columns import one_line, resolve_columns
from .comtrade import DEFAULT_CUSTOMS
from .delimited import csv_batches
from .dialect import DELIMITERS, CsvLayout, delimiter_option, encoding_option, sniff_csv
from .sheets import ALL_SHEETS, excel_batches, excel_sheets

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALL_SHEETS",
    "DELIMITERS",
    "FORMATS",
    "CsvLayout",
    "Progress",
    "Source",
    "open_source",
]

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".dat": "csd",
    ".json": "comtrade",
}

Progress = Callable[[float], None]
"""Called with the fraction of a file read so far (0 to 1)."""

Apart = Callable[["pd.DataFrame"], None]
"""Takes the annual rows a UN Comtrade file holds (:func:`.comtrade.annual_rows`)."""


@dataclass(frozen=True)
class Source:
    """A file to ingest and how to read it."""

    path: Path
    format: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    period: Period | None = None
    skip_flows: frozenset[str] = frozenset()
    header_row: int | None = None
    """The 1-based line (CSV) or sheet row (Excel) of the header, when not the first."""
    csv: CsvLayout | None = None
    sheet: str | None = None
    """Excel: the sheet read, or :data:`ALL_SHEETS` for every one in :attr:`sheets`."""
    sheets: tuple[str, ...] = ()
    """Excel, for :data:`ALL_SHEETS`: the sheets that hold data."""
    detected: str | None = None
    """How a CSV file was read when that was detected, not given: ``semicolon-delimited
    UTF-16``."""
    shown_as: str | None = None
    """The name shown for the file, when not its path (see :attr:`name`)."""
    comtrade: str | None = None
    """A UN Comtrade file's layout (``plus`` or ``classic``, see :mod:`.comtrade`)."""
    customs: str = DEFAULT_CUSTOMS
    """A UN Comtrade file's customs procedure to keep."""

    @property
    def name(self) -> str:
        """The file as rejects and messages name it: ``book.xlsx[Sheet2]`` for one sheet of
        ``--sheet all``."""
        return self.shown_as or str(self.path)

    def split(self) -> list[Source]:
        """One source per sheet for ``--sheet all``; otherwise just this one."""
        if self.sheet != ALL_SHEETS:
            return [self]
        return [
            replace(self, sheet=title, sheets=(), shown_as=f"{self.path}[{title}]")
            for title in self.sheets
        ]

    def batches(
        self, progress: Progress | None = None, apart: Apart | None = None
    ) -> Iterator[pa.RecordBatch]:
        """Canonical batches (see module docstring). ``apart`` takes what a UN Comtrade
        file holds besides records: its annual rows (see :mod:`.comtrade`)."""
        report = progress or (lambda _fraction: None)
        if self.sheet == ALL_SHEETS:
            for part in self.split():
                yield from part.batches(progress, apart)
            return
        if self.format == "csd":
            yield from _guarded(self, _fixed_width(self, report))
            return
        if self.format == "comtrade":
            assert self.comtrade is not None  # open_source recognised it
            batches = comtrade.comtrade_batches(self.path, self.comtrade, self.customs, apart)
            yield from _guarded(self, batches)
            report(1.0)
            return
        reader = {"csv": csv_batches, "parquet": parquet_batches, "excel": excel_batches}
        yield from _read_ahead(_guarded(self, reader[self.format](self, report)))

    def fields(self) -> frozenset[str] | None:
        """The fields this file has a column for, from its header or schema (every other
        field is null in each of its records); None for formats whose rows say it."""
        if self.format == "csv":
            assert self.csv is not None  # open_source found the layout
            return frozenset(resolve_columns(self.name, list(self.csv.header), self.mapping))
        if self.format == "parquet":
            with _errors_on(self):
                return frozenset(parquet_columns(self))
        return None

    def relation(self, numbering: str) -> Relation | None:
        """How DuckDB reads this file, as :meth:`batches` would yield it (then the columns
        ``numbering``, see :func:`.columnar.parquet_relation`); None for a file only its
        reader reads (any format but Parquet)."""
        if self.format != "parquet":
            return None
        with _errors_on(self):
            return parquet_relation(self, numbering)


@contextmanager
def _errors_on(source: Source) -> Iterator[None]:
    """Any failure of the libraries below as a SourceError on the file."""
    try:
        yield
    except EntrepotError:
        raise
    except Exception as exc:  # Arrow, openpyxl, the OS: none of them may reach the user raw
        raise SourceError(f"{source.name}: cannot be read: {one_line(exc)}") from exc


def _guarded(source: Source, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches, with any failure of the libraries below as a SourceError on the file."""
    with _errors_on(source):
        yield from batches


def _read_ahead(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Read the next batches on a thread while the caller checks and stores this one.

    Arrow parses and DuckDB executes without holding the GIL, so the two overlap. Errors
    raised while reading reach the caller at the batch where they happened.
    """
    done = object()
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        queue.put(batch, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            queue.put(exc)
            return
        queue.put(done)

    worker = threading.Thread(target=produce, name="entrepot-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                queue.get_nowait()
            except Empty:
                worker.join(timeout=0.1)


def open_source(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    period: Period | None = None,
    skip_flows: frozenset[str] = frozenset(),
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    customs: str = DEFAULT_CUSTOMS,
) -> Source:
    """Recognise ``path``'s format from its name (and, for .DAT, its layout), and check
    that it can be read: its header names the required fields, once each.

    ``delimiter`` and ``encoding`` (CSV) are detected when not given; ``sheet`` (Excel) may
    be :data:`ALL_SHEETS`; ``header_row`` (CSV and Excel) is 1-based.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file.")
    if path.is_dir():
        raise SourceError(f"{path} is a directory; name the files to ingest.")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None or (fmt == "csd" and fixedwidth.layout_for(path) is None):
        known = ", ".join(sorted(FORMATS))
        raise SourceError(
            f"{path}: unknown file type {path.suffix or '(no suffix)'!r}. entrepot reads "
            f"{known} (.DAT files must be HSCCIT, HSCOIT or HSCOCCIT)."
        )
    if header_row is not None and header_row < 1:
        raise InputError(f"--header-row {header_row}: rows are numbered from 1.")
    source = Source(path, fmt, dict(mapping or {}), period, skip_flows, header_row)
    if fmt in ("csv", "comtrade") and not mapping:
        found = comtrade.sniff(path)
        if found is not None:
            shown = f"UN Comtrade, {found} layout"
            return replace(
                source, format="comtrade", comtrade=found, detected=shown, customs=customs
            )
    if fmt == "comtrade":
        raise SourceError(
            f"{path}: a JSON file that is not UN Comtrade's (entrepot reads JSON from the "
            "Comtrade API and bulk files only)."
        )
    if fmt == "csv":
        layout, detected = sniff_csv(source, delimiter_option(delimiter), encoding_option(encoding))
        return replace(source, csv=layout, detected=detected)
    if fmt == "parquet":
        parquet_columns(source)
    elif fmt == "excel":
        sheets = excel_sheets(source, sheet)
        if sheet is not None and sheet.strip().lower() == ALL_SHEETS:
            return replace(source, sheet=ALL_SHEETS, sheets=tuple(sheets))
        return replace(source, sheet=sheets[0])
    return source


# -- the office's fixed-width files --------------------------------------------------------


def _fixed_width(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    layout = fixedwidth.layout_for(source.path)
    assert layout is not None  # open_source checked it
    size = max(source.path.stat().st_size, 1)
    done = 0
    for batch in fixedwidth.read_fixed_width(
        source.path, period=source.period, skip_flows=source.skip_flows, batch_rows=BATCH_ROWS
    ):
        yield batch.select(BATCH_SCHEMA.names).cast(BATCH_SCHEMA)
        done += batch.num_rows
        report(min(done * layout.line_length / size, 1.0))
    report(1.0)
