"""Index compile: entrepot's Ibis expressions on DuckDB against pandas and one hand-written query.

The method (``entrepot.compute``; a plain-pandas reference in
``tests/reference/compile_reference.py``): each year's months are priced against the previous
year's average unit value of the cell (the first year against its own), the base weight
being the cell's value in that year; relatives outside 0.1..10 are trimmed (and, by default,
those outside Tukey's fences within flow × SITC group × month); unmatched cells take their
class's mean relative (or are left out); each node's monthly links are chained by annual
overlap (level = link × the product of the yearly mean links of the years before),
rescaled so that the reference year averages 100; volume index = value index ÷ price
index; every rate (year on year, month on month, year to date) is taken from the levels;
the direct comparison with the same month a year earlier is a diagnostic.

What is timed head to head is the compile of the ``total`` breakdown (the four measures
total_exports, domestic_exports, re_exports and imports), Fisher, reference year 2024,
bounds only (no fences), unmatched cells excluded:

* **entrepot**: ``compile_indices(cells, commodity_sitc, sitc, partners, by="total",
  formula="fisher", reference_year=2024, outliers=Outliers(fence=None),
  imputation="exclude")`` executed with ``duckdb_backend(store).execute(series)``;
* **hand SQL**: one DuckDB statement (CTEs) computing the same series on the same store
  connection;
* **pandas**: the store's ``cells`` table read with DuckDB's ``.df()`` (the read is part of
  pandas' time), then vectorised groupby/reindex on int64 cell keys.

All three compute elementary cell-months (flow × commodity × partner × unit with value and
quantity > 0) and each cell's yearly value and unit value; price every cell-month against
its reference; keep relatives inside 0.1..10; sum the Fisher terms per flow (total exports
= the two export flows); chain the monthly links by annual overlap and rescale; the value
and volume indices; every rate from the levels; coverage and cell counts; and the direct
year-ago Laspeyres, Paasche, Fisher and Törnqvist over the cell-months not trimmed. Every
number of the series (:data:`COMPARED`, one row per measure and month) must agree with
entrepot's to 1e-9 relative, nulls in the same places, in every round, before that round's
timings are printed; a contender that differs stops the benchmark.

``--full`` also times what a user runs: ``entrepot.compile_store(store,
duckdb_backend(store))`` with its defaults (every breakdown, fences, class-mean
imputation, diagnostics, the results stored) on a fresh copy of the cached store each round
(the copy is not timed), with its peak RSS, and reports its ratio to entrepot's total-only
compile of the same run (targets: ≤ 4×; peak ≤ 3 GB at 20 M rows, ≤ 4 GB at 100 M).

Each run is a fresh subprocess (libraries imported before its clock starts), so that its
peak resident memory (``ru_maxrss`` from ``wait4``) is its own; ``--repeat N`` runs N rounds
of entrepot, hand SQL, pandas (and the full compile) in turn, so that a busy spell on a
shared machine hits every contender alike, and reports the best. Each run's mean 1-minute
load average is recorded: on a shared machine it says how busy the machine was.

Every contender opens the store with ``entrepot.store.Store`` (read-only, but writable for
the full compile's copy), so DuckDB runs with the settings entrepot gives it (a memory_limit
of 2 GB unless ``ENTREPOT_MEMORY_LIMIT`` says otherwise). ``--memory-limit SIZE`` sets
another for every contender; ``--memory-limit duckdb`` restores DuckDB's own default (80% of
RAM). The pandas subprocess gets an address-space cap (``--pandas-max-gb``) so that running
out of memory raises MemoryError instead of waking the kernel's OOM killer on a shared
machine; if pandas fails at the size asked for, it is compared with entrepot at the
``--pandas-fallback`` size as well.

The store is the synthetic sample (``entrepot.sample.generate``: ``--rows 20M`` is scale 18.8,
20.0 M rows; ``--rows 100M`` is scale 107, 100.0 M rows), classified and ingested with
entrepot (each step in its own subprocess, timed, peak memory measured), cached under
``bench/out/scale-F/`` and reused when present (``--rebuild`` to make it afresh); a cached
store made by an older entrepot is migrated to the current schema first.

    python bench/compile.py [--rows 20M|100M | --scale F] [--repeat N] [--full]
                            [--skip-pandas | --contenders entrepot,sql]
                            [--memory-limit SIZE|duckdb] [--explain] [--build-only]

``--explain`` also writes, beside the store, EXPLAIN ANALYZE of entrepot's query (with the
SQL that Ibis generates) and of the hand-written one, as indented operator trees.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent / "out"
SIZES: dict[str, float] = {"1M": 1.0, "20M": 18.8, "100M": 107.0}
"""Sample scales that give the row counts named (rows per unit of scale fall as the scale
grows: scale 18 gives 19.2 M rows, scale 90 gives 86.2 M)."""

REFERENCE_YEAR = 2024
LOW, HIGH = 0.1, 10.0  # the default bounds of entrepot's Outliers
EXPORT_FLOWS = ("domestic_exports", "re_exports")
COMPARED: tuple[str, ...] = (
    "value", "value_index", "price_index", "volume_index",
    "value_yoy_pct", "price_yoy_pct", "volume_yoy_pct",
    "value_mom_pct", "price_mom_pct", "volume_mom_pct",
    "value_ytd_pct", "price_ytd_pct", "volume_ytd_pct",
    "price_coverage", "low_coverage", "cells_matched", "cells_imputed", "volume_ref_mean",
    "laspeyres_yoy", "paasche_yoy", "fisher_yoy", "tornqvist_yoy",
)  # fmt: skip
"""Every number of entrepot's series (all but its key and label), compared column by column."""
TOLERANCE = 1e-9
CONTENDERS: dict[str, str] = {
    "entrepot": "entrepot",
    "sql": "hand SQL",
    "pandas": "pandas",
    "full": "full compile",
}
FULL_RATIO = 4.0  # target: the full compile within this many times entrepot's total-only one
FULL_PEAK: tuple[tuple[float, float], ...] = ((25e6, 3e9), (float("inf"), 4e9))
"""Peak RSS targets of the full compile: (up to this many rows, bytes): 3 GB at 20 M rows,
4 GB at 100 M."""


# --- the store -----------------------------------------------------------------------------


