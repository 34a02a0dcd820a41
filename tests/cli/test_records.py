"""``entrepot ingest`` and ``entrepot history``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entrepot import Store
from entrepot.store import history as stored

from .conftest import RECORDS, error_of, ok, run


def test_ingest_prints_the_counts(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = ok("--store", store, "ingest", RECORDS / "small.csv")
    assert "8 rows read, 8 stored, 0 rejected; 7 cells" in result.output


def test_rejected_rows_exit_2_and_write_the_report(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    report = tmp_path / "rejects.csv"
    result = run(
        "--store",
        store,
        "ingest",
        str(RECORDS / "bad" / "unknown_flow.csv"),
        "--rejects",
        str(report),
    )
    assert result.exit_code == 2
    assert "1 row(s) rejected" in result.output
    lines = report.read_text().splitlines()
    assert lines[0] == "file,line,field,value,rule,reason"
    assert lines[1].endswith(
        'unknown_flow.csv,3,flow,exports,unknown_flow,"is not a known flow: expected one of '
        'imports, domestic_exports, re_exports"'
    )


def test_ingest_errors_are_one_line(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert error_of("--store", store, "ingest", tmp_path / "none.csv").endswith(
        "none.csv: no such file."
    )
    assert "--map 'hs_code' is not COLUMN=FIELD" in error_of(
        "--store", store, "ingest", RECORDS / "small.csv", "--map", "hs_code"
    )
    assert error_of("--store", store, "ingest", RECORDS / "small.csv", "--period", "2025-13") == (
        "error: Period 2025-13 is not a valid month (expected YYYY-MM with a month from 01 to 12)."
    )


def test_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTREPOT_STORE", str(tmp_path / "env.duckdb"))
    assert run("ingest", str(RECORDS / "small.csv")).exit_code == 0
    assert (tmp_path / "env.duckdb").exists()


def test_history_lists_loads_and_revisions(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(RECORDS / "small.csv"))
    run("--store", store, "ingest", "--force", str(RECORDS / "small.csv"))
    data = json.loads(run("--store", store, "history", "--json").stdout)
    assert [load["rows_stored"] for load in data["loads"]] == [8, 8]
    assert {(r["period"], r["flow"]) for r in data["revisions"]} == {
        (202412, "re_exports"),
        (202412, "domestic_exports"),
        (202412, "imports"),
        (202512, "re_exports"),
        (202512, "domestic_exports"),
        (202512, "imports"),
    }


LOAD_KEYS = {
    "load_id": int,
    "finished": str,
    "mode": str,
    "reverts": type(None),
    "files": str,
    "rows_read": int,
    "rows_stored": int,
    "rows_rejected": int,
    "value": float,
}
REVISION_KEYS = {
    "revision_id": int,
    "load_id": int,
    "period": int,
    "flow": str,
    "revised_at": str,
    "old_value": float,
    "new_value": float,
}


def test_history_json_shape_matches_the_store(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ok("--store", store, "ingest", RECORDS / "small.csv")
    ok("--store", store, "ingest", "--force", RECORDS / "small.csv")
    data = json.loads(ok("--store", store, "history", "--json").stdout)
    assert set(data) == {"loads", "revisions"}
    for rows, keys in ((data["loads"], LOAD_KEYS), (data["revisions"], REVISION_KEYS)):
        assert rows
        for row in rows:
            assert set(row) == set(keys)
            for key, kind in keys.items():
                assert isinstance(row[key], kind), (key, row[key])
    with Store(store, read_only=True) as opened:
        loads, revisions = stored.loads(opened), stored.revisions(opened)
    assert [r["load_id"] for r in data["loads"]] == list(loads.load_id)
    assert [r["value"] for r in data["loads"]] == list(loads.value) == [8220.0, 8220.0]
    assert [r["rows_read"] for r in data["loads"]] == [8, 8]
    assert "small.csv" in data["loads"][0]["files"]
    assert [(r["old_value"], r["new_value"]) for r in data["revisions"]] == list(
        zip(revisions.old_value, revisions.new_value, strict=True)
    )
    by_month = {(r["period"], r["flow"]): r for r in data["revisions"]}
    # 2025-12 imports: 2,100 + 900, replaced by the same.
    assert (by_month[202512, "imports"]["old_value"], by_month[202512, "imports"]["new_value"]) == (
        3000.0,
        3000.0,
    )
    assert all(r["load_id"] == 2 for r in data["revisions"])


def test_history_table(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ok("--store", store, "ingest", RECORDS / "small.csv")
    ok("--store", store, "ingest", "--force", RECORDS / "small.csv")
    out = ok("--store", store, "history").stdout
    # A long checkout path wraps the files column; the figures stay on each row's first line.
    rows = [line.split("│") for line in out.splitlines() if line.startswith("│ ")]
    loads = [[c.strip() for c in row[1:-1]] for row in rows if row[1].strip() in ("1", "2")]
    assert [row[0] for row in loads[:2]] == ["1", "2"]
    assert all(row[2] == "replace" and row[-4:] == ["8", "8", "0", "0.0 mn"] for row in loads[:2])
    assert "small" in out
    assert "Revisions" in out and "2025-12" in out
