"""Untidy panels: period spellings and order, repeated rows, gaps, implicit indices.

The hand-checked panel: apples 1.0 × 10 → 1.1 × 10, bread 2.0 × 5 → 2.0 × 6.
Σp0q0 = 20, Σp1q0 = 21 (Laspeyres 1.05), Σp1q1 = 23, Σp0q1 = 22 (Paasche 23/22).
"""

from __future__ import annotations

import logging
import math

import pandas as pd
import pytest

from entrepot.errors import InputError
from entrepot.indices import build_panel, contributions, price_index, quantity_index

COLUMNS = ["period", "item", "price", "quantity"]


def records(*rows: tuple[object, str, float, float]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def index(frame: pd.DataFrame, formula: str = "laspeyres", **options: object) -> list[object]:
    got = price_index(frame, formula, **options)  # type: ignore[arg-type]
    return list(zip(got["period"], got["index"], strict=True))


# -- periods ---------------------------------------------------------------------------


def test_month_spellings_merge_and_sort_whatever_the_row_order() -> None:
    frame = records(
        ("2024M02", "apples", 1.1, 10),
        ("202401", "apples", 1.0, 10),
        ("2024-2", "bread", 2.0, 6),
        ("2024-01", "bread", 2.0, 5),
    )
    assert index(frame) == [("2024-01", 1.0), ("2024-02", pytest.approx(1.05, rel=1e-15))]


def test_quarters_dates_and_numbers_sort_chronologically() -> None:
    def periods(*labels: object) -> list[object]:
        frame = records(*[(label, "a", 1.0 + i, 1.0) for i, label in enumerate(labels)])
        return price_index(frame, "jevons")["period"].tolist()

    assert periods("2024-Q3", "2024q1", "2023-Q4") == ["2023-Q4", "2024-Q1", "2024-Q3"]
    assert periods("2024-02-29", "2024-01-31", "2023-12-31") == [
        "2023-12-31", "2024-01-31", "2024-02-29",
    ]  # fmt: skip
    assert periods("10", "9", "2") == [2, 9, 10]  # numbers, not text order
    assert periods(2025, 2023, 2024) == [2023, 2024, 2025]


def test_base_in_another_spelling() -> None:
    frame = records(
        ("2024-01", "apples", 1.0, 10),
        ("2024-01", "bread", 2.0, 5),
        ("2024-02", "apples", 1.1, 10),
        ("2024-02", "bread", 2.0, 6),
    )
    got = price_index(frame, "laspeyres", base="2024M2", reference=100)["index"].tolist()
    # Base 2024-02 weighs with its quantities: Σp(01)q(02)/Σp(02)q(02) = 22/23.
    assert got == pytest.approx([100 * 22 / 23, 100], rel=1e-15)


def test_a_period_that_cannot_be_read_is_named_with_its_row() -> None:
    frame = records(("2024-01", "a", 1.0, 1), ("Feb 2024", "a", 2.0, 1), ("2024-13", "a", 2, 1))
    with pytest.raises(InputError) as info:
        price_index(frame, "jevons")
    message = str(info.value)
    assert "Period 'Feb 2024' in row 1 of column 'period' is not a period" in message
    assert "(and 1 other values)" in message
    assert "2024M01" in message and "2024-Q1" in message and "2024-01-31" in message


def test_labels_that_are_no_period_keep_their_order_unless_parse() -> None:
    frame = records(("t2", "a", 2.0, 1), ("t1", "a", 1.0, 1))
    assert index(frame, "jevons") == [("t2", 1.0), ("t1", 0.5)]
    with pytest.raises(InputError, match="Period 't2' in row 0"):
        price_index(frame, "jevons", periods="parse")
    given = records(("2024-02", "a", 2.0, 1), ("2024-01", "a", 1.0, 1))
    assert index(given, "jevons", periods="given") == [("2024-02", 1.0), ("2024-01", 0.5)]
    with pytest.raises(InputError, match="Unknown periods 'sorted': use one of parse, auto"):
        price_index(frame, "jevons", periods="sorted")


def test_months_and_dates_do_not_mix() -> None:
    # A date is a day: 2024-01-31 is not taken for the month 2024-01.
    frame = records(("2024-01", "a", 1.0, 1), ("2024-01-31", "a", 2.0, 1))
    with pytest.raises(InputError) as info:
        price_index(frame, "jevons")
    assert str(info.value).startswith(
        "Column 'period' mixes months and dates: '2024-01' in row 0 and '2024-01-31' in row 1."
    )


def test_rows_are_named_by_line_when_the_index_is_named_line() -> None:
    frame = records(("2024-01", "a", 1.0, 1), ("2024-02", "a", -2.0, 1))
    frame.index = pd.RangeIndex(2, 4, name="line")
    with pytest.raises(InputError, match=r"in period '2024-02' \(line 3\)"):
        price_index(frame, "jevons")


# -- repeated rows -----------------------------------------------------------------------

TWO = records(
    ("2024-01", "apples", 1.0, 10),
    ("2024-01", "bread", 2.0, 5),
    ("2024-02", "apples", 1.1, 10),
    ("2024-02", "bread", 2.0, 6),
)
REPEATED = pd.concat([TWO, TWO.iloc[[2]]], ignore_index=True)  # apples of 2024-02 twice


def test_exact_repeats_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="entrepot.indices"):
        got = price_index(REPEATED, "paasche")["index"].tolist()
    assert got == pytest.approx([1, 23 / 22], rel=1e-15)
    assert caplog.messages == [
        "1 row(s) repeat an earlier row in every column and are left out (row 4); "
        "duplicates sum counts every one, reject refuses them."
    ]


