"""What keeping every load's cells costs: store size and compile time with and without history.

A store never deletes: what a replace or an amendment removes moves to ``cells_archive``, so
that ``entrepot revert`` and ``--as-of`` can bring it back. This benchmark measures what that
costs on the 20 M-row sample that ``bench/compile.py`` caches (``bench/out/scale-18.8``, built
with ``python bench/compile.py --rows 20M --build-only`` when absent):

* **without history**: a copy of the cached store, one load of 36 months;
* **with history**: the same copy after every month of 2025 was delivered again with each value
  revised (``ingest --mode replace --force``: 12 months, a third of the cells, archived) and a
  batch of late declarations for December appended (``ingest --mode append``).

For each it prints the store's file size (after a checkpoint), the size of the same tables
copied into a fresh file (DuckDB does not shrink a file when rows are deleted, so a replace
leaves free blocks behind that later loads reuse), and the time and peak memory
of ``entrepot compile`` as users run it (every breakdown, fences, diagnostics), then
``compile --as-of 1`` on the store with history (the compile "as first published", reading the
archive). Every step is a subprocess of the ``entrepot`` command line, timed from the outside,
its peak RSS taken from ``wait4``; ``--repeat N`` keeps each compile's best time.

    python bench/history.py [--scale 18.8] [--repeat 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"
ENTREPOT = Path(sys.executable).with_name("entrepot")
REVISION = 1.004  # each revised value, relative to the first delivery
LATE_SHARE = 0.01  # the share of December's records delivered late


def run(*args: str) -> tuple[float, int]:
    """Run ``entrepot ARGS`` to the end: its wall time (s) and peak resident memory (bytes)."""
    start = time.perf_counter()
    child = subprocess.Popen([str(ENTREPOT), *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"entrepot {' '.join(args)} failed")
    return seconds, usage.ru_maxrss * 1024


def size(store: Path) -> int:
    """The store's bytes on disk after a checkpoint (the write-ahead log folded in)."""
    with duckdb.connect(str(store)) as con:
        con.execute("CHECKPOINT")
    wal = store.with_name(store.name + ".wal")
    return store.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def compacted(store: Path) -> int:
    """The bytes of the same store copied table by table into a new file: what its tables
    hold, without the blocks that deleted rows left behind (DuckDB reuses them for later
    writes but never shrinks the file)."""
    copy = store.with_name(store.stem + "-compact.duckdb")
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{store}' AS source (READ_ONLY)")
        con.execute(f"ATTACH '{copy}' AS copy")
        con.execute("COPY FROM DATABASE source TO copy")
    nbytes = size(copy)
    copy.unlink()
    return nbytes


def archived(store: Path) -> tuple[int, int]:
    with duckdb.connect(str(store), read_only=True) as con:
        cells = con.execute("SELECT count(*) FROM cells").fetchone()
        gone = con.execute("SELECT count(*) FROM cells_archive").fetchone()
    assert cells is not None and gone is not None
    return int(cells[0]), int(gone[0])


def deliveries(records: Path, work: Path) -> tuple[Path, Path]:
    """2025 delivered again with revised values, and late declarations for December 2025."""
    revised, late = work / "revised-2025.parquet", work / "late-2025-12.parquet"
    source = f"read_parquet('{records}')"
    duckdb.sql(
        f"COPY (SELECT * REPLACE (value * {REVISION} AS value) FROM {source} "
        f"WHERE period >= '2025-01') TO '{revised}' (FORMAT parquet)"
    )
    duckdb.sql(
        f"COPY (SELECT * REPLACE (value * 0.5 AS value) FROM {source} "
        f"WHERE period = '2025-12' USING SAMPLE {LATE_SHARE * 100}% (bernoulli, 7)) "
        f"TO '{late}' (FORMAT parquet)"
    )
    return revised, late


def compile_time(store: Path, repeat: int, *extra: str) -> tuple[float, int]:
    runs = [run("--store", str(store), "compile", *extra) for _ in range(repeat)]
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="18.8", help="cached sample scale (default 18.8)")
    parser.add_argument("--repeat", type=int, default=1, help="compiles timed per store")
    parser.add_argument("--keep", action="store_true", help="keep the two stores afterwards")
    args = parser.parse_args()

    cached = OUT / f"scale-{args.scale}"
    if not (cached / "entrepot.duckdb").exists():
        sys.exit(
            f"{cached} has no store: python bench/compile.py --scale {args.scale} --build-only"
        )
    work = OUT / f"history-{args.scale}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    plain, kept = work / "plain.duckdb", work / "history.duckdb"
    shutil.copy(cached / "entrepot.duckdb", plain)
    run("--store", str(plain), "history")  # migrates an older cached store once
    shutil.copy(plain, kept)

    revised, late = deliveries(cached / "sample" / "records.parquet", work)
    replace_s, replace_peak = run(
        "--store", str(kept), "ingest", "--mode", "replace", "--force", str(revised)
    )
    append_s, _ = run("--store", str(kept), "ingest", "--mode", "append", str(late))
    cells, gone = archived(kept)
    plain_size, kept_size = size(plain), size(kept)
    plain_compact, kept_compact = compacted(plain), compacted(kept)

    plain_compile = compile_time(plain, args.repeat)
    kept_compile = compile_time(kept, args.repeat)
    first_published = compile_time(kept, args.repeat, "--as-of", "1")

    gib = 2**30
    print(f"store: {cells:,} cells; history: {gone:,} archived cells")
    print(f"revised 2025 loaded in {replace_s:.1f} s (peak {replace_peak / gib:.2f} GiB); ")
    print(f"late declarations appended in {append_s:.1f} s")
    print()
    print(f"{'':26} {'file':>10} {'compacted':>10} {'compile':>9} {'peak':>9}")
    rows = [
        ("without history", plain_size, plain_compact, *plain_compile),
        ("with history", kept_size, kept_compact, *kept_compile),
        ("with history, --as-of 1", kept_size, kept_compact, *first_published),
    ]
    for label, nbytes, compact, seconds, peak in rows:
        print(
            f"{label:26} {nbytes / gib:6.2f} GiB {compact / gib:6.2f} GiB "
            f"{seconds:7.1f} s {peak / gib:5.2f} GiB"
        )
    print()
    print(f"file with history / without: {kept_size / plain_size:.2f}×")
    print(f"tables with history / without (compacted): {kept_compact / plain_compact:.2f}×")
    print(f"compile with history / without: {kept_compile[0] / plain_compile[0]:.2f}×")
    print(
        f"compile as first published / without history: {first_published[0] / plain_compile[0]:.2f}×"
    )
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
