"""Unit value (price) and quantum (volume) indices of trade, by any breakdown.

From the elementary relatives of :mod:`entrepot.compute.unit_values`:

* each node (a flow — total exports counting as a flow of its own — times a breakdown key)
  aggregates its matched, untrimmed cells with value weights, in one stage, so every node's
  index comes straight from its cells:

  - Laspeyres  L = Σ r·v0 / Σ v0            (base-period value weights)
  - Paasche    P = Σ v1 / Σ (v1 / r)        (current value weights)
  - Fisher     F = √(L·P)
  - Törnqvist  T = exp(½ (Σ v0 ln r / Σ v0 + Σ v1 ln r / Σ v1))

* the monthly index against the previous year's average is chained through the annual
  indices (annual unit values, year on year) into one series, and rescaled so that the
  reference year's monthly average is 100;
* volume (quantum) = value index ÷ unit value index at every node (implicit deflation);
* year-on-year changes come from the direct comparison with the same month a year earlier.

All functions build Ibis expressions; :mod:`entrepot.analysis.indices` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

from ..schema import BREAKDOWNS, EXPORT_FLOWS, choice
from .classes import classify_commodities, commodity_classes
from .unit_values import (
    ELEMENTARY_KEY,
    Outliers,
    annual_link_relatives,
    annual_link_unmatched,
    annual_relatives,
    elementary,
    flag_outliers,
    year_ago_relatives,
    year_ago_unmatched,
)
from .values import growth_pct, keyed

FORMULAS: tuple[str, ...] = ("fisher", "laspeyres", "paasche", "tornqvist")
IMPUTATIONS: tuple[str, ...] = ("exclude", "class_mean")
"""Unmatched cells (new, or gone) are left out, or given their class's mean relative (the
Fisher index of the matched cells of the same flow and SITC group that month)."""
NODE: tuple[str, ...] = ("measure", "key", "label")


def attach(left: ir.Table, right: ir.Table, keys: Sequence[str], how: str = "left") -> ir.Table:
    """Join ``right``'s other columns onto ``left`` by equal ``keys``.

    The right side's keys are renamed first and the result is a fresh projection, so the
    join holds even when both sides derive from the same table (as relatives do).
    """
    left = left.view()
    renamed = right.rename(**{f"_r_{k}": k for k in keys})
    joined = left.join(renamed, [left[k] == renamed[f"_r_{k}"] for k in keys], how=how)
    extra = [c for c in right.columns if c not in keys]
    return joined.select(*left.columns, *extra)


def with_measure(table: ir.Table) -> ir.Table:
    """Rows with a ``measure`` column: each flow, and exports again as ``total_exports``."""
    own = table.mutate(measure=table.flow)
    exports = table.filter(table.flow.isin(EXPORT_FLOWS)).mutate(
        measure=ibis.literal("total_exports")
    )
    return own.union(exports)


SUMS: tuple[str, ...] = (
    "v0",
    "v1",
    "matched_v1",
    "l_num",
    "p_den",
    "a0",
    "a1",
    "cells_matched",
    "cells_imputed",
)
"""Additive pieces of the index formulas: sums over cells add up over any grouping."""

COUNTS: tuple[str, ...] = ("cells_matched", "cells_imputed")
"""The pieces that count cells: matched (a relative of their own) and imputed (a class mean)."""

BASE: dict[str, tuple[str, ...]] = {
    "total": (),
    "partner": ("partner",),
    "region": ("partner",),
    "mode": ("mode",),
    "section": ("commodity",),
    "division": ("commodity",),
    "group": ("commodity",),
}
"""The cell column each breakdown is derived from: relatives are summed by it first, so
classifying happens on the small summed table, not on every relative."""


PIECES: dict[str, tuple[str, ...]] = {
    "laspeyres": ("v0", "l_num"),
    "paasche": ("v1", "p_den"),
    "fisher": ("v0", "v1", "l_num", "p_den"),
    "tornqvist": ("v0", "v1", "a0", "a1"),
}
"""The sums each formula is made of."""


def partial_sums(rel: ir.Table, keys: Sequence[str], pieces: Sequence[str] = SUMS) -> ir.Table:
    """The additive pieces of the formulas (``pieces``, by default all) over the untrimmed
    cells, by period and keys.

    ``rel`` has ``relative``, ``v0``, ``v1``, ``trimmed`` and ``imputed``; an imputed cell
    weighs in (with its class mean relative) but does not count as matched: it counts in
    ``cells_imputed``, and ``cells_matched`` counts the cells with a relative of their own.
    """
    kept = rel.filter(~rel.trimmed)
    log_r = kept.relative.ln()
    every = {
        "v0": kept.v0.sum(),
        "v1": kept.v1.sum(),
        "matched_v1": kept.imputed.ifelse(0.0, kept.v1).sum(),
        "l_num": (kept.relative * kept.v0).sum(),
        "p_den": (kept.v1 / kept.relative).sum(),
        "a0": (kept.v0 * log_r).sum(),
        "a1": (kept.v1 * log_r).sum(),
        "cells_matched": (~kept.imputed).sum(),
        "cells_imputed": kept.imputed.sum(),
    }
    return kept.group_by(["period", *keys]).aggregate(**{p: every[p] for p in pieces})


def formulas(
    sums: ir.Table, keys: Sequence[str] = NODE, which: Sequence[str] = FORMULAS
) -> ir.Table:
    """The formulas named in ``which`` (by default Laspeyres, Paasche, Fisher and Törnqvist)
    from summed pieces (see module docstring), with the sums that are not formula pieces."""
    every = {
        "laspeyres": lambda: sums.l_num / sums.v0,
        "paasche": lambda: sums.v1 / sums.p_den,
        "fisher": lambda: ((sums.l_num / sums.v0) * (sums.v1 / sums.p_den)).sqrt(),
        "tornqvist": lambda: (0.5 * (sums.a0 / sums.v0 + sums.a1 / sums.v1)).exp(),
    }
    carried = [c for c in ("v0", "v1", "matched_v1", *COUNTS) if c in sums.columns]
    return sums.select("period", *keys, *carried, **{f: every[f]() for f in which})


def aggregate(rel: ir.Table, keys: Sequence[str] = NODE) -> ir.Table:
    """Laspeyres, Paasche, Fisher and Törnqvist of each group of untrimmed cells."""
    return formulas(partial_sums(rel, keys), keys)


def node_sums(
    sums: ir.Table,
    by: str,
    columns: Sequence[str],
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    partners: ir.Table,
) -> ir.Table:
    """Sums by period, flow and base column → by period and node (measure, key, label).

    Total exports add up domestic exports and re-exports here, on the summed rows.
    """
    keyed_sums = keyed(sums, by, commodity_sitc=commodity_sitc, sitc=sitc, partners=partners)
    measured = with_measure(keyed_sums)
    totals = {c: measured[c].sum() for c in columns}
    return measured.group_by(["period", *NODE]).aggregate(
        **{c: as_int64(v) if v.type().is_integer() else v for c, v in totals.items()}
    )


def as_int64(value: ir.IntegerValue) -> ir.IntegerValue:
    """``value`` cast to int64 in the query itself.

    A DuckDB sum of integers is a HUGEINT (pandas receives Decimal objects) although Ibis
    types it int64, so ``value.cast("int64")`` would be a no-op: the cast is built directly.
    """
    return ops.Cast(value, to=dt.int64).to_expr()


def impute(unmatched: ir.Table, matched: ir.Table) -> ir.Table:
    """Unmatched cells with their class's mean relative, shaped like ``matched``.

    The class mean is the Fisher index of the matched, untrimmed cells of the same flow and
    SITC group that month; cells of a class with no matched cell stay out.
    """
    means = aggregate(matched, ("flow", "group")).select(
        "period", "flow", "group", relative="fisher"
    )
    filled = attach(unmatched, means, ["period", "flow", "group"], how="inner")
    fixed = {"trimmed": ibis.literal(False), "imputed": ibis.literal(True)}
    return filled.select(
        *[(fixed[c] if c in fixed else filled[c]).name(c) for c in matched.columns]
    )


def _no_rows(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """An empty relation shaped like the unmatched cells (annual links impute nothing)."""
    return elem.select("period", *keys, v0=elem.value, v1=elem.value).limit(0)


def chain(links: ir.Table, annual_links: ir.Table, formula: str, reference_year: int) -> ir.Table:
    """Chain monthly links (vs previous year's average) through the annual indices.

    Index(y, m) = link(y, m) × Π annual links up to year y − 1, starting at 1 in the first
    year that has a link; rescaled so the reference year's monthly mean is 100.
    """
    years = annual_links.select(
        *NODE, year=(annual_links.period // 100).cast("int32"), link=annual_links[formula]
    )
    w = ibis.cumulative_window(group_by=list(NODE), order_by="year")
    level = years.mutate(level=years.link.ln().sum().over(w).exp())
    level = level.select(
        *[level[k].name(f"_{k}") for k in NODE], _next=level.year + 1, _level=level.level
    )
    first = links.group_by(list(NODE)).aggregate(_first=(links.period // 100).min())
    monthly = links.select("period", *NODE, link=links[formula]).inner_join(first, list(NODE))
    year = (monthly.period // 100).cast("int32")
    joined = monthly.left_join(
        level, [year == level._next] + [monthly[k] == level[f"_{k}"] for k in NODE]
    )
    # The first linked year has no annual level before it: its level is 1.
    lvl = ibis.ifelse(year == joined._first, 1.0, joined._level)
    raw = joined.select("period", *NODE, raw=joined.link * lvl)
    ref = raw.filter((raw.period // 100) == reference_year)
    ref = ref.group_by(list(NODE)).aggregate(_ref=ref.raw.mean())
    ref = ref.select(*[ref[k].name(f"_{k}") for k in NODE], "_ref")
    out = raw.left_join(ref, [raw[k] == ref[f"_{k}"] for k in NODE])
    return out.select("period", *NODE, price_index=out.raw / out._ref * 100)


def compile_indices(
    cells: ir.Table,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    partners: ir.Table,
    *,
    by: str = "total",
    formula: str = "fisher",
    reference_year: int,
    outliers: Outliers | None = None,
    imputation: str = "exclude",
) -> tuple[ir.Table, ir.Table]:
    """The index series of every node of one breakdown, and the trimmed relatives.

    Returns ``(series, trimmed)``: ``series`` has period, measure, key, label, value,
    value_yoy_pct, price_index, price_yoy_pct, volume_index, volume_yoy_pct, price_coverage,
    the YoY Laspeyres/Paasche/Fisher/Törnqvist, ``cells_matched`` (untrimmed cells with a
    year-on-year relative of their own) and ``cells_imputed`` (cells given their class mean;
    always 0 with ``imputation="exclude"``), both int64 and 0 in months with no year before;
    ``trimmed`` lists the year-on-year relatives the outlier rule removed, with their current
    value.
    """
    formula = choice(formula, FORMULAS, "formula")
    imputation = choice(imputation, IMPUTATIONS, "imputation")
    by = choice(by, BREAKDOWNS, "breakdown")
    rule = outliers or Outliers()
    by_mode = by == "mode"
    keys = [*ELEMENTARY_KEY, *(["mode"] if by_mode else [])]
    base = BASE[by]
    elem = elementary(cells, by_mode=by_mode)
    classes = commodity_classes(commodity_sitc, sitc)
    # SITC groups are needed on every relative only for fences and class means.
    per_relative_groups = rule.fence is not None or imputation == "class_mean"

    def prepared(rel: ir.Table, unmatched: Callable[[], ir.Table]) -> ir.Table:
        if per_relative_groups:
            rel = classify_commodities(rel, classes)
        flagged = flag_outliers(rel, rule, ["flow", "group"] if per_relative_groups else [])
        flagged = flagged.mutate(imputed=ibis.literal(False))
        if imputation == "class_mean":
            flagged = flagged.union(impute(classify_commodities(unmatched(), classes), flagged))
        return flagged

    def indices_of(rel: ir.Table, which: Sequence[str], pieces: Sequence[str]) -> ir.Table:
        sums = partial_sums(rel, ["flow", *base], pieces)
        return formulas(node_sums(sums, by, pieces, commodity_sitc, sitc, partners), which=which)

    # Year on year, every formula is reported (with coverage); the chain needs only the
    # chosen formula, and summing only its pieces saves a pass of logarithms.
    yoy_rel = prepared(year_ago_relatives(elem, keys), lambda: year_ago_unmatched(elem, keys))
    yoy = indices_of(yoy_rel, FORMULAS, SUMS)
    link_rel = prepared(
        annual_link_relatives(elem, keys), lambda: annual_link_unmatched(elem, keys)
    )
    links = indices_of(link_rel, [formula], PIECES[formula])
    annual_rel = prepared(annual_relatives(elem, keys), lambda: _no_rows(elem, keys))
    annual_links = indices_of(annual_rel, [formula], PIECES[formula])
    chained = chain(links, annual_links, formula, reference_year)

    cell_values = cells.group_by(["period", "flow", *base]).aggregate(value=cells.value.sum())
    values = node_sums(cell_values, by, ("value",), commodity_sitc, sitc, partners)
    prev = values.select("period", *NODE, value_prev=values.value).mutate(
        period=lambda t: t.period + 100
    )
    values = attach(values, prev, ("period", *NODE))
    ref_value = values.filter((values.period // 100) == reference_year)
    ref_value = ref_value.group_by(list(NODE)).aggregate(_ref_value=ref_value.value.mean())
    yoy_cols = yoy.select(
        "period",
        *NODE,
        laspeyres_yoy=yoy.laspeyres,
        paasche_yoy=yoy.paasche,
        fisher_yoy=yoy.fisher,
        tornqvist_yoy=yoy.tornqvist,
        matched_value=yoy.matched_v1,
        cells_matched=yoy.cells_matched,
        cells_imputed=yoy.cells_imputed,
    )
    t = attach(values, yoy_cols, ("period", *NODE))
    t = attach(t, chained, ("period", *NODE))
    t = attach(t, ref_value, NODE)
    price_ratio = t[f"{formula}_yoy"]
    value_ratio = t.value / t.value_prev
    value_index = t.value / t._ref_value * 100
    series = t.select(
        "period",
        *NODE,
        "value",
        value_yoy_pct=growth_pct(t.value, t.value_prev),
        price_index=t.price_index,
        price_yoy_pct=(price_ratio - 1) * 100,
        volume_index=value_index / t.price_index * 100,
        volume_yoy_pct=(value_ratio / price_ratio - 1) * 100,
        price_coverage=t.matched_value / t.value,
        laspeyres_yoy=t.laspeyres_yoy,
        paasche_yoy=t.paasche_yoy,
        fisher_yoy=t.fisher_yoy,
        tornqvist_yoy=t.tornqvist_yoy,
        # A month with no year-ago comparison has no matched or imputed cell.
        cells_matched=t.cells_matched.coalesce(0),
        cells_imputed=t.cells_imputed.coalesce(0),
    )
    trimmed = yoy_rel.filter(yoy_rel.trimmed)
    return series, trimmed.select(
        "period", "flow", "commodity", "partner", "unit", "relative", "v0", "v1"
    )


def terms_of_trade(series: ir.Table) -> ir.Table:
    """Export unit value index ÷ import unit value index × 100, for each key and month.

    Takes the ``series`` of :func:`compile_indices`; gives rows of the same shape with
    ``measure = 'terms_of_trade'`` (values and volumes do not apply and are null).
    """
    exports = series.filter(series.measure == "total_exports")
    imports = series.filter(series.measure == "imports").select(
        _period="period",
        _key="key",
        m_index="price_index",
        m_yoy="price_yoy_pct",
    )
    joined = exports.inner_join(
        imports, [exports.period == imports._period, exports.key == imports._key]
    )
    null = ibis.null("float64")
    return joined.select(
        "period",
        measure=ibis.literal("terms_of_trade"),
        key=joined.key,
        label=joined.label,
        value=null,
        value_yoy_pct=null,
        price_index=joined.price_index / joined.m_index * 100,
        price_yoy_pct=((1 + joined.price_yoy_pct / 100) / (1 + joined.m_yoy / 100) - 1) * 100,
        volume_index=null,
        volume_yoy_pct=null,
        price_coverage=null,
        laspeyres_yoy=null,
        paasche_yoy=null,
        fisher_yoy=null,
        tornqvist_yoy=null,
        cells_matched=ibis.null("int64"),
        cells_imputed=ibis.null("int64"),
    )
