"""A load's writes to the store: its cells, revisions, rejects and its row in ``loads``.

Ingest (:mod:`entrepot.ingest.load`) stages and checks a load in temporary tables, then,
inside :meth:`Store.transaction`, calls these functions in turn:

1. :func:`next_load_id`;
2. :func:`store_cells` stores the good rows as monthly cells in one of :data:`LOAD_MODES`,
   and records each (period, flow) it changed in ``revisions``;
3. :func:`record_rejects` keeps the rejected rows;
4. :func:`record_load` writes the load's own row, :func:`record_files` its files.

Nothing is deleted: a cell a load removes (a replaced month, an amended record's share, a
reverted load's cells) moves to ``cells_archive`` with the id of the load that removed it.
So :func:`revert` can undo a load, and :func:`cells_as_of` gives the cells as they stood
after any load. :func:`copy_rejects` reads a load's rejects back into a CSV report. Every
statement on ``cells``, ``cells_archive``, ``records``, ``loads``, ``load_files``,
``rejects`` and ``revisions`` that a load makes is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ..backends import engine_errors
from ..errors import InputError, StoreError
from ..periods import Period
from ..schema import CELL_COLUMNS, CELL_KEY
from .domains import column_types, widen

LOAD_MODES: tuple[str, ...] = ("replace", "append", "amend")
"""How a load meets what is stored. ``replace``: each (period, flow) it holds replaces the
stored one (whole monthly deliveries). ``append``: its records are added (late
declarations). ``amend``: a record whose ``record_id`` is stored replaces that record; the
others are added."""

_COLUMNS = ", ".join(CELL_COLUMNS)
_KEYS = ", ".join(CELL_KEY)

STORAGE_ORDER = ("flow", "commodity", "partner", "unit", "period")
"""How a load's cells are laid out: a series' months side by side, so that compiling (which
groups by these keys and joins each month to the year before) finds its rows together."""

_REPLACED = "_replaced"
"""Scratch table: totals of the (period, flow)s a load replaces, taken before they go."""


@dataclass(frozen=True)
class Revision:
    """A (period, flow) that a load replaced, with the old and new totals."""

    period: Period
    flow: str
    old_value: float
    new_value: float
    old_cells: int
    new_cells: int


@dataclass
class StoredCells:
    """What :func:`store_cells` (or :func:`revert`) stored."""

    cells: int = 0
    value: float = 0.0
    revisions: list[Revision] = field(default_factory=list)


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next load gets: one more than the last."""
    row = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()
    assert row is not None
    return int(row[0])


def _cells_sql(con: duckdb.DuckDBPyConnection, rows: str, prefix: str, grouped: bool) -> str:
    """``rows`` as monthly cells (summed by cell unless ``grouped``), in storage order.

    The keys are cast to the cells' own types first: sorting ENUM codes is twice as fast as
    sorting their text, in the same order (:func:`.domains.enum_type`).
    """
    types = column_types(con, "cells")
    key = ", ".join(f"CAST({prefix}{name} AS {types[name]}) AS {name}" for name in CELL_KEY)
    if grouped:
        measures = f"{prefix}value, {prefix}quantity, {prefix}net_weight, {prefix}records"
        cells = f"SELECT {key}, {measures} FROM {rows}"
    else:
        cells = f"""SELECT {key}, sum({prefix}value) AS value, sum({prefix}quantity) AS quantity,
            sum({prefix}net_weight) AS net_weight, sum({prefix}records)::BIGINT AS records
        FROM {rows} GROUP BY ALL"""
    return f"SELECT * FROM ({cells}) ORDER BY {', '.join(STORAGE_ORDER)}"


