"""The trade compiler (Ibis) and the index-number library (NumPy) compute the same indices.

A panel of four items imported from one partner in one unit, every month of 2023–2025, with
prices and quantities that change every month, so every cell is matched. It is compiled
with :func:`entrepot.compute.trade_indices.compile_indices` for each formula, and the same
numbers are computed with :func:`entrepot.indices.price_index` on the equivalent records
``period, item, price = value / quantity, quantity``. What corresponds to what:

* **Year on year.** ``laspeyres_yoy``, ``paasche_yoy``, ``fisher_yoy`` and ``tornqvist_yoy``
  of month t relate each cell's unit value to the same month a year earlier, weighted by
  the values of t − 12 (``v0``) and of t (``v1``): that is the library's bilateral index
  of the formula with base period t − 12, ``price_index(records, formula, base=t - 12)``
  read at t. It is a diagnostic: the published rates come from the levels.
* **The chain-linked level** (``price_index``). The monthly link of month m of year Y
  relates the cell's unit value to its unit value over year Y − 1 (Σ value ÷ Σ quantity),
  weighted by the value of year Y − 1 (``v0``) and of the month (``v1``); in the first year,
  to its own year's. The library forms exactly that price and quantity (the unit value and
  the summed quantity) when every record of the base year carries one period label, so the
  link is the library's bilateral index between the pseudo-period "Y − 1" and the month
  (not Lowe or Young with a monthly price reference: the price reference is the annual unit
  value). Annual overlap: the level of month m of Y is the link × the product of the yearly
  means of the links of the years before Y, divided by its mean over the reference year ×
  100.
* **Rates from levels.** ``price_yoy_pct`` is the level of t over the level of t − 12, and
  ``volume_yoy_pct`` the value ratio divided by it.

Each comparison holds to 1e-12 for every month, on DuckDB and on Spark.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from entrepot.compute.trade_indices import compile_indices
from entrepot.indices import price_index, quantity_index

from .conftest import Make

FORMULAS = ("laspeyres", "paasche", "fisher", "tornqvist")
YEARS = (2023, 2024, 2025)
REFERENCE_YEAR = 2024
ITEMS = ("85423190", "61091000", "84713000", "30049000")
MONTHS = [y * 100 + m for y in YEARS for m in range(1, 13)]


def panel() -> pd.DataFrame:
    """Records ``period, item, value, quantity, price``: prices drift at different rates
    with a wobble, quantities move seasonally and against price, so shares change."""
    rows = []
    for t, period in enumerate(MONTHS):
        month = period % 100
        for i, item in enumerate(ITEMS):
            price = (2.0 + i) * (1 + (0.01 + 0.015 * i) * t) * (1 + 0.04 * ((t * (i + 2)) % 5))
            quantity = (10.0 + 3 * i) * (1 + 0.3 * ((month + i) % 4)) / (1 + 0.02 * i * t)
            rows.append((period, item, price * quantity, quantity))
    frame = pd.DataFrame(rows, columns=["period", "item", "value", "quantity"])
    return frame.assign(price=frame.value / frame.quantity)


def compiled(make: Make, records: pd.DataFrame, formula: str) -> pd.DataFrame:
    cells = records.rename(columns={"item": "commodity"})[
        ["period", "commodity", "value", "quantity"]
    ].assign(flow="imports", partner="JPN", unit="KG", mode="sea", records=1)
    be = make({"cells": cells})
    series, trimmed = compile_indices(
        be.table("cells"),
        be.table("commodity_sitc"),
        be.table("sitc"),
        be.table("partners"),
        formula=formula,
        reference_year=REFERENCE_YEAR,
    )
    assert len(be.execute(trimmed)) == 0
    frame = be.execute(series)
    assert set(frame.measure) == {"imports"}
    assert set(frame.key) == {"total"}
    return frame.set_index("period").sort_index()


def library_year_on_year(records: pd.DataFrame, formula: str) -> dict[int, tuple[float, float]]:
    """Month t → (price index, implicit quantity index) of ``formula``, t − 12 = 1."""
    out = {}
    for period in MONTHS[12:]:
        base = period - 100
        price = price_index(records, formula, base=base).set_index("period")["index"]
        volume = quantity_index(records, formula, implicit=True, base=base)
        out[period] = (float(price[period]), float(volume.set_index("period")["index"][period]))
    return out


def library_chained_level(records: pd.DataFrame, formula: str) -> dict[int, float]:
    """Month → the chain-linked level (annual overlap), the reference year's mean = 100."""
    year = records.period // 100
    raw, carried = {}, 1.0
    for y in YEARS:
        base_year = y - 1 if y > YEARS[0] else y  # the first year against itself
        base = records[year == base_year].assign(period=base_year * 100)
        months = records[year == y]
        links = price_index(
            pd.concat([base, months]), formula, base=base_year * 100, periods="given"
        )
        links = links[links.period != base_year * 100]
        for period, link in zip(links.period, links["index"], strict=True):
            raw[period] = link * carried
        carried *= float(np.mean(links["index"]))
    ref = np.mean([v for p, v in raw.items() if p // 100 == REFERENCE_YEAR])
    return {p: v / ref * 100 for p, v in raw.items()}


@pytest.mark.parametrize("formula", FORMULAS)
def test_compiler_and_library_agree_month_by_month(backend: Make, formula: str) -> None:
    records = panel()
    frame = compiled(backend, records, formula)
    yoy = library_year_on_year(records, formula)
    level = library_chained_level(records, formula)
    assert list(frame.index) == MONTHS
    for period in MONTHS[:12]:  # no year before: no comparison; links against itself
        assert math.isnan(frame.at[period, f"{formula}_yoy"])
        assert math.isnan(frame.at[period, "price_yoy_pct"])
    value = records.groupby("period").value.sum()
    for period in MONTHS:
        row = frame.loc[period]
        assert row.price_index == pytest.approx(level[period], rel=1e-12, abs=0), period
        assert (row.cells_matched, row.cells_imputed) == (len(ITEMS), 0)
    for period in MONTHS[12:]:
        row = frame.loc[period]
        price_ratio = level[period] / level[period - 100]
        value_ratio = value[period] / value[period - 100]
        assert row[f"{formula}_yoy"] == pytest.approx(yoy[period][0], rel=1e-12, abs=0), period
        assert row.price_yoy_pct == pytest.approx((price_ratio - 1) * 100, rel=1e-11), period
        assert row.volume_yoy_pct == pytest.approx(
            (value_ratio / price_ratio - 1) * 100, rel=1e-11
        ), period


def test_every_year_on_year_formula_agrees_whatever_the_chained_one(backend: Make) -> None:
    records = panel()
    frame = compiled(backend, records, "fisher")
    for formula in FORMULAS:
        yoy = library_year_on_year(records, formula)
        got = frame.loc[MONTHS[12:], f"{formula}_yoy"].tolist()
        want = [yoy[p][0] for p in MONTHS[12:]]
        assert got == pytest.approx(want, rel=1e-12, abs=0), formula


def test_the_panel_moves_so_that_formulas_differ() -> None:
    # Guard against a panel on which every formula gives the same number.
    records = panel()
    dec = {f: library_year_on_year(records, f)[202512][0] for f in FORMULAS}
    assert dec["laspeyres"] - dec["paasche"] > 1e-4
    assert abs(dec["fisher"] - dec["tornqvist"]) > 1e-6
    level = library_chained_level(records, "fisher")
    # The published rate (from levels) and the direct comparison differ on this panel.
    assert abs(level[202512] / level[202412] - dec["fisher"]) > 1e-4
