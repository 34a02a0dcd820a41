"""Elementary unit values, their price references and relatives, and the trimming rule.

The elementary cell for unit values is flow × 8-digit item × partner × quantity unit (and any
of mode, origin and consignment added to it), monthly; its unit value is Σ value ÷ Σ quantity.
A cell with no quantity, no value or no unit cannot be priced and only counts in values; a
cell with no unit takes its item's unit from the office's item list where one is given.

Each year's months are priced against the previous year: a cell's **price reference** for
year Y is its unit value over the months of Y − 1 (Σ value ÷ Σ quantity), and its base
weight its value in Y − 1. The first year of the data is priced against its own average,
so that the series starts with the data. The **relative** of a cell in month t of Y is its
unit value in t over its reference for Y.

The direct comparison with the same month a year earlier (period − 100) is kept for the
year-on-year diagnostic.

Everything here returns Ibis expressions; nothing executes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from ..schema import NOT_STATED, choice
from .editions import not_across_change

ELEMENTARY_KEY: tuple[str, ...] = ("flow", "commodity", "partner", "unit")
EXTRA_CELL_KEYS: tuple[str, ...] = ("mode", "origin", "consignment")
"""Keys ``--cell-keys`` may add to the elementary cell."""


def cell_keys(extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The elementary cell's keys: :data:`ELEMENTARY_KEY` and the ``extra`` ones (any of
    :data:`EXTRA_CELL_KEYS`, in that order)."""
    wanted = {choice(k, EXTRA_CELL_KEYS, "cell key") for k in extra}
    return (*ELEMENTARY_KEY, *(k for k in EXTRA_CELL_KEYS if k in wanted))


@dataclass(frozen=True)
class Outliers:
    """How extreme relatives are trimmed: one decision per cell and month.

    ``bounds``: a relative outside [low, high] is trimmed (rule ``bound``). ``fence``: of the
    relatives inside the bounds, those whose log lies outside Tukey's fences (Q1 − k·IQR,
    Q3 + k·IQR) within flow × SITC group × month are trimmed too (rule ``fence``); None skips
    the fences. Cells without a group are never fenced.
    """

    low: float = 0.1
    high: float = 10.0
    fence: float | None = 3.0
    min_cells: int = 8
    """Fences apply only in groups with at least this many cells (quartiles of fewer mislead)."""


SOLE_MODE = "sole_mode"
"""The one mode of transport an elementary cell's month (or year) travelled by, null when
it went by several or by an unstated one (see :func:`elementary`)."""
BASE_MODE = "base_mode"
"""A relative's :data:`SOLE_MODE` in its base period (the price reference's year, or the
same month a year earlier)."""


def elementary(
    cells: ir.Table,
    keys: Sequence[str] = ELEMENTARY_KEY,
    units: ir.Table | None = None,
    *,
    sole_mode: bool = False,
) -> ir.Table:
    """Monthly elementary cells with a positive value and quantity, with their unit value.

    ``units`` (``commodity, unit``: the office's item list) gives a unit to cells that
    have a quantity but no unit of their own. With ``sole_mode``, each cell-month's
    :data:`SOLE_MODE`, which the relatives carry so that the breakdown by mode needs no
    lookup for the cells that travelled one way (:mod:`entrepot.compute.modes`).
    """
    usable = priced(cells, keys, units)
    extra = {}
    if sole_mode:
        one = (usable["mode"].min() == usable["mode"].max()) & (
            usable["mode"].count() == usable.count()
        )
        extra[SOLE_MODE] = _sole(one, usable["mode"].min())
    # Unit value inside the aggregate: a mutate after it makes DuckDB keep the grouped
    # table twice (two CTEs), which costs time and memory at scale.
    return usable.group_by(["period", *keys]).aggregate(
        value=usable.value.sum(),
        quantity=usable.quantity.sum(),
        unit_value=usable.value.sum() / usable.quantity.sum(),
        **extra,
    )


def _sole(one: ir.BooleanValue, mode: ir.Value) -> ir.Value:
    """``mode`` where ``one``, else null of the column's own type: a CASE without a typed
    NULL keeps DuckDB's enum (one byte a row) where a literal null would make it text."""
    return ibis.cases((one, mode))


