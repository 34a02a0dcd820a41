"""Unit value and volume indices on a case small enough to check with a calculator.

Two items exported to the USA. 2023 and 2024: A at HK$1 × 10 units, B at HK$2 × 5 units
(HK$10 each a month). 2025: A at HK$1.2 × 8 (9.6), B at HK$2 × 7 (14). Against the same
month a year earlier the relatives are 1.2 and 1, so

    Laspeyres = (1.2·10 + 1·10) / 20           = 1.1
    Paasche   = (9.6 + 14) / (9.6/1.2 + 14/1)  = 23.6 / 22
    Fisher    = √(1.1 · 23.6/22)               = √1.18
    Törnqvist = exp(½ (10 ln 1.2 / 20 + 9.6 ln 1.2 / 23.6))

and the value ratio is 23.6/20 = 1.18, so the Fisher volume change is also √1.18. Since
prices are constant through 2023 and 2024, every 2025 month's link to 2024's average prices
equals its comparison with the same month a year earlier: the level is 100 × the formula.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from entrepot.compute.trade_indices import compile_indices
from entrepot.compute.unit_values import Outliers

from .conftest import Make

SQRT_118 = math.sqrt(1.18)


def hand_cells(extra: list[tuple] | None = None) -> pd.DataFrame:
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            if year < 2025:
                rows += [
                    (period, "re_exports", "85423190", 10.0, 10.0),
                    (period, "re_exports", "61091000", 10.0, 5.0),
                ]
            else:
                rows += [
                    (period, "re_exports", "85423190", 9.6, 8.0),
                    (period, "re_exports", "61091000", 14.0, 7.0),
                ]
    rows += extra or []
    frame = pd.DataFrame(rows, columns=["period", "flow", "commodity", "value", "quantity"])
    frame["partner"] = "USA"
    frame["unit"] = "NO."
    frame["mode"] = "air"
    frame["records"] = 1
    return frame


def run(make: Make, cells: pd.DataFrame, **options: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    be = make({"cells": cells})
    series, trimmed = compile_indices(
        be.table("cells"),
        be.table("commodity_sitc"),
        be.table("sitc"),
        be.table("partners"),
        **{"reference_year": 2024, **options},  # type: ignore[arg-type]
    )
    frame = be.execute(series).sort_values(["measure", "key", "period"]).reset_index(drop=True)
    return frame, be.execute(trimmed)


def row(frame: pd.DataFrame, measure: str, period: int, key: str = "total") -> pd.Series:
    hit = frame[(frame.measure == measure) & (frame.key == key) & (frame.period == period)]
    assert len(hit) == 1, (measure, key, period)
    return hit.iloc[0]


def test_year_on_year_formulas_by_hand(backend: Make) -> None:
    frame, trimmed = run(backend, hand_cells())
    dec = row(frame, "re_exports", 202512)
    assert dec.laspeyres_yoy == pytest.approx(1.1, rel=1e-12)
    assert dec.paasche_yoy == pytest.approx(23.6 / 22, rel=1e-12)
    assert dec.fisher_yoy == pytest.approx(SQRT_118, rel=1e-12)
    tornqvist = math.exp(0.5 * (10 * math.log(1.2) / 20 + 9.6 * math.log(1.2) / 23.6))
    assert dec.tornqvist_yoy == pytest.approx(tornqvist, rel=1e-12)
    assert dec.value_yoy_pct == pytest.approx(18.0, rel=1e-12)
    assert dec.price_yoy_pct == pytest.approx((SQRT_118 - 1) * 100, rel=1e-12)
    assert dec.volume_yoy_pct == pytest.approx((SQRT_118 - 1) * 100, rel=1e-12)
    assert dec.price_coverage == pytest.approx(1.0, rel=1e-12)
    assert dec.cells_matched == 2
    assert dec.cells_imputed == 0
    assert len(trimmed) == 0


def test_cell_counts_are_int64_and_zero_without_a_year_before(backend: Make) -> None:
    # A DuckDB sum of counts is a HUGEINT, which pandas would receive as Decimal objects.
    frame, _ = run(backend, hand_cells())
    assert frame.cells_matched.dtype == "int64"
    assert frame.cells_imputed.dtype == "int64"
    rx = frame[frame.measure == "re_exports"]
    counts = dict(zip(rx.period, rx.cells_matched, strict=True))
    # The first year is priced against its own average: its cells are matched too.
    assert [counts[p] for p in (202312, 202401, 202512)] == [2, 2, 2]
    assert set(rx.cells_imputed) == {0}


def test_chain_linked_series_with_reference_year(backend: Make) -> None:
    frame, _ = run(backend, hand_cells(), reference_year=2024)
    rx = frame[(frame.measure == "re_exports") & (frame.key == "total")]
    index = dict(zip(rx.period, rx.price_index, strict=True))
    # 2023 (against its own average) and 2024 are flat at 100; 2025 is √1.18 higher.
    months = [y * 100 + m for y in (2023, 2024) for m in range(1, 13)]
    assert [index[p] for p in months] == pytest.approx([100.0] * 24, rel=1e-12)
    assert [index[p] for p in range(202501, 202513)] == pytest.approx(
        [100 * SQRT_118] * 12, rel=1e-12
    )
    dec = row(frame, "re_exports", 202512)
    # Volume = value index (118) ÷ price index.
    assert dec.volume_index == pytest.approx(118 / SQRT_118, rel=1e-12)


@pytest.mark.parametrize(
    ("formula", "link"),
    [
        ("laspeyres", 1.1),
        ("paasche", 23.6 / 22),
        ("fisher", SQRT_118),
        ("tornqvist", math.exp(0.5 * (10 * math.log(1.2) / 20 + 9.6 * math.log(1.2) / 23.6))),
    ],
)
def test_each_formula_chains_from_its_own_pieces(backend: Make, formula: str, link: float) -> None:
    # 2024's prices are constant, so each 2025 month links to 2024's average as to the same
    # month a year earlier: the chained index is 100 × the formula's year-on-year index.
    frame, _ = run(backend, hand_cells(), formula=formula, reference_year=2024)
    dec = row(frame, "re_exports", 202512)
    assert dec.price_index == pytest.approx(100 * link, rel=1e-12)
    assert dec.price_yoy_pct == pytest.approx((link - 1) * 100, rel=1e-12)
    assert dec.volume_yoy_pct == pytest.approx((1.18 / link - 1) * 100, rel=1e-12)
    # Whatever the chained formula, every year-on-year formula is still reported.
    assert dec.tornqvist_yoy == pytest.approx(
        math.exp(0.5 * (10 * math.log(1.2) / 20 + 9.6 * math.log(1.2) / 23.6)), rel=1e-12
    )
    assert dec.laspeyres_yoy == pytest.approx(1.1, rel=1e-12)


def test_total_exports_is_an_aggregate_of_its_own(backend: Make) -> None:
    # Domestic exports of a third item, priced 10% higher in 2025 at constant quantity.
    dx = [
        (y * 100 + m, "domestic_exports", "71131900", 5.0 * (1.1 if y == 2025 else 1), 1.0)
        for y in (2023, 2024, 2025)
        for m in range(1, 13)
    ]
    frame, _ = run(backend, hand_cells(dx))
    total = row(frame, "total_exports", 202512)
    assert total.value == pytest.approx(23.6 + 5.5, rel=1e-12)
    laspeyres = (1.2 * 10 + 10 + 1.1 * 5) / 25
    paasche = (9.6 + 14 + 5.5) / (8 + 14 + 5)
    assert total.laspeyres_yoy == pytest.approx(laspeyres, rel=1e-12)
    assert total.paasche_yoy == pytest.approx(paasche, rel=1e-12)
    assert row(frame, "domestic_exports", 202512).fisher_yoy == pytest.approx(1.1, rel=1e-12)


def test_outliers_are_trimmed_and_reported(backend: Make) -> None:
    # A third cell whose unit value jumps 20-fold in December 2025.
    odd = [
        (y * 100 + m, "re_exports", "84713000", 1.0, 1.0)
        for y in (2023, 2024)
        for m in range(1, 13)
    ]
    odd += [(202500 + m, "re_exports", "84713000", 1.0, 1.0) for m in range(1, 12)]
    odd += [(202512, "re_exports", "84713000", 20.0, 1.0)]
    frame, trimmed = run(backend, hand_cells(odd), outliers=Outliers(low=0.1, high=10, fence=None))
    dec = row(frame, "re_exports", 202512)
    assert dec.fisher_yoy == pytest.approx(SQRT_118, rel=1e-12)
    assert dec.cells_matched == 2
    assert dec.price_coverage == pytest.approx(23.6 / 43.6, rel=1e-12)
    assert trimmed[["period", "commodity", "relative", "v1"]].values.tolist() == [
        [202512, "84713000", 20.0, 20.0]
    ]


def test_cells_without_quantity_count_in_value_not_in_price(backend: Make) -> None:
    no_qty = pd.DataFrame(
        [(202412, "re_exports", "30049000", 6.0), (202512, "re_exports", "30049000", 6.4)],
        columns=["period", "flow", "commodity", "value"],
    ).assign(partner="USA", mode="air", records=1)
    cells = pd.concat([hand_cells(), no_qty], ignore_index=True)
    frame, _ = run(backend, cells)
    dec = row(frame, "re_exports", 202512)
    assert dec.value == pytest.approx(30.0, rel=1e-12)
    assert dec.fisher_yoy == pytest.approx(SQRT_118, rel=1e-12)
    assert dec.price_coverage == pytest.approx(23.6 / 30.0, rel=1e-12)
    assert dec.volume_yoy_pct == pytest.approx((30.0 / 26.0 / SQRT_118 - 1) * 100, rel=1e-12)


def test_class_mean_imputation_by_hand(backend: Make) -> None:
    # New item C (SITC group 776, like A) appears in December 2025 worth 6; item D
    # (group 845, like B) was worth 4 in December 2024 and is gone a year later.
    extra = [
        (202512, "re_exports", "85423290", 6.0, 3.0),
        (202412, "re_exports", "61099000", 4.0, 2.0),
    ]
    be = backend(
        {
            "cells": hand_cells(extra),
            "commodity_sitc": pd.DataFrame(
                {
                    "commodity": ["85423190", "85423290", "61091000", "61099000"],
                    "sitc": ["77642", "77644", "84512", "84519"],
                }
            ),
        }
    )
    tables = [be.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")]
    results = {}
    for imputation in ("exclude", "class_mean"):
        series, _ = compile_indices(*tables, reference_year=2024, imputation=imputation)
        frame = be.execute(series)
        results[imputation] = row(frame, "re_exports", 202512)
    excluded, imputed = results["exclude"], results["class_mean"]
    # 2024's links are all 1 (D, new in December 2024, takes group 845's mean, B's 1.0), so
    # the 2025 levels are the 2025 links against 2024's average prices and values: A and
    # B weigh 120 each; D (HK$4 in 2024) is gone and takes group 845's 1.0; in December
    # C is new (HK$6 now) and takes group 776's 1.2.
    laspeyres = (1.2 * 120 + 1.0 * 120 + 1.0 * 4) / (120 + 120 + 4)
    paasche = (9.6 + 14 + 6) / (9.6 / 1.2 + 14 + 6 / 1.2)
    assert imputed.price_index == pytest.approx(100 * math.sqrt(laspeyres * paasche), rel=1e-12)
    assert excluded.price_index == pytest.approx(100 * SQRT_118, rel=1e-12)
    # The direct year-on-year diagnostic imputes nothing.
    assert imputed.fisher_yoy == pytest.approx(SQRT_118, rel=1e-12)
    # Coverage and cells_matched count matched cells only, either way; C and D are imputed.
    for result in (excluded, imputed):
        assert result.price_coverage == pytest.approx(23.6 / 29.6, rel=1e-12)
        assert result.cells_matched == 2
    assert excluded.cells_imputed == 0
    assert imputed.cells_imputed == 2


def test_the_total_alone_equals_the_total_of_a_compilation(backend: Make) -> None:
    """Compiled alone, the total sums the relatives by flow; in a compilation it is summed
    from the sums by commodity that the SITC breakdowns share. Both give the same series."""
    from entrepot.compute.classes import commodity_classes
    from entrepot.compute.trade_indices import (
        Method,
        base_sums,
        breakdown_series,
        relatives_for,
    )

    cells = hand_cells(
        [(p, "domestic_exports", "61091000", 5.0 + p % 7, 2.0) for p in range(202301, 202313)]
        + [(p, "domestic_exports", "61091000", 6.0 + p % 5, 2.0) for p in range(202401, 202413)]
        + [(p, "domestic_exports", "61091000", 7.0 + p % 3, 2.5) for p in range(202501, 202513)]
    )
    alone, _ = run(backend, cells)
    be = backend({"cells": cells})
    tables = [be.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")]
    method = Method(reference_year=2024).checked()
    rel = relatives_for(tables[0], tables[1], tables[2], method)
    sums = base_sums(tables[0], rel, "sitc", classes=commodity_classes(tables[1], tables[2]))
    shared = be.execute(breakdown_series(sums, *tables[1:], by="total", method=method))
    shared = shared.sort_values(["measure", "key", "period"]).reset_index(drop=True)
    assert len(alone) == len(shared) == 3 * 36  # domestic, re- and total exports; 36 months
    pd.testing.assert_frame_equal(alone, shared, check_exact=False, rtol=1e-12)


def test_breakdown_by_mode_by_hand(backend: Make) -> None:
    """A (HK$10 a month at HK$1) goes by sea in 2023 and 2024 and by air in 2025 (9.6 at
    1.2: relative 1.2); B (10 a month at HK$2, then 14) goes half by air, half by sea
    (relative 1). In January 2025, against 2024 (A 120 by sea; B 60 by each mode):

        air: Laspeyres = 1·60 / 60 = 1,   Paasche = (9.6 + 7) / (8 + 7) = 16.6/15
        sea: Laspeyres = (1.2·120 + 1·60) / 180 = 17/15,   Paasche = 7 / 7 = 1

    A travelled one way in each period (its whole weight to sea, its whole value to air),
    B two ways (looked up by mode); the same holds against January 2024."""
    cells = hand_cells()
    a = cells.commodity == "85423190"
    cells.loc[a, "mode"] = ["sea" if p < 202501 else "air" for p in cells.period[a]]
    b = cells[~a]
    halves = [b.assign(value=b.value / 2, quantity=b.quantity / 2, mode=m) for m in ("air", "sea")]
    cells = pd.concat([cells[a], *halves], ignore_index=True)
    frame, _ = run(backend, cells, by="mode")
    air, sea = row(frame, "re_exports", 202501, "air"), row(frame, "re_exports", 202501, "sea")
    assert air.price_index == pytest.approx(100 * math.sqrt(16.6 / 15), rel=1e-12)
    assert sea.price_index == pytest.approx(100 * math.sqrt(17 / 15), rel=1e-12)
    assert air.fisher_yoy == pytest.approx(math.sqrt(16.6 / 15), rel=1e-12)
    assert sea.fisher_yoy == pytest.approx(math.sqrt(17 / 15), rel=1e-12)
    assert (air.value, sea.value) == (16.6, 7.0)
    assert (air.cells_matched, sea.cells_matched) == (2, 1)
