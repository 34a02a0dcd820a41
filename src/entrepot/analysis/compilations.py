"""Compilations: run the index compiler on an engine, store it, and read compiled months.

:func:`compile_store` builds the cell relatives on a backend once per set of cells, sums
them by base column and compiles every breakdown from those sums
(:mod:`entrepot.compute.trade_indices`), then stores the series, with the options that
produced them, through :mod:`entrepot.store.compilations`. :func:`index_rows` reads a compiled month back with its
volume growth streak; :func:`diagnostics` what was trimmed and which cells mix products.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pyarrow.compute as pc

from ..backends import Backend
from ..compute.classes import commodity_classes
from ..compute.editions import across_change, changed_codes
from ..compute.trade_indices import (
    BASE,
    BaseSums,
    Method,
    base_sums,
    breakdowns_series,
    relatives_for,
    terms_of_trade,
    trims,
)
from ..compute.unit_values import Outliers, homogeneity, unpriced
from ..errors import InputError, NotInStoreError
from ..periods import Period, describe_span
from ..schema import BREAKDOWNS, COMPILED_BREAKDOWNS, INDEX_FLOWS, choice
from ..store import Store
from ..store import compilations as stored
from .numbers import optional_float, optional_int, records
from .streaks import growth_streak, published  # noqa: F401 (published: re-exported)


@dataclass(frozen=True)
class CompileReport:
    """What a compilation stored, and what it could not use."""

    compile_id: int
    method: Method
    breakdowns: tuple[str, ...]
    series_rows: int
    trimmed: int
    trimmed_value_share: float
    periods: tuple[int, int]
    unpriced: dict[str, tuple[int, float]]
    """Cells without a unit value, by reason: (cells, value)."""
    thin_nodes: int
    """Nodes whose reference-year volume average lies outside 95–105."""
    bridged: dict[int, tuple[int, float]] = dataclasses.field(default_factory=dict)
    """Cells left unmatched because a new HS edition changed their subheading, by month:
    (cells, value)."""

    @property
    def formula(self) -> str:
        return self.method.formula

    @property
    def reference_year(self) -> int:
        return self.method.reference_year


HOMOGENEITY_KEPT = 1000
"""How many of each year's least homogeneous cells (6 months or more) a compilation keeps."""

VOLUME_REF_RANGE = (95.0, 105.0)
"""A node whose volume index averages outside this range over the reference year is too
thin or too mixed for its volume index to be published."""


def thin(volume_ref_mean: float | None) -> bool:
    """Whether a node whose volume index averages ``volume_ref_mean`` over the reference
    year is too thin to publish (see :data:`VOLUME_REF_RANGE`)."""
    low, high = VOLUME_REF_RANGE
    return volume_ref_mean is not None and not low <= volume_ref_mean <= high


def base_trims(trims: pd.DataFrame, cell_keys: Sequence[str]) -> pd.DataFrame:
    """The trims of the cells every breakdown is compiled from. Compilations stored by
    when the breakdown by mode had cells of its own also kept trims of
    cells with mode, which repeat the same trade: unless mode is a cell key, those go."""
    if "mode" in cell_keys:
        return trims
    return trims[trims["mode"].isna()].reset_index(drop=True)


