"""Seasonal adjustment that remembers: adjusted series kept in the store with what made them.

X-13 takes a second or more per series, so an adjusted series is stored (see
:mod:`entrepot.store.adjustments`) with its description (flow, measure, breakdown, key,
filters), the options and a hash of the exact input. Asking again for the same series of
the same values reads the stored one; a revised value, another span or other options
adjust again. A store opened read-only still answers: it reads what is stored and adjusts
the rest without keeping it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..store import Store
from ..store.adjustments import find_adjustment, save_adjustment, writable
from . import seasonal
from .seasonal import Adjusted

METHOD = "x13-auto/2"
"""What is asked of :func:`.seasonal.adjust`: X-13's automatic model, then the airline
model, then STL. Part of the stored options, so that another method adjusts again: the
number after the slash goes up whenever :mod:`.seasonal` changes what it makes (2: the
Lunar New Year's effect taken out of the adjusted series)."""


@dataclass(frozen=True)
class StoredAdjusted(Adjusted):
    """An adjusted series (indexed by YYYYMM periods) and whether the store had it."""

    cached: bool = False
    """True when read from the store, False when adjusted now."""
    adjustment_id: int | None = None
    """Its row in the store's ``adjusted_series`` (None when it was not stored)."""

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "cached": self.cached, "adjustment_id": self.adjustment_id}


def adjusted(
    store: Store | None,
    series: pd.Series,
    *,
    what: Mapping[str, str],
    lunar_new_year: bool = True,
    refresh: bool = False,
) -> StoredAdjusted:
    """``series`` (monthly values indexed by YYYYMM periods) seasonally adjusted by
    :func:`.seasonal.adjust`, read from ``store`` if it holds the adjustment of the same
    series (``what``: flow, measure, breakdown, key, filters…), options and input values;
    else adjusted now and stored (unless the store is read-only or ``store`` is None).
    ``refresh`` adjusts again and replaces the stored one."""
    keys, values = _keyed(series)
    described = {str(k): str(v) for k, v in what.items()}
    options = {
        "lunar_new_year": bool(lunar_new_year),
        "method": METHOD,
        "span": f"{keys[0]}-{keys[-1]}" if keys else "",
    }
    digest = input_hash(keys, values)
    if store is not None and not refresh:
        found = find_adjustment(store, what=described, options=options, input_hash=digest)
        if found is not None:
            by_period = pd.Series(
                found.values["adjusted"].to_numpy(dtype=float),
                index=pd.Index(found.values["period"].to_numpy(), dtype="int64"),
                name=series.name,
            )
            return StoredAdjusted(
                by_period,
                found.method,
                found.model,
                found.regressors,
                found.residual_qs,
                found.notes,
                cached=True,
                adjustment_id=found.adjustment_id,
            )
    monthly = pd.Series(
        values, index=pd.PeriodIndex([_period(k) for k in keys], freq="M"), name=series.name
    )
    result = seasonal.adjust(monthly, lunar_new_year=lunar_new_year)
    out = pd.Series(
        result.series.to_numpy(dtype=float),
        index=pd.Index([p.year * 100 + p.month for p in result.series.index], dtype="int64"),
        name=series.name,
    )
    adjustment_id = None
    if store is not None and writable(store):
        adjustment_id = save_adjustment(
            store,
            what=described,
            options=options,
            input_hash=digest,
            method=result.method,
            model=result.model,
            regressors=result.regressors,
            residual_qs=result.residual_qs,
            notes=result.notes,
            values=pd.DataFrame(
                {"period": out.index, "original": values, "adjusted": out.to_numpy()}
            ),
        )
    return StoredAdjusted(
        out,
        result.method,
        result.model,
        dict(result.regressors),
        result.residual_qs,
        tuple(result.notes),
        cached=False,
        adjustment_id=adjustment_id,
    )


def input_hash(periods: list[int], values: np.ndarray) -> str:
    """A hash of the exact input: every period with its value to the last bit.

    >>> input_hash([202501], np.array([1.5])) == input_hash([202501], np.array([1.5]))
    True
    >>> input_hash([202501], np.array([1.5])) == input_hash([202501], np.array([1.5000001]))
    False
    """
    digest = hashlib.sha256()
    for period, value in zip(periods, values, strict=True):
        digest.update(f"{period}:{float(value).hex()};".encode())
    return digest.hexdigest()


def _keyed(series: pd.Series) -> tuple[list[int], np.ndarray]:
    """The series' YYYYMM keys, ascending, and its values as floats."""
    try:
        keys = [int(k) for k in series.index]
    except (TypeError, ValueError):
        raise InputError(
            "An adjusted series needs monthly values indexed by YYYYMM periods "
            f"(e.g. 202512); the index holds {series.index[:3].tolist()}…"
        ) from None
    for key in keys:
        _period(key)
    order = np.argsort(keys, kind="stable")
    if len(set(keys)) != len(keys):
        raise InputError("An adjusted series needs one value per month; some months repeat.")
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)[order]
    return [keys[i] for i in order], values


def _period(key: int) -> pd.Period:
    year, month = divmod(key, 100)
    if not 1 <= month <= 12 or year < 1000:
        raise InputError(f"Period {key} is not a valid YYYYMM month (e.g. 202512).")
    return pd.Period(year=year, month=month, freq="M")
