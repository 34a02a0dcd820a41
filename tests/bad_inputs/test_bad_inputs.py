"""``entrepot ingest`` on a corpus of bad (and tricky) inputs, one case per row of cases.csv.

Each case loads its files into a copy of a store holding tests/data/records/small.csv
(2024-12 and 2025-12, 8 rows, HK$8,220) and checks what a user would expect:

- the exit code: 0 when every row is stored, 2 when rows were rejected, 1 when the load is
  refused or a file cannot be read;
- exit 1: one line on stderr, ``error: …`` containing ``message``, no traceback, and the
  store exactly as it was;
- exit 0 or 2: rows read = rows stored + rows rejected in the new load, no rejects unless 2,
  and no (period, flow) changed but those the load stored cells in;
- exit 2: a reject of the new load with the case's rule, line and field;
- ``check``: ``SQL -> expected`` pairs separated by `` ; `` (``{load}`` is the new load's
  id), e.g. ``SELECT sum(value) FROM cells WHERE period = 202511 -> 1234.56``;
- ``xfail``: a reason, for a case the product does not handle yet (the expectation stays).

The binary files (and the text in other encodings) are written by make_binaries.py.
"""

from __future__ import annotations

import csv
import math
import shlex
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner, Result

from entrepot import Store
from entrepot.cli import app

HERE = Path(__file__).resolve().parent
SMALL = HERE.parent / "data" / "records" / "small.csv"
TABLES = ("loads", "rejects", "revisions", "cells_archive")

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    case: str
    files: str
    options: str
    exit: str
    rule: str
    line: str
    field: str
    message: str
    check: str
    xfail: str
    why: str

    def args(self) -> list[str]:
        return [*shlex.split(self.options), *(str(HERE / f) for f in self.files.split())]


def cases() -> list[pytest.ParameterSet]:
    with (HERE / "cases.csv").open(newline="", encoding="utf-8") as f:
        rows = [Case(**row) for row in csv.DictReader(f)]
    return [
        pytest.param(
            row,
            id=row.case,
            marks=[pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else [],
        )
        for row in rows
    ]


def entrepot(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "100"})


@pytest.fixture(scope="session")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh store with small.csv ingested: 2024-12 and 2025-12, 8 rows, HK$8,220."""
    path = tmp_path_factory.mktemp("bad_inputs") / "base.duckdb"
    Store(path).close()
    result = entrepot("--store", path, "ingest", SMALL)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(value) FROM cells").fetchone() == (7, 8220.0)
    return path


def first(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> Any:
    """The first column of the first row ``sql`` returns."""
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return row[0]


@dataclass(frozen=True)
class Snapshot:
    totals: dict[tuple[int, str], float]
    """Every (period, flow) total in cells."""
    counts: dict[str, int]
    """Rows of :data:`TABLES`."""
    last_load: int


def snapshot(path: Path) -> Snapshot:
    with duckdb.connect(str(path), read_only=True) as con:
        totals = {
            (period, flow): value
            for period, flow, value in con.execute(
                "SELECT period, flow::VARCHAR, sum(value) FROM cells GROUP BY ALL"
            ).fetchall()
        }
        counts = {t: first(con, f"SELECT count(*) FROM {t}") for t in TABLES}
        last = first(con, "SELECT coalesce(max(load_id), 0) FROM loads")
    return Snapshot(totals, counts, last)


def same(got: object, expected: str) -> bool:
    if isinstance(got, int | float) and not isinstance(got, bool):
        return math.isclose(float(got), float(expected), rel_tol=1e-12, abs_tol=1e-9)
    return str(got) == expected


@pytest.mark.parametrize("case", cases())
def test_bad_input(case: Case, base_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(base_store, store)
    before = snapshot(store)

    result = entrepot("--store", store, "ingest", *case.args())

    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == int(case.exit), (
        f"{case.case} ({case.why}): exit {result.exit_code}, expected {case.exit}\n{result.output}"
    )
    after = snapshot(store)

    if case.exit == "1":
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: "), result.stderr
        assert case.message in lines[0], lines[0]
        assert after == before, "a refused load changed the store"
        return

    with duckdb.connect(str(store), read_only=True) as con:
        newest = con.execute(
            "SELECT load_id, rows_read, rows_stored, rows_rejected FROM loads "
            "ORDER BY load_id DESC LIMIT 1"
        ).fetchone()
        assert newest is not None, "no load was recorded"
        load, read, stored, rejected = newest
        assert load > before.last_load, "no load was recorded"
        assert read == stored + rejected, f"{read} rows read, {stored} stored, {rejected} rejected"
        assert (rejected > 0) == (case.exit == "2"), f"{rejected} rows rejected"

        held = {
            (period, flow)
            for period, flow in con.execute(
                "SELECT DISTINCT period, flow::VARCHAR FROM cells WHERE load_id = ?", [load]
            ).fetchall()
        }
        changed = {
            key
            for key in before.totals.keys() | after.totals.keys()
            if key not in held and before.totals.get(key) != after.totals.get(key)
        }
        assert not changed, f"(period, flow)s the load does not hold changed: {sorted(changed)}"

        rejects = con.execute(
            "SELECT rule, line, field FROM rejects WHERE load_id = ?", [load]
        ).fetchall()
        if case.exit == "2":
            assert (case.rule, int(case.line), case.field) in rejects, rejects
        else:
            assert rejects == []

        for check in filter(None, (c.strip() for c in case.check.split(" ; "))):
            sql, _, expected = check.rpartition(" -> ")
            got = first(con, sql.replace("{load}", str(load)))
            assert same(got, expected.strip()), f"{sql}: {got!r}, expected {expected.strip()}"
