"""Columnar: reading Parquet files.

Parquet has no lines, so a record's ``_line`` is its 1-based row. Its columns are typed,
but every reader yields text, so each column read is cast to text: dates and timestamps as
their month ``YYYY-MM``, as a workbook's dates are read (:func:`entrepot.workbooks.cell_text`).
A column that cannot be cast is an error on the file, not on each of its records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import SourceError
from .batch import BATCH_ROWS
from .columns import canonical, numbered, one_line, resolve_columns

if TYPE_CHECKING:
    from .readers import Progress, Source


def _parquet_file(source: Source) -> pq.ParquetFile:
    try:
        # Without pre-buffering: with it, the reader keeps every column chunk it has read
        # until the file is closed (1.5 GB over 100 M rows).
        return pq.ParquetFile(source.path, pre_buffer=False)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{source.path}: cannot read as Parquet: {one_line(exc)}") from exc


def parquet_columns(source: Source) -> dict[str, str]:
    columns = _parquet_file(source).schema_arrow.names
    return resolve_columns(source.name, columns, source.mapping)


def parquet_batches(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    pf = _parquet_file(source)
    resolved = resolve_columns(source.name, pf.schema_arrow.names, source.mapping)
    wanted = list(dict.fromkeys(resolved.values()))
    total = max(pf.metadata.num_rows, 1)
    row = 1  # Parquet has no lines: report the 1-based row number
    for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
        columns = {c: _as_text(source, c, batch.column(c)) for c in wanted}
        yield canonical(columns, resolved, numbered(row, batch.num_rows))
        row += batch.num_rows
        report(min((row - 1) / total, 1.0))


def _as_text(source: Source, name: str, column: pa.Array) -> pa.Array:
    """A column as text: dates and timestamps as their month ``YYYY-MM`` (as in Excel)."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pa.types.is_string(kind):
        return column
    try:
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            return pc.strftime(column, "%Y-%m")
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SourceError(
            f"{source.name}: column {name!r} holds {kind}, which cannot be read as text: "
            f"{one_line(exc)}"
        ) from exc
