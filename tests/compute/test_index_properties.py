"""Identities of the compiled indices, on random panels (DuckDB).

- the price index averages exactly 100 over the reference year, at every node;
- value index = price index × volume index ÷ 100, at every node and month;
- every rate is the change in the published level (year on year, month on month);
- one trimming decision: a cell-month trimmed from the level is out of the direct
  year-on-year comparison too;
- the breakdown by mode splits the cells' weights: every piece of the formulas summed over
  the modes is the cells' own, for the links and the direct comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entrepot.backends import Backend
from entrepot.compute.trade_indices import (
    DIRECT_PIECES,
    SUMS,
    Method,
    base_sums,
    compile_indices,
    relatives_for,
)
from entrepot.compute.unit_values import BASE_MODE, SOLE_MODE, Outliers
from entrepot.store import Store
from entrepot.store.domains import widen

MONTHS = [y * 100 + m for y in (2023, 2024, 2025) for m in range(1, 13)]
ITEMS = ["85423190", "85423290", "61091000", "61099000", "84713000", "30049000"]


@contextmanager
def store_of(cells: pd.DataFrame) -> Iterator[Backend]:
    """A fresh in-memory store holding ``cells`` (two SITC groups classified), as a backend."""
    with Store(":memory:") as store:
        store.con.execute(
            "INSERT INTO commodity_sitc VALUES ('85423190', '77642', NULL, NULL), "
            "('85423290', '77644', NULL, NULL), ('61091000', '84512', NULL, NULL), "
            "('61099000', '84519', NULL, NULL)"
        )
        store.con.register("_frame", cells)
        widen(store.con, "_frame")
        cols = ", ".join(cells.columns)
        store.con.execute(f"INSERT INTO cells ({cols}) SELECT {cols} FROM _frame")
        store.con.unregister("_frame")
        yield Backend("duckdb", store.ibis())


@st.composite
def panels(draw: st.DrawFn) -> pd.DataFrame:
    """Cells of re-exports and imports: items with drifting prices, random quantities,
    some months missing per cell, and now and then a wild unit value."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_items = draw(st.integers(2, len(ITEMS)))
    rng = np.random.default_rng(seed)
    rows = []
    for flow in ("re_exports", "imports"):
        for item in ITEMS[:n_items]:
            for partner in ("USA", "CHN"):
                drift = rng.normal(0.003, 0.01)
                for t, period in enumerate(MONTHS):
                    if rng.random() < 0.15:
                        continue
                    price = 10 * np.exp(drift * t + rng.normal(0, 0.05))
                    if rng.random() < 0.02:
                        price *= rng.choice([30.0, 0.02])
                    quantity = float(rng.integers(1, 50))
                    rows.append((period, flow, item, partner, price * quantity, quantity))
    frame = pd.DataFrame(
        rows, columns=["period", "flow", "commodity", "partner", "value", "quantity"]
    )
    # Most cells by air, some by sea, some split between the two, a few with no mode.
    modes = rng.choice(["air", "sea", "both", None], size=len(frame), p=[0.6, 0.2, 0.15, 0.05])
    both = modes == "both"
    split = frame[both].assign(value=frame.value * 0.3, quantity=frame.quantity * 0.3, mode="sea")
    frame = frame.assign(
        value=np.where(both, frame.value * 0.7, frame.value),
        quantity=np.where(both, frame.quantity * 0.7, frame.quantity),
        mode=np.where(both, "air", modes),
    )
    return pd.concat([frame, split], ignore_index=True).assign(unit="NO.", records=1)


def tables(be: Backend) -> list[object]:
    return [be.table(n) for n in ("cells", "commodity_sitc", "sitc", "partners")]


SETTINGS = settings(max_examples=12, deadline=None)


