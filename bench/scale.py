"""Which backend for which size: the same command lines on DuckDB (over the store, over the
store under a memory limit well below the data, and over the cells as a Parquet dataset), on
Spark ``local[2]`` and on a Spark standalone cluster of two workers on 127.0.0.1, timed, with
the peak memory of every process each one uses (the JVMs' included).

The records are the synthetic sample ``bench/compile.py`` caches (``--scale 18.8``: 20.0 M
rows, ``bench/out/scale-18.8/sample``; ``--scale 107``: 100.0 M rows; made with ``python
bench/compile.py --scale S --build-only`` when absent). Each step is the command line in a
subprocess, as users run it:

* ``ingest``: the records checked and loaded into a new classified store (on DuckDB at
  entrepot's memory limit, and at ``--low-memory``), and written as a dataset
  (``ingest --to``: what the dataset backends, Spark's included, then read);
* ``summary --period 2025-12 --json``, checked equal to the store's on every backend;
* ``compile`` (every breakdown; ``--breakdowns total`` with ``--total-only``), every series
  checked against DuckDB's over the store to 1e-9.

Peak memory is the largest sum, sampled every 0.2 s, of the resident memory of the command
and all its descendants (on Spark: the Python driver and its JVM) and, on the cluster, of the
master, the workers and their executors. DuckDB runs under entrepot's memory limit
(``ENTREPOT_MEMORY_LIMIT``, 2 GB by default) and spills beyond it; Spark's driver gets
``--spark-driver-memory`` (4g), each of the cluster's two one-core workers
``--executor-memory`` (2g).

    python bench/scale.py [--scale 18.8] [--backends duckdb,duckdb-low,duckdb-dataset,
                          spark-local,spark-cluster] [--steps ingest,summary,compile]
                          [--low-memory 500MB] [--total-only] [--keep DIR]
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
from contextlib import ExitStack
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"
ENTREPOT = Path(sys.executable).with_name("entrepot")
BACKENDS = ("duckdb", "duckdb-low", "duckdb-dataset", "spark-local", "spark-cluster")
STEPS = ("ingest", "summary", "compile")
COMPARED = ("value", "price_index", "volume_index", "value_yoy_pct", "price_yoy_pct",
            "volume_yoy_pct")  # fmt: skip
TOLERANCE = 1e-9


def tree_rss(pids: tuple[int, ...]) -> int:
    """Resident bytes of ``pids`` and every process descended from them."""
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
    total, todo = 0, list(pids)
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run(
    args: list[str],
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
    also: tuple[int, ...] = (),
) -> tuple[float, int]:
    """``entrepot ARGS`` to the end: wall seconds and the peak memory of its process tree
    (and of the trees of ``also``, a cluster's processes)."""
    out = open(stdout, "w") if stdout else subprocess.DEVNULL  # noqa: SIM115
    # To a file, not a pipe: a pipe that is read only at the end fills, and a JVM writing
    # its warnings to it then waits for ever.
    errors = tempfile.TemporaryFile()  # noqa: SIM115
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(ENTREPOT), *args],
        stdout=out,
        stderr=errors,
        env={**os.environ, **(env or {})},
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss((process.pid, *also)))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if stdout:
        out.close()  # type: ignore[union-attr]
    with errors:
        if process.returncode != 0:
            errors.seek(0)
            error = errors.read().decode(errors="replace")
            sys.exit(f"entrepot {' '.join(args)} failed: {error[-2000:]}")
    return seconds, peak


def series(store: Path) -> dict[tuple[str, ...], tuple[float, ...]]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            f"SELECT breakdown, key, measure, period, {', '.join(COMPARED)} FROM index_series"
        ).fetchall()
    return {tuple(map(str, r[:4])): tuple(r[4:]) for r in rows}


