"""Seasonal adjustment with the real X-13ARIMA-SEATS binary (and STL when it cannot fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from entrepot.analysis.holidays import regressor
from entrepot.analysis.seasonal import adjust
from entrepot.errors import InputError

FACTORS = [0.9, 0.85, 1.0, 1.02, 1.05, 1.03, 1.04, 1.06, 1.05, 1.08, 1.1, 0.97]


def built(start: str, end: str, *, lny_effect: float, seed: int = 1) -> pd.Series:
    """Growth × fixed monthly factors × a Lunar New Year effect × 1% noise."""
    periods = pd.period_range(start, end, freq="M")
    rng = np.random.default_rng(seed)
    season = np.array([FACTORS[p.month - 1] for p in periods])
    holiday = np.exp(lny_effect * regressor(periods).to_numpy())
    trend = 100 * np.exp(0.004 * np.arange(len(periods)))
    return pd.Series(trend * season * holiday * np.exp(rng.normal(0, 0.01, len(periods))), periods)


def test_x13_removes_known_seasonality_and_finds_the_lunar_new_year() -> None:
    series = built("2012-01", "2025-12", lny_effect=-0.3)
    result = adjust(series)
    assert result.method == "x13"
    assert result.model.startswith("(") and result.model != "unknown"
    # X-13's own test finds no seasonality left in the adjusted series.
    assert result.residual_qs is not None and result.residual_qs[1] > 0.05
    # The holiday effect built in (-0.3 on logs) is found, and it is significant.
    assert result.regressors["lunar_new_year"] < -10
    # The adjusted series keeps the trend and loses the monthly factors: January's dip
    # (0.9 against December's 0.97) is gone.
    jan, dec = result.series[pd.Period("2025-01", "M")], result.series[pd.Period("2024-12", "M")]
    assert jan / dec == pytest.approx(np.exp(0.004), abs=0.03)
    assert result.series.index.equals(series.index)


@pytest.mark.parametrize("start", ["2012-01", "2023-01"])
def test_the_holiday_is_taken_out_of_the_adjusted_series(start: str) -> None:
    # Built with a strong holiday effect: what is left is the trend, within the noise.
    series = built(start, "2025-12", lny_effect=-0.3)
    result = adjust(series)
    trend = 100 * np.exp(0.004 * np.arange(len(series)))
    ratio = result.series.to_numpy() / trend
    # January and February of years when the holiday falls in January (2023, 2025) and in
    # February (2024) alike: the effect (up to 26% on a month) is gone.
    months = [i for i, p in enumerate(series.index) if p.month in (1, 2) and p.year >= 2023]
    assert np.abs(ratio[months] / np.median(ratio) - 1).max() < 0.05


def test_a_series_without_the_holiday_gives_no_significant_regressor() -> None:
    result = adjust(built("2012-01", "2025-12", lny_effect=0.0, seed=3))
    assert result.method == "x13"
    assert abs(result.regressors.get("lunar_new_year", 0.0)) < 3


def test_two_years_are_adjusted_by_stl_and_say_why() -> None:
    series = built("2024-01", "2025-12", lny_effect=0.0)
    result = adjust(series)
    assert result.method == "stl" and result.model == "STL(period=12, robust)"
    assert result.notes == ("24 months are fewer than the 36 X-13 needs",)
    assert len(result.series) == 24 and (result.series > 0).all()


def test_bad_series_are_refused() -> None:
    with pytest.raises(InputError, match="at least 24 months"):
        adjust(built("2025-01", "2025-12", lny_effect=0.0))
    gap = built("2012-01", "2025-12", lny_effect=0.0).drop(pd.Period("2020-05", "M"))
    with pytest.raises(InputError, match="every month from 2012-01 to 2025-12; 1 are missing"):
        adjust(gap)
    with pytest.raises(InputError, match="indexed by monthly periods"):
        adjust(pd.Series([1.0, 2.0]))


def test_the_airline_model_when_the_automatic_one_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import entrepot.analysis.seasonal as seasonal

    real = seasonal._x13

    def automatic_fails(series: pd.Series, lny: bool, model: str | None = None) -> object:
        if model is None:
            raise RuntimeError("ERROR: too few observations after differencing")
        return real(series, lny, model=model)

    monkeypatch.setattr(seasonal, "_x13", automatic_fails)
    result = adjust(built("2012-01", "2025-12", lny_effect=-0.3))
    assert (result.method, result.model) == ("x13", "(0 1 1)(0 1 1)")
    assert result.notes[0] == (
        "automatic model failed: ERROR: too few observations after differencing"
    )
    assert result.regressors["lunar_new_year"] < -10
    assert result.residual_qs is not None and result.residual_qs[1] > 0.05
