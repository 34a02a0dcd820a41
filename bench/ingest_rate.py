"""Ingest throughput: `entrepot ingest` on a CSV of N rows, against baselines in this process.

Baselines: (a) bare DuckDB SQL reading the same CSV and grouping it into cells, with no
checks; (b) pandas reading it and grouping it. Prints rows/s and ratios.

    python bench/ingest_rate.py [--rows 2000000] [--format csv|parquet]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from entrepot.ingest import ingest
from entrepot.store import Store


def make_records(n: int, seed: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    months = np.array([f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)])
    flows = np.array(["imports", "domestic_exports", "re_exports"])
    modes = np.array(["air", "land", "sea", "river", "other"])
    partners = np.array([f"P{i:02d}" for i in range(100)])
    commodities = np.char.zfill((rng.integers(1_000_000, 99_999_999, 5000)).astype(str), 8)
    value = rng.lognormal(10, 2, n).round()
    quantity = (value / rng.lognormal(3, 1, n)).round(2)
    return pa.table(
        {
            "period": months[rng.integers(0, len(months), n)],
            "flow": flows[rng.integers(0, 3, n)],
            "commodity": commodities[rng.integers(0, len(commodities), n)],
            "partner": partners[rng.integers(0, len(partners), n)],
            "mode": modes[rng.integers(0, 5, n)],
            "value": value,
            "quantity": quantity,
            "unit": np.full(n, "KG"),
        }
    )


def timed(label: str, rows: int, fn) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s  {rows / seconds / 1e6:6.2f} M rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"records.{args.format}"
        table = make_records(args.rows)
        if args.format == "csv":
            pacsv.write_csv(table, src)
        else:
            pq.write_table(table, src)
        mb = src.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {mb:,.0f} MB of {args.format}")

        def run_entrepot() -> None:
            with Store(Path(tmp) / "entrepot.duckdb") as store:
                report = ingest(store, [src])
                assert report.rows_stored == args.rows

        def run_duckdb() -> None:
            con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
            reader = "read_csv" if args.format == "csv" else "read_parquet"
            con.execute(
                f"""CREATE OR REPLACE TABLE cells AS
                SELECT CAST(replace(period, '-', '') AS INTEGER) AS period, flow, commodity,
                       partner, mode, unit, sum(value) AS value, sum(quantity) AS quantity,
                       count(*) AS records
                FROM {reader}('{src}') GROUP BY ALL"""
            )
            con.close()

        def run_pandas() -> None:
            frame = (
                pd.read_csv(src, dtype={"commodity": str})
                if args.format == "csv"
                else pd.read_parquet(src)
            )
            frame["period"] = frame["period"].str.replace("-", "").astype(int)
            frame.groupby(
                ["period", "flow", "commodity", "partner", "mode", "unit"], sort=False
            ).agg(value=("value", "sum"), quantity=("quantity", "sum"), records=("value", "size"))

        t_entrepot = timed("entrepot ingest (checked, audited)", args.rows, run_entrepot)
        t_duckdb = timed("bare DuckDB SQL (no checks)", args.rows, run_duckdb)
        t_pandas = timed("pandas read + groupby (no checks)", args.rows, run_pandas)
        print(
            f"ratios: entrepot / bare DuckDB = {t_entrepot / t_duckdb:.2f}x, "
            f"pandas / entrepot = {t_pandas / t_entrepot:.2f}x"
        )


if __name__ == "__main__":
    main()
