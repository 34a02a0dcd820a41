"""Compile and query the trade indices: where the index expressions meet an engine.

:func:`compile_store` runs :func:`entrepot.compute.trade_indices.compile_indices` for every
breakdown on a backend and stores the series, with the options that produced them, in the
store. :func:`index_rows` reads a compiled month back with its volume growth streak.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from ..backends import Backend
from ..compute.trade_indices import (
    BREAKDOWNS,
    FORMULAS,
    MEASURES,
    compile_indices,
    terms_of_trade,
)
from ..compute.unit_values import ELEMENTARY_KEY, Outliers, elementary, homogeneity
from ..errors import InputError, NotInStoreError
from ..periods import Period, describe_span
from ..store import Store

SERIES_COLUMNS = (
    "measure", "breakdown", "key", "label", "period", "value", "value_yoy_pct",
    "price_index", "price_yoy_pct", "volume_index", "volume_yoy_pct", "price_coverage",
    "laspeyres_yoy", "paasche_yoy", "fisher_yoy", "tornqvist_yoy", "cells_matched",
)  # fmt: skip


@dataclass(frozen=True)
class CompileReport:
    compile_id: int
    formula: str
    reference_year: int
    breakdowns: tuple[str, ...]
    series_rows: int
    trimmed: int
    trimmed_value_share: float
    periods: tuple[int, int]


def compile_store(
    store: Store,
    backend: Backend,
    *,
    formula: str = "fisher",
    reference_year: int = 2024,
    outliers: Outliers | None = None,
    imputation: str = "exclude",
    breakdowns: Sequence[str] = BREAKDOWNS,
    progress: Callable[[str], None] | None = None,
) -> CompileReport:
    """Compile every breakdown's index series on ``backend`` and store them in ``store``."""
    if formula not in FORMULAS:
        raise InputError(f"Unknown formula {formula!r}; choose one of {', '.join(FORMULAS)}.")
    periods = store.periods()
    if not periods:
        raise NotInStoreError(f"Store {store.path} holds no records: ingest some first.")
    years = {p // 100 for p in periods}
    if reference_year not in years:
        raise InputError(
            f"Reference year {reference_year} is not in the store "
            f"(it holds {describe_span(periods)})."
        )
    rule = outliers or Outliers()
    tables = {n: backend.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")}
    frames, trimmed = [], None
    for by in breakdowns:
        if progress:
            progress(by)
        series, trims = compile_indices(
            tables["cells"],
            tables["commodity_sitc"],
            tables["sitc"],
            tables["partners"],
            by=by,
            formula=formula,
            reference_year=reference_year,
            outliers=rule,
            imputation=imputation,
        )
        frame = backend.execute(series.union(terms_of_trade(series)))
        frame.insert(1, "breakdown", by)
        frames.append(frame)
        if by == "total":
            trimmed = backend.execute(trims)
    if progress:
        progress("homogeneity")
    elem = elementary(tables["cells"])
    homog = backend.execute(homogeneity(elem, ELEMENTARY_KEY))
    series_frames = [frame[list(SERIES_COLUMNS)] for frame in frames]
    trimmed = trimmed if trimmed is not None else pd.DataFrame()
    return _save(
        store,
        backend.name,
        formula,
        reference_year,
        rule,
        imputation,
        series_frames,
        trimmed,
        homog,
        tuple(breakdowns),
        periods,
    )


def _save(
    store: Store,
    backend_name: str,
    formula: str,
    reference_year: int,
    rule: Outliers,
    imputation: str,
    series: list[pd.DataFrame],
    trimmed: pd.DataFrame,
    homog: pd.DataFrame,
    breakdowns: tuple[str, ...],
    periods: list[int],
) -> CompileReport:
    con = store.con
    with store.transaction():
        compile_id = int(store.scalar("SELECT coalesce(max(compile_id), 0) + 1 FROM compilations"))
        loads = int(store.scalar("SELECT coalesce(max(load_id), 0) FROM loads"))
        options = {
            "outliers": asdict(rule),
            "imputation": imputation,
            "breakdowns": list(breakdowns),
        }
        con.execute(
            "INSERT INTO compilations VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                compile_id,
                datetime.now(),
                backend_name,
                formula,
                reference_year,
                json.dumps(options),
                loads,
            ],
        )
        tables = [*(("index_series", f) for f in series), ("index_trims", trimmed)]
        for name, frame in [*tables, ("cell_homogeneity", homog)]:
            if len(frame):
                frame = frame.copy()
                frame.insert(0, "compile_id", compile_id)
                con.register("_frame", frame)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _frame")
                con.unregister("_frame")
    # Share of all trade value (every flow and month) in trimmed relatives.
    traded = store.scalar("SELECT sum(value) FROM cells") or 0.0
    share = float(trimmed["v1"].sum() / traded) if len(trimmed) and traded else 0.0
    return CompileReport(
        compile_id,
        formula,
        reference_year,
        breakdowns,
        sum(len(f) for f in series),
        len(trimmed),
        share,
        (min(periods), max(periods)),
    )


@dataclass(frozen=True)
class IndexRow:
    key: str
    label: str
    value: float | None
    value_yoy_pct: float | None
    price_yoy_pct: float | None
    volume_yoy_pct: float | None
    volume_growth_streak: int
    price_coverage: float | None
    price_index: float | None
    volume_index: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def latest_compile(store: Store) -> int:
    compile_id = store.scalar("SELECT max(compile_id) FROM compilations")
    if compile_id is None:
        raise NotInStoreError(
            f"Store {store.path} has no compiled indices. Run 'entrepot compile' first."
        )
    return int(compile_id)


def index_rows(
    store: Store, period: Period, *, measure: str = "total_exports", by: str = "total"
) -> list[IndexRow]:
    """The compiled figures of ``period`` for each key of a breakdown, largest value first."""
    if measure not in (*MEASURES, "terms_of_trade"):
        raise InputError(
            f"Unknown flow {measure!r}; choose one of {', '.join(MEASURES)} or terms_of_trade."
        )
    if by not in BREAKDOWNS:
        raise InputError(f"Unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}.")
    compile_id = latest_compile(store)
    frame = store.con.execute(
        "SELECT key, label, period, value, value_yoy_pct, price_yoy_pct, volume_yoy_pct, "
        "price_coverage, price_index, volume_index FROM index_series "
        "WHERE compile_id = ? AND measure = ? AND breakdown = ? AND period <= ? "
        "ORDER BY key, period",
        [compile_id, measure, by, period.key],
    ).df()
    held = sorted(set(frame.period)) if len(frame) else []
    if period.key not in held:
        raise NotInStoreError(
            f"Period {period} has no compiled indices (compilation {compile_id} covers "
            f"{describe_span(held)})."
        )
    rows = []
    for (key, label), group in frame.groupby(["key", "label"], sort=False):
        now = group[group.period == period.key]
        if now.empty:
            continue
        r = now.iloc[0]
        rows.append(
            IndexRow(
                str(key),
                str(label),
                _num(r.value),
                _num(r.value_yoy_pct),
                _num(r.price_yoy_pct),
                _num(r.volume_yoy_pct),
                growth_streak(group, period),
                _num(r.price_coverage),
                _num(r.price_index),
                _num(r.volume_index),
            )
        )
    rows.sort(key=lambda row: (-(row.value or 0.0), row.key))
    return rows


def growth_streak(series: pd.DataFrame, period: Period) -> int:
    """Consecutive months up to ``period`` with year-on-year volume growth.

    Months are counted by calendar (a missing month ends the streak), not by rows.
    """
    growth = dict(zip(series.period.astype(int), series.volume_yoy_pct, strict=True))
    streak, month = 0, period
    while True:
        g = growth.get(month.key)
        if g is None or not isinstance(g, float) or math.isnan(g) or g <= 0:
            return streak
        streak += 1
        month = month.shift(-1)


def _num(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


@dataclass(frozen=True)
class Diagnostics:
    """What the latest compilation trimmed in a month, and its least homogeneous cells."""

    period: Period
    trimmed: pd.DataFrame
    """flow, commodity, partner, unit, relative, v0, v1 and share (of the flow's value)."""
    trimmed_value_share: float
    """Value of the month's trimmed cells over the month's total trade value."""
    heterogeneous: pd.DataFrame
    """Cells of the period's year with the most dispersed monthly unit values."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "trimmed_value_share": self.trimmed_value_share,
            "trimmed": json.loads(self.trimmed.to_json(orient="records")),
            "heterogeneous": json.loads(self.heterogeneous.to_json(orient="records")),
        }


def diagnostics(store: Store, period: Period, *, top: int = 20) -> Diagnostics:
    """Trimmed relatives of ``period`` (largest current value first) and the cells of its
    year whose unit values vary most from month to month (coefficient of variation)."""
    compile_id = latest_compile(store)
    trimmed = store.con.execute(
        """SELECT t.flow, t.commodity, t.partner, t.unit, t.relative, t.v0, t.v1,
                  t.v1 / f.value AS share
           FROM index_trims t
           JOIN (SELECT flow, sum(value) AS value FROM cells WHERE period = ? GROUP BY 1) f
             USING (flow)
           WHERE t.compile_id = ? AND t.period = ?
           ORDER BY t.v1 DESC, t.flow, t.commodity, t.partner""",
        [period.key, compile_id, period.key],
    ).df()
    month_value = store.scalar("SELECT sum(value) FROM cells WHERE period = ?", [period.key])
    share = float(trimmed["v1"].sum() / month_value) if len(trimmed) and month_value else 0.0
    heterogeneous = store.con.execute(
        """SELECT flow, commodity, partner, unit, months, mean_unit_value, cv
           FROM cell_homogeneity
           WHERE compile_id = ? AND year = ? AND months >= 6 AND cv IS NOT NULL
           ORDER BY cv DESC, flow, commodity, partner LIMIT ?""",
        [compile_id, period.year, top],
    ).df()
    return Diagnostics(period, trimmed.head(top), share, heterogeneous)
