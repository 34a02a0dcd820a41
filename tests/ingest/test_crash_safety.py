"""A load is one transaction, also when its process dies: ``entrepot ingest`` killed with
SIGKILL at any moment leaves the store exactly as it was (or, killed after its commit,
exactly as a finished load leaves it), and the same load run again stores every row. While
a load holds the store, another process reading it is told so in one line, never shown a
traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from entrepot.ingest import ingest
from entrepot.store import Store

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data" / "records"
SMALL = DATA / "small.csv"

ROWS = 300_000
"""Rows of the generated file: enough for a load of several seconds."""

SEED = 20251
LOCKED = "is being written by another process"

# What a store holds, as counts and sums per table (timestamps left out: they differ
# between two runs of the same load).
SNAPSHOT_SQL = {
    "cells": "SELECT count(*), sum(value), sum(quantity), sum(records), "
    "count(DISTINCT load_id), count(DISTINCT period) FROM cells",
    "loads": "SELECT count(*), max(load_id), sum(rows_read), sum(rows_stored), "
    "sum(rows_rejected), sum(cells), sum(value) FROM loads",
    "rejects": "SELECT count(*), count(DISTINCT load_id) FROM rejects",
    "revisions": "SELECT count(*), max(revision_id), sum(old_value), sum(new_value), "
    "sum(old_cells), sum(new_cells) FROM revisions",
    "cells_archive": "SELECT count(*), sum(value), sum(records), max(removed_by) FROM cells_archive",
    "records": "SELECT count(*), sum(value), count(DISTINCT record_id), "
    "count(removed_by) FROM records",
    "load_files": "SELECT count(*), string_agg(sha256, ',' ORDER BY load_id), sum(bytes) "
    "FROM load_files",
}


@dataclass(frozen=True)
class BigFile:
    path: Path
    rows: int
    value: int


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> BigFile:
    """A CSV of valid records, 2025-01 to 2025-12, imports and re-exports."""
    path = tmp_path_factory.mktemp("crash") / "big.csv"
    rng = random.Random(SEED)
    partners = ("USA", "CHN", "TWN", "JPN", "DEU", "GBR", "SGP", "KOR")
    flows = ("imports", "re_exports")
    values = [rng.randrange(1, 100_000) for _ in range(ROWS)]
    lines = [
        f"2025-{rng.randrange(1, 13):02d},{rng.choice(flows)},{rng.randrange(10**7, 10**8)},"
        f"{rng.choice(partners)},{value},{rng.randrange(1, 1000)},NO.,R{i}\n"
        for i, value in enumerate(values)
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("period,flow,commodity,partner,value,quantity,unit,record_id\n")
        f.writelines(lines)
    return BigFile(path, ROWS, sum(values))


def entrepot() -> list[str]:
    """The command line that runs entrepot in a new process."""
    if importlib.util.find_spec("entrepot.__main__") is not None:
        return [sys.executable, "-m", "entrepot"]
    script = Path(sys.executable).with_name("entrepot")
    if not script.exists():
        pytest.skip(f"no entrepot script beside {sys.executable}")
    return [str(script)]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ENTREPOT_DEBUG", "ENTREPOT_STORE")}
    env["NO_COLOR"] = "1"
    return env


def start_ingest(store: Path, file: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [*entrepot(), "--store", str(store), "ingest", str(file)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(),
            cwd=store.parent,
        )


def run_ingest(store: Path, file: Path) -> tuple[int, str]:
    """Ingest ``file`` to the end: exit code and output."""
    done = subprocess.run(
        [*entrepot(), "--store", str(store), "ingest", str(file)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=store.parent,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def baseline(path: Path) -> Path:
    """A store holding one load, of small.csv."""
    with Store(path) as store:
        report = ingest(store, [SMALL])
    assert report.rows_stored == 8 and report.rows_rejected == 0
    return path


def snapshot(path: Path) -> dict[str, tuple[object, ...]]:
    """Counts and sums of every table a load writes (opening the store, as a user would)."""
    with Store(path) as store:
        return {
            table: tuple(store.con.execute(sql).fetchone()) for table, sql in SNAPSHOT_SQL.items()
        }


def load_row(path: Path, load_id: int) -> tuple[object, ...]:
    with Store(path) as store:
        return store.con.execute(
            "SELECT rows_read, rows_stored, rows_rejected, value, "
            "(SELECT sum(value) FROM cells WHERE load_id = ?) FROM loads WHERE load_id = ?",
            [load_id, load_id],
        ).fetchone()


def written(pid: int) -> int | None:
    """Bytes process ``pid`` has written so far (None where /proc cannot tell)."""
    try:
        text = Path(f"/proc/{pid}/io").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, number = line.partition(":")
        if name == "wchar":
            return int(number)
    return None


def watch(process: subprocess.Popen[bytes], until: float | None, seconds: float) -> int | None:
    """Wait until ``process`` has written ``until`` bytes (None: until it ends), or, where
    that cannot be told, for ``seconds``. Return the last count of bytes written seen."""
    started = time.monotonic()
    seen = None
    while process.poll() is None:
        now = written(process.pid)
        if now is None:
            if until is not None and time.monotonic() - started >= seconds:
                break
        else:
            seen = now
            if until is not None and now >= until:
                break
        time.sleep(0.002)
    return seen


def test_killed_load_leaves_store_as_before_and_retry_stores_everything(
    tmp_path: Path, big: BigFile
) -> None:
    store = baseline(tmp_path / "s.duckdb")
    before = snapshot(store)

    # The same load, run to its end on a copy: what it stores, how long it takes, and how
    # much it writes (so that kills can fall while it writes and commits).
    finished = tmp_path / "finished.duckdb"
    shutil.copyfile(store, finished)
    started = time.monotonic()
    process = start_ingest(finished, big.path, tmp_path / "finished.log")
    total = watch(process, None, 0)
    seconds = time.monotonic() - started
    assert process.wait(timeout=300) == 0, (tmp_path / "finished.log").read_text()
    after = snapshot(finished)
    assert after != before

    # Kill it at random moments: while it starts and reads, then at random shares of what
    # it writes (its cells, then the commit). The same store takes every kill.
    rng = random.Random(SEED)
    shares = ((0.0, 0.0), (0.05, 0.4), (0.4, 0.8), (0.8, 0.97))
    committed = False
    for attempt, (low, high) in enumerate(shares):
        log = tmp_path / f"killed-{attempt}.log"
        share = rng.uniform(low, high)
        delay = rng.uniform(0.1, 2.0) if not share else share * seconds
        process = start_ingest(store, big.path, log)
        if share and total:
            watch(process, share * total, delay)
        else:
            time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert process.returncode in (0, -signal.SIGKILL), log.read_text()
        state = snapshot(store)
        if state != before:
            # Only a load that committed before the kill (or finished) may have changed
            # the store, and then it stored all of itself.
            assert state == after, f"killed at {share:.0%} of the writes, {delay:.2f}s"
            committed = True  # a retry of a committed load is refused; nothing more to kill
            break
        assert process.returncode == -signal.SIGKILL, "the load ended but stored nothing"

    if not committed:
        code, output = run_ingest(store, big.path)
        assert code == 0, output
        assert snapshot(store) == after
    rows_read, rows_stored, rows_rejected, value, cells_value = load_row(store, 2)
    assert rows_read == rows_stored == big.rows
    assert rows_rejected == 0
    assert value == cells_value == big.value


def _open_files(pid: int) -> set[str] | None:
    """The files process ``pid`` holds open (None where /proc cannot tell)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        links = list(folder.iterdir())
    except OSError:
        return None
    found = set()
    for link in links:
        try:
            found.add(os.readlink(link))
        except OSError:
            continue
    return found


