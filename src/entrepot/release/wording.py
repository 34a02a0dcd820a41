"""The statistics office's wording, as rules: how a change, an amount, a streak and a
month are written in a release.

Every rule rounds first, the way the figure is printed, and words the rounded figure, so
no sentence contradicts its table: a change of +0.04% is printed 0.0% and reads "virtually
unchanged", never "increased by 0.0%".

>>> change(26.06)
'increased by 26.1%'
>>> change(-3.44)
'decreased by 3.4%'
>>> change(0.04)
'virtually unchanged'
>>> change(0.3)
'increased marginally by 0.3%'
>>> billion(512_843_000_000)
'$512.8 billion'
>>> after(18.79, "November")
'after a year-on-year increase of 18.8% in November'
>>> ordinal(11), ordinal(21), ordinal(12), ordinal(103)
('11th', '21st', '12th', '103rd')
"""

from __future__ import annotations

import calendar

from ..periods import Period

MARGINAL = 0.5
"""Changes smaller than this (in %, once rounded) are "marginal"."""

DOUBLE_DIGIT = 10.0
"""Changes of this size or more (in %, once rounded) are "double-digit"."""


def rounded(pct: float) -> float:
    """A percentage as printed: one decimal (half away from zero, as in the office's
    tables), with -0.0 read as 0.0."""
    value = float(f"{abs(pct) + 1e-12:.1f}") * (1 if pct >= 0 else -1)
    return value + 0.0


def pct(value: float, *, signed: bool = False) -> str:
    """``26.1%`` (``+26.1%`` when ``signed``), one decimal."""
    r = rounded(value)
    return f"{r:+.1f}%" if signed else f"{abs(r):.1f}%"


def change(pct_change: float | None, *, noun: bool = False) -> str:
    """The change in words: "increased by 26.1%", "decreased by 3.4%", "increased
    marginally by 0.3%", "virtually unchanged"; "not available" without a figure.
    ``noun`` words it as a noun instead: "an increase of 26.1%"."""
    if pct_change is None:
        return "not available"
    r = rounded(pct_change)
    if r == 0:
        return "virtually unchanged" if not noun else "virtually no change"
    size = pct(r)
    marginal = abs(r) < MARGINAL
    if noun:
        kind = "increase" if r > 0 else "decrease"
        article = "an" if kind == "increase" and not marginal else "a"
        return f"{article} {'marginal ' if marginal else ''}{kind} of {size}"
    verb = "increased" if r > 0 else "decreased"
    return f"{verb} marginally by {size}" if marginal else f"{verb} by {size}"


def direction(pct_change: float | None) -> str:
    """ "rose", "fell" or "was virtually unchanged", by the printed figure."""
    if pct_change is None:
        return "is not available"
    r = rounded(pct_change)
    return "rose" if r > 0 else "fell" if r < 0 else "was virtually unchanged"


def double_digit(pct_change: float | None) -> bool:
    """Whether the printed change is 10.0% or more in size."""
    return pct_change is not None and abs(rounded(pct_change)) >= DOUBLE_DIGIT


def billion(value: float, currency: str = "HK$") -> str:
    """An amount in billions with one decimal, as the office writes it: "$512.8 billion"
    (the office's own currency, HK$, is written "$"; another keeps its symbol); "million"
    below a billion."""
    symbol = "$" if currency == "HK$" else currency
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}{symbol}{size / 1e9:,.1f} billion"
    return f"{sign}{symbol}{size / 1e6:,.1f} million"


def after(pct_change: float | None, month: str) -> str:
    """ "after a year-on-year increase of 18.8% in November" (the previous month's change)."""
    if pct_change is None:
        return f"with no year-on-year comparison for {month}"
    r = rounded(pct_change)
    if r == 0:
        return f"after virtually no change year on year in {month}"
    kind = "increase" if r > 0 else "decrease"
    return f"after a year-on-year {kind} of {pct(r)} in {month}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…"""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def streak(months: int, at_least: bool = False) -> str:
    """ "the 11th consecutive month of growth" ("at least the 24th …" when the data start
    cuts it)."""
    return f"{'at least ' if at_least else ''}the {ordinal(months)} consecutive month of growth"


def month(period: Period) -> str:
    """ "December 2025"."""
    return f"{calendar.month_name[period.month]} {period.year}"


def month_name(period: Period) -> str:
    """ "December"."""
    return calendar.month_name[period.month]


def quarter(period: Period) -> str:
    """ "fourth" for a month of the fourth quarter."""
    return ["first", "second", "third", "fourth"][(period.month - 1) // 3]


def year_to_date(period: Period) -> str:
    """ "For 2025 as a whole" in December, "For the first eleven months of 2025" before."""
    if period.month == 12:
        return f"For {period.year} as a whole"
    if period.month == 1:
        return f"For January {period.year}"
    return f"For the first {_number_word(period.month)} months of {period.year}"


def _number_word(n: int) -> str:
    words = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    return words[n - 1]
