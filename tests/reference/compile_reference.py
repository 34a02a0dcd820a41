"""An independent reference implementation of the index method, in plain pandas and NumPy.

It follows the README's "How the indices are compiled" step by step, on frames read from a
store (``cells``, ``commodity_sitc``, ``partners``, ``commodities``), and is meant to be
read next to that text; it makes no attempt to be fast.

1. **Cells** (:func:`cell_months`). A cell is flow × item × partner × unit; the rows
   sharing a cell and month are summed. A cell without a unit takes its item's unit from ``commodities`` when that
   has one. A cell-month has a unit value p = Σ value ÷ Σ quantity when it has a unit, a
   quantity > 0 and a value > 0. Its SITC code is ``commodity_sitc``'s for the 8-digit
   code, else for its first six digits; section, division and group are its first 1, 2, 3
   digits ("unclassified" without a code). Region is the partner's (``Unknown`` without).
2. **Relatives** (:func:`relatives`). In month t of year Y after the first year of the
   data, r = p(t) ÷ p̄(Y−1), p̄(Y−1) = Σ value ÷ Σ quantity over the months of Y−1 in
   which the cell has a unit value, w0 = Σ value of those months, w1 = value(t). In the
   first year, p̄ and w0 are that year's own.
3. **Trimming** (:func:`trim`). r < low or r > high: rule ``bound``. Of the other relatives,
   within flow × SITC group (3 digits) × month with at least ``min_cells`` of them, those
   whose ln r lies outside [Q1 − k·IQR, Q3 + k·IQR] (linear quartiles): rule ``fence``.
   Unclassified cells have no group and are never fenced. ``fence=0`` turns fences off.
4. **Unmatched cells** (:func:`unmatched`). After the first year: a cell with a unit value
   in t and no p̄(Y−1) is new (w0 = 0, w1 = value(t)); a cell with p̄(Y−1) and no value in
   t, t being a month the flow has in the data, is gone (w0 = its w0, w1 = 0). With
   ``imputation="class_mean"`` each takes as r the Fisher link of the matched kept cells
   of its flow × SITC group × month; without such cells (or without a group) it stays
   out. ``imputation="exclude"`` leaves them all out.
5. **Links** (:func:`link_sums`, :func:`links`). Per node (measure × breakdown key; total
   exports = the cells of domestic exports and re-exports) and month, from the kept cells
   (matched and imputed): L = Σ r·w0 ÷ Σ w0, P = Σ w1 ÷ Σ w1/r, F = √(L·P),
   T = exp(½ (Σ w0 ln r ÷ Σ w0 + Σ w1 ln r ÷ Σ w1)).
6. **Chain by annual overlap** (:func:`chain`). level(t) = link(t) × mean of the node's
   levels over the months of Y−1 (first year of the data: level = link); the price index
   is 100 × level ÷ the mean level of the reference year (:func:`rebase`).
7. **Value and volume**. value(t) = Σ value of all the node's cells (with or without a
   unit value); value index = 100 × value ÷ its reference-year monthly mean; volume index
   = 100 × value index ÷ price index.
8. **Rates** (:func:`rates`). From the levels: year on year with t − 12 months, month on
   month with the calendar month before (null without it), year to date with the means
   (sums for value) of January to t over the same months a year earlier (null if any is
   missing).
9. **Direct year on year** (:func:`direct_yoy`). Cells with a unit value in t and in t − 12:
   r = p(t) ÷ p(t−12), v0 = value(t−12), v1 = value(t), the cells trimmed in t left out,
   no imputation; the four formulas as ratios.
10. **By mode** (:func:`split_by_mode`). The breakdown by mode uses the same kept relatives
    (and direct pairs), each split by mode (a null mode being "not stated"): w1 into the
    value each mode carried in t (where that has a unit value), w0 into the value each mode
    carried over the months of the base year (for direct pairs: in t − 12). A cell counts
    among a mode's cells in t if it carried value by the mode in t, or, gone in t, in its
    base year.
11. **Coverage**: ``cells_matched`` (kept matched cells), ``cells_imputed``,
    ``price_coverage`` = Σ w1 of kept matched cells ÷ value(t); ``volume_ref_mean`` = the
    node's mean volume index over the reference year.
12. **Terms of trade** = total exports' price index ÷ imports' × 100, per breakdown key and
    month where both exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

FLOWS = ("imports", "domestic_exports", "re_exports")
EXPORT_FLOWS = ("domestic_exports", "re_exports")
MEASURES = ("total_exports", "domestic_exports", "re_exports", "imports")
PLAIN_BREAKDOWNS = ("total", "section", "division", "group", "chapter", "partner", "region")
CELL = ["flow", "commodity", "partner", "unit"]
NODE = ["measure", "breakdown", "key"]
ATTRIBUTES = ["section", "division", "group", "chapter", "class_group", "region"]

SERIES_COLUMNS = [
    "measure",
    "breakdown",
    "key",
    "period",
    "value",
    "value_index",
    "price_index",
    "volume_index",
    "value_yoy_pct",
    "price_yoy_pct",
    "volume_yoy_pct",
    "value_mom_pct",
    "price_mom_pct",
    "volume_mom_pct",
    "value_ytd_pct",
    "price_ytd_pct",
    "volume_ytd_pct",
    "laspeyres_yoy",
    "paasche_yoy",
    "fisher_yoy",
    "tornqvist_yoy",
    "cells_matched",
    "cells_imputed",
    "price_coverage",
    "volume_ref_mean",
]
TRIM_COLUMNS = ["period", "flow", "commodity", "partner", "unit", "mode", "relative", "rule"]
FORMULAS = ("laspeyres", "paasche", "fisher", "tornqvist")


# -- inputs --------------------------------------------------------------------------------
def read_frames(store: Any) -> dict[str, pd.DataFrame]:
    """The store's tables the method needs, key columns as plain strings."""
    cells = store.frame(
        "SELECT period, flow::VARCHAR AS flow, commodity::VARCHAR AS commodity, "
        "partner::VARCHAR AS partner, mode::VARCHAR AS mode, unit::VARCHAR AS unit, "
        "value, quantity FROM cells"
    )
    return {
        "cells": cells,
        "commodity_sitc": store.frame("SELECT commodity, sitc FROM commodity_sitc"),
        "partners": store.frame("SELECT code, region FROM partners"),
        "commodities": store.frame("SELECT commodity, unit FROM commodities"),
    }