def compile_store(
    store: Store,
    backend: Backend,
    *,
    formula: str = "fisher",
    reference_year: int | None = None,
    outliers: Outliers | None = None,
    imputation: str = "class_mean",
    linking: str = "overlap",
    cell_keys: Sequence[str] = (),
    min_coverage: float = 0.5,
    breakdowns: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    as_of: int | None = None,
) -> CompileReport:
    """Compile every breakdown's index series on ``backend`` and store them in ``store``.

    ``as_of``: the load after which ``backend``'s cells stood (recorded with the
    compilation; the backend reads those cells). ``reference_year`` (the year whose
    monthly average is 100) defaults to
    :func:`default_reference_year` of the store's months. The cell relatives are computed
    once (and once more with mode for the breakdown by mode), then every breakdown is a
    grouped sum of them.
    """
    # The months of the cells the backend holds (the store's, or as they stood after a load).
    held = backend.execute(backend.table("cells").select("period").distinct())
    periods = sorted(int(p) for p in held["period"])
    if not periods:
        raise NotInStoreError(f"Store {store.path} holds no records: ingest some first.")
    if reference_year is None:
        reference_year = default_reference_year(periods)
    else:
        check_reference_year(reference_year, periods)
    method = Method(
        reference_year=reference_year,
        formula=formula,
        linking=linking,
        outliers=outliers or Outliers(),
        imputation=imputation,
        cell_keys=tuple(cell_keys),
        min_coverage=min_coverage,
    ).checked()
    if breakdowns is None:  # by origin too when origin is a key of the cell
        breakdowns = COMPILED_BREAKDOWNS + (("origin",) if "origin" in cell_keys else ())
    breakdowns = tuple(dict.fromkeys(choice(b, BREAKDOWNS, "breakdown") for b in breakdowns))
    compiled = compile_series(backend, method, breakdowns, progress=progress)
    frames, trimmed = compiled.frames, compiled.trimmed
    compile_id = stored.save_compilation(
        store,
        backend=backend.name,
        formula=method.formula,
        reference_year=method.reference_year,
        options={
            **_options(method, breakdowns),
            "as_of": as_of,
            # Cells a new HS edition changed, by month: what diagnostics reports.
            "bridged": {
                str(int(r.period)): [int(r.cells), float(r.value)]
                for r in compiled.bridged.itertuples()
            },
        },
        store_loads=as_of,
        series=frames,
        trims=trimmed,
        homogeneity=compiled.homogeneity,
    )
    # Share of all trade value (every flow and month) in trimmed relatives.
    traded = float(backend.execute(backend.table("cells").value.sum()) or 0.0)
    trimmed_value = pc.sum(trimmed["v1"]).as_py() if len(trimmed) else 0.0
    share = float(trimmed_value / traded) if traded else 0.0
    total = pd.concat(frames, ignore_index=True)
    nodes = total.drop_duplicates(["measure", "breakdown", "key"])
    thin_nodes = sum(thin(optional_float(m)) for m in nodes.volume_ref_mean)
    return CompileReport(
        compile_id,
        method,
        breakdowns,
        len(total),
        len(trimmed),
        share,
        (min(periods), max(periods)),
        {str(r.reason): (int(r.cells), float(r.value)) for r in compiled.unpriced.itertuples()},
        thin_nodes,
        {int(r.period): (int(r.cells), float(r.value)) for r in compiled.bridged.itertuples()},
    )


@dataclass(frozen=True)
class Compiled:
    """A compilation's results before they are stored."""

    frames: list[pd.DataFrame]
    """Each breakdown's series (:data:`~entrepot.compute.trade_indices.SERIES_COLUMNS`
    with ``breakdown``)."""
    trimmed: Any
    """The trimmed relatives, as Arrow."""
    homogeneity: pd.DataFrame
    unpriced: pd.DataFrame
    bridged: pd.DataFrame
    """Cells a new HS edition changed, unmatched in its first year: period, cells, value."""


