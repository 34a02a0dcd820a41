"""The cell relatives every index is aggregated from: one set, one trimming decision.

:func:`cell_relatives` prices each elementary cell's month against its price reference (see
:mod:`entrepot.compute.unit_values`), decides once whether to trim it, and gives the cells
that cannot be matched their class's mean relative. The levels, and so every published rate,
are aggregated from these rows for every breakdown; :func:`direct_relatives` gives the
year-on-year diagnostic the same trimming decisions.

Compilations materialize the relatives once (they are the expensive part) and aggregate
each breakdown from them, so a breakdown costs a grouped sum.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from ..schema import choice
from .classes import classify_commodities, commodity_classes
from .editions import not_across_change
from .unit_values import (
    BASE_MODE,
    SOLE_MODE,
    Outliers,
    flag_outliers,
    link_relatives,
    link_unmatched,
    price_references,
)

IMPUTATIONS: tuple[str, ...] = ("class_mean", "exclude")
"""Unmatched cells (new, or gone) are given their class's mean relative (the Fisher index
of the matched, kept cells of the same flow and SITC group that month), or left out."""

RELATIVE_COLUMNS: tuple[str, ...] = (
    "v0", "v1", "relative", "group", "trimmed", "rule", "imputed",
)  # fmt: skip
"""Columns of a relative besides the period and the cell's keys."""


def _grouped(rel: ir.Table, commodity_sitc: ir.Table, sitc: ir.Table) -> ir.Table:
    """``rel`` with the SITC ``group`` (3 digits) of each cell's commodity."""
    classes = commodity_classes(commodity_sitc, sitc).select("commodity", "group")
    named = classify_commodities(rel, classes)
    return named.select(*rel.columns, "group")


def class_means(kept: ir.Table) -> ir.Table:
    """The Fisher index of the kept, matched cells of each flow × SITC group × month."""
    matched = kept.filter(~kept.trimmed & ~kept.imputed & kept.group.notnull())
    sums = matched.group_by(["period", "flow", "group"]).aggregate(
        l_num=(matched.relative * matched.v0).sum(),
        v0=matched.v0.sum(),
        v1=matched.v1.sum(),
        p_den=(matched.v1 / matched.relative).sum(),
    )
    # A class whose matched cells are all new-in-weight (v0 = 0) or all gone has no Fisher.
    usable = sums.filter((sums.v0 > 0) & (sums.v1 > 0))
    return usable.select(
        "period",
        "flow",
        "group",
        class_relative=((usable.l_num / usable.v0) * (usable.v1 / usable.p_den)).sqrt(),
    )


def cell_relatives(
    elem: ir.Table,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    *,
    keys: Sequence[str],
    outliers: Outliers | None = None,
    imputation: str = "class_mean",
    years: ir.Table | None = None,
    changed: ir.Table | None = None,
) -> ir.Table:
    """Every elementary cell-month with a relative: matched (its own) or imputed.

    Columns: period, the cell ``keys``, ``v0`` (base weight: the cell's value in the year
    of its price reference; 0 for a new cell), ``v1`` (its value in the month; 0 for a gone
    cell), ``relative``, ``group`` (SITC, 3 digits), ``trimmed`` and the ``rule`` that
    trimmed it, ``imputed``; and, when ``elem`` has them, the month's and the base's one
    mode (:data:`~.unit_values.SOLE_MODE`, :data:`~.unit_values.BASE_MODE`). Imputed cells
    are never trimmed. ``years``: the cells' annual unit values
    (:func:`~entrepot.compute.unit_values.annual`), when the caller has them.
    ``changed``: subheadings whose content changed with a new HS edition
    (:mod:`entrepot.compute.editions`), unmatched in its first year.
    """
    imputation = choice(imputation, IMPUTATIONS, "imputation")
    rule = outliers or Outliers()
    references = price_references(elem, keys, years, changed)
    matched = _grouped(link_relatives(elem, references, keys), commodity_sitc, sitc)
    flagged = flag_outliers(matched, rule, ["flow", "group"]).mutate(imputed=ibis.literal(False))
    modes = (SOLE_MODE, BASE_MODE) if SOLE_MODE in elem.columns else ()
    columns = ("period", *keys, *RELATIVE_COLUMNS, *modes)
    flagged = flagged.select(*columns)
    if imputation == "exclude":
        return flagged
    unmatched = _grouped(link_unmatched(elem, references, keys, years), commodity_sitc, sitc)
    means = class_means(flagged)
    filled = unmatched.inner_join(means, ["period", "flow", "group"])
    imputed = filled.select(
        "period",
        *keys,
        "v0",
        "v1",
        *modes,
        relative=filled.class_relative,
        group=filled.group,
        trimmed=ibis.literal(False),
        rule=ibis.null("string"),
        imputed=ibis.literal(True),
    )
    return flagged.union(imputed.select(*columns))


def direct_relatives(
    matches: ir.Table, relatives: ir.Table, keys: Sequence[str], changed: ir.Table | None = None
) -> ir.Table:
    """Cells matched with the same month a year earlier (the year-on-year diagnostic, from
    ``matches``: :func:`~entrepot.compute.unit_values.year_ago_relatives`), leaving out the
    cell-months trimmed from the levels (one decision serves both) and those compared
    across an HS edition change that altered them (``changed``).

    The matches come in as a table of their own: under a memory limit well below the
    cells, DuckDB cannot run the year-ago join and this one in the same pipeline."""
    trimmed = relatives.filter(relatives.trimmed).select("period", *keys)
    direct = matches.anti_join(trimmed, ["period", *keys])
    if changed is not None:
        direct = not_across_change(direct, changed, (direct.period // 100).cast("int32"))
    return direct.mutate(trimmed=ibis.literal(False), imputed=ibis.literal(False))
