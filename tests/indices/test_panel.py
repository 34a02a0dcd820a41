"""The dense panel: matching by id, unit values, period order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from entrepot.indices import build_panel, price_index


def test_cells_by_id_with_nan_where_unobserved() -> None:
    records = pd.DataFrame(
        {
            "month": [202501, 202501, 202502],
            "hs8": ["85423190", "61091000", "85423190"],
            "uv": [3.0, 5.0, 4.0],
            "qty": [2.0, 1.0, 7.0],
        }
    )
    panel = build_panel(records, period="month", item="hs8", price="uv", quantity="qty")
    assert panel.periods.tolist() == [202501, 202502]
    # Items come sorted, whatever the order of the rows.
    assert panel.items.tolist() == ["61091000", "85423190"]
    np.testing.assert_array_equal(panel.prices, [[5.0, 3.0], [np.nan, 4.0]])
    np.testing.assert_array_equal(panel.quantities, [[1.0, 2.0], [np.nan, 7.0]])
    assert panel.values.tolist() == [11.0, 28.0]


def test_unit_value_and_zero_quantity_cells() -> None:
    records = pd.DataFrame(
        {
            "period": [1, 1, 1, 2, 2],
            "item": ["a", "a", "b", "b", "b"],
            "price": [2.0, 4.0, 10.0, 8.0, 12.0],
            "quantity": [1.0, 3.0, 0.0, 0.0, 0.0],
        }
    )
    panel = build_panel(records)
    # a in period 1: (2 + 12)/4 = 3.5. b has no quantity: the mean of its prices.
    assert panel.prices[0].tolist() == [3.5, 10.0]
    assert panel.prices[1, 1] == 10.0
    assert panel.quantities[0].tolist() == [4.0, 0.0]


def test_a_built_panel_can_be_reused() -> None:
    records = pd.DataFrame(
        {"period": [1, 1, 2, 2], "item": [1, 2, 1, 2], "price": [1.0, 1.0, 2.0, 1.0],
         "quantity": [1.0, 1.0, 1.0, 1.0]}
    )  # fmt: skip
    panel = build_panel(records)
    assert price_index(panel, "laspeyres")["index"].tolist() == pytest.approx([1, 1.5])
    assert price_index(panel, "jevons")["index"].tolist() == pytest.approx([1, 2**0.5])


def test_periods_as_timestamps_and_text_bases() -> None:
    records = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01"]),
            "item": ["a", "b", "a", "b"],
            "price": [1.0, 1.0, 1.5, 1.0],
            "quantity": [1.0, 1.0, 1.0, 1.0],
        }
    )
    got = price_index(records, "laspeyres", base="2025-02-01", reference=100)
    assert got["index"].tolist() == pytest.approx([80.0, 100.0])
