"""Load: stage every source, check it, and store it as monthly cells in one transaction.

Rows in = rows stored + rows rejected, always. Rejected rows go to the store's ``rejects``
table and to a report; a (period, flow) that is already stored is replaced, and the
replacement is recorded in ``revisions``. Any failure rolls the whole load back.

Where each part lives:

- reading: :mod:`.readers` and :mod:`.fixedwidth` turn files into batches (:mod:`.batch`);
- staging and checking (here, with the rules of :mod:`.checks`): one query reads the
  batches as they come, sums the accepted rows into cells and keeps each rejected row
  whole (the temporary table ``_groups``); the broken rules go to ``_violations``.
  Nothing permanent is touched, and the load's rows are never held all at once;
- storing: :mod:`entrepot.store.loads` writes the cells, revisions, rejects and the load's
  row, inside :meth:`Store.transaction`, and reads the rejects back for the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ..backends import engine_errors
from ..classifications.codes import HS_EDITIONS, edition_in_force
from ..errors import InputError, StoreError
from ..periods import Period
from ..schema import CELL_KEY, FIELD_NAMES, FLOWS, LINE, MODES
from ..store import Store, annual, loads
from ..store.domains import enum_type
from ..store.loads import LOAD_MODES, Revision
from . import fixedwidth, safeguards
from .batch import BATCH_SCHEMA, PROBLEM
from .checks import (
    DUPLICATES_SQL,
    NUMBER_FIELDS,
    PARSED,
    NumberFormat,
    PeriodRange,
    Rule,
    accepted,
    parsed,
    rules,
)
from .columnar import Relation
from .readers import Apart, Source, open_source
from .safeguards import DEFAULT_MAX_SHRINK

FileProgress = Callable[[Source, float, int], None]
"""Called as a load reads: the source, the fraction of it read, its rows read so far."""
Phase = Callable[[str], None]
"""Called as a load moves on: "hashing files", "reading and checking the rows", "summing N rows
into cells", "listing the rejects", "writing N rows", "committing"."""
SHOWN_REJECTS = 1000
"""Rejects kept on the report object; the store and the report file hold all of them."""


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    field: str
    value: str | None
    rule: str
    reason: str


@dataclass
class LoadReport:
    """What one load did."""

    load_id: int | None
    files: list[str]
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    cells: int = 0
    value: float = 0.0
    rejects: list[Reject] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    superseded: dict[str, list[str]] = field(default_factory=dict)
    reject_report: Path | None = None
    withheld: int = 0
    """Rows that broke no rule but were not stored because ``strict`` rejected the load
    (counted among the rejected, so that the load balances)."""
    rows_annual: int = 0
    """Annual rows (UN Comtrade's) kept apart from the records, as annual cells."""
    annual_cells: int = 0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_stored + self.rows_rejected + self.rows_annual