@SETTINGS
@given(cells=panels(), formula=st.sampled_from(["fisher", "laspeyres", "paasche", "tornqvist"]))
def test_levels_and_rates_are_consistent(cells: pd.DataFrame, formula: str) -> None:
    with store_of(cells) as be:
        series, _ = compile_indices(*tables(be), by="partner", formula=formula, reference_year=2024)
        frame = be.execute(series).set_index(["measure", "key", "period"]).sort_index()
    for (measure, key), node in frame.groupby(level=["measure", "key"]):
        node = node.droplevel(["measure", "key"])
        ref = node.loc[[p for p in node.index if p // 100 == 2024], "price_index"]
        if ref.notna().all():
            assert ref.mean() == pytest.approx(100.0, rel=1e-12), (measure, key)
        both = node.dropna(subset=["price_index", "volume_index"])
        assert (both.value_index).tolist() == pytest.approx(
            (both.price_index * both.volume_index / 100).tolist(), rel=1e-12
        )
        for period, row in node.iterrows():
            for lag, rate in ((100, "yoy"), (1 if period % 100 > 1 else 89, "mom")):
                before = period - lag
                for level, name in (("price_index", "price"), ("volume_index", "volume")):
                    got = row[f"{name}_{rate}_pct"]
                    known = before in node.index and pd.notna(node.at[before, level])
                    if known and pd.notna(row[level]):
                        want = (row[level] / node.at[before, level] - 1) * 100
                        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), (period, name)
                    else:
                        assert pd.isna(got), (measure, key, period, name, rate)


@SETTINGS
@given(cells=panels())
def test_one_trimming_decision_serves_level_and_diagnostic(cells: pd.DataFrame) -> None:
    with store_of(cells) as be:
        cell, commodity_sitc, sitc, _ = tables(be)
        method = Method(reference_year=2024, outliers=Outliers(low=0.2, high=5.0))
        rel = relatives_for(cell, commodity_sitc, sitc, method)
        relatives = be.execute(rel.relatives)
        direct = be.execute(rel.direct)
    keys = ["period", *rel.keys]
    trimmed = relatives[relatives.trimmed]
    assert set(trimmed.rule) <= {"bound", "fence"}
    out_of_bounds = (relatives.relative < 0.2) | (relatives.relative > 5.0)
    assert (relatives.loc[out_of_bounds & ~relatives.imputed, "rule"] == "bound").all()
    shared = trimmed[keys].merge(direct[keys], on=keys)
    assert shared.empty
    # Every untrimmed matched cell with a year-ago partner is in the diagnostic.
    assert len(direct) > 0


@SETTINGS
@given(cells=panels())
def test_modes_add_up_to_the_cells(cells: pd.DataFrame) -> None:
    with store_of(cells) as be:
        cell, commodity_sitc, sitc, _ = tables(be)
        rel = relatives_for(cell, commodity_sitc, sitc, Method(reference_year=2024))
        by_mode = base_sums(cell, rel, "mode")
        by_partner = base_sums(cell, rel, "partner")
        for part, pieces in (("links", SUMS), ("direct", DIRECT_PIECES)):
            modes = be.execute(getattr(by_mode, part)).groupby(["period", "flow"])[list(pieces)]
            partners = be.execute(getattr(by_partner, part)).groupby(["period", "flow"])
            got, want = modes.sum().sort_index(), partners[list(pieces)].sum().sort_index()
            assert len(want) > 0
            assert got.index.equals(want.index), part
            np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, atol=1e-9)


@SETTINGS
@given(cells=panels())
def test_a_sole_mode_splits_as_the_lookup_does(cells: pd.DataFrame) -> None:
    """A cell-month that travelled one way goes to its mode whole, without looking up what
    each mode carried: the same sums as when every cell-month looks them up."""
    with store_of(cells) as be:
        cell, commodity_sitc, sitc, _ = tables(be)
        rel = relatives_for(cell, commodity_sitc, sitc, Method(reference_year=2024))
        assert SOLE_MODE in rel.relatives.columns and BASE_MODE in rel.direct.columns
        plain = replace(
            rel,
            relatives=rel.relatives.drop(SOLE_MODE, BASE_MODE),
            direct=rel.direct.drop(SOLE_MODE, BASE_MODE),
        )
        for part, pieces in (("links", SUMS), ("direct", DIRECT_PIECES)):
            frames = []
            for made in (rel, plain):
                sums = be.execute(getattr(base_sums(cell, made, "mode"), part))
                frames.append(sums.set_index(["period", "flow", "mode"]).sort_index())
            got, want = frames
            assert len(want) > 0
            assert got.index.equals(want.index), part
            np.testing.assert_allclose(
                got[list(pieces)].to_numpy(), want[list(pieces)].to_numpy(), rtol=1e-12, atol=1e-9
            )
