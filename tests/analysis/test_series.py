"""Monthly series, filters and the store's currency, on hand-made cells and the sample."""

from __future__ import annotations

import pandas as pd
import pytest

from entrepot import Period, Store, duckdb_backend
from entrepot.analysis.compilations import compile_store, index_rows
from entrepot.analysis.filters import resolve, split
from entrepot.analysis.series import monthly_series
from entrepot.analysis.summary import breakdown, summary
from entrepot.compute.filters import Commodity, Filters
from entrepot.errors import InputError, NotInStoreError


def fill(store: Store) -> None:
    """Two items, to the USA by air and to Japan by sea, and imports from China; the
    chip's price rises 20% in 2025 while the shirt's stays put."""
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            chip = 1.2 if year == 2025 else 1.0
            rows += [
                (period, "re_exports", "85423190", "USA", "CHN", "air", "NO.", chip * 10, 10.0),
                (period, "re_exports", "61091000", "JPN", None, "sea", "NO.", 10.0, 5.0 + year % 2),
                (period, "imports", "85423190", "CHN", None, "air", "NO.", 12.0, 12.0),
            ]
    columns = ["period", "flow", "commodity", "partner", "origin", "mode", "unit", "value"]
    frame = pd.DataFrame(rows, columns=[*columns, "quantity"])
    store.con.register("_f", frame)
    store.con.execute(
        f"INSERT INTO cells ({', '.join(columns)}, quantity, records, load_id) "
        "SELECT *, 1, 1 FROM _f"
    )
    store.con.execute("INSERT INTO loads (load_id, rows_read) VALUES (1, 108)")
    store.con.execute(
        "INSERT INTO partners VALUES ('USA', 'United States', 'North America', NULL, 't'), "
        "('JPN', 'Japan', 'Asia', 'Eastern Asia', 't'), ('CHN', 'China', 'Asia', 'Eastern Asia', 't')"
    )
    store.con.execute(
        "INSERT INTO commodity_sitc VALUES ('85423190', '77642', 't', NULL), "
        "('61091000', '84541', 't', NULL)"
    )


def test_filters_resolve_groups_and_reject_unknown_values(store: Store) -> None:
    fill(store)
    backend = duckdb_backend(store)
    asia = resolve(backend, partner=["Asia"], mode=["AIR"], commodity=["sitc:77", "8542"])
    assert sorted(asia.partner) == ["CHN", "JPN"]
    assert asia.mode == ("air",)
    assert asia.commodity == (Commodity("sitc", "77"), Commodity("hs", "8542"))
    assert asia.describe() == "partner Asia; commodity sitc:77, 8542; mode AIR"
    assert split(["USA,JPN", " CHN "]) == ["USA", "JPN", "CHN"]
    with pytest.raises(InputError, match=r"Unknown partner 'ASI'.*Did you mean ASIA"):
        resolve(backend, partner=["ASI"])
    with pytest.raises(InputError, match="Unknown mode 'rail'"):
        resolve(backend, mode=["rail"])
    with pytest.raises(InputError, match="not a code prefix"):
        Commodity.parse("chips")


def test_a_filtered_summary_adds_only_the_cells_asked_for(store: Store) -> None:
    fill(store)
    backend = duckdb_backend(store)
    dec = Period(2025, 12)
    usa = summary(backend.filtered(resolve(backend, partner=["USA"])), dec)
    assert usa.month.values["total_exports"] == pytest.approx(12.0)
    assert usa.month.yoy_pct["total_exports"] == pytest.approx(20.0)
    sitc_84 = summary(backend.filtered(Filters(commodity=(Commodity("sitc", "84"),))), dec)
    assert sitc_84.month.values["total_exports"] == pytest.approx(10.0)
    assert sitc_84.month.values["imports"] == 0.0
    sea = summary(backend.filtered(Filters(mode=("sea",))), dec)
    assert sea.month.values["total_exports"] == pytest.approx(10.0)
    stated = summary(backend.filtered(Filters(origin=("not stated",))), dec)
    assert stated.month.values["total_exports"] == pytest.approx(10.0)
    assert stated.month.values["imports"] == pytest.approx(12.0)


