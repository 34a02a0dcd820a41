"""Additive contributions to the change of a Fisher index."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from entrepot.indices import contributions, price_index, quantity_index

# Three periods, two items. Only apples moves from t1 to t2 (× 1.1), only bread from t2 to t3
# (× 1.25). Each link's change is then all due to the item that moved.
RECORDS = pd.DataFrame(
    [
        ("t1", "apples", 1.0, 10),
        ("t1", "bread", 2.0, 5),
        ("t2", "apples", 1.1, 9),
        ("t2", "bread", 2.0, 6),
        ("t3", "apples", 1.1, 8),
        ("t3", "bread", 2.5, 4),
    ],
    columns=["period", "item", "price", "quantity"],
)


def by_cell(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(r.period, r.item): r.contribution for r in frame.itertuples()}


def test_chained_contributions_add_up_over_periods() -> None:
    links = price_index(RECORDS, "fisher", chain="links")["index"].tolist()
    f2, f3 = links[1], links[2]
    got = by_cell(contributions(RECORDS, chain="chained"))
    # t2: apples carries the whole link, f2 − 1; bread nothing.
    assert got["t2", "apples"] == pytest.approx(f2 - 1, rel=1e-14)
    assert got["t2", "bread"] == 0.0
    # t3: apples keeps f2 − 1; bread adds I(t2)·(f3 − 1) = f2·(f3 − 1).
    assert got["t3", "apples"] == pytest.approx(f2 - 1, rel=1e-14)
    assert got["t3", "bread"] == pytest.approx(f2 * (f3 - 1), rel=1e-14)
    chained = price_index(RECORDS, "fisher", chain="chained")["index"].iloc[2]
    assert got["t3", "apples"] + got["t3", "bread"] == pytest.approx(chained - 1, abs=1e-15)


def test_per_link_contributions() -> None:
    got = by_cell(contributions(RECORDS, chain="links", reference=100))
    f3 = price_index(RECORDS, "fisher", chain="links")["index"].iloc[2]
    assert got["t3", "apples"] == 0.0
    assert got["t3", "bread"] == pytest.approx(100 * (f3 - 1), rel=1e-14)


@pytest.mark.parametrize("chain", ["chained", "fixed", "links"])
@pytest.mark.parametrize("quantity", [False, True])
def test_contributions_sum_to_the_index_change(chain: str, quantity: bool) -> None:
    records = pd.concat(
        [RECORDS, pd.DataFrame([("t2", "cheese", 4.0, 2), ("t3", "cheese", 5.0, 3)],
                               columns=RECORDS.columns)]
    )  # fmt: skip
    got = contributions(records, chain=chain, base="t2", reference=100, quantity=quantity)
    index_chain = "links" if chain == "links" else chain
    index = price_index(records, "fisher", chain=index_chain, base="t2", reference=100,
                        quantity=quantity).set_index("period")["index"]  # fmt: skip
    sums = got.groupby("period")["contribution"].sum()
    target = index - 100 if chain != "links" else 100 * (index - 1)
    for period, total in sums.items():
        assert total == pytest.approx(target[period], abs=1e-12)
    assert "t2" not in sums.index or chain == "links"


def test_backwards_from_the_base() -> None:
    # With base t3, the change to t1 is I(t1)/I(t3) − 1, negative here.
    got = contributions(RECORDS, chain="chained", base="t3").groupby("period")["contribution"]
    index = price_index(RECORDS, "fisher", chain="chained", base="t3")["index"].iloc[0]
    assert got.sum()["t1"] == pytest.approx(index - 1, abs=1e-15)
    assert index < 1


def test_quantity_contributions_mirror_prices() -> None:
    q = quantity_index(RECORDS, "fisher", chain="links")["index"].iloc[1]
    got = contributions(RECORDS, chain="links", quantity=True)
    assert got[got.period == "t2"]["contribution"].sum() == pytest.approx(q - 1, abs=1e-15)
    # Apples volume fell 10 → 9, bread rose 5 → 6: opposite signs.
    cells = by_cell(got)
    assert cells["t2", "apples"] < 0 < cells["t2", "bread"]
    assert math.isfinite(cells["t2", "apples"])