def _no_mode(like: ir.Value) -> ir.Value:
    """A null :data:`SOLE_MODE` of ``like``'s type (see :func:`_sole`)."""
    return ibis.cases((ibis.literal(False), like))


def priced(cells: ir.Table, keys: Sequence[str], units: ir.Table | None = None) -> ir.Table:
    """The cells that can have a unit value (a unit, a positive quantity and value), with
    an unstated ``keys`` among mode, origin and consignment as a key of its own (null
    would match nothing)."""
    cells = with_units(cells, units)
    stated = {k: cells[k].fill_null(NOT_STATED) for k in keys if k in EXTRA_CELL_KEYS}
    cells = cells.mutate(**stated) if stated else cells
    return cells.filter(cells.unit.notnull() & (cells.quantity > 0) & (cells.value > 0))


def with_units(cells: ir.Table, units: ir.Table | None) -> ir.Table:
    """``cells`` whose missing unit is their item's unit in ``units`` (commodity, unit)."""
    if units is None:
        return cells
    known = units.filter(units.unit.notnull()).select(_item=units.commodity, _unit=units.unit)
    joined = cells.left_join(known, cells.commodity == known._item)
    return joined.select(
        *[c for c in cells.columns if c != "unit"], unit=joined.unit.coalesce(joined._unit)
    )


def unpriced(cells: ir.Table, units: ir.Table | None = None) -> ir.Table:
    """Cells that cannot have a unit value, by ``reason`` (no unit, no quantity, no value),
    with how many and their value: they count in values, never in prices."""
    cells = with_units(cells, units)
    reason = ibis.cases(
        (cells.value.isnull() | (cells.value <= 0), "no value"),
        (cells.quantity.isnull() | (cells.quantity <= 0), "no quantity"),
        (cells.unit.isnull(), "no unit"),
        else_=ibis.null("string"),
    )
    marked = cells.mutate(reason=reason)
    marked = marked.filter(marked.reason.notnull())
    return marked.group_by("reason").aggregate(cells=marked.count(), value=marked.value.sum())