def compile_series(
    backend: Backend,
    method: Method,
    breakdowns: Sequence[str],
    *,
    progress: Callable[[str], None] | None = None,
) -> Compiled:
    """Every breakdown's index series of the backend's cells (as filtered), in memory: the
    relatives once, then each breakdown a grouped sum of them."""
    step = progress or (lambda _: None)
    tables = {n: backend.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")}
    cells, classification = tables["cells"], (tables["commodity_sitc"], tables["sitc"])
    units = None
    if backend.has("commodities"):
        units = backend.table("commodities").select("commodity", "unit")
    correlation = editions = None
    if backend.has("hs_correlation"):
        correlated = backend.table("hs_correlation")
        correlation = correlated if backend.execute(correlated.count()) else None
    if correlation is not None and backend.has("period_editions"):
        recorded = backend.table("period_editions")
        editions = recorded if backend.execute(recorded.count()) else None
    made: list[str] = []

    def materialize(name: str, expr: ir.Table) -> ir.Table:
        step(name)
        made.append(f"_entrepot_{name}".replace(" ", "_"))
        return backend.materialize(made[-1], expr)

    def release(names: Sequence[str]) -> None:
        for name in [n for n in names if n in made]:
            backend.drop(name)
            made.remove(name)

    sums: dict[str, BaseSums] = {}
    try:
        # The relatives once; every breakdown is summed from them by its base column.
        relatives = relatives_for(
            cells,
            *classification,
            method,
            units=units,
            materialize=materialize,
            correlation=correlation,
            editions=editions,
            by_mode="mode" in breakdowns,
        )
        big = list(made)
        release([n for n in big if n.endswith("_year_ago_matches")])  # read by direct alone
        bridged = _bridged(backend, relatives.elementary, correlation, editions)
        step("homogeneity")
        homog = backend.execute(homogeneity(relatives.years, relatives.keys, keep=HOMOGENEITY_KEPT))
        # The sums read the relatives, not the cells: free their memory before the cells
        # by mode are built.
        release(big[:2])
        step("trims")
        trimmed = backend.arrow(trims(relatives))
        classes = commodity_classes(*classification)
        for base in dict.fromkeys(BASE[b] for b in breakdowns):
            first = len(made)
            sums[base] = base_sums(cells, relatives, base, materialize, classes=classes)
            release([n for n in made[first:] if n.endswith("_elementary_by_mode")])
        release(big)
        step("series")
        finisher = backend.finisher()
        series = breakdowns_series(
            *_gathered(backend, finisher, sums, [*classification, tables["partners"]]),
            by=breakdowns,
            method=method,
        )
        frame = finisher.execute(series.union(terms_of_trade(series)))
        frames = [frame[["period", *(c for c in frame.columns if c != "period")]]]
        missing = backend.execute(unpriced(cells, units))
    finally:
        release(list(made))
    return Compiled(frames, trimmed, homog, missing, bridged)


def _gathered(
    backend: Backend, finisher: Backend, sums: dict[str, BaseSums], tables: list[ir.Table]
) -> tuple[Any, ...]:
    """The node sums and classification tables the series are chained from, held by
    ``finisher`` (:meth:`~entrepot.backends.Backend.finisher`)."""
    if finisher is backend:
        return (sums, *tables)

    held = {
        base: BaseSums(
            base,
            links=backend.gather(finisher, f"{base}_links", s.links),
            direct=backend.gather(finisher, f"{base}_direct", s.direct),
            values=backend.gather(finisher, f"{base}_values", s.values),
            annual=(
                None if s.annual is None else backend.gather(finisher, f"{base}_annual", s.annual)
            ),
        )
        for base, s in sums.items()
    }
    names = ("commodity_sitc", "sitc", "partners")
    return (held, *(backend.gather(finisher, n, t) for n, t in zip(names, tables, strict=True)))


def _bridged(
    backend: Backend, elem: ir.Table, correlation: ir.Table | None, editions: ir.Table | None
) -> pd.DataFrame:
    """The elementary cells a new HS edition changed, in its first year, by month."""
    if correlation is None:
        return pd.DataFrame({"period": [], "cells": [], "value": []})
    changed = changed_codes(correlation, editions)
    hit = across_change(elem, changed, (elem.period // 100).cast("int32"))
    return backend.execute(
        hit.group_by("period")
        .aggregate(cells=hit.count(), value=hit.value.sum())
        .order_by("period")
    )


def method_of(store: Store, compile_id: int) -> Method:
    """The method a stored compilation used, to compile filtered cells the same way."""
    options = stored.compilation_options(store, compile_id)
    outliers = options.get("outliers") or {}
    return Method(
        reference_year=stored.compilation_reference_year(store, compile_id),
        formula=stored.compilation_formula(store, compile_id),
        linking=options.get("linking", "overlap"),
        outliers=Outliers(**outliers),
        imputation=options.get("imputation", "class_mean"),
        cell_keys=tuple(options.get("cell_keys", ())),
        min_coverage=options.get("min_coverage", 0.5),
    ).checked()


def _options(method: Method, breakdowns: Sequence[str]) -> dict[str, Any]:
    """A compilation's options besides formula and reference year, as stored."""
    return {
        "outliers": asdict(method.outliers),
        "imputation": method.imputation,
        "linking": method.linking,
        "cell_keys": list(method.cell_keys),
        "min_coverage": method.min_coverage,
        "breakdowns": list(breakdowns),
    }


def complete_years(periods: Sequence[int]) -> list[int]:
    """Years of which ``periods`` (YYYYMM) hold all twelve months, ascending."""
    held = set(periods)
    years = sorted({p // 100 for p in held})
    return [y for y in years if all(y * 100 + m in held for m in range(1, 13))]


def default_reference_year(periods: Sequence[int]) -> int:
    """The last complete year before the latest year held (else the latest complete one):
    2024 for a store of 2023-01 to 2025-12. Any complete year can be the reference: the
    first year of the data is priced against its own average, so every year has levels."""
    possible = complete_years(periods)
    if not possible:
        raise NotInStoreError(
            "No reference year: it must be a year of twelve months, and the store holds "
            f"{describe_span(list(periods))}."
        )
    latest = max(periods) // 100
    earlier = [y for y in possible if y < latest]
    return earlier[-1] if earlier else possible[-1]


def check_reference_year(year: int, periods: Sequence[int]) -> None:
    """An error naming the months held unless ``year`` can be the reference year."""
    if year not in complete_years(periods):
        possible = ", ".join(map(str, complete_years(periods))) or "none"
        raise InputError(
            f"Reference year {year} is not a year of twelve months in the store (it holds "
            f"{describe_span(list(periods))}; possible: {possible})."
        )


def compiled_month(store: Store, period: Period, as_of: int | None = None) -> int:
    """The latest compilation's id (of the cells as they stood after load ``as_of``), if it
    covers ``period``; an error naming what it covers otherwise."""
    compile_id = stored.latest_compilation(store, as_of)
    held = stored.compiled_periods(store, compile_id)
    if period.key not in held:
        raise NotInStoreError(
            f"Period {period} has no compiled indices (compilation {compile_id} covers "
            f"{describe_span(held)})."
        )
    return compile_id


@dataclass(frozen=True)
class IndexRow:
    """One key of a breakdown in one compiled month: levels with the reference year = 100,
    rates in % computed from those levels, and the direct year-on-year comparison of the
    compilation's formula as a diagnostic."""

    flow: str
    breakdown: str
    key: str
    label: str
    value: float | None
    price_index: float | None
    volume_index: float | None
    value_yoy_pct: float | None
    price_yoy_pct: float | None
    volume_yoy_pct: float | None
    value_mom_pct: float | None
    price_mom_pct: float | None
    volume_mom_pct: float | None
    value_ytd_pct: float | None
    price_ytd_pct: float | None
    volume_ytd_pct: float | None
    volume_growth_streak: int
    """Consecutive months, up to this one, of published year-on-year volume growth."""
    streak_at_least: bool
    """The month before the streak has no published rate: growth may have begun earlier."""
    price_coverage: float | None
    low_coverage: bool
    """Less of the month's value than the compilation's minimum is in matched cells."""
    cells_matched: int | None
    """Cells with a price relative of their own."""
    cells_imputed: int | None
    """Cells given their SITC group's mean relative."""
    volume_ref_mean: float | None
    """The volume index's mean over the reference year (far from 100: a thin node)."""
    direct_yoy_pct: float | None
    """The direct comparison with the same month a year earlier: a diagnostic."""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["name"] = out.pop("label")
        return out


def index_rows(
    store: Store,
    period: Period,
    *,
    flow: str = "total_exports",
    by: str = "total",
    as_of: int | None = None,
    backend: Backend | None = None,
) -> list[IndexRow]:
    """The compiled figures of ``period`` for each key of a breakdown, largest value first
    (with ``as_of``, as compiled from the cells as they stood after that load; with a
    ``backend`` whose cells are filtered, compiled from those cells with the same method).

    ``flow`` is one of :data:`~entrepot.schema.INDEX_FLOWS` (the flows, total exports and
    terms of trade); ``by`` one of :data:`~entrepot.schema.BREAKDOWNS`.
    """
    flow = choice(flow, INDEX_FLOWS, "flow")
    by = choice(by, BREAKDOWNS, "breakdown")
    compile_id = compiled_month(store, period, as_of)
    formula = stored.compilation_formula(store, compile_id)
    if backend is not None and backend.filters:
        # Filtered cells are compiled as the stored compilation was, not stored.
        frame = compile_series(backend, method_of(store, compile_id), [by]).frames[0]
        frame = frame[(frame.measure == flow) & (frame.period <= period.key)]
        frame = frame.sort_values(["key", "period"])
    else:
        compiled = stored.compilation_options(store, compile_id).get("breakdowns", BREAKDOWNS)
        if by not in compiled:
            hint = " --cell-keys origin" if by == "origin" else ""
            raise NotInStoreError(
                f"Compilation {compile_id} has no series by {by} (it has {', '.join(compiled)}): "
                f"compile with 'entrepot compile{hint}'."
            )
        frame = stored.series_upto(store, compile_id, flow, by, period.key)
    rows = []
    for (key, label), group in frame.groupby(["key", "label"], sort=False):
        now = group[group.period == period.key]
        if now.empty:
            continue
        r = now.iloc[0]
        streak, at_least = growth_streak(group, period)
        number = {c: optional_float(r[c]) for c in NUMBERS}
        direct = optional_float(r[f"{formula}_yoy"])
        rows.append(
            IndexRow(
                flow=flow,
                breakdown=by,
                key=str(key),
                label=str(label),
                volume_growth_streak=streak,
                streak_at_least=at_least,
                low_coverage=bool(r.low_coverage) if pd.notna(r.low_coverage) else False,
                cells_matched=optional_int(r.cells_matched),
                cells_imputed=optional_int(r.cells_imputed),
                direct_yoy_pct=None if direct is None else (direct - 1) * 100,
                **number,
            )
        )
    rows.sort(key=lambda row: (-(row.value or 0.0), row.key))
    return rows


NUMBERS: tuple[str, ...] = (
    "value", "price_index", "volume_index", "value_yoy_pct", "price_yoy_pct",
    "volume_yoy_pct", "value_mom_pct", "price_mom_pct", "volume_mom_pct", "value_ytd_pct",
    "price_ytd_pct", "volume_ytd_pct", "price_coverage", "volume_ref_mean",
)  # fmt: skip
"""The stored columns an :class:`IndexRow` carries as they are."""


@dataclass(frozen=True)
class Diagnostics:
    """What the latest compilation trimmed in a month, and its least homogeneous cells."""

    period: Period
    trimmed: pd.DataFrame
    """flow, commodity, name, partner, unit, mode (for the breakdown by mode), relative, the
    rule that trimmed it (bound or fence), v0, v1 and share (of the flow's value that month)."""
    trimmed_value_share: float
    """Value of the month's trimmed cells over the month's total trade value."""
    heterogeneous: pd.DataFrame
    """Cells of the period's year with the most dispersed monthly unit values."""
    bridged: tuple[int, float] = (0, 0.0)
    """Cells (and their value) of the month left unmatched because a new HS edition
    changed their subheading."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "bridged_cells": self.bridged[0],
            "bridged_value": self.bridged[1],
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
    cell_keys = stored.compilation_options(store, compile_id).get("cell_keys", [])
    trimmed = base_trims(stored.trims_of(store, compile_id, period.key), cell_keys)
    month_value = stored.compiled_value(store, compile_id, period.key)
    if month_value is None:  # a compilation without the total breakdown
        month_value = stored.traded_value(store, period.key)
    share = float(trimmed["v1"].sum() / month_value) if len(trimmed) and month_value else 0.0
    heterogeneous = stored.least_homogeneous(store, compile_id, period.year, top)
    options = stored.compilation_options(store, compile_id)
    cells, value = options.get("bridged", {}).get(str(period.key), (0, 0.0))
    return Diagnostics(period, trimmed.head(top), share, heterogeneous, (int(cells), float(value)))
