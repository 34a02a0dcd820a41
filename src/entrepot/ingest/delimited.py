"""Delimited: the records of a CSV file, read once :mod:`.dialect` has found its layout.

The text after the header is read a block at a time as UTF-8; bytes that are not text in
the file's encoding pass through, so that only their record is rejected, not the file. A
block is cut at its last line end, and a record that a quoted line break leaves open goes
on in the next block, up to :data:`LONGEST_RECORD`, after which it is an unclosed quote.
Arrow reads a block fast when it can; when it cannot, :class:`_CsvParser` falls back to the
csv module, line by line, so that every record keeps its physical line.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import SourceError
from .batch import BATCH_SCHEMA
from .columns import canonical, numbered, resolve_columns
from .dialect import CsvLayout, encoding_label, split_line

if TYPE_CHECKING:
    from .readers import Progress, Source

BLOCK_BYTES = 16 << 20
"""Bytes parsed at a time by Arrow."""

PIECE_BYTES = 256 << 10
"""When Arrow cannot read a block as it is, it is retried in pieces this large, and only the
pieces that still fail are read line by line."""

LONGEST_RECORD = 1 << 20
"""A quoted field still open after this many bytes is taken for an unclosed quote."""

_T = TypeVar("_T")


def csv_batches(source: Source, report: Progress) -> Iterator[pa.RecordBatch]:
    layout = source.csv
    assert layout is not None  # open_source found it
    resolved = resolve_columns(source.name, list(layout.header), source.mapping)
    parser = _CsvParser(layout, resolved)
    size = max(source.path.stat().st_size, 1)
    line = layout.header_line + 1
    skip = layout.data_offset
    pending = b""
    try:
        blocks = _utf8_blocks(source.path, layout.encoding, layout.bom)
        for (block, done), last in _marking_last(blocks):
            if skip:
                block, skip = block[skip:], max(skip - len(block), 0)
            data = pending + block if pending else block
            cut = len(data) if last else _last_line_end(data)
            chunk, pending = data[:cut], data[cut:]
            batches, used, lines = parser.parse(chunk, line, final=last)
            if used < len(chunk):
                pending = chunk[used:] + pending
            line += lines
            yield from batches
            report(min(done / size, 1.0))
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{source.path}: is not {encoding_label(layout.encoding)} text ({exc.reason}); "
            "name its encoding with --encoding."
        ) from exc
    report(1.0)


def _utf8_blocks(path: Path, encoding: str, bom: int) -> Iterator[tuple[bytes, int]]:
    """The file's text as UTF-8, a block at a time, with the bytes of the file read so far.

    Bytes that are not text in ``encoding`` pass through unchanged (so they are not UTF-8
    either, and the parser rejects their record).
    """
    with path.open("rb") as f:
        f.seek(bom)
        if encoding == "utf-8":
            while block := f.read(BLOCK_BYTES):
                yield block, f.tell()
            return
        decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        while True:
            raw = f.read(BLOCK_BYTES)
            text = decoder.decode(raw, final=not raw)
            if text:
                yield text.encode("utf-8", "surrogateescape"), f.tell()
            if not raw:
                return


def _marking_last(items: Iterator[_T]) -> Iterator[tuple[_T, bool]]:
    """Each item, and whether it is the last."""
    try:
        previous = next(items)
    except StopIteration:
        return
    for item in items:
        yield previous, False
        previous = item
    yield previous, True


def _last_line_end(data: bytes) -> int:
    """Where the last complete line of ``data`` ends (0 if none does)."""
    end = data.rfind(b"\n") + 1
    # A lone \r ends a line too, except as the last byte: its \n may be in the next block.
    return end or data.rfind(b"\r", 0, len(data) - 1) + 1


def _count_lines(data: bytes) -> int:
    """Line ends in ``data``: \\n, \\r\\n and a lone \\r, as Arrow and the csv module see them."""
    # NumPy counts a block's \n three times as fast as bytes.count, and ``in`` (memchr)
    # finds out faster still that a file has no \r: 1.5 s → 0.4 s for 1.3 GB of CSV.
    newlines = int(np.count_nonzero(np.frombuffer(data, np.uint8) == ord("\n")))
    if b"\r" not in data:
        return newlines
    returns = data.count(b"\r")
    return newlines + returns - data.count(b"\r\n")


@dataclass
class _Record:
    cells: list[str] | None
    lines: int
    """Physical lines the record took."""
    open_end: bool = False
    """A quoted field was still open at the end of the text."""
    bad_byte: int | None = None
    """0-based position in the record of its first byte that is not UTF-8."""
    error: str | None = None


class _CsvParser:
    """Reads whole lines of CSV text (UTF-8) into canonical batches.

    Arrow reads a block when every line of it is one record: it returned as many rows as
    the block has lines, and its last line leaves no quote open. Otherwise (a row of the
    wrong width, an unclosed quote, bytes that are not UTF-8, a blank line, a quoted line
    break) the block is read again in pieces, and the pieces Arrow still cannot read are
    read line by line by the csv module, which finds each record's physical line.
    """

    def __init__(self, layout: CsvLayout, resolved: Mapping[str, str]) -> None:
        self.delimiter = layout.delimiter
        self.header = list(layout.header)
        self.resolved = resolved
        self.columns = list(dict.fromkeys(resolved.values()))
        self.positions = [self.header.index(c) for c in self.columns]
        self.label = encoding_label(layout.encoding)
        self.utf8 = layout.encoding == "utf-8"
        # One block, one thread: as fast here, and Arrow's thread pool, driven from the
        # read-ahead thread, could abort the process at exit.
        self.read_options = pacsv.ReadOptions(
            column_names=self.header, block_size=BLOCK_BYTES, use_threads=False
        )
        self.parse_options = pacsv.ParseOptions(
            delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=True
        )
        self.convert_options = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in self.columns},
            null_values=[""],  # NA is Namibia: only an empty field is missing
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            include_columns=self.columns,
        )

    def parse(
        self, chunk: bytes, first_line: int, final: bool
    ) -> tuple[list[pa.RecordBatch], int, int]:
        """Batches of the records in ``chunk`` (whose first line is ``first_line``), and the
        bytes and lines they took. Unless ``final``, a record left open at the end (by a
        quoted line break) is left for the next chunk."""
        fast = self._fast(chunk, first_line)
        if fast is not None:
            return [fast[0]], len(chunk), fast[1]
        if len(chunk) <= PIECE_BYTES:
            return self._careful(chunk, first_line, final)
        batches: list[pa.RecordBatch] = []
        start, line, end = 0, first_line, 0
        while start < len(chunk):
            # Pieces end on a line end; one after a record left open reaches further.
            end = chunk.find(b"\n", max(start + PIECE_BYTES, end)) + 1 or len(chunk)
            last = end == len(chunk)
            piece = chunk[start:end]
            fast = self._fast(piece, line)
            if fast is not None:
                got, used, lines = [fast[0]], len(piece), fast[1]
            else:
                got, used, lines = self._careful(piece, line, final and last)
            batches += got
            start, line = start + used, line + lines
            if last:
                break
        return _merged(batches), start, line - first_line

    def _fast(self, chunk: bytes, first_line: int) -> tuple[pa.RecordBatch, int] | None:
        """Arrow's reading of ``chunk`` and its line count, if every line is one record."""
        end = len(chunk)
        while end and chunk[end - 1] in b"\r\n":
            end -= 1
        if not end:
            return None
        tail = _count_lines(chunk[end:])
        lines = _count_lines(chunk)
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(chunk)[:end]),
                read_options=self.read_options,
                parse_options=self.parse_options,
                convert_options=self.convert_options,
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        rows = lines - tail + 1  # the last line before the tail has no line end here
        if table.num_rows != rows or self._open_at_end(chunk, end):
            return None
        table = table.combine_chunks()
        columns = {c: _one_chunk(table.column(c)) for c in self.columns}
        batch = canonical(columns, self.resolved, numbered(first_line, rows))
        return batch, lines + (not tail)

    def _open_at_end(self, chunk: bytes, end: int) -> bool:
        """Whether the last line of ``chunk[:end]`` opens a quote it does not close: Arrow
        reads that to the end as one record, and the line count still matches."""
        start = max(chunk.rfind(b"\n", 0, end), chunk.rfind(b"\r", 0, end)) + 1
        last = chunk[start:end]
        if b'"' not in last:
            return False
        return split_line(last.decode("utf-8", "surrogateescape"), self.delimiter) is None

    def _careful(
        self, chunk: bytes, first_line: int, final: bool
    ) -> tuple[list[pa.RecordBatch], int, int]:
        """The line-by-line reading of ``chunk``: each record found on its physical line, a
        record that cannot be read becomes a row whose problem says why."""
        lines = chunk.splitlines(keepends=True)
        values: list[list[str | None]] = [[] for _ in self.columns]
        numbers: list[int] = []
        problems: list[str | None] = []
        i = pos = 0
        while i < len(lines):
            if not lines[i].strip(b"\r\n"):  # blank lines are counted, not read
                pos += len(lines[i])
                i += 1
                continue
            record = self._record(lines, i)
            if record.open_end and not final and len(chunk) - pos < LONGEST_RECORD:
                break  # the record goes on in the next chunk
            problem = self._problem(lines, i, record)
            if problem == UNCLOSED:
                record.lines = 1  # read on from the next line
            numbers.append(first_line + i)
            problems.append(problem)
            cells = record.cells if problem is None and record.cells else None
            for column, position in zip(values, self.positions, strict=True):
                column.append((cells[position] or None) if cells else None)
            pos += sum(len(line) for line in lines[i : i + record.lines])
            i += record.lines
        if not numbers:
            return [], pos, i
        columns = {c: pa.array(v, pa.string()) for c, v in zip(self.columns, values, strict=True)}
        batch = canonical(
            columns, self.resolved, pa.array(numbers, pa.int64()), pa.array(problems, pa.string())
        )
        return [batch], pos, i

    def _problem(self, lines: list[bytes], i: int, record: _Record) -> str | None:
        width = len(self.header)
        if record.open_end or (
            record.lines > 1
            and (
                record.cells is None
                or len(record.cells) != width
                # a quote closed lines later by one that a delimiter does not follow
                or self._record(lines, i, strict=True).cells is None
            )
        ):
            return UNCLOSED
        if record.bad_byte is not None and self._bad_text_read(record, width):
            if self.utf8:
                return f"is not valid UTF-8 text at byte {record.bad_byte + 1}"
            return f"is not valid {self.label} text"
        if record.cells is None:
            return f"cannot be read as CSV: {record.error}"
        if len(record.cells) != width:
            n = len(record.cells)
            return f"has {n} field{'s' if n != 1 else ''} where the header has {width}"
        return None

    def _bad_text_read(self, record: _Record, width: int) -> bool:
        """Whether the record's bytes that are not text lie in a column the load reads (or
        its fields cannot be told apart). Columns it does not read are never read, by Arrow
        either, so their bytes do not matter."""
        cells = record.cells
        if cells is None or len(cells) != width:
            return True
        return any(_escaped(cells[p]) for p in self.positions)

    def _record(self, lines: list[bytes], i: int, strict: bool = False) -> _Record:
        """The record starting on line ``i``, however many lines it takes."""
        record = _Record(None, 0)

        def feed() -> Iterator[str]:
            offset = 0
            for j in range(i, len(lines)):
                raw = lines[j]
                record.lines += 1
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if record.bad_byte is None:
                        record.bad_byte = offset + exc.start
                    text = raw.decode("utf-8", "surrogateescape")
                offset += len(raw)
                yield text
            record.open_end = True

        try:
            record.cells = next(csv.reader(feed(), delimiter=self.delimiter, strict=strict), [])
        except csv.Error as exc:
            record.error = str(exc)
        return record


UNCLOSED = "has an unclosed quote"


def _escaped(text: str) -> bool:
    """Whether ``text`` holds bytes that were not text (kept as lone surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)


def _merged(batches: list[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """The pieces of one block as one batch: fewer, larger batches stage faster."""
    if len(batches) < 2:
        return batches
    return pa.Table.from_batches(batches, BATCH_SCHEMA).combine_chunks().to_batches()
