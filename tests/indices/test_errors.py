"""Every user error is an InputError whose message names the culprit and what was expected."""

from __future__ import annotations

import pandas as pd
import pytest

from entrepot.errors import InputError
from entrepot.indices import contributions, list_formulas, price_index

RECORDS = pd.DataFrame(
    {
        "period": ["2025-01", "2025-01", "2025-02", "2025-02", "2025-03", "2025-03"],
        "item": ["a", "b", "a", "b", "a", "b"],
        "price": [1.0, 2.0, 1.1, 2.1, 1.2, 2.2],
        "quantity": [3.0, 4.0, 3.0, 5.0, 2.0, 5.0],
    }
)


def error(**kwargs: object) -> str:
    records = kwargs.pop("records", RECORDS)
    formula = kwargs.pop("formula", "fisher")
    with pytest.raises(InputError) as info:
        price_index(records, formula, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_missing_column_shows_the_existing_ones() -> None:
    message = error(price="unit_price")
    assert "'unit_price'" in message
    assert "Existing columns: 'period', 'item', 'price', 'quantity'" in message


def test_missing_quantity_column_for_a_weighted_formula() -> None:
    message = error(records=RECORDS.drop(columns="quantity"))
    assert "'quantity'" in message and "Existing columns" in message


@pytest.mark.parametrize("bad", [0.0, -1.5])
def test_non_positive_price(bad: float) -> None:
    records = RECORDS.copy()
    records.loc[3, "price"] = bad
    message = error(records=records)
    assert "'price'" in message and "positive" in message
    assert "'b'" in message and "'2025-02'" in message


def test_missing_price() -> None:
    records = RECORDS.copy()
    records.loc[2, "price"] = None
    message = error(records=records)
    assert "missing or non-numeric" in message and "'price'" in message


def test_negative_quantity() -> None:
    records = RECORDS.copy()
    records.loc[4, "quantity"] = -2.0
    message = error(records=records)
    assert "'quantity'" in message and "zero or positive" in message and "'2025-03'" in message


def test_unknown_formula_lists_the_known_ones() -> None:
    message = error(formula="fischer")
    assert "'fischer'" in message
    for name in ("fisher", "tornqvist", "geks_fisher", "geary_khamis", "wtpd"):
        assert name in message
    assert len(list_formulas()) > 40


def test_base_period_not_in_panel() -> None:
    message = error(base="2024-12")
    assert "'2024-12'" in message and "from '2025-01' to '2025-03'" in message


def test_basket_period_not_in_panel() -> None:
    message = error(formula="lowe", basket="2019-01")
    assert "Basket period '2019-01'" in message


def test_window_larger_than_the_panel() -> None:
    message = error(formula="geks_fisher", window=4)
    assert "window=4" in message and "(3)" in message


def test_window_too_small() -> None:
    assert "at least 2" in error(formula="geks_fisher", window=1)


def test_unknown_splice() -> None:
    message = error(formula="geks_fisher", window=2, splice="moving")
    assert "'moving'" in message and "movement" in message and "mean_pub" in message


def test_unknown_chain() -> None:
    assert "'chain-linked'" in error(chain="chain-linked")


def test_window_with_a_bilateral_formula() -> None:
    message = error(formula="tornqvist", window=2)
    assert "bilateral" in message and "geks_tornqvist" in message


def test_chained_multilateral() -> None:
    assert "window=" in error(formula="geks_fisher", chain="chained")


def test_missing_and_misplaced_parameters() -> None:
    assert "sigma=" in error(formula="lloyd_moulton")
    assert "sigma= does not apply to fisher" in error(sigma=0.5)
    assert "lowe" in error(basket="2025-01")


def test_empty_panel() -> None:
    assert "no rows" in error(records=RECORDS.iloc[:0])


def test_contributions_errors() -> None:
    with pytest.raises(InputError, match="Unknown chain"):
        contributions(RECORDS, chain="pop")
    with pytest.raises(InputError, match="'2030-01' is not in the panel"):
        contributions(RECORDS, base="2030-01")
