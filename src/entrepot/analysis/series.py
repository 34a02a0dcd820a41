"""Monthly series of any flow, measure, breakdown and filter: what ``entrepot series``
prints, and what comparisons, streaks and seasonal adjustment read.

Values come from the cells' value tables; price and volume indices from the store's latest
compilation, or, when the cells are filtered (a partner, a commodity…), from compiling the
filtered cells the same way (the compilation's method) without storing them. Rates are
computed from the levels returned, so a series never contradicts its own changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..backends import Backend
from ..errors import InputError, NotInStoreError
from ..periods import Period
from ..schema import BREAKDOWNS, INDEX_FLOWS, MEASURES, choice
from ..store import Store
from ..store import compilations as stored
from .compilations import compile_series, method_of
from .summary import values_by

SERIES_MEASURES: tuple[str, ...] = ("value", "price", "volume")
"""Value in the store's currency; price (unit value) and volume indices, reference year = 100."""

LEVELS: dict[str, str] = {"value": "value", "price": "price_index", "volume": "volume_index"}
"""The compiled column holding each measure's level."""


@dataclass(frozen=True)
class MonthlySeries:
    """One flow × measure × breakdown, every key's months: ``frame`` has key, label,
    period (YYYYMM), level, yoy_pct and, when adjusted, adjusted and adjusted_yoy_pct."""

    flow: str
    measure: str
    breakdown: str
    filters: dict[str, list[str]]
    source: str
    """``cells``, ``compilation N``, or ``compilation N's method on the filtered cells``."""
    frame: pd.DataFrame
    adjustments: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each adjusted key's method, model and diagnostics."""

    def of(self, key: str) -> pd.Series:
        """One key's levels indexed by period (YYYYMM)."""
        rows = self.frame[self.frame.key == key]
        if rows.empty:
            raise NotInStoreError(f"No series for {key!r} (keys: {', '.join(self.keys()[:10])}).")
        return rows.set_index("period")["level"].astype(float)

    def keys(self) -> list[str]:
        return list(dict.fromkeys(self.frame.key))

    def table(self) -> pd.DataFrame:
        """The series as analysts open it: one row per key and month."""
        out = self.frame.copy()
        out.insert(0, "period", out.pop("period").map(lambda p: str(Period.from_key(int(p)))))
        out.insert(1, "flow", self.flow)
        out.insert(2, "measure", self.measure)
        out.insert(3, "breakdown", self.breakdown)
        return out.rename(columns={"label": "name", "level": LEVELS[self.measure]})

    def as_dict(self) -> dict[str, Any]:
        from .numbers import records

        return {
            "flow": self.flow,
            "measure": self.measure,
            "breakdown": self.breakdown,
            "filters": self.filters,
            "source": self.source,
            "adjustments": self.adjustments,
            "rows": records(self.table()),
        }


