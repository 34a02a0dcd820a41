"""The reference implementation checked by hand, then the compiler checked against it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .compile_reference import (
    SERIES_COLUMNS,
    TRIM_COLUMNS,
    chain,
    rates,
    rebase,
    reference_compile,
    reference_results,
)
from .store_maker import make_frames, make_store

NODE_ROW = ["measure", "breakdown", "key", "period"]
TRIM_KEY = ["period", "flow", "commodity", "partner", "unit", "mode", "rule"]


def frames_of(rows: list[tuple]) -> dict[str, pd.DataFrame]:
    """Hand-made cells (period, flow, commodity, partner, unit, value, quantity), all in
    SITC group 776, by sea."""
    cells = pd.DataFrame(
        rows, columns=["period", "flow", "commodity", "partner", "unit", "value", "quantity"]
    ).assign(mode="sea")
    codes = sorted(set(cells.commodity))
    return {
        "cells": cells,
        "commodity_sitc": pd.DataFrame({"commodity": codes, "sitc": "77641"}),
        "partners": pd.DataFrame({"code": ["USA"], "region": ["America"]}),
    }


def row(series: pd.DataFrame, period: int, measure: str = "imports", **key: str) -> pd.Series:
    breakdown, value = next(iter(key.items())) if key else ("total", "total")
    hit = series[
        (series.measure == measure)
        & (series.breakdown == breakdown)
        & (series.key == value)
        & (series.period == period)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


# -- the reference by hand --------------------------------------------------------------------
def test_worked_example_of_the_description() -> None:
    periods = [202301, 202307, 202401, 202407, 202501, 202507]
    link = pd.Series([0.98, 1.02, 1.05, 1.07, 1.10, 1.16], index=periods)
    level = chain(link, first_year=2023)
    assert level.tolist() == pytest.approx([0.98, 1.02, 1.05, 1.07, 1.166, 1.2296], rel=1e-12)
    index = rebase(level, 2024)
    assert index.round(2).tolist() == [92.45, 96.23, 99.06, 100.94, 110.00, 116.00]
    assert index[202501] == pytest.approx(110.0, rel=1e-12)
    assert index[202507] == pytest.approx(116.0, rel=1e-12)


def test_chain_without_levels_a_year_before_has_none() -> None:
    link = pd.Series([1.0, 1.1, 1.2], index=[202301, 202501, 202502])
    assert chain(link, first_year=2023).iloc[1:].isna().all()


TWO_ITEMS = [
    # 2023: A at 10 (10 units), B at 5 (20 units): both worth 100 a month.
    (202301, "imports", "77641001", "USA", "KG", 100.0, 10.0),
    (202301, "imports", "77641002", "USA", "KG", 100.0, 20.0),
    (202302, "imports", "77641001", "USA", "KG", 100.0, 10.0),
    (202302, "imports", "77641002", "USA", "KG", 100.0, 20.0),
    # 2024-01: A at 12 (5 units, 60), B at 5 (30 units, 150).
    (202401, "imports", "77641001", "USA", "KG", 60.0, 5.0),
    (202401, "imports", "77641002", "USA", "KG", 150.0, 30.0),
    # 2024-02: back to 2023's prices and quantities.
    (202402, "imports", "77641001", "USA", "KG", 100.0, 10.0),
    (202402, "imports", "77641002", "USA", "KG", 100.0, 20.0),
]


def test_two_items_fisher_link_by_hand() -> None:
    # 2024-01 against 2023: r_A = 12/10 = 1.2, r_B = 5/5 = 1; w0 = 200 each (2023 values).
    # Laspeyres (1.2·200 + 1·200) / 400 = 1.1; Paasche (60 + 150) / (60/1.2 + 150) = 1.05;
    # Fisher √(1.1 · 1.05) = 1.0747092630...; Törnqvist exp(½(½ ln 1.2 + 60/210 ln 1.2)).
    # 2023's links are 1 (prices equal their average), so its levels are 1; 2024-01's level
    # is the link × 1. With 2023 = 100, 2024-01 is 100 × the link.
    fisher = math.sqrt(1.1 * 1.05)
    assert fisher == pytest.approx(1.0747092630102337, rel=1e-15)
    expected = {
        "laspeyres": 1.1,
        "paasche": 1.05,
        "fisher": fisher,
        "tornqvist": math.exp(0.5 * (0.5 + 60 / 210) * math.log(1.2)),
    }
    frames = frames_of(TWO_ITEMS)
    for formula, link in expected.items():
        series = reference_compile(frames, formula=formula, reference_year=2023)
        jan = row(series, 202401)
        assert jan.price_index == pytest.approx(100 * link, rel=1e-12)
        assert row(series, 202402).price_index == pytest.approx(100.0, rel=1e-12)
        assert row(series, 202301).price_index == pytest.approx(100.0, rel=1e-12)
        # The value rose 5% (210 against 200 a month in 2023).
        assert jan.value_index == pytest.approx(105.0, rel=1e-12)
        assert jan.volume_index == pytest.approx(105.0 / link, rel=1e-12)
        # The direct comparison with 2023-01 sees the same relatives and weights.
        assert jan.laspeyres_yoy == pytest.approx(1.1, rel=1e-12)
        assert jan.paasche_yoy == pytest.approx(1.05, rel=1e-12)
        assert jan.fisher_yoy == pytest.approx(fisher, rel=1e-12)
        assert jan.tornqvist_yoy == pytest.approx(expected["tornqvist"], rel=1e-12)
        assert (jan.cells_matched, jan.cells_imputed, jan.price_coverage) == (2, 0, 1.0)
        assert jan.price_yoy_pct == pytest.approx((link - 1) * 100, rel=1e-12)
        assert jan.value_yoy_pct == pytest.approx(5.0, rel=1e-12)


def test_new_cell_takes_its_class_mean() -> None:
    # C appears in 2024-01 at 7 (10 units): new, w0 = 0, w1 = 70, r = the class Fisher
    # 1.0747…; it enters the Paasche sum only: P = (60 + 150 + 70) / (200 + 70/F).
    rows = [*TWO_ITEMS, (202401, "imports", "77641003", "USA", "KG", 70.0, 10.0)]
    series = reference_compile(frames_of(rows), reference_year=2023)
    jan = row(series, 202401)
    f = math.sqrt(1.1 * 1.05)
    paasche = 280 / (200 + 70 / f)
    assert jan.price_index == pytest.approx(100 * math.sqrt(1.1 * paasche), rel=1e-12)
    assert (jan.cells_matched, jan.cells_imputed) == (2, 1)
    assert jan.price_coverage == pytest.approx(210 / 280, rel=1e-12)
    # In 2024-02 C is not traded and has no p̄(2023): neither new nor gone. Leaving
    # unmatched cells out, 2024-01's link is the two items' Fisher.
    excluded = reference_compile(frames_of(rows), reference_year=2023, imputation="exclude")
    assert row(excluded, 202401).price_index == pytest.approx(100 * f, rel=1e-12)


def test_gone_cell_takes_its_class_mean() -> None:
    # B is not traded in 2024-01: gone, w0 = 200, w1 = 0, r = the class link of A alone
    # (1.2); Laspeyres (1.2·200 + 1.2·200)/400 = 1.2, Paasche 60 / (60/1.2) = 1.2.
    rows = [r for r in TWO_ITEMS if not (r[0] == 202401 and r[2] == "77641002")]
    jan = row(reference_compile(frames_of(rows), reference_year=2023), 202401)
    assert jan.price_index == pytest.approx(120.0, rel=1e-12)
    assert (jan.cells_matched, jan.cells_imputed, jan.value) == (1, 1, 60.0)


def test_bounds_and_fences() -> None:
    # Eleven cells in one group; 2024-01 relatives 1.00 … 1.08, one at 1.9 (fence) and one
    # at 12 (bound, not counted among the ten in bounds that the fences are drawn from).
    rows = []
    for i in range(11):
        code = f"776410{i:02d}"
        for period in (202301, 202302):
            rows.append((period, "imports", code, "USA", "KG", 100.0, 10.0))
        r = [1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.9, 12.0][i]
        rows.append((202401, "imports", code, "USA", "KG", 100.0 * r, 10.0))
    series, trims = reference_results(frames_of(rows), reference_year=2023)
    # One decision per cell: the breakdown by mode splits the same relatives.
    assert trims[["commodity", "rule"]].values.tolist() == [
        ["77641009", "fence"],
        ["77641010", "bound"],
    ]
    assert trims["mode"].isna().all()
    assert trims["relative"].tolist() == pytest.approx([1.9, 12.0], rel=1e-12)
    # ln 1.9 = 0.642 lies above Q3 + 3 IQR = ln-quartiles 0.0296, 0.0677 → 0.182.
    lnr = np.log([1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.9])
    q1, q3 = np.quantile(lnr, [0.25, 0.75])
    assert q3 + 3 * (q3 - q1) < np.log(1.9)
    assert row(series, 202401).cells_matched == 9
    # Ten relatives in bounds are too few for fences when the minimum is eleven.
    kept = reference_results(frames_of(rows), reference_year=2023, min_cells=11)[1]
    assert kept.rule.tolist() == ["bound"]


def test_mode_split() -> None:
    # One cell: 2023 HK$100 by sea and 100 by air (unit value 10 each); 2024-01 HK$165 by
    # air only, at unit value 11 (relative 1.1). Sea keeps its base weight at r = 1.1 and
    # carries nothing in the month; air carries the month's value.
    frames = frames_of(
        [
            (202301, "imports", "77641000", "USA", "KG", 100.0, 10.0),
            (202301, "imports", "77641000", "USA", "KG", 100.0, 10.0),
            (202401, "imports", "77641000", "USA", "KG", 165.0, 15.0),
        ]
    )
    frames["cells"]["mode"] = ["sea", "air", "air"]
    series = reference_results(frames, reference_year=2023)[0]
    nodes = series[(series.measure == "imports") & (series.breakdown == "mode")]
    jan = nodes[nodes.period == 202401].set_index("key")
    assert jan.loc["air", "price_index"] == pytest.approx(110.0, rel=1e-12)  # 100 × 1.1
    assert jan.loc["air", "volume_index"] == pytest.approx(150.0, rel=1e-12)  # 165/100 ÷ 1.1
    assert (jan.loc["air", "cells_matched"], jan.loc["air", "price_coverage"]) == (1, 1.0)
    assert "sea" not in jan.index  # no value by sea in the month: no node-month
    total = series[(series.breakdown == "total") & (series.measure == "imports")]
    assert total.set_index("period").price_index[202401] == pytest.approx(110.0, rel=1e-12)


def test_rates_from_levels() -> None:
    index = pd.Series(
        [100.0, 102.0, 104.0, 110.0, 105.06, 99.0],
        index=[202301, 202302, 202303, 202401, 202402, 202404],
    )
    yoy, mom, ytd = rates(index, "mean")
    assert yoy[202401] == pytest.approx(10.0, rel=1e-12)
    assert yoy[202402] == pytest.approx((105.06 / 102 - 1) * 100, rel=1e-12)
    assert math.isnan(yoy[202404])  # no 2023-04
    assert mom[202402] == pytest.approx((105.06 / 110 - 1) * 100, rel=1e-12)
    assert math.isnan(mom[202401])  # no 2023-12
    assert math.isnan(mom[202404])  # no 2024-03
    assert ytd[202402] == pytest.approx(((110 + 105.06) / (100 + 102) - 1) * 100, rel=1e-12)
    assert math.isnan(ytd[202404])  # 2024-03 missing
    value = pd.Series([10.0, 30.0, 12.0, 33.0], index=[202301, 202302, 202401, 202402])
    assert rates(value, "sum")[2][202402] == pytest.approx((45 / 40 - 1) * 100, rel=1e-12)


@pytest.fixture(scope="module")
def generated() -> tuple[pd.DataFrame, pd.DataFrame]:
    return reference_results(make_frames(7), reference_year=2024)


def test_generated_series_hold_together(generated: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    series, trims = generated
    nodes = series[series.measure != "terms_of_trade"]
    # value = price × volume / 100, exactly, at every node and month.
    both = nodes.dropna(subset=["price_index"])
    assert len(both) > 0.9 * len(nodes)
    assert np.allclose(
        both.value_index, both.price_index * both.volume_index / 100, rtol=1e-12, atol=0
    )
    # The price index averages 100 over 2024; rates are those of the index itself.
    ref = nodes[nodes.period // 100 == 2024].groupby(["measure", "breakdown", "key"])
    assert np.allclose(ref.price_index.mean().dropna(), 100.0, rtol=1e-12)
    total = nodes[(nodes.measure == "imports") & (nodes.breakdown == "total")].set_index("period")
    assert total.price_yoy_pct[202512] == pytest.approx(
        (total.price_index[202512] / total.price_index[202412] - 1) * 100, rel=1e-12
    )
    assert total.loc[[202408, 202409], "price_mom_pct"].notna().all()
    assert total.loc[[202309, 202408], "price_yoy_pct"].isna().all()  # 2023-08 is missing
    # Total exports are their own cells: their value is the sum of the two flows'.
    exports = nodes[nodes.breakdown == "total"].pivot(index="period", columns="measure")
    assert np.allclose(
        exports.value.total_exports, exports.value.domestic_exports + exports.value.re_exports
    )
    # Both kinds of trim, fenced and bounded, once per cell (mode is not a key).
    assert set(trims.rule) == {"bound", "fence"}
    assert trims["mode"].isna().all()
    assert set(nodes.breakdown) == {
        "total",
        "section",
        "division",
        "group",
        "chapter",
        "partner",
        "region",
        "mode",
    }
    assert {"unclassified", "Unknown", "not stated"} <= set(nodes.key)
    assert (nodes.cells_imputed > 0).any()


# -- the compiler against the reference -------------------------------------------------------
PCT = [c for c in SERIES_COLUMNS if c.endswith("_pct")]


def differences(ref: pd.DataFrame, got: pd.DataFrame, examples: int = 5) -> list[str]:
    """What differs between two series tables, column by column, with examples."""
    problems = []
    missing = [c for c in SERIES_COLUMNS if c not in got.columns]
    if missing:
        problems.append(f"columns missing from index_series: {missing}")
    merged = ref.merge(got, on=NODE_ROW, how="outer", suffixes=("_ref", "_got"), indicator=True)
    for side, label in (("left_only", "reference only"), ("right_only", "compiler only")):
        rows = merged[merged["_merge"] == side]
        if len(rows):
            problems.append(
                f"{len(rows)} rows in the {label}, e.g. "
                f"{rows[NODE_ROW].head(examples).values.tolist()}"
            )
    merged = merged[merged["_merge"] == "both"]
    tot = merged["measure"] == "terms_of_trade"
    for column in SERIES_COLUMNS[4:]:
        if column in missing:
            continue
        a = pd.to_numeric(merged[f"{column}_ref"], errors="coerce").astype(float)
        b = pd.to_numeric(merged[f"{column}_got"], errors="coerce").astype(float)
        atol = 1e-9 if column in PCT else 0.0
        same = (a.isna() & b.isna()) | np.isclose(a, b, rtol=1e-9, atol=atol)
        if column != "price_index":  # terms of trade: the price index only
            same |= tot
        if not same.all():
            bad = merged[~same]
            sample = [
                (*r[NODE_ROW], r[f"{column}_ref"], r[f"{column}_got"])
                for _, r in bad.head(examples).iterrows()
            ]
            problems.append(f"{column}: {len(bad)} rows differ (ref, got), e.g. {sample}")
    return problems


def trim_differences(ref: pd.DataFrame, got: pd.DataFrame, examples: int = 5) -> list[str]:
    missing = [c for c in TRIM_COLUMNS if c not in got.columns]
    problems = [f"columns missing from index_trims: {missing}"] if missing else []
    key = [c for c in TRIM_KEY if c in got.columns]
    a = ref[[*key, "relative"]].astype({"period": int}).fillna({"mode": ""})
    b = got[[*key, "relative"]].astype({"period": int})
    if "mode" in b:
        b = b.assign(mode=b["mode"].astype(object).where(b["mode"].notna(), ""))
    merged = a.merge(b, on=key, how="outer", suffixes=("_ref", "_got"), indicator=True)
    for side, label in (("left_only", "reference only"), ("right_only", "compiler only")):
        rows = merged[merged["_merge"] == side]
        if len(rows):
            problems.append(
                f"{len(rows)} trims in the {label}, e.g. {rows[key].head(examples).values.tolist()}"
            )
    both = merged[merged["_merge"] == "both"]
    off = ~np.isclose(both.relative_ref, both.relative_got, rtol=1e-9, atol=0)
    if off.any():
        problems.append(f"{off.sum()} trims with another relative, e.g. {both[off].head(examples)}")
    return problems


def test_compiler_matches_the_reference(tmp_path: Path) -> None:
    from entrepot import compile_store, duckdb_backend

    store = make_store(tmp_path / "reference.duckdb", seed=7)
    try:
        ref, ref_trims = reference_results(store, reference_year=2024)
        report = compile_store(store, duckdb_backend(store), reference_year=2024)
        got = store.frame(
            "SELECT * FROM index_series WHERE compile_id = ?", [report.compile_id]
        ).drop(columns=["compile_id"])
        for column in ("measure", "breakdown", "key"):
            got[column] = got[column].astype(str)
        got["period"] = got["period"].astype(int)
        got_trims = store.frame(
            "SELECT * FROM index_trims WHERE compile_id = ?", [report.compile_id]
        )
        for column in ("flow", "commodity", "partner", "unit", "mode", "rule"):
            if column in got_trims:
                got_trims[column] = got_trims[column].astype(object)
    finally:
        store.close()
    problems = differences(ref, got) + trim_differences(ref_trims, got_trims)
    assert not problems, "\n".join(problems)
