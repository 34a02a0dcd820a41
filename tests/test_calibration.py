"""The default sample, compiled by entrepot itself, reads like the published 2025 figures.

The targets are the published ones (../shared/facts/hk-2025.md); the sample is synthetic,
so the test allows ±1.5 percentage points on growth rates and ±3% on levels. Every figure is
computed here from the generated records through ingest and summary.
"""

from __future__ import annotations

import pytest

from entrepot import Period, Store, duckdb_backend, summary
from entrepot.analysis.compilations import index_rows
from entrepot.analysis.summary import breakdown

pytestmark = pytest.mark.slow


def level(value: float, published_bn: float) -> None:
    assert value / 1e9 == pytest.approx(published_bn, rel=0.03)


def growth(value: float | None, published_pct: float) -> None:
    assert value is not None
    assert value == pytest.approx(published_pct, abs=1.5)


def test_december_2025_totals(sample_store: Store) -> None:
    dec = summary(duckdb_backend(sample_store), Period(2025, 12))
    level(dec.month.values["total_exports"], 512.8)
    growth(dec.month.yoy_pct["total_exports"], 26.1)
    level(dec.month.values["imports"], 576.0)
    growth(dec.month.yoy_pct["imports"], 30.6)
    assert dec.month.balance / 1e9 == pytest.approx(-63.3, abs=0.15 * 63.3)
    growth(dec.month.balance_pct_of_imports, -11.0)
    # Domestic exports are about 1% of total exports.
    share = dec.month.values["domestic_exports"] / dec.month.values["total_exports"]
    assert 0.005 < share < 0.02


def test_2025_as_a_whole(sample_store: Store) -> None:
    ytd = summary(duckdb_backend(sample_store), Period(2025, 12)).year_to_date
    growth(ytd.yoy_pct["total_exports"], 15.4)
    growth(ytd.yoy_pct["imports"], 15.5)


def test_november_2025_and_the_value_growth_streak(sample_store: Store) -> None:
    backend = duckdb_backend(sample_store)
    growth(summary(backend, Period(2025, 11)).month.yoy_pct["total_exports"], 18.8)
    # Export value grew year on year in every month from March 2024 to November 2025.
    streak = [
        summary(backend, Period.from_index(i)).month.yoy_pct["total_exports"]
        for i in range(Period(2024, 3).index, Period(2025, 11).index + 1)
    ]
    assert len(streak) == 21 and all(g is not None and g > 0 for g in streak)


def test_exports_by_air(sample_store: Store) -> None:
    rows = {r.key: r for r in breakdown(duckdb_backend(sample_store), Period(2025, 12), "mode")}
    air = rows["air"].month
    level(air.values["total_exports"], 194.1)
    prev = air.values["total_exports"] / (1 + air.yoy_pct["total_exports"] / 100)
    level(prev, 137.8)
    assert abs(rows["sea"].month.yoy_pct["total_exports"]) < 10  # "broadly flat"


def test_exports_by_destination(sample_store: Store) -> None:
    backend = duckdb_backend(sample_store)
    regions = {r.key: r for r in breakdown(backend, Period(2025, 12), "region")}
    growth(regions["Asia"].month.yoy_pct["total_exports"], 26.6)
    partners = {r.key: r for r in breakdown(backend, Period(2025, 12), "partner")}
    published = {"MYS": 138.6, "THA": 76.6, "TWN": 72.7, "SGP": 30.4, "VNM": 29.4, "CHN": 24.9}
    for code, pct in published.items():
        got = partners[code].month.yoy_pct["total_exports"]
        # Small partners move more with sampling noise: allow 3 points, or 5% of the rate.
        assert got == pytest.approx(pct, abs=max(3.0, 0.05 * pct)), code


def test_sitc_77_in_2025(sample_store: Store) -> None:
    rows = {r.key: r for r in breakdown(duckdb_backend(sample_store), Period(2025, 12), "division")}
    growth(rows["77"].year_to_date.yoy_pct["total_exports"], 17.2)
    assert rows["77"].label.lower().startswith("electrical machinery")


def test_december_2025_export_volume_and_its_streak(sample_store: Store) -> None:
    (total,) = index_rows(sample_store, Period(2025, 12))
    growth(total.volume_yoy_pct, 21.6)
    growth(total.price_yoy_pct, 3.7)
    assert total.volume_growth_streak == 11
    assert total.price_coverage is not None and total.price_coverage > 0.8


def test_december_2025_volume_and_price_by_destination(sample_store: Store) -> None:
    rows = {r.key: r for r in index_rows(sample_store, Period(2025, 12), by="partner")}
    growth(rows["USA"].volume_yoy_pct, 44.6)
    growth(rows["USA"].price_yoy_pct, 1.3)
    growth(rows["TWN"].volume_yoy_pct, 61.8)


def test_2025_export_volume(sample_store: Store) -> None:
    mean = sample_store.con.execute(
        "SELECT period // 100, avg(volume_index) FROM index_series "
        "WHERE measure = 'total_exports' AND breakdown = 'total' AND period >= 202401 "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    (y2024, v2024), (y2025, v2025) = mean
    assert (y2024, y2025) == (2024, 2025)
    growth((v2025 / v2024 - 1) * 100, 12.8)


def test_seasonally_adjusted_three_months_to_december_2025(sample_store: Store) -> None:
    """The office's seasonally adjusted comparison: Oct–Dec 2025 against Jul–Sep 2025,
    published as exports +5.2% and imports +6.7%; X-13 over the sample's 36 months."""
    import pandas as pd

    from entrepot.analysis.seasonal import adjust

    flows = {"total_exports": ("domestic_exports", "re_exports"), "imports": ("imports",)}
    published = {"total_exports": 5.2, "imports": 6.7}
    for measure, parts in flows.items():
        totals = sample_store.frame(
            "SELECT period, sum(value) AS value FROM cells "
            "WHERE flow::VARCHAR IN (SELECT unnest(?)) GROUP BY period ORDER BY period",
            [list(parts)],
        )
        months = pd.PeriodIndex([f"{p // 100}-{p % 100:02d}" for p in totals.period], freq="M")
        assert (months[0], months[-1], len(months)) == (
            pd.Period("2023-01", "M"),
            pd.Period("2025-12", "M"),
            36,
        )
        result = adjust(pd.Series(totals.value.to_numpy(), index=months))
        assert result.method == "x13", result.notes
        sa = result.series
        recent = sa[pd.Period("2025-10", "M") : pd.Period("2025-12", "M")].mean()
        before = sa[pd.Period("2025-07", "M") : pd.Period("2025-09", "M")].mean()
        got = (recent / before - 1) * 100
        assert got == pytest.approx(published[measure], abs=1.0), (measure, result.model)