@dataclass
class Build:
    """A cached store and how it was made."""

    scale: float
    records: int
    cells: int
    generate_s: float
    generate_peak_rss: int  # bytes, the generating subprocess
    ingest_s: float
    ingest_peak_rss: int  # bytes, the ingest subprocess alone
    ingest_memory_limit: str  # DuckDB's memory_limit during the ingest
    code: str  # entrepot's commit when the store was built
    ingest_load: float | None = None  # mean 1-minute load average during the ingest

    @property
    def store(self) -> Path:
        return store_dir(self.scale) / "entrepot.duckdb"


def store_dir(scale: float) -> Path:
    return OUT / f"scale-{scale:g}"


def parse_rows(text: str) -> float:
    """The sample scale for ``20M``, ``100M``… (named sizes, else rows ÷ 1.07 M)."""
    key = text.strip().upper()
    if key in SIZES:
        return SIZES[key]
    multiplier = {"K": 1e3, "M": 1e6}.get(key[-1:], 1.0)
    number = float(key[:-1] if key[-1:] in "KM" else key)
    return round(number * multiplier / 1.07e6, 1)


def ensure_store(scale: float, rebuild: bool = False) -> Build:
    """The cached store at ``scale``, generated and ingested (each in a subprocess) if absent."""
    folder = store_dir(scale)
    info = folder / "build.json"
    if info.exists() and (folder / "entrepot.duckdb").exists() and not rebuild:
        try:
            build = Build(**json.loads(info.read_text()))
        except TypeError:  # written by an older version of this script: build afresh
            pass
        else:
            migrate(build.store)
            return build
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"building the scale {scale:g} store in {folder} …", flush=True)
    gen = run_child(["--run", "generate", "--scale", str(scale)], folder / "generate.json")
    if gen.error:
        raise SystemExit(f"sample generation failed: {gen.error}")
    ing = run_child(["--run", "ingest", "--scale", str(scale)], folder / "ingest.json")
    if ing.error:
        raise SystemExit(f"ingest failed: {ing.error}")
    build = Build(
        scale=scale,
        records=int(gen.extra["records"]),
        cells=int(ing.extra["cells"]),
        generate_s=gen.seconds[0],
        generate_peak_rss=gen.peak_rss,
        ingest_s=ing.seconds[0],
        ingest_peak_rss=ing.peak_rss,
        ingest_memory_limit=str(ing.extra["memory_limit"]),
        code=code_version(),
        ingest_load=ing.load,
    )
    info.write_text(json.dumps(asdict(build), indent=2))
    return build


def migrate(path: Path) -> None:
    """Bring a cached store to this entrepot's schema (opening it writable migrates it)."""
    from entrepot.errors import StoreError
    from entrepot.store import Store

    try:
        Store(path, read_only=True).close()
    except StoreError:
        print(f"migrating {path} to this entrepot's schema …", flush=True)
        Store(path).close()


def generate_sample(scale: float) -> dict[str, Any]:
    from entrepot.sample import generate

    result = generate(store_dir(scale) / "sample", scale=scale)
    return {"records": result.rows}


def ingest_sample(scale: float) -> dict[str, Any]:
    from entrepot.classifications import load_classifications
    from entrepot.ingest import ingest
    from entrepot.store import Store

    sample = store_dir(scale) / "sample"
    with Store(store_dir(scale) / "entrepot.duckdb") as store:
        load_classifications(store, [sample / "classifications"])
        start = time.perf_counter()  # the ingest alone is timed
        report = ingest(store, [sample / "records.parquet"])
        seconds = time.perf_counter() - start
        if report.rows_rejected:
            raise RuntimeError(f"ingest rejected {report.rows_rejected} rows")
        limit = store.scalar("SELECT current_setting('memory_limit')")
        return {"seconds": seconds, "cells": store.count("cells"), "memory_limit": limit}


# --- entrepot ------------------------------------------------------------------------------


