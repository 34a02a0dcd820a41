"""``series``, ``analyse``, the filters and output formats of the query commands, and the
store's currency, through the command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from .conftest import HK, RECORDS, error_of, ok


@pytest.fixture
def store(compiled_store: Path, tmp_path: Path) -> Path:
    """A writable copy of the compiled store (seasonal adjustment stores what it makes)."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(compiled_store, path)
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_series_as_csv(compiled_store: Path) -> None:
    out = ok(
        "--store", compiled_store, "series", "--by", "partner", "--key", "USA",
        "--start", "2024-12", "--end", "2025-01", "--format", "csv",
    ).stdout  # fmt: skip
    got = rows(out)
    assert [r["period"] for r in got] == ["2024-12", "2025-01"]
    assert {r["key"] for r in got} == {"USA"} and got[0]["name"] == "United States of America"
    # Re-exports to the USA: HK$2.0 bn a month, 2.2 bn in 2025 (item A's price +20%).
    assert [float(r["value"]) for r in got] == [20 * HK, 22 * HK]
    assert float(got[1]["yoy_pct"]) == pytest.approx(10.0)


def test_series_of_a_filtered_index(compiled_store: Path) -> None:
    out = ok(
        "--store", compiled_store, "series", "--measure", "price", "--commodity", "sitc:77",
        "--start", "2025-12", "--format", "json",
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert data["filters"] == {"commodity": ["sitc:77"]}
    assert data["source"] == "compilation 1's method on the filtered cells"
    (row,) = data["rows"]
    assert row["price_index"] == pytest.approx(120.0) and row["yoy_pct"] == pytest.approx(20.0)


def test_files_in_every_format(compiled_store: Path, tmp_path: Path) -> None:
    xlsx, parquet = tmp_path / "s.xlsx", tmp_path / "s.parquet"
    common = ("--store", compiled_store, "summary", "--period", "2025-12", "--by", "partner")
    ok(*common, "--format", "xlsx", "--out", xlsx)
    ok(*common, "--format", "parquet", "--out", parquet)
    for frame in (pd.read_excel(xlsx), pd.read_parquet(parquet)):
        usa = frame.set_index("key").loc["USA"]
        assert usa.re_exports == 22 * HK and usa.re_exports_yoy_pct == pytest.approx(10.0)
    assert error_of(*common, "--format", "parquet") == (
        "error: --format parquet writes a file: name it with --out FILE."
    )
    assert error_of(*common, "--out", tmp_path / "x.csv") == (
        "error: --out needs a file format: --format csv, parquet, xlsx or json."
    )
    assert error_of(*common, "--format", "html").startswith("error: Unknown format 'html'")
    assert not (tmp_path / "x.csv").exists()


def test_filters_are_checked(compiled_store: Path) -> None:
    summary = ("--store", compiled_store, "summary", "--period", "2025-12")
    assert error_of(*summary, "--partner", "Chna") == (
        "error: Unknown partner 'Chna': not a partner code or a group of partners in the "
        "store's classifications. Did you mean CHN?"
    )
    assert error_of(*summary, "--commodity", "chips").startswith(
        "error: Commodity 'chips' is not a code prefix"
    )
    asia = json.loads(ok(*summary, "--partner", "Asia", "--json").stdout)
    assert asia["month"]["imports"]["value"] == (12 + 4) * HK
    assert asia["month"]["total_exports"]["value"] == 0.0


def test_analyse_lists_every_fact_with_its_inputs(store: Path) -> None:
    out = ok("--store", store, "analyse", "--period", "2025-12", "--json").stdout
    data = json.loads(out)
    facts = {f["id"]: f for f in data["facts"]}
    assert len(facts) == len(data["facts"])  # ids are unique
    assert data["currency"] == "HK$"
    assert facts["total_exports.value.yoy"]["value"] == pytest.approx(10.0)
    assert facts["total_exports.value"]["value"] == 22 * HK
    # Item A (SITC 77) makes all of 2025's growth: HK$2.4 bn, 10 points of 24 bn.
    growth = facts["contribution.total_exports.division.77.year"]
    assert growth["value"] == pytest.approx(24 * HK)
    assert growth["detail"]["contribution_pp"] == pytest.approx(10.0)
    assert growth["inputs"] == {
        "period": "2025-12", "flow": "total_exports", "breakdown": "division", "key": "77",
        "window": "year",
    }  # fmt: skip
    assert facts["streak.total_exports.value"]["value"] == 12
    sa = facts["sa.total_exports.value.three_on_three"]
    assert sa["detail"]["adjustment"]["method"] in ("x13", "stl")
    assert sa["detail"]["adjustment"]["cached"] is False
    # The adjustment is stored: a second run reads it back.
    again = json.loads(ok("--store", store, "analyse", "--period", "2025-12", "--json").stdout)
    (sa2,) = [f for f in again["facts"] if f["id"] == sa["id"]]
    assert sa2["detail"]["adjustment"]["cached"] is True and sa2["value"] == sa["value"]


def test_analyse_table_and_topics(compiled_store: Path) -> None:
    out = ok(
        "--store", compiled_store, "analyse", "--period", "2025-12", "--no-adjusted",
        "--topic", "streak", "--topic", "split",
    ).stdout  # fmt: skip
    assert "Streaks of year-on-year growth, 2025-12" in out
    assert "Volume and price, 2025-12" in out
    assert "Comparisons" not in out and "Seasonally adjusted" not in out
    assert error_of(
        "--store", compiled_store, "analyse", "--period", "2025-12", "--topic", "gossip"
    ).startswith("error: Unknown topic 'gossip'")


def test_a_store_keeps_its_currency(tmp_path: Path) -> None:
    path = tmp_path / "usd.duckdb"
    loaded = ok("--store", path, "ingest", "--currency", "US$", RECORDS / "small.csv").stdout
    assert "cells worth US$" in loaded
    assert "(US$)" in ok("--store", path, "summary", "--period", "2025-12").stdout
    assert error_of("--store", path, "ingest", "--currency", "HK$", RECORDS / "small.csv") == (
        f"error: Store {path} holds values in US$: data in HK$ belong in a store of their own, or convert them with --rates FILE."
    )


def test_indices_by_origin_need_origin_in_the_cell(compiled_store: Path) -> None:
    assert error_of(
        "--store", compiled_store, "indices", "--period", "2025-12", "--by", "origin"
    ) == (
        "error: Compilation 1 has no series by origin (it has total, section, division, group, "
        "chapter, partner, region, mode): compile with 'entrepot compile --cell-keys origin'."
    )


def test_indices_by_origin_when_origin_is_a_cell_key(store: Path) -> None:
    ok("--store", store, "compile", "--cell-keys", "origin")
    rows = json.loads(
        ok(
            "--store", store, "indices", "--period", "2025-12", "--by", "origin",
            "--flow", "re_exports", "--json",
        ).stdout
    )  # fmt: skip
    # The records state no origin: one key, the whole of re-exports, the same index.
    (row,) = rows
    assert (row["key"], row["name"], row["value"]) == ("not stated", "not stated", 22 * HK)
    total = json.loads(
        ok(
            "--store", store, "indices", "--period", "2025-12", "--flow", "re_exports", "--json"
        ).stdout
    )[0]
    assert row["price_index"] == pytest.approx(total["price_index"], rel=1e-12)