def ingest(
    store: Store,
    paths: Sequence[Path],
    *,
    mapping: Mapping[str, str] | None = None,
    period: Period | None = None,
    strict: bool = False,
    progress: FileProgress | None = None,
    phase: Phase | None = None,
    numbers: NumberFormat | None = None,
    periods: PeriodRange | None = None,
    mode: str = "replace",
    max_shrink: float = DEFAULT_MAX_SHRINK,
    force: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    rates: Rates | None = None,
    hs_edition: str | None = None,
    customs: str = "C00",
) -> LoadReport:
    """Load ``paths`` into ``store`` as one transaction and return what happened.

    ``mode`` is how the load meets what is stored (see
    :data:`entrepot.store.loads.LOAD_MODES`). Unless ``force``, a load that would lose or
    double data is refused before it writes (see :mod:`.safeguards`). With ``strict``, a
    load with any rejected row stores no cells (the rejects are still recorded).
    ``numbers`` is how CSV files write numbers, ``periods`` the months accepted (by default
    1990-01 to next month, as of the load). ``delimiter``, ``encoding``, ``sheet`` and
    ``header_row`` say how to read CSV and Excel files (see :func:`.readers.open_source`).
    ``rates`` converts values written in another currency into the store's, month by
    month; a month without a rate stores nothing. ``hs_edition``: the HS edition of the
    records' codes, recorded for each month stored (default: the edition in force that
    month). ``customs``: the customs procedure kept from UN Comtrade files (C00: all).
    """
    if hs_edition is not None and hs_edition not in HS_EDITIONS:
        raise InputError(f"--hs-edition {hs_edition!r}: one of {', '.join(HS_EDITIONS)}.")
    if mode not in LOAD_MODES:
        raise InputError(f"Unknown load mode {mode!r}; choose one of {', '.join(LOAD_MODES)}.")
    if not 0 <= max_shrink <= 1:
        raise InputError(f"--max-shrink must be a share between 0 and 1, not {max_shrink}.")
    paths = [Path(p) for p in paths]
    skips = fixedwidth.superseded_flows([p for p in paths if fixedwidth.layout_for(p)])
    sources = [
        part
        for p in paths
        for part in open_source(
            p,
            mapping=mapping,
            period=period,
            skip_flows=skips.get(p, frozenset()),
            delimiter=delimiter,
            encoding=encoding,
            sheet=sheet,
            header_row=header_row,
            customs=customs,
        ).split()  # one source per sheet of --sheet all
    ]
    numbers = numbers or NumberFormat()
    numbers.check_sources((s.path, s.format) for s in sources)
    currency = rates.currency if rates is not None else store.currency
    periods = periods or PeriodRange.default()
    checks = rules(numbers, periods, currency)
    report = LoadReport(None, [str(p) for p in paths])
    for path, flows in skips.items():
        if flows:
            report.superseded[str(path)] = sorted(flows)
    con = store.con
    step = phase or (lambda _: None)
    step("hashing files")
    files = safeguards.seen(paths)
    if not force:
        safeguards.check_files(con, files)
    yearly: list[pd.DataFrame] = []
    try:
        with engine_errors(f"Load into {store.path} (rolled back)", StoreError):
            step("reading and checking the rows")
            _stage(
                con,
                sources,
                progress,
                yearly.append,
                numbers=numbers,
                periods=periods,
                rates=rates,
                all_read=lambda rows: step(f"summing {rows:,} rows into cells"),
            )
            step("listing the rejects")
            _check(con, checks)
            # After _check, which rejects repeated ids.
            con.execute(f"CREATE OR REPLACE TEMP TABLE {_ARRIVING} AS {_ARRIVING_SQL}")
            months = _months(con)
            annual_rows = pd.concat(yearly, ignore_index=True) if yearly else None
            if rates is not None:
                _check_rates(months, rates)
                if annual_rows is not None:
                    annual_rows = _convert_years(annual_rows, rates)
            _fill_counts(con, report)
            if annual_rows is not None:
                report.rows_annual = len(annual_rows)
                report.rows_read += report.rows_annual
            if mode == "replace" and not force and not (strict and report.rows_rejected):
                safeguards.check_replace(
                    con, _ARRIVING, "n_", rejected=report.rows_rejected, max_shrink=max_shrink
                )
            report.rejects = [
                Reject(*row)
                for row in con.execute(_REJECTS_SQL + f" LIMIT {SHOWN_REJECTS}").fetchall()
            ]
            step(f"writing {report.rows_stored:,} rows")
            with store.transaction():
                _commit(con, report, strict, mode, files)
                if annual_rows is not None and report.load_id is not None and report.rows_annual:
                    report.annual_cells = annual.store_annual(
                        con, annual_rows, load_id=report.load_id, mode=mode
                    )
                if report.load_id is not None and report.rows_stored:
                    loads.record_editions(
                        con,
                        report.load_id,
                        {p: hs_edition or edition_in_force(p // 100) for p in months},
                    )
                if rates is not None and report.load_id is not None:
                    loads.record_rates(
                        con, report.load_id, rates.currency, {p: rates.by_month[p] for p in months}
                    )
                step("committing")
    finally:
        con.execute("DROP VIEW IF EXISTS _flagged")
        for name in ("_groups", "_staged", "_sources", "_duplicates", "_violations", _ARRIVING):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return report


@dataclass(frozen=True)
class Rates:
    """Monthly exchange rates: the store's currency per unit of ``currency``, by YYYYMM."""

    currency: str
    by_month: dict[int, float]
    source: str
    """Where they came from (the rates file), for messages."""


def _months(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The months of the rows that break no rule."""
    return [int(r[0]) for r in con.execute(f"SELECT DISTINCT n_period FROM {_ARRIVING}").fetchall()]


def _check_rates(months: Sequence[int], rates: Rates) -> None:
    """Refuse the load if ``rates`` lacks one of the ``months`` it stores (staging converted
    the others)."""
    missing = sorted(set(months) - set(rates.by_month))
    if missing:
        shown = ", ".join(str(Period.from_key(p)) for p in missing[:6])
        raise InputError(
            f"{rates.source} gives no rate for {shown}"
            f"{' and more' if len(missing) > 6 else ''}: nothing was stored."
        )


# -- staging ----------------------------------------------------------------------------


_RAW = [f for f in FIELD_NAMES if f != "record_id"]
"""Fields whose text is kept for the rows that break a rule."""


def _grouped_by(held: frozenset[str] | None) -> list[str]:
    """What staging groups the judged rows by: a row kept on its own, or its cell, of the
    cell's fields some source holds (``held``; None: any field may be held)."""
    keys = [name for name in CELL_KEY if held is None or name in held]
    return ["_single", "_ok", *(f"n_{name}" for name in keys)]


def _held(each: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The fields some of the inputs has a column for, given ``each`` one's (None when one
    of them cannot say)."""
    fields = list(each)
    if any(f is None for f in fields):
        return None
    return frozenset().union(*(f for f in fields if f is not None))


STREAM_SCHEMA = BATCH_SCHEMA.append(pa.field("_row", pa.int64())).append(
    pa.field("_file", pa.int32())
)
"""What staging reads: the readers' batches, each row numbered across the load (``_row``)
and its source numbered in the load's order (``_file``)."""

AS_READ = "_as_read"
"""Column of ``_groups`` holding, for a row kept on its own, where it came from and its
record id, and for a rejected row its text as read too, as a JSON object: a text is the
cheapest thing for the aggregate to carry."""

_AS_READ_TYPES = {"_file": "INTEGER", LINE: "BIGINT", "record_id": "VARCHAR", PROBLEM: "VARCHAR"}
_AS_READ_TYPES.update({name: "VARCHAR" for name in _RAW})


def _stage_sql(
    inputs: Sequence[Relation], numbers: NumberFormat, periods: PeriodRange, rates: Rates | None
) -> tuple[str, ...]:
    """The one query that reads every source (``inputs``, each of :data:`STREAM_SCHEMA`'s
    columns) and stages the load as ``_groups``.

    Each row is read as declared and judged by :func:`.checks.accepted`. Accepted rows
    without a record id are summed into their cell at once, so the load never holds its
    rows; a rejected row, or one with a record id (repeats are found across the load), is
    kept on its own (``_single`` is its row number) with where it was read, and a rejected
    row with its text as read too, to report it.
    Values are converted here when the load has ``rates``, after they were checked.
    """
    held = _held(i.fields for i in inputs)
    grouped = _grouped_by(held)
    judged = " UNION ALL ".join(_judged_sql(i, grouped, numbers, periods, rates) for i in inputs)
    sums = [f"n_{f}" for f in NUMBER_FIELDS if held is None or f in held]
    # A field no source has a column for is null in every row: it is added to _groups as
    # such afterwards, at no cost, where grouping by it or summing it costs about a second
    # a column for 20 M rows (the aggregate gathers each column it returns row by row).
    every = [*_grouped_by(None), *(f"n_{f}" for f in NUMBER_FIELDS)]
    absent = [
        f"ALTER TABLE _groups ADD COLUMN {name} {PARSED[name][0]}"
        for name in every
        if name not in grouped and name not in sums
    ]
    aggregates = [*(f"sum({name}) AS {name}" for name in sums), "count(*) AS n_records"]
    create = f"""CREATE OR REPLACE TEMP TABLE _groups AS
        SELECT {", ".join(grouped)}, {", ".join(aggregates)},
            any_value({AS_READ}) AS {AS_READ}
        FROM ({judged})
        GROUP BY {", ".join(grouped)}"""
    return (create, *absent)


def _judged_sql(
    source: Relation,
    grouped: Sequence[str],
    numbers: NumberFormat,
    periods: PeriodRange,
    rates: Rates | None,
) -> str:
    """One source's rows, each parsed, judged and given its ``_single`` and
    :data:`AS_READ`, in the columns :func:`_stage_sql` groups (``grouped``, then the
    measures and :data:`AS_READ`). A source's number fields
    held as numbers (:attr:`Relation.numbers`) are written as text only for the rows kept
    on their own."""
    typed = source.numbers
    fields = parsed(numbers, typed)
    rows = (
        "SELECT *, "
        + ", ".join(f"{sql} AS {name}" for name, (_, sql) in fields.items())
        + f" FROM ({source.sql})"
    )
    judged = f"SELECT *, {accepted(periods, typed)} AS _ok FROM ({rows})"
    single = "CASE WHEN _ok AND record_id IS NULL THEN NULL ELSE _row END"
    value = "n_value" if rates is None else f"n_value * {_rate_sql(rates)}"
    as_read = ", ".join(
        f"{name} := CAST({name} AS VARCHAR)" if name in typed else f"{name} := {name}"
        for name in _AS_READ_TYPES
    )
    # An accepted row with a record id needs only where it was, to name its repeats.
    where = ", ".join(f"{name} := {name}" for name in ("_file", LINE, "record_id"))
    keys = ", ".join(_STAGED_KEYS.get(name, name) for name in grouped)
    return f"""SELECT {keys}, {value} AS n_value, n_quantity,
            n_net_weight, CASE WHEN NOT _ok THEN to_json(struct_pack({as_read}))
                WHEN _single IS NOT NULL THEN to_json(struct_pack({where})) END AS {AS_READ}
        FROM (SELECT *, {single} AS _single FROM ({judged}))"""


_CLOSED = {"n_flow": FLOWS, "n_mode": MODES}
"""Keys with a closed set of values, which staging groups by as one-byte codes."""

_STAGED_KEYS = {
    name: f"TRY_CAST({name} AS {enum_type(set(values))}) AS {name}"
    for name, values in _CLOSED.items()
}
"""Keys staging groups by in a narrower form than they are parsed in: a flow or a mode as a
one-byte code (null for a row that names none, which is rejected and read again from its
text). 'domestic_exports' is too long for DuckDB to hold within the group's row: grouping
20 M rows by the text of their flows took 3 s longer. :data:`GOOD_ROWS` gives the text back."""


def _rate_sql(rates: Rates) -> str:
    # Rates as text cast to DOUBLE: a decimal literal would be read as a DECIMAL, whose
    # conversion may miss the nearest double.
    cases = " ".join(
        f"WHEN {int(p)} THEN CAST('{r!r}' AS DOUBLE)" for p, r in sorted(rates.by_month.items())
    )
    return f"(CASE n_period {cases} END)"


def _staged_sql(numbers: NumberFormat) -> tuple[str, ...]:
    """``_staged``, the rows kept on their own, one per row as the rules read them: where
    each came from, its text as read and its fields parsed again from that text."""
    types = "{" + ", ".join(f'"{k}": "{t}"' for k, t in _AS_READ_TYPES.items()) + "}"
    fields = ", ".join(f"{sql} AS {name}" for name, (_, sql) in parsed(numbers).items())
    return (
        f"""CREATE OR REPLACE TEMP TABLE _staged AS
        SELECT *, {fields} FROM (
            SELECT g._single AS _row, g._ok, s.name AS file, r.* EXCLUDE (_file)
            FROM (SELECT *, json_transform({AS_READ}, '{types}') AS r
                  FROM _groups WHERE _single IS NOT NULL) g
            JOIN _sources s ON s.file = g.r._file)""",
        "CREATE OR REPLACE TEMP VIEW _flagged AS SELECT * FROM _staged WHERE NOT _ok",
    )


GOOD_ROWS = (
    "(SELECT * REPLACE ("
    + ", ".join(f"CAST({name} AS VARCHAR) AS {name}" for name in _CLOSED)
    + f"), json_extract_string({AS_READ}, '$.record_id') AS record_id FROM _groups WHERE _ok)"
)
"""What a load stores: its accepted rows, summed by cell except those with a record id, each
field as the store keeps it (``n_`` names, ``n_records`` rows in each)."""

_ARRIVING = "_arriving"
_ARRIVING_SQL = f"SELECT n_period, n_flow, sum(n_value) AS n_value FROM {GOOD_ROWS} GROUP BY ALL"
"""What a load stores, by (period, flow): what the checks before it stores, and the store's
totals before it, need to know of it, read from ``_groups`` once."""


_SLICE_ROWS = 32_768

_FILE_SHIFT = 40
"""A row's number across the load is its source's number shifted by this many bits, plus
its row in the file: the rows stay in the order they were read, and a source read by DuckDB
itself needs no count of the rows before it."""


def _stage(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    progress: FileProgress | None,
    apart: Apart,
    *,
    numbers: NumberFormat,
    periods: PeriodRange,
    rates: Rates | None,
    all_read: Callable[[int], None] | None = None,
) -> None:
    """Read every source once into ``_groups`` (see :func:`_stage_sql`).

    Parquet files are read by DuckDB in the query (:meth:`.readers.Source.relation`); the
    readers' batches of the other files stream into it as they are read. ``all_read`` is
    told the rows read once the last streamed source is, while DuckDB finishes the sums.
    A UN Comtrade file's annual rows go to ``apart``, never to staging.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _sources (file INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO _sources VALUES (?, ?)", list(enumerate(s.name for s in sources)))
    native: dict[int, Relation] = {}
    for index, source in enumerate(sources):
        numbering = (
            f"(CAST({index} AS BIGINT) << {_FILE_SHIFT}) + file_row_number AS _row, "
            f"CAST({index} AS INTEGER) AS _file"
        )
        if (relation := source.relation(numbering)) is not None:
            native[index] = relation
    counted = {i: r.rows for i, r in native.items()}  # the rows of each file DuckDB reads
    streamed = [(i, s) for i, s in enumerate(sources) if i not in native]
    failed: list[BaseException] = []

    def stream() -> Iterator[pa.RecordBatch]:
        rows = sum(counted.values())
        try:
            for index, source in streamed:
                read = [0.0]  # the reader's last fraction (it reads ahead of staging)

                def note(fraction: float, read: list[float] = read) -> None:
                    read[0] = fraction

                first = index << _FILE_SHIFT
                row = first
                for batch in source.batches(note, apart):
                    numbered = _numbered(batch, row, index)
                    # DuckDB holds the batches it has taken until it is done with them:
                    # small slices let it take less at a time, and spread over its threads.
                    for start in range(0, batch.num_rows, _SLICE_ROWS):
                        yield numbered.slice(start, _SLICE_ROWS)
                    row += batch.num_rows
                    if progress:
                        progress(source, read[0], row - first)
                if progress:
                    progress(source, 1.0, row - first)
                rows += row - first
            if all_read:
                all_read(rows)
        except BaseException as exc:  # raised again below, as it was, not as DuckDB's error
            failed.append(exc)
            raise

    inputs = list(native.values())
    if streamed:
        con.register("_stream", pa.RecordBatchReader.from_batches(STREAM_SCHEMA, stream()))
        fields = _held(s.fields() for _, s in streamed)
        inputs.insert(0, Relation("SELECT * FROM _stream", 0, fields=fields))
    try:
        with _reporting([(sources[i], n) for i, n in counted.items()], progress):
            create, *absent = _stage_sql(inputs, numbers, periods, rates)
            con.execute(create)
    except duckdb.Error:
        if failed:
            raise failed[0] from None
        raise
    finally:
        if streamed:
            con.unregister("_stream")
    for statement in [*absent, *_staged_sql(numbers)]:
        con.execute(statement)


@contextmanager
def _reporting(counted: list[tuple[Source, int]], progress: FileProgress | None) -> Iterator[None]:
    """Tell ``progress`` of the sources DuckDB reads itself (``counted``: each with its
    rows) as the block starts and when it is done: DuckDB's query progress stays at 0
    while a grouping reads its input, so there is nothing truer to show in between."""
    if progress is not None:
        for source, _ in counted:
            progress(source, 0.0, 0)
    yield
    if progress is not None:
        for source, rows in counted:
            progress(source, 1.0, rows)


def _numbered(batch: pa.RecordBatch, first_row: int, file: int) -> pa.RecordBatch:
    """``batch`` with its rows numbered from ``first_row`` (see :data:`_FILE_SHIFT`), from
    source ``file``."""
    n = batch.num_rows
    rows = pa.array(np.arange(first_row, first_row + n))
    return pa.RecordBatch.from_arrays(
        [*batch.columns, rows, pa.array(np.full(n, file, dtype=np.int32))],
        schema=STREAM_SCHEMA,
    )


def _check(con: duckdb.DuckDBPyConnection, checks: tuple[Rule, ...]) -> None:
    """Spell out every broken rule of the rows staging rejected, and of repeated ids."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _duplicates AS {DUPLICATES_SQL}")
    if con.execute("SELECT count(*) FROM _duplicates").fetchone() != (0,):
        con.execute(
            "UPDATE _groups SET _ok = false WHERE _single IN (SELECT _row FROM _duplicates)"
        )
    parts = [
        f"SELECT _row, file, {LINE} AS line, '{r.field}' AS field, "
        f"{'NULL' if r.field == 'line' else r.field} AS value, "
        f"'{r.name}' AS rule, {r.reason} AS reason FROM {r.rows} WHERE {r.bad}"
        for r in checks
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _violations AS " + " UNION ALL ".join(parts))


REPORT_ORDER = "_row, rule"
"""Rejects are listed in the order the rows were read, a row's broken rules by name."""

_REJECTS_SQL = (
    f"SELECT file, line, field, value, rule, reason FROM _violations ORDER BY {REPORT_ORDER}"
)


def _fill_counts(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    report.rows_read = int(con.execute("SELECT sum(n_records) FROM _groups").fetchone()[0] or 0)  # type: ignore[index]
    report.rows_rejected = int(
        con.execute("SELECT count(DISTINCT _row) FROM _violations").fetchone()[0]  # type: ignore[index]
    )
    report.rows_stored = report.rows_read - report.rows_rejected


# -- the transaction --------------------------------------------------------------------


def _one_per_cell(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the good rows are one per cell: staging summed them all (no good row was
    kept on its own for its record id)."""
    row = con.execute("SELECT count(*) FROM _groups WHERE _ok AND _single IS NOT NULL")
    return row.fetchone() == (0,)


def _commit(
    con: duckdb.DuckDBPyConnection,
    report: LoadReport,
    strict: bool,
    mode: str,
    files: Sequence[loads.FileSeen],
) -> None:
    """Write the checked load through :mod:`entrepot.store.loads` (inside the transaction)."""
    load_id = loads.next_load_id(con)
    report.load_id = load_id
    started = datetime.now()
    if strict and report.rows_rejected > 0:  # annual rows are withheld with the records
        report.withheld = report.rows_stored + report.rows_annual
        report.rows_rejected += report.withheld
        report.rows_stored = report.rows_annual = 0
    else:
        stored = loads.store_cells(
            con,
            GOOD_ROWS,
            prefix="n_",
            load_id=load_id,
            files=report.files,
            when=started,
            mode=mode,
            one_per_cell=_one_per_cell(con),
            touched=_ARRIVING,
        )
        report.cells, report.value = stored.cells, stored.value
        report.revisions.extend(stored.revisions)
    loads.record_rejects(con, load_id, "_violations", order_by=REPORT_ORDER)
    loads.record_load(
        con,
        load_id,
        started=started,
        files=report.files,
        rows_read=report.rows_read,
        rows_stored=report.rows_stored + report.rows_annual,  # annual cells are stored too
        rows_rejected=report.rows_rejected,
        cells=report.cells,
        value=report.value,
        mode=mode,
    )
    loads.record_files(con, load_id, files)


def _convert_years(rows: pd.DataFrame, rates: Rates) -> pd.DataFrame:
    """Annual values converted at the mean of their year's twelve monthly rates (a year
    short of a month's rate cannot be converted: an error naming it)."""
    by_year: dict[int, list[float]] = {}
    for month, rate in rates.by_month.items():
        by_year.setdefault(month // 100, []).append(rate)
    missing = sorted({int(y) for y in rows.year if len(by_year.get(int(y), [])) < 12})
    if missing:
        raise InputError(
            f"{rates.source}: the annual rows of {', '.join(map(str, missing))} are converted "
            "at the mean of their year's monthly rates, and the file lacks months of it."
        )
    mean = {y: sum(r) / len(r) for y, r in by_year.items()}
    return rows.assign(value=rows.value * rows.year.map(mean))


def write_reject_report(store: Store, report: LoadReport, path: Path) -> Path:
    """Write every reject of the load as CSV: file, line, field, value, rule, reason."""
    path.parent.mkdir(parents=True, exist_ok=True)
    loads.copy_rejects(store.con, int(report.load_id or 0), path)
    report.reject_report = path
    return path