def entrepot_expression(store: Any) -> tuple[Any, Any]:
    """The DuckDB backend over ``store`` and entrepot's series expression (not yet run)."""
    from entrepot.backends import duckdb_backend
    from entrepot.compute.trade_indices import compile_indices
    from entrepot.compute.unit_values import Outliers

    backend = duckdb_backend(store)
    tables = [backend.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")]
    series, _ = compile_indices(
        *tables,
        by="total",
        formula="fisher",
        reference_year=REFERENCE_YEAR,
        outliers=Outliers(fence=None),
        imputation="exclude",
    )
    return backend, series


def entrepot_series(con: duckdb.DuckDBPyConnection, store: Any) -> pd.DataFrame:
    backend, series = entrepot_expression(store)
    return backend.execute(series)


def entrepot_sql(store: Any) -> str:
    """The SQL that Ibis generates for entrepot's series (for EXPLAIN ANALYZE)."""
    import ibis

    _, series = entrepot_expression(store)
    return str(ibis.to_sql(series, dialect="duckdb"))


# --- hand-written SQL ----------------------------------------------------------------------

_KEYS_MATCH = (
    "{b}.flow = {n}.flow AND {b}.commodity = {n}.commodity "
    "AND {b}.partner = {n}.partner AND {b}.unit = {n}.unit"
)
_EXPORTS = ", ".join(f"'{f}'" for f in EXPORT_FLOWS)
_INSIDE = f"r >= {LOW}::DOUBLE AND r <= {HIGH}::DOUBLE"


def _growth(now: str, before: str) -> str:
    return f"CASE WHEN {before} IS NULL OR {before} = 0 THEN NULL ELSE ({now} / {before} - 1) * 100 END"


def _by_measure(table: str, columns: Sequence[str]) -> str:
    """``table``'s sums per flow and period, and total exports as their sum over the two
    export flows."""
    plain = ", ".join(columns)
    summed = ", ".join(f"sum({c}) AS {c}" for c in columns)
    return (
        f"SELECT period, flow::VARCHAR AS measure, {plain} FROM {table} UNION ALL "
        f"SELECT period, 'total_exports', {summed} FROM {table} "
        f"WHERE flow IN ({_EXPORTS}) GROUP BY period"
    )


def hand_sql(reference_year: int = REFERENCE_YEAR) -> str:
    """The whole compile as one DuckDB statement.

    Each cell-month is joined once with its price reference (the materialized ``rel``):
    the kept relatives give the links, and the same rows, less the trimmed ones, are
    matched with the month a year earlier for the direct comparison. Sums are taken per
    flow, and total exports are the sum of the two export flows' sums (every index term is
    a sum over cells), so no cell is read twice.
    """
    match = _KEYS_MATCH.format(b="b", n="n")
    rates = ",\n       ".join(
        f"{_growth(f'c.{col}', f'y.{col}')} AS {name}_yoy_pct,\n       "
        f"{_growth(f'c.{col}', f'm.{col}')} AS {name}_mom_pct,\n       "
        f"CASE WHEN c.months = c.period % 100 AND y.months = c.period % 100 THEN "
        f"{_growth(f'c.cum_{col}', f'y.cum_{col}')} END AS {name}_ytd_pct"
        for col, name in (("value", "value"), ("price_index", "price"), ("volume_index", "volume"))
    )
    return f"""
WITH elem AS MATERIALIZED (
    SELECT period, period // 100 AS year, flow, commodity, partner, unit,
           sum(value) AS value, sum(quantity) AS quantity,
           sum(value) / sum(quantity) AS uv
    FROM cells
    WHERE unit IS NOT NULL AND quantity > 0 AND value > 0
    GROUP BY period, flow, commodity, partner, unit
),
yearly AS MATERIALIZED (
    SELECT year, flow, commodity, partner, unit,
           sum(value) AS v0, sum(value) / sum(quantity) AS p0
    FROM elem
    GROUP BY year, flow, commodity, partner, unit
),
refs AS (
    SELECT year + 1 AS year, flow, commodity, partner, unit, v0, p0 FROM yearly
    UNION ALL
    SELECT year, flow, commodity, partner, unit, v0, p0 FROM yearly
    WHERE year = (SELECT min(year) FROM yearly)
),
rel AS MATERIALIZED (
    SELECT n.period, n.flow, n.commodity, n.partner, n.unit, n.value, n.uv,
           b.v0, n.uv / b.p0 AS r
    FROM elem AS n LEFT JOIN refs AS b ON b.year = n.year AND {match}
),
link_flow AS (
    SELECT period, flow, sum(v0) AS v0, sum(value) AS v1, sum(r * v0) AS l_num,
           sum(value / r) AS p_den, count(*) AS cells
    FROM rel WHERE {_INSIDE}
    GROUP BY period, flow
),
direct_flow AS (
    SELECT period, flow, sum(v0) AS v0, sum(v1) AS v1, sum(r * v0) AS l_num,
           sum(v1 / r) AS p_den, sum(v0 * ln(r)) AS a0, sum(v1 * ln(r)) AS a1
    FROM (
        SELECT n.period, n.flow, b.value AS v0, n.value AS v1, n.uv / b.uv AS r
        FROM rel AS n JOIN elem AS b ON b.period = n.period - 100 AND {match}
        WHERE (n.r IS NULL OR n.{_INSIDE})
          AND b.period + 100 <= (SELECT max(period) FROM elem)
    )
    GROUP BY period, flow
),
links AS (
    SELECT period, measure, period // 100 AS year,
           sqrt((l_num / v0) * (v1 / p_den)) AS link, v1 AS matched_v1, cells
    FROM ({_by_measure("link_flow", ("v0", "v1", "l_num", "p_den", "cells"))})
),
carried AS (
    SELECT measure, year + 1 AS year, exp(sum(ln(mean_link)) OVER w) AS factor,
           year - min(year) OVER w + 1 = count(*) OVER w AS unbroken
    FROM (SELECT measure, year, avg(link) AS mean_link FROM links GROUP BY measure, year)
    WINDOW w AS (PARTITION BY measure ORDER BY year)
),
levels AS (
    SELECT l.period, l.measure, l.matched_v1, l.cells,
           CASE WHEN c.factor IS NULL
                THEN CASE WHEN l.year < min(l.year) OVER (PARTITION BY l.measure) + 1
                          THEN l.link END
                WHEN c.unbroken THEN l.link * c.factor END AS level
    FROM links AS l LEFT JOIN carried AS c ON c.measure = l.measure AND c.year = l.year
),
direct AS (
    SELECT period, measure, l_num / v0 AS laspeyres_yoy, v1 / p_den AS paasche_yoy,
           sqrt((l_num / v0) * (v1 / p_den)) AS fisher_yoy,
           exp(0.5 * (a0 / v0 + a1 / v1)) AS tornqvist_yoy
    FROM ({_by_measure("direct_flow", ("v0", "v1", "l_num", "p_den", "a0", "a1"))})
),
flow_values AS (
    SELECT period, flow, sum(value) AS value FROM cells GROUP BY period, flow
),
indexed AS (
    SELECT v.period, v.measure, v.value, l.matched_v1, l.cells,
           d.laspeyres_yoy, d.paasche_yoy, d.fisher_yoy, d.tornqvist_yoy,
           l.level / avg(CASE WHEN v.period // 100 = {reference_year} THEN l.level END)
               OVER (PARTITION BY v.measure) * 100 AS price_index,
           v.value / avg(CASE WHEN v.period // 100 = {reference_year} THEN v.value END)
               OVER (PARTITION BY v.measure) * 100 AS value_index
    FROM ({_by_measure("flow_values", ("value",))}) AS v
    LEFT JOIN levels AS l ON l.measure = v.measure AND l.period = v.period
    LEFT JOIN direct AS d ON d.measure = v.measure AND d.period = v.period
),
cumulated AS (
    SELECT *, sum(value) OVER w AS cum_value, avg(price_index) OVER w AS cum_price_index,
           avg(volume_index) OVER w AS cum_volume_index, count(*) OVER w AS months
    FROM (SELECT *, value_index / price_index * 100 AS volume_index FROM indexed)
    WINDOW w AS (PARTITION BY measure, period // 100 ORDER BY period
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT c.period, c.measure, c.value, c.value_index, c.price_index, c.volume_index,
       {rates},
       coalesce(c.matched_v1, 0) / c.value AS price_coverage,
       coalesce(c.matched_v1, 0) / c.value < 0.5 AS low_coverage,
       coalesce(c.cells, 0) AS cells_matched, 0 AS cells_imputed,
       avg(CASE WHEN c.period // 100 = {reference_year} THEN c.volume_index END)
           OVER (PARTITION BY c.measure) AS volume_ref_mean,
       c.laspeyres_yoy, c.paasche_yoy, c.fisher_yoy, c.tornqvist_yoy
FROM cumulated AS c
LEFT JOIN cumulated AS y ON y.measure = c.measure AND y.period = c.period - 100
LEFT JOIN cumulated AS m ON m.measure = c.measure
     AND m.period = CASE WHEN c.period % 100 = 1 THEN c.period - 89 ELSE c.period - 1 END
ORDER BY c.measure, c.period
"""


def sql_series(con: duckdb.DuckDBPyConnection, store: Any) -> pd.DataFrame:
    return con.execute(hand_sql()).df()


# --- pandas --------------------------------------------------------------------------------

KEYS = ["flow", "commodity", "partner", "unit"]
NODE = ["measure", "period"]
MONTHS = 1_000_000  # cell-month key: cell × MONTHS + period (YYYYMM)
YEARS = 10_000  # cell-year key: cell × YEARS + year


def pandas_series(con: duckdb.DuckDBPyConnection, store: Any) -> pd.DataFrame:
    """The compile in pandas, from reading ``cells`` (DuckDB's ``.df()``) to the series.

    Each cell is numbered from its keys' category codes, so that every groupby and lookup
    works on one int64 key (cell × 10⁶ + period for a cell-month, cell × 10⁴ + year for a
    cell-year) instead of four categorical columns.
    """
    cells = con.sql(
        "SELECT period, flow, commodity, partner, unit, value, quantity FROM cells"
    ).df()
    keys = {k: cells[k].astype("category") for k in KEYS}
    flows = np.asarray(keys["flow"].cat.categories, dtype=object)
    flow_code = keys["flow"].cat.codes.to_numpy(np.int64)
    period = cells["period"].to_numpy(np.int64)
    value = cells["value"].to_numpy(np.float64)
    quantity = cells["quantity"].to_numpy(np.float64)
    known = flow_code >= 0  # a null flow is no measure
    values = flow_sums(flow_code[known], period[known], {"value": value[known]}, flows)

    usable = (quantity > 0) & (value > 0)  # NaN compares False
    cell = np.zeros(len(cells), dtype=np.int64)
    per_flow = 1  # cells per flow: the product of the other keys' category counts
    for key in KEYS:
        codes = keys[key].cat.codes.to_numpy(np.int64)
        usable &= codes >= 0  # a cell with a null key matches nothing
        size = len(keys[key].cat.categories)
        cell = cell * size + codes
        per_flow *= size if key != "flow" else 1
    if cell.max(initial=0) >= np.iinfo(np.int64).max // MONTHS:
        raise OverflowError("too many cells to number")
    del cells, keys, flow_code
    elem = (
        pd.DataFrame(
            {
                "key": cell[usable] * MONTHS + period[usable],
                "value": value[usable],
                "quantity": quantity[usable],
            }
        )
        .groupby("key", sort=False)[["value", "quantity"]]
        .sum()
    )
    del cell, period, value, quantity, usable
    cell_month = elem.index.to_numpy()
    cell, period = np.divmod(cell_month, MONTHS)
    year = period // 100
    v1 = elem["value"].to_numpy()
    uv = v1 / elem["quantity"].to_numpy()

    # Price references: a year's value and unit value serve the next year; the first year
    # is priced against its own.
    cell_year = cell * YEARS + year
    yearly = elem.groupby(cell_year, sort=False)[["value", "quantity"]].sum()
    del elem
    serves = yearly.index.to_numpy()
    own = serves % YEARS == year.min()
    p0 = (yearly["value"] / yearly["quantity"]).to_numpy()
    references = pd.DataFrame(
        {
            "v0": np.concatenate([yearly["value"].to_numpy(), yearly["value"].to_numpy()[own]]),
            "p0": np.concatenate([p0, p0[own]]),
        },
        index=np.concatenate([serves + 1, serves[own]]),
    ).reindex(cell_year)
    v0 = references["v0"].to_numpy()
    r = uv / references["p0"].to_numpy()
    del references, yearly
    inside = (r >= LOW) & (r <= HIGH)  # NaN (no reference) compares False
    flow = cell // per_flow
    k_v0, k_v1, k_r = v0[inside], v1[inside], r[inside]
    link = flow_sums(
        flow[inside],
        period[inside],
        {"v0": k_v0, "v1": k_v1, "l_num": k_r * k_v0, "p_den": k_v1 / k_r, "cells": 1},
        flows,
    )

    # The direct comparison: the cell-months not trimmed, matched with the same month a
    # year earlier.
    now = np.flatnonzero(inside | np.isnan(r))
    earlier = (
        pd.DataFrame({"value": v1, "uv": uv}, index=cell_month)
        .reindex(cell_month[now] - 100)
        .to_numpy()
    )
    found = ~np.isnan(earlier[:, 0])
    now = now[found]
    d_v0, d_v1 = earlier[found, 0], v1[now]
    d_r = uv[now] / earlier[found, 1]
    direct = flow_sums(
        flow[now],
        period[now],
        {
            "v0": d_v0,
            "v1": d_v1,
            "l_num": d_r * d_v0,
            "p_den": d_v1 / d_r,
            "a0": d_v0 * np.log(d_r),
            "a1": d_v1 * np.log(d_r),
        },
        flows,
    )
    return node_series(values, link, direct, REFERENCE_YEAR)


def flow_sums(
    flow: np.ndarray, period: np.ndarray, columns: dict[str, Any], flows: np.ndarray
) -> pd.DataFrame:
    """``columns`` summed per flow (code) and period → per measure and period: each flow,
    and total exports as the sum over the two export flows."""
    sums = pd.DataFrame(columns).groupby(flow * MONTHS + period).sum()
    code, month = np.divmod(sums.index.to_numpy(), MONTHS)
    sums = sums.reset_index(drop=True).assign(measure=flows[code], period=month)
    exports = sums[sums["measure"].isin(EXPORT_FLOWS)]
    total = exports.groupby("period", as_index=False)[list(columns)].sum()
    both = pd.concat([sums, total.assign(measure="total_exports")], ignore_index=True)
    return both[[*NODE, *columns]]


def node_series(
    values: pd.DataFrame, link: pd.DataFrame, direct: pd.DataFrame, reference_year: int
) -> pd.DataFrame:
    """The series of each measure from its values, link sums and direct sums."""
    link = link.assign(
        year=link["period"] // 100,
        link=np.sqrt(link["l_num"] / link["v0"] * (link["v1"] / link["p_den"])),
    )
    # Annual overlap: the level is the link times the product of the yearly mean links of
    # the years before (consecutive ones only); in the measure's first year, the link.
    yearly = link.groupby(["measure", "year"], as_index=False)["link"].mean()
    by = yearly.groupby("measure")
    carried = pd.DataFrame(
        {
            "measure": yearly["measure"],
            "year": yearly["year"] + 1,
            "factor": np.exp(np.log(yearly["link"]).groupby(yearly["measure"]).cumsum()),
            "unbroken": yearly["year"] - by["year"].cummin() + 1 == by.cumcount() + 1,
        }
    )
    link = link.merge(carried, how="left", on=["measure", "year"])
    first = link.groupby("measure")["year"].transform("min")
    unlinked = link["link"].where(link["year"] < first + 1)
    linked = (link["link"] * link["factor"]).where(link["unbroken"].astype(bool))
    link["level"] = unlinked.where(link["factor"].isna(), linked)

    d = direct
    laspeyres, paasche = d["l_num"] / d["v0"], d["v1"] / d["p_den"]
    formulas = d[NODE].assign(
        laspeyres_yoy=laspeyres,
        paasche_yoy=paasche,
        fisher_yoy=np.sqrt(laspeyres * paasche),
        tornqvist_yoy=np.exp(0.5 * (d["a0"] / d["v0"] + d["a1"] / d["v1"])),
    )
    out = (
        values.merge(
            link[[*NODE, "level", "v1", "cells"]].rename(columns={"v1": "matched_v1"}),
            how="left",
            on=NODE,
        )
        .merge(formulas, how="left", on=NODE)
        .sort_values(NODE, ignore_index=True)
    )
    in_year = out["period"] // 100 == reference_year
    out["price_index"] = rebased(out, "level", in_year)
    out["value_index"] = rebased(out, "value", in_year)
    out["volume_index"] = out["value_index"] / out["price_index"] * 100

    # Rates from the levels: a year earlier, the calendar month before, and year to date
    # (sums for the value, means for the indices) when every month of both is there.
    year = out["period"] // 100
    running = out.groupby(["measure", year])
    for column in ("value", "price_index", "volume_index"):
        if column == "value":
            out[f"cum_{column}"] = running[column].cumsum()
        else:
            known = out[column].notna()
            out[f"cum_{column}"] = out[column].where(known, 0.0).groupby(
                [out["measure"], year]
            ).cumsum() / known.groupby([out["measure"], year]).cumsum().replace(0, np.nan)
    out["months"] = running.cumcount() + 1
    rated = ["value", "price_index", "volume_index", "cum_value", "cum_price_index"]
    rated += ["cum_volume_index", "months"]
    shifted = out[[*NODE, *rated]]
    before = out[NODE].merge(shifted.assign(period=shifted["period"] + 100), how="left", on=NODE)
    month_before = np.where(
        shifted["period"] % 100 == 12, shifted["period"] + 89, shifted["period"] + 1
    )
    before_m = out[NODE].merge(shifted.assign(period=month_before), how="left", on=NODE)
    complete = (out["months"] == out["period"] % 100) & (before["months"] == out["period"] % 100)
    for column, name in (("value", "value"), ("price_index", "price"), ("volume_index", "volume")):
        out[f"{name}_yoy_pct"] = growth(out[column], before[column])
        out[f"{name}_mom_pct"] = growth(out[column], before_m[column])
        ytd = growth(out[f"cum_{column}"], before[f"cum_{column}"])
        out[f"{name}_ytd_pct"] = ytd.where(complete)
    coverage = out["matched_v1"].fillna(0.0) / out["value"]
    out["price_coverage"] = coverage
    out["low_coverage"] = coverage < 0.5
    out["cells_matched"] = out["cells"].fillna(0)
    out["cells_imputed"] = 0
    out["volume_ref_mean"] = (
        out["volume_index"].where(in_year).groupby(out["measure"]).transform("mean")
    )
    return out


def rebased(frame: pd.DataFrame, column: str, in_year: pd.Series) -> pd.Series:
    """``column`` × 100 ÷ its mean over the reference year's months, per measure."""
    mean = frame[column].where(in_year).groupby(frame["measure"]).transform("mean")
    return frame[column] / mean * 100


def growth(now: pd.Series, before: pd.Series) -> pd.Series:
    """Percentage change; NaN when the base is missing or zero."""
    return ((now / before - 1) * 100).where(before.notna() & (before != 0))


# --- one job in this process (the subprocess side) -----------------------------------------

Runner = Callable[[duckdb.DuckDBPyConnection, Any], pd.DataFrame]
RUNNERS: dict[str, Runner] = {
    "entrepot": entrepot_series,
    "sql": sql_series,
    "pandas": pandas_series,
}


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """The compared columns, one row per measure and period, in a fixed order."""
    out = frame[["measure", "period", *COMPARED]].copy()
    out["measure"] = out["measure"].astype(str)
    out["period"] = out["period"].astype("int64")
    for column in COMPARED:
        out[column] = out[column].astype("float64")
    return out.sort_values(["measure", "period"], ignore_index=True)


def run_worker(args: argparse.Namespace) -> int:
    """``--run JOB``: do one job here and write what happened to ``--result`` as JSON."""
    result = Path(args.result)
    outcome: dict[str, Any] = {"seconds": [], "extra": {}, "error": None}
    try:
        start = time.perf_counter()
        if args.run == "generate":
            outcome["extra"] = generate_sample(args.scale)
        elif args.run == "ingest":
            outcome["extra"] = ingest_sample(args.scale)
        elif args.run == "full":
            outcome["extra"] = run_full(args)
        else:
            outcome["extra"] = run_contender(args, result.with_suffix(".parquet"))
        outcome["seconds"].append(outcome["extra"].pop("seconds", time.perf_counter() - start))
    except (MemoryError, duckdb.OutOfMemoryException) as exc:
        outcome["error"] = f"out of memory ({type(exc).__name__}: {exc})"
    except Exception as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    result.write_text(json.dumps(outcome))
    return 1 if outcome["error"] else 0


def run_contender(args: argparse.Namespace, series_path: Path) -> dict[str, Any]:
    """One timed run of a contender (or, with ``--explain``, its profile instead)."""
    from entrepot.store import Store

    with Store(args.store, read_only=True) as store:
        con = store.con
        settings = configure(con, args.memory_limit)
        if args.explain:
            query = entrepot_sql(store) if args.run == "entrepot" else hand_sql()
            write_profile(con, query, Path(args.store).parent / f"profile-{args.run}")
            return {"settings": settings}
        # Libraries load before the clock starts, as pandas and DuckDB (imported above) do.
        import entrepot.backends
        import entrepot.compute.trade_indices  # noqa: F401

        start, cpu = time.perf_counter(), cpu_seconds()
        frame = RUNNERS[args.run](con, store)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        normalised(frame).to_parquet(series_path)
        return {"seconds": seconds, "cpu": cpu, "settings": settings}


def run_full(args: argparse.Namespace) -> dict[str, Any]:
    """One timed ``compile_store`` with its defaults on ``--store`` (a copy: it writes)."""
    import entrepot
    from entrepot.store import Store

    with Store(args.store) as store:
        settings = configure(store.con, args.memory_limit)
        marks: list[tuple[str, float, int]] = []  # step, when it began, peak RSS before it

        def mark(step: str) -> None:
            marks.append((step, time.perf_counter(), peak_rss_so_far()))

        start, cpu = time.perf_counter(), cpu_seconds()
        mark("setup")
        report = entrepot.compile_store(store, entrepot.duckdb_backend(store), progress=mark)
        end, peak = time.perf_counter(), peak_rss_so_far()
        seconds, cpu = end - start, cpu_seconds() - cpu
        ends = [(t, p) for _, t, p in marks[1:]] + [(end, peak)]
        # Each step's seconds and the process's peak RSS at its end (so the step that
        # raised the peak shows); compile_store reads the unpriced cells and saves after
        # its last step.
        steps = [(name, later - t, p) for (name, t, _), (later, p) in zip(marks, ends, strict=True)]
        steps[-1] = (f"{steps[-1][0]}, unpriced, saving", *steps[-1][1:])
        return {
            "steps": steps,
            "seconds": seconds,
            "cpu": cpu,
            "settings": settings,
            "breakdowns": len(report.breakdowns),
            "series_rows": report.series_rows,
            "trimmed": report.trimmed,
            "reference_year": report.reference_year,
        }


def configure(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> dict[str, str]:
    """Apply ``--memory-limit`` to the store's connection; DuckDB's threads and memory_limit."""
    if memory_limit == "duckdb":
        con.execute("RESET memory_limit")  # DuckDB's own default, 80% of RAM
    elif memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit')"
        ).fetchall()
    )


