"""The Lunar New Year: its dates, and the monthly regressor that seasonal adjustment uses.

Hong Kong's trade dips around the Lunar New Year, which falls between 21 January and
20 February, so it moves between January and February from year to year: an effect that
fixed monthly seasonal factors cannot capture. Seasonal adjustment adds a regressor for it,
as the Census Bureau's ``genhol`` does: for each month, the share of the holiday's window
(the ``before`` days up to and including New Year's Day) that falls in it, less the mean
share of that calendar month over the years of the table, so that the regressor carries
only the movement of the holiday and none of the ordinary seasonality.

The dates are those of the Chinese lunisolar calendar, 1990–2035, as Hong Kong's public
holidays observe them (the tests check them against published holiday dates).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..errors import InputError

LUNAR_NEW_YEAR: dict[int, date] = {
    year: date.fromisoformat(day)
    for year, day in {
        1990: "1990-01-27",
        1991: "1991-02-15",
        1992: "1992-02-04",
        1993: "1993-01-23",
        1994: "1994-02-10",
        1995: "1995-01-31",
        1996: "1996-02-19",
        1997: "1997-02-07",
        1998: "1998-01-28",
        1999: "1999-02-16",
        2000: "2000-02-05",
        2001: "2001-01-24",
        2002: "2002-02-12",
        2003: "2003-02-01",
        2004: "2004-01-22",
        2005: "2005-02-09",
        2006: "2006-01-29",
        2007: "2007-02-18",
        2008: "2008-02-07",
        2009: "2009-01-26",
        2010: "2010-02-14",
        2011: "2011-02-03",
        2012: "2012-01-23",
        2013: "2013-02-10",
        2014: "2014-01-31",
        2015: "2015-02-19",
        2016: "2016-02-08",
        2017: "2017-01-28",
        2018: "2018-02-16",
        2019: "2019-02-05",
        2020: "2020-01-25",
        2021: "2021-02-12",
        2022: "2022-02-01",
        2023: "2023-01-22",
        2024: "2024-02-10",
        2025: "2025-01-29",
        2026: "2026-02-17",
        2027: "2027-02-06",
        2028: "2028-01-26",
        2029: "2029-02-13",
        2030: "2030-02-03",
        2031: "2031-01-23",
        2032: "2032-02-11",
        2033: "2033-01-31",
        2034: "2034-02-19",
        2035: "2035-02-08",
    }.items()
}
"""The first day of the Lunar New Year, by year."""

WINDOW_DAYS = 10
"""Days of the holiday's effect: the ``WINDOW_DAYS`` days up to and including New Year's
Day (factories close and shipments stop before the holiday)."""


def lunar_new_year(year: int) -> date:
    """The first day of the Lunar New Year in ``year``."""
    try:
        return LUNAR_NEW_YEAR[year]
    except KeyError:
        first, last = min(LUNAR_NEW_YEAR), max(LUNAR_NEW_YEAR)
        raise InputError(f"The Lunar New Year dates cover {first}–{last}, not {year}.") from None


def window_shares(year: int, days: int = WINDOW_DAYS) -> dict[int, float]:
    """The share of ``year``'s holiday window falling in each month (1–12) it touches."""
    end = lunar_new_year(year)
    shares: dict[int, float] = {}
    for k in range(days):
        month = (end - timedelta(days=k)).month
        shares[month] = shares.get(month, 0.0) + 1.0 / days
    return shares


def regressor(periods: pd.PeriodIndex, days: int = WINDOW_DAYS) -> pd.Series:
    """The Lunar New Year regressor for monthly ``periods``: the window's share in each
    month less that calendar month's mean share over the table's years (zero outside
    January and February, whatever the years)."""
    years = sorted(LUNAR_NEW_YEAR)
    mean = {m: sum(window_shares(y, days).get(m, 0.0) for y in years) / len(years) for m in (1, 2)}
    values = [
        window_shares(p.year, days).get(p.month, 0.0) - mean[p.month] if p.month in (1, 2) else 0.0
        for p in periods
    ]
    return pd.Series(values, index=periods, name="lunar_new_year")
