"""Chain-linked levels, and rates taken from them.

**Annual overlap** (``overlap``, the default): the link of month t of year Y compares t with
the average prices of Y − 1; the level is the link times the previous year's average level
of the chained series. Since a year's levels are its links times one factor, that factor is
the product of the yearly means of the links of every year before::

    level(t) = link(t) × Π_{y < Y} mean(link over the months of y)

In the node's first year the level is the link. Worked example (one node, two months a year
for brevity): links 2023 0.98, 1.02; 2024 1.05, 1.07; 2025 1.10, 1.16 give levels 0.98,
1.02 (mean 1.00); 1.05, 1.07 (mean 1.06); 1.166, 1.2296; with 2024 = 100: 92.45, 96.23,
99.06, 100.94, 110.00, 116.00.

**Annual links** (``annual``): the links of year Y are multiplied by the chained index of
annual unit values, year on year, up to Y − 1 (a step can appear in every January).

A node that misses a whole year has no levels after the gap. :func:`with_rates` adds
year-on-year, month-on-month and year-to-date rates computed from level columns: a published
rate is the change in the published level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

LINKINGS: tuple[str, ...] = ("overlap", "annual")


def _year(table: ir.Table) -> ir.IntegerValue:
    return (table.period // 100).cast("int32")


def _renamed(table: ir.Table, keys: Sequence[str]) -> ir.Table:
    return table.rename(**{f"_{k}": k for k in keys})


def chain_overlap(links: ir.Table, keys: Sequence[str]) -> ir.Table:
    """``period``, ``keys`` and ``level`` from monthly ``link`` rows (annual overlap)."""
    yearly = links.group_by([*keys, _year(links).name("year")]).aggregate(
        mean_link=links.link.mean()
    )
    return _carry(links, yearly.select(*keys, "year", factor=yearly.mean_link), keys, 1)


def chain_annual(links: ir.Table, annual_links: ir.Table, keys: Sequence[str]) -> ir.Table:
    """``period``, ``keys`` and ``level`` from monthly ``link`` rows and the annual links
    (``period`` YYYY00, ``link``: year y against y − 1)."""
    yearly = annual_links.select(*keys, year=_year(annual_links), factor=annual_links.link)
    # The first annual link compares the second year with the first, so it first serves
    # the third year: the first two years have no factor before them.
    return _carry(links, yearly, keys, 2)


def _carry(links: ir.Table, yearly: ir.Table, keys: Sequence[str], free_years: int) -> ir.Table:
    """Each month's link times the product of the yearly ``factor`` of the years before its
    own; in the node's first ``free_years`` years, which have none, the level is the link."""
    w = ibis.cumulative_window(group_by=list(keys), order_by="year")
    yearly = yearly.mutate(
        _log=yearly.factor.ln().sum().over(w),
        _years=yearly.year.count().over(w),
        _since=yearly.year.min().over(w),
    )
    # Consecutive years only: a gap breaks the chain.
    carried = _renamed(
        yearly.select(
            *keys,
            year=(yearly.year + 1).cast("int32"),
            factor=yearly._log.exp(),
            unbroken=yearly.year - yearly._since + 1 == yearly._years,
        ),
        [*keys, "year"],
    )
    year = _year(links)
    first = _renamed(links.group_by(list(keys)).aggregate(first=year.min()), keys)
    monthly = links.select("period", *keys, "link", year=year)
    monthly = monthly.inner_join(first, [monthly[k] == first[f"_{k}"] for k in keys])
    monthly = monthly.select("period", *keys, "link", "year", "first")
    joined = monthly.left_join(
        carried,
        [monthly.year == carried._year] + [monthly[k] == carried[f"_{k}"] for k in keys],
    )
    unlinked = ibis.ifelse(
        joined.year < joined.first + free_years, joined.link, ibis.null("float64")
    )
    linked = ibis.ifelse(joined.unbroken, joined.link * joined.factor, ibis.null("float64"))
    level = ibis.ifelse(joined.factor.isnull(), unlinked, linked)
    return joined.select("period", *keys, level=level)


def rescaled(table: ir.Table, column: str, keys: Sequence[str], reference_year: int) -> ir.Value:
    """``column`` × 100 ÷ its mean over the reference year's months, per ``keys``.

    Returns the rescaled column as a value of ``table`` (through a window, so no join)."""
    in_year = _year(table) == reference_year
    mean = ibis.ifelse(in_year, table[column], ibis.null("float64")).mean()
    return table[column] / mean.over(ibis.window(group_by=list(keys))) * 100


def next_month(period: ir.IntegerValue) -> ir.IntegerValue:
    """The YYYYMM key of the month after (202412 → 202501)."""
    return ibis.ifelse(period % 100 == 12, period + 89, period + 1).cast("int32")


def growth(now: ir.NumericValue, before: ir.NumericValue) -> ir.NumericValue:
    """Percentage change; null when the base is missing or zero."""
    return ibis.ifelse(before.isnull() | (before == 0), ibis.null(), (now / before - 1) * 100)


def with_rates(table: ir.Table, keys: Sequence[str], columns: Mapping[str, str]) -> ir.Table:
    """Add ``<name>_yoy_pct``, ``<name>_mom_pct`` and ``<name>_ytd_pct`` for each level
    ``column`` of ``table`` (``columns``: column → name), per ``keys`` and period.

    Year on year compares with the same month a year earlier (period − 100), month on month
    with the calendar month before; either is null when that month is absent. Year to date
    compares January to t with the same months a year earlier, when every one of them is
    present: the mean level, or the sum for a column named ``value``.
    """
    year = _year(table)
    month = (table.period % 100).cast("int32")
    w = ibis.cumulative_window(group_by=[*keys, year], order_by="period")
    cum = {
        f"_cum_{c}": (table[c].sum() if c == "value" else table[c].mean()).over(w) for c in columns
    }
    table = table.mutate(**cum, _months=table.period.count().over(w), _month=month)
    compared = [*columns, *cum, "_months"]

    def shifted(period: ir.IntegerValue, tag: str) -> ir.Table:
        return table.select(
            **{f"_{tag}_{k}": table[k] for k in keys},
            **{f"_{tag}_period": period},
            **{f"_{tag}{c}": table[c] for c in compared},
        )

    year_ago = shifted((table.period + 100).cast("int32"), "y")
    # Each row is the year-ago row of period + 100 and the month-ago row of the next month.
    month_ago = shifted(next_month(table.period), "m")
    joined = table.left_join(
        year_ago,
        [table.period == year_ago._y_period] + [table[k] == year_ago[f"_y_{k}"] for k in keys],
    )
    joined = joined.left_join(
        month_ago,
        [joined.period == month_ago._m_period] + [joined[k] == month_ago[f"_m_{k}"] for k in keys],
    )
    complete = (joined._months == joined._month) & (joined._y_months == joined._month)
    rates: dict[str, ir.Value] = {}
    for column, name in columns.items():
        rates[f"{name}_yoy_pct"] = growth(joined[column], joined[f"_y{column}"])
        rates[f"{name}_mom_pct"] = growth(joined[column], joined[f"_m{column}"])
        rates[f"{name}_ytd_pct"] = ibis.ifelse(
            complete,
            growth(joined[f"_cum_{column}"], joined[f"_y_cum_{column}"]),
            ibis.null("float64"),
        )
    original = [c for c in table.columns if not c.startswith("_")]
    return joined.select(*original, **rates)