def monthly_series(
    store: Store | None,
    backend: Backend,
    *,
    flow: str = "total_exports",
    measure: str = "value",
    by: str = "total",
    keys: Sequence[str] = (),
    start: Period | None = None,
    end: Period | None = None,
    adjusted: bool = False,
    as_of: int | None = None,
    refresh: bool = False,
    keep: bool = True,
) -> MonthlySeries:
    """The monthly series of ``flow``'s ``measure`` for each key of breakdown ``by`` (only
    ``keys`` if given) from ``start`` to ``end``; values need no ``store``, indices read
    its compilation. With ``adjusted``, each key's series is seasonally adjusted over all
    its months (X-13, see :mod:`.seasonal`), stored in the store with its options (unless
    ``keep`` is False or the store is read-only) and read back from there next time
    unless ``refresh``."""
    measure = choice(measure, SERIES_MEASURES, "measure")
    flow = choice(flow, MEASURES if measure == "value" else INDEX_FLOWS, "flow")
    by = choice(by, BREAKDOWNS, "breakdown")
    if flow == "terms_of_trade" and measure != "price":
        raise InputError("Terms of trade is a price index: ask for --measure price.")
    if measure == "value":
        frame, source = _values(backend, flow, by), "cells"
    elif store is None:
        raise InputError(f"The {measure} index is read from a store's compilation: name one.")
    else:
        frame, source = _indices(store, backend, flow, by, keys, as_of)
        frame = frame.rename(columns={LEVELS[measure]: "level"})
    frame = frame[["key", "label", "period", "level"]].copy()
    if keys:
        wanted = [str(k) for k in keys]
        missing = sorted(set(wanted) - set(frame.key))
        if missing:
            raise NotInStoreError(
                f"No {by} {', '.join(missing)} in the series; some that are: "
                f"{', '.join(list(dict.fromkeys(frame.key))[:12])}."
            )
        frame = frame[frame.key.isin(wanted)]
    frame = frame.sort_values(["key", "period"]).reset_index(drop=True)
    frame["period"] = frame.period.astype(int)
    frame["level"] = frame.level.astype(float)
    frame["yoy_pct"] = yoy_pct(frame, "level")
    adjustments: dict[str, dict[str, Any]] = {}
    if adjusted:
        cache = store if keep else None
        frame, adjustments = _adjusted(cache, frame, flow, measure, by, backend, refresh)
    if start is not None:
        frame = frame[frame.period >= start.key]
    if end is not None:
        frame = frame[frame.period <= end.key]
    if frame.empty:
        raise NotInStoreError(f"No {measure} of {flow} by {by} in the months asked for.")
    return MonthlySeries(
        flow,
        measure,
        by,
        backend.filters.as_dict(),
        source,
        frame.reset_index(drop=True),
        adjustments,
    )


def yoy_pct(frame: pd.DataFrame, column: str) -> pd.Series:
    """Each row's change on the same key's same month a year earlier, in % (by calendar:
    a missing month gives no rate, never the row twelve before)."""
    before = frame[["key", "period", column]].copy()
    before["period"] = before.period + 100
    joined = frame[["key", "period"]].merge(before, on=["key", "period"], how="left")
    now = frame[column].to_numpy(dtype=float)
    prev = joined[column].to_numpy(dtype=float)
    usable = ~np.isnan(prev) & (prev != 0)
    rate = np.full(len(frame), np.nan)
    rate[usable] = (now[usable] / prev[usable] - 1) * 100
    return pd.Series(rate, index=frame.index)


def _values(backend: Backend, flow: str, by: str) -> pd.DataFrame:
    table = values_by(backend, by)
    return backend.execute(table.select("key", "label", "period", level=table[flow]))


def _indices(
    store: Store,
    backend: Backend,
    flow: str,
    by: str,
    keys: Sequence[str],
    as_of: int | None,
) -> tuple[pd.DataFrame, str]:
    compile_id = stored.latest_compilation(store, as_of)
    if backend.filters:
        compiled = compile_series(backend, method_of(store, compile_id), [by])
        frame = compiled.frames[0]
        frame = frame[frame.measure == flow]
        return frame, f"compilation {compile_id}'s method on the filtered cells"
    frame = stored.series_of(store, compile_id, flow, by, keys)
    if frame.empty:
        hint = " --cell-keys origin" if by == "origin" else ""
        raise NotInStoreError(
            f"Compilation {compile_id} has no {flow} series by {by}: compile with "
            f"'entrepot compile{hint}'."
        )
    return frame, f"compilation {compile_id}"


def _adjusted(
    store: Store | None,
    frame: pd.DataFrame,
    flow: str,
    measure: str,
    by: str,
    backend: Backend,
    refresh: bool,
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    from .adjustments import adjusted

    parts, info = [], {}
    filters = backend.filters.describe()
    for key, rows in frame.groupby("key", sort=False):
        series = rows.set_index("period")["level"]
        what = {"flow": flow, "measure": measure, "breakdown": by, "key": str(key)}
        if filters:
            what["filters"] = filters
        result = adjusted(store, series, what=what, refresh=refresh)
        rows = rows.copy()
        rows["adjusted"] = rows.period.map(result.series).astype(float)
        parts.append(rows)
        info[str(key)] = result.as_dict()
    out = pd.concat(parts, ignore_index=True)
    out["adjusted_yoy_pct"] = yoy_pct(out, "adjusted")
    return out, info