def test_breakdowns_by_origin_and_chapter(store: Store) -> None:
    fill(store)
    backend = duckdb_backend(store)
    origin = {r.key: r for r in breakdown(backend, Period(2025, 12), "origin")}
    assert origin["CHN"].label == "China"
    assert origin["CHN"].month.values["re_exports"] == pytest.approx(12.0)
    assert origin["not stated"].month.values["re_exports"] == pytest.approx(10.0)
    chapters = {r.key: r for r in breakdown(backend, Period(2025, 12), "chapter")}
    assert chapters["85"].month.values["imports"] == pytest.approx(12.0)
    assert chapters["61"].month.values["total_exports"] == pytest.approx(10.0)


def test_value_series_rates_come_from_its_levels(store: Store) -> None:
    fill(store)
    result = monthly_series(store, duckdb_backend(store), by="partner", keys=["USA"])
    usa = result.of("USA")
    assert len(usa) == 36 and usa[202501] == pytest.approx(12.0)
    rates = result.frame.set_index("period").yoy_pct
    assert rates[202501] == pytest.approx(20.0) and rates[202412] == pytest.approx(0.0)
    assert pd.isna(rates[202312])  # no month a year earlier
    table = result.table()
    assert list(table.columns[:6]) == ["period", "flow", "measure", "breakdown", "key", "name"]
    assert table.period.iloc[0] == "2023-01"
    with pytest.raises(NotInStoreError, match="No partner FRA"):
        monthly_series(store, duckdb_backend(store), by="partner", keys=["FRA"])


def test_index_series_filtered_are_compiled_with_the_stored_method(store: Store) -> None:
    fill(store)
    compile_store(store, duckdb_backend(store), reference_year=2024)
    backend = duckdb_backend(store)
    price = monthly_series(store, backend, measure="price", by="partner", keys=["USA"])
    assert price.source == "compilation 1"
    assert price.of("USA")[202512] == pytest.approx(120.0)
    chips = backend.filtered(Filters(commodity=(Commodity("hs", "8542"),)))
    filtered = monthly_series(store, chips, measure="price")
    assert filtered.source == "compilation 1's method on the filtered cells"
    assert filtered.of("total")[202512] == pytest.approx(120.0)
    assert filtered.frame.set_index("period").yoy_pct[202501] == pytest.approx(20.0)
    # HK$10 of shirts a month, 5 in 2024 and 6 in 2025: the price falls 1/6, volume +20%.
    shirts = backend.filtered(Filters(commodity=(Commodity("sitc", "84"),)))
    (row,) = index_rows(store, Period(2025, 12), backend=shirts)
    assert row.price_yoy_pct == pytest.approx(-100 / 6)
    assert row.volume_yoy_pct == pytest.approx(20.0)


def test_the_store_keeps_one_currency(store: Store) -> None:
    assert store.currency == "HK$"
    store.set_currency("US$")
    assert store.currency == "US$"
    fill(store)
    with pytest.raises(InputError, match="holds values in US\\$"):
        store.set_currency("HK$")


@pytest.mark.slow
def test_the_sample_by_partner_group_and_commodity(sample_store: Store) -> None:
    backend = duckdb_backend(sample_store)
    dec = Period(2025, 12)
    asia = summary(backend.filtered(resolve(backend, partner=["Asia"])), dec)
    regions = {r.key: r for r in breakdown(backend, dec, "region")}
    assert asia.month.values["total_exports"] == pytest.approx(
        regions["Asia"].month.values["total_exports"]
    )
    usa_77 = backend.filtered(resolve(backend, partner=["USA"], commodity=["sitc:77"]))
    divisions = {
        r.key: r
        for r in breakdown(backend.filtered(resolve(backend, partner=["USA"])), dec, "division")
    }
    assert summary(usa_77, dec).month.values["total_exports"] == pytest.approx(
        divisions["77"].month.values["total_exports"]
    )
