"""The statistics office's fixed-width detailed trade files.

Each month the office publishes three files of 8-digit HS item × country records, every
line one fixed-width record of ASCII digits (layouts from the office's record-format sheet):

``HSCCIT.DAT`` (228 characters)
    imports, domestic exports and re-exports by country of consignment: transaction type
    X(1), HS item 9(8), country 9(3), then value and quantity, for the month and for the
    year to date, of each flow in turn (12 fields of 9(18)).
``HSCOIT.DAT`` (84 characters)
    imports by country of origin: type, HS item, origin, then import value and quantity for
    the month and the year to date.
``HSCOCCIT.DAT`` (87 characters)
    re-exports by origin × destination: type, HS item, origin, destination, then re-export
    value and quantity for the month and the year to date.

Transaction type ``1`` marks an HS item record; any other type is reported as a problem.
Countries are the office's 3-digit codes (111 = USA, 631 = Chinese Mainland), kept as
text; values are whole HK$. Only the month figures become records; the year-to-date
figures are checked to be digits but not loaded.

A line becomes one text row per flow whose month value or quantity is not zero: HSCCIT
imports have partner = consignment = the country, its exports partner = the country (the
destination); HSCOIT has partner = origin; HSCOCCIT has partner = destination and origin.
A line that cannot be read becomes one row whose ``_problem`` says why; empty lines at the
end of a file are ignored. Values are judged downstream, by the validator.

HSCOIT and HSCOCCIT break down the same imports and re-exports as HSCCIT, by origin
instead of consignment. When a load names them together, :func:`superseded_flows` tells
HSCCIT which flows to leave out so that nothing is counted twice.

Parsing is vectorised (NumPy and Arrow compute over whole blocks of lines): a clean block
is recognised with a few passes over its bytes, and only blocks holding a bad line pay for
line-by-line diagnosis, still vectorised.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import PeriodError, SourceError
from ..periods import Period
from ..schema import FIELD_NAMES, FLOWS, LINE

PROBLEM = "_problem"

_TYPE = "Transaction-type"
_ITEM = "HS Item code"
_CONSIGNMENT = "Country/territory of Consignment code"
_ORIGIN = "Country/territory of Origin code"
_DESTINATION = "Country/territory of Destination code"
_AMOUNT = 18  # every value and quantity is 9(18)


@dataclass(frozen=True)
class Column:
    """One field of a record: ``start`` is the 0-based offset into the line."""

    name: str
    start: int
    length: int

    @property
    def columns(self) -> str:
        """1-based, inclusive, as the office's layout sheets count."""
        return f"{self.start + 1}-{self.start + self.length}"


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    line_length: int
    fields: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.DAT"

    def field(self, name: str) -> Column:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.file_name} has no field {name!r}")


def _layout(name: str, description: str, fields: Sequence[tuple[str, int]]) -> Layout:
    columns, start = [], 0
    for field_name, length in fields:
        columns.append(Column(field_name, start, length))
        start += length
    return Layout(name, description, start, tuple(columns))


def _amounts(flow_label: str) -> list[tuple[str, int]]:
    return [
        (f"{flow_label} {measure} ({span})", _AMOUNT)
        for span in ("current month", "current year-to-date")
        for measure in ("Value", "Quantity")
    ]


LAYOUTS: dict[str, Layout] = {
    "HSCCIT": _layout(
        "HSCCIT",
        "Imports / domestic exports / re-exports by consignment country/territory "
        "by HS commodity item",
        [
            (_TYPE, 1),
            (_ITEM, 8),
            (_CONSIGNMENT, 3),
            *_amounts("Import"),
            *_amounts("Domestic export"),
            *_amounts("Re-export"),
        ],
    ),
    "HSCOIT": _layout(
        "HSCOIT",
        "Imports by origin country/territory by HS commodity item",
        [(_TYPE, 1), (_ITEM, 8), (_ORIGIN, 3), *_amounts("Import")],
    ),
    "HSCOCCIT": _layout(
        "HSCOCCIT",
        "Re-exports by origin country/territory by destination country/territory "
        "by HS commodity item",
        [(_TYPE, 1), (_ITEM, 8), (_ORIGIN, 3), (_DESTINATION, 3), *_amounts("Re-export")],
    ),
}


@dataclass(frozen=True)
class _FlowFields:
    """Which fields of a layout make one flow's record (None: the record leaves it null)."""

    flow: str
    value: str
    quantity: str
    partner: str
    consignment: str | None = None
    origin: str | None = None