def peak_rss_so_far() -> int:
    """This process's peak resident memory so far, bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def cpu_seconds() -> float:
    """User + system CPU time of this process, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_profile(con: duckdb.DuckDBPyConnection, query: str, stem: Path) -> None:
    """EXPLAIN ANALYZE of ``query`` as an indented operator tree (``stem``.txt) and the
    query itself (``stem``.sql)."""
    plan = json.loads(con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query).fetchall()[0][1])
    lines: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        info = node.get("extra_info") or {}
        detail = "; ".join(
            f"{key}: {' | '.join(v) if isinstance(v, list) else v}"[:160]
            for key in ("CTE Name", "Table", "Join Type", "Conditions", "Groups", "Aggregates")
            if (v := info.get(key))
        )
        lines.append(
            f"{node.get('operator_timing', 0.0):7.2f} s {node.get('operator_cardinality', 0):>12,}"
            f"  {'  ' * depth}{node.get('operator_name', '?').strip()}  {detail}"
        )
        for child in node.get("children", []):
            walk(child, depth + 1)

    for child in plan.get("children", []):
        walk(child, 0)
    header = "operator seconds (summed over threads), rows out, operator"
    stem.with_suffix(".txt").write_text(header + "\n" + "\n".join(lines) + "\n")
    stem.with_suffix(".sql").write_text(query)


