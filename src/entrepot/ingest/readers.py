"""Readers: turn a source file into record batches of text columns.

Every reader yields batches of :data:`.batch.BATCH_SCHEMA`: the canonical field names, all
text, plus ``_line`` and ``_problem`` (see :mod:`.batch`). CSV, Parquet and Excel are read
here; the office's fixed-width files in :mod:`.fixedwidth`. Validation and loading happen
elsewhere, once, for every format (:mod:`.checks`, :mod:`.load`).
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full, Queue
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import MappingError, SourceError
from ..periods import Period
from ..schema import FIELD_NAMES, REQUIRED_FIELDS
from ..workbooks import cell_text
from . import fixedwidth
from .batch import BATCH_ROWS, BATCH_SCHEMA

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".dat": "csd",
}

Progress = Callable[[float], None]
"""Called with the fraction of a file read so far (0 to 1)."""


@dataclass(frozen=True)
class Source:
    """A file to ingest and how to read it."""

    path: Path
    format: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    period: Period | None = None
    skip_flows: frozenset[str] = frozenset()

    def batches(self, progress: Progress | None = None) -> Iterator[pa.RecordBatch]:
        """Canonical batches (see module docstring)."""
        report = progress or (lambda _fraction: None)
        if self.format == "csd":
            yield from _fixed_width(self, report)
            return
        reader = {"csv": _csv, "parquet": _parquet, "excel": _excel}[self.format]
        yield from _read_ahead(reader(self, report))


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
) -> Source:
    """Recognise ``path``'s format from its name (and, for .DAT, its layout)."""
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
    return Source(path, fmt, dict(mapping or {}), period, skip_flows)


# -- column mapping ----------------------------------------------------------------------


def _resolve_columns(path: Path, columns: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Map source columns to fields: --map first, then exact names (case-insensitive)."""
    for target in mapping.values():
        if target not in FIELD_NAMES:
            raise MappingError(
                f"--map names field {target!r}, which does not exist. "
                f"Fields: {', '.join(FIELD_NAMES)}."
            )
    lowered = {c.strip().lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for source_col, target in mapping.items():
        actual = lowered.get(source_col.strip().lower())
        if actual is None:
            raise MappingError(
                f"{path}: --map names column {source_col!r}, which is not in the file. "
                f"Existing columns: {', '.join(columns)}."
            )
        resolved[target] = actual
    for name in FIELD_NAMES:
        if name not in resolved and name in lowered and lowered[name] not in resolved.values():
            resolved[name] = lowered[name]
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    unused = [c for c in columns if c not in resolved.values()]
    if missing:
        raise SourceError(
            f"{path}: required column(s) {', '.join(missing)} not found. "
            f"Existing columns: {', '.join(columns)}. "
            f"Name the matching column with --map COLUMN=FIELD (e.g. --map "
            f"{unused[0] if unused else 'COLUMN'}={missing[0]})."
        )
    return resolved


def _canonical(batch: pa.RecordBatch, resolved: dict[str, str], first_line: int) -> pa.RecordBatch:
    n = batch.num_rows
    arrays = []
    for name in FIELD_NAMES:
        if name in resolved:
            arr = batch.column(resolved[name])
            if not pa.types.is_string(arr.type):
                arr = arr.cast(pa.string())
            arrays.append(arr)
        else:
            arrays.append(pa.nulls(n, pa.string()))
    arrays.append(pa.array(range(first_line, first_line + n), pa.int64()))
    arrays.append(pa.nulls(n, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=BATCH_SCHEMA)


# -- CSV ---------------------------------------------------------------------------------


class _CountingFile(io.RawIOBase):
    """Counts bytes read, so a streaming CSV read can report progress."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.read_bytes += n or 0
        return n or 0


def _csv_header(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            row = next(csv.reader(f, delimiter=delimiter), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceError(f"{path}: cannot read the CSV header on line 1: {exc}") from exc
    if not row:
        raise SourceError(f"{path}: the file is empty (expected a header line naming the fields).")
    return row


def _csv(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    size = max(source.path.stat().st_size, 1)
    delimiter = "\t" if source.path.suffix.lower() == ".tsv" else ","
    header = _csv_header(source.path, delimiter)
    with source.path.open("rb") as raw:
        counted = _CountingFile(raw)
        resolved = _resolve_columns(source.path, header, source.mapping)
        reader = pacsv.open_csv(
            io.BufferedReader(counted, buffer_size=1 << 20),  # type: ignore[type-var]
            read_options=pacsv.ReadOptions(block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=True,
                include_columns=list(dict.fromkeys(resolved.values())),
            ),
        )
        line = 2  # line 1 is the header
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise SourceError(
                    f"{source.path}: malformed CSV after line {line - 1}: {exc}"
                ) from exc
            yield _canonical(batch, resolved, line)
            line += batch.num_rows
            report(min(counted.read_bytes / size, 1.0))


# -- Parquet -----------------------------------------------------------------------------


def _parquet(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    try:
        pf = pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SourceError(f"{source.path}: cannot read as Parquet: {exc}") from exc
    resolved = _resolve_columns(source.path, pf.schema_arrow.names, source.mapping)
    total = max(pf.metadata.num_rows, 1)
    row = 1  # Parquet has no lines: report the 1-based row number
    for batch in pf.iter_batches(
        batch_size=BATCH_ROWS, columns=list(dict.fromkeys(resolved.values()))
    ):
        yield _canonical(batch, resolved, row)
        row += batch.num_rows
        report(min((row - 1) / total, 1.0))


# -- Excel -------------------------------------------------------------------------------


def _excel(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise SourceError(f"{source.path}: cannot read as an Excel workbook: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise SourceError(f"{source.path}: sheet {ws.title!r} is empty.")
        header = [
            str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header_row)
        ]
        resolved = _resolve_columns(source.path, header, source.mapping)
        wanted = {name: header.index(col) for name, col in resolved.items()}
        total = max((ws.max_row or 2) - 1, 1)
        line = 2
        buffer: list[tuple[object, ...]] = []

        def flush(first_line: int) -> pa.RecordBatch:
            data = {
                col: pa.array(
                    [cell_text(r[i]) if i < len(r) else None for r in buffer], pa.string()
                )
                for col, i in ((resolved[n], wanted[n]) for n in resolved)
            }
            return _canonical(pa.RecordBatch.from_pydict(data), resolved, first_line)

        for values in rows:
            buffer.append(values)
            if len(buffer) == BATCH_ROWS:
                yield flush(line)
                line += len(buffer)
                buffer = []
                report(min((line - 2) / total, 1.0))
        if buffer:
            yield flush(line)
        report(1.0)
    finally:
        wb.close()


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
