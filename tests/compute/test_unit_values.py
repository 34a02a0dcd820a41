"""Relatives match each cell with its own past, and only with that."""

from __future__ import annotations

import pandas as pd
import pytest

from entrepot.compute.unit_values import ELEMENTARY_KEY, elementary, year_ago_relatives

from .conftest import Make


def patchy_cells() -> pd.DataFrame:
    """Two items over three years with gaps: B skips 2024-03 and 2025-07, and C appears
    only in 2025; unit values differ every month so that a wrong match shows."""
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            rows.append((period, "A", 100.0 + period % 1000, 10.0))
            if period not in (202403, 202507):
                rows.append((period, "B", 50.0 + month * year % 7, 5.0 + month))
            if year == 2025:
                rows.append((period, "C", 20.0, 2.0))
    frame = pd.DataFrame(rows, columns=["period", "commodity", "value", "quantity"])
    return frame.assign(
        flow="imports", partner="JPN", consignment="JPN", unit="KG", mode="sea", records=1
    )


def test_year_ago_relatives_pair_each_month_with_the_same_month_before(backend: Make) -> None:
    cells = patchy_cells()
    be = backend({"cells": cells})
    got = be.execute(year_ago_relatives(elementary(be.table("cells")), ELEMENTARY_KEY))
    got = got.sort_values(["period", "commodity"], ignore_index=True)

    uv = cells.assign(uv=cells.value / cells.quantity)
    before = uv.assign(period=uv.period + 100)
    want = uv.merge(before, on=["period", "commodity"], suffixes=("", "_0"))
    want = want.sort_values(["period", "commodity"], ignore_index=True)

    # A: 24 months. B: 2024 less March (11), 2025 less March (no 2024-03) and July (10).
    assert len(got) == len(want) == 24 + 11 + 10
    assert list(got.commodity) == list(want.commodity)
    assert list(got.period) == list(want.period)
    assert list(got.v0) == pytest.approx(list(want.value_0), rel=1e-15)
    assert list(got.v1) == pytest.approx(list(want.value), rel=1e-15)
    assert list(got.relative) == pytest.approx(list(want.uv / want.uv_0), rel=1e-14)