# --- the contest (the parent side) ---------------------------------------------------------


@dataclass
class ChildResult:
    seconds: list[float]
    peak_rss: int  # bytes
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    load: float | None = None  # mean 1-minute load average while it ran (itself included)


def run_child(
    argv: Sequence[str],
    result: Path,
    *,
    timeout: float = 1200.0,
    max_bytes: int | None = None,
) -> ChildResult:
    """Run this script with ``argv`` in a subprocess; its own peak RSS comes from wait4."""

    def cap() -> None:
        if max_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))

    result.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), *argv, "--result", str(result)]
    proc = subprocess.Popen(command, preexec_fn=cap)
    deadline = time.monotonic() + timeout
    timed_out = False
    loads: list[float] = []
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        loads.append(os.getloadavg()[0])
        if time.monotonic() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    load = sum(loads) / len(loads) if loads else None
    if timed_out:
        return ChildResult([], peak, error=f"stopped after {timeout:g} s", load=load)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        why = " (out of memory?)" if name == "SIGKILL" else ""
        return ChildResult([], peak, error=f"killed by {name}{why}", load=load)
    if not result.exists():
        error = f"exited with {proc.returncode} and no result"
        return ChildResult([], peak, error=error, load=load)
    data = json.loads(result.read_text())
    return ChildResult(data["seconds"], peak, data["extra"], data["error"], load)