def same_series(left: Path, right: Path) -> float:
    """The largest difference between two compilations' series (every breakdown), relative
    (absolute below 1); an exit if they hold different series or differ beyond
    :data:`TOLERANCE`."""
    a, b = series(left), series(right)
    if a.keys() != b.keys():
        sys.exit(f"{left} and {right} hold different series")
    worst = 0.0
    for key, values in a.items():
        for x, y in zip(values, b[key], strict=True):
            if (x is None) != (y is None):
                sys.exit(f"{key}: {x} against {y}")
            if x is not None and y is not None and not (math.isnan(x) and math.isnan(y)):
                # Relative, and absolute below 1: a rate near 0% differs in the last
                # digits of the levels it is computed from.
                worst = max(worst, abs(x - y) / max(abs(y), 1.0))
    if worst > TOLERANCE:
        sys.exit(f"{left} differs from {right} by {worst:.1e} (relative)")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="18.8")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--low-memory", default="500MB", help="duckdb-low's memory limit")
    parser.add_argument("--spark-driver-memory", default="4g")
    parser.add_argument("--executor-memory", default="2g")
    parser.add_argument("--total-only", action="store_true", help="compile --breakdowns total")
    parser.add_argument("--keep", type=Path, help="work here and keep what was made")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    steps = [s for s in args.steps.split(",") if s]
    if unknown := set(backends) - set(BACKENDS) or set(steps) - set(STEPS):
        sys.exit(f"unknown: {', '.join(sorted(unknown))}")
    sample = OUT / f"scale-{args.scale}" / "sample"
    if not (sample / "records.parquet").exists():
        sys.exit(f"{sample} is missing: python bench/compile.py --scale {args.scale} --build-only")
    rows = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{sample / 'records.parquet'}')"
    ).fetchone()[0]  # type: ignore[index]
    results: dict[tuple[str, str], tuple[float, int, str]] = {}

    def report(backend: str, step: str, seconds: float, peak: int, check: str) -> None:
        results[backend, step] = (seconds, peak, check)
        print(f"  {backend:<15} {step:<8} {seconds:8.1f} s  peak {peak / 1e9:5.2f} GB  {check}",
              flush=True)  # fmt: skip

    with ExitStack() as stack:
        if args.keep:
            work = args.keep
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=OUT)))
        print(f"{rows:,} records ({sample / 'records.parquet'}); working in {work}", flush=True)
        classified = work / "classified.duckdb"
        if not classified.exists():
            run(
                [
                    "--store",
                    str(classified),
                    "classifications",
                    "load",
                    str(sample / "classifications"),
                ]
            )
        low = {"ENTREPOT_MEMORY_LIMIT": args.low_memory}
        stores = {"duckdb": work / "duckdb.duckdb", "duckdb-low": work / "duckdb-low.duckdb"}
        dataset = work / "dataset"
        # What each backend's commands read: a store, or the dataset.
        spark = ["--backend", "spark", "--spark-conf",
                 f"spark.driver.memory={args.spark_driver_memory}"]  # fmt: skip
        on: dict[str, list[str]] = {
            "duckdb": ["--store", str(stores["duckdb"])],
            "duckdb-low": ["--store", str(stores["duckdb-low"])],
            "duckdb-dataset": ["--dataset", str(dataset)],
            "spark-local": [*spark, "--spark-master", "local[2]", "--dataset", str(dataset)],
            "spark-cluster": [*spark, "--dataset", str(dataset)],
        }
        envs = {"duckdb-low": low}
        cluster_pids: tuple[int, ...] = ()
        if "spark-cluster" in backends:
            from entrepot.standalone import DRIVER_CONF, standalone_cluster

            cluster = stack.enter_context(
                standalone_cluster(work / "cluster", workers=2, memory=args.executor_memory)
            )
            cluster_pids = cluster.pids
            conf = {**DRIVER_CONF, "spark.executor.memory": args.executor_memory,
                    "spark.cores.max": "2"}  # fmt: skip
            on["spark-cluster"] += ["--spark-master", cluster.url]
            for key, value in conf.items():
                on["spark-cluster"] += ["--spark-conf", f"{key}={value}"]
            print(f"standalone cluster at {cluster.url}: two workers of one core", flush=True)

        if "ingest" in steps:
            for backend in ("duckdb", "duckdb-low"):
                if backend not in backends:
                    continue
                stores[backend].unlink(missing_ok=True)
                shutil.copy(classified, stores[backend])
                seconds, peak = run(
                    [*on[backend], "ingest", str(sample / "records.parquet")], env=envs.get(backend)
                )
                report(backend, "ingest", seconds, peak, f"{rows / seconds / 1e6:.2f} M rows/s")
            if {"duckdb-dataset", "spark-local", "spark-cluster"} & set(backends):
                shutil.rmtree(dataset, ignore_errors=True)
                seconds, peak = run(
                    ["--store", str(classified), "ingest", "--to", str(dataset),
                     str(sample / "records.parquet")]
                )  # fmt: skip
                report("dataset", "ingest", seconds, peak, f"{rows / seconds / 1e6:.2f} M rows/s")

        expected = work / "duckdb-summary.json"
        reference = work / "duckdb-series.duckdb"
        for backend in backends:
            for step in [s for s in steps if s != "ingest"]:
                also = cluster_pids if backend == "spark-cluster" else ()
                if step == "summary":
                    out = work / f"{backend}-summary.json"
                    seconds, peak = run(
                        [*on[backend], "summary", "--period", "2025-12", "--json"],
                        out,
                        envs.get(backend),
                        also,
                    )
                    if backend == "duckdb":
                        check = "reference"
                    elif not expected.exists():
                        check = "unchecked"
                    elif json.loads(out.read_text()) == json.loads(expected.read_text()):
                        check = "same"
                    else:
                        sys.exit(f"{backend}'s summary differs from DuckDB's: {out}")
                else:
                    target = work / f"{backend}-series.duckdb"
                    target.unlink(missing_ok=True)
                    if backend.startswith("duckdb") and backend != "duckdb-dataset":
                        command = ["--store", str(target)]  # into a copy: the store is kept
                        shutil.copy(stores[backend], target)
                    else:  # the dataset's cells, the series into their own store
                        command = [*on[backend], "--store", str(target)]
                    only = ["--breakdowns", "total"] if args.total_only else []
                    seconds, peak = run(
                        [*command, "compile", *only], env=envs.get(backend), also=also
                    )
                    if backend == "duckdb":
                        check = "reference"
                    elif reference.exists():
                        check = f"max diff {same_series(target, reference):.1e}"
                    else:
                        check = "unchecked"
                report(backend, step, seconds, peak, check)

    print()
    print(f"{'backend':<15} {'step':<8} {'seconds':>8} {'× DuckDB':>9} {'peak GB':>8}  check")
    for (backend, step), (seconds, peak, check) in results.items():
        base = results.get(("duckdb", step))
        ratio = f"{seconds / base[0]:.1f}×" if base else "–"
        print(f"{backend:<15} {step:<8} {seconds:8.1f} {ratio:>9} {peak / 1e9:8.2f}  {check}")
    print(
        f"{rows:,} records; duckdb-low runs at ENTREPOT_MEMORY_LIMIT={args.low_memory}; peak: "
        "the largest resident memory of the command's whole process tree (Python and, on "
        "Spark, the JVM; on the cluster, its master, workers and executors too), sampled "
        "every 0.2 s; GB = 10⁹ bytes."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
