"""Growth and decline streaks: "the 11th consecutive month of growth".

A streak counts calendar months up to a period whose year-on-year rate, *as published*
(rounded to one decimal), is above zero (growth) or below it (decline). Months are counted
by calendar, never by rows: a missing month ends the streak. When the streak ends on a month
without a published rate (a gap, or the start of the data), it may have begun earlier, so
it is reported as "at least" that long; when it ends on a rate of the other sign (or +0.0%),
its length is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from ..periods import Period
from .numbers import optional_float

DIRECTIONS = ("growth", "decline")
"""Growth: published rate above zero; decline: below zero."""


def published(rate: float) -> float:
    """A rate as published: rounded to one decimal (so +0.04% is +0.0%, not growth)."""
    return float(f"{rate:.1f}")


@dataclass(frozen=True)
class Streak:
    """Consecutive months, up to a period, of published growth (or decline)."""

    months: int
    at_least: bool
    """The month before the streak has no published rate: the data (or a gap) cut it."""
    start: str | None
    """The streak's first month, YYYY-MM; None when there is no streak."""
    direction: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise InputError(f"Streak direction {direction!r} is not one of {', '.join(DIRECTIONS)}.")
    return direction


def streak(
    rates: Mapping[int, float | None] | pd.Series,
    period: Period,
    direction: str = "growth",
) -> Streak:
    """The streak of published year-on-year ``rates`` (by YYYYMM period) ending at ``period``."""
    sign = 1.0 if _direction(direction) == "growth" else -1.0
    by_month = {int(k): v for k, v in rates.items()}
    months, month = 0, period
    while True:
        rate = optional_float(by_month.get(month.key))
        if rate is None:
            at_least = months > 0
            break
        if sign * published(rate) <= 0:
            at_least = False
            break
        months += 1
        month = month.shift(-1)
    start = str(period.shift(1 - months)) if months else None
    return Streak(months, at_least, start, direction)


def growth_streak(series: pd.DataFrame, period: Period) -> tuple[int, bool]:
    """Consecutive months up to ``period`` whose published year-on-year volume change is
    positive, and whether the month before them has no published rate (so the streak is
    "at least" that long).

    Months are counted by calendar (a missing month ends the streak), not by rows.
    """
    growth = dict(zip(series.period.astype(int), series.volume_yoy_pct, strict=True))
    found = streak(growth, period, "growth")
    return found.months, found.at_least


LONGEST_COLUMNS = ("key", "label", "months", "at_least", "start")


def longest(
    frame: pd.DataFrame, period: Period, *, top: int = 10, direction: str = "growth"
) -> pd.DataFrame:
    """The ``top`` longest streaks ending at ``period``, one row per key of ``frame``
    (columns key, label, period, rate): key, label, months, at_least, start; longest
    first, ties by key."""
    missing = [c for c in ("key", "label", "period", "rate") if c not in frame.columns]
    if missing:
        raise InputError(f"Streaks need columns {', '.join(missing)}.")
    if top < 1:
        raise InputError(f"top must be a positive number of rows, not {top}.")
    _direction(direction)
    rows = []
    for key, group in frame.groupby("key", sort=True):
        rates = dict(zip(group.period.astype(int), group.rate, strict=True))
        found = streak(rates, period, direction)
        rows.append((key, group.label.iloc[-1], found.months, found.at_least, found.start))
    out = pd.DataFrame(rows, columns=list(LONGEST_COLUMNS))
    out = out.sort_values(["months", "key"], ascending=[False, True], kind="stable")
    return out.head(top).reset_index(drop=True)