def max_relative_difference(ours: pd.DataFrame, theirs: pd.DataFrame) -> float:
    """Largest |a − b| / max(|a|, |b|) over the compared columns; nulls must coincide."""
    if not ours[["measure", "period"]].equals(theirs[["measure", "period"]]):
        raise AssertionError("the series cover different measures or periods")
    worst = 0.0
    for column in COMPARED:
        a, b = ours[column].to_numpy(), theirs[column].to_numpy()
        missing = np.isnan(a)
        if not np.array_equal(missing, np.isnan(b)):
            raise AssertionError(f"{column}: the series have nulls in different places")
        a, b = a[~missing], b[~missing]
        scale = np.maximum(np.abs(a), np.abs(b))
        diff = np.divide(np.abs(a - b), scale, out=np.zeros_like(a), where=scale > 0)
        worst = max(worst, float(diff.max(initial=0.0)))
    return worst


@dataclass
class Runs:
    """A contender's timed runs at one size."""

    contender: str
    build: Build
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # mean load average during each run
    peak_rss: int = 0
    error: str | None = None
    settings: dict[str, str] = field(default_factory=dict)
    difference: float | None = None  # the largest over its rounds
    rows: int = 0  # series rows compared
    extra: dict[str, Any] = field(default_factory=dict)  # what the best run told
    failures: list[str] = field(default_factory=list)  # errors of rounds after a success

    @property
    def best(self) -> float:
        return min(self.seconds)


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def contest(
    names: Sequence[str], build: Build, args: argparse.Namespace, *, full: bool = False
) -> list[Runs]:
    """``--repeat`` rounds of one fresh subprocess per contender (entrepot first, then, with
    ``full``, the full compile on a copy of the store), so that a busy spell on the machine
    hits every contender alike. Each round's series are checked against entrepot's from the
    same round before its timings are printed."""
    folder = store_dir(build.scale)
    runs = [Runs(name, build) for name in [*names, *(["full"] if full else [])]]
    for round_ in range(1, args.repeat + 1):
        waiting = [run for run in runs if not run.error]
        print(
            f"  round {round_}/{args.repeat} on {build.cells:,} rows: "
            f"{', '.join(CONTENDERS[run.contender] for run in waiting)} …",
            flush=True,
        )
        done: list[tuple[Runs, ChildResult]] = []
        for run in waiting:
            done.append((run, run_once(run.contender, build, args)))
        lines = []
        for run, child in done:
            run.peak_rss = max(run.peak_rss, child.peak_rss)
            load = f"load average {child.load:.1f}" if child.load is not None else ""
            name = f"    {CONTENDERS[run.contender]}:"
            if child.error:
                if run.seconds:  # it ran before: keep its timings, note the failure
                    run.failures.append(child.error)
                else:
                    run.error = child.error
                lines.append(f"{name} failed: {child.error}, peak RSS {gb(child.peak_rss)}, {load}")
                continue
            if run.contender in RUNNERS and run.contender != "entrepot":
                if runs[0].error:
                    raise SystemExit(f"entrepot failed: {runs[0].error}")
                check(run, folder)
            if not run.seconds or child.seconds[0] < run.best:
                run.extra = child.extra  # what the best run told
            run.seconds += child.seconds
            run.cpu.append(child.extra.get("cpu", float("nan")))
            run.loads.append(child.load if child.load is not None else float("nan"))
            run.settings = child.extra.get("settings", {})
            lines.append(f"{name} {child.seconds[0]:.2f} s, peak RSS {gb(child.peak_rss)}, {load}")
        print("\n".join(lines), flush=True)
    if runs[0].error:
        raise SystemExit(f"entrepot failed: {runs[0].error}")
    if args.explain:
        for run in runs:
            if run.contender in ("entrepot", "sql"):
                argv = ["--run", run.contender, "--store", str(build.store), "--explain"]
                if args.memory_limit:
                    argv += ["--memory-limit", args.memory_limit]
                run_child(argv, folder / "explain.json", timeout=args.timeout)
        print(f"  EXPLAIN ANALYZE written to {folder}/profile-{{entrepot,sql}}.{{txt,sql}}")
    return runs


