"""Contributions to growth: which keys made the total move, and by how much.

Values add up, so value contributions are exact: the keys' changes sum to the total's
change, and their contributions in percentage points sum to the total's growth rate.
Indices are another matter (see :func:`index_contributions`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from ..errors import InputError
from ..periods import Period, month_range

WINDOWS = ("month", "ytd", "year")
"""month: the month against the same month a year earlier; ytd: January to the month
against the same months a year earlier; year: the period's calendar year against the
previous year."""

VALUE_COLUMNS = (
    "key", "label", "current", "previous", "change", "contribution_pp", "share_of_change",
    "growth_pct",
)  # fmt: skip
INDEX_COLUMNS = ("key", "label", "weight", "growth_pct", "contribution_pp")
RESIDUAL_KEY = "_residual"
RESIDUAL_LABEL = "interaction and mix, not attributable to one component"


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """An :class:`InputError` naming the columns ``frame`` lacks for ``what``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} need columns {', '.join(missing)}; the frame lacks them.")


def window_months(period: Period, window: str) -> tuple[list[int], list[int]]:
    """The current and previous months (YYYYMM) of ``window`` (see :data:`WINDOWS`)."""
    if window == "month":
        current = [period]
    elif window == "ytd":
        current = list(month_range(Period(period.year, 1), period))
    elif window == "year":
        current = list(month_range(Period(period.year, 1), Period(period.year, 12)))
    else:
        raise InputError(f"Window {window!r} is not one of {', '.join(WINDOWS)}.")
    return [m.key for m in current], [m.year_ago().key for m in current]


def check_held(frame: pd.DataFrame, months: Iterable[int]) -> None:
    """An :class:`InputError` naming the ``months`` (YYYYMM) ``frame`` has no rows for."""
    held = set(frame.period.astype(int))
    missing = [str(Period.from_key(m)) for m in months if m not in held]
    if missing:
        raise InputError(
            f"No figures for {', '.join(missing)}: the comparison needs every month of both "
            "periods."
        )


def labels(frame: pd.DataFrame) -> pd.Series:
    """Each key's label (its last row's), indexed by key."""
    return frame.drop_duplicates("key", keep="last").set_index("key")["label"]


def window_values(frame: pd.DataFrame, period: Period, window: str) -> pd.DataFrame:
    """Each key's value summed over the current and previous months of ``window``: key,
    label, current, previous (0 for a key absent from a window). Every month of both
    windows must be in ``frame`` (columns key, label, period, value)."""
    require_columns(frame, ("key", "label", "period", "value"), "Value contributions")
    current_months, previous_months = window_months(period, window)
    check_held(frame, [*previous_months, *current_months])
    periods = frame.period.astype(int)

    def total(months: list[int]) -> pd.Series:
        return frame[periods.isin(months)].groupby("key")["value"].sum()

    out = pd.concat({"current": total(current_months), "previous": total(previous_months)}, axis=1)
    out = out.fillna(0.0).astype(float)
    out.insert(0, "label", labels(frame).reindex(out.index))
    out.index.name = "key"
    return out.reset_index()


def value_contributions(frame: pd.DataFrame, period: Period, window: str) -> pd.DataFrame:
    """Each key's change in value over ``window`` (see :data:`WINDOWS`) and its share of
    the total's change, for ``frame`` with columns key, label, period, value (HK$).

    Returns key, label, current, previous, change (HK$), contribution_pp (change ÷ total
    previous × 100: the percentage points it adds to the total's growth), share_of_change
    (change ÷ total change) and growth_pct (its own change in %), largest change first.
    The changes sum to the total's change and the contributions to its growth rate;
    share_of_change is missing (NaN) when the total did not change, contribution_pp
    when the total was zero, growth_pct when the key's previous value was zero.
    """
    out = window_values(frame, period, window)
    out["change"] = out.current - out.previous
    total_previous = math.fsum(out.previous)
    total_change = math.fsum(out.change)
    out["contribution_pp"] = out.change / total_previous * 100 if total_previous else math.nan
    out["share_of_change"] = out.change / total_change if total_change else math.nan
    out["growth_pct"] = (out.change / out.previous * 100).where(out.previous != 0)
    out = out.sort_values(["change", "key"], ascending=[False, True], kind="stable")
    return out[list(VALUE_COLUMNS)].reset_index(drop=True)


def index_contributions(
    frame: pd.DataFrame,
    period: Period,
    *,
    measure: str,
    aggregate_pct: float | None = None,
) -> pd.DataFrame:
    """Each component's contribution, in percentage points, to the year-on-year change of
    an aggregate price or volume index (``measure``), for ``frame`` with columns key,
    label, period, value (HK$), price_index and volume_index (levels).

    The contribution of component i is w_i × g_i: w_i its share of the aggregate's value in
    the same month a year earlier (``weight``), g_i the year-on-year change of its own level
    in % (``growth_pct``). Largest contribution first. Chain-linked (Fisher) indices are not
    exactly additive, so the contributions need not sum to the aggregate's rate: given
    ``aggregate_pct``, the difference is reported in a last row, key ``_residual``
    ("interaction and mix, not attributable to one component"), rather than hidden.
    A component without a level in either month has no growth and no contribution (its
    share goes to the residual); one without value a year earlier contributes 0.
    """
    if measure not in ("price", "volume"):
        raise InputError(f"Measure {measure!r} is not one of price, volume.")
    level = f"{measure}_index"
    require_columns(frame, ("key", "label", "period", "value", level), "Index contributions")
    now, before = period.key, period.year_ago().key
    check_held(frame, (before, now))
    periods = frame.period.astype(int)
    at = {
        p: frame[periods == p].drop_duplicates("key", keep="last").set_index("key")
        for p in (now, before)
    }
    keys = at[now].index.union(at[before].index)
    base_value = at[before]["value"].reindex(keys).fillna(0.0).astype(float)
    total = math.fsum(base_value)
    if not total:
        raise InputError(f"The components have no value in {period.year_ago()}: no weights.")
    weight = base_value / total
    growth = (
        at[now][level].reindex(keys).astype(float) / at[before][level].reindex(keys).astype(float)
        - 1
    ) * 100
    contribution = (weight * growth).where(weight != 0, 0.0)
    out = pd.DataFrame(
        {
            "key": keys,
            "label": labels(frame).reindex(keys).to_numpy(),
            "weight": weight.to_numpy(),
            "growth_pct": growth.to_numpy(),
            "contribution_pp": contribution.to_numpy(),
        }
    )
    out = out.sort_values(["contribution_pp", "key"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    if aggregate_pct is not None:
        extra = pd.DataFrame(
            [
                {
                    "key": RESIDUAL_KEY,
                    "label": RESIDUAL_LABEL,
                    "weight": math.nan,
                    "growth_pct": math.nan,
                    "contribution_pp": residual(out, aggregate_pct),
                }
            ]
        )
        out = pd.concat([out, extra], ignore_index=True)
    return out[list(INDEX_COLUMNS)]


def residual(contributions: pd.DataFrame, aggregate_pct: float) -> float:
    """The part of an aggregate's rate (``aggregate_pct``) its components' contributions
    (:func:`index_contributions`, without a residual row) do not account for."""
    rows = contributions[contributions.key != RESIDUAL_KEY]
    return aggregate_pct - math.fsum(rows.contribution_pp.dropna())
