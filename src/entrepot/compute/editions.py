"""HS editions: codes whose content changed when a new edition came in are never compared
across the change.

UNSD's correlation of two editions (the ``hs_correlation`` classification) says, for each
subheading (6 digits) of the newer edition, the older ones it corresponds to and how: 1:1
(the same goods), or split, merged or both (1:n, n:1, n:n). A cell whose subheading is
not 1:1 holds different goods before and after, so its unit value in the first year of
the new edition is not priced against the year before: it is unmatched (imputed with its
class's mean, or left out), never a price change. A 1:1 subheading whose code changed
appears under a new code, so it is unmatched already.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def changed_codes(correlation: ir.Table, editions: ir.Table | None = None) -> ir.Table:
    """``(year, hs6)``: each subheading, in either edition's code, whose content changed,
    with the first year of the newer edition: the first year whose records are in it
    (``editions``: period, edition, as loads recorded them), or, when no edition was
    recorded, the edition's own year (HS2022: 2022). Records that never reach the newer
    edition change nothing."""
    changed = correlation.filter(correlation.relationship != "1:1")
    if editions is None:
        year = changed.new_edition.re_extract(r"(\d{4})", 1).cast("int32")
    else:
        starts = editions.group_by("edition").aggregate(
            _start=(editions.period.min() // 100).cast("int32")
        )
        changed = changed.inner_join(starts, changed.new_edition == starts.edition)
        year = changed._start
    new = changed.select(year=year, hs6=changed.new_code)
    old = changed.select(year=year, hs6=changed.old_code)
    return ibis.union(new, old, distinct=True)


def _split_by_change(
    table: ir.Table, changed: ir.Table, year: ir.IntegerValue, across: bool
) -> ir.Table:
    marked = table.mutate(_year=year, _hs6=table.commodity.substr(0, 6))
    on = [marked._year == changed.year, marked._hs6 == changed.hs6]
    kept = marked.semi_join(changed, on) if across else marked.anti_join(changed, on)
    return kept.drop("_year", "_hs6")


def across_change(table: ir.Table, changed: ir.Table, year: ir.IntegerValue) -> ir.Table:
    """The rows of ``table`` (with ``commodity``) that compare a changed subheading across
    its edition change: ``year`` (of each row) is the new edition's first."""
    return _split_by_change(table, changed, year, across=True)


def not_across_change(table: ir.Table, changed: ir.Table, year: ir.IntegerValue) -> ir.Table:
    """``table`` without the rows :func:`across_change` finds."""
    return _split_by_change(table, changed, year, across=False)