def test_exact_repeats_summed_or_rejected() -> None:
    # Summed, apples sells 20 in 2024-02: Paasche = (22 + 12)/(20 + 12) = 34/32.
    got = price_index(REPEATED, "paasche", duplicates="sum")["index"].tolist()
    assert got == pytest.approx([1, 34 / 32], rel=1e-15)
    with pytest.raises(InputError, match=r"^1 row\(s\) repeat an earlier row .*\(row 4\)"):
        price_index(REPEATED, "paasche", duplicates="reject")
    with pytest.raises(InputError, match="Unknown duplicates 'keep'"):
        price_index(REPEATED, "paasche", duplicates="keep")


def test_a_repeat_in_another_spelling_is_a_repeat_and_other_columns_tell_rows_apart() -> None:
    respelled = pd.concat([TWO, TWO.iloc[[2]].assign(period="202402")], ignore_index=True)
    assert price_index(respelled, "paasche")["index"].iloc[1] == pytest.approx(23 / 22)
    # Two outlets selling the same quantity at the same price are two sales.
    outlets = pd.concat([TWO.assign(outlet="x"), TWO.iloc[[2]].assign(outlet="y")])
    assert price_index(outlets, "paasche")["index"].iloc[1] == pytest.approx(34 / 32)


def test_unequal_repeats_still_form_a_unit_value() -> None:
    # Apples in 2024-02: 10 at 1.1 and 10 at 1.3 → 20 at 1.2.
    frame = pd.concat([TWO, records(("2024-02", "apples", 1.3, 10))], ignore_index=True)
    panel = build_panel(frame)
    assert panel.prices[1].tolist() == pytest.approx([1.2, 2.0])
    assert panel.quantities[1].tolist() == [20.0, 6.0]


# -- gaps ------------------------------------------------------------------------------

GAP = pd.concat([TWO, records(("2024-03", "cheese", 4.0, 2), ("2024-04", "cheese", 5.0, 2))])


