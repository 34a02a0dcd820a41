"""Value tables: trade values by flow, month and breakdown, with year-on-year changes.

Everything here builds Ibis expressions over the store's tables and never executes.
Total exports are domestic exports plus re-exports; the visible trade balance is total
exports minus imports. Year-on-year changes join on ``period - 100`` (the same month a year
earlier, since periods are YYYYMM), never on a row offset: months can be missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from ..errors import InputError
from ..schema import BREAKDOWNS, EXPORT_FLOWS, MEASURES, NOT_STATED
from .classes import classify_commodities, classify_partners, commodity_classes, name_sitc


def by_flow(cells: ir.Table, keys: Sequence[str] = ()) -> ir.Table:
    """One row per period (and key) with each measure as a column, plus the balance."""
    flow = cells.flow
    sums = {
        "domestic_exports": (flow == "domestic_exports").ifelse(cells.value, 0.0).sum(),
        "re_exports": (flow == "re_exports").ifelse(cells.value, 0.0).sum(),
        "total_exports": flow.isin(EXPORT_FLOWS).ifelse(cells.value, 0.0).sum(),
        "imports": (flow == "imports").ifelse(cells.value, 0.0).sum(),
    }
    table = cells.group_by(["period", *keys]).aggregate(**sums)
    return table.mutate(balance=table.total_exports - table.imports)


def keyed(
    cells: ir.Table,
    by: str,
    *,
    commodity_sitc: ir.Table | None = None,
    sitc: ir.Table | None = None,
    partners: ir.Table | None = None,
) -> ir.Table:
    """``cells`` with ``key`` and ``label`` columns for the breakdown ``by`` (one of
    :data:`~entrepot.schema.BREAKDOWNS`; ``total`` keys every cell ``total``)."""
    if by == "total":
        return cells.mutate(key=ibis.literal("total"), label=ibis.literal("total"))
    if by == "origin" and partners is not None:
        # Origins are partner codes: named as partners are (by their code if unknown).
        names = partners.select(_code=partners.code, _name=partners.name)
        joined = cells.left_join(names, cells.origin == names._code).drop("_code")
        key = joined.origin.fill_null(NOT_STATED)
        return joined.mutate(key=key, label=joined._name.coalesce(key)).drop("_name")
    if by in ("mode", "origin"):
        label = cells[by].fill_null(NOT_STATED)
        return cells.mutate(key=label, label=label)
    if by == "chapter":
        # Sums by SITC class carry the chapter already (see compute.trade_indices).
        code = cells.chapter if "chapter" in cells.columns else chapter(cells.commodity)
        return cells.mutate(key=code, label="HS chapter " + code)
    if by in ("partner", "region"):
        if partners is None:
            raise InputError(f"The {by} breakdown needs the partners table.")
        named = classify_partners(cells, partners)
        if by == "partner":
            return named.mutate(key=named.partner, label=named.partner_name)
        return named.mutate(key=named.region, label=named.region)
    if by in ("division", "section", "group"):
        if commodity_sitc is None or sitc is None:
            raise InputError(f"The {by} breakdown needs the SITC classification tables.")
        if by in cells.columns:  # classified already (sums by SITC class)
            named = name_sitc(cells, sitc, by)
        else:
            named = classify_commodities(cells, commodity_classes(commodity_sitc, sitc))
        code = named[by].fill_null("unclassified")
        return named.mutate(key=code, label=named[f"{by}_name"].fill_null(code))
    raise InputError(f"Unknown breakdown {by!r}; choose one of {', '.join(BREAKDOWNS)}.")


def chapter(commodity: ir.Value) -> ir.StringValue:
    """The HS chapter of a commodity code: its first two digits."""
    return commodity.cast("string").substr(0, 2)


def with_yoy(
    table: ir.Table, keys: Sequence[str] = (), measures: Sequence[str] = MEASURES
) -> ir.Table:
    """Add ``<measure>_prev`` and ``<measure>_yoy_pct`` from the same month a year earlier."""
    prev = table.select(
        "period", *keys, *[table[m].name(f"{m}_prev") for m in (*measures, "balance")]
    ).rename(period_prev="period", **{f"{k}_prev_key": k for k in keys})
    cond = [table.period - 100 == prev.period_prev] + [
        table[k] == prev[f"{k}_prev_key"] for k in keys
    ]
    joined = table.left_join(prev, cond).drop("period_prev", *[f"{k}_prev_key" for k in keys])
    return joined.mutate(
        **{f"{m}_yoy_pct": growth_pct(joined[m], joined[f"{m}_prev"]) for m in measures}
    )


def growth_pct(now: ir.NumericValue, before: ir.NumericValue) -> ir.NumericValue:
    """Percentage change; null when the base is missing or zero."""
    return ibis.ifelse(before.isnull() | (before == 0), ibis.null(), (now / before - 1) * 100)


def year_to_date(table: ir.Table, period_key: int, keys: Sequence[str] = ()) -> ir.Table:
    """Sums from January to ``period_key`` (YYYYMM) and the same months a year earlier."""
    year_start = period_key // 100 * 100 + 1
    measures = (*MEASURES, "balance")

    def window(start: int, end: int, suffix: str) -> ir.Table:
        rows = table.filter(table.period.between(start, end))
        return rows.aggregate(
            by=list(keys),
            **{f"{m}{suffix}": rows[m].sum() for m in measures},
            **{f"months{suffix}": rows.period.nunique()},
        )

    now = window(year_start, period_key, "")
    before = window(year_start - 100, period_key - 100, "_prev")
    if keys:
        before = before.rename(**{f"{k}_prev_key": k for k in keys})
        joined = now.left_join(before, [now[k] == before[f"{k}_prev_key"] for k in keys])
        joined = joined.drop(*[f"{k}_prev_key" for k in keys])
    else:
        joined = now.cross_join(before)
    return joined.mutate(
        **{f"{m}_yoy_pct": growth_pct(joined[m], joined[f"{m}_prev"]) for m in MEASURES}
    )


def value_and_weight(cells: ir.Table, flows: Sequence[str], by: str) -> ir.Table:
    """Value and net weight (kg) of ``flows`` by period and the cell column ``by`` (an
    unstated one is "not stated"): value per kilogram is value over the weight declared
    with it, so cells without a weight are summed apart (``value_weighed``)."""
    rows = cells.filter(cells.flow.isin(list(flows)))
    weighed = rows.net_weight.notnull() & (rows.net_weight > 0)
    return rows.group_by(["period", rows[by].fill_null(NOT_STATED).name(by)]).aggregate(
        value=rows.value.sum(),
        net_weight=weighed.ifelse(rows.net_weight, 0.0).sum(),
        value_weighed=weighed.ifelse(rows.value, 0.0).sum(),
    )
