"""Reading one fixed-width file: the checks before a read, and the loop over its blocks.

:func:`read_fixed_width` cuts the file into blocks of whole lines and hands each to
:func:`.blocks.parse_block` on a second thread while the caller consumes the previous one.
Empty lines at the end of a file are ignored. Whatever cannot be read is a
:class:`~entrepot.errors.SourceError` naming the file and the line (a line that can be
read but is wrong becomes a problem row, which the validator rejects).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from ...backends import first_line
from ...errors import EntrepotError, SourceError
from ...periods import Period
from ...schema import FLOWS, LINE
from ..batch import BATCH_ROWS
from .blocks import FixedWidthStats, Plan, parse_block
from .layouts import LAYOUTS, layout_for, period_from_path


def read_fixed_width(
    path: Path,
    *,
    period: Period | None = None,
    skip_flows: frozenset[str] = frozenset(),
    batch_rows: int = BATCH_ROWS,
    stats: FixedWidthStats | None = None,
) -> Iterator[pa.RecordBatch]:
    """Canonical record batches (text columns, ``_line``, ``_problem``) from one file.

    One row per flow with a non-zero month value or quantity on a line; one problem row per
    line that cannot be read. ``batch_rows`` bounds both the lines parsed at a time and the
    rows per batch. Raises :class:`SourceError` at once if the file name names no layout or
    no period is given or named, and while reading if the file cannot be read.
    """
    path = Path(path)
    layout = layout_for(path)
    if layout is None:
        raise SourceError(
            f"{path}: not one of the statistics office's detailed trade files. Known files: "
            + ", ".join(f"{name}.DAT" for name in LAYOUTS)
            + " (any case, optionally with the month in the name, e.g. HSCCIT_202512.DAT)."
        )
    month = period or period_from_path(path)
    if month is None:
        raise SourceError(
            f"{path}: cannot tell which month the file holds. Pass --period YYYY-MM, or put "
            f"YYYYMM in the file name or its folder's name (e.g. {layout.name}_202512.DAT)."
        )
    unknown = set(skip_flows) - set(FLOWS)
    if unknown:
        raise SourceError(
            f"{path}: skip_flows names unknown flows {sorted(unknown)}; flows: {FLOWS}"
        )
    if not path.is_file():
        raise SourceError(f"{path}: no such file.")
    if batch_rows < 1:
        raise SourceError(f"{path}: batch_rows must be positive, not {batch_rows}")
    return _read(path, Plan(layout, month, skip_flows), batch_rows, stats or FixedWidthStats())


@contextmanager
def _reading(path: Path, where: str) -> Iterator[None]:
    """Turn an I/O, NumPy or Arrow failure inside the block into a :class:`SourceError`."""
    try:
        yield
    except EntrepotError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise SourceError(f"{path}: cannot read {where}: {first_line(exc)}") from exc


def _read(
    path: Path, plan: Plan, batch_rows: int, stats: FixedWidthStats
) -> Iterator[pa.RecordBatch]:
    # Blocks are parsed on a second thread while the caller consumes the previous one
    # (NumPy and Arrow release the GIL); at most two blocks wait, to bound memory.
    block = batch_rows * (plan.layout.line_length + 1)
    lines_before = 0
    pending: deque[Future[tuple[pa.Table, FixedWidthStats]]] = deque()
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fixedwidth")
    try:
        with _reading(path, "the file"):
            f = path.open("rb")
        with f:
            chunks = _chunks(f, block)
            while True:
                with _reading(path, f"the lines after line {lines_before}"):
                    for chunk in itertools.islice(chunks, 2 - len(pending)):
                        pending.append(pool.submit(parse_block, chunk, plan))
                if not pending:
                    break
                with _reading(path, f"the lines from line {lines_before + 1}"):
                    table, counts = pending.popleft().result()
                    numbers = pc.add(table.column(LINE), lines_before)
                    table = table.set_column(table.schema.get_field_index(LINE), LINE, numbers)
                lines_before += counts.lines_read
                stats.add(counts)
                for batch in table.to_batches(max_chunksize=batch_rows):
                    stats.rows_yielded += batch.num_rows
                    yield batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# Bytes ignored after the last line: line ends, and the end-of-file mark of DOS-era files.
_TRAILER = b"\r\n\x1a"


def _content_end(f: BinaryIO) -> int:
    """Offset just past the last byte that is not part of trailing empty lines."""
    end = f.seek(0, 2)
    step = 1 << 16
    while end > 0:
        start = max(0, end - step)
        f.seek(start)
        kept = f.read(end - start).rstrip(_TRAILER)
        if kept:
            return start + len(kept)
        end = start
    return 0


def _chunks(f: BinaryIO, block: int) -> Iterator[bytes]:
    """Whole lines, each ending in a newline, about ``block`` bytes at a time."""
    remaining = _content_end(f)
    f.seek(0)
    carry = b""
    while remaining > 0:
        piece = f.read(min(block, remaining))
        if not piece:  # the file shrank while being read
            break
        remaining -= len(piece)
        data = carry + piece
        if remaining == 0:
            yield data + b"\n"
            return
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry + b"\n"
