"""Columnar: reading Parquet files.

Parquet has no lines, so a record's ``_line`` is its 1-based row. Its columns are typed,
but every reader yields text, so each column read is cast to text: dates and timestamps as
their month ``YYYY-MM``, as a workbook's dates are read (:func:`entrepot.workbooks.cell_text`).
A column that cannot be cast is an error on the file, not on each of its records.

A file whose columns are all text, numbers, dates or timestamps is read by DuckDB itself, on
its own threads, in the query that stages the load (:func:`parquet_relation`): the same
rows and text, without handing DuckDB every batch through Python. Its doubles and integers
in number fields stay numbers there, read as their text would be, and are written as text
only for the rows that break a rule. Only such a row shows it: DuckDB writes the double 5 as
``5.0`` where Arrow writes ``5``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import SourceError
from ..schema import FIELD_NAMES, LINE
from .batch import BATCH_ROWS, PROBLEM
from .checks import NUMBER_FIELDS
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


@dataclass(frozen=True)
class Relation:
    """A file as DuckDB reads it in the staging query."""

    sql: str
    """Every field (as text but for ``numbers``), ``_line``, ``_problem``, then the
    columns the load numbers rows with."""
    rows: int
    """The file's rows, from its footer."""
    numbers: frozenset[str] = frozenset()
    """Number fields held as numbers (doubles or integers), not as text."""
    fields: frozenset[str] | None = None
    """The fields the file has a column for (the others are null in every row); None
    when only reading it tells."""


def parquet_relation(source: Source, numbering: str) -> Relation | None:
    """The file as the reader's batches would hold it (every field as text, ``_line`` and
    ``_problem``), then the columns ``numbering`` (SQL that may read DuckDB's 0-based
    ``file_row_number``); but for the number fields of doubles or integers, which stay
    numbers (:attr:`Relation.numbers`). None when a column is of a type left to the reader
    (which reads it, or names it as unreadable)."""
    pf = _parquet_file(source)
    schema = pf.schema_arrow
    resolved = resolve_columns(source.name, schema.names, source.mapping)
    columns = []
    numbers = set()
    for name in FIELD_NAMES:
        if name not in resolved:
            columns.append(f"CAST(NULL AS VARCHAR) AS {name}")
            continue
        kind = schema.field(resolved[name]).type
        column = _identifier(resolved[name])
        if name in NUMBER_FIELDS and _exact_number(kind):
            numbers.add(name)
            columns.append(f"{column} AS {name}")
            continue
        text = _text_sql(kind, column)
        if text is None:
            return None
        columns.append(f"{text} AS {name}")
    columns += [
        f"file_row_number + 1 AS {LINE}",
        f"CAST(NULL AS VARCHAR) AS {PROBLEM}",
        numbering,
    ]
    path = str(source.path).replace("'", "''")
    sql = f"SELECT {', '.join(columns)} FROM read_parquet('{path}', file_row_number = true)"
    return Relation(sql, int(pf.metadata.num_rows), frozenset(numbers), frozenset(resolved))


def _exact_number(kind: pa.DataType) -> bool:
    """Whether a column of ``kind`` reads as a double exactly as its text does: a double
    (whose text is written to read back the same) or an integer. A float32's text is its
    shortest decimal (``0.1``), which the column as a double is not; a decimal is cast to
    a double by division, not always to the nearest."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_float64(kind) or pa.types.is_integer(kind)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_sql(kind: pa.DataType, column: str) -> str | None:
    """SQL for ``column`` (of Arrow type ``kind``) as :func:`_as_text` writes it, or None."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column
    if pa.types.is_integer(kind) or pa.types.is_decimal128(kind):
        return f"CAST({column} AS VARCHAR)"
    if pa.types.is_float32(kind) or pa.types.is_float64(kind):
        return f"CAST({column} AS VARCHAR)"
    # A timestamp with a time zone is left to the reader, whose month is the zone's.
    if pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None):
        return f"strftime({column}, '%Y-%m')"
    return None
