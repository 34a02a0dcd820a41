"""Months as the store keeps them.

A period is a calendar month. Users write it ``YYYY-MM``; the store keeps it as the
integer ``YYYYMM`` so that the same month a year earlier is exactly ``period - 100`` and
periods sort and compare as numbers. Month arithmetic beyond whole years goes through the
month index ``year * 12 + month - 1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import PeriodError

_PERIOD = re.compile(r"^(\d{4})-?(\d{2})$")
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (MIN_YEAR <= self.year <= MAX_YEAR and 1 <= self.month <= 12):
            raise PeriodError(
                f"Period {self.year:04d}-{self.month:02d} is not a valid month "
                "(expected YYYY-MM with a month from 01 to 12)."
            )

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse ``2025-12``, ``202512`` or the integer 202512."""
        s = str(text).strip()
        m = _PERIOD.match(s)
        if not m:
            raise PeriodError(
                f"Period {s!r} is not a valid month (expected YYYY-MM, e.g. 2025-12)."
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_key(cls, key: int) -> Period:
        return cls(key // 100, key % 100)

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    @property
    def key(self) -> int:
        """The stored form, YYYYMM."""
        return self.year * 100 + self.month

    @property
    def index(self) -> int:
        """Months since year 0, for arithmetic."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def year_ago(self) -> Period:
        return Period(self.year - 1, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_range(start: Period, end: Period) -> Iterator[Period]:
    """Every month from start to end inclusive."""
    for i in range(start.index, end.index + 1):
        yield Period.from_index(i)


def describe_span(keys: list[int]) -> str:
    """'2023-01 to 2025-12' for the stored periods, for error messages."""
    if not keys:
        return "no periods"
    return f"{Period.from_key(min(keys))} to {Period.from_key(max(keys))}"
