"""A small generated store for checking the index compiler against the reference.

``make_store(path, seed)`` fills a real store with about ten thousand cell rows over
2023-01 to 2025-12, deterministic from the seed:

- three flows; 41 items in six SITC groups (four sections) and three unclassified items,
  one item classified through its HS subheading (first six digits) only, and one whose
  8-digit code and subheading point to different groups (the 8-digit code wins);
- six partners: five in two regions and one missing from ``partners`` (region "Unknown");
- modes air, sea and land, and some rows with no mode; rows of one cell split by origin or
  consignment (summed into the cell);
- prices drifting by item with noise; items born in 2023-05 and 2024-03, items gone after
  2024-10 and 2025-04, and scattered months without trade (gone cells);
- outliers: relatives ×20 and ×0.03 (outside the bounds), moderate ones (×2.5, ×0.4) in
  groups large enough for the fences, a moderate one in a small group and one in an
  unclassified item (neither fenced);
- 2023-08 absent for every flow; one item reported in two units (two cells); cells with
  no quantity, and one with neither unit nor quantity.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from entrepot.store import Store

YEARS = (2023, 2024, 2025)
MISSING = 202308
PERIODS = [y * 100 + m for y in YEARS for m in range(1, 13) if y * 100 + m != MISSING]

GROUPS = {  # SITC code (5 digits) → number of items
    "05711": 6,
    "75230": 7,
    "76432": 7,
    "77641": 9,
    "84510": 7,
    "89400": 5,
}
PARTNERS = {"CHN": "Asia", "JPN": "Asia", "TWN": "Asia", "USA": "America", "CAN": "America"}
UNKNOWN_PARTNER = "ZZZ"
MODES = ("air", "sea", "land")


def _items() -> list[dict]:
    items = []
    for gi, (sitc, n) in enumerate(GROUPS.items()):
        for j in range(n):
            code = f"{gi + 1:02d}{j:02d}{(gi * 7 + j * 3) % 100:02d}10"
            items.append({"commodity": code, "sitc": sitc})
    for j in range(3):
        items.append({"commodity": f"99{j:02d}0010", "sitc": None})
    return items


def _classifications(items: list[dict]) -> tuple[list[tuple[str, str]], list[tuple]]:
    """commodity_sitc rows: most items by their 8-digit code, one by its subheading only,
    and one item with both (pointing to different groups)."""
    rows = []
    for i, item in enumerate(items):
        if item["sitc"] is None:
            continue
        if i == 3:  # by subheading only
            rows.append((item["commodity"][:6], item["sitc"]))
        elif i == 10:  # 8-digit code wins over its subheading's group
            rows.append((item["commodity"], item["sitc"]))
            rows.append((item["commodity"][:6], "05711"))
        else:
            rows.append((item["commodity"], item["sitc"]))
    sitc = []
    for code in GROUPS:
        for level in (1, 2, 3, 5):
            sitc.append((code[:level], level, f"SITC {code[:level]}"))
    return rows, sorted(set(sitc))


def make_cells(seed: int) -> pd.DataFrame:
    """The generated rows of ``cells`` (without records and load_id)."""
    rng = np.random.default_rng(seed)
    items = _items()
    partners = [*PARTNERS, UNKNOWN_PARTNER]
    share = {"imports": 0.9, "re_exports": 0.75, "domestic_exports": 0.4}
    born = {items[5]["commodity"]: 202305, items[12]["commodity"]: 202403}
    born[items[20]["commodity"]] = 202403
    born[items[28]["commodity"]] = 202403
    last = {items[8]["commodity"]: 202410, items[15]["commodity"]: 202504}
    last[items[33]["commodity"]] = 202504
    rows: list[tuple] = []
    cell_specs = []
    for item in items:
        price = float(rng.lognormal(3.0, 1.0))
        drift = float(rng.normal(0.03, 0.05))
        unit = "KG" if rng.random() < 0.5 else "NO."
        for flow, p in share.items():
            if rng.random() > p:
                continue
            n = int(rng.integers(2, 5))
            for partner in rng.choice(partners, size=n, replace=False):
                cell_specs.append(
                    {
                        "flow": flow,
                        "commodity": item["commodity"],
                        "partner": str(partner),
                        "unit": unit,
                        "price": price * float(rng.lognormal(0.0, 0.2)),
                        "drift": drift + float(rng.normal(0.0, 0.02)),
                        "mode": str(rng.choice(MODES)),
                        "second_mode": str(rng.choice(MODES)) if rng.random() < 0.3 else None,
                        "split": rng.random() < 0.2,
                        "no_mode": rng.random() < 0.08,
                        "no_quantity": False,
                        "no_unit": False,
                    }
                )
    # One item in two units to the same partner: a second cell in NO.
    twin = next(c for c in cell_specs if c["flow"] == "imports" and c["unit"] == "KG")
    cell_specs.append({**twin, "unit": "NO.", "price": twin["price"] * 7.0, "second_mode": None})
    # Cells with no quantity, and one with neither unit nor quantity.
    base = cell_specs[0]
    cell_specs.append({**base, "partner": "CAN", "no_quantity": True, "second_mode": None})
    cell_specs.append({**base, "partner": "TWN", "no_quantity": True, "no_unit": True})
    other = next(c for c in cell_specs if c["flow"] == "re_exports")
    cell_specs.append({**other, "partner": "USA", "unit": "T", "no_quantity": True})
    # Keep one spec per cell key (a random draw may repeat a partner added above).
    unique = {}
    for c in cell_specs:
        unique.setdefault((c["flow"], c["commodity"], c["partner"], c["unit"]), c)
    cell_specs = list(unique.values())

    for c in cell_specs:
        start = born.get(c["commodity"], PERIODS[0])
        end = last.get(c["commodity"], PERIODS[-1])
        for period in PERIODS:
            if period < start or period > end or rng.random() < 0.04:
                continue
            months = (period // 100 - 2023) * 12 + period % 100 - 1
            unit_value = c["price"] * np.exp(c["drift"] * months / 12) * rng.lognormal(0, 0.04)
            modes = [c["mode"]]
            if c["second_mode"] and c["second_mode"] != c["mode"] and rng.random() < 0.7:
                modes.append(c["second_mode"])
            for k, mode in enumerate(modes):
                quantity = float(rng.lognormal(4.0, 0.5))
                uv = unit_value * (1.1 if k else 1.0)
                parts = 2 if c["split"] else 1
                for part in range(parts):
                    q = quantity / parts * (1.0 + 0.2 * part)
                    rows.append(
                        (
                            period,
                            c["flow"],
                            c["commodity"],
                            c["partner"],
                            ("HKG" if part else "CHN") if c["flow"] == "imports" else None,
                            ("JPN" if part else "USA") if c["flow"] == "re_exports" else None,
                            None if c["no_mode"] else mode,
                            None if c["no_unit"] else c["unit"],
                            round(uv * q, 2),
                            None if c["no_quantity"] else round(q, 3),
                        )
                    )
    cells = pd.DataFrame(
        rows,
        columns=[
            "period",
            "flow",
            "commodity",
            "partner",
            "consignment",
            "origin",
            "mode",
            "unit",
            "value",
            "quantity",
        ],
    )
    return _outliers(cells, items)


def _outliers(cells: pd.DataFrame, items: list[dict]) -> pd.DataFrame:
    """Multiply the unit value of a few cells in one month (all rows of the cell)."""
    priced = cells[cells.quantity.notna() & cells.unit.notna()]
    keys = ["flow", "commodity", "partner", "unit"]

    def pick(flow: str, sitc: str | None, period: int, nth: int = 0) -> tuple:
        codes = {i["commodity"] for i in items if i["sitc"] == sitc}
        sub = priced[(priced.flow == flow) & priced.commodity.isin(codes)]
        sub = sub[sub.period == period].drop_duplicates(keys).sort_values(keys)
        return tuple(sub.iloc[nth % len(sub)][keys])

    shocks = [
        (pick("imports", "77641", 202406), 202406, 20.0),
        (pick("re_exports", "75230", 202503), 202503, 0.03),
        (pick("imports", "84510", 202311, 1), 202311, 25.0),
        (pick("imports", "77641", 202502, 2), 202502, 2.5),
        (pick("imports", "76432", 202409, 3), 202409, 0.4),
        (pick("re_exports", "77641", 202507, 1), 202507, 2.5),
        (pick("domestic_exports", "89400", 202505), 202505, 2.5),
        (pick("imports", None, 202410), 202410, 2.5),
    ]
    cells = cells.copy()
    for key, period, factor in shocks:
        hit = (cells.period == period) & (cells[keys] == pd.Series(key, index=keys)).all(axis=1)
        cells.loc[hit, "value"] = (cells.loc[hit, "value"] * factor).round(2)
    return cells


def make_frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The generated tables as frames, as :func:`make_store` stores them."""
    commodity_sitc, _ = _classifications(_items())
    return {
        "cells": make_cells(seed),
        "commodity_sitc": pd.DataFrame(commodity_sitc, columns=["commodity", "sitc"]),
        "partners": pd.DataFrame(list(PARTNERS.items()), columns=["code", "region"]),
        "commodities": pd.DataFrame(columns=["commodity", "unit"]),
    }


def make_store(path: str | Path, seed: int = 7) -> Store:
    """A store at ``path`` holding the generated cells and classifications."""
    from entrepot.store import Store
    from entrepot.store.domains import widen

    store = Store(path)
    items = _items()
    cells = make_cells(seed)
    commodity_sitc, sitc = _classifications(items)
    con = store.con
    con.register("_cells", cells)
    con.execute(
        "INSERT INTO cells (period, flow, commodity, partner, consignment, origin, mode, unit, "
        "value, quantity, records, load_id) SELECT *, 1, 1 FROM _cells"
    )
    con.unregister("_cells")
    widen(con)
    con.execute("INSERT INTO loads (load_id, rows_read) VALUES (1, ?)", [len(cells)])
    con.executemany(
        "INSERT INTO commodity_sitc (commodity, sitc, source) VALUES (?, ?, 'test')",
        commodity_sitc,
    )
    con.executemany("INSERT INTO sitc VALUES (?, ?, ?)", sitc)
    con.executemany(
        "INSERT INTO partners (code, name, region, source) VALUES (?, ?, ?, 'test')",
        [(code, code, region) for code, region in PARTNERS.items()],
    )
    return store
