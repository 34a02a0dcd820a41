"""Compiled indices in the store: write a compilation, read its series, trims and cells.

A compilation is one run of the index compiler: a row of ``compilations`` (when, on which
engine, the formula, the reference year, the other options as JSON and the last load it
saw) and its rows in ``index_series`` (one per flow × breakdown × key × month),
``index_trims`` (the relatives left out as outliers) and ``cell_homogeneity``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..backends import engine_errors
from ..errors import NotInStoreError, StoreError
from ..schema import FLOWS
from . import Store

NAMED = """LEFT JOIN commodities n8 ON n8.commodity = {t}.commodity
           LEFT JOIN commodities n6 ON n6.commodity = left({t}.commodity, 6)"""
NAME = "coalesce(n8.name, n6.name)"
"""A commodity's name: its own code's, else its HS subheading's (first six digits)."""


def save_compilation(
    store: Store,
    *,
    backend: str,
    formula: str,
    reference_year: int,
    options: Mapping[str, Any],
    series: Sequence[pd.DataFrame],
    trims: pd.DataFrame | pa.Table,
    homogeneity: pd.DataFrame,
    store_loads: int | None = None,
) -> int:
    """Store one compilation in a single transaction and return its id. Trims may come as
    Arrow: millions of them at 100 M rows would take gigabytes as pandas strings."""
    with (
        engine_errors(f"Storing a compilation in {store.path}", StoreError),
        store.transaction() as con,
    ):
        compile_id = int(store.scalar("SELECT coalesce(max(compile_id), 0) + 1 FROM compilations"))
        loads = store_loads
        if loads is None:  # the cells of every load so far
            loads = int(store.scalar("SELECT coalesce(max(load_id), 0) FROM loads"))
        con.execute(
            "INSERT INTO compilations VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                compile_id,
                datetime.now(),
                backend,
                formula,
                reference_year,
                json.dumps(options),
                loads,
            ],
        )
        tables = [
            *(("index_series", frame) for frame in series),
            ("index_trims", trims),
            ("cell_homogeneity", homogeneity),
        ]
        for name, frame in tables:
            if len(frame):
                if isinstance(frame, pa.Table):
                    ids = pa.array(np.full(len(frame), compile_id, dtype="int64"))
                    frame = frame.add_column(0, "compile_id", ids)
                else:
                    frame = frame.copy()
                    frame.insert(0, "compile_id", compile_id)
                con.register("_frame", frame)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _frame")
                con.unregister("_frame")
    return compile_id


def latest_compilation(store: Store, as_of: int | None = None) -> int:
    """The id of the newest compilation (with ``as_of``, the newest of the cells as they
    stood after that load: "as first published"); an error saying how to make one if none
    exists."""
    if as_of is None:  # of the cells as they stand, not as they stood after a load
        compile_id = store.scalar(
            "SELECT max(compile_id) FROM compilations "
            "WHERE json_extract_string(options, '$.as_of') IS NULL"
        )
    else:
        compile_id = store.scalar(
            "SELECT max(compile_id) FROM compilations WHERE store_loads <= ?", [as_of]
        )
        if compile_id is None:
            raise NotInStoreError(
                f"No compilation was made of the cells as they stood after load {as_of}: "
                f"compile them with 'entrepot compile --as-of {as_of}'."
            )
    if compile_id is None:
        raise NotInStoreError(
            f"Store {store.path} has no compiled indices. Run 'entrepot compile' first."
        )
    return int(compile_id)


def compiled_periods(store: Store, compile_id: int) -> list[int]:
    """The months (YYYYMM) a compilation covers, ascending."""
    return [
        int(r[0])
        for r in store.query(
            "SELECT DISTINCT period FROM index_series WHERE compile_id = ? ORDER BY 1",
            [compile_id],
        )
    ]


def compilation_formula(store: Store, compile_id: int) -> str:
    """The index formula a compilation used."""
    return str(store.scalar("SELECT formula FROM compilations WHERE compile_id = ?", [compile_id]))


def compilation_reference_year(store: Store, compile_id: int) -> int:
    """The year a compilation's indices average 100 in."""
    return int(
        store.scalar("SELECT reference_year FROM compilations WHERE compile_id = ?", [compile_id])
    )


