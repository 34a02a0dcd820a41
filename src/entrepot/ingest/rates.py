"""Monthly exchange rates for converting a load's values into the store's currency.

A rates file is CSV with a header and two columns: ``period`` (YYYY-MM) and ``rate`` (the
store's currency per unit of the data's: 7.8 for HK$ per US$). Every month once; every
rate a positive number.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from ..errors import InputError
from ..periods import Period
from .load import Rates


def read_rates(path: Path, currency: str) -> Rates:
    """The rates in ``path`` for values in ``currency``; an error naming the line and field
    of the first that does not read."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            lines = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the rates file {path}: {exc}") from exc
    header = [h.strip().lower() for h in (lines[0] if lines else [])]
    if "period" not in header or "rate" not in header:
        raise InputError(f"{path}: line 1 must name the columns period and rate, not {header}.")
    at_period, at_rate = header.index("period"), header.index("rate")
    by_month: dict[int, float] = {}
    for number, row in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            month = Period.parse(row[at_period].strip())
        except (InputError, ValueError, IndexError) as exc:
            raise InputError(f"{path}, line {number}, field period: expected YYYY-MM.") from exc
        try:
            rate = float(row[at_rate])
        except (ValueError, IndexError) as exc:
            raise InputError(f"{path}, line {number}, field rate: expected a number.") from exc
        if not math.isfinite(rate) or rate <= 0:
            raise InputError(f"{path}, line {number}, field rate: expected a positive number.")
        if month.key in by_month:
            raise InputError(f"{path}, line {number}: {month} is given twice.")
        by_month[month.key] = rate
    if not by_month:
        raise InputError(f"{path} holds no rates.")
    return Rates(currency, by_month, str(path))