def store_cells(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    *,
    prefix: str,
    load_id: int,
    files: Sequence[str],
    when: datetime,
    mode: str = "replace",
    one_per_cell: bool = False,
    touched: str | None = None,
) -> StoredCells:
    """Store ``rows`` as the cells of load ``load_id`` in ``mode`` (:data:`LOAD_MODES`) and
    record each (period, flow) it changed (``one_per_cell``: ``rows`` are summed by cell
    already; ``touched``: a smaller table holding the (period, flow)s of ``rows``, in the
    same columns, when the caller has one).

    ``rows`` is a table (or parenthesised query) of good records, one column per record
    field named with ``prefix`` (``n_period``, ``n_value``, …), ``record_id`` and the
    records each row sums (``n_records``; a row with a record id is one record), as
    staging keeps them. Run it inside :meth:`Store.transaction`.
    """
    if mode not in LOAD_MODES:
        raise InputError(f"Unknown load mode {mode!r}; choose one of {', '.join(LOAD_MODES)}.")
    # Totals of the (period, flow)s this load touches, taken before anything changes.
    _totals_before(con, f"(SELECT DISTINCT {prefix}period, {prefix}flow FROM {touched or rows})")
    # Recoding must come before any delete: DuckDB cannot commit a delete made to the
    # table's version that an ALTER in the same transaction has replaced.
    widen(con, rows, prefix=prefix)
    if mode == "replace":
        _archive(con, f"(period, flow) IN (SELECT period, flow FROM {_REPLACED})", load_id)
    elif mode == "amend":
        _take_back_amended(con, rows, load_id)
    cells = _cells_sql(con, rows, prefix, one_per_cell)
    con.execute(f"INSERT INTO cells SELECT *, {int(load_id)} FROM ({cells})")
    fields = ", ".join(f"{prefix}{name}" for name in CELL_KEY)
    con.execute(
        f"""INSERT INTO records SELECT record_id, {fields}, {prefix}value, {prefix}quantity,
            {prefix}net_weight, 1, {int(load_id)}, NULL
        FROM {rows} WHERE record_id IS NOT NULL"""
    )
    row = con.execute(
        "SELECT count(*), coalesce(sum(value), 0) FROM cells WHERE load_id = ?", [load_id]
    ).fetchone()
    assert row is not None
    stored = StoredCells(int(row[0]), float(row[1]))
    stored.revisions = _revise(con, load_id, files, when)
    con.execute(f"DROP TABLE {_REPLACED}")
    return stored


def _totals_before(con: duckdb.DuckDBPyConnection, periods_flows: str) -> None:
    """Keep the stored totals of ``periods_flows`` (period, flow pairs) in :data:`_REPLACED`."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {_REPLACED} AS
        SELECT period, flow, sum(value) AS value, count(*) AS cells, max(load_id) AS load_id
        FROM cells WHERE (period, flow) IN {periods_flows}
        GROUP BY ALL"""
    )


def _archive(con: duckdb.DuckDBPyConnection, where: str, removed_by: int) -> None:
    """Move the cells matching ``where`` to ``cells_archive``, removed by ``removed_by``."""
    con.execute(f"INSERT INTO cells_archive SELECT *, {int(removed_by)} FROM cells WHERE {where}")
    con.execute(f"DELETE FROM cells WHERE {where}")


def _same_key(left: str, right: str) -> str:
    """SQL: ``left`` and ``right`` have the same cell key (an unstated key matches one)."""
    return " AND ".join(f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in CELL_KEY)


