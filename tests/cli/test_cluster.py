"""A real Spark standalone cluster on 127.0.0.1 — a master and two workers started from the
pyspark package's own ``spark-class`` — computing from a partitioned dataset what DuckDB
computes from the store it came from."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ok
from .test_datasets import same_series, series_of

pytestmark = [pytest.mark.spark, pytest.mark.slow]

STARTUP = 120.0
"""Seconds the master and workers may take to come up on a busy two-core machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    pyspark = pytest.importorskip("pyspark")
    return Path(pyspark.__file__).parent


def wait_for(log: Path, text: str, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if log.exists() and log.read_text(errors="replace").count(text) >= count:
            return
        if process.poll() is not None:
            raise RuntimeError(f"{log.name} stopped: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"no {text!r} ×{count} in {log} after {STARTUP:.0f} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``spark://127.0.0.1:PORT`` with two workers of one core and 1 GB each."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    home = spark_home()
    logs = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_PUBLIC_DNS": "127.0.0.1",
        "SPARK_LOG_DIR": str(logs),
        "PYSPARK_PYTHON": sys.executable,
    }
    port = free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = logs / f"{name}.log"
        process = subprocess.Popen(
            [spark_class, *args],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole at the end
        )
        processes.append(process)
        return process, log

    try:
        master, master_log = start(
            "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
            "--port", str(port), "--webui-port", str(free_port()),
        )  # fmt: skip
        wait_for(master_log, "I have been elected leader", 1, master)
        for n in (1, 2):
            work = logs / f"work-{n}"
            work.mkdir()
            start(
                f"worker-{n}", "org.apache.spark.deploy.worker.Worker", url, "--host",
                "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", str(work),
                "--webui-port", str(free_port()),
            )  # fmt: skip
        wait_for(master_log, "Registering worker", 2, master)
        yield url
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


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
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
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
    # The total breakdown: Spark plans each breakdown's many stages on the driver, which
    # takes minutes on a two-core machine; the others are checked on local Spark and DuckDB.
    entrepot(
        *on_cluster(cluster), "--dataset", dataset, "--store", out, "compile",
        "--breakdowns", "total",
    )  # fmt: skip
    expected = series_of(compiled_store)
    same_series(series_of(out), expected[expected.breakdown == "total"].reset_index(drop=True))
