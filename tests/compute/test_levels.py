"""Chain linking and rates from levels, by hand, on DuckDB and Spark."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa
import pytest

from entrepot.backends import Backend
from entrepot.compute.levels import chain_annual, chain_overlap, rescaled, with_rates

from .conftest import Make

KEYS = ("key",)


def table(make: Make, name: str, frame: pd.DataFrame) -> tuple[Backend, object]:
    """A backend holding ``frame`` as table ``name``, and that table."""
    be = make({})
    return be, be.load(name, pa.Table.from_pandas(frame, preserve_index=False))


def links_frame(links: dict[int, float], key: str = "total") -> pd.DataFrame:
    return pd.DataFrame({"period": list(links), "key": key, "link": list(links.values())}).astype(
        {"period": "int32"}
    )


WORKED = {202301: 0.98, 202307: 1.02, 202401: 1.05, 202407: 1.07, 202501: 1.10, 202507: 1.16}
"""The worked example of :mod:`entrepot.compute.levels`: two months a year for brevity."""


def test_annual_overlap_worked_example(backend: Make) -> None:
    be, links = table(backend, "links", links_frame(WORKED))
    levels = chain_overlap(links, KEYS)
    rescaled_levels = levels.mutate(index=rescaled(levels, "level", KEYS, 2024))
    got = be.execute(rescaled_levels).sort_values("period")
    # 2023: the links; 2024: × mean(0.98, 1.02) = 1.00; 2025: × 1.00 × mean(1.05, 1.07).
    assert got.level.tolist() == pytest.approx(
        [0.98, 1.02, 1.05, 1.07, 1.10 * 1.06, 1.16 * 1.06], rel=1e-12
    )
    assert got["index"].tolist() == pytest.approx(
        [v / 1.06 * 100 for v in (0.98, 1.02, 1.05, 1.07, 1.166, 1.2296)], rel=1e-12
    )
    assert got["index"].round(2).tolist() == [92.45, 96.23, 99.06, 100.94, 110.0, 116.0]


def test_a_year_with_no_links_breaks_the_chain(backend: Make) -> None:
    gap = {p: v for p, v in WORKED.items() if p // 100 != 2024}
    be, links = table(backend, "links", links_frame(gap))
    got = be.execute(chain_overlap(links, KEYS)).sort_values("period")
    assert got.level.tolist()[:2] == pytest.approx([0.98, 1.02], rel=1e-12)
    assert all(math.isnan(v) for v in got.level.tolist()[2:])


def test_annual_links_multiply_from_the_third_year(backend: Make) -> None:
    be, links = table(backend, "links", links_frame(WORKED))
    annual = pd.DataFrame({"period": [202400, 202500], "key": "total", "link": [1.03, 1.08]})
    _, annual_links = table(backend, "annual", annual.astype({"period": "int32"}))
    got = be.execute(chain_annual(links, annual_links, KEYS)).sort_values("period")
    # 2023 and 2024 have no annual link before them; 2025 carries 2024's (2024 over 2023).
    assert got.level.tolist() == pytest.approx(
        [0.98, 1.02, 1.05, 1.07, 1.10 * 1.03, 1.16 * 1.03], rel=1e-12
    )


def test_rates_are_changes_in_the_levels(backend: Make) -> None:
    months = [y * 100 + m for y in (2024, 2025) for m in range(1, 13)]
    level = {p: 100 + (p // 100 - 2024) * 12 + p % 100 for p in months}  # 101 … 124
    value = {p: 10.0 * (p % 100) for p in months}
    frame = pd.DataFrame(
        {"period": months, "key": "total", "level": [level[p] for p in months]}
    ).assign(value=[value[p] for p in months])
    frame = frame[frame.period != 202503].astype({"period": "int32"})  # a missing month
    be, t = table(backend, "levels", frame)
    got = be.execute(with_rates(t, KEYS, {"level": "price", "value": "value"}))
    got = got.set_index("period").sort_index()
    assert got.at[202512, "price_yoy_pct"] == pytest.approx((124 / 112 - 1) * 100, rel=1e-12)
    assert got.at[202512, "price_mom_pct"] == pytest.approx((124 / 123 - 1) * 100, rel=1e-12)
    assert got.at[202501, "price_mom_pct"] == pytest.approx((113 / 112 - 1) * 100, rel=1e-12)
    # March 2025 is missing: no month-on-month change in April, nor year to date after it.
    assert math.isnan(got.at[202504, "price_mom_pct"])
    assert math.isnan(got.at[202512, "price_ytd_pct"])
    assert got.at[202502, "price_ytd_pct"] == pytest.approx(
        ((113 + 114) / (101 + 102) - 1) * 100, rel=1e-12
    )
    # Values: year to date is the change of the sum (equal here to the mean's).
    assert got.at[202502, "value_ytd_pct"] == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(got.at[202412, "price_yoy_pct"])  # no year before