def test_no_item_in_common_is_a_stated_gap(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="entrepot.indices"):
        fixed = price_index(GAP, "laspeyres")["index"].tolist()
    assert fixed[:2] == pytest.approx([1, 1.05]) and all(map(math.isnan, fixed[2:]))
    assert caplog.messages == [
        f"No index for 2024-0{m}: 2024-01 and 2024-0{m} have no item in common. The value is "
        "left empty (NaN), a gap in the series."
        for m in (3, 4)
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="entrepot.indices"):
        links = price_index(GAP, "laspeyres", chain="links")["index"].tolist()
    # The link 2024-03 → 2024-04 compares cheese with itself: 5/4.
    assert math.isnan(links[2]) and links[3] == pytest.approx(1.25)
    assert caplog.messages == [
        "No index for 2024-03: 2024-02 and 2024-03 have no item in common. The value is left "
        "empty (NaN), a gap in the series."
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="entrepot.indices"):
        price_index(GAP, "laspeyres", chain="chained")
    assert caplog.messages == [
        "No index for 2024-03, 2024-04: the chain breaks where 2024-02 and 2024-03 have no "
        "item in common. The value is left empty (NaN), a gap in the series."
    ]


def test_a_period_of_zero_quantities_is_an_error_for_weighted_formulas() -> None:
    frame = TWO.assign(quantity=[10.0, 5.0, 0.0, 0.0])
    with pytest.raises(InputError) as info:
        price_index(frame, "fisher")
    assert str(info.value) == (
        "Period 2024-02 has only zero quantities: fisher weighs prices by quantities and has "
        "nothing to weigh with there. Leave the period out, or use an unweighted formula "
        "(jevons, dutot, carli)."
    )
    with pytest.raises(InputError, match="In the group flow='x': Period 2024-02 has only zero"):
        contributions(frame.assign(flow="x"), by="flow")
    # Unweighted formulas do not need quantities: √(1.1 · 1).
    assert price_index(frame, "jevons")["index"].iloc[1] == pytest.approx(1.1**0.5)


def test_zero_quantities_on_the_shared_items_are_a_gap(caplog: pytest.LogCaptureFixture) -> None:
    # 2024-02 shares apples only, sold 0 there; cheese carries its quantity.
    frame = records(
        ("2024-01", "apples", 1.0, 10),
        ("2024-02", "apples", 1.1, 0),
        ("2024-02", "cheese", 4.0, 2),
    )
    with caplog.at_level(logging.WARNING, logger="entrepot.indices"):
        got = price_index(frame, "paasche")["index"].tolist()
    assert math.isnan(got[1])
    assert "the items 2024-01 and 2024-02 share have only zero quantities" in caplog.text


# -- implicit quantity index -------------------------------------------------------------


@pytest.mark.parametrize("chain", ["fixed", "chained", "links"])
@pytest.mark.parametrize("formula", ["fisher", "laspeyres", "tornqvist"])
def test_implicit_quantity_times_price_is_the_value_ratio(chain: str, formula: str) -> None:
    three = pd.concat([TWO, records(("2024-03", "apples", 1.2, 9), ("2024-03", "bread", 2.5, 6))])
    value = three.assign(v=three.price * three.quantity).groupby("period")["v"].sum()
    ratio = (value / value.shift() if chain == "links" else value / value.iloc[0]).to_numpy()
    p = price_index(three, formula, chain=chain)["index"].to_numpy()
    q = quantity_index(three, formula, chain=chain, implicit=True)["index"].to_numpy()
    start = 1 if chain == "links" else 0
    assert (q * p)[start:] == pytest.approx(ratio[start:], rel=1e-15)


def test_implicit_laspeyres_quantity_is_the_paasche_quantity_index() -> None:
    # Value ratio 23/20 over Laspeyres 21/20 = 23/21 = Σp1q1/Σp1q0, in index points.
    got = quantity_index(TWO, "laspeyres", implicit=True, reference=100)["index"].tolist()
    assert got == pytest.approx([100, 100 * 23 / 21], rel=1e-15)
    direct = quantity_index(TWO, "laspeyres", reference=100)["index"].tolist()
    assert direct == pytest.approx([100, 110], rel=1e-15)  # Σp0q1/Σp0q0 = 22/20