def run_once(contender: str, build: Build, args: argparse.Namespace) -> ChildResult:
    """One timed run of ``contender`` in a fresh subprocess (the full compile on a fresh
    copy of the store, removed afterwards)."""
    folder = store_dir(build.scale)
    store = build.store
    if contender == "full":
        store = folder / "full-compile.duckdb"
        for suffix in ("", ".wal"):
            source = Path(f"{build.store}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{store}{suffix}")
    argv = ["--run", contender, "--store", str(store)]
    if args.memory_limit:
        argv += ["--memory-limit", args.memory_limit]
    cap = int(args.pandas_max_gb * 1e9) if contender == "pandas" else None
    try:
        return run_child(argv, folder / f"{contender}.json", timeout=args.timeout, max_bytes=cap)
    finally:
        if contender == "full":
            for suffix in ("", ".wal"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)


def check(run: Runs, folder: Path) -> None:
    """Stop unless ``run``'s series match entrepot's (this round's) to :data:`TOLERANCE`."""
    reference = pd.read_parquet(folder / "entrepot.parquet")
    theirs = pd.read_parquet(folder / f"{run.contender}.parquet")
    try:
        difference = max_relative_difference(reference, theirs)
    except AssertionError as exc:
        raise SystemExit(
            f"{CONTENDERS[run.contender]}'s series differ from entrepot's: {exc}"
        ) from None
    if difference > TOLERANCE:
        raise SystemExit(
            f"{CONTENDERS[run.contender]}'s series differ from entrepot's by {difference:.3g} "
            f"(relative, worst of {', '.join(COMPARED)}), more than {TOLERANCE:g}: "
            "no timing is reported"
        )
    run.difference = max(run.difference or 0.0, difference)
    run.rows = len(reference)


def print_table(runs: Sequence[Runs], repeat: int) -> None:
    header = (
        f"{'contender':<12} {'rows':>12} {'seconds':>8} {'CPU s':>7} {'load':>5} "
        f"{'peak RSS':>9} {'ratio vs entrepot':>17} {'max rel diff':>12}  runs (s)"
    )
    print(header)
    print("-" * len(header))
    entrepot = {r.build.scale: r for r in runs if r.contender == "entrepot"}
    for run in runs:
        name = CONTENDERS[run.contender]
        if run.error:
            print(
                f"{name:<12} {run.build.cells:>12,} {'—':>8} {'—':>7} {'—':>5} "
                f"{gb(run.peak_rss):>9}  {run.error}"
            )
            continue
        ratio = run.best / entrepot[run.build.scale].best
        best = run.seconds.index(run.best)
        diff = "—" if run.difference is None else f"{run.difference:.1e}"
        print(
            f"{name:<12} {run.build.cells:>12,} {run.best:>8.2f} {run.cpu[best]:>7.1f} "
            f"{run.loads[best]:>5.1f} {gb(run.peak_rss):>9} {ratio:>16.2f}× {diff:>12}  "
            + " ".join(f"{s:.2f}" for s in run.seconds)
        )
        if run.failures:
            print(
                f"{'':<12} failed in {len(run.failures)} of {repeat} rounds after succeeding: "
                + run.failures[0].splitlines()[0][:200]
            )
    print(
        f"seconds: best of {repeat} wall-clock runs, each a fresh process; CPU s and load: "
        "that run's user + system CPU time (all threads) and the machine's mean 1-minute load "
        "average while it ran (the run itself included); peak RSS: the largest over the runs; "
        "ratio: the contender's seconds ÷ entrepot's (total breakdown) at the same size; "
        "GB = 10⁹ bytes"
    )
    for run in runs:
        if run.contender == "full" and run.extra:
            x = run.extra
            print(
                f"full compile: compile_store with its defaults (every breakdown, fences, "
                f"class-mean imputation, diagnostics, stored) on a copy of the store: "
                f"{x.get('breakdowns')} breakdowns, {x.get('series_rows'):,} series rows, "
                f"{x.get('trimmed'):,} relatives trimmed, reference year "
                f"{x.get('reference_year')}. Steps of the best run (seconds, the process's "
                "peak RSS at the step's end): "
                + ", ".join(f"{n} {s:.1f} s ({gb(p)})" for n, s, p in x.get("steps", []))
            )


def full_peak_target(rows: int) -> float:
    """The full compile's peak RSS target (bytes) at ``rows`` rows."""
    return next(peak for most, peak in FULL_PEAK if rows <= most)


