"""``entrepot summary``: the month and the year to date, and breakdowns."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from entrepot import Period, Store, breakdown, duckdb_backend, summary
from entrepot.schema import MEASURES

from .conftest import error_of, ok, run, usage_error


def test_ingest_then_summary_json(small_store: Path) -> None:
    data = json.loads(ok("--store", small_store, "summary", "--period", "2025-12", "--json").stdout)
    assert data["period"] == "2025-12"
    assert set(data["month"]) == {
        "total_exports",
        "domestic_exports",
        "re_exports",
        "imports",
        "balance",
    }
    assert data["month"]["total_exports"] == {
        "value": 2020.0,
        "yoy_pct": pytest.approx((2020 / 1700 - 1) * 100, rel=1e-12),
    }
    assert data["month"]["balance"] == {
        "value": -980.0,
        "pct_of_imports": pytest.approx(-980 / 3000 * 100, rel=1e-12),
    }
    assert data["year_to_date"]["imports"]["value"] == 3000.0


def test_summary_table_and_breakdown(small_store: Path) -> None:
    result = ok("--store", small_store, "summary", "--period", "2025-12")
    assert re.search(r"Total exports\s+│\s+0\.0 mn\s+│\s+\+18\.8%", result.output), result.output
    result = ok("--store", small_store, "summary", "--period", "2025-12", "--by", "mode", "--json")
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert rows["air"]["month"]["re_exports"] == {"value": 1800.0, "yoy_pct": pytest.approx(20.0)}


def test_summary_table_in_billions(filled_store: Path) -> None:
    out = ok("--store", filled_store, "summary", "--period", "2025-12").stdout
    lines = {line.split("│")[1].strip(): line.split("│")[2:6] for line in out.splitlines()[4:-1]}
    cells = {k: [c.strip() for c in v] for k, v in lines.items()}
    # Re-exports 2.2 bn a month in 2025 against 2.0 bn; imports 1.6 bn a month, 9.2 bn in
    # 2025-06 (item B at 20 times its price): 26.8 bn in 2025 against 19.2 bn.
    assert cells["Total exports"] == ["2.2 bn", "+10.0%", "26.4 bn", "+10.0%"]
    assert cells["Re-exports"] == ["2.2 bn", "+10.0%", "26.4 bn", "+10.0%"]
    assert cells["Domestic exports"] == ["0.0 mn", "–", "0.0 mn", "–"]
    assert cells["Imports"] == ["1.6 bn", "+0.0%", "26.8 bn", "+39.6%"]
    assert cells["Visible trade balance"] == ["600.0 mn", "", "-400.0 mn", ""]
    assert cells["as % of imports"] == ["37.5%", "", "-1.5%", ""]


def test_summary_errors_are_one_line(small_store: Path, tmp_path: Path) -> None:
    assert error_of("--store", small_store, "summary", "--period", "2025-13") == (
        "error: Period 2025-13 is not a valid month (expected YYYY-MM with a month from 01 to 12)."
    )
    assert "it holds 2024-12 to 2025-12" in error_of(
        "--store", small_store, "summary", "--period", "2026-01"
    )
    assert error_of("--store", small_store, "summary", "--period", "2025-12", "--by", "hs") == (
        "error: Unknown breakdown 'hs'; choose one of total, section, division, group, chapter, "
        "partner, region, origin, mode."
    )
    assert (
        error_of("--store", small_store, "summary", "--period", "2025-12", "--backend", "polars")
        == "error: Unknown backend 'polars'; choose one of duckdb, spark."
    )
    missing = error_of("--store", tmp_path / "none.duckdb", "summary", "--period", "2025-12")
    assert "none.duckdb does not exist" in missing
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.parametrize("top", ["0", "-1"])
def test_top_must_be_positive(small_store: Path, top: str) -> None:
    result = run(
        "--store", small_store, "summary", "--period", "2025-12", "--by", "mode", "--top", top
    )
    assert "Invalid value for '--top'" in usage_error(result)


def test_top_limits_the_rows(sample_store: Path, narrow: int) -> None:
    out = ok(
        "--store", sample_store, "summary", "--period", "2025-12", "--by", "partner", "--top", "3"
    )
    body = [line for line in out.stdout.splitlines() if line.startswith("│")]
    assert len(body) == 3
    assert "(HK$; 3 of " in out.stdout


def _shape_of_figures(figures: dict[str, Any]) -> None:
    assert set(figures) == {*MEASURES, "balance"}
    for measure in MEASURES:
        assert set(figures[measure]) == {"value", "yoy_pct"}
        assert isinstance(figures[measure]["value"], float)
        assert figures[measure]["yoy_pct"] is None or isinstance(figures[measure]["yoy_pct"], float)
    assert set(figures["balance"]) == {"value", "pct_of_imports"}
    assert isinstance(figures["balance"]["value"], float)
    pct = figures["balance"]["pct_of_imports"]
    assert pct is None or isinstance(pct, float)


def test_summary_json_is_the_library_result(sample_store: Path) -> None:
    data = json.loads(
        ok("--store", sample_store, "summary", "--period", "2025-12", "--json").stdout
    )
    assert set(data) == {"period", "month", "year_to_date"}
    assert data["period"] == "2025-12"
    _shape_of_figures(data["month"])
    _shape_of_figures(data["year_to_date"])
    with Store(sample_store, read_only=True) as store:
        expected = summary(duckdb_backend(store), Period(2025, 12))
    assert data == expected.as_dict()
    month = data["month"]
    assert month["total_exports"]["value"] == pytest.approx(
        month["domestic_exports"]["value"] + month["re_exports"]["value"], rel=1e-12
    )
    assert month["balance"]["value"] == pytest.approx(
        month["total_exports"]["value"] - month["imports"]["value"], rel=1e-12
    )


def test_summary_by_json_is_the_library_result(sample_store: Path) -> None:
    result = ok(
        "--store", sample_store, "summary", "--period", "2025-12", "--by", "region", "--json"
    )
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data
    for row in data:
        assert set(row) == {"key", "name", "month", "year_to_date"}
        assert isinstance(row["key"], str) and isinstance(row["name"], str)
        _shape_of_figures(row["month"])
        _shape_of_figures(row["year_to_date"])
    with Store(sample_store, read_only=True) as store:
        expected = breakdown(duckdb_backend(store), Period(2025, 12), "region")
    assert data == [r.as_dict() for r in expected]
    # The regions add up to the whole (every partner has a region).
    whole = json.loads(
        ok("--store", sample_store, "summary", "--period", "2025-12", "--json").stdout
    )
    for measure in MEASURES:
        assert sum(r["month"][measure]["value"] for r in data) == pytest.approx(
            whole["month"][measure]["value"], rel=1e-9
        )


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        (["--by", "Partner"], ["--by", "partner"]),
        (["--by", "MODE"], ["--by", "mode"]),
        (["--backend", "DuckDB"], []),
        (["--by", "Region", "--backend", "DUCKDB"], ["--by", "region"]),
    ],
)
def test_choices_in_any_case(sample_store: Path, spelling: list[str], canonical: list[str]) -> None:
    args = ("--store", sample_store, "summary", "--period", "2025-12")
    assert ok(*args, *spelling).stdout == ok(*args, *canonical).stdout
    assert ok(*args, *spelling, "--json").stdout == ok(*args, *canonical, "--json").stdout


@pytest.mark.spark
def test_summary_on_spark_agrees_with_duckdb(small_store: Path) -> None:
    pytest.importorskip("pyspark")
    store = str(small_store)
    for by in ([], ["--by", "mode"]):
        on_duckdb = json.loads(
            run("--store", store, "summary", "--period", "2025-12", "--json", *by).stdout
        )
        result = run(
            "--store", store, "summary", "--period", "2025-12", "--json", "--backend", "spark", *by
        )
        assert result.exit_code == 0, result.output
        on_spark = json.loads(result.stdout)
        spark_numbers, duckdb_numbers = _numbers(on_spark), _numbers(on_duckdb)
        assert spark_numbers.keys() == duckdb_numbers.keys()
        for key, expected in duckdb_numbers.items():
            if expected is None:
                assert spark_numbers[key] is None, key
            else:
                assert spark_numbers[key] == pytest.approx(expected, rel=1e-9), key


def _numbers(data: object, path: str = "") -> dict[str, float | None]:
    """Flatten JSON to {path: number}, lists keyed by their 'key' field."""
    out: dict[str, float | None] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(_numbers(v, f"{path}/{k}"))
    elif isinstance(data, list):
        for item in data:
            out.update(_numbers(item, f"{path}/{item['key']}"))
    elif isinstance(data, (int, float)) or data is None:
        out[path] = data
    return out
