from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from entrepot import Period, Store, duckdb_backend
from entrepot.analysis.compilations import (
    compile_store,
    complete_years,
    default_reference_year,
    diagnostics,
    growth_streak,
    index_rows,
)
from entrepot.analysis.numbers import records
from entrepot.errors import InputError, NotInStoreError


def fill(store: Store) -> None:
    """Two items to the USA: A's price rises 20% in 2025 while B's stays put."""
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            a_price = 1.2 if year == 2025 else 1.0
            rows += [
                (period, "re_exports", "85423190", "USA", "NO.", a_price * 10, 10.0),
                (period, "re_exports", "61091000", "USA", "NO.", 10.0, 5.0),
                (period, "imports", "85423190", "CHN", "NO.", 12.0, 12.0),
            ]
    frame = pd.DataFrame(
        rows, columns=["period", "flow", "commodity", "partner", "unit", "value", "quantity"]
    )
    store.con.register("_f", frame)
    store.con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, unit, value, quantity, records, load_id) "
        "SELECT *, 1, 1 FROM _f"
    )
    store.con.execute("INSERT INTO loads (load_id, rows_read) VALUES (1, 108)")


def test_compile_stores_series_with_its_options(store: Store) -> None:
    fill(store)
    report = compile_store(store, duckdb_backend(store), formula="laspeyres", reference_year=2024)
    assert report.compile_id == 1 and report.trimmed == 0
    formula, ref, options = store.query(
        "SELECT formula, reference_year, options FROM compilations"
    )[0]
    assert (formula, ref) == ("laspeyres", 2024)
    assert json.loads(options)["outliers"] == {
        "low": 0.1,
        "high": 10.0,
        "fence": 3.0,
        "min_cells": 8,
    }
    (total,) = index_rows(store, Period(2025, 12))
    # Laspeyres: (1.2·10 + 10) / 20 = 1.1; the value rose 11%: volume 0.9%.
    assert total.price_yoy_pct == pytest.approx(10.0, rel=1e-12)
    assert total.value_yoy_pct == pytest.approx(10.0, rel=1e-12)
    assert total.volume_yoy_pct == pytest.approx(0.0, abs=1e-12)
    assert total.price_index == pytest.approx(110.0, rel=1e-12)
    assert total.volume_growth_streak == 0
    imports = index_rows(store, Period(2025, 12), flow="imports", by="partner")
    assert [(r.key, r.price_yoy_pct) for r in imports] == [("CHN", pytest.approx(0.0, abs=1e-12))]


def test_query_errors(store: Store) -> None:
    fill(store)
    with pytest.raises(NotInStoreError, match="Run 'entrepot compile' first"):
        index_rows(store, Period(2025, 12))
    with pytest.raises(
        InputError, match=r"Reference year 2030 is not a year of twelve months.*2023, 2024, 2025\)"
    ):
        compile_store(store, duckdb_backend(store), reference_year=2030)
    compile_store(store, duckdb_backend(store), breakdowns=("total",))
    with pytest.raises(NotInStoreError, match=r"Period 2026-01 has no compiled indices"):
        index_rows(store, Period(2026, 1))
    with pytest.raises(InputError, match="Unknown flow 'widgets'; choose one of total_exports"):
        index_rows(store, Period(2025, 12), flow="widgets")
    with pytest.raises(InputError, match="Unknown breakdown 'hs'; choose one of total, section"):
        index_rows(store, Period(2025, 12), by="hs")
    with pytest.raises(InputError, match="top must be a positive number of rows, not 0"):
        diagnostics(store, Period(2025, 12), top=0)


def test_flows_and_breakdowns_are_named_in_any_case_and_spelling(store: Store) -> None:
    fill(store)
    compile_store(store, duckdb_backend(store), breakdowns=("total", "partner"))
    (total,) = index_rows(store, Period(2025, 12), flow="Exports")
    assert (total.flow, total.breakdown) == ("total_exports", "total")
    (rx,) = index_rows(store, Period(2025, 12), flow="RE-EXPORTS", by="Partner")
    assert (rx.flow, rx.breakdown, rx.key) == ("re_exports", "partner", "USA")
    assert rx.value == pytest.approx(1.2 * 10 + 10.0)  # A at 1.2 × 10, B at 10