def print_targets(runs: Sequence[Runs], pandas_cap_gb: float) -> None:
    ok = {True: "met", False: "MISSED"}
    entrepot = {r.build.scale: r for r in runs if r.contender == "entrepot"}
    pandas_ok = [r for r in runs if r.contender == "pandas" and not r.error]
    for run in runs:
        base = entrepot[run.build.scale]
        size = f"{run.build.cells:,} rows"
        if run.error:
            if run.contender == "pandas":
                estimate = ""
                if pandas_ok:
                    done = pandas_ok[0]
                    need = done.peak_rss * run.build.cells / done.build.cells
                    estimate = (
                        f"; it peaked at {gb(done.peak_rss)} on {done.build.cells:,} rows, "
                        f"so about {gb(need)} here if memory grows with rows"
                    )
                print(
                    f"  {size}: pandas failed under its {pandas_cap_gb:g} GB address-space cap "
                    f"({run.error}){estimate}"
                )
            elif run.contender == "full":
                print(f"  {size}: full compile failed ({run.error}): MISSED")
            continue
        if run.contender == "entrepot":
            met = run.peak_rss <= 4e9
            peak = f"{run.peak_rss / 1e9:.3f} GB"
            print(f"  {size}: entrepot peak RSS {peak} (target ≤ 4 GB): {ok[met]}")
        elif run.contender == "sql":
            ratio = base.best / run.best
            print(
                f"  {size}: entrepot ÷ hand SQL = {ratio:.2f}× (target ≤ 1.5×): {ok[ratio <= 1.5]}"
            )
        elif run.contender == "pandas":
            ratio = run.best / base.best
            print(f"  {size}: pandas ÷ entrepot = {ratio:.2f}× (target ≥ 5×): {ok[ratio >= 5]}")
        else:
            ratio = run.best / base.best
            print(
                f"  {size}: full compile ÷ entrepot total-only = {ratio:.2f}× "
                f"(target ≤ {FULL_RATIO:g}×): {ok[ratio <= FULL_RATIO]}"
            )
            target = full_peak_target(run.build.cells)
            print(
                f"  {size}: full compile peak RSS {run.peak_rss / 1e9:.3f} GB "
                f"(target ≤ {target / 1e9:g} GB): {ok[run.peak_rss <= target]}"
            )


def describe(build: Build) -> str:
    rate = build.cells / build.ingest_s / 1e6
    return (
        f"store {build.store} (scale {build.scale:g}): {build.records:,} records → "
        f"{build.cells:,} cells; sample generated in {build.generate_s:.1f} s (peak RSS "
        f"{gb(build.generate_peak_rss)}); ingested in "
        f"{build.ingest_s:.1f} s = {rate:.2f} M rows/s (peak RSS {gb(build.ingest_peak_rss)}, "
        f"DuckDB memory_limit {build.ingest_memory_limit}, load average "
        f"{build.ingest_load if build.ingest_load is not None else float('nan'):.1f}; "
        f"entrepot {build.code})"
    )


def code_version() -> str:
    """entrepot's commit, and the source files changed since (others edit as we measure)."""
    root = Path(__file__).resolve().parent.parent

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=root, capture_output=True, text=True)
        return done.stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "src").splitlines()]
    return commit + (f" + uncommitted {', '.join(changed)}" if changed else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--rows", default="20M", help="20M, 100M or a row count (default 20M)")
    size.add_argument("--scale", type=float, help="the sample's scale (1 ≈ 1.07 M rows)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of timed runs (default 1)")
    parser.add_argument(
        "--contenders",
        default="entrepot,sql,pandas",
        help="which to run, comma-separated (entrepot always runs: it is the reference)",
    )
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--pandas-fallback",
        default="20M",
        help="size at which to compare pandas if it fails at the one asked for (default 20M)",
    )
    parser.add_argument(
        "--pandas-max-gb",
        type=float,
        default=16.0,
        help="address-space cap of the pandas subprocess, GB (default 16)",
    )
    parser.add_argument(
        "--memory-limit",
        help="DuckDB memory_limit for every contender's connection, or 'duckdb' for DuckDB's "
        "own default (80%% of RAM); default: what entrepot's Store sets",
    )
    parser.add_argument("--timeout", type=float, default=1200.0, help="per run, seconds")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached store")
    parser.add_argument("--build-only", action="store_true", help="build the store and stop")
    parser.add_argument("--explain", action="store_true", help="also profile the two queries")
    parser.add_argument(
        "--full",
        action="store_true",
        help="also time compile_store with its defaults (every breakdown) on a copy of the store",
    )
    # The subprocess side (the script runs itself).
    parser.add_argument(
        "--run", choices=("generate", "ingest", "full", *RUNNERS), help=argparse.SUPPRESS
    )
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = args.scale if args.scale is not None else parse_rows(args.rows)
    if args.run:
        args.scale = scale
        return run_worker(args)

    build = ensure_store(scale, args.rebuild)
    print(describe(build))
    if args.build_only:
        return 0
    code = code_version()
    wanted = {name.strip() for name in args.contenders.split(",")} - {"entrepot"}
    if args.skip_pandas:
        wanted.discard("pandas")
    unknown = wanted - set(RUNNERS)
    if unknown:
        parser.error(
            f"unknown contenders {', '.join(sorted(unknown))}; known: {', '.join(RUNNERS)}"
        )
    names = ["entrepot", *[n for n in RUNNERS if n in wanted]]
    runs = contest(names, build, args, full=args.full)
    fallback = parse_rows(args.pandas_fallback)
    if any(r.contender == "pandas" and r.error for r in runs) and fallback < scale:
        small = ensure_store(fallback)
        print(f"pandas failed at {build.cells:,} rows; comparing it at {small.cells:,} rows")
        print(describe(small))
        runs += contest(["entrepot", "pandas"], small, args)
    settings = runs[0].settings
    print()
    print(
        f"Index compile, total breakdown (4 measures), Fisher, reference year {REFERENCE_YEAR}, "
        f"annual overlap, bounds {LOW:g}..{HIGH:g} only, unmatched cells excluded; "
        f"DuckDB {duckdb.__version__}, threads={settings.get('threads')}, "
        f"memory_limit={settings.get('memory_limit')}; {os.cpu_count()} cores; "
        f"entrepot {code}"
    )
    if code_version() != code:
        print(f"(entrepot changed during the run: now {code_version()})")
    print_table(runs, args.repeat)
    compared = [r for r in runs if r.difference is not None]
    if compared:
        rows = sorted({r.rows for r in compared})
        print(
            f"Every contender's series match entrepot's in every round to ≤ {TOLERANCE:g} "
            f"relative, nulls in the same places ({', '.join(COMPARED)}; "
            f"{' and '.join(map(str, rows))} rows per size)."
        )
    print_targets(runs, args.pandas_max_gb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
