"""Small conversions at the edge where engine results become plain data."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def optional_float(value: Any) -> float | None:
    """``value`` as a float, or None for SQL NULL, NaN and pandas' NA."""
    if value is None or value is pd.NA or pd.isna(value):
        return None
    result = float(value)
    return None if math.isnan(result) else result


def optional_int(value: Any) -> int | None:
    """``value`` as an int, or None for SQL NULL, NaN and pandas' NA."""
    number = optional_float(value)
    return None if number is None else int(number)
