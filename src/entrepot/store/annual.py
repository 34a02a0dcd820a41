"""Annual figures, kept apart from the monthly cells (``annual_cells``).

UN Comtrade files carry annual rows (``refMonth`` 52) beside or instead of monthly ones.
A year is not a month: summed with its months it would count the year twice, and the
indices are compiled from months. So a load keeps them here, summed by
:data:`ANNUAL_KEY`, and meets what is stored as the monthly cells do
(:data:`~entrepot.store.loads.LOAD_MODES`): ``replace``, each (year, flow) it holds
replaces the stored one; ``append``, its rows are added; ``amend``, each cell it holds
replaces the stored cell. Nothing is deleted: a replaced row stays, marked with the load
that replaced it (``removed_by``), so that :func:`revert` can bring it back.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..errors import InputError
from . import Store

ANNUAL_KEY: tuple[str, ...] = (
    "year", "flow", "commodity", "partner", "consignment", "mode", "unit",
)  # fmt: skip
"""An annual cell: a year, flow, commodity, partner, country of consignment, mode and unit."""

_KEY = ", ".join(ANNUAL_KEY)
_SAME_CELL = " AND ".join(f"a.{k} IS NOT DISTINCT FROM n.{k}" for k in ANNUAL_KEY)


def store_annual(
    con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, *, load_id: int, mode: str
) -> int:
    """Keep ``rows`` (:data:`entrepot.ingest.comtrade.ANNUAL_COLUMNS`) as load
    ``load_id``'s annual cells in ``mode``; returns how many cells. Run it inside
    :meth:`Store.transaction`."""
    con.register("_annual_rows", rows)
    try:
        if mode == "replace":
            con.execute(
                "UPDATE annual_cells SET removed_by = ? WHERE removed_by IS NULL AND "
                "(year, flow) IN (SELECT DISTINCT year, flow FROM _annual_rows)",
                [load_id],
            )
        elif mode == "amend":
            con.execute(
                f"UPDATE annual_cells a SET removed_by = ? WHERE removed_by IS NULL AND "
                f"EXISTS (SELECT 1 FROM _annual_rows n WHERE {_SAME_CELL})",
                [load_id],
            )
        con.execute(
            f"""INSERT INTO annual_cells
                SELECT {_KEY}, sum(value), sum(quantity), sum(net_weight), count(*), ?, NULL
                FROM _annual_rows GROUP BY ALL""",
            [load_id],
        )
        row = con.execute("SELECT count(*) FROM annual_cells WHERE load_id = ?", [load_id])
        return int(row.fetchone()[0])  # type: ignore[index]
    finally:
        con.unregister("_annual_rows")


def revert(con: duckdb.DuckDBPyConnection, load_id: int, *, revert_id: int) -> None:
    """Undo load ``load_id``'s annual cells as load ``revert_id``: its rows are marked
    removed and the rows it replaced come back. Refused when a later load replaced some
    of its rows (revert that one first). Run it inside :meth:`Store.transaction`."""
    later = con.execute(
        "SELECT max(removed_by) FROM annual_cells WHERE load_id = ? AND removed_by IS NOT NULL",
        [load_id],
    ).fetchone()
    if later is not None and later[0] is not None:
        raise InputError(
            f"Load {later[0]} replaced annual figures of load {load_id}: "
            f"revert load {later[0]} first."
        )
    con.execute("UPDATE annual_cells SET removed_by = NULL WHERE removed_by = ?", [load_id])
    con.execute(
        "UPDATE annual_cells SET removed_by = ? WHERE load_id = ? AND removed_by IS NULL",
        [revert_id, load_id],
    )


def annual_cells(store: Store) -> pd.DataFrame:
    """The annual cells as they stand: :data:`ANNUAL_KEY`, value, quantity, net_weight
    and records (summed over the loads that hold a cell)."""
    return store.frame(
        f"""SELECT {_KEY}, sum(value) AS value, sum(quantity) AS quantity,
                   sum(net_weight) AS net_weight, CAST(sum(records) AS BIGINT) AS records
            FROM annual_cells WHERE removed_by IS NULL
            GROUP BY ALL ORDER BY {_KEY}"""
    )