def series_of(
    store: Store, compile_id: int, measure: str, breakdown: str, keys: Sequence[str] = ()
) -> pd.DataFrame:
    """Every month of one flow and breakdown's series (of ``keys`` only, if given)."""
    where = " AND list_contains(?, key)" if keys else ""
    params: list[Any] = [compile_id, measure, breakdown]
    return store.frame(
        "SELECT * EXCLUDE (compile_id, measure, breakdown) FROM index_series "
        f"WHERE compile_id = ? AND measure = ? AND breakdown = ?{where} ORDER BY key, period",
        params + ([list(keys)] if keys else []),
    )


def compilation_options(store: Store, compile_id: int) -> dict[str, Any]:
    """The options a compilation stored besides its formula and reference year."""
    text = store.scalar("SELECT options FROM compilations WHERE compile_id = ?", [compile_id])
    return dict(json.loads(text)) if text else {}


def series_upto(
    store: Store, compile_id: int, measure: str, breakdown: str, period: int
) -> pd.DataFrame:
    """Every key's series of one flow and breakdown up to ``period``, by key and month."""
    return store.frame(
        "SELECT * EXCLUDE (compile_id, measure, breakdown) FROM index_series "
        "WHERE compile_id = ? AND measure = ? AND breakdown = ? AND period <= ? "
        "ORDER BY key, period",
        [compile_id, measure, breakdown, period],
    )


_FLOW_VALUES = f"""(SELECT measure AS flow, value FROM index_series
    WHERE compile_id = ? AND breakdown = 'total' AND period = ?
      AND measure IN ({", ".join(f"'{f}'" for f in FLOWS)}))"""
"""Each flow's value in a month as the compilation summed it from its cells (the cells it
was made of, wherever they are: the store's, as of a load, or a dataset's)."""


def trims_of(store: Store, compile_id: int, period: int) -> pd.DataFrame:
    """The relatives a compilation trimmed in ``period``, each with its share of its flow's
    value that month (when the compilation has the total breakdown); largest current value
    first."""
    return store.frame(
        f"""SELECT t.flow, t.commodity, {NAME} AS name, t.partner, t.unit, t.mode,
                  t.relative, t.rule, t.v0, t.v1, t.v1 / f.value AS share
           FROM index_trims t
           LEFT JOIN {_FLOW_VALUES} f USING (flow)
           {NAMED.format(t="t")}
           WHERE t.compile_id = ? AND t.period = ?
           ORDER BY t.v1 DESC, t.flow, t.commodity, t.partner""",
        [compile_id, period, compile_id, period],
    )


def compiled_value(store: Store, compile_id: int, period: int) -> float | None:
    """The value of every flow in ``period`` as the compilation summed it; None when it
    has no total breakdown."""
    value = store.scalar(f"SELECT sum(value) FROM {_FLOW_VALUES}", [compile_id, period])
    return None if value is None else float(value)


def least_homogeneous(store: Store, compile_id: int, year: int, top: int) -> pd.DataFrame:
    """The ``top`` cells of ``year`` whose monthly unit values vary most (6+ months)."""
    return store.frame(
        f"""SELECT h.flow, h.commodity, {NAME} AS name, h.partner, h.unit, h.months,
                  h.mean_unit_value, h.cv
           FROM cell_homogeneity h
           {NAMED.format(t="h")}
           WHERE h.compile_id = ? AND h.year = ? AND h.months >= 6 AND h.cv IS NOT NULL
           ORDER BY h.cv DESC, h.flow, h.commodity, h.partner LIMIT ?""",
        [compile_id, year, top],
    )


def traded_value(store: Store, period: int | None = None) -> float:
    """Total value of all flows, in one month or over the whole store."""
    if period is None:
        return float(store.scalar("SELECT coalesce(sum(value), 0) FROM cells"))
    return float(
        store.scalar("SELECT coalesce(sum(value), 0) FROM cells WHERE period = ?", [period])
    )


COMPILED_TABLES: dict[str, str] = {
    "series": "index_series",
    "trims": "index_trims",
    "homogeneity": "cell_homogeneity",
}
"""The tables a compilation writes, by the name ``entrepot export`` gives them."""


def compiled_table(store: Store, compile_id: int, name: str) -> pd.DataFrame:
    """Every row of one of a compilation's :data:`COMPILED_TABLES`, without its id."""
    table = COMPILED_TABLES[name]
    return store.frame(
        f"SELECT * EXCLUDE (compile_id) FROM {table} WHERE compile_id = ? ORDER BY ALL",
        [compile_id],
    )
