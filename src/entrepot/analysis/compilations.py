"""Compilations: run the index compiler on an engine, store it, and read compiled months.

:func:`compile_store` runs :func:`entrepot.compute.trade_indices.compile_indices` for every
breakdown on a backend and stores the series, with the options that produced them, through
:mod:`entrepot.store.compilations`. :func:`index_rows` reads a compiled month back with its
volume growth streak; :func:`diagnostics` what was trimmed and which cells mix products.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..backends import Backend
from ..compute.trade_indices import compile_indices, terms_of_trade
from ..compute.unit_values import ELEMENTARY_KEY, Outliers, elementary, homogeneity
from ..errors import InputError, NotInStoreError
from ..periods import Period, describe_span
from ..schema import BREAKDOWNS, INDEX_FLOWS, choice
from ..store import Store
from ..store import compilations as stored
from .numbers import optional_float, optional_int, records


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
    reference_year: int | None = None,
    outliers: Outliers | None = None,
    imputation: str = "exclude",
    breakdowns: Sequence[str] = BREAKDOWNS,
    progress: Callable[[str], None] | None = None,
) -> CompileReport:
    """Compile every breakdown's index series on ``backend`` and store them in ``store``.

    ``reference_year`` (the year whose monthly average is 100) defaults to
    :func:`default_reference_year` of the store's months.
    """
    periods = store.periods()
    if not periods:
        raise NotInStoreError(f"Store {store.path} holds no records: ingest some first.")
    if reference_year is None:
        reference_year = default_reference_year(periods)
    else:
        check_reference_year(reference_year, periods)
    rule = outliers or Outliers()
    tables = {n: backend.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")}
    frames, trimmed = [], pd.DataFrame()
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
    options = {"outliers": asdict(rule), "imputation": imputation, "breakdowns": list(breakdowns)}
    compile_id = stored.save_compilation(
        store,
        backend=backend.name,
        formula=formula,
        reference_year=reference_year,
        options=options,
        series=frames,
        trims=trimmed,
        homogeneity=homog,
    )
    # Share of all trade value (every flow and month) in trimmed relatives.
    traded = stored.traded_value(store)
    share = float(trimmed["v1"].sum() / traded) if len(trimmed) and traded else 0.0
    return CompileReport(
        compile_id,
        formula,
        reference_year,
        tuple(breakdowns),
        sum(len(f) for f in frames),
        len(trimmed),
        share,
        (min(periods), max(periods)),
    )


def complete_years(periods: Sequence[int]) -> list[int]:
    """Years of which ``periods`` (YYYYMM) hold all twelve months, ascending."""
    held = set(periods)
    years = sorted({p // 100 for p in held})
    return [y for y in years if all(y * 100 + m in held for m in range(1, 13))]


def reference_years(periods: Sequence[int]) -> list[int]:
    """Years that can be the reference: complete, and after a year the store holds (each
    year's months are priced against the year before)."""
    held = {p // 100 for p in periods}
    return [y for y in complete_years(periods) if y - 1 in held]


def default_reference_year(periods: Sequence[int]) -> int:
    """The last possible reference year before the latest year held (else the latest
    possible one): 2024 for a store of 2023-01 to 2025-12. See :func:`reference_years`."""
    possible = reference_years(periods)
    if not possible:
        raise NotInStoreError(
            "No reference year: it must be a complete year after a year of data, and the "
            f"store holds {describe_span(list(periods))}."
        )
    latest = max(periods) // 100
    earlier = [y for y in possible if y < latest]
    return earlier[-1] if earlier else possible[-1]


def check_reference_year(year: int, periods: Sequence[int]) -> None:
    """An error naming the months held unless ``year`` can be the reference year."""
    if year not in reference_years(periods):
        possible = ", ".join(map(str, reference_years(periods))) or "none"
        raise InputError(
            f"Reference year {year} is not a complete year after a year of data in the "
            f"store (it holds {describe_span(list(periods))}; possible: {possible})."
        )


def compiled_month(store: Store, period: Period) -> int:
    """The latest compilation's id, if it covers ``period``; an error naming what it covers
    otherwise."""
    compile_id = stored.latest_compilation(store)
    held = stored.compiled_periods(store, compile_id)
    if period.key not in held:
        raise NotInStoreError(
            f"Period {period} has no compiled indices (compilation {compile_id} covers "
            f"{describe_span(held)})."
        )
    return compile_id


@dataclass(frozen=True)
class IndexRow:
    """One key of a breakdown in one compiled month (rates in %, indices with the reference
    year = 100; the streak counts months of year-on-year volume growth)."""

    flow: str
    breakdown: str
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
    cells_matched: int | None
    """Cells with a year-on-year price relative of their own."""
    cells_imputed: int | None
    """Cells given their SITC group's mean relative (``--imputation class_mean``)."""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["name"] = out.pop("label")
        return out


def index_rows(
    store: Store, period: Period, *, flow: str = "total_exports", by: str = "total"
) -> list[IndexRow]:
    """The compiled figures of ``period`` for each key of a breakdown, largest value first.

    ``flow`` is one of :data:`~entrepot.schema.INDEX_FLOWS` (the flows, total exports and
    terms of trade); ``by`` one of :data:`~entrepot.schema.BREAKDOWNS`.
    """
    flow = choice(flow, INDEX_FLOWS, "flow")
    by = choice(by, BREAKDOWNS, "breakdown")
    compile_id = compiled_month(store, period)
    frame = stored.series_upto(store, compile_id, flow, by, period.key)
    rows = []
    for (key, label), group in frame.groupby(["key", "label"], sort=False):
        now = group[group.period == period.key]
        if now.empty:
            continue
        r = now.iloc[0]
        rows.append(
            IndexRow(
                flow,
                by,
                str(key),
                str(label),
                optional_float(r.value),
                optional_float(r.value_yoy_pct),
                optional_float(r.price_yoy_pct),
                optional_float(r.volume_yoy_pct),
                growth_streak(group, period),
                optional_float(r.price_coverage),
                optional_float(r.price_index),
                optional_float(r.volume_index),
                optional_int(r.cells_matched),
                optional_int(r.cells_imputed),
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
            "trimmed": records(self.trimmed),
            "heterogeneous": records(self.heterogeneous),
        }


def diagnostics(store: Store, period: Period, *, top: int = 20) -> Diagnostics:
    """Trimmed relatives of ``period`` (largest current value first) and the cells of its
    year whose unit values vary most from month to month (coefficient of variation)."""
    if top < 1:
        raise InputError(f"top must be a positive number of rows, not {top}.")
    compile_id = compiled_month(store, period)
    trimmed = stored.trims_of(store, compile_id, period.key)
    month_value = stored.traded_value(store, period.key)
    share = float(trimmed["v1"].sum() / month_value) if len(trimmed) and month_value else 0.0
    heterogeneous = stored.least_homogeneous(store, compile_id, period.year, top)
    return Diagnostics(period, trimmed.head(top), share, heterogeneous)
