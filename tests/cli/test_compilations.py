"""``entrepot compile``, ``entrepot indices`` and ``entrepot diagnostics``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from entrepot import Period, Store
from entrepot.analysis.compilations import diagnostics, index_rows
from entrepot.schema import INDEX_FLOWS

from .conftest import HK, ITEM_B, error_of, ok, run, usage_error


def words(text: str) -> str:
    """``text`` with every run of white space (line breaks too) as one space."""
    return " ".join(text.split())


def test_compile_reports_what_it_stored(filled_store: Path) -> None:
    out = words(ok("--store", filled_store, "compile").stdout)
    with Store(filled_store, read_only=True) as store:
        rows = store.scalar("SELECT count(*) FROM index_series WHERE compile_id = 1")
        formula, reference = store.query("SELECT formula, reference_year FROM compilations")[0]
    assert (formula, reference) == ("fisher", 2024)
    # One relative trimmed (item B's import price ×20 in 2025-06): HK$8 bn of the
    # 139.6 bn traded in 2023-2025.
    share = 80 * HK / ((20 * 24 + 22 * 12 + 16 * 36 + 76) * HK)
    assert out == (
        f"Compilation 1: fisher, overlap linking, reference year 2024 = 100 (the last complete "
        f"year before the latest), 2023-01 to 2025-12; {rows:,} series rows for total, section, "
        f"division, group, chapter, partner, region, mode; 1 relatives trimmed as outliers ({share:.2%} "
        "of trade value)."
    )
    assert f"({share:.2%}" == "(5.73%"


def test_compile_options_in_any_case(filled_store: Path) -> None:
    first = words(ok("--store", filled_store, "compile").stdout)
    again = words(
        ok(
            "--store",
            filled_store,
            "compile",
            "--formula",
            "Fisher",
            "--backend",
            "DuckDB",
            "--imputation",
            "EXCLUDE",
        ).stdout
    )
    assert again == first.replace("Compilation 1:", "Compilation 2:")
    with Store(filled_store, read_only=True) as store:
        assert store.query("SELECT formula FROM compilations ORDER BY compile_id") == [
            ("fisher",),
            ("fisher",),
        ]


def test_compile_with_a_reference_year_and_formula(filled_store: Path) -> None:
    args = ("--formula", "laspeyres", "--reference-year", "2024", "--fence", "0")
    out = words(ok("--store", filled_store, "compile", *args).stdout)
    assert out.startswith(
        "Compilation 1: laspeyres, overlap linking, reference year 2024 = 100, 2023-01 to 2025-12;"
    )
    data = json.loads(
        ok("--store", filled_store, "indices", "--period", "2025-12", "--json").stdout
    )
    # Laspeyres: (1.2 · 10 + 10) / 20 = 1.1.
    assert data[0]["price_index"] == pytest.approx(110.0, rel=1e-12)
    with Store(filled_store, read_only=True) as store:
        assert store.scalar("SELECT formula FROM compilations") == "laspeyres"


def test_compile_errors_are_one_line(filled_store: Path, small_store: Path, tmp_path: Path) -> None:
    assert error_of("--store", filled_store, "compile", "--formula", "chained") == (
        "error: Unknown formula 'chained'; choose one of fisher, laspeyres, paasche, tornqvist."
    )
    assert error_of("--store", filled_store, "compile", "--imputation", "mean") == (
        "error: Unknown imputation 'mean'; choose one of class_mean, exclude."
    )
    assert error_of("--store", filled_store, "compile", "--backend", "polars") == (
        "error: Unknown backend 'polars'; choose one of duckdb, spark."
    )
    assert error_of("--store", filled_store, "compile", "--reference-year", "2030") == (
        "error: Reference year 2030 is not a year of twelve months in the store (it holds "
        "2023-01 to 2025-12; possible: 2023, 2024, 2025)."
    )
    assert error_of("--store", filled_store, "compile", "--linking", "chained") == (
        "error: Unknown linking 'chained'; choose one of overlap, annual."
    )
    assert error_of("--store", filled_store, "compile", "--cell-keys", "port") == (
        "error: Unknown cell key 'port'; choose one of mode, origin, consignment."
    )
    assert "it must be a year of twelve months" in error_of("--store", small_store, "compile")
    missing = tmp_path / "none.duckdb"
    assert "does not exist" in error_of("--store", missing, "compile")
    assert not missing.exists()
    with Store(filled_store, read_only=True) as store:
        assert store.count("compilations") == 0


INDEX_ROW = {
    "flow": str,
    "breakdown": str,
    "key": str,
    "name": str,
    "value": float,
    "price_index": float,
    "volume_index": float,
    **{f"{m}_{c}_pct": float for m in ("value", "price", "volume") for c in ("yoy", "mom", "ytd")},
    "volume_growth_streak": int,
    "streak_at_least": bool,
    "price_coverage": float,
    "low_coverage": bool,
    "cells_matched": int,
    "cells_imputed": int,
    "volume_ref_mean": float,
    "direct_yoy_pct": float,
}


def assert_index_rows(data: object) -> None:
    assert isinstance(data, list)
    for row in data:
        assert isinstance(row, dict)
        assert set(row) == set(INDEX_ROW)
        for key, kind in INDEX_ROW.items():
            assert row[key] is None or isinstance(row[key], kind), (key, row[key])
        assert isinstance(row["volume_growth_streak"], int)


def test_indices_json(compiled_store: Path) -> None:
    data = json.loads(
        ok("--store", compiled_store, "indices", "--period", "2025-12", "--json").stdout
    )
    assert_index_rows(data)
    assert data == [
        {
            "flow": "total_exports",
            "breakdown": "total",
            "key": "total",
            "name": "total",
            "value": pytest.approx(22 * HK, rel=1e-12),
            "value_yoy_pct": pytest.approx(10.0, rel=1e-12),
            # Fisher: A's price up 20%, B's flat, equal base values: 1.1.
            "price_yoy_pct": pytest.approx(10.0, rel=1e-12),
            "volume_yoy_pct": pytest.approx(0.0, abs=1e-12),
            # Prices jump in January 2025 and stay: the month-on-month change is 0 in
            # December, the year to date +10% (every 2025 month against every 2024 one).
            "value_mom_pct": pytest.approx(0.0, abs=1e-12),
            "price_mom_pct": pytest.approx(0.0, abs=1e-12),
            "volume_mom_pct": pytest.approx(0.0, abs=1e-12),
            "value_ytd_pct": pytest.approx(10.0, rel=1e-12),
            "price_ytd_pct": pytest.approx(10.0, rel=1e-12),
            "volume_ytd_pct": pytest.approx(0.0, abs=1e-12),
            "volume_growth_streak": 0,
            "streak_at_least": False,
            "price_coverage": 1.0,
            "low_coverage": False,
            "price_index": pytest.approx(110.0, rel=1e-12),
            "volume_index": pytest.approx(100.0, rel=1e-12),
            # A and B to the USA, matched with 2024's prices; nothing imputed.
            "cells_matched": 2,
            "cells_imputed": 0,
            "volume_ref_mean": pytest.approx(100.0, rel=1e-12),
            "direct_yoy_pct": pytest.approx(10.0, rel=1e-12),
        }
    ]


@pytest.mark.parametrize("flow", INDEX_FLOWS)
@pytest.mark.parametrize("by", ["total", "division", "partner"])
def test_indices_json_is_the_library_result(compiled_store: Path, flow: str, by: str) -> None:
    args = ("--period", "2025-12", "--flow", flow, "--by", by, "--json")
    data = json.loads(ok("--store", compiled_store, "indices", *args).stdout)
    assert_index_rows(data)
    with Store(compiled_store, read_only=True) as store:
        expected = index_rows(store, Period(2025, 12), flow=flow, by=by)
    assert data == [r.as_dict() for r in expected]
    # No domestic exports; terms of trade by partner pair no partner (exports go to the
    # USA, imports come from China).
    empty = flow == "domestic_exports" or (flow, by) == ("terms_of_trade", "partner")
    assert bool(data) is not empty


def test_indices_by_division_on_the_sample(sample_store: Path) -> None:
    args = ("--period", "2025-12", "--by", "division", "--json")
    data = json.loads(ok("--store", sample_store, "indices", *args).stdout)
    assert_index_rows(data)
    with Store(sample_store, read_only=True) as store:
        expected = index_rows(store, Period(2025, 12), by="division")
    assert data == [r.as_dict() for r in expected]
    assert [r["value"] for r in data] == sorted((r["value"] for r in data), reverse=True)


def test_indices_table(compiled_store: Path) -> None:
    out = ok("--store", compiled_store, "indices", "--period", "2025-12").stdout
    assert "total exports, 2025-12: year-on-year changes" in out.lower()
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.strip("┃").split("┃")] == [
        "flow",
        "HK$",
        "value",
        "price",
        "volume",
        "streak",
        "coverage",
    ]
    assert "total │ total" not in out and "total ┃ total" not in out
    (row,) = [line for line in out.splitlines() if line.startswith("│")]
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[0].lower() == "total exports"
    assert cells[1:] == ["2.2 bn", "+10.0%", "+10.0%", "+0.0%", "0", "100%"]


def test_indices_table_by_division(compiled_store: Path) -> None:
    args = ("--period", "2025-12", "--flow", "re_exports", "--by", "division")
    out = ok("--store", compiled_store, "indices", *args).stdout
    rows = [
        [c.strip() for c in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]
    assert rows == [
        ["77", "Electrical machinery, appar…", "1.2 bn", "+20.0%", "+20.0%", "+0.0%", "0", "100%"],
        ["84", "Articles of apparel and clo…", "1.0 bn", "+0.0%", "+0.0%", "+0.0%", "0", "100%"],
    ]


@pytest.mark.parametrize("spelling", ["re-exports", "RX", "Re_Exports", "re exports"])
def test_indices_flows_in_the_spellings_ingest_accepts(compiled_store: Path, spelling: str) -> None:
    args = ("--store", compiled_store, "indices", "--period", "2025-12", "--by", "Division")
    canonical = ("--store", compiled_store, "indices", "--period", "2025-12", "--by", "division")
    assert ok(*args, "--flow", spelling).stdout == ok(*canonical, "--flow", "re_exports").stdout
    assert (
        ok(*args, "--flow", spelling, "--json").stdout
        == ok(*canonical, "--flow", "re_exports", "--json").stdout
    )


def test_indices_top(sample_store: Path, narrow: int) -> None:
    out = ok(
        "--store", sample_store, "indices", "--period", "2025-12", "--by", "partner", "--top", "4"
    )
    assert len([line for line in out.stdout.splitlines() if line.startswith("│")]) == 4


@pytest.mark.parametrize("command", ["indices", "diagnostics"])
@pytest.mark.parametrize("top", ["0", "-1"])
def test_top_must_be_positive(compiled_store: Path, command: str, top: str) -> None:
    result = run("--store", compiled_store, command, "--period", "2025-12", "--top", top)
    assert "Invalid value for '--top'" in usage_error(result)


@pytest.mark.parametrize("command", ["indices", "diagnostics"])
def test_query_errors_are_one_line(
    compiled_store: Path, filled_store: Path, tmp_path: Path, command: str
) -> None:
    assert error_of("--store", compiled_store, command, "--period", "2030-01") == (
        "error: Period 2030-01 has no compiled indices (compilation 1 covers 2023-01 to 2025-12)."
    )
    assert error_of("--store", compiled_store, command, "--period", "2025-13") == (
        "error: Period 2025-13 is not a valid month (expected YYYY-MM with a month from 01 to 12)."
    )
    assert error_of("--store", filled_store, command, "--period", "2025-12") == (
        f"error: Store {filled_store} has no compiled indices. Run 'entrepot compile' first."
    )
    missing = error_of("--store", tmp_path / "none.duckdb", command, "--period", "2025-12")
    assert missing.startswith(f"error: Store {tmp_path / 'none.duckdb'} does not exist.")


def test_indices_unknown_flow_and_breakdown(compiled_store: Path) -> None:
    args = ("--store", compiled_store, "indices", "--period", "2025-12")
    assert error_of(*args, "--flow", "widgets") == (
        "error: Unknown flow 'widgets'; choose one of total_exports, domestic_exports, "
        "re_exports, imports, terms_of_trade."
    )
    assert error_of(*args, "--by", "hs") == (
        "error: Unknown breakdown 'hs'; choose one of total, section, division, group, chapter, "
        "partner, region, origin, mode."
    )


TRIMMED = {
    "flow": str,
    "commodity": str,
    "name": str,
    "partner": str,
    "unit": str,
    "mode": str,
    "relative": float,
    "rule": str,
    "v0": float,
    "v1": float,
    "share": float,
}
HETEROGENEOUS = {
    "flow": str,
    "commodity": str,
    "name": str,
    "partner": str,
    "unit": str,
    "months": int,
    "mean_unit_value": float,
    "cv": float,
}


def assert_diagnostics(data: dict[str, object]) -> None:
    assert set(data) == {
        "period", "bridged_cells", "bridged_value", "trimmed_value_share", "trimmed",
        "heterogeneous",
    }  # fmt: skip
    assert (data["bridged_cells"], data["bridged_value"]) == (0, 0.0)  # one HS edition
    assert isinstance(data["period"], str)
    assert isinstance(data["trimmed_value_share"], float)
    for name, keys in (("trimmed", TRIMMED), ("heterogeneous", HETEROGENEOUS)):
        rows = data[name]
        assert isinstance(rows, list)
        for row in rows:
            assert set(row) == set(keys)
            for key, kind in keys.items():
                # JSON writes a whole float without its decimals.
                ok_types = (int, float) if kind is float else kind
                # A commodity may have no name; a trim has a mode only with the mode cells.
                if key not in ("name", "mode") or row[key] is not None:
                    assert isinstance(row[key], ok_types), (name, key, row[key])


def test_diagnostics_json(compiled_store: Path) -> None:
    out = ok("--store", compiled_store, "diagnostics", "--period", "2025-06", "--json").stdout
    data = json.loads(out)
    assert_diagnostics(data)
    assert data["period"] == "2025-06"
    # HK$8 bn trimmed of the month's 2.2 + 9.2 bn; 8 of the 9.2 bn of imports.
    assert data["trimmed_value_share"] == pytest.approx(80 / 114, rel=1e-12)
    assert data["trimmed"] == [
        {
            "flow": "imports",
            "commodity": ITEM_B,
            "name": "T-shirts of cotton",
            "partner": "CHN",
            "unit": "NO.",
            "mode": None,
            "relative": pytest.approx(20.0),
            "rule": "bound",
            # The base weight: the cell's value over 2024, twelve months of HK$400 mn.
            "v0": pytest.approx(12 * 4 * HK),
            "v1": pytest.approx(80 * HK),
            "share": pytest.approx(80 / 92, rel=1e-9),
        }
    ]
    first = data["heterogeneous"][0]
    assert (first["flow"], first["commodity"], first["partner"], first["months"]) == (
        "imports",
        ITEM_B,
        "CHN",
        12,
    )
    # Unit values HK$100 mn in eleven months and 20 times that in one: mean 31/12 of it.
    assert first["mean_unit_value"] == pytest.approx(31 / 12 * HK, rel=1e-9)
    assert [r["cv"] for r in data["heterogeneous"][1:]] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("store_name", ["compiled_store", "sample_store"])
def test_diagnostics_json_is_the_library_result(
    store_name: str, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(store_name)
    data = json.loads(
        ok("--store", path, "diagnostics", "--period", "2025-06", "--top", "5", "--json").stdout
    )
    assert_diagnostics(data)
    with Store(path, read_only=True) as store:
        expected = diagnostics(store, Period(2025, 6), top=5)
    assert data["period"] == str(expected.period)
    assert data["trimmed_value_share"] == expected.trimmed_value_share
    for name, frame in (("trimmed", expected.trimmed), ("heterogeneous", expected.heterogeneous)):
        rows = frame.to_dict("records")
        assert len(data[name]) == len(rows) <= 5
        for got, want in zip(data[name], rows, strict=True):
            for key, value in want.items():
                if value is None or isinstance(value, str):
                    assert got[key] == value
                else:
                    # pandas writes JSON floats with 10 decimals.
                    assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-10), key


def test_diagnostics_tables(compiled_store: Path) -> None:
    out = ok("--store", compiled_store, "diagnostics", "--period", "2025-06").stdout
    assert "Relatives trimmed in 2025-06 (70.175% of the month's trade value)" in words(out)
    rows = [
        [c.strip() for c in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]
    assert rows[0] == [
        "imports",
        ITEM_B,
        "T-shirts of cotton",
        "CHN",
        "NO.",
        "20",
        "bound",
        "8.0 bn",
        "86.957%",
    ]
    assert "Least homogeneous cells of 2025 (monthly unit values)" in words(out)
    assert rows[1] == [
        "imports",
        ITEM_B,
        "T-shirts of cotton",
        "CHN",
        "NO.",
        "12",
        "258,333,333.33",
        "2.03",
    ]
    # Long names are cut to 24 characters.
    assert rows[2][2] == "Processors and controll…"
    assert len(rows) == 1 + 4


def test_indices_marks_thin_volume_and_low_coverage(sample_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_store, copy)
    ok("--store", copy, "compile", "--min-coverage", "0.95")
    with Store(copy, read_only=True) as store:
        rows = index_rows(store, Period(2025, 12), by="division")
    low = [r for r in rows if r.low_coverage]
    thin = [r for r in rows if r.volume_ref_mean is not None and not 95 <= r.volume_ref_mean <= 105]
    assert low and thin, "the small sample has divisions with little priced value or thin volumes"
    args = ("--period", "2025-12", "--by", "division", "--top", str(len(rows)))
    out = ok("--store", copy, "indices", *args).stdout
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.startswith("│")}
    for r in rows:
        assert (f"{r.price_coverage:.0%}!" in lines[r.key]) is r.low_coverage
        assert (lines[r.key].count("*") == 1) is (r in thin)
    assert "! less of the month's value has prices than the compilation's minimum." in out
    assert "* the volume index averages outside 95–105 over the reference year" in out


def test_compile_some_breakdowns(filled_store: Path) -> None:
    out = ok("--store", filled_store, "compile", "--breakdowns", "total, Partner").stdout
    assert "series rows for total, partner;" in " ".join(out.split())
    with Store(filled_store, read_only=True) as store:
        assert store.query("SELECT DISTINCT breakdown FROM index_series ORDER BY 1") == [
            ("partner",),
            ("total",),
        ]
    assert error_of("--store", filled_store, "compile", "--breakdowns", "hs").startswith(
        "error: Unknown breakdown 'hs'"
    )