def test_reference_year_defaults_to_the_last_complete_year_before_the_latest() -> None:
    full = [y * 100 + m for y in (2022, 2023, 2024) for m in range(1, 13)]
    assert default_reference_year(full) == 2023
    # The latest year is partial: the year before it.
    assert default_reference_year([*full, 202501, 202502]) == 2024
    # 2023 lacks a month: the complete year before the latest is 2022.
    holed = [p for p in full if p != 202306]
    assert complete_years(holed) == [2022, 2024]
    assert default_reference_year(holed) == 2022
    # One complete year only: that year (the first year is priced against itself).
    assert default_reference_year([202401 + m for m in range(12)]) == 2024
    with pytest.raises(NotInStoreError, match=r"year of twelve months.*2024-01 to 2024-02"):
        default_reference_year([202401, 202402])


def test_compile_uses_and_reports_the_default_reference_year(store: Store) -> None:
    fill(store)
    report = compile_store(store, duckdb_backend(store), breakdowns=("total",))
    assert report.reference_year == 2024
    assert store.scalar("SELECT reference_year FROM compilations") == 2024


def test_growth_streak_counts_calendar_months() -> None:
    series = pd.DataFrame(
        {
            "period": [202506, 202507, 202509, 202510, 202511, 202512],
            "volume_yoy_pct": [1.0, 2.0, 3.0, 4.0, math.nan, 5.0],
        }
    )
    # November has no figure: growth before it is unknown, so the streak is at least 1.
    assert growth_streak(series, Period(2025, 12)) == (1, True)
    assert growth_streak(series, Period(2025, 10)) == (2, True)  # August is missing
    # The data start (no June 2024 comparison) cuts the streak: at least 2.
    assert growth_streak(series, Period(2025, 7)) == (2, True)
    assert growth_streak(series.assign(volume_yoy_pct=-1.0), Period(2025, 12)) == (0, False)


def test_streaks_count_published_rates() -> None:
    # +0.04% is published as +0.0%: not growth, so it ends the streak (which is then exact).
    series = pd.DataFrame({"period": [202510, 202511, 202512], "volume_yoy_pct": [3.0, 0.04, 0.05]})
    assert growth_streak(series, Period(2025, 12)) == (1, False)
    assert growth_streak(series.assign(volume_yoy_pct=-0.04), Period(2025, 12)) == (0, False)


def test_terms_of_trade(store: Store) -> None:
    fill(store)
    compile_store(store, duckdb_backend(store), formula="laspeyres", breakdowns=("total",))
    (tot,) = index_rows(store, Period(2025, 12), flow="terms_of_trade")
    # Export prices +10% (Laspeyres), import prices flat.
    assert tot.price_yoy_pct == pytest.approx(10.0, rel=1e-12)
    assert tot.price_index == pytest.approx(110.0, rel=1e-12)
    assert tot.value is None and tot.volume_yoy_pct is None


def test_diagnostics_list_what_was_trimmed(store: Store) -> None:
    fill(store)
    # December 2025: a cell whose unit value is 20 times last December's.
    store.con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, unit, value, quantity, records, load_id) "
        "VALUES (202412, 're_exports', '84713000', 'USA', 'NO.', 2, 2, 1, 1), "
        "(202512, 're_exports', '84713000', 'USA', 'NO.', 40, 2, 1, 1)"
    )
    compile_store(store, duckdb_backend(store), breakdowns=("total",))
    report = diagnostics(store, Period(2025, 12))
    assert report.trimmed[["commodity", "relative", "v1"]].values.tolist() == [
        ["84713000", 20.0, 40.0]
    ]
    # December 2025 re-exports: 12 + 10 + 40; all trade: that plus imports of 12.
    assert report.trimmed.share.tolist() == [pytest.approx(40 / 62, rel=1e-12)]
    assert report.trimmed_value_share == pytest.approx(40 / 74, rel=1e-12)
    assert report.as_dict()["trimmed"][0]["commodity"] == "84713000"


