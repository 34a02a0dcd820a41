"""Ingest throughput: `entrepot ingest` of N rows, against baselines in this process.

Baselines, each reading the same file and grouping it into cells with no checks: bare
DuckDB SQL (``read_csv``/``read_parquet`` … ``GROUP BY`` into a table), once with DuckDB's
own memory limit and once with the store's (``ENTREPOT_MEMORY_LIMIT``, 2 GB by default);
pandas reading and grouping (left out with ``--baselines``, as at 100 M rows it does not
fit in memory). Prints seconds, rows/s, the peak resident memory of this process during
each step (sampled every 0.05 s) and the ratios.

The records are random (5,000 commodities × 100 partners × 5 modes × 3 flows × 24
months), so nearly every row is a cell of its own: the hardest case for grouping. They
have no consignment, origin or net weight column, as many files have none.

    python bench/ingest_rate.py [--rows 2M] [--format csv|parquet]
                                [--baselines duckdb,duckdb-limited,pandas] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from entrepot.ingest import ingest
from entrepot.store import DEFAULT_MEMORY_LIMIT, MEMORY_ENV, Store

CHUNK = 5_000_000
BASELINES = ("duckdb", "duckdb-limited", "pandas")


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


def write_records(path: Path, rows: int, fmt: str) -> None:
    """``rows`` random records in ``path``, written a chunk at a time (the same commodities
    in every chunk: the first chunk's seed draws them)."""
    first = make_records(min(rows, CHUNK))
    codes = pa.array(np.unique(first.column("commodity").to_numpy(zero_copy_only=False)))
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    done = 0
    for i, start in enumerate(range(0, rows, CHUNK)):
        part = first if i == 0 else make_records(min(CHUNK, rows - start), seed=1 + i)
        if i:  # draw the commodities from the first chunk's list
            rng = np.random.default_rng(100 + i)
            pick = pa.array(rng.integers(0, len(codes), part.num_rows))
            part = part.set_column(2, "commodity", codes.take(pick))
        if writer is None:
            writer = (
                pq.ParquetWriter(path, part.schema)
                if fmt == "parquet"
                else pacsv.CSVWriter(path, part.schema)
            )
        writer.write_table(part)
        done += part.num_rows
    assert writer is not None and done == rows
    writer.close()


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def timed(label: str, rows: int, fn: Callable[[], None]) -> float:
    """Run ``fn``; print its time, rate and the peak memory of this process meanwhile."""
    peak = [rss()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    print(
        f"{label:<40} {seconds:7.2f} s  {rows / seconds / 1e6:6.2f} M rows/s  "
        f"peak {peak[0] / 1e9:5.2f} GB",
        flush=True,
    )
    return seconds


def rows_option(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=rows_option, default=2_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--baselines", default=",".join(BASELINES))
    parser.add_argument("--dir", type=Path, default=None, help="where the files go")
    args = parser.parse_args()
    baselines = [b.strip() for b in args.baselines.split(",") if b.strip()]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        src = Path(tmp) / f"records.{args.format}"
        write_records(src, args.rows, args.format)
        mb = src.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {mb:,.0f} MB of {args.format}", flush=True)
        reader = "read_csv" if args.format == "csv" else "read_parquet"

        def run_entrepot() -> None:
            with Store(Path(tmp) / "entrepot.duckdb") as store:
                report = ingest(store, [src])
                assert report.rows_stored == args.rows

        def run_duckdb(config: dict[str, str]) -> None:
            con = duckdb.connect(str(Path(tmp) / "bare.duckdb"), config=config)
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

        t = timed("entrepot ingest (checked, audited)", args.rows, run_entrepot)
        ratios = []
        if "duckdb" in baselines:
            bare = timed("bare DuckDB SQL (no checks)", args.rows, lambda: run_duckdb({}))
            ratios.append(f"entrepot / bare DuckDB = {t / bare:.2f}x")
        if "duckdb-limited" in baselines:
            limit = os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT
            limited = timed(
                f"bare DuckDB SQL, {limit} limit",
                args.rows,
                lambda: run_duckdb({"memory_limit": limit}),
            )
            ratios.append(f"entrepot / bare DuckDB at the store's limit = {t / limited:.2f}x")
        if "pandas" in baselines:
            t_pandas = timed("pandas read + groupby (no checks)", args.rows, run_pandas)
            ratios.append(f"pandas / entrepot = {t_pandas / t:.2f}x")
        print("ratios: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