_FLOW_FIELDS: dict[str, tuple[_FlowFields, ...]] = {
    "HSCCIT": (
        _FlowFields(
            "imports",
            "Import Value (current month)",
            "Import Quantity (current month)",
            partner=_CONSIGNMENT,
            consignment=_CONSIGNMENT,
        ),
        _FlowFields(
            "domestic_exports",
            "Domestic export Value (current month)",
            "Domestic export Quantity (current month)",
            partner=_CONSIGNMENT,
        ),
        _FlowFields(
            "re_exports",
            "Re-export Value (current month)",
            "Re-export Quantity (current month)",
            partner=_CONSIGNMENT,
        ),
    ),
    "HSCOIT": (
        _FlowFields(
            "imports",
            "Import Value (current month)",
            "Import Quantity (current month)",
            partner=_ORIGIN,
        ),
    ),
    "HSCOCCIT": (
        _FlowFields(
            "re_exports",
            "Re-export Value (current month)",
            "Re-export Quantity (current month)",
            partner=_DESTINATION,
            origin=_ORIGIN,
        ),
    ),
}

# HSCCIT's flows that a file breaking down the same trade by origin supersedes.
_SUPERSEDES: dict[str, str] = {"HSCOIT": "imports", "HSCOCCIT": "re_exports"}

_LAYOUT_NAME = re.compile(r"(?<![A-Z])(HSCOCCIT|HSCOIT|HSCCIT)(?![A-Z])")
_PERIOD_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_]?(\d{2})(?!\d)")


def layout_for(path: Path) -> Layout | None:
    """The layout a ``.DAT`` file's name announces (HSCCIT.DAT, hsccit_202512.dat, ...)."""
    name = Path(path).name.upper()
    if not name.endswith(".DAT"):
        return None
    match = _LAYOUT_NAME.search(name[: -len(".DAT")])
    return LAYOUTS[match.group(1)] if match else None


def period_from_path(path: Path) -> Period | None:
    """The month named by YYYYMM, YYYY-MM or YYYY_MM in the file name, else its directory's."""
    path = Path(path)
    for name in (path.name, path.parent.name):
        for match in _PERIOD_IN_NAME.finditer(name):
            try:
                return Period(int(match.group(1)), int(match.group(2)))
            except PeriodError:
                continue  # e.g. a serial number that happens to have six digits
    return None


def superseded_flows(paths: Sequence[Path]) -> dict[Path, frozenset[str]]:
    """For each path, the flows it must not load because another file in ``paths`` carries
    the same trade in more detail (HSCOIT: imports, HSCOCCIT: re-exports, both over HSCCIT).

    Files are matched by the period in their names; files without one count as one period.
    """
    present: set[tuple[Period | None, str]] = set()
    for path in paths:
        layout = layout_for(path)
        if layout is not None:
            present.add((period_from_path(path), layout.name))
    result: dict[Path, frozenset[str]] = {}
    for path in paths:
        layout = layout_for(path)
        skip: set[str] = set()
        if layout is not None and layout.name == "HSCCIT":
            month = period_from_path(path)
            skip = {flow for name, flow in _SUPERSEDES.items() if (month, name) in present}
        result[path] = frozenset(skip)
    return result


# -- reading -----------------------------------------------------------------------------


@dataclass
class FixedWidthStats:
    """What a read saw. Every line read is accounted for exactly once:
    ``lines_read = lines with rows + problems + lines_without_trade + lines_superseded``.
    """

    lines_read: int = 0
    lines_without_trade: int = 0  # every month value and quantity is zero
    lines_superseded: int = 0  # trade only in flows the caller skipped
    rows_yielded: int = 0
    problems: int = 0  # lines that could not be read; one problem row each

    def add(self, other: FixedWidthStats) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _batch_schema() -> pa.Schema:
    return pa.schema(
        [pa.field(name, pa.string()) for name in FIELD_NAMES]
        + [pa.field(LINE, pa.int64()), pa.field(PROBLEM, pa.string())]
    )


BATCH_SCHEMA = _batch_schema()


