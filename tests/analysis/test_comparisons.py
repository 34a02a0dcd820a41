from __future__ import annotations

import math

import pandas as pd
import pytest

from entrepot.analysis.comparisons import KINDS, Comparison, compare, comparisons
from entrepot.errors import InputError
from entrepot.periods import Period


def monthly(values: dict[int, float]) -> pd.Series:
    return pd.Series(values, dtype=float)


def test_year_on_year_and_month_on_month() -> None:
    series = monthly({202412: 100.0, 202511: 120.0, 202512: 150.0})
    yoy = compare(series, Period(2025, 12), "yoy")
    assert (yoy.current, yoy.previous, yoy.change, yoy.change_pct) == (150.0, 100.0, 50.0, 50.0)
    assert (yoy.current_months, yoy.previous_months) == (
        ("2025-12", "2025-12"),
        ("2024-12", "2024-12"),
    )
    assert yoy.period == "2025-12" and yoy.note is None
    mom = compare(series, Period(2025, 12), "mom")
    assert (mom.previous, mom.change, mom.change_pct) == (120.0, 30.0, 25.0)


def test_a_missing_month_is_named_not_skipped() -> None:
    # No November 2024, and December 2024 is NaN: neither window is guessed from a row offset.
    series = monthly({202410: 90.0, 202412: math.nan, 202511: 120.0, 202512: 150.0})
    yoy = compare(series, Period(2025, 11), "yoy")
    assert (yoy.current, yoy.previous, yoy.change, yoy.change_pct) == (120.0, None, None, None)
    assert yoy.note == "missing 2024-11"
    three = compare(series, Period(2025, 12), "three_month")
    assert three.change_pct is None
    assert three.note == "missing 2024-11, 2024-12, 2025-10"


def test_zero_previous_has_no_rate() -> None:
    c = compare(monthly({202412: 0.0, 202512: 5.0}), Period(2025, 12), "yoy")
    assert (c.change, c.change_pct, c.note) == (5.0, None, "previous is zero")


def test_year_to_date() -> None:
    series = monthly(
        {202401: 10.0, 202402: 20.0, 202403: 30.0, 202501: 15.0, 202502: 25.0, 202503: 35.0}
    )
    c = compare(series, Period(2025, 3), "ytd")
    assert (c.current, c.previous, c.change) == (75.0, 60.0, 15.0)
    assert c.change_pct == pytest.approx(25.0, rel=1e-12)
    assert c.current_months == ("2025-01", "2025-03")
    assert c.previous_months == ("2024-01", "2024-03")


def test_january_february_combined_across_a_lunar_new_year_move() -> None:
    # The holiday fell in February 2024 (shipments rushed out in January) and in January
    # 2025: each month on its own swings wildly, the two together hardly move.
    series = monthly({202401: 120.0, 202402: 80.0, 202501: 90.0, 202502: 125.0})
    assert compare(series, Period(2025, 1), "yoy").change_pct == -25.0
    assert compare(series, Period(2025, 2), "yoy").change_pct == 56.25
    c = compare(series, Period(2025, 2), "jan_feb")
    assert (c.current, c.previous, c.change) == (215.0, 200.0, 15.0)
    assert c.change_pct == pytest.approx(7.5, rel=1e-12)
    assert c.current_months == ("2025-01", "2025-02")
    # Later in the year it is still January–February that is compared.
    assert compare(series, Period(2025, 3), "jan_feb").change_pct == pytest.approx(7.5)
    january = compare(series, Period(2025, 1), "jan_feb")
    assert (january.current, january.change, january.change_pct) == (None, None, None)
    assert january.note == "January and February are compared together from February on."


def seasonally_adjusted() -> pd.Series:
    return monthly({202500 + m: 10.0 * m for m in range(1, 7)})


def test_three_on_three() -> None:
    # April–June (40 + 50 + 60) against January–March (10 + 20 + 30).
    c = compare(seasonally_adjusted(), Period(2025, 6), "three_on_three")
    assert (c.current, c.previous, c.change, c.change_pct) == (150.0, 60.0, 90.0, 150.0)
    assert (c.current_months, c.previous_months) == (
        ("2025-04", "2025-06"),
        ("2025-01", "2025-03"),
    )
    mean = compare(seasonally_adjusted(), Period(2025, 6), "three_on_three", how="mean")
    assert (mean.current, mean.previous, mean.change, mean.change_pct) == (50.0, 20.0, 30.0, 150.0)
    # Not at a quarter end: May's three months against the three before them.
    may = compare(seasonally_adjusted(), Period(2025, 5), "three_on_three")
    assert may.current_months == ("2025-03", "2025-05") and may.note == "missing 2024-12"


def test_quarter_only_at_quarter_ends() -> None:
    c = compare(seasonally_adjusted(), Period(2025, 6), "quarter")
    assert (c.current, c.previous, c.change_pct) == (150.0, 60.0, 150.0)
    may = compare(seasonally_adjusted(), Period(2025, 5), "quarter")
    assert (may.current, may.change, may.change_pct) == (None, None, None)
    assert may.note == "quarter on quarter only at quarter ends"
    assert may.current_months == ("2025-04", "2025-06")


def test_three_months_on_a_year_earlier() -> None:
    series = monthly({202410: 1.0, 202411: 2.0, 202412: 3.0, 202510: 2.0, 202511: 2.0, 202512: 5.0})
    c = compare(series, Period(2025, 12), "three_month")
    assert (c.current, c.previous, c.change) == (9.0, 6.0, 3.0)
    assert c.change_pct == pytest.approx(50.0, rel=1e-12)


def test_every_kind_and_errors() -> None:
    found = comparisons(seasonally_adjusted(), Period(2025, 6))
    assert list(found) == list(KINDS)
    assert all(isinstance(c, Comparison) for c in found.values())
    assert found["mom"].change_pct == 20.0
    assert found["yoy"].as_dict()["note"] == "missing 2024-06"
    with pytest.raises(InputError, match="'wow' is not one of"):
        compare(seasonally_adjusted(), Period(2025, 6), "wow")
    with pytest.raises(InputError, match="how 'median'"):
        compare(seasonally_adjusted(), Period(2025, 6), "yoy", how="median")