def test_diagnostics_name_each_commodity_by_its_code_or_its_subheading(store: Store) -> None:
    fill(store)
    store.con.execute(
        "INSERT INTO commodities (commodity, name) VALUES "
        "('85423190', 'Processors and controllers, other'), ('610910', 'T-shirts, of cotton')"
    )
    compile_store(store, duckdb_backend(store), breakdowns=("total",))
    report = diagnostics(store, Period(2025, 12))
    names = dict(zip(report.heterogeneous.commodity, report.heterogeneous.name, strict=True))
    # 85423190 has a name of its own; 61091000 takes its HS subheading's (610910).
    assert names == {
        "85423190": "Processors and controllers, other",
        "61091000": "T-shirts, of cotton",
    }
    assert {r["name"] for r in report.as_dict()["heterogeneous"]} == set(names.values())


def test_cells_without_a_unit_take_the_item_lists(store: Store) -> None:
    fill(store)
    # As the office's fixed-width files load: quantities, no unit.
    store.con.execute("UPDATE cells SET unit = NULL")
    report = compile_store(store, duckdb_backend(store), breakdowns=("total",))
    # 2023-2024: HK$32 a month (A 10, B 10, imports 12); 2025: 34 (A at 12).
    assert report.unpriced == {"no unit": (108, pytest.approx(24 * 32 + 12 * 34))}
    (total,) = index_rows(store, Period(2025, 12))
    assert total.price_index is None and total.price_yoy_pct is None
    assert total.value_yoy_pct == pytest.approx(10.0, rel=1e-12)
    # The office's item list gives each item its unit.
    store.con.execute(
        "INSERT INTO commodities (commodity, name, unit) VALUES "
        "('85423190', 'Processors and controllers, other', 'TH'), "
        "('61091000', 'T-shirts, of cotton', 'NO.')"
    )
    report = compile_store(store, duckdb_backend(store), breakdowns=("total",))
    assert report.unpriced == {}
    (total,) = index_rows(store, Period(2025, 12))
    assert total.price_index == pytest.approx(110.0, rel=1e-12)


def test_cell_keys_add_origin_to_the_cell(store: Store) -> None:
    fill(store)
    # December 2025: half of A comes from Korea at 1.5× the price of the rest (from Japan).
    store.con.execute("UPDATE cells SET origin = 'JPN' WHERE flow = 're_exports'")
    store.con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, origin, unit, value, quantity, "
        "records, load_id) VALUES (202512, 're_exports', '85423190', 'USA', 'KOR', 'NO.', "
        "18.0, 10.0, 1, 1)"
    )
    plain = compile_store(store, duckdb_backend(store), breakdowns=("total",))
    by_origin = compile_store(
        store, duckdb_backend(store), breakdowns=("total",), cell_keys=["Origin"]
    )
    assert by_origin.method.cell_keys == ("origin",)
    stored = store.query("SELECT options FROM compilations ORDER BY compile_id")
    assert [json.loads(o)["cell_keys"] for (o,) in stored] == [[], ["origin"]]
    rows = store.frame(
        "SELECT compile_id, price_index, cells_matched, cells_imputed FROM index_series "
        "WHERE measure = 're_exports' AND breakdown = 'total' AND period = 202512 "
        "ORDER BY compile_id"
    )
    # One cell for A: unit value 30 / 20 = 1.5 against 1.0, with B's 1.0 …
    l_plain, p_plain = (1.5 * 120 + 120) / 240, (30 + 10) / (30 / 1.5 + 10)
    # … or, by origin, A from Japan at 1.2, while A from Korea is new and unclassified
    # (no SITC group, so no class mean to impute): it counts in values only.
    l_origin, p_origin = (1.2 * 120 + 120) / 240, (12 + 10) / (12 / 1.2 + 10)
    assert rows.price_index.tolist() == pytest.approx(
        [100 * math.sqrt(l_plain * p_plain), 100 * math.sqrt(l_origin * p_origin)], rel=1e-12
    )
    assert rows.cells_matched.tolist() == [2, 2]
    assert plain.compile_id == 1


def test_records_are_plain_json_values() -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2025-12-31 10:00", None]),
            "x": [1.5, math.nan],
            "n": pd.array([2, None], dtype="Int64"),
        }
    )
    assert records(frame) == [
        {"when": "2025-12-31T10:00:00", "x": 1.5, "n": 2},
        {"when": None, "x": None, "n": None},
    ]
