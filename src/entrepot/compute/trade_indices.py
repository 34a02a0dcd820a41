"""Unit value (price) and quantum (volume) indices of trade, by any breakdown.

From the cell relatives of :mod:`entrepot.compute.relatives` (one trimming decision per
cell and month, unmatched cells imputed), every node — a flow, total exports counting as a
flow of its own, times a breakdown key — aggregates its kept cells in one stage, with ``v0``
the cell's base-year value and ``v1`` its value in the month:

- Laspeyres  L = Σ r·v0 / Σ v0
- Paasche    P = Σ v1 / Σ (v1 / r)
- Fisher     F = √(L·P)
- Törnqvist  T = exp(½ (Σ v0 ln r / Σ v0 + Σ v1 ln r / Σ v1))

These monthly links are chained into levels (:mod:`entrepot.compute.levels`), rescaled so
the reference year averages 100; the value index is the node's value over its reference-year
monthly mean; volume = value index ÷ price index at every node, so value = price × volume
exactly. Every rate is the change in these levels. The direct comparison with the same
month a year earlier is kept as a diagnostic (``laspeyres_yoy`` … ``tornqvist_yoy``).

All functions build Ibis expressions; :mod:`entrepot.analysis.compilations` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

from ..errors import InputError
from ..schema import BREAKDOWNS, EXPORT_FLOWS, choice
from .classes import classify_commodities, commodity_classes
from .editions import changed_codes, not_across_change
from .levels import LINKINGS, chain_annual, chain_overlap, rescaled, with_rates
from .modes import (
    annual_relatives_by_mode,
    direct_relatives_by_mode,
    link_relatives_by_mode,
    mode_values,
)
from .relatives import IMPUTATIONS, cell_relatives, direct_relatives
from .unit_values import (
    EXTRA_CELL_KEYS,
    Outliers,
    annual,
    annual_relatives,
    attach,
    cell_keys,
    elementary,
    flag_outliers,
    year_ago_relatives,
)
from .values import chapter, keyed

FORMULAS: tuple[str, ...] = ("fisher", "laspeyres", "paasche", "tornqvist")
NODE: tuple[str, ...] = ("measure", "key", "label")
SERIES_COLUMNS: tuple[str, ...] = (
    "period", "measure", "key", "label", "value", "value_index", "price_index",
    "volume_index", "value_yoy_pct", "price_yoy_pct", "volume_yoy_pct", "value_mom_pct",
    "price_mom_pct", "volume_mom_pct", "value_ytd_pct", "price_ytd_pct", "volume_ytd_pct",
    "price_coverage", "low_coverage", "cells_matched", "cells_imputed", "volume_ref_mean",
    "laspeyres_yoy", "paasche_yoy", "fisher_yoy", "tornqvist_yoy",
)  # fmt: skip
"""The columns of a compiled series, in order."""


@dataclass(frozen=True)
class Method:
    """How indices are compiled (the options of ``entrepot compile``)."""

    reference_year: int
    formula: str = "fisher"
    linking: str = "overlap"
    outliers: Outliers = field(default_factory=Outliers)
    imputation: str = "class_mean"
    cell_keys: tuple[str, ...] = ()
    """Keys added to flow × item × partner × unit: any of mode, origin, consignment."""
    min_coverage: float = 0.5
    """A node-month with less of its value in matched cells is flagged ``low_coverage``."""

    def checked(self) -> Method:
        """The method with its choices spelled canonically; an error for an unknown one."""
        return replace(
            self,
            formula=choice(self.formula, FORMULAS, "formula"),
            linking=choice(self.linking, LINKINGS, "linking"),
            imputation=choice(self.imputation, IMPUTATIONS, "imputation"),
            cell_keys=tuple(choice(k, EXTRA_CELL_KEYS, "cell key") for k in self.cell_keys),
        )


@dataclass(frozen=True)
class Relatives:
    """What every breakdown is aggregated from, for one definition of the cell."""

    keys: tuple[str, ...]
    elementary: ir.Table
    """Monthly cells with their unit value."""
    years: ir.Table
    """Yearly cells with their unit value and the spread of their monthly ones."""
    relatives: ir.Table
    """Cell-months with their link relative, trimming decision and imputation."""
    direct: ir.Table
    """Cell-months matched with the same month a year earlier, untrimmed ones only."""
    annual: ir.Table | None
    """Annual unit value relatives, for ``linking="annual"``."""
    modes: ir.Table | None = None
    """What each mode carried of each elementary cell, which splits the relatives for the
    breakdown by mode (see :mod:`entrepot.compute.modes`); None when mode is a key of the
    cell."""


Materialize = Callable[[str, ir.Table], ir.Table]
"""Given a name and an expression, returns a table with its rows (or the expression itself)."""


def _inert(name: str, expr: ir.Table) -> ir.Table:
    return expr


def relatives_for(
    cells: ir.Table,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    method: Method,
    *,
    units: ir.Table | None = None,
    materialize: Materialize = _inert,
    dispersion: bool = True,
    correlation: ir.Table | None = None,
    editions: ir.Table | None = None,
    by_mode: bool = True,
) -> Relatives:
    """The relatives of the cells ``method`` defines, from which every breakdown is summed.

    ``materialize`` lets the caller run each part once into a table that the later parts
    and every breakdown read (the default leaves them as one expression). The cells by mode
    stay an expression: :func:`base_sums` runs them only for the breakdown by mode.
    ``dispersion`` keeps each annual cell's spread of monthly unit values, which only the
    homogeneity diagnostic reads. ``by_mode`` prepares the breakdown by mode (unless mode is
    a key of the cell): each cell-month's one mode, and what each mode carried (``modes``).
    ``correlation`` (the ``hs_correlation`` classification)
    leaves the subheadings a new HS edition changed unmatched in its first year
    (:mod:`entrepot.compute.editions`); ``editions`` (period, edition), when loads recorded
    them, says when the records changed edition.
    """
    keys = cell_keys(method.cell_keys)
    changed = None if correlation is None else changed_codes(correlation, editions)
    by_mode = by_mode and "mode" not in keys
    elem = materialize("elementary", elementary(cells, keys, units, sole_mode=by_mode))
    years = materialize("annual cells", annual(elem, keys, spread=True, dispersion=dispersion))
    relatives = materialize(
        "relatives",
        cell_relatives(
            elem,
            commodity_sitc,
            sitc,
            keys=keys,
            outliers=method.outliers,
            imputation=method.imputation,
            years=years,
            changed=changed,
        ),
    )
    matches = materialize("year ago matches", year_ago_relatives(elem, keys))
    direct = materialize("direct", direct_relatives(matches, relatives, keys, changed))
    yearly = None
    if method.linking == "annual":
        links = annual_relatives(elem, keys)
        if changed is not None:
            links = not_across_change(links, changed, (links.period // 100).cast("int32"))
        flagged = flag_outliers(links, method.outliers)
        yearly = materialize("annual", flagged.mutate(imputed=ibis.literal(False)))
    modes = mode_values(cells, keys, units) if by_mode else None
    return Relatives(keys, elem, years, relatives, direct, yearly, modes)


def with_measure(table: ir.Table) -> ir.Table:
    """Rows with a ``measure`` column: each flow, and exports again as ``total_exports``."""
    own = table.mutate(measure=table.flow)
    exports = table.filter(table.flow.isin(EXPORT_FLOWS)).mutate(
        measure=ibis.literal("total_exports")
    )
    return own.union(exports)


SUMS: tuple[str, ...] = ("v0", "v1", "matched_v1", "l_num", "p_den", "a0", "a1")
"""Additive pieces of the index formulas: sums over cells add up over any grouping."""
COUNTS: tuple[str, ...] = ("cells_matched", "cells_imputed")

BASE: dict[str, str] = {
    "total": "sitc",
    "section": "sitc",
    "division": "sitc",
    "group": "sitc",
    "chapter": "sitc",
    "partner": "partner",
    "region": "partner",
    "origin": "origin",
    "mode": "mode",
}
"""What each breakdown is derived from: the relatives are summed by it first (see
:func:`base_sums`), so every breakdown of one base is a grouped sum of one small table, and
classifying happens on it, not on every relative. ``sitc`` is the SITC section, division
and group of the commodity, and its HS chapter. ``origin`` needs origin among the cell keys."""

SITC_LEVELS: tuple[str, ...] = ("section", "division", "group")

LINK_PIECES: tuple[str, ...] = (*SUMS, *COUNTS)
DIRECT_PIECES: tuple[str, ...] = ("v0", "v1", "l_num", "p_den", "a0", "a1")


PIECES: dict[str, tuple[str, ...]] = {
    "laspeyres": ("v0", "l_num"),
    "paasche": ("v1", "p_den"),
    "fisher": ("v0", "v1", "l_num", "p_den"),
    "tornqvist": ("v0", "v1", "a0", "a1"),
}
"""The sums each formula is made of."""


def partial_sums(rel: ir.Table, keys: Sequence[str], pieces: Sequence[str] = SUMS) -> ir.Table:
    """The additive pieces of the formulas (``pieces``) over the kept cells, by period and
    keys. An imputed cell weighs in with its class mean relative but is not matched: it
    counts in ``cells_imputed`` and not in ``matched_v1`` (the value with a price of its own).
    """
    kept = rel.filter(~rel.trimmed)
    log_r = kept.relative.ln()
    # Relatives split by mode count a cell only where it is one of the mode's cells.
    counted = kept.counted if "counted" in kept.columns else ibis.literal(True)
    every = {
        "v0": kept.v0.sum(),
        "v1": kept.v1.sum(),
        "matched_v1": kept.imputed.ifelse(0.0, kept.v1).sum(),
        "l_num": (kept.relative * kept.v0).sum(),
        "p_den": (kept.v1 / kept.relative).sum(),
        "a0": (kept.v0 * log_r).sum(),
        "a1": (kept.v1 * log_r).sum(),
        "cells_matched": as_int64((~kept.imputed & counted).sum()),
        "cells_imputed": as_int64((kept.imputed & counted).sum()),
    }
    return kept.group_by(["period", *keys]).aggregate(**{p: every[p] for p in pieces})


def formulas(
    sums: ir.Table, keys: Sequence[str] = NODE, which: Sequence[str] = FORMULAS
) -> ir.Table:
    """The formulas named in ``which`` from summed pieces, with the other sums carried."""
    every = {
        "laspeyres": lambda: sums.l_num / sums.v0,
        "paasche": lambda: sums.v1 / sums.p_den,
        "fisher": lambda: ((sums.l_num / sums.v0) * (sums.v1 / sums.p_den)).sqrt(),
        "tornqvist": lambda: (0.5 * (sums.a0 / sums.v0 + sums.a1 / sums.v1)).exp(),
    }
    carried = [c for c in ("matched_v1", *COUNTS) if c in sums.columns]
    return sums.select("period", *keys, *carried, **{f: every[f]() for f in which})


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
    return regrouped(with_measure(keyed_sums), NODE, columns)


def as_int64(value: ir.IntegerValue) -> ir.IntegerValue:
    """``value`` cast to int64 in the query itself.

    A DuckDB sum of integers is a HUGEINT (pandas receives Decimal objects) although Ibis
    types it int64, so ``value.cast("int64")`` would be a no-op: the cast is built directly.
    """
    return ops.Cast(value, to=dt.int64).to_expr()


@dataclass(frozen=True)
class BaseSums:
    """The additive pieces of every node of the breakdowns sharing one base column, by
    period, flow and that column: the links' (with coverage and counts), the direct
    comparison's, the values and, for ``linking="annual"``, the annual links'."""

    base: str
    links: ir.Table
    direct: ir.Table
    values: ir.Table
    annual: ir.Table | None = None


def base_sums(
    cells: ir.Table,
    relatives: Relatives,
    base: str,
    materialize: Materialize = _inert,
    *,
    classes: ir.Table | None = None,
) -> BaseSums:
    """The :class:`BaseSums` of ``relatives`` by ``base`` (sitc, partner or mode; or flow,
    the least that the total breakdown needs, when it is compiled alone).

    By ``sitc``, the sums by commodity are classified with ``classes``
    (:func:`~entrepot.compute.classes.commodity_classes`) and summed again, so the
    breakdowns by section, division and group read a few thousand rows. By mode, unless
    mode is a key of the cell, the relatives are split by the value each mode carried
    (:mod:`entrepot.compute.modes`).
    """
    column = "commodity" if base == "sitc" else base
    if column not in relatives.keys and base not in ("sitc", "mode", "flow"):
        raise InputError(
            f"Indices by {base} need {base} among the cell keys: compile with --cell-keys {base}."
        )
    keys = ["flow"] if base == "flow" else ["flow", column]
    values = cells.group_by(["period", *keys]).aggregate(value=cells.value.sum())
    links, direct, annual = relatives.relatives, relatives.direct, relatives.annual
    if base == "mode" and "mode" not in relatives.keys and relatives.modes is None:
        raise ValueError("Sums by mode need the relatives made with by_mode.")
    if base == "mode" and relatives.modes is not None:
        modes = materialize("elementary by mode", relatives.modes)
        links = link_relatives_by_mode(links, modes, relatives.keys)
        direct = direct_relatives_by_mode(direct, modes, relatives.keys)
        if annual is not None:
            annual = annual_relatives_by_mode(annual, modes, relatives.keys)

    def summed(name: str, sums: ir.Table) -> ir.Table:
        if base == "sitc":
            if classes is None:
                raise ValueError("Sums by SITC class need the commodity classes.")
            named = classify_commodities(sums, classes.select("commodity", *SITC_LEVELS))
            named = named.mutate(chapter=chapter(named.commodity))
            sums = regrouped(named, ["flow", *SITC_LEVELS, "chapter"])
        return materialize(f"{name} by {base}", sums)

    return BaseSums(
        base,
        summed("link sums", partial_sums(links, keys, LINK_PIECES)),
        summed("direct sums", partial_sums(direct, keys, DIRECT_PIECES)),
        summed("values", values),
        None
        if annual is None
        else summed("annual sums", partial_sums(annual, keys, DIRECT_PIECES)),
    )


def regrouped(
    sums: ir.Table, keys: Sequence[str], columns: Sequence[str] | None = None
) -> ir.Table:
    """Additive ``sums`` summed again by period and ``keys``: the ``columns`` named, or
    every piece and count they hold."""
    if columns is None:
        columns = [c for c in sums.columns if c in (*SUMS, *COUNTS, "value")]
    totals = {c: sums[c].sum() for c in columns}
    return sums.group_by(["period", *keys]).aggregate(
        **{c: as_int64(v) if v.type().is_integer() else v for c, v in totals.items()}
    )


def node_indices(
    sums: ir.Table,
    by: str,
    which: Sequence[str],
    classification: tuple[ir.Table, ir.Table, ir.Table],
    extra: Sequence[str] = (),
) -> ir.Table:
    """The formulas ``which`` of every node and period of breakdown ``by`` from the
    pieces summed by its base, with the ``extra`` sums (coverage and counts) carried."""
    pieces = tuple(dict.fromkeys([p for f in which for p in PIECES[f]] + list(extra)))
    return formulas(node_sums(sums, by, pieces, *classification), which=which)


def breakdown_series(
    sums: BaseSums,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    partners: ir.Table,
    *,
    by: str,
    method: Method,
) -> ir.Table:
    """The compiled series of every node of breakdown ``by`` (whose base is ``sums``'):
    :data:`SERIES_COLUMNS`."""
    by = choice(by, BREAKDOWNS, "breakdown")
    if sums.base not in (BASE[by], *(("flow",) if by == "total" else ())):
        raise ValueError(f"The {by} breakdown needs sums by {BASE[by]}, not {sums.base}.")
    series = breakdowns_series(
        {BASE[by]: sums}, commodity_sitc, sitc, partners, by=[by], method=method
    )
    return series.select(*SERIES_COLUMNS)


def breakdowns_series(
    sums: Mapping[str, BaseSums],
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    partners: ir.Table,
    *,
    by: Sequence[str],
    method: Method,
) -> ir.Table:
    """The compiled series of every node of the breakdowns ``by``, each from the sums of
    its base (``sums``, by :data:`BASE`): ``breakdown`` and :data:`SERIES_COLUMNS`.

    The breakdowns' node sums are stacked, so that one expression chains, rescales and
    rates them all: a query planned once, not once per breakdown."""
    nodes = ("breakdown", *NODE)
    classification = (commodity_sitc, sitc, partners)
    bys = [choice(b, BREAKDOWNS, "breakdown") for b in by]

    def stacked(part: Callable[[BaseSums, str], ir.Table]) -> ir.Table:
        parts = [part(sums[BASE[b]], b).mutate(breakdown=ibis.literal(b)) for b in bys]
        return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]

    links = stacked(
        lambda s, b: node_indices(
            s.links, b, [method.formula], classification, ("matched_v1", *COUNTS)
        )
    ).rename(link=method.formula)
    if method.linking == "annual" and all(sums[BASE[b]].annual is not None for b in bys):
        annual = stacked(lambda s, b: node_indices(s.annual, b, [method.formula], classification))
        levels = chain_annual(links, annual.rename(link=method.formula), nodes)
    else:
        levels = chain_overlap(links, nodes)
    direct = stacked(lambda s, b: node_indices(s.direct, b, FORMULAS, classification)).select(
        "period", *nodes, **{f"{f}_yoy": f for f in FORMULAS}
    )
    values = stacked(lambda s, b: node_sums(s.values, b, ("value",), *classification))
    t = attach(values, levels, ("period", *nodes))
    t = attach(t, links.select("period", *nodes, "matched_v1", *COUNTS), ("period", *nodes))
    t = attach(t, direct, ("period", *nodes))
    t = t.mutate(
        price_index=rescaled(t, "level", nodes, method.reference_year),
        value_index=rescaled(t, "value", nodes, method.reference_year),
    )
    t = t.mutate(volume_index=t.value_index / t.price_index * 100)
    in_year = (t.period // 100) == method.reference_year
    ref_volume = ibis.ifelse(in_year, t.volume_index, ibis.null("float64")).mean()
    coverage = t.matched_v1.coalesce(0.0) / t.value
    t = t.mutate(
        price_coverage=coverage,
        low_coverage=coverage < method.min_coverage,
        # A month with no relative has no matched or imputed cell.
        cells_matched=t.cells_matched.coalesce(0),
        cells_imputed=t.cells_imputed.coalesce(0),
        volume_ref_mean=ref_volume.over(ibis.window(group_by=list(nodes))),
    )
    rated = with_rates(
        t, nodes, {"value": "value", "price_index": "price", "volume_index": "volume"}
    )
    return rated.select("breakdown", *SERIES_COLUMNS)


def trims(relatives: Relatives) -> ir.Table:
    """The relatives trimmed, with the rule that trimmed them: period, flow, commodity,
    partner, unit, mode, origin, consignment (null unless in the cell), relative, v0, v1,
    rule."""
    rel = relatives.relatives
    trimmed = rel.filter(rel.trimmed)
    extra = {k: trimmed[k] if k in relatives.keys else ibis.null("string") for k in EXTRA_CELL_KEYS}
    return trimmed.select(
        "period", "flow", "commodity", "partner", "unit", **extra, relative="relative",
        v0="v0", v1="v1", rule="rule",
    )  # fmt: skip


def compile_indices(
    cells: ir.Table,
    commodity_sitc: ir.Table,
    sitc: ir.Table,
    partners: ir.Table,
    *,
    by: str = "total",
    reference_year: int,
    formula: str = "fisher",
    linking: str = "overlap",
    outliers: Outliers | None = None,
    imputation: str = "class_mean",
    cell_keys: Sequence[str] = (),
    min_coverage: float = 0.5,
    units: ir.Table | None = None,
) -> tuple[ir.Table, ir.Table]:
    """The index series of every node of one breakdown, and the trimmed relatives: the
    relatives and the series in one expression (compilations build the relatives once for
    every breakdown instead; see :func:`relatives_for` and :func:`breakdown_series`)."""
    method = Method(
        reference_year=reference_year,
        formula=formula,
        linking=linking,
        outliers=outliers or Outliers(),
        imputation=imputation,
        cell_keys=tuple(cell_keys),
        min_coverage=min_coverage,
    ).checked()
    by = choice(by, BREAKDOWNS, "breakdown")
    rel = relatives_for(
        cells, commodity_sitc, sitc, method, units=units, dispersion=False, by_mode=by == "mode"
    )
    classes = commodity_classes(commodity_sitc, sitc)
    # Alone, the total needs sums by flow only, not the sums by commodity that every
    # SITC breakdown of a compilation shares.
    sums = base_sums(cells, rel, "flow" if by == "total" else BASE[by], classes=classes)
    series = breakdown_series(sums, commodity_sitc, sitc, partners, by=by, method=method)
    return series, trims(rel)


def terms_of_trade(series: ir.Table) -> ir.Table:
    """Export unit value index ÷ import unit value index × 100, for each key and month,
    with its rates from these levels.

    Takes a compiled series; gives rows of the same columns with ``measure =
    'terms_of_trade'`` (values, volumes and cell counts do not apply and are null).
    """
    # Series of several breakdowns (with ``breakdown``) pair within each breakdown.
    extra = [c for c in ("breakdown",) if c in series.columns]
    exports = series.filter(series.measure == "total_exports")
    imports = series.filter(series.measure == "imports").select(
        _period="period", _key="key", m_index="price_index", **{f"_{c}": c for c in extra}
    )
    joined = exports.inner_join(
        imports,
        [exports.period == imports._period, exports.key == imports._key]
        + [exports[c] == imports[f"_{c}"] for c in extra],
    )
    tot = joined.select(
        *extra,
        "period",
        "key",
        "label",
        measure=ibis.literal("terms_of_trade"),
        price_index=joined.price_index / joined.m_index * 100,
    )
    rated = with_rates(tot, (*extra, *NODE), {"price_index": "price"})
    kinds = {**dict.fromkeys(COUNTS, "int64"), "low_coverage": "boolean"}
    missing = [c for c in SERIES_COLUMNS if c not in rated.columns]
    return rated.mutate(**{c: ibis.null(kinds.get(c, "float64")) for c in missing}).select(
        *extra, *SERIES_COLUMNS
    )
