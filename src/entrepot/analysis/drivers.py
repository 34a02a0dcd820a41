"""The drivers behind a month's figures: surges, the product mix, the transport modes.

**Surges.** A surge is a run of months that a series' own history cannot explain. The
history is fitted up to a cutoff (by default 12 months before the series ends, so the
latest year is judged by the years before it) with a regression on log values: a level, a
linear trend and, where an F-test keeps them, fixed month-of-year effects and then the
Lunar New Year regressor of :mod:`.holidays`. The months after the cutoff are forecast
with the regression's prediction error (residual noise plus the uncertainty of the fitted
trend, which widens the band as the horizon grows), and a month is flagged when its value
lies more than ``threshold`` prediction standard errors above the forecast. Why this model and not ETS or SARIMA: with two years of history
(24 points) an ETS or SARIMA fit has as many free states as observations and its
prediction intervals are unreliable; a deterministic trend and season on logs is the
model those fits reduce to for short series, its prediction error is exact under normal
noise (t with the residual degrees of freedom), and the model choice is two nested
F-tests rather than a numerical optimisation that can fail to converge.

A series can be judged against a ``benchmark`` (in :func:`scan`, the rest of its group):
the regression is then on the log ratio to the benchmark, so a partner growing with all
of Hong Kong's exports is not a surge, one outgrowing them is. The excess is still in
HK$: the value above what the series would be had it kept its historical ratio.

**Mix shift** and **transport** are plain shares with year-on-year changes in percentage
points, joined on the same month a year earlier (``period - 100``), never on the row
twelve rows back, because months can be missing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from ..errors import InputError
from ..periods import Period
from .holidays import regressor

THRESHOLD = 3.0
"""How far above the forecast a month must lie to be flagged, in standard normal units:
the gap over its prediction standard error is t-distributed with the fit's residual
degrees of freedom, and is mapped to the normal value with the same tail probability, so
a fit on few degrees of freedom is not trusted more than it deserves. A month of pure
noise passes it 0.13% of the time; with ``MIN_RUN`` months in a row, 2.7% of the sample's
partner × division series without a planted event are flagged (see the tests)."""

MIN_RUN = 2
"""Consecutive flagged months needed before a series counts as surging: one month above
the band is too often a single bad record or a shipment booked a month late."""

HORIZON = 12
"""Months evaluated by default: the cutoff is this many months before the series ends."""

MIN_VALUE = 10e6
"""Series averaging less than HK$10 million a month over the fitted history are skipped
by :func:`scan`: they are a few shipments each and wander by tens of per cent from month
to month, so any band wide enough to hold their noise hides every real event, and their
excess would be immaterial to the totals anyway."""

CARRIER_SHARE = 2.0 / 3.0
"""Share of the combined price and volume excess one side must carry alone to be named
the carrier; below it on both sides, the excess is carried by ``both``."""


@dataclass(frozen=True)
class Surge:
    """A run of months above what a series' history forecasts."""

    name: str
    start: str
    """YYYY-MM, the first flagged month (for a gradual rise, when the excess became
    distinguishable from noise, which is later than the turn itself)."""
    months: list[str] = field(hash=False)
    """Every flagged month from ``start`` on, YYYY-MM."""
    excess: float
    """HK$ above the forecast, summed over ``months``."""
    excess_pct: float
    """``excess`` as a percentage of the forecast over the same months."""
    carried_by: str | None
    """``volume``, ``price`` or ``both``: which index rose above its own forecast over
    the same months; None without price and volume series (or when neither rose)."""
    reversed: bool | None
    """Whether the months after the last flagged month fell back below the forecast
    (payback: their combined gap is more than one standard error below it); None when
    the series ends with the surge."""
    cutoff: str = ""
    """YYYY-MM, the last month of the fitted history."""
    model: str = ""
    """The fitted regression, e.g. ``log value ~ trend + month + lunar_new_year``."""
    keys: tuple[tuple[str, str], ...] = ()
    """The series' keys in :func:`scan` (column, value)."""
    z: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    """Each evaluated month's gap to the forecast in prediction standard errors, on the
    normal scale that ``threshold`` uses."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "keys": dict(self.keys),
            "start": self.start,
            "months": list(self.months),
            "excess": self.excess,
            "excess_pct": self.excess_pct,
            "carried_by": self.carried_by,
            "reversed": self.reversed,
            "cutoff": self.cutoff,
            "model": self.model,
        }


@dataclass(frozen=True)
class _Forecast:
    """Log actuals, log forecasts and prediction errors for the evaluated months."""

    periods: list[int]
    actual: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    model: str
    df: float
    """Residual degrees of freedom of the fit."""

    @property
    def z(self) -> np.ndarray:
        """Gaps in prediction standard errors, mapped from the t distribution with ``df``
        degrees of freedom onto the standard normal (same tail probability)."""
        t = (self.actual - self.mean) / self.se
        return np.asarray(stats.norm.isf(stats.t.sf(t, self.df)))


def surges(
    series: pd.Series,
    *,
    cutoff: Period | None = None,
    threshold: float = THRESHOLD,
    min_months: int = 24,
    price: pd.Series | None = None,
    volume: pd.Series | None = None,
    benchmark: pd.Series | None = None,
    min_run: int = MIN_RUN,
    name: str = "",
) -> Surge | None:
    """The surge in a monthly value series (HK$ by YYYYMM), or None if there is none.

    History up to ``cutoff`` (default: ``HORIZON`` months before the last month) is fitted
    and every later month judged against its forecast; a surge needs ``min_run`` flagged
    months in a row. With ``benchmark`` the series is judged by its ratio to it. Months
    with no positive value are treated as missing. Raises :class:`InputError` when fewer
    than ``min_months`` months precede the cutoff or none follow it.
    """
    if threshold <= 0 or min_run < 1 or min_months < 3:
        raise InputError(
            f"surges() needs threshold > 0, min_run >= 1 and min_months >= 3; got "
            f"threshold={threshold}, min_run={min_run}, min_months={min_months}."
        )
    values = _monthly(series, "series")
    base = None if benchmark is None else _monthly(benchmark, "benchmark")
    if values.empty:
        raise InputError(f"Series {name or '(unnamed)'} has no positive values.")
    end = Period.from_key(int(values.index.max()))
    cut = cutoff if cutoff is not None else end.shift(-HORIZON)
    forecast = _forecast(values, base, cut, min_months, name)
    z = forecast.z
    months = _flagged(forecast.periods, z, threshold, min_run)
    if not months:
        return None
    at = [forecast.periods.index(p) for p in months]
    actual, expected = np.exp(forecast.actual[at]), np.exp(forecast.mean[at])
    if base is not None:
        scale = base.reindex(months).to_numpy(dtype=float)
        actual, expected = actual * scale, expected * scale
    excess = float(np.sum(actual - expected))
    after = [i for i, p in enumerate(forecast.periods) if p > months[-1]]
    reversed_: bool | None = None
    if after:
        reversed_ = bool(np.sum(z[after]) / math.sqrt(len(after)) < -1.0)
    return Surge(
        name=name,
        start=str(Period.from_key(months[0])),
        months=[str(Period.from_key(p)) for p in months],
        excess=excess,
        excess_pct=excess / float(np.sum(expected)) * 100,
        carried_by=_carrier(price, volume, cut, min_months, months, name),
        reversed=reversed_,
        cutoff=str(cut),
        model=forecast.model,
        z={str(Period.from_key(p)): float(v) for p, v in zip(forecast.periods, z, strict=True)},
    )


def _monthly(series: pd.Series, what: str) -> pd.Series:
    """Positive values keyed by int YYYYMM, sorted; others dropped as missing."""
    try:
        index = [int(k) for k in series.index]
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"The {what} must be indexed by int periods YYYYMM (e.g. 202512); "
            f"got index values like {list(series.index[:3])}."
        ) from exc
    for key in index:
        Period.from_key(key)  # raises PeriodError for 202513 and the like
    out = pd.Series(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), index=index)
    if out.index.has_duplicates:
        raise InputError(f"The {what} has more than one value for a month; sum them first.")
    out = out[np.isfinite(out) & (out > 0)]
    return out.sort_index()


def _forecast(
    values: pd.Series, base: pd.Series | None, cut: Period, min_months: int, name: str
) -> _Forecast:
    """Fit log values (or log ratios to ``base``) up to ``cut``; forecast the rest."""
    label = "log value"
    y = np.log(values)
    if base is not None:
        y = (y - np.log(base)).dropna()
        label = "log ratio to benchmark"
    fit_part, test_part = y[y.index <= cut.key], y[y.index > cut.key]
    if len(fit_part) < min_months:
        raise InputError(
            f"Series {name or '(unnamed)'} has {len(fit_part)} months up to {cut}; a "
            f"forecast needs at least {min_months}."
        )
    if test_part.empty:
        raise InputError(
            f"Series {name or '(unnamed)'} has no month after the cutoff {cut} to judge."
        )
    fit_x = _design(list(fit_part.index))
    test_x = _design(list(test_part.index))
    result, columns = _fit(fit_part, fit_x, ["const", "trend"])
    for extra in (_MONTHS, ["lunar_new_year"]):
        if (fit_x[extra].abs().sum() == 0).any():  # a month never seen, or no holiday shift
            continue
        wider, wider_columns = _fit(fit_part, fit_x, [*columns, *extra])
        if wider.df_resid < 3:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, p_value, _ = wider.compare_f_test(result)
        if p_value < KEEP:
            result, columns = wider, wider_columns
    x = test_x[columns].to_numpy()
    # Threshold in standard normal units; the gap is t-distributed with the fit's degrees
    # of freedom, so the standardised gaps are mapped onto the normal scale.
    mean = x @ result.params
    se = np.sqrt(result.scale + np.einsum("ij,jk,ik->i", x, result.cov_params(), x))
    terms = ["trend"] + (["month"] if "m2" in columns else [])
    terms += ["lunar_new_year"] if "lunar_new_year" in columns else []
    return _Forecast(
        periods=[int(p) for p in test_part.index],
        actual=test_part.to_numpy(),
        mean=mean,
        se=np.maximum(se, 1e-12),
        df=float(result.df_resid),
        model=f"{label} ~ {' + '.join(terms)}",
    )


_MONTHS = [f"m{m}" for m in range(2, 13)]

KEEP = 0.05
"""p-value below which the month effects (an F-test against trend only, X-13's test for
stable seasonality) and then the Lunar New Year regressor are kept."""


def _fit(y: pd.Series, x: pd.DataFrame, columns: list[str]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small-sample notes statsmodels prints
        return sm.OLS(y.to_numpy(), x[columns].to_numpy()).fit(), columns


def _design(keys: list[int]) -> pd.DataFrame:
    """Regressors for months: level, trend in years, month dummies, Lunar New Year."""
    periods = [Period.from_key(k) for k in keys]
    out = pd.DataFrame(
        {"const": 1.0, "trend": [(p.index - Period(2000, 1).index) / 12 for p in periods]}
    )
    for m in range(2, 13):
        out[f"m{m}"] = [1.0 if p.month == m else 0.0 for p in periods]
    index = pd.PeriodIndex([pd.Period(year=p.year, month=p.month, freq="M") for p in periods])
    out["lunar_new_year"] = regressor(index).to_numpy()
    return out


def _flagged(periods: list[int], z: np.ndarray, threshold: float, min_run: int) -> list[int]:
    """Flagged months from the first run of ``min_run`` consecutive ones on."""
    above = [p for p, v in zip(periods, z, strict=True) if v > threshold]
    run: list[int] = []
    for p in above:
        consecutive = run and Period.from_key(run[-1]).shift(1).key == p
        run = [*run, p] if consecutive else [p]
        if len(run) >= min_run:
            return [q for q in above if q >= run[0]]
    return []


def _carrier(
    price: pd.Series | None,
    volume: pd.Series | None,
    cut: Period,
    min_months: int,
    months: list[int],
    name: str,
) -> str | None:
    """Whether volume, price or both rose above their own forecasts over ``months``
    (None without both indices, or when either is too short to forecast)."""
    if price is None or volume is None:
        return None
    gaps = []
    for what, index in (("price", price), ("volume", volume)):
        series = _monthly(index, what)
        if (series.index <= cut.key).sum() < min_months or not (series.index > cut.key).any():
            return None  # too short an index to forecast: no verdict
        forecast = _forecast(series, None, cut, min_months, f"{name} {what}")
        at = [i for i, p in enumerate(forecast.periods) if p in months]
        if not at:
            return None
        gaps.append(max(float(np.mean(forecast.actual[at] - forecast.mean[at])), 0.0))
    p, v = gaps
    if p + v == 0:
        return None
    if v / (p + v) >= CARRIER_SHARE:
        return "volume"
    if p / (p + v) >= CARRIER_SHARE:
        return "price"
    return "both"


def scan(
    frame: pd.DataFrame,
    *,
    by: Sequence[str],
    threshold: float = THRESHOLD,
    cutoff: Period | None = None,
    min_value: float = MIN_VALUE,
    within: Sequence[str] | None = (),
    min_months: int = 24,
    min_run: int = MIN_RUN,
    only: Mapping[str, Collection[str]] | None = None,
) -> list[Surge]:
    """Surges in every series of a long frame, largest excess first.

    ``frame`` has the ``by`` columns, ``period`` (YYYYMM), ``value`` and optionally
    ``price_index`` and ``volume_index``. Each series is judged against the rest of its
    group: the series sharing its ``within`` keys (``()``, the default: the whole frame;
    ``None``: no benchmark, the series' own values). For partner × division series use
    ``within=["division"]``, so that a division's own boom (gold, chips) is not read as
    every partner's surge. Series averaging less than
    ``min_value`` HK$ a month up to the cutoff, or with fewer than ``min_months`` months
    there, are skipped. ``only`` (e.g. ``{"partner": {"USA"}}``) fits just the series with
    those keys; the benchmarks are still the whole frame's.
    """
    found, _ = _scan(frame, by, threshold, cutoff, min_value, within, min_months, min_run, only)
    return sorted(found, key=lambda s: -s.excess)


@dataclass(frozen=True)
class FalseAlarms:
    """How often :func:`scan` flags series that carry no planted event."""

    tested: int
    flagged: int
    names: list[str]
    """The quiet series that were flagged anyway."""

    @property
    def rate(self) -> float:
        """Share of the tested quiet series that were flagged (0 to 1)."""
        return self.flagged / self.tested if self.tested else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tested": self.tested,
            "flagged": self.flagged,
            "rate": self.rate,
            "names": list(self.names),
        }


def false_alarm_rate(
    frame: pd.DataFrame,
    *,
    by: Sequence[str],
    planted: Mapping[str, Collection[str]],
    threshold: float = THRESHOLD,
    cutoff: Period | None = None,
    min_value: float = MIN_VALUE,
    within: Sequence[str] | None = (),
    min_months: int = 24,
    min_run: int = MIN_RUN,
) -> FalseAlarms:
    """Scan ``frame`` as :func:`scan` does and count the flagged quiet series.

    A series is quiet unless one of its keys is listed in ``planted`` (e.g.
    ``{"partner": {"USA", "TWN"}}``); planted series still count in the benchmarks.
    """
    unknown = sorted(set(planted) - set(by))
    if unknown:
        raise InputError(f"planted names columns {unknown} that are not in by={list(by)}.")
    found, tested = _scan(frame, by, threshold, cutoff, min_value, within, min_months, min_run)
    sets = {c: {str(v) for v in vals} for c, vals in planted.items()}

    def quiet(keys: tuple[tuple[str, str], ...]) -> bool:
        return not any(v in sets.get(c, ()) for c, v in keys)

    quiet_tested = [k for k in tested if quiet(k)]
    flagged = [s.name for s in found if quiet(s.keys)]
    return FalseAlarms(tested=len(quiet_tested), flagged=len(flagged), names=sorted(flagged))


def _scan(
    frame: pd.DataFrame,
    by: Sequence[str],
    threshold: float,
    cutoff: Period | None,
    min_value: float,
    within: Sequence[str] | None,
    min_months: int,
    min_run: int,
    only: Mapping[str, Collection[str]] | None = None,
) -> tuple[list[Surge], list[tuple[tuple[str, str], ...]]]:
    by = list(by)
    wanted = {c: {str(v) for v in values} for c, values in (only or {}).items()}
    if not by:
        raise InputError("scan() needs at least one key column in by=.")
    groups = [] if within is None else list(within)
    _require(frame, [*by, "period", "value"], "scan()")
    if not set(groups) <= set(by):
        raise InputError(f"within={groups} must name columns of by={by}.")
    data = frame.copy()
    for column in by:
        data[column] = data[column].astype(str)
    data["period"] = data["period"].astype(int)
    if data.duplicated([*by, "period"]).any():
        raise InputError(
            f"The frame has more than one row for some {' × '.join(by)} × period; "
            "aggregate it first."
        )
    end = Period.from_key(int(data["period"].max()))
    cut = cutoff if cutoff is not None else end.shift(-HORIZON)
    totals = None
    if within is not None:
        totals = data.groupby([*groups, "period"] if groups else ["period"])["value"].sum()
    found: list[Surge] = []
    tested: list[tuple[tuple[str, str], ...]] = []
    for key, rows in data.groupby(by, sort=True):
        key_values = key if isinstance(key, tuple) else (key,)
        keys = tuple((c, str(v)) for c, v in zip(by, key_values, strict=True))
        if any(dict(keys).get(c) not in values for c, values in wanted.items()):
            continue
        rows = rows.set_index("period").sort_index()
        history = rows.loc[rows.index <= cut.key, "value"]
        history = history[history > 0]
        if len(history) < min_months or history.sum() / len(history) < min_value:
            continue
        if not (rows.index > cut.key).any():
            continue
        benchmark = None
        if totals is not None:
            own = dict(keys)
            group = totals.xs(tuple(own[g] for g in groups), level=groups) if groups else totals
            rest = group.reindex(rows.index) - rows["value"]
            if (rest > 0).any():
                benchmark = rest
        name = " × ".join(v for _, v in keys)
        tested.append(keys)
        surge = surges(
            rows["value"],
            cutoff=cut,
            threshold=threshold,
            min_months=min_months,
            price=rows.get("price_index"),
            volume=rows.get("volume_index"),
            benchmark=benchmark,
            min_run=min_run,
            name=name,
        )
        if surge is not None:
            found.append(replace(surge, keys=keys))
    return found, tested


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what} needs columns {missing} that are not in the frame. Existing columns: "
            f"{', '.join(map(str, frame.columns))}."
        )


def _year_ago(periods: pd.Series) -> pd.Series:
    return periods.map(lambda p: Period.from_key(int(p)).year_ago().key)


def mix_shift(frame: pd.DataFrame, codes: Sequence[str] = ("75", "76", "77")) -> pd.DataFrame:
    """Per month, the named SITC divisions' share (%) of all divisions, and its change.

    ``frame`` has ``period``, ``key`` (the SITC division) and ``value``; rows are summed
    per period and key. The result has ``period``, ``total``, ``value`` (the named
    divisions), ``share_pct``, one ``share_<code>`` per code, and ``change_pp``, the
    share's change in points from the same month a year earlier (NaN without it).
    """
    _require(frame, ["period", "key", "value"], "mix_shift()")
    codes = [str(c) for c in codes]
    if not codes:
        raise InputError("mix_shift() needs at least one division code.")
    data = frame.assign(period=frame["period"].astype(int), key=frame["key"].astype(str))
    table = data.pivot_table(
        index="period", columns="key", values="value", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(columns=sorted(set(table.columns) | set(codes)), fill_value=0.0)
    total = table.sum(axis=1)
    if (total <= 0).any():
        bad = [str(Period.from_key(int(p))) for p in total.index[total <= 0]]
        raise InputError(f"mix_shift() has no positive total in {', '.join(bad)}.")
    out = pd.DataFrame({"period": table.index.astype(int), "total": total.to_numpy()})
    out["value"] = table[codes].sum(axis=1).to_numpy()
    out["share_pct"] = out["value"] / out["total"] * 100
    for code in codes:
        out[f"share_{code}"] = table[code].to_numpy() / out["total"].to_numpy() * 100
    before = out.set_index("period")["share_pct"]
    out["change_pp"] = out["share_pct"] - _year_ago(out["period"]).map(before)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class MixSummary:
    """The named divisions' share of a year against the same months a year earlier."""

    year: int
    months: int
    """Months compared (the year's months, matched a year earlier)."""
    codes: tuple[str, ...]
    share_pct: float
    share_before_pct: float
    change_pp: float
    growth_pct: float
    """Growth of the named divisions' value."""
    total_growth_pct: float
    """Growth of all divisions' value."""
    shares: dict[str, tuple[float, float]] = field(hash=False)
    """Each code's share (%): this year, the year before."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "months": self.months,
            "codes": list(self.codes),
            "share_pct": self.share_pct,
            "share_before_pct": self.share_before_pct,
            "change_pp": self.change_pp,
            "growth_pct": self.growth_pct,
            "total_growth_pct": self.total_growth_pct,
            "shares": {k: list(v) for k, v in self.shares.items()},
        }


def mix_summary(
    frame: pd.DataFrame, year: int, codes: Sequence[str] = ("75", "76", "77")
) -> MixSummary:
    """The named divisions' share in ``year`` against the previous year.

    Only the year's months that also exist a year earlier are compared, so a year in
    progress is set against the same months of the year before.
    """
    monthly = mix_shift(frame, codes)
    this = monthly[monthly["period"] // 100 == year]
    keys = set(monthly["period"])
    this = this[[(p - 100) in keys for p in this["period"]]]
    if this.empty:
        held = sorted({int(p) // 100 for p in keys})
        raise InputError(
            f"mix_summary() cannot compare {year} with {year - 1}: no month of {year} has "
            f"its year-earlier month. Years held: {held}."
        )
    before = monthly.set_index("period").loc[[p - 100 for p in this["period"]]]
    now = this.set_index("period")
    codes = [str(c) for c in codes]

    def share(t: pd.DataFrame, column: str) -> float:
        total = float(t["total"].sum())
        return float((t[column] / 100 * t["total"]).sum() / total * 100) if total else math.nan

    def growth(column: str) -> float:
        base = float(before[column].sum())
        return (float(now[column].sum()) / base - 1) * 100 if base else math.nan

    return MixSummary(
        year=year,
        months=len(now),
        codes=tuple(codes),
        share_pct=share(now, "share_pct"),
        share_before_pct=share(before, "share_pct"),
        change_pp=share(now, "share_pct") - share(before, "share_pct"),
        growth_pct=growth("value"),
        total_growth_pct=growth("total"),
        shares={c: (share(now, f"share_{c}"), share(before, f"share_{c}")) for c in codes},
    )


AIR = "air"


def transport(frame: pd.DataFrame) -> pd.DataFrame:
    """Per period and mode: value, value per kg, share of the period's value, its change.

    ``frame`` has ``period``, ``mode``, ``value`` and ``net_weight`` (kg, missing where
    unknown); rows are summed per period and mode. ``value_per_kg`` divides the value of
    rows with a known positive weight by that weight (NaN when there is none).
    ``share_pct`` is the mode's share of the period's value (the ``air`` row carries the
    air share) and ``share_change_pp`` its change from a year earlier in points;
    ``air_share_pct`` and ``air_share_change_pp`` repeat the air figures on every row.
    """
    _require(frame, ["period", "mode", "value", "net_weight"], "transport()")
    data = frame.assign(period=frame["period"].astype(int), mode=frame["mode"].astype(str))
    weight = pd.to_numeric(data["net_weight"], errors="coerce")
    known = weight.notna() & (weight > 0)
    data = data.assign(
        weighed_value=data["value"].where(known, 0.0),
        weight=weight.where(known, 0.0),
        net_weight=weight,
    )
    out = (
        data.groupby(["period", "mode"], sort=True)
        .agg(
            value=("value", "sum"),
            net_weight=("net_weight", lambda w: w.sum(min_count=1)),
            weighed_value=("weighed_value", "sum"),
            weight=("weight", "sum"),
        )
        .reset_index()
    )
    out["value_per_kg"] = (out["weighed_value"] / out["weight"]).where(out["weight"] > 0)
    total = out.groupby("period")["value"].transform("sum")
    out["share_pct"] = (out["value"] / total * 100).where(total > 0)
    shares = out.set_index(["period", "mode"])["share_pct"]
    ago = pd.MultiIndex.from_arrays([_year_ago(out["period"]), out["mode"]])
    out["share_change_pp"] = out["share_pct"].to_numpy() - shares.reindex(ago).to_numpy()
    air = out[out["mode"] == AIR].set_index("period")
    out["air_share_pct"] = (
        out["period"].map(air["share_pct"]).fillna((total > 0).map({True: 0.0, False: np.nan}))
    )
    out["air_share_change_pp"] = out["air_share_pct"] - _year_ago(out["period"]).map(
        out.drop_duplicates("period").set_index("period")["air_share_pct"]
    )
    return out.drop(columns=["weighed_value", "weight"])


@dataclass(frozen=True)
class AirShare:
    """The air share of value in a month against the same month a year earlier."""

    period: str
    share_pct: float
    share_before_pct: float
    change_pp: float
    value: float
    value_before: float
    growth_pct: float
    """Growth of the value carried by air."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "share_pct": self.share_pct,
            "share_before_pct": self.share_before_pct,
            "change_pp": self.change_pp,
            "value": self.value,
            "value_before": self.value_before,
            "growth_pct": self.growth_pct,
        }


def air_share_change(frame: pd.DataFrame, period: Period | int | str) -> AirShare:
    """The air share of value in ``period`` against a year earlier (see :func:`transport`)."""
    month = period if isinstance(period, Period) else Period.parse(period)
    table = transport(frame)
    rows = table.drop_duplicates("period").set_index("period")
    for p in (month, month.year_ago()):
        if p.key not in rows.index:
            held = ", ".join(str(Period.from_key(int(k))) for k in rows.index)
            raise InputError(
                f"air_share_change() needs {p}, which the frame does not hold (it holds "
                f"{held or 'no periods'})."
            )
    air = table[table["mode"] == AIR].set_index("period")["value"]
    value = float(air.get(month.key, 0.0))
    before = float(air.get(month.year_ago().key, 0.0))
    now_share = float(rows.loc[month.key, "air_share_pct"])
    before_share = float(rows.loc[month.year_ago().key, "air_share_pct"])
    return AirShare(
        period=str(month),
        share_pct=now_share,
        share_before_pct=before_share,
        change_pp=now_share - before_share,
        value=value,
        value_before=before,
        growth_pct=(value / before - 1) * 100 if before else math.nan,
    )