def read_fixed_width(
    path: Path,
    *,
    period: Period | None = None,
    skip_flows: frozenset[str] = frozenset(),
    batch_rows: int = 250_000,
    stats: FixedWidthStats | None = None,
) -> Iterator[pa.RecordBatch]:
    """Canonical record batches (text columns, ``_line``, ``_problem``) from one file.

    One row per flow with a non-zero month value or quantity on a line; one problem row per
    line that cannot be read. ``batch_rows`` bounds both the lines parsed at a time and the
    rows per batch. Raises :class:`SourceError` at once if the file name names no layout or
    no period is given or named.
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
        raise ValueError(f"skip_flows names unknown flows {sorted(unknown)}; flows: {FLOWS}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file.")
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be positive, not {batch_rows}")
    return _read(path, _Plan(layout, month, skip_flows), batch_rows, stats or FixedWidthStats())


@dataclass(frozen=True)
class _Plan:
    layout: Layout
    period: Period
    skip_flows: frozenset[str]

    @property
    def flows(self) -> tuple[_FlowFields, ...]:
        return _FLOW_FIELDS[self.layout.name]


def _read(
    path: Path, plan: _Plan, batch_rows: int, stats: FixedWidthStats
) -> Iterator[pa.RecordBatch]:
    # Blocks are parsed on a second thread while the caller consumes the previous one
    # (NumPy and Arrow release the GIL); at most two blocks wait, to bound memory.
    block = batch_rows * (plan.layout.line_length + 1)
    lines_before = 0
    pending: deque[Future[tuple[pa.Table, FixedWidthStats]]] = deque()
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fixedwidth")
    try:
        with path.open("rb") as f:
            chunks = _chunks(f, block)
            while True:
                for chunk in itertools.islice(chunks, 2 - len(pending)):
                    pending.append(pool.submit(_parse, chunk, plan))
                if not pending:
                    break
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


def _newlines(buf: np.ndarray) -> np.ndarray:
    # Piecewise so the temporary masks stay in cache: 30x faster than one whole-buffer pass.
    step = 1 << 20
    parts = [np.flatnonzero(buf[i : i + step] == 10) + i for i in range(0, len(buf), step)]
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def _nondigits(buf: np.ndarray) -> np.ndarray:
    step = 1 << 20
    parts = [
        np.flatnonzero(buf[i : i + step] - np.uint8(48) > 9) + i for i in range(0, len(buf), step)
    ]
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def _count_nondigits(buf: np.ndarray) -> int:
    step = 1 << 20
    scratch = np.empty(min(step, len(buf)), np.uint8)
    count = 0
    for i in range(0, len(buf), step):
        part = scratch[: min(step, len(buf) - i)]
        np.subtract(buf[i : i + step], 48, out=part)  # digits become 0-9, the rest wrap above
        count += int(np.count_nonzero(part > 9))
    return count


def _binary(offsets: np.ndarray, data: bytes | np.ndarray) -> pa.Array:
    return pa.Array.from_buffers(
        pa.binary(),
        len(offsets) - 1,
        [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
    )


def _parse(chunk: bytes, plan: _Plan) -> tuple[pa.Table, FixedWidthStats]:
    """One block of lines as canonical rows (``_line`` counted from the block's start)."""
    width = plan.layout.line_length
    buf = np.frombuffer(chunk, np.uint8)
    ends = _newlines(buf)
    n = len(ends)
    starts = np.concatenate(([0], ends[:-1] + 1))
    cr = np.zeros(n, bool)
    nonempty = ends > starts
    cr[nonempty] = buf[ends[nonempty] - 1] == 13
    lengths = ends - starts - cr
    clean = (
        bool((lengths == width).all())
        and bool((buf[starts] == ord("1")).all())
        # In a clean block the line ends are the only bytes that are not digits.
        and _count_nondigits(buf) == n + int(cr.sum())
    )
    if clean:
        # Values keep their line ends; fields never reach them on a line of the right width.
        lines = _binary(np.append(starts, len(chunk)), chunk)
        problem = None
    else:
        lines, problem = _diagnose(buf, ends, cr, lengths, plan.layout)
    counts = FixedWidthStats(lines_read=n)
    return _rows(lines, problem, plan, counts), counts


def _diagnose(
    buf: np.ndarray, ends: np.ndarray, cr: np.ndarray, lengths: np.ndarray, layout: Layout
) -> tuple[pa.Array, pa.Array]:
    """Lines without their ends, and why each bad line cannot be read (null when it can)."""
    n = len(ends)
    data = buf
    high = np.flatnonzero(buf >= 0x80)
    nonascii = np.zeros(n, bool)
    if len(high):
        # Shown as '?' so that every line can still be sliced and reported as text.
        data = buf.copy()
        data[high] = ord("?")
        nonascii[np.searchsorted(ends, high)] = True
    keep = np.ones(len(buf), bool)
    keep[ends] = False
    keep[ends[cr] - 1] = False
    content = np.ascontiguousarray(data[keep])
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    lines = _binary(offsets, content)

    # Cheap per-line screen in NumPy; the wordy diagnosis runs on the suspects only.
    bad_bytes = _nondigits(content)
    at = np.searchsorted(offsets, bad_bytes, side="right") - 1
    suspect = nonascii | (lengths != layout.line_length)
    suspect[at[bad_bytes > offsets[at]]] = True  # a non-digit after the transaction type
    first = np.zeros(n, np.uint8)
    first[lengths > 0] = content[offsets[:-1][lengths > 0]]
    suspect |= first != ord("1")

    index = np.flatnonzero(suspect)
    reasons = _reasons(lines.take(pa.array(index)), lengths[index], nonascii[index], layout)
    # Scatter back: a null index gives a null reason.
    position = np.zeros(n, np.int64)
    position[index] = np.arange(len(index))
    return lines, reasons.take(pa.array(position, mask=~suspect))


def _when(condition: np.ndarray | pa.Array, message: pa.Array | str) -> pa.Array:
    n = len(condition)
    if isinstance(message, str):
        message = pa.repeat(pa.scalar(message), n)
    return pc.if_else(pa.array(condition), message, pa.nulls(n, pa.string()))


def _text(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _reasons(
    lines: pa.Array, lengths: np.ndarray, nonascii: np.ndarray, layout: Layout
) -> pa.Array:
    file = layout.file_name
    width = layout.line_length
    kind = pc.binary_slice(lines, 0, 1).cast(pa.string())
    checks = [
        _when(lengths == 0, "line is empty"),
        _when(
            nonascii,
            f"line holds non-ASCII characters (shown as '?'); {file} lines hold only digits",
        ),
        _when(
            lengths != width,
            _text(
                "line is ",
                pa.array(lengths).cast(pa.string()),
                f" characters long; {file} lines are {width} characters",
            ),
        ),
        _when(
            pc.not_equal(kind, "1"),
            _text("transaction type '", kind, "' is not an HS item record (expected '1')"),
        ),
    ]
    for column in layout.fields[1:]:
        text = _slice(lines, column)
        digits = pc.match_substring_regex(text, f"^[0-9]{{{column.length}}}$")
        checks.append(
            _when(
                pc.invert(digits),
                _text(
                    f"field '{column.name}' (columns {column.columns}) is '",
                    text,
                    f"': expected {column.length} digits",
                ),
            )
        )
    return pc.coalesce(*checks)


def _slice(lines: pa.Array, column: Column) -> pa.Array:
    # Slicing bytes is several times faster than slicing text; the cast back is cheap.
    return pc.binary_slice(lines, column.start, column.start + column.length).cast(pa.string())


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _rows(
    lines: pa.Array, problem: pa.Array | None, plan: _Plan, stats: FixedWidthStats
) -> pa.Table:
    """One row per (line, emitted flow with trade), plus one per problem line, in line order."""
    layout, n = plan.layout, len(lines)
    good = np.ones(n, bool) if problem is None else problem.is_null().to_numpy(zero_copy_only=False)
    amounts = {f.value for f in plan.flows} | {f.quantity for f in plan.flows}
    cache: dict[str, pa.Array] = {}

    def field(name: str | None) -> pa.Array | None:
        """The field's text; amounts without leading zeros ('' for zero)."""
        if name is None:
            return None
        if name not in cache:
            text = _slice(lines, layout.field(name))
            cache[name] = pc.ascii_ltrim(text, "0") if name in amounts else text
        return cache[name]

    def nonzero(name: str) -> np.ndarray:
        return pc.binary_length(field(name)).to_numpy(zero_copy_only=False) > 0

    traded_any = np.zeros(n, bool)
    slots, emitted = [], []
    for flow in plan.flows:
        traded = (nonzero(flow.value) | nonzero(flow.quantity)) & good
        traded_any |= traded
        if flow.flow not in plan.skip_flows:
            slots.append(traded)
            emitted.append(flow)
    traded_emitted = np.logical_or.reduce(slots) if slots else np.zeros(n, bool)
    slots.append(~good)
    stats.lines_without_trade += int((good & ~traded_any).sum())
    stats.lines_superseded += int((traded_any & ~traded_emitted).sum())
    stats.problems += int((~good).sum())

    # Row-major over (line, slot): rows come out in line order, a line's flows together.
    flat = np.flatnonzero(np.column_stack(slots).ravel())
    width = len(slots)
    line = flat // width
    slot = flat % width
    rows = len(flat)
    line_index = pa.array(line)
    stacked_index = pa.array(slot * n + line)

    # A problem row shows the fields of the layout's first flow, as far as they were read.
    head = plan.flows[0]
    single = len(plan.flows) == 1

    def problem_field(name: str | None) -> pa.Array | None:
        # A bad line may end before the field: that reads as missing, not as zero.
        if name is None or problem is None:
            return field(name)
        text = _blank_to_null(_slice(lines, layout.field(name)))
        return pc.ascii_ltrim(text, "0") if name in amounts else text

    def column(pick: str | None, per_flow: Sequence[str | None]) -> pa.Array:
        """Each row's text from its slot's field: the emitted flows', then the problem's."""
        sources = [field(name) for name in per_flow] + [problem_field(pick)]
        first = sources[0]
        if first is not None and all(s is first for s in sources):
            return first.take(line_index)
        if all(s is None for s in sources):
            return pa.nulls(rows, pa.string())
        filled = [pa.nulls(n, pa.string()) if s is None else s for s in sources]
        return pa.concat_arrays(filled).take(stacked_index)

    def amount(pick: str | None, per_flow: Sequence[str]) -> pa.Array:
        # Zero was trimmed to ''; padding to one character brings back '0'.
        return pc.ascii_lpad(column(pick, per_flow), 1, "0")

    flow_names = [f.flow for f in emitted] + [head.flow if single else None]
    arrays = {
        "period": pa.repeat(pa.scalar(str(plan.period)), rows),
        "flow": pa.array(flow_names, pa.string()).take(pa.array(slot)),
        "commodity": column(_ITEM, [_ITEM] * len(emitted)),
        "partner": column(head.partner, [f.partner for f in emitted]),
        "consignment": column(head.consignment, [f.consignment for f in emitted]),
        "origin": column(head.origin, [f.origin for f in emitted]),
        "value": amount(head.value if single else None, [f.value for f in emitted]),
        "quantity": amount(head.quantity if single else None, [f.quantity for f in emitted]),
    }
    output = [arrays.get(name, pa.nulls(rows, pa.string())) for name in FIELD_NAMES]
    output.append(pa.array(line + 1, pa.int64()))
    output.append(pa.nulls(rows, pa.string()) if problem is None else problem.take(line_index))
    return pa.Table.from_arrays(output, schema=BATCH_SCHEMA)


# -- writing -----------------------------------------------------------------------------


def write_fixed_width(records: pd.DataFrame, out_dir: Path, period: Period) -> list[Path]:
    """Write one period's canonical records as the office's three files; return their paths.

    ``records`` has columns flow, commodity (8 digits), partner (3-digit office code),
    consignment, origin, value and quantity (NaN for none). Files are named
    ``<LAYOUT>_YYYYMM.DAT``. Values and quantities are summed per line and rounded to whole
    units. The year-to-date fields repeat the month figures: they are not true year-to-date
    totals. Raises ValueError for codes of the wrong width or amounts the layout cannot hold.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    df = _writable(records)
    measures = ["value", "quantity"]

    # HSCCIT: a line per item × country with the three flows side by side; imports are
    # placed by consignment country where the records know it.
    consigned = (df["flow"] == "imports") & df["consignment"].notna()
    wide = (
        df.assign(country=df["consignment"].where(consigned, df["partner"]))
        .groupby(["commodity", "country", "flow"])[measures]
        .sum()
        .unstack("flow", fill_value=0)
        .reindex(columns=pd.MultiIndex.from_product([measures, FLOWS]), fill_value=0)
    )
    keys = wide.index.to_frame(index=False)
    hsccit = {_ITEM: keys["commodity"], _CONSIGNMENT: keys["country"]}
    for flow in _FLOW_FIELDS["HSCCIT"]:
        hsccit |= _amount_columns(flow, wide[("value", flow.flow)], wide[("quantity", flow.flow)])

    imports = df[df["flow"] == "imports"]
    co = imports.groupby(["commodity", "partner"])[measures].sum().reset_index()
    rx = df[df["flow"] == "re_exports"]
    occ = (
        rx.assign(origin=rx["origin"].fillna(_UNKNOWN_COUNTRY))
        .groupby(["commodity", "origin", "partner"])[measures]
        .sum()
        .reset_index()
    )
    (co_flow,) = _FLOW_FIELDS["HSCOIT"]
    (occ_flow,) = _FLOW_FIELDS["HSCOCCIT"]
    files = {
        "HSCCIT": hsccit,
        "HSCOIT": {
            _ITEM: co["commodity"],
            _ORIGIN: co["partner"],
            **_amount_columns(co_flow, co["value"], co["quantity"]),
        },
        "HSCOCCIT": {
            _ITEM: occ["commodity"],
            _ORIGIN: occ["origin"],
            _DESTINATION: occ["partner"],
            **_amount_columns(occ_flow, occ["value"], occ["quantity"]),
        },
    }
    written = []
    for name, columns in files.items():
        path = out_dir / f"{name}_{period.key}.DAT"
        n = len(columns[_ITEM])
        with path.open("wb") as out:
            for start in range(0, n, _WRITE_LINES):  # bounded memory for large samples
                part = {k: v.iloc[start : start + _WRITE_LINES] for k, v in columns.items()}
                out.write(_format(LAYOUTS[name], part))
        written.append(path)
    return written


_UNKNOWN_COUNTRY = "900"
_WRITE_LINES = 100_000


def _amount_columns(flow: _FlowFields, value: pd.Series, quantity: pd.Series) -> dict:
    def ytd(name: str) -> str:
        return name.replace("(current month)", "(current year-to-date)")

    return {
        flow.value: value,
        flow.quantity: quantity,
        ytd(flow.value): value,
        ytd(flow.quantity): quantity,
    }


def _writable(records: pd.DataFrame) -> pd.DataFrame:
    """The columns the files need, checked: known flows, codes of the right width."""
    codes = {"commodity": 8, "partner": 3, "consignment": 3, "origin": 3}
    records = records.reset_index(drop=True)  # a concatenation may repeat index labels
    df = pd.DataFrame({name: records.get(name) for name in ("flow", *codes)}, index=records.index)
    for name in ("value", "quantity"):
        amounts = records[name] if name in records else pd.Series(0.0, index=records.index)
        df[name] = pd.to_numeric(amounts).fillna(0)
    unknown = set(df["flow"].dropna().unique()) - set(FLOWS)
    if unknown or df["flow"].isna().any():
        found = sorted(map(str, unknown)) or ["(none)"]
        raise ValueError(f"records hold flows {found}; expected one of {', '.join(FLOWS)}")
    for name, width in codes.items():
        column = df[name].astype("object")
        present = column.notna() & (column != "")
        if name in ("commodity", "partner") and not present.all():
            raise ValueError(f"column {name!r} has missing codes; every record needs one")
        text = column[present].astype(str)
        bad = text[~text.str.fullmatch(rf"\d{{{width}}}")]
        if len(bad):
            raise ValueError(
                f"column {name!r} must hold {width}-digit codes for the fixed-width files; "
                f"found {bad.iloc[0]!r}"
            )
        df[name] = text.reindex(df.index)  # missing optional codes become NaN
    return df


def _format(layout: Layout, columns: dict[str, pd.Series]) -> bytes:
    """Lines of ``layout`` built as one byte matrix: no per-line Python."""
    n = len(columns[_ITEM])
    lines = np.full((n, layout.line_length + 1), ord("0"), np.uint8)
    lines[:, 0] = ord("1")
    lines[:, -1] = ord("\n")
    for column in layout.fields[1:]:
        values = columns[column.name].to_numpy()
        block = lines[:, column.start : column.start + column.length]
        if column.length == _AMOUNT:
            block[:] = _digits(column.name, values)
        else:  # codes, checked by _writable to be digits of this width
            text = values.astype(f"S{column.length}")
            block[:] = text.view(np.uint8).reshape(n, column.length)
    return lines.tobytes()


_POWERS = 10 ** np.arange(_AMOUNT - 1, -1, -1, dtype=np.int64)


def _digits(name: str, amounts: np.ndarray) -> np.ndarray:
    whole = np.rint(amounts.astype(np.float64)) if amounts.dtype.kind == "f" else amounts
    if len(whole) and (whole.min() < 0 or whole.max() >= 10**_AMOUNT):
        raise ValueError(f"{name}: amounts must be between 0 and 10^18 - 1 to be written")
    return (whole.astype(np.int64)[:, None] // _POWERS % 10 + ord("0")).astype(np.uint8)
