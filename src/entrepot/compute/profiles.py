"""Partner profiles: annual values by flow for every partner, with its rank among all
partners, its share of Hong Kong's whole flow and the change on the previous year; and a
partner's trade by SITC group (3 digits), with each group's share of that partner's flow.

This is the statistics office's "Hong Kong's top 10 trade with …" as expressions. Nothing
here executes. Years are calendar years (``period // 100``); the change on the previous
year joins on ``year - 1``, never on a row offset, so a missing year gives a null change.
Total trade is total exports plus imports; the balance is total exports minus imports.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from .values import by_flow, growth_pct, keyed

PROFILE_MEASURES: tuple[str, ...] = (
    "total_exports",
    "domestic_exports",
    "re_exports",
    "imports",
    "total_trade",
)
"""The flows a profile ranks and shares: the measures and total trade."""

GROUP_MEASURES: tuple[str, ...] = ("total_exports", "domestic_exports", "re_exports", "imports")
"""The flows a profile lists the top SITC groups of."""


def annual_by_flow(cells: ir.Table, years: Sequence[int], keys: Sequence[str] = ()) -> ir.Table:
    """One row per ``year`` (and key) of ``years`` with each measure, total trade and the
    balance as columns."""
    wanted = cells.filter((cells.period // 100).isin([int(y) for y in years]))
    table = by_flow(wanted.mutate(period=wanted.period // 100), keys).rename(year="period")
    return table.mutate(total_trade=table.total_exports + table.imports)


def with_change(
    table: ir.Table, keys: Sequence[str] = (), measures: Sequence[str] = PROFILE_MEASURES
) -> ir.Table:
    """Add ``<measure>_prev`` and ``<measure>_change_pct`` from the year before (null when
    the table has no row for it)."""
    prev = table.select(
        _year=table.year + 1,
        **{f"_{k}": table[k] for k in keys},
        **{f"{m}_prev": table[m] for m in measures},
    )
    cond = [table.year == prev._year] + [table[k] == prev[f"_{k}"] for k in keys]
    joined = table.left_join(prev, cond).drop("_year", *[f"_{k}" for k in keys])
    return joined.mutate(
        **{f"{m}_change_pct": growth_pct(joined[m], joined[f"{m}_prev"]) for m in measures}
    )


def partner_ranks(cells: ir.Table, years: Sequence[int]) -> ir.Table:
    """Annual values of every partner in ``years``, each measure with ``<m>_rank`` (1 = the
    largest partner that year; ties share the better rank), ``<m>_share_pct`` (% of the
    flow to or from all partners) and ``<m>_change_pct`` (on the previous year, which must
    be among ``years`` for a change to show)."""
    table = with_change(annual_by_flow(cells, years, ["partner"]), ["partner"])
    year = ibis.window(group_by="year")
    columns: dict[str, ir.Value] = {}
    for m in PROFILE_MEASURES:
        rank = ibis.rank().over(ibis.window(group_by="year", order_by=ibis.desc(table[m])))
        total = table[m].sum().over(year)
        columns[f"{m}_rank"] = rank + 1
        columns[f"{m}_share_pct"] = ibis.ifelse(total == 0, ibis.null(), table[m] / total * 100)
    return table.mutate(**columns)


def partner_groups(
    cells: ir.Table,
    partner: str,
    years: Sequence[int],
    *,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
) -> ir.Table:
    """``partner``'s annual values by SITC group (``key`` the 3-digit code, "unclassified"
    for items without one; ``label`` its name) in ``years``, each measure with
    ``<m>_share_pct`` (% of the partner's flow that year) and ``<m>_change_pct``."""
    own = cells.filter(cells.partner == partner)
    grouped = keyed(own, "group", commodity_sitc=commodity_sitc, sitc=sitc)
    keys = ["key", "label"]
    table = with_change(annual_by_flow(grouped, years, keys), keys, GROUP_MEASURES)
    year = ibis.window(group_by="year")
    columns: dict[str, ir.Value] = {}
    for m in GROUP_MEASURES:
        total = table[m].sum().over(year)
        columns[f"{m}_share_pct"] = ibis.ifelse(total == 0, ibis.null(), table[m] / total * 100)
    return table.mutate(**columns)
