"""Comparisons of a monthly series over the windows the release quotes.

Each comparison sets a window of months ending at (or containing) a period against an
earlier window: the same month a year earlier, the year to date, January and February
combined (the Lunar New Year moves between them), three months on the same three a year
earlier or on the preceding three (the rule for seasonally adjusted series), and quarter on
quarter. Months are found by calendar, never by row offset: a window with a month missing
has no value, and the comparison says which months are missing instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from ..periods import Period, month_range
from .numbers import optional_float

KINDS: dict[str, str] = {
    "yoy": "the month against the same month a year earlier",
    "mom": "the month against the previous month",
    "ytd": "January to the month against the same months a year earlier",
    "jan_feb": "January and February combined against the same a year earlier",
    "three_month": "three months ending with the month against the same three a year earlier",
    "three_on_three": "three months ending with the month against the preceding three",
    "quarter": "the quarter ending with the month against the previous quarter",
}
"""The comparisons :func:`compare` makes, with what each sets against what."""

HOW = ("sum", "mean")
"""How a window's months combine: HK$ values add up, index levels average."""


@dataclass(frozen=True)
class Comparison:
    """One comparison of a window of months with an earlier one."""

    kind: str
    period: str
    """The month compared, YYYY-MM."""
    current: float | None
    previous: float | None
    change: float | None
    """current − previous."""
    change_pct: float | None
    current_months: tuple[str, str]
    """The current window's first and last month, YYYY-MM."""
    previous_months: tuple[str, str]
    note: str | None
    """Why a figure is missing, or None."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def windows(period: Period, kind: str) -> tuple[list[Period], list[Period]]:
    """The current and previous windows of months that ``kind`` compares at ``period``."""

    def span(first: Period, last: Period) -> list[Period]:
        return list(month_range(first, last))

    def a_year_earlier(months: list[Period]) -> list[Period]:
        return [m.year_ago() for m in months]

    if kind == "yoy":
        current = [period]
        return current, a_year_earlier(current)
    if kind == "mom":
        return [period], [period.shift(-1)]
    if kind == "ytd":
        current = span(Period(period.year, 1), period)
        return current, a_year_earlier(current)
    if kind == "jan_feb":
        current = span(Period(period.year, 1), Period(period.year, 2))
        return current, a_year_earlier(current)
    if kind == "three_month":
        current = span(period.shift(-2), period)
        return current, a_year_earlier(current)
    if kind == "three_on_three":
        return span(period.shift(-2), period), span(period.shift(-5), period.shift(-3))
    if kind == "quarter":
        end = Period(period.year, (period.month + 2) // 3 * 3)
        return span(end.shift(-2), end), span(end.shift(-5), end.shift(-3))
    raise InputError(f"Comparison {kind!r} is not one of {', '.join(KINDS)}.")


def _combine(values: list[float], how: str) -> float:
    return sum(values) if how == "sum" else sum(values) / len(values)


def compare(series: pd.Series, period: Period, kind: str, *, how: str = "sum") -> Comparison:
    """Compare ``series`` (a monthly value by YYYYMM period) at ``period`` as ``kind`` says
    (see :data:`KINDS`); ``how`` combines a window's months: "sum" for HK$ values, "mean"
    for index levels."""
    if how not in HOW:
        raise InputError(f"how {how!r} is not one of {', '.join(HOW)}.")
    if series.index.has_duplicates:
        raise InputError("The series holds a period more than once.")
    current_window, previous_window = windows(period, kind)
    months = (
        (str(current_window[0]), str(current_window[-1])),
        (str(previous_window[0]), str(previous_window[-1])),
    )

    def unavailable(note: str) -> Comparison:
        return Comparison(kind, str(period), None, None, None, None, *months, note)

    if kind == "jan_feb" and period.month == 1:
        return unavailable("January and February are compared together from February on.")
    if kind == "quarter" and period.month % 3:
        return unavailable("quarter on quarter only at quarter ends")
    held = {int(k): optional_float(v) for k, v in series.items()}
    values = {m: held.get(m.key) for m in (*previous_window, *current_window)}
    missing = sorted(m for m, v in values.items() if v is None)

    def window(months: list[Period]) -> float | None:
        found = [values[m] for m in months]
        if any(v is None for v in found):
            return None
        return _combine([v for v in found if v is not None], how)

    current, previous = window(current_window), window(previous_window)
    if missing:
        return Comparison(
            kind,
            str(period),
            current,
            previous,
            None,
            None,
            *months,
            "missing " + ", ".join(map(str, missing)),
        )
    assert current is not None and previous is not None
    change = current - previous
    if previous == 0:
        return Comparison(
            kind, str(period), current, previous, change, None, *months, "previous is zero"
        )
    return Comparison(
        kind, str(period), current, previous, change, change / previous * 100, *months, None
    )


def comparisons(
    series: pd.Series,
    period: Period,
    *,
    how: str = "sum",
    kinds: Iterable[str] = tuple(KINDS),
) -> dict[str, Comparison]:
    """Every comparison of ``kinds`` of ``series`` at ``period``, by kind."""
    return {kind: compare(series, period, kind, how=how) for kind in kinds}
