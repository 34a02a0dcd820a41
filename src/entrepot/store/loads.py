"""A load's writes to the store: its cells, revisions, rejects and its row in ``loads``.

Ingest (:mod:`entrepot.ingest.load`) stages and checks a load in temporary tables, then,
inside :meth:`Store.transaction`, calls these functions in turn:

1. :func:`next_load_id`;
2. :func:`replace_cells` stores the good rows as monthly cells, replacing every (period,
   flow) they hold, and records each replacement in ``revisions``;
3. :func:`record_rejects` keeps the rejected rows;
4. :func:`record_load` writes the load's own row.

:func:`copy_rejects` reads a load's rejects back into a CSV report. Every statement on
``cells``, ``loads``, ``rejects`` and ``revisions`` that a load makes is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ..backends import engine_errors
from ..errors import StoreError
from ..periods import Period
from ..schema import CELL_KEY
from .domains import widen

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
    """What :func:`replace_cells` stored."""

    cells: int = 0
    value: float = 0.0
    revisions: list[Revision] = field(default_factory=list)


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next load gets: one more than the last."""
    row = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()
    assert row is not None
    return int(row[0])


def _cells_sql(rows: str, prefix: str) -> str:
    """``rows`` grouped into monthly cells, in storage order."""
    key = ", ".join(f"{prefix}{name} AS {name}" for name in CELL_KEY)
    return f"""
        SELECT {key}, sum({prefix}value) AS value, sum({prefix}quantity) AS quantity,
            sum({prefix}net_weight) AS net_weight, count(*) AS records
        FROM {rows}
        GROUP BY ALL
        ORDER BY {", ".join(STORAGE_ORDER)}"""


def replace_cells(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    *,
    prefix: str,
    load_id: int,
    files: Sequence[str],
    when: datetime,
) -> StoredCells:
    """Store ``rows`` as the cells of load ``load_id`` and record what they replace.

    ``rows`` is a table (or parenthesised query) of good records, one column per record
    field named with ``prefix`` (``n_period``, ``n_value``, …), as staging keeps them. Every (period, flow)
    it holds replaces the one stored, and each replacement becomes a revision naming
    ``files``. Run it inside :meth:`Store.transaction`.
    """
    # Totals of what this load replaces, taken before the old cells go.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {_REPLACED} AS
        SELECT period, flow, sum(value) AS value, count(*) AS cells, max(load_id) AS load_id
        FROM cells
        WHERE (period, flow) IN (SELECT DISTINCT {prefix}period, {prefix}flow FROM {rows})
        GROUP BY ALL"""
    )
    # Recoding must come before the delete: DuckDB cannot commit a delete made to the
    # table's version that an ALTER in the same transaction has replaced.
    widen(con, rows, prefix=prefix)
    con.execute(f"DELETE FROM cells WHERE (period, flow) IN (SELECT period, flow FROM {_REPLACED})")
    con.execute(f"INSERT INTO cells SELECT *, {int(load_id)} FROM ({_cells_sql(rows, prefix)})")
    row = con.execute(
        "SELECT count(*), coalesce(sum(value), 0) FROM cells WHERE load_id = ?", [load_id]
    ).fetchone()
    assert row is not None
    stored = StoredCells(int(row[0]), float(row[1]))
    stored.revisions = _revise(con, load_id, files, when)
    con.execute(f"DROP TABLE {_REPLACED}")
    return stored


def _revise(
    con: duckdb.DuckDBPyConnection, load_id: int, files: Sequence[str], when: datetime
) -> list[Revision]:
    """Record each replaced (period, flow) with its old and new totals."""
    rows = con.execute(
        f"""SELECT old.period, old.flow, old.load_id, old.value, new.value, old.cells, new.cells
           FROM {_REPLACED} old
           JOIN (SELECT period, flow, sum(value) AS value, count(*) AS cells
                 FROM cells WHERE load_id = ? GROUP BY ALL) new USING (period, flow)
           ORDER BY old.period, old.flow""",
        [load_id],
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
) -> None:
    """Write load ``load_id``'s row in ``loads``, finished now."""
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ],
    )


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
