"""Elementary unit values and their relatives.

The elementary cell for unit values is flow × 8-digit item × partner × quantity unit (and,
for the breakdown by transport mode, × mode), monthly; its unit value is Σ value ÷ Σ quantity.
A cell with no quantity, or whose unit changed, cannot be matched and only counts in values.

Two kinds of relative feed the indices:

* against the **same month a year earlier** (period − 100), for year-on-year changes;
* against the **previous year's average unit value** (Σ value ÷ Σ quantity over its twelve
  months), the annual chain link; the base weight is then the previous year's value.

Everything here returns Ibis expressions; nothing executes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

ELEMENTARY_KEY: tuple[str, ...] = ("flow", "commodity", "partner", "unit")


@dataclass(frozen=True)
class Outliers:
    """How extreme relatives are trimmed before aggregation.

    ``bounds``: a relative outside [low, high] is trimmed. ``fence``: also trim relatives
    whose log lies outside Tukey's fences (Q1 − k·IQR, Q3 + k·IQR) within flow × SITC group
    × period (set ``fence`` to None to skip; needs the cells' ``group``).
    """

    low: float = 0.1
    high: float = 10.0
    fence: float | None = 3.0
    min_cells: int = 8
    """Fences apply only in groups with at least this many cells (quartiles of fewer mislead)."""


def elementary(cells: ir.Table, *, by_mode: bool = False) -> ir.Table:
    """Monthly elementary cells with a positive value and quantity, with their unit value."""
    keys = ["period", *ELEMENTARY_KEY, *(["mode"] if by_mode else [])]
    usable = cells.filter(cells.unit.notnull() & (cells.quantity > 0) & (cells.value > 0))
    # Unit value inside the aggregate: a mutate after it makes DuckDB keep the grouped
    # table twice (two CTEs), which costs time and memory at scale.
    return usable.group_by(keys).aggregate(
        value=usable.value.sum(),
        quantity=usable.quantity.sum(),
        unit_value=usable.value.sum() / usable.quantity.sum(),
    )


def annual(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Yearly unit values per cell: Σ value ÷ Σ quantity over the year's months."""
    year = (elem.period // 100).cast("int32").name("year")
    return elem.group_by([year, *keys]).aggregate(  # unit value inside: see elementary()
        value=elem.value.sum(),
        quantity=elem.quantity.sum(),
        unit_value=elem.value.sum() / elem.quantity.sum(),
    )


def _match(
    now: ir.Table,
    base: ir.Table,
    keys: Sequence[str],
    *,
    now_time: str,
    base_time: ir.Value,
    carry: Sequence[str] = ("period",),
) -> ir.Table:
    """Rows of ``now`` matched by ``keys`` with the ``base`` row whose shifted time
    (``base_time``) equals ``now[now_time]``: ``v0``, ``v1`` and the unit value ``relative``."""
    shifted = base.select(
        _time=base_time.cast("int32"),
        **{f"_{k}": base[k] for k in keys},
        v0=base.value,
        p0=base.unit_value,
    )
    cond = [now[now_time] == shifted._time] + [now[k] == shifted[f"_{k}"] for k in keys]
    joined = now.inner_join(shifted, cond)
    return joined.select(
        *carry,
        *keys,
        v0=joined.v0,
        v1=joined.value,
        relative=joined.unit_value / joined.p0,
    )


def year_ago_relatives(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells matched with the same month a year earlier: ``v0``, ``v1`` and ``relative``."""
    # Only months with a year before (and after) them can match: leaving out the first
    # (last) year's months shrinks both sides of the join, which the engine cannot infer.
    # (Both sides in int64: Ibis will not compare an int64 column with an int32 scalar.)
    now = elem.filter(elem.period.cast("int64") - 100 >= elem.period.min().cast("int64"))
    base = elem.filter(elem.period.cast("int64") + 100 <= elem.period.max().cast("int64"))
    return _match(now, base, keys, now_time="period", base_time=base.period + 100)


def annual_link_relatives(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells matched with their previous year's average unit value (the annual link)."""
    now = elem.mutate(year=(elem.period // 100).cast("int32"))
    base = annual(elem, keys)
    return _match(now, base, keys, now_time="year", base_time=base.year + 1)


def annual_relatives(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Yearly unit values matched with the year before (links between annual indices).

    The ``period`` of a year's row is YYYY00, so it sorts with, and never equals, a month.
    """
    years = annual(elem, keys)
    matched = _match(years, years, keys, now_time="year", base_time=years.year + 1, carry=("year",))
    return matched.mutate(period=(matched.year * 100).cast("int32")).select(
        "period", *keys, "v0", "v1", "relative"
    )


def year_ago_unmatched(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells with no partner a year earlier (new: ``v0`` = 0) or a year later (gone: ``v1`` = 0).

    Gone cells are placed in the month they are missing from, for months the data holds.
    """
    now = elem.select("period", *keys, v1=elem.value)
    before = elem.select(*keys, period=(elem.period + 100).cast("int32"), v0=elem.value)
    months = elem.select("period").distinct()
    new = now.anti_join(before, ["period", *keys]).mutate(v0=ibis.literal(0.0))
    gone = before.semi_join(months, "period").anti_join(now, ["period", *keys])
    gone = gone.mutate(v1=ibis.literal(0.0))
    return new.select("period", *keys, "v0", "v1").union(gone.select("period", *keys, "v0", "v1"))


def annual_link_unmatched(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells of a month with no previous-year average (new), and previous-year cells not
    traded in the month (gone), for the annual link."""
    now = elem.select("period", *keys, v1=elem.value, year=(elem.period // 100).cast("int32"))
    base = annual(elem, keys)
    base = base.select(*keys, year=(base.year + 1).cast("int32"), v0=base.value)
    new = now.anti_join(base, ["year", *keys]).mutate(v0=ibis.literal(0.0))
    months = now.select("period", "year").distinct()
    gone = base.inner_join(months, "year").anti_join(now, ["period", *keys])
    gone = gone.mutate(v1=ibis.literal(0.0))
    return new.select("period", *keys, "v0", "v1").union(gone.select("period", *keys, "v0", "v1"))


def flag_outliers(rel: ir.Table, rule: Outliers, group_keys: Sequence[str] = ()) -> ir.Table:
    """Add ``trimmed`` (bool) by the rule; fences need ``group_keys`` (e.g. flow, group)."""
    out_of_bounds = (rel.relative < rule.low) | (rel.relative > rule.high)
    if rule.fence is None or not group_keys:
        return rel.mutate(trimmed=out_of_bounds)
    log_r = rel.relative.ln()
    w = ibis.window(group_by=["period", *group_keys])
    q1 = log_r.quantile(0.25).over(w)
    q3 = log_r.quantile(0.75).over(w)
    iqr = q3 - q1
    enough = rel.relative.count().over(w) >= rule.min_cells
    outside = enough & ((log_r < q1 - rule.fence * iqr) | (log_r > q3 + rule.fence * iqr))
    return rel.mutate(trimmed=out_of_bounds | outside)


def homogeneity(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Dispersion of each cell's monthly unit values within a year.

    A high coefficient of variation (standard deviation ÷ mean of the monthly unit values)
    warns that the cell mixes products, so its unit value moves with product mix as well
    as with price.
    """
    year = (elem.period // 100).cast("int32").name("year")
    stats = elem.group_by([year, *keys]).aggregate(
        months=elem.period.nunique(),
        mean_unit_value=elem.unit_value.mean(),
        sd=elem.unit_value.std(how="pop"),
    )
    return stats.select(
        "year", *keys, "months", "mean_unit_value", cv=stats.sd / stats.mean_unit_value
    )
