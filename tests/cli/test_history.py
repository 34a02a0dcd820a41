"""``entrepot ingest --mode/--force``, ``revert`` and ``--as-of`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .conftest import RECORDS, error_of, ok, run

FIX = "period,flow,commodity,partner,mode,value,quantity,unit\n2025-12,imports,85423190,CHN,land,1000,10,NO.\n"


def imports_dec(store: Path, *extra: str) -> float:
    data = json.loads(
        ok("--store", store, "summary", "--period", "2025-12", "--json", *extra).stdout
    )
    return float(data["month"]["imports"]["value"])


def test_refusal_revert_and_as_of(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    fix = tmp_path / "fix.csv"
    fix.write_text(FIX)
    ok("--store", store, "ingest", RECORDS / "small.csv")
    line = error_of("--store", store, "ingest", fix)
    assert "would shrink it from HK$3,000 to HK$1,000 (-66.7%)" in line
    assert "nothing new to load" in error_of("--store", store, "ingest", RECORDS / "small.csv")
    out = ok("--store", store, "ingest", "--force", fix).stdout
    assert "revised 2025-12 imports" in out
    assert imports_dec(store) == 1000.0
    assert imports_dec(store, "--as-of", "1") == 3000.0
    out = ok("--store", store, "revert", "2").stdout
    assert out.startswith("Load 3 reverted load 2")
    assert "revised 2025-12 imports" in out
    assert imports_dec(store) == 3000.0
    loads = json.loads(ok("--store", store, "history", "--json").stdout)["loads"]
    assert [(r["load_id"], r["mode"], r["reverts"]) for r in loads] == [
        (1, "replace", None),
        (2, "replace", None),
        (3, "revert", 2),
    ]
    assert error_of("--store", store, "revert", "2").endswith(
        "Load 2 was reverted already, by load 3."
    )
    assert error_of("--store", store, "summary", "--period", "2025-12", "--as-of", "x").endswith(
        "is neither a load id nor a date (YYYY-MM-DD or an ISO time)."
    )


def test_append_mode_and_an_unwritable_report_path(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    fix = tmp_path / "late.csv"
    fix.write_text(FIX)
    ok("--store", store, "ingest", RECORDS / "small.csv")
    ok("--store", store, "ingest", "--mode", "APPEND", fix)
    assert imports_dec(store) == 4000.0
    line = error_of(
        "--store", store, "ingest", "--rejects", tmp_path / "no" / "such" / "r.csv", fix
    )
    assert "Cannot write the reject report to" in line
    assert imports_dec(store) == 4000.0  # refused before anything was stored


def test_a_store_path_naming_a_data_file_is_refused(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text(FIX)
    before = records.read_bytes()
    line = error_of("--store", records, "ingest", RECORDS / "small.csv")
    assert line.endswith(
        f"{records} is not an entrepot store (a DuckDB file): name a .duckdb file or a new "
        "path with --store."
    )
    assert records.read_bytes() == before
    parquet = tmp_path / "records.parquet"
    pq.write_table(pa.table({"period": ["2025-12"]}), parquet)
    assert "; it is a Parquet file:" in error_of("--store", parquet, "history")


def test_ctrl_c_is_one_line_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import entrepot.ingest.load

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    store = tmp_path / "s.duckdb"
    ok("--store", store, "ingest", RECORDS / "small.csv")
    monkeypatch.setattr(entrepot.ingest.load, "_commit", interrupted)
    (tmp_path / "late.csv").write_text(FIX)
    result = run("--store", store, "ingest", "--mode", "append", tmp_path / "late.csv")
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted: nothing more was written."
    assert imports_dec(store) == 3000.0
