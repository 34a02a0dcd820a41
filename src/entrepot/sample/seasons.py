"""The trading calendar: monthly seasonality and the Lunar New Year break.

Factories on the Mainland close for about three weeks around the Lunar New Year, so the
month that holds most of the break is weak and the other of January and February looks
strong beside it a year later. That is why January and February are compared together.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# First day of the Lunar New Year. Years outside the table get no holiday effect.
LUNAR_NEW_YEAR: dict[int, date] = {
    2010: date(2010, 2, 14),
    2011: date(2011, 2, 3),
    2012: date(2012, 1, 23),
    2013: date(2013, 2, 10),
    2014: date(2014, 1, 31),
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}

# The break: a week before the festival to about two weeks after it.
BREAK_BEFORE, BREAK_AFTER = 7, 13


def holiday_days(year: int, month: int) -> int:
    """Days of the Lunar New Year break that fall in the month."""
    new_year = LUNAR_NEW_YEAR.get(year)
    if new_year is None or month > 3:
        return 0
    start = new_year - timedelta(days=BREAK_BEFORE)
    end = new_year + timedelta(days=BREAK_AFTER)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    overlap = (min(end, last) - max(start, first)).days + 1
    return max(overlap, 0)


def holiday_factor(year: int, month: int, loss: float) -> float:
    """Trade in the month relative to a month without the break."""
    days = calendar.monthrange(year, month)[1]
    return 1.0 - loss * holiday_days(year, month) / days


def seasonal_factor(seasonal: tuple[float, ...], month: int) -> float:
    """The month's seasonal factor, the twelve normalised to average 1."""
    return seasonal[month - 1] * 12.0 / sum(seasonal)