def _wait_until_open(process: subprocess.Popen[bytes], store: Path, timeout: float = 60) -> None:
    """Wait until the load holds the store file open, so holds its lock (open twice in a
    row: the store first opens the file for a moment to check what it is)."""
    target = str(store.resolve())
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline and process.poll() is None and seen < 2:
        files = _open_files(process.pid)
        if files is None:  # no /proc: give the load time to start
            time.sleep(3)
            return
        seen = seen + 1 if target in files else 0
        time.sleep(0.05)


def test_reading_during_a_load_sees_old_state_or_one_line_error(
    tmp_path: Path, big: BigFile
) -> None:
    store = baseline(tmp_path / "s.duckdb")
    writer = start_ingest(store, big.path, tmp_path / "load.log")
    stored = {1: 8, 2: big.rows}
    outcomes: list[str] = []
    try:
        _wait_until_open(writer, store)
        while writer.poll() is None and len(outcomes) < 10:
            reader = subprocess.run(
                [*entrepot(), "--store", str(store), "history", "--json"],
                capture_output=True,
                text=True,
                env=_env(),
                cwd=tmp_path,
                timeout=120,
            )
            assert "Traceback" not in reader.stderr + reader.stdout
            if reader.returncode == 0:
                # The old state, or (read once the load closed the store) all of the new.
                loads = json.loads(reader.stdout)["loads"]
                assert [row["load_id"] for row in loads] in ([1], [1, 2]), loads
                assert all(row["rows_stored"] == stored[row["load_id"]] for row in loads), loads
                outcomes.append("old state" if len(loads) == 1 else "new state")
            else:
                assert reader.returncode == 1, reader.stderr
                lines = reader.stderr.strip().splitlines()
                assert len(lines) == 1, reader.stderr
                assert lines[0].startswith("error:"), lines[0]
                assert LOCKED in lines[0], lines[0]
                outcomes.append("locked")
    finally:
        if writer.poll() is None:
            writer.wait(timeout=300)
    log = (tmp_path / "load.log").read_text()
    assert writer.returncode == 0, log
    assert {"locked", "old state"} & set(outcomes), f"no reader ran during the load: {outcomes}"
    rows_read, rows_stored, _, value, _ = load_row(store, 2)
    assert rows_read == rows_stored == big.rows
    assert value == big.value
