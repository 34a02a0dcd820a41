"""The Lunar New Year dates and regressor."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from entrepot.analysis.holidays import LUNAR_NEW_YEAR, lunar_new_year, regressor, window_shares
from entrepot.errors import InputError


def test_dates_as_published() -> None:
    # Hong Kong's public holidays (the first day of the Lunar New Year).
    assert lunar_new_year(2020) == date(2020, 1, 25)
    assert lunar_new_year(2021) == date(2021, 2, 12)
    assert lunar_new_year(2024) == date(2024, 2, 10)
    assert lunar_new_year(2025) == date(2025, 1, 29)
    assert lunar_new_year(2026) == date(2026, 2, 17)
    assert sorted(LUNAR_NEW_YEAR) == list(range(1990, 2036))
    # Always between 21 January and 20 February.
    assert all(date(y, 1, 21) <= d <= date(y, 2, 20) for y, d in LUNAR_NEW_YEAR.items())
    with pytest.raises(InputError, match="cover 1990–2035, not 2040"):
        lunar_new_year(2040)


def test_window_shares_by_hand() -> None:
    # 2025-01-29: the ten days 20–29 January all fall in January.
    assert window_shares(2025) == {1: pytest.approx(1.0)}
    # 2024-02-10: 1–10 February, all in February.
    assert window_shares(2024) == {2: pytest.approx(1.0)}
    # 2021-02-12: 3–12 February; with a 20-day window, 24–31 January (8 days) and 1–12 Feb.
    assert window_shares(2021, days=20) == {1: pytest.approx(0.4), 2: pytest.approx(0.6)}


def test_regressor_carries_only_the_holidays_movement() -> None:
    periods = pd.period_range("1990-01", "2035-12", freq="M")
    lny = regressor(periods)
    # Zero outside January and February; each calendar month averages zero over the table.
    assert (lny[[p.month not in (1, 2) for p in periods]] == 0).all()
    for month in (1, 2):
        assert lny[[p.month == month for p in periods]].mean() == pytest.approx(0, abs=1e-12)
    # January and February move against each other: their shares always add up to one.
    jan = lny[[p.month == 1 for p in periods]].to_numpy()
    feb = lny[[p.month == 2 for p in periods]].to_numpy()
    assert (jan + feb) == pytest.approx([0.0] * len(jan), abs=1e-12)
    # A late New Year (2026-02-17) weighs on February, an early one (2025-01-29) on January.
    assert lny[pd.Period("2026-02", "M")] > 0 > lny[pd.Period("2026-01", "M")]
    assert lny[pd.Period("2025-01", "M")] > 0 > lny[pd.Period("2025-02", "M")]
