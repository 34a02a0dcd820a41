"""Small conversions at the edge where engine results become plain data."""

from __future__ import annotations

import math
from datetime import date, datetime
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


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-ready dicts: floats exact (not rounded as pandas'
    ``to_json`` does), missing values None, timestamps and dates in ISO 8601."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    # NaT is a datetime too: it must be caught before the dates.
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def plain(value: Any) -> Any:
    """``value`` (dicts, lists and tuples of numbers and text, at any depth) JSON-ready:
    NaN and infinities None, numpy scalars Python ones."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def money(value: float | None) -> str:
    """HK$ in billions or millions, as a release writes them."""
    if value is None:
        return "–"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.1f} bn"
    return f"{value / 1e6:,.1f} mn"