def _take_back_amended(con: duckdb.DuckDBPyConnection, rows: str, load_id: int) -> None:
    """Take out of the cells what each stored record that ``rows`` amends contributed.

    The cells those records are in move to the archive; what the other records of those
    cells add up to is stored again as one cell of this load (none if nothing is left).
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _amended AS
        SELECT * FROM records WHERE removed_by IS NULL
            AND record_id IN (SELECT record_id FROM {rows} WHERE record_id IS NOT NULL)"""
    )
    con.execute(
        "UPDATE records SET removed_by = ? WHERE removed_by IS NULL "
        "AND record_id IN (SELECT record_id FROM _amended)",
        [load_id],
    )
    sums = "sum(value) AS value, sum(quantity) AS quantity, sum(net_weight) AS net_weight, "
    sums += "sum(records) AS records"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rest AS
        SELECT c.{_KEYS.replace(", ", ", c.")},
            c.value - coalesce(a.value, 0) AS value,
            c.quantity - coalesce(a.quantity, 0) AS quantity,
            c.net_weight - coalesce(a.net_weight, 0) AS net_weight,
            c.records - a.records AS records
        FROM (SELECT {_KEYS}, {sums} FROM cells
              WHERE EXISTS (SELECT 1 FROM _amended a WHERE {_same_key("cells", "a")})
              GROUP BY ALL) c
        JOIN (SELECT {_KEYS}, {sums} FROM _amended GROUP BY ALL) a ON {_same_key("c", "a")}"""
    )
    _archive(con, f"EXISTS (SELECT 1 FROM _amended a WHERE {_same_key('cells', 'a')})", load_id)
    con.execute(f"INSERT INTO cells SELECT *, {int(load_id)} FROM _rest WHERE records > 0")
    con.execute("DROP TABLE _rest")
    con.execute("DROP TABLE _amended")


def revert(
    con: duckdb.DuckDBPyConnection, load_id: int, *, revert_id: int, when: datetime
) -> StoredCells:
    """Undo load ``load_id`` as load ``revert_id``: its cells go to the archive and the
    cells it removed come back (as cells of ``revert_id``); each (period, flow) changed
    becomes a revision. A load whose cells a later load has changed cannot be undone
    before that one. Run it inside :meth:`Store.transaction`."""
    known = con.execute("SELECT reverts FROM loads WHERE load_id = ?", [load_id]).fetchone()
    if known is None:
        raise InputError(f"There is no load {load_id}; 'entrepot history' lists the loads.")
    undone = con.execute("SELECT load_id FROM loads WHERE reverts = ?", [load_id]).fetchone()
    if undone is not None:
        raise InputError(f"Load {load_id} was reverted already, by load {undone[0]}.")
    later = con.execute(
        """SELECT removed_by, min(period), min(flow) FROM (
            SELECT removed_by, period, flow FROM cells_archive WHERE load_id = ?
            UNION ALL SELECT removed_by, period, flow FROM records
                WHERE load_id = ? AND removed_by IS NOT NULL)
        GROUP BY removed_by ORDER BY removed_by DESC LIMIT 1""",
        [load_id, load_id],
    ).fetchone()
    if later is not None:
        raise InputError(
            f"Load {later[0]} changed cells of load {load_id} "
            f"({Period.from_key(int(later[1]))} {later[2]}): revert load {later[0]} first."
        )
    _totals_before(
        con,
        f"""(SELECT period, flow FROM cells WHERE load_id = {int(load_id)}
            UNION SELECT period, flow FROM cells_archive WHERE removed_by = {int(load_id)})""",
    )
    back = f"(SELECT * FROM cells_archive WHERE removed_by = {int(load_id)})"
    widen(con, back)
    _archive(con, f"load_id = {int(load_id)}", revert_id)
    columns = ", ".join(c for c in CELL_COLUMNS if c != "load_id")
    con.execute(f"INSERT INTO cells SELECT {columns}, {int(revert_id)} FROM {back}")
    fields = ", ".join(c for c in CELL_COLUMNS if c != "load_id")
    con.execute(
        "UPDATE records SET removed_by = ? WHERE load_id = ? AND removed_by IS NULL",
        [revert_id, load_id],
    )
    con.execute(
        f"INSERT INTO records SELECT record_id, {fields}, {int(revert_id)}, NULL "
        f"FROM records WHERE removed_by = {int(load_id)}"
    )
    row = con.execute(
        "SELECT count(*), coalesce(sum(value), 0) FROM cells WHERE load_id = ?", [revert_id]
    ).fetchone()
    assert row is not None
    stored = StoredCells(int(row[0]), float(row[1]))
    stored.revisions = _revise(con, revert_id, [f"revert of load {load_id}"], when)
    con.execute(f"DROP TABLE {_REPLACED}")
    return stored


AS_OF_VIEW = "_cells_as_of"
"""The temporary view :func:`view_as_of` makes."""


def view_as_of(con: duckdb.DuckDBPyConnection, load_id: int) -> str:
    """Make :data:`AS_OF_VIEW`, the cells after load ``load_id``, and return its name."""
    with engine_errors("Reading the cells as they stood", StoreError):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {AS_OF_VIEW} AS {cells_as_of(load_id)}")
    return AS_OF_VIEW


def cells_as_of(load_id: int) -> str:
    """SQL: the cells as they stood once load ``load_id`` was committed."""
    n = int(load_id)
    return (
        f"(SELECT {_COLUMNS} FROM cells WHERE load_id <= {n} UNION ALL "
        f"SELECT {_COLUMNS} FROM cells_archive WHERE load_id <= {n} AND removed_by > {n})"
    )


def _revise(
    con: duckdb.DuckDBPyConnection, load_id: int, files: Sequence[str], when: datetime
) -> list[Revision]:
    """Record each (period, flow) of :data:`_REPLACED` with its old and new totals (none
    left: 0)."""
    rows = con.execute(
        f"""SELECT old.period, old.flow, old.load_id, old.value, coalesce(new.value, 0),
                old.cells, coalesce(new.cells, 0)
           FROM {_REPLACED} old
           LEFT JOIN (SELECT period, flow, sum(value) AS value, count(*) AS cells FROM cells
                 WHERE (period, flow) IN (SELECT period, flow FROM {_REPLACED})
                 GROUP BY ALL) new USING (period, flow)
           ORDER BY old.period, old.flow"""
    ).fetchall()
    last = con.execute("SELECT coalesce(max(revision_id), 0) FROM revisions").fetchone()
    assert last is not None
    first = int(last[0])
    named = "; ".join(files)
    revisions = []
    for i, (period, flow, old_load, old_value, new_value, old_n, new_n) in enumerate(rows, 1):
        con.execute(
            "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                first + i,
                load_id,
                period,
                flow,
                when,
                named,
                old_load,
                old_value,
                new_value,
                old_n,
                new_n,
            ],
        )
        revisions.append(
            Revision(Period.from_key(period), flow, old_value, new_value, old_n, new_n)
        )
    return revisions


def record_rejects(
    con: duckdb.DuckDBPyConnection, load_id: int, violations: str, *, order_by: str
) -> None:
    """Keep every broken rule of load ``load_id`` in ``rejects``.

    ``violations`` is a relation with file, line, field, value, rule and reason; rows are
    kept in ``order_by`` order (the order the report lists them).
    """
    con.execute(
        f"INSERT INTO rejects SELECT {int(load_id)}, file, line, field, value, rule, reason "
        f"FROM {violations} ORDER BY {order_by}"
    )


def record_load(
    con: duckdb.DuckDBPyConnection,
    load_id: int,
    *,
    started: datetime,
    files: Sequence[str],
    rows_read: int,
    rows_stored: int,
    rows_rejected: int,
    cells: int,
    value: float,
    mode: str = "replace",
    reverts: int | None = None,
) -> None:
    """Write load ``load_id``'s row in ``loads``, finished now: ``mode`` is how it met the
    store (:data:`LOAD_MODES`, or ``revert`` for a load that undid load ``reverts``)."""
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            started,
            datetime.now(),
            "; ".join(files),
            rows_read,
            rows_stored,
            rows_rejected,
            cells,
            value,
            mode,
            reverts,
        ],
    )


def record_files(con: duckdb.DuckDBPyConnection, load_id: int, files: Sequence[FileSeen]) -> None:
    """Write the files load ``load_id`` read, with their content hashes."""
    for seen in files:
        con.execute(
            "INSERT INTO load_files VALUES (?, ?, ?, ?)",
            [load_id, seen.path, seen.sha256, seen.size],
        )


@dataclass(frozen=True)
class FileSeen:
    """A file a load reads: its path, SHA-256 and size in bytes."""

    path: str
    sha256: str
    size: int


def loaded_before(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str] | None:
    """The load (id, file) that read a file with this content and was not reverted, if
    any."""
    row = con.execute(
        """SELECT f.load_id, f.file FROM load_files f
        WHERE f.sha256 = ? AND f.load_id NOT IN (SELECT reverts FROM loads WHERE reverts IS NOT NULL)
        ORDER BY f.load_id DESC LIMIT 1""",
        [sha256],
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def stored_totals(
    con: duckdb.DuckDBPyConnection, rows: str, prefix: str
) -> list[tuple[int, str, float, float]]:
    """For each (period, flow) of ``rows`` already stored: period, flow, the stored total
    and the total of ``rows``."""
    return [
        (int(p), str(f), float(old), float(new))
        for p, f, old, new in con.execute(
            f"""SELECT n.period, n.flow, o.value, n.value
            FROM (SELECT {prefix}period AS period, {prefix}flow AS flow,
                         sum({prefix}value) AS value FROM {rows} GROUP BY ALL) n
            JOIN (SELECT period, flow, sum(value) AS value FROM cells
                  WHERE (period, flow) IN (SELECT DISTINCT {prefix}period, {prefix}flow
                                           FROM {rows})
                  GROUP BY ALL) o USING (period, flow)
            ORDER BY n.period, n.flow"""
        ).fetchall()
    ]


def copy_rejects(con: duckdb.DuckDBPyConnection, load_id: int, path: Path) -> None:
    """Write load ``load_id``'s rejects to ``path`` as CSV: file, line, field, value, rule,
    reason."""
    with engine_errors(f"Writing the rejects of load {load_id} to {path}", StoreError):
        con.execute(
            f"COPY (SELECT file, line, field, value, rule, reason FROM rejects "
            f"WHERE load_id = {int(load_id)}) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')"
        )


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def record_rates(
    con: duckdb.DuckDBPyConnection, load_id: int, currency: str, rates: dict[int, float]
) -> None:
    """Keep the rates (the store's currency per unit of ``currency``) a load converted
    each month's values at."""
    con.executemany(
        "INSERT INTO load_rates VALUES (?, ?, ?, ?)",
        [(load_id, period, currency, rate) for period, rate in sorted(rates.items())],
    )


def rates_of(con: duckdb.DuckDBPyConnection, load_id: int) -> list[tuple[int, str, float]]:
    """The rates a load converted at: (period, currency, rate), by period."""
    return [
        (int(p), str(c), float(r))
        for p, c, r in con.execute(
            "SELECT period, currency, rate FROM load_rates WHERE load_id = ? ORDER BY period",
            [load_id],
        ).fetchall()
    ]


def record_editions(con: duckdb.DuckDBPyConnection, load_id: int, editions: dict[int, str]) -> None:
    """Keep the HS edition of each month a load stored (the latest load of a month wins)."""
    con.executemany(
        "INSERT OR REPLACE INTO period_editions VALUES (?, ?, ?)",
        [(period, edition, load_id) for period, edition in sorted(editions.items())],
    )


def edition_start(con: duckdb.DuckDBPyConnection, edition: str) -> int | None:
    """The first month (YYYYMM) whose records are in ``edition``, or None."""
    row = con.execute(
        "SELECT min(period) FROM period_editions WHERE edition = ?", [edition]
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None