def prepare(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Step 1: the rows of ``cells`` with their unit filled in and their attributes."""
    cells = frames["cells"].copy()
    for column in ("flow", "commodity", "partner", "mode", "unit"):
        cells[column] = cells[column].astype(object).where(cells[column].notna(), None)
    cells["period"] = cells["period"].astype(int)
    cells["value"] = cells["value"].astype(float)
    cells["quantity"] = cells["quantity"].astype(float)
    items = frames.get("commodities")
    if items is not None and len(items):
        units = items.dropna(subset=["unit"]).set_index("commodity")["unit"]
        cells["unit"] = cells["unit"].fillna(cells["commodity"].map(units))
    sitc_of = {}
    table = frames.get("commodity_sitc")
    if table is not None:
        sitc_of = dict(zip(table["commodity"], table["sitc"], strict=True))
    sitc = cells["commodity"].map(sitc_of)
    sitc = sitc.fillna(cells["commodity"].str[:6].map(sitc_of))
    for name, digits in (("section", 1), ("division", 2), ("group", 3)):
        cells[name] = sitc.str[:digits].fillna("unclassified")
    cells["class_group"] = sitc.str[:3]  # null: no fences, no class mean
    cells["chapter"] = cells["commodity"].str[:2]  # HS chapter
    regions = {}
    table = frames.get("partners")
    if table is not None:
        regions = dict(zip(table["code"], table["region"], strict=True))
    cells["region"] = cells["partner"].map(regions).fillna("Unknown")
    cells["mode"] = cells["mode"].fillna("not stated")
    return cells


def cell_months(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Step 1: one row per cell and month (rows summed), with p where it has one."""
    grouped = rows.groupby([*keys, *ATTRIBUTES, "period"], dropna=False, sort=True)
    cm = grouped.agg(
        value=("value", "sum"), quantity=("quantity", lambda q: q.sum(min_count=1))
    ).reset_index()
    cm["year"] = cm["period"] // 100
    cm["priced"] = cm["unit"].notna() & (cm["quantity"] > 0) & (cm["value"] > 0)
    cm["p"] = np.where(cm["priced"], cm["value"] / cm["quantity"], np.nan)
    return cm


# -- relatives, trims, unmatched cells -------------------------------------------------------
def annual(cm: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Step 2: p̄ and w0 of every cell and year, over the months it has a unit value."""
    sums = (
        cm[cm["priced"]]
        .groupby([*keys, "year"], dropna=False)
        .agg(V=("value", "sum"), Q=("quantity", "sum"))
        .reset_index()
    )
    sums["pbar"] = sums["V"] / sums["Q"]
    return sums


def relatives(
    cm: pd.DataFrame, years: pd.DataFrame, keys: list[str], first_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2: the matched cells (r, w0, w1) and the new ones (a unit value, no p̄)."""
    uv = cm[cm["priced"]].copy()
    uv["base_year"] = np.where(uv["year"] == first_year, first_year, uv["year"] - 1)
    base = years.rename(columns={"year": "base_year"})[[*keys, "base_year", "V", "pbar"]]
    merged = uv.merge(base, on=[*keys, "base_year"], how="left")
    matched = merged[merged["pbar"].notna()].copy()
    matched["r"] = matched["p"] / matched["pbar"]
    matched["w0"] = matched["V"]
    matched["w1"] = matched["value"]
    new = merged[merged["pbar"].isna()].copy()
    new["w0"] = 0.0
    new["w1"] = new["value"]
    return matched, new


def trim(matched: pd.DataFrame, low: float, high: float, fence: float, min_cells: int) -> None:
    """Step 3: set ``rule`` ("bound", "fence" or None) on every matched relative."""
    matched["rule"] = None
    matched.loc[(matched["r"] < low) | (matched["r"] > high), "rule"] = "bound"
    if fence <= 0:
        return
    inside = matched[matched["rule"].isna() & matched["class_group"].notna()].copy()
    inside["lnr"] = np.log(inside["r"])
    by = ["flow", "class_group", "period"]
    g = inside.groupby(by)["lnr"]
    stats = pd.DataFrame(
        {"n": g.size(), "q1": g.quantile(0.25), "q3": g.quantile(0.75)}
    ).reset_index()
    inside = inside.reset_index().merge(stats, on=by, how="left").set_index("index")
    iqr = inside["q3"] - inside["q1"]
    out = (inside["n"] >= min_cells) & (
        (inside["lnr"] < inside["q1"] - fence * iqr) | (inside["lnr"] > inside["q3"] + fence * iqr)
    )
    matched.loc[inside.index[out], "rule"] = "fence"


def fisher(r: pd.Series, w0: pd.Series, w1: pd.Series) -> float:
    laspeyres = (r * w0).sum() / w0.sum() if w0.sum() > 0 else np.nan
    paasche = w1.sum() / (w1 / r).sum() if w1.sum() > 0 else np.nan
    return float(np.sqrt(laspeyres * paasche))


def class_means(kept: pd.DataFrame) -> pd.DataFrame:
    """Step 4: the Fisher link of the matched kept cells of each flow × group × month."""
    by = ["flow", "class_group", "period"]
    rows = [
        (*key, fisher(g["r"], g["w0"], g["w1"]))
        for key, g in kept[kept["class_group"].notna()].groupby(by)
    ]
    return pd.DataFrame(rows, columns=[*by, "class_r"])


def unmatched(
    cm: pd.DataFrame,
    years: pd.DataFrame,
    new: pd.DataFrame,
    means: pd.DataFrame,
    keys: list[str],
    first_year: int,
) -> pd.DataFrame:
    """Step 4: new and gone cells after the first year, with their class mean as r."""
    traded = cm[cm["value"] > 0][[*keys, "period"]].assign(traded=True)
    flow_months = cm[["flow", "period"]].drop_duplicates()
    flow_months = flow_months.assign(year=flow_months["period"] // 100)
    attrs = cm.drop_duplicates(keys)[[*keys, *ATTRIBUTES]]
    before = years.assign(year=years["year"] + 1).merge(attrs, on=keys, how="left")
    gone = before.merge(flow_months, on=["flow", "year"], how="inner")
    gone = gone[gone["year"] > first_year]
    gone = gone.merge(traded, on=[*keys, "period"], how="left")
    gone = gone[gone["traded"].isna()].copy()
    gone["w0"] = gone["V"]
    gone["w1"] = 0.0
    new = new[new["year"] > first_year]
    both = pd.concat([new[[*keys, *ATTRIBUTES, "period", "w0", "w1"]], gone], ignore_index=True)
    both = both.merge(means, on=["flow", "class_group", "period"], how="inner")
    both = both[both["class_r"].notna()].copy()
    both["r"] = both["class_r"]
    return both[[*keys, *ATTRIBUTES, "period", "r", "w0", "w1"]]


def direct_yoy(cm: pd.DataFrame, matched: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Step 9: cells with a unit value in t and t − 12, less those trimmed in t."""
    uv = cm[cm["priced"]]
    earlier = uv[[*keys, "period", "p", "value"]].assign(period=uv["period"] + 100)
    pairs = uv.merge(earlier, on=[*keys, "period"], suffixes=("", "_0"))
    trimmed = matched[matched["rule"].notna()][[*keys, "period"]].assign(trimmed=True)
    pairs = pairs.merge(trimmed, on=[*keys, "period"], how="left")
    pairs = pairs[pairs["trimmed"].isna()].copy()
    pairs["r"] = pairs["p"] / pairs["p_0"]
    pairs["w0"] = pairs["value_0"]
    pairs["w1"] = pairs["value"]
    return pairs


# -- nodes ------------------------------------------------------------------------------------
def to_nodes(frame: pd.DataFrame, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    """The rows of ``frame`` once per node they belong to (measure × breakdown × key)."""
    parts = []
    for measure in MEASURES:
        flows = EXPORT_FLOWS if measure == "total_exports" else (measure,)
        sub = frame[frame["flow"].isin(flows)]
        for breakdown in breakdowns:
            key = "total" if breakdown == "total" else sub[breakdown]
            parts.append(sub.assign(measure=measure, breakdown=breakdown, key=key))
    return pd.concat(parts, ignore_index=True)


def link_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Step 5: per node and month, the sums every formula needs."""
    f = frame.assign(
        rw0=frame["r"] * frame["w0"],
        w1r=frame["w1"] / frame["r"],
        lnw0=np.log(frame["r"]) * frame["w0"],
        lnw1=np.log(frame["r"]) * frame["w1"],
    )
    return (
        f.groupby([*NODE, "period"])
        .agg(
            rw0=("rw0", "sum"),
            w0=("w0", "sum"),
            w1=("w1", "sum"),
            w1r=("w1r", "sum"),
            lnw0=("lnw0", "sum"),
            lnw1=("lnw1", "sum"),
        )
        .reset_index()
    )


def links(sums: pd.DataFrame) -> pd.DataFrame:
    """Step 5: the four formulas from the sums (null where a weight total is 0)."""
    w0 = sums["w0"].where(sums["w0"] > 0)
    w1 = sums["w1"].where(sums["w1"] > 0)
    out = sums[[*NODE, "period"]].copy()
    out["laspeyres"] = sums["rw0"] / w0
    out["paasche"] = sums["w1"].where(sums["w1"] > 0) / sums["w1r"]
    out["fisher"] = np.sqrt(out["laspeyres"] * out["paasche"])
    out["tornqvist"] = np.exp(0.5 * (sums["lnw0"] / w0 + sums["lnw1"] / w1))
    return out


def chain(link: pd.Series, first_year: int) -> pd.Series:
    """Step 6: levels from monthly links (indexed by YYYYMM) by annual overlap."""
    link = link.sort_index()
    years = link.index // 100
    level = pd.Series(np.nan, index=link.index, dtype=float)
    for year in sorted(set(years)):
        here = years == year
        if year == first_year:
            level[here] = link[here]
        else:
            before = level[years == year - 1].dropna()
            level[here] = link[here] * (before.mean() if len(before) else np.nan)
    return level


def rebase(level: pd.Series, reference_year: int) -> pd.Series:
    """Step 6: 100 × level ÷ its mean over the reference year's months."""
    ref = level[level.index // 100 == reference_year].dropna()
    return 100 * level / (ref.mean() if len(ref) else np.nan)


def previous_month(period: int) -> int:
    year, month = divmod(period, 100)
    return period - 1 if month > 1 else (year - 1) * 100 + 12


def rates(x: pd.Series, kind: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Step 8: yoy, mom and ytd percentages of a series indexed by YYYYMM (``kind`` "sum"
    for values, "mean" for indices; both give the same ratio over the same months)."""
    known = x.dropna().to_dict()
    yoy, mom, ytd = {}, {}, {}
    for period, value in x.items():
        year, month = divmod(period, 100)
        a = known.get(period - 100)
        yoy[period] = (value / a - 1) * 100 if a is not None else np.nan
        b = known.get(previous_month(period))
        mom[period] = (value / b - 1) * 100 if b is not None else np.nan
        now = [known.get(year * 100 + m) for m in range(1, month + 1)]
        then = [known.get((year - 1) * 100 + m) for m in range(1, month + 1)]
        if any(v is None for v in now + then):
            ytd[period] = np.nan
        elif kind == "sum":
            ytd[period] = (sum(now) / sum(then) - 1) * 100
        else:
            ytd[period] = (np.mean(now) / np.mean(then) - 1) * 100
    return pd.Series(yoy), pd.Series(mom), pd.Series(ytd)


# -- the whole compile ------------------------------------------------------------------------
def cell_set(
    rows: pd.DataFrame,
    keys: list[str],
    breakdowns: tuple[str, ...],
    *,
    by_mode: bool,
    first_year: int,
    low: float,
    high: float,
    fence: float,
    min_cells: int,
    imputation: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Steps 1–5, 9 and 10: node values, link sums with coverage counts, direct
    year-on-year sums, and the trims (with ``by_mode``, the nodes by mode too)."""
    cm = cell_months(rows, keys)
    years = annual(cm, keys)
    matched, new = relatives(cm, years, keys, first_year)
    trim(matched, low, high, fence, min_cells)
    kept = matched[matched["rule"].isna()]
    if imputation == "class_mean":
        imputed = unmatched(cm, years, new, class_means(kept), keys, first_year)
    elif imputation == "exclude":
        imputed = kept.iloc[:0][[*keys, *ATTRIBUTES, "period", "r", "w0", "w1"]]
    else:
        raise ValueError(f"imputation {imputation!r}")

    values = to_nodes(cm, breakdowns).groupby([*NODE, "period"])["value"].sum()
    priced = pd.concat(
        [kept.assign(matched=1, imputed=0), imputed.assign(matched=0, imputed=1)],
        ignore_index=True,
    ).assign(counted=1)
    pairs = direct_yoy(cm, matched, keys)
    priced_nodes = to_nodes(priced, breakdowns)
    pair_nodes = to_nodes(pairs, breakdowns)
    if by_mode:
        cmm = cell_months(rows, [*keys, "mode"])
        values = pd.concat(
            [values, to_nodes(cmm, ("mode",)).groupby([*NODE, "period"])["value"].sum()]
        )
        split = split_by_mode(priced, pairs, cmm, keys, first_year)
        priced_nodes = pd.concat([priced_nodes, to_nodes(split[0], ("mode",))], ignore_index=True)
        pair_nodes = pd.concat([pair_nodes, to_nodes(split[1], ("mode",))], ignore_index=True)
    priced_nodes["matched_w1"] = priced_nodes["w1"] * priced_nodes["matched"]
    priced_nodes["matched"] *= priced_nodes["counted"]
    priced_nodes["imputed"] *= priced_nodes["counted"]
    sums = link_sums(priced_nodes)
    counts = (
        priced_nodes.groupby([*NODE, "period"])
        .agg(
            cells_matched=("matched", "sum"),
            cells_imputed=("imputed", "sum"),
            matched_w1=("matched_w1", "sum"),
        )
        .reset_index()
    )
    linked = links(sums).merge(counts, on=[*NODE, "period"])
    yoy = links(link_sums(pair_nodes))
    yoy = yoy.rename(columns={f: f"{f}_yoy" for f in FORMULAS})

    trimmed = matched[matched["rule"].notna()]
    trims = trimmed.assign(relative=trimmed["r"], mode=None)
    return values.reset_index(), linked, yoy, trims[TRIM_COLUMNS]


def split_by_mode(
    priced: pd.DataFrame, pairs: pd.DataFrame, cmm: pd.DataFrame, keys: list[str], first_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 10: the kept relatives and the direct pairs, their weights split by mode."""
    by_mode = cmm[cmm["priced"]]
    month = by_mode[[*keys, "mode", "period", "value"]]
    year = by_mode.groupby([*keys, "mode", "year"])["value"].sum().rename("base").reset_index()

    def split(rel: pd.DataFrame, base: pd.DataFrame, on: str) -> pd.DataFrame:
        wanted = [*keys, *ATTRIBUTES, "period", on, "r", "w0", "w1", "matched", "imputed"]
        rel = rel[[c for c in wanted if c in rel.columns]]
        now = rel.merge(month, on=[*keys, "period"])
        now = now.assign(w1=now["value"], w0=0.0, counted=1)
        then = rel.merge(base, on=[*keys, on])
        then = then.assign(w0=then["base"], counted=(then["w1"] == 0).astype(int), w1=0.0)
        return pd.concat([now, then], ignore_index=True)

    priced = priced.assign(
        base_year=np.where(
            priced["period"] // 100 == first_year, first_year, priced["period"] // 100 - 1
        )
    )
    links = split(priced, year.rename(columns={"year": "base_year"}), "base_year")
    before = month.rename(columns={"value": "base"}).assign(before=month["period"])
    pairs = pairs.assign(before=pairs["period"] - 100)
    direct = split(pairs, before.drop(columns=["period"]), "before")
    return links, direct


def reference_results(
    store_or_frames: Any,
    *,
    formula: str = "fisher",
    reference_year: int = 2024,
    low: float = 0.1,
    high: float = 10,
    fence: float = 3.0,
    min_cells: int = 8,
    imputation: str = "class_mean",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The series (one row per measure × breakdown × key × month, and terms of trade) and
    the trims (period, flow, commodity, partner, unit, mode, relative, rule)."""
    if formula not in FORMULAS:
        raise ValueError(f"formula {formula!r}")
    frames = store_or_frames
    if hasattr(store_or_frames, "frame"):
        frames = read_frames(store_or_frames)
    rows = prepare(frames)
    first_year = int(rows["period"].min()) // 100
    options = dict(
        first_year=first_year,
        low=low,
        high=high,
        fence=fence,
        min_cells=min_cells,
        imputation=imputation,
    )
    values, linked, yoy, trims = cell_set(rows, CELL, PLAIN_BREAKDOWNS, by_mode=True, **options)

    series = values.merge(linked, on=[*NODE, "period"], how="left")
    series = series.merge(
        yoy[[*NODE, "period", *yoy.columns[4:8]]], on=[*NODE, "period"], how="left"
    )
    series["cells_matched"] = series["cells_matched"].fillna(0).astype(int)
    series["cells_imputed"] = series["cells_imputed"].fillna(0).astype(int)
    series["price_coverage"] = series["matched_w1"].fillna(0.0) / series["value"]
    series = series.sort_values([*NODE, "period"]).reset_index(drop=True)

    parts = []
    for _, node in series.groupby(NODE, sort=False):
        node = node.set_index("period")
        level = chain(node[formula], first_year)
        node["price_index"] = rebase(level, reference_year)
        node["value_index"] = rebase(node["value"], reference_year)
        node["volume_index"] = 100 * node["value_index"] / node["price_index"]
        for name, column, kind in (
            ("value", "value", "sum"),
            ("price", "price_index", "mean"),
            ("volume", "volume_index", "mean"),
        ):
            yoy_pct, mom_pct, ytd_pct = rates(node[column], kind)
            node[f"{name}_yoy_pct"] = yoy_pct
            node[f"{name}_mom_pct"] = mom_pct
            node[f"{name}_ytd_pct"] = ytd_pct
        ref = node.loc[node.index // 100 == reference_year, "volume_index"].dropna()
        node["volume_ref_mean"] = ref.mean() if len(ref) else np.nan
        parts.append(node.reset_index())
    series = pd.concat(parts, ignore_index=True)[SERIES_COLUMNS]
    series = pd.concat([series, terms_of_trade(series)], ignore_index=True)
    trims = trims.sort_values(["period", "flow", "commodity", "partner", "unit", "mode"])
    return series.reset_index(drop=True), trims.reset_index(drop=True)


def terms_of_trade(series: pd.DataFrame) -> pd.DataFrame:
    """Step 11: export price index ÷ import price index × 100, where both exist."""
    on = ["breakdown", "key", "period"]
    exports = series[series["measure"] == "total_exports"][[*on, "price_index"]]
    imports = series[series["measure"] == "imports"][[*on, "price_index"]]
    both = exports.merge(imports, on=on, suffixes=("_x", "_m")).dropna()
    tot = pd.DataFrame(np.nan, index=both.index, columns=SERIES_COLUMNS)
    tot[on] = both[on]
    tot["measure"] = "terms_of_trade"
    tot["price_index"] = both["price_index_x"] / both["price_index_m"] * 100
    tot["cells_matched"] = np.nan
    return tot


def reference_compile(store_or_frames: Any, **options: Any) -> pd.DataFrame:
    """The reference series (see :func:`reference_results` for the options)."""
    return reference_results(store_or_frames, **options)[0]


def reference_trims(store_or_frames: Any, **options: Any) -> pd.DataFrame:
    """The reference trims (see :func:`reference_results` for the options)."""
    return reference_results(store_or_frames, **options)[1]
