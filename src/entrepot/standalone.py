"""A Spark standalone cluster on this machine: a master and workers on 127.0.0.1, started
from the ``pyspark`` package's own ``spark-class`` (no Spark download). It is how the tests
and ``bench/scale.py`` run entrepot on a real cluster, and how a user tries cluster mode
before a real one (``docs/cluster.md``)::

    with standalone_cluster(Path("cluster-logs"), workers=2) as cluster:
        ...  # entrepot --backend spark --spark-master {cluster.url} ...
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import BackendError, MissingExtraError

STARTUP = 120.0
"""Seconds the master and workers may take to come up on a busy two-core machine."""

DRIVER_CONF = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
"""What a driver on this machine needs to be reachable from the cluster's executors."""


@dataclass(frozen=True)
class Cluster:
    url: str
    """``spark://127.0.0.1:PORT``, the master's."""
    pids: tuple[int, ...]
    """The master's and workers' processes (a worker's executors are its children)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    """The installed ``pyspark`` package, which carries Spark's jars and scripts."""
    try:
        import pyspark
    except ImportError as exc:
        raise MissingExtraError(
            "A Spark cluster needs PySpark: pip install 'entrepot[spark]'."
        ) from exc
    return Path(pyspark.__file__).parent


def _wait_for(log: Path, text: str, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if log.exists() and log.read_text(errors="replace").count(text) >= count:
            return
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise BackendError(f"The Spark {log.stem} stopped while starting: {tail}")
        time.sleep(0.5)
    raise BackendError(f"The Spark cluster did not start within {STARTUP:.0f} s (see {log}).")


@contextmanager
def standalone_cluster(
    logs: Path, *, workers: int = 2, cores: int = 1, memory: str = "1g"
) -> Iterator[Cluster]:
    """A :class:`Cluster` while the block runs: a master and ``workers`` workers of
    ``cores`` cores and ``memory`` each, their logs and work folders under ``logs``; every
    process is stopped at the end, whatever happened."""
    if shutil.which("java") is None:
        raise MissingExtraError("A Spark cluster needs Java 17 on the PATH.")
    home = spark_home()
    logs.mkdir(parents=True, exist_ok=True)
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
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = logs / f"{name}.log"
        process = subprocess.Popen(
            [str(home / "bin" / "spark-class"), *args],
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
        _wait_for(master_log, "I have been elected leader", 1, master)
        for n in range(1, workers + 1):
            work = logs / f"work-{n}"
            work.mkdir(exist_ok=True)
            start(
                f"worker-{n}", "org.apache.spark.deploy.worker.Worker", url, "--host",
                "127.0.0.1", "--cores", str(cores), "--memory", memory, "--work-dir",
                str(work), "--webui-port", str(free_port()),
            )  # fmt: skip
        _wait_for(master_log, "Registering worker", workers, master)
        yield Cluster(url, tuple(p.pid for p in processes))
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
