"""Which backend for which size: the same commands on DuckDB (over the store, and over the
cells as a Parquet dataset) and on Spark ``local[2]`` over the dataset, timed, with the peak
memory of every process each one starts (the JVM's included).

The store is the one ``bench/compile.py`` caches (``--rows 20M``: ``bench/out/scale-18.8``,
made with ``python bench/compile.py --rows 20M --build-only`` when absent); the dataset is
exported from it once (``entrepot export cells``, timed). Each step is the command line in a
subprocess, as users run it:

* ``summary --period 2025-12 --json`` (the month and the year to date), checked equal to the
  store's on every backend;
* ``compile --breakdowns total`` (the relatives of every cell, trimmed, imputed, chained),
  its series checked against DuckDB's over the store to 1e-9.

Peak memory is the largest sum, sampled every 0.2 s, of the resident memory of the command
and all its descendants (on Spark: the Python driver and the JVM it starts). DuckDB runs
under entrepot's memory limit (``ENTREPOT_MEMORY_LIMIT``, 2 GB by default) and spills
beyond it; Spark's driver gets ``--spark-driver-memory`` (4g).

    python bench/scale.py [--scale 18.8] [--backends duckdb-store,duckdb-dataset,spark]
                          [--steps summary,compile] [--spark-driver-memory 4g]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"
ENTREPOT = Path(sys.executable).with_name("entrepot")
BACKENDS = ("duckdb-store", "duckdb-dataset", "spark")
STEPS = ("summary", "compile")
COMPARED = ("value", "price_index", "volume_index", "value_yoy_pct", "price_yoy_pct",
            "volume_yoy_pct")  # fmt: skip


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent, pages = int(fields[1]), int(fields[21])
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run(args: list[str], stdout: Path | None = None) -> tuple[float, int]:
    """``entrepot ARGS`` to the end: wall seconds and the peak memory of its process tree."""
    out = open(stdout, "w") if stdout else subprocess.DEVNULL  # noqa: SIM115
    start = time.perf_counter()
    process = subprocess.Popen([str(ENTREPOT), *args], stdout=out, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if stdout:
        out.close()  # type: ignore[union-attr]
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"entrepot {' '.join(args)} failed: {error[-2000:]}")
    return seconds, peak


def series(store: Path) -> dict[tuple[str, int], tuple[float, ...]]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            f"SELECT measure, period, {', '.join(COMPARED)} FROM index_series "
            "WHERE breakdown = 'total' AND key = 'total'"
        ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def same_series(left: Path, right: Path) -> float:
    """The largest relative difference between two compilations' total series."""
    a, b = series(left), series(right)
    if a.keys() != b.keys():
        sys.exit(f"{left} and {right} hold different series")
    worst = 0.0
    for key, values in a.items():
        for x, y in zip(values, b[key], strict=True):
            if (x is None) != (y is None):
                sys.exit(f"{key}: {x} against {y}")
            if x is not None and y is not None and not (math.isnan(x) and math.isnan(y)):
                worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="18.8")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--spark-driver-memory", default="4g")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    steps = [s for s in args.steps.split(",") if s]
    store = OUT / f"scale-{args.scale}" / "entrepot.duckdb"
    if not store.exists():
        sys.exit(f"{store} is missing: python bench/compile.py --scale {args.scale} --build-only")
    with duckdb.connect(str(store), read_only=True) as con:
        cells = con.execute("SELECT count(*) FROM cells").fetchone()[0]  # type: ignore[index]
    on = {
        "duckdb-store": ["--store", str(store)],
        "duckdb-dataset": [],
        "spark": ["--backend", "spark", "--spark-master", "local[2]",
                  "--spark-conf", f"spark.driver.memory={args.spark_driver_memory}"],
    }  # fmt: skip
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        work = Path(tmp)
        dataset = work / "dataset"
        seconds, peak = run(["--store", str(store), "export", "cells", "--to", str(dataset)])
        print(
            f"{cells:,} cells; exported as a dataset in {seconds:.1f} s (peak {peak / 1e9:.2f} GB)"
        )
        for name in ("duckdb-dataset", "spark"):
            on[name] += ["--dataset", str(dataset)]
        results: dict[tuple[str, str], tuple[float, int, str]] = {}
        expected = work / "store-summary.json"
        for backend in backends:
            for step in steps:
                if step == "summary":
                    out = work / f"{backend}-summary.json"
                    seconds, peak = run(
                        [*on[backend], "summary", "--period", "2025-12", "--json"], out
                    )
                    if backend == "duckdb-store":
                        shutil.copy(out, expected)
                    check = (
                        "same"
                        if expected.exists()
                        and json.loads(out.read_text()) == json.loads(expected.read_text())
                        else "DIFFERENT"
                    )
                else:
                    target = work / f"{backend}-series.duckdb"
                    if backend == "duckdb-store":  # into a copy: the cached store is kept
                        shutil.copy(store, target)
                        command = ["--store", str(target)]
                    else:  # the dataset's cells, the series into their own store
                        command = [*on[backend], "--store", str(target)]
                    seconds, peak = run([*command, "compile", "--breakdowns", "total"])
                    reference = work / "duckdb-store-series.duckdb"
                    check = (
                        f"max rel diff {same_series(target, reference):.1e}"
                        if reference.exists() and backend != "duckdb-store" else "reference"
                    )  # fmt: skip
                results[backend, step] = (seconds, peak, check)
                print(f"  {backend:<15} {step:<8} {seconds:8.1f} s  peak {peak / 1e9:5.2f} GB  {check}",
                      flush=True)  # fmt: skip
    print()
    print(
        f"{'backend':<15} {'step':<8} {'seconds':>8} {'× DuckDB store':>15} {'peak GB':>8}  check"
    )
    for (backend, step), (seconds, peak, check) in results.items():
        base = results.get(("duckdb-store", step))
        ratio = f"{seconds / base[0]:.1f}×" if base else "–"
        print(f"{backend:<15} {step:<8} {seconds:8.1f} {ratio:>15} {peak / 1e9:8.2f}  {check}")
    print(
        "peak: the largest resident memory of the command's whole process tree (Python and, "
        "on Spark, the JVM), sampled every 0.2 s; GB = 10⁹ bytes."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
