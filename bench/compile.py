"""Build step only (draft)."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"1M": 1.0, "20M": 18.0, "100M": 90.0}


def store_dir(scale: float) -> Path:
    return OUT / f"scale-{scale:g}"


def build_store(scale: float) -> dict[str, float]:
    from entrepot.classifications import load_classifications
    from entrepot.ingest import ingest
    from entrepot.sample import generate
    from entrepot.store import Store

    folder = store_dir(scale)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    result = generate(folder / "sample", scale=scale)
    generated = time.perf_counter() - start
    path = folder / "entrepot.duckdb"
    with Store(path) as store:
        load_classifications(store, [result.classifications])
        start = time.perf_counter()
        report = ingest(store, result.records)
        ingested = time.perf_counter() - start
        cells = store.count("cells")
    info = {
        "scale": scale,
        "records": result.rows,
        "rows_stored": report.rows_stored,
        "rows_rejected": report.rows_rejected,
        "cells": cells,
        "generate_s": generated,
        "ingest_s": ingested,
        "ingest_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    (folder / "build.json").write_text(json.dumps(info, indent=2))
    return info


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float)
    a = p.parse_args()
    print(build_store(a.scale))
    sys.exit(0)
