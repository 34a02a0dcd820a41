"""A real Spark standalone cluster on 127.0.0.1 — a master and two workers started from the
pyspark package's own ``spark-class`` — computing from a partitioned dataset what DuckDB
computes from the store it came from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from entrepot.standalone import DRIVER_CONF, standalone_cluster

from .conftest import ok
from .test_datasets import same_series, series_of

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``spark://127.0.0.1:PORT`` with two workers of one core and 1 GB each."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    pytest.importorskip("pyspark")
    with standalone_cluster(tmp_path_factory.mktemp("cluster"), workers=2) as running:
        yield running.url


def entrepot(*args: object) -> str:
    """The command line in a process of its own: its Spark driver is its own too."""
    result = subprocess.run(
        [sys.executable, "-m", "entrepot.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def on_cluster(url: str) -> tuple[str, ...]:
    conf = {
        **DRIVER_CONF,
        "spark.executor.memory": "512m",
        "spark.cores.max": "2",
    }
    options: list[str] = ["--backend", "spark", "--spark-master", url]
    for key, value in conf.items():
        options += ["--spark-conf", f"{key}={value}"]
    return tuple(options)


def test_summary_and_compile_on_the_cluster(
    cluster: str, compiled_store: Path, tmp_path: Path
) -> None:
    dataset, out = tmp_path / "ds", tmp_path / "series.duckdb"
    ok("--store", compiled_store, "export", "cells", "--to", dataset)
    args = ("summary", "--period", "2025-12", "--json")
    spark = entrepot(*on_cluster(cluster), "--dataset", dataset, *args)
    assert json.loads(spark) == json.loads(ok("--store", compiled_store, *args).stdout)
    # Every breakdown: the cells' relatives and their sums on the executors, the chaining
    # of the node sums in the driver (Backend.finisher).
    entrepot(*on_cluster(cluster), "--dataset", dataset, "--store", out, "compile")
    same_series(series_of(out), series_of(compiled_store))
