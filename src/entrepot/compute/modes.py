"""Relatives by mode of transport: each cell's relative, weighted by what each mode carried.

Mode is not part of the elementary cell (unless ``--cell-keys mode`` puts it there): an
item from one partner changes price alike whichever way it travels, and a cell shipped by
sea last year and by air this year has changed mode, not price. So the breakdown by mode
reuses the cells' relatives and their one trimming decision, and splits each cell's weights
by mode: its base weight ``v0`` by the value each mode carried in the cell's base period,
its month's value ``v1`` by the value each mode carried that month. For a cell with value
HK$100 in 2024 (60 by sea, 40 by air) and HK$90 in a month of 2025 (all by air), relative
1.05: sea weighs in with v0 = 60, v1 = 0; air with v0 = 40, v1 = 90, both at r = 1.05.

Each additive piece of the index formulas summed over the modes is the same piece of the
cells without mode, so the modes add up to the total exactly; values by mode are the
cells' own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ibis
import ibis.expr.types as ir

from .unit_values import BASE_MODE, SOLE_MODE, priced

MODE_COLUMNS: tuple[str, ...] = ("period", "flow", "mode", "v0", "v1", "relative", "trimmed",
                                 "imputed", "counted")  # fmt: skip
"""A relative's share carried by one mode; ``counted`` says whether the cell counts among
the mode's cells that month (it carried value by the mode in the month, or, gone in the
month, in its base period)."""

At = Callable[[ir.Table], ir.Value]


def _split(
    rel: ir.Table,
    keys: Sequence[str],
    now: ir.Table,
    before: ir.Table,
    before_at: At,
) -> ir.Table:
    """``rel``'s kept rows with their weights split by mode.

    ``now`` (period, keys, mode, value) gives each mode's value in the relative's period;
    ``before`` (``_at``, keys, mode, value) its value in the relative's base, matched on
    ``before_at(rel) == _at``.
    """

    rel = rel.filter(~rel.trimmed)  # a trimmed relative weighs in nowhere: none to split
    sole = SOLE_MODE in rel.columns

    def joined(rows: ir.Table, side: ir.Table, at: At, time: str) -> ir.Table:
        renamed = side.rename(**{f"_r_{k}": k for k in keys})
        cond = [at(rows) == renamed[time]] + [rows[k] == renamed[f"_r_{k}"] for k in keys]
        return rows.inner_join(renamed, cond)

    # A cell that travelled one way in the month (in its base) takes its whole value (base
    # weight) there; the others look up what each mode carried.
    looked_up = rel.filter(rel[SOLE_MODE].isnull()) if sole else rel
    carried = joined(looked_up, now.rename(_at="period"), lambda r: r.period, "_at")
    in_month = carried.select(
        "period", "flow", "mode", v0=ibis.literal(0.0), v1=carried.value,
        relative="relative", trimmed="trimmed", imputed="imputed", counted=ibis.literal(True),
    ).select(*MODE_COLUMNS)  # fmt: skip
    # A relative with no base weight (a new cell, or one a new HS edition changed) has
    # none by mode either, whatever its cell carried in the base period.
    weighed = rel.filter(rel.v0 != 0)
    looked_up = weighed.filter(weighed[BASE_MODE].isnull()) if sole else weighed
    based = joined(looked_up, before, before_at, "_at")
    in_base = based.select(
        "period", "flow", "mode", v0=based.value, v1=ibis.literal(0.0),
        relative="relative", trimmed="trimmed", imputed="imputed", counted=based.v1 == 0,
    ).select(*MODE_COLUMNS)  # fmt: skip
    if not sole:
        return in_month.union(in_base)
    one = rel.filter(rel[SOLE_MODE].notnull())
    one_month = one.select(
        "period", "flow", mode=one[SOLE_MODE], v0=ibis.literal(0.0), v1=one.v1,
        relative="relative", trimmed="trimmed", imputed="imputed", counted=ibis.literal(True),
    )  # fmt: skip
    one = rel.filter(rel[BASE_MODE].notnull())
    one_base = one.select(
        "period", "flow", mode=one[BASE_MODE], v0=one.v0, v1=ibis.literal(0.0),
        relative="relative", trimmed="trimmed", imputed="imputed", counted=one.v1 == 0,
    )  # fmt: skip
    return in_month.union(in_base, one_month, one_base)


def mode_values(cells: ir.Table, keys: Sequence[str], units: ir.Table | None = None) -> ir.Table:
    """What each mode carried of each priced elementary cell: period, ``keys``, mode and
    value (the cells that have a relative; see :func:`~.unit_values.priced`)."""
    usable = priced(cells, [*keys, "mode"], units)
    return usable.group_by(["period", *keys, "mode"]).aggregate(value=usable.value.sum())


def _years(modes: ir.Table, keys: Sequence[str]) -> ir.Table:
    year = (modes.period // 100).cast("int32").name("year")
    return modes.group_by([year, *keys, "mode"]).aggregate(value=modes.value.sum())


def link_relatives_by_mode(rel: ir.Table, modes: ir.Table, keys: Sequence[str]) -> ir.Table:
    """The monthly relatives ``rel`` split by mode: ``modes`` is :func:`mode_values`; a
    relative's base is its cell's value by mode in the year of its price reference (the
    year before, or its own for the first year: see :func:`~.unit_values.price_references`)."""
    years = _years(modes, keys)
    serves_next = years.select(*keys, "mode", _at=(years.year + 1).cast("int32"), value="value")
    own_first = years.filter(years.year == years.year.min()).select(
        *keys, "mode", _at=years.year, value="value"
    )
    before = serves_next.union(own_first)
    return _split(rel, keys, modes, before, lambda r: (r.period // 100).cast("int32"))


def direct_relatives_by_mode(direct: ir.Table, modes: ir.Table, keys: Sequence[str]) -> ir.Table:
    """The year-ago relatives split by mode: the base is the same month a year earlier."""
    before = modes.select(*keys, "mode", _at=(modes.period + 100).cast("int32"), value="value")
    return _split(direct, keys, modes, before, lambda r: r.period)


def annual_relatives_by_mode(
    annual_rel: ir.Table, modes: ir.Table, keys: Sequence[str]
) -> ir.Table:
    """The annual relatives (period YYYY00) split by mode: the base is the year before."""
    years = _years(modes, keys)
    now = years.select(*keys, "mode", period=(years.year * 100).cast("int32"), value="value")
    before = years.select(*keys, "mode", _at=((years.year + 1) * 100).cast("int32"), value="value")
    return _split(annual_rel, keys, now, before, lambda r: r.period)