def annual(
    elem: ir.Table, keys: Sequence[str], *, spread: bool = False, dispersion: bool = False
) -> ir.Table:
    """Yearly unit values per cell: Σ value ÷ Σ quantity over the year's months.

    With ``spread``, also the months the cell traded, as the bits of ``traded`` (bit m − 1
    for month m, for :func:`link_unmatched`) and how many (``months``); with
    ``dispersion``, the mean and the standard deviation (``sd``) of its monthly unit values
    (for :func:`homogeneity`).
    """
    year = (elem.period // 100).cast("int32").name("year")
    extra = {}
    if spread:  # elementary cells are one row per month, so the rows are the months
        extra = {
            # A sum, not a list, so that the engine can spill it to disk.
            "traded": (2 ** (elem.period % 100 - 1)).sum(),
            "months": elem.count(),
        }
    if dispersion:
        extra |= {
            "mean_unit_value": elem.unit_value.mean(),
            "sd": elem.unit_value.std(how="pop"),
        }
    if SOLE_MODE in elem.columns:  # the year's one mode: every month's, the same
        sole = elem[SOLE_MODE]
        one = (sole.min() == sole.max()) & (sole.count() == elem.count())
        extra[SOLE_MODE] = _sole(one, sole.min())
    return elem.group_by([year, *keys]).aggregate(  # unit value inside: see elementary()
        value=elem.value.sum(),
        quantity=elem.quantity.sum(),
        unit_value=elem.value.sum() / elem.quantity.sum(),
        **extra,
    )


def price_references(
    elem: ir.Table,
    keys: Sequence[str],
    years: ir.Table | None = None,
    changed: ir.Table | None = None,
) -> ir.Table:
    """Each cell's price reference ``p0`` and base weight ``v0`` for each ``year`` it serves:
    the previous year's unit value and value, and for the first year its own. ``years``:
    :func:`annual` of ``elem``, when the caller has it already. ``changed``
    (:func:`~entrepot.compute.editions.changed_codes`): subheadings that serve no reference
    into the first year of a new HS edition."""
    years = annual(elem, keys) if years is None else years
    base = {BASE_MODE: years[SOLE_MODE]} if SOLE_MODE in years.columns else {}
    serves_next = years.select(
        *keys, year=(years.year + 1).cast("int32"), v0=years.value, p0=years.unit_value, **base
    )
    if changed is not None:
        serves_next = not_across_change(serves_next, changed, serves_next.year)
    first = years.filter(years.year == years.year.min())
    own_first = first.select(
        *keys, year=first.year.cast("int32"), v0=first.value, p0=first.unit_value,
        **({BASE_MODE: first[SOLE_MODE]} if base else {}),
    )  # fmt: skip
    return serves_next.union(own_first)


def _with_year(elem: ir.Table) -> ir.Table:
    return elem.mutate(year=(elem.period // 100).cast("int32"))


def link_relatives(elem: ir.Table, references: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells matched with their price reference: ``v0`` (base weight), ``v1`` (the month's
    value) and ``relative``."""
    now = _with_year(elem)
    modes = [BASE_MODE] if BASE_MODE in references.columns else []
    ref = references.select(
        _year=references.year, **{f"_{k}": references[k] for k in keys}, v0="v0", p0="p0",
        **{m: m for m in modes},
    )  # fmt: skip
    cond = [now.year == ref._year] + [now[k] == ref[f"_{k}"] for k in keys]
    joined = now.inner_join(ref, cond)
    return joined.select(
        "period",
        *keys,
        v0=joined.v0,
        v1=joined.value,
        relative=joined.unit_value / joined.p0,
        **({SOLE_MODE: joined[SOLE_MODE], BASE_MODE: joined[BASE_MODE]} if modes else {}),
    )


def link_unmatched(
    elem: ir.Table, references: ir.Table, keys: Sequence[str], years: ir.Table | None = None
) -> ir.Table:
    """Cells of a month with no price reference (new: ``v0`` = 0), and cells with one that
    did not trade in a month their flow traded (gone: ``v1`` = 0). The first year, priced
    against itself, has none. ``years``: :func:`annual` of ``elem`` with ``spread``, when
    the caller has it (it makes finding gone cells much cheaper).
    """
    start = references.year.min()
    now = _with_year(elem)
    now = now.filter(now.year > start)
    # A new cell has no base, a gone one no month: neither has a mode there.
    modes = BASE_MODE in references.columns
    sole = {SOLE_MODE: now[SOLE_MODE], BASE_MODE: _no_mode(now[SOLE_MODE])} if modes else {}
    new = (
        now.select("period", "year", *keys, v1=now.value, **sole)
        .anti_join(references, ["year", *keys])
        .mutate(v0=ibis.literal(0.0))
    )
    months = now.select("period", "year", "flow").distinct()
    later = references.filter(references.year > start)
    carried = [BASE_MODE] if modes else []
    candidates = later.inner_join(months, ["year", "flow"]).select(
        "period", "year", *keys, "v0", *carried
    )
    if years is None:
        gone = candidates.anti_join(now, ["period", *keys])
    else:
        # A cell is gone in the months of the year it did not trade: look them up in the
        # year's few hundred thousand cells rather than in every cell-month.
        traded = years.select("year", *keys, "traded")
        found = attach(candidates, traded, ["year", *keys])
        bit = (found.traded / 2 ** (found.period % 100 - 1)).floor() % 2
        gone = found.filter(found.traded.isnull() | (bit == 0))
    gone = gone.mutate(v1=ibis.literal(0.0))
    if modes:
        gone = gone.mutate(**{SOLE_MODE: _no_mode(gone[BASE_MODE])})
    columns = ("period", *keys, "v0", "v1", *((SOLE_MODE, BASE_MODE) if modes else ()))
    return new.select(*columns).union(gone.select(*columns))


def year_ago_relatives(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Cells matched with the same month a year earlier: ``v0``, ``v1`` and ``relative``."""
    # Only months with a year before (and after) them can match: leaving out the first
    # (last) year's months shrinks both sides of the join, which the engine cannot infer.
    # (Both sides in int64: Ibis will not compare an int64 column with an int32 scalar.)
    now = elem.filter(elem.period.cast("int64") - 100 >= elem.period.min().cast("int64"))
    base = elem.filter(elem.period.cast("int64") + 100 <= elem.period.max().cast("int64"))
    modes = SOLE_MODE in elem.columns
    shifted = base.select(
        _time=(base.period + 100).cast("int32"),
        **{f"_{k}": base[k] for k in keys},
        v0=base.value,
        p0=base.unit_value,
        **({BASE_MODE: base[SOLE_MODE]} if modes else {}),
    )
    cond = [now.period == shifted._time] + [now[k] == shifted[f"_{k}"] for k in keys]
    joined = now.inner_join(shifted, cond)
    return joined.select(
        "period", *keys, v0=joined.v0, v1=joined.value, relative=joined.unit_value / joined.p0,
        **({SOLE_MODE: joined[SOLE_MODE], BASE_MODE: joined[BASE_MODE]} if modes else {}),
    )  # fmt: skip


def annual_relatives(elem: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Yearly unit values matched with the year before (the links of ``--linking annual``).

    The ``period`` of a year's row is YYYY00, so it sorts with, and never equals, a month.
    """
    years = annual(elem, keys)
    before = years.select(
        _year=(years.year + 1).cast("int32"),
        **{f"_{k}": years[k] for k in keys},
        v0=years.value,
        p0=years.unit_value,
    )
    now = years.view()
    cond = [now.year == before._year] + [now[k] == before[f"_{k}"] for k in keys]
    joined = now.inner_join(before, cond)
    return joined.select(
        period=(joined.year * 100).cast("int32"),
        **{k: joined[k] for k in keys},
        v0=joined.v0,
        v1=joined.value,
        relative=joined.unit_value / joined.p0,
    )


def flag_outliers(rel: ir.Table, rule: Outliers, group_keys: Sequence[str] = ()) -> ir.Table:
    """Add ``trimmed`` (bool) and the ``rule`` that trimmed (``bound`` or ``fence``).

    Fences need ``group_keys`` (e.g. flow, group) and are computed on the relatives inside
    the bounds; a row whose last group key is null is never fenced.
    """
    bound = (rel.relative < rule.low) | (rel.relative > rule.high)
    no_rule = ibis.null("string")
    if rule.fence is None or not group_keys:
        return rel.mutate(trimmed=bound, rule=ibis.ifelse(bound, "bound", no_rule))
    # Quartiles per group and month, joined back: a window quantile over every row costs
    # several times as much at scale.
    marked = rel.mutate(_bound=bound, _log_r=rel.relative.ln())
    inside = marked.filter(~marked._bound & marked[group_keys[-1]].notnull())
    stats = inside.group_by(["period", *group_keys]).aggregate(
        _q1=inside._log_r.quantile(0.25), _q3=inside._log_r.quantile(0.75), _n=inside.count()
    )
    joined = attach(marked, stats, ["period", *group_keys])
    iqr = joined._q3 - joined._q1
    fenced = (
        ~joined._bound
        & (joined._n >= rule.min_cells).fill_null(False)
        & (
            (joined._log_r < joined._q1 - rule.fence * iqr)
            | (joined._log_r > joined._q3 + rule.fence * iqr)
        ).fill_null(False)
    )
    return joined.select(
        *rel.columns,
        trimmed=joined._bound | fenced,
        rule=ibis.ifelse(joined._bound, "bound", ibis.ifelse(fenced, "fence", no_rule)),
    )


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


def homogeneity(years: ir.Table, keys: Sequence[str], keep: int | None = None) -> ir.Table:
    """Dispersion of each cell's monthly unit values within a year, from ``years``
    (:func:`annual` with ``spread`` and ``dispersion``).

    A high coefficient of variation (standard deviation ÷ mean of the monthly unit values)
    warns that the cell mixes products, so its unit value moves with product mix as well
    as with price. With ``keep``, only the ``keep`` least homogeneous cells of each year
    traded in at least 6 months are kept (the ones worth a look).
    """
    out = years.select(
        "year", *keys, "months", "mean_unit_value", cv=years.sd / years.mean_unit_value
    )
    if keep is None:
        return out
    out = out.filter((out.months >= 6) & out.cv.notnull())
    rank = ibis.row_number().over(group_by="year", order_by=[ibis.desc("cv"), *keys])
    ranked = out.mutate(_rank=rank)
    return ranked.filter(ranked._rank < keep).drop("_rank")
