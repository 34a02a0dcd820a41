from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entrepot.analysis.contributions import index_contributions, residual, value_contributions
from entrepot.errors import InputError
from entrepot.periods import Period

DECEMBER = Period(2025, 12)
COLUMNS = ["key", "label", "period", "value"]


def values(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([(k, f"name of {k}", p, v) for k, p, v in rows], columns=COLUMNS)


def test_month_contributions_by_hand() -> None:
    # Total 400 → 450 (+12.5%): A +50, new C +30, B −30.
    frame = values(
        [
            ("A", 202412, 100.0), ("A", 202512, 150.0),
            ("B", 202412, 300.0), ("B", 202512, 270.0),
            ("C", 202512, 30.0),
            ("A", 202511, 999.0),  # another month: not in the window
        ]
    )  # fmt: skip
    out = value_contributions(frame, DECEMBER, "month")
    assert list(out.key) == ["A", "C", "B"]
    assert list(out.label) == ["name of A", "name of C", "name of B"]
    assert list(out.current) == [150.0, 30.0, 270.0]
    assert list(out.previous) == [100.0, 0.0, 300.0]
    assert list(out.change) == [50.0, 30.0, -30.0]
    assert list(out.contribution_pp) == [12.5, 7.5, -7.5]
    assert list(out.share_of_change) == [1.0, 0.6, -0.6]
    assert out.growth_pct[0] == 50.0 and math.isnan(out.growth_pct[1])
    assert out.growth_pct[2] == -10.0


def test_year_to_date_and_year_windows() -> None:
    rows = [("A", y * 100 + m, float(y - 2023) * m) for y in (2024, 2025) for m in range(1, 13)]
    frame = values(rows)
    ytd = value_contributions(frame, Period(2025, 3), "ytd")
    # Jan–Mar: (1 + 2 + 3) · 1 → (1 + 2 + 3) · 2.
    assert (ytd.current[0], ytd.previous[0], ytd.growth_pct[0]) == (12.0, 6.0, 100.0)
    year = value_contributions(frame, Period(2025, 3), "year")
    assert (year.current[0], year.previous[0]) == (156.0, 78.0)
    with pytest.raises(InputError, match="No figures for 2024-07"):
        value_contributions(frame[frame.period != 202407], Period(2025, 3), "year")
    with pytest.raises(InputError, match="Window 'week'"):
        value_contributions(frame, DECEMBER, "week")


def test_no_total_change_has_no_share() -> None:
    frame = values(
        [("A", 202412, 10.0), ("A", 202512, 15.0), ("B", 202412, 5.0), ("B", 202512, 0.0)]
    )
    out = value_contributions(frame, DECEMBER, "month")
    assert list(out.change) == [5.0, -5.0]
    assert out.share_of_change.isna().all()
    assert list(out.contribution_pp) == [pytest.approx(100 / 3), pytest.approx(-100 / 3)]


amounts = st.one_of(st.none(), st.floats(min_value=0, max_value=1e12, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=8))
def test_contributions_add_up_to_the_total(pairs: list[tuple[float | None, float | None]]) -> None:
    rows = [("_anchor", 202412, 1.0), ("_anchor", 202512, 1.0)]  # both months are held
    for i, (before, now) in enumerate(pairs):
        if before is not None:
            rows.append((f"k{i}", 202412, before))
        if now is not None:
            rows.append((f"k{i}", 202512, now))
    frame = values(rows)
    out = value_contributions(frame, DECEMBER, "month")
    current = math.fsum(frame.value[frame.period == 202512])
    previous = math.fsum(frame.value[frame.period == 202412])
    assert len(out) == 1 + sum(pair != (None, None) for pair in pairs)  # one row per key
    # Rounding is relative to the values summed, not to their (possibly tiny) difference.
    err = 1e-12 * max(current, previous)
    assert math.fsum(out.change) == pytest.approx(current - previous, rel=1e-9, abs=err)
    growth = (current - previous) / previous * 100
    assert math.fsum(out.contribution_pp) == pytest.approx(
        growth, rel=1e-9, abs=1e-9 + 100 * err / previous
    )
    if current != previous:
        assert math.fsum(out.share_of_change) == pytest.approx(
            1.0, rel=1e-9, abs=1e-9 + err / abs(current - previous)
        )
    assert list(out.change) == sorted(out.change, reverse=True)


def components() -> pd.DataFrame:
    # Weights from December 2024's values: A 60%, B 40% (December 2025's 80/20 must not
    # matter). Prices: A +10%, B −5%; volumes: A +20%, B flat.
    return pd.DataFrame(
        [
            ("A", "Machinery", 202412, 60.0, 100.0, 100.0),
            ("B", "Clothing", 202412, 40.0, 100.0, 100.0),
            ("A", "Machinery", 202512, 80.0, 110.0, 120.0),
            ("B", "Clothing", 202512, 20.0, 95.0, 100.0),
        ],
        columns=["key", "label", "period", "value", "price_index", "volume_index"],
    )


def test_index_contributions_by_hand() -> None:
    price = index_contributions(components(), DECEMBER, measure="price")
    assert list(price.key) == ["A", "B"]
    assert list(price.weight) == [0.6, 0.4]
    assert list(price.growth_pct) == [pytest.approx(10.0), pytest.approx(-5.0)]
    assert list(price.contribution_pp) == [pytest.approx(6.0), pytest.approx(-2.0)]
    # A Laspeyres aggregate on the same weights, 0.6 · 110 + 0.4 · 95 = 104, is exactly
    # additive; a chain-linked aggregate of +4.3% leaves 0.3 points to interaction and mix.
    assert residual(price, 4.0) == pytest.approx(0.0, abs=1e-12)
    with_residual = index_contributions(components(), DECEMBER, measure="price", aggregate_pct=4.3)
    last = with_residual.iloc[-1]
    assert last.key == "_residual" and last.label.startswith("interaction and mix")
    assert last.contribution_pp == pytest.approx(0.3)
    assert math.isnan(last.weight)
    assert with_residual.contribution_pp.sum() == pytest.approx(4.3)
    volume = index_contributions(components(), DECEMBER, measure="volume")
    assert list(volume.contribution_pp) == [pytest.approx(12.0), 0.0]


def test_index_contribution_errors() -> None:
    with pytest.raises(InputError, match="Measure 'value'"):
        index_contributions(components(), DECEMBER, measure="value")
    with pytest.raises(InputError, match="No figures for 2024-11"):
        index_contributions(components(), Period(2025, 11), measure="price")
