"""Commodity and partner classes as Ibis lookups: SITC section, division and group with
their names for each commodity, and names, regions and areas for each partner.

They take the store's classification tables as table expressions and return expressions;
loading those tables is :mod:`entrepot.classifications`' job.
"""

from __future__ import annotations

import ibis

_CLASS_COLUMNS = (
    "sitc",
    "section",
    "division",
    "group",
    "section_name",
    "division_name",
    "group_name",
)


def commodity_classes(commodity_sitc: ibis.Table, sitc_names: ibis.Table) -> ibis.Table:
    """``commodity, sitc, section, division, group`` and their names.

    Takes the store's ``commodity_sitc`` and ``sitc`` tables.

    Section, division and group are the 1, 2 and 3 leading digits of the SITC code (null
    when the code is shorter); names are null where the ``sitc`` table lacks the code.
    """
    cs = commodity_sitc
    sitc = cs.sitc

    def prefix(n: int) -> ibis.Value:
        return ibis.ifelse(sitc.length() >= n, sitc.substr(0, n), ibis.null("string"))

    table = cs.select("commodity", "sitc", section=prefix(1), division=prefix(2), group=prefix(3))
    for level in ("section", "division", "group"):
        table = name_sitc(table, sitc_names, level)
    return table.select("commodity", *_CLASS_COLUMNS)


def name_sitc(table: ibis.Table, sitc_names: ibis.Table, level: str) -> ibis.Table:
    """``table`` with ``<level>_name``: the name of its ``level`` code (section, division
    or group) in the store's ``sitc`` table, null where that lacks the code."""
    view = sitc_names.view()
    named = view.select(_code=view.code, **{f"{level}_name": view.name})
    return table.left_join(named, table[level] == named._code).drop("_code")


def classify_commodities(cells: ibis.Table, classes: ibis.Table) -> ibis.Table:
    """Add ``sitc``, ``section``, ``division``, ``group`` and their names to ``cells``.

    A cell's exact ``commodity`` code wins; otherwise its 6-digit HS prefix is looked up;
    unmatched cells get nulls. ``classes`` is :func:`commodity_classes` (one row per
    commodity), or a selection of its columns (then only those are added). Existing columns
    of those names in ``cells`` are replaced.
    """
    added = [c for c in _CLASS_COLUMNS if c in classes.columns]
    cells = cells.drop(*[c for c in added if c in cells.columns])
    exact, prefix = classes.view(), classes.view()
    exact = exact.select(_x=exact.commodity, **{f"_x_{c}": exact[c] for c in added})
    prefix = prefix.select(_p=prefix.commodity, **{f"_p_{c}": prefix[c] for c in added})
    columns = cells.columns
    # A fresh projection keeps the join predicates on one relation even when ``cells`` is
    # itself a self-join (as relatives are).
    cells = cells.mutate(_hs6=cells.commodity.substr(0, 6))
    joined = cells.left_join(exact, cells.commodity == exact._x).left_join(
        prefix, cells._hs6 == prefix._p
    )
    hit = joined._x.notnull()
    return joined.select(
        *[joined[c] for c in columns],
        **{c: ibis.ifelse(hit, joined[f"_x_{c}"], joined[f"_p_{c}"]) for c in added},
    )


def classify_partners(cells: ibis.Table, partners: ibis.Table) -> ibis.Table:
    """Add ``partner_name``, ``region`` and ``area`` to ``cells`` by their ``partner`` code.

    A partner missing from ``partners`` (the store's table) is named by its code; it and
    any partner without a region get region "Unknown". Area stays null where unknown.
    """
    cells = cells.drop(*[c for c in ("partner_name", "region", "area") if c in cells.columns])
    p = partners.select(
        _code=partners.code, _name=partners.name, _region=partners.region, _area=partners.area
    )
    joined = cells.left_join(p, cells.partner == p._code)
    return joined.select(
        *[joined[c] for c in cells.columns],
        partner_name=joined._name.coalesce(joined.partner),
        region=joined._region.coalesce(ibis.literal("Unknown")),
        area=joined._area,
    )
