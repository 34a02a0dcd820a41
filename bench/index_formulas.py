"""GEKS-Fisher and chained Fisher: entrepot.indices against PriceIndexCalc and pyindexnum.

    python bench/index_formulas.py [--items 10000] [--months 60] [--budget 120]

All three libraries run in this process on the same synthetic panel (a balanced panel of
``items`` products over ``months`` months, log-normal prices drifting month to month,
log-normal quantities), and their results are checked against ours to 1e-9 before any
timing is printed. PriceIndexCalc matches products by row order, so every library gets
the records sorted by month and product.

A peer that would need more than ``--budget`` seconds at the full size (estimated from a
small run: GEKS costs grow with months² × items, a chain with months × items) is run on
the most months it manages within the budget, all items kept, and compared with entrepot
at that size; the table says so.

Needs the bench-only packages PriceIndexCalc (with statsmodels and scikit-learn, which it
imports at module level) and pyindexnum.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from entrepot.indices import price_index


def synthetic_panel(items: int, months: int, seed: int = 2025) -> pd.DataFrame:
    """Balanced records, sorted by month and product id."""
    rng = np.random.default_rng(seed)
    level = rng.normal(2.0, 1.0, items)
    drift = rng.normal(0.0, 0.05, (months, items)).cumsum(axis=0)
    prices = np.exp(level + drift)
    quantities = rng.lognormal(3.0, 1.0, (months, items))
    month = pd.date_range("2021-01-01", periods=months, freq="MS")
    return pd.DataFrame(
        {
            "month": np.repeat(month, items),
            "id": np.tile(np.arange(items), months),
            "price": prices.ravel(),
            "quantity": quantities.ravel(),
        }
    )


# --- the three implementations ----------------------------------------------------------------


def ours_geks(df: pd.DataFrame) -> np.ndarray:
    return price_index(df, "geks_fisher", period="month", item="id")["index"].to_numpy()


def ours_chained(df: pd.DataFrame) -> np.ndarray:
    return price_index(df, "fisher", chain="chained", period="month", item="id")["index"].to_numpy()


def priceindexcalc_geks(df: pd.DataFrame) -> np.ndarray:
    from PriceIndexCalc.pandas_modules.multilateral import geks

    return geks(df, "price", "quantity", "month", "id", "fisher").to_numpy()


def priceindexcalc_chained(df: pd.DataFrame) -> np.ndarray:
    # PriceIndexCalc has no period-on-period chain; its own bilateral engine
    # (compute_bilateral, as used inside its GEKS) gives the links.
    from PriceIndexCalc.pandas_modules.multilateral import compute_bilateral

    periods = df["month"].unique()
    by_period = {p: df[df["month"] == p] for p in periods}
    links = [
        compute_bilateral(by_period, periods, t - 1, t, "fisher", "price", "quantity", "id")[2]
        for t in range(1, len(periods))
    ]
    return np.concatenate(([1.0], np.cumprod(links)))


def _polars(df: pd.DataFrame):  # type: ignore[no-untyped-def]
    import polars as pl

    return pl.from_pandas(df).rename(
        {"month": "period", "id": "product_id", "price": "aggregated_price",
         "quantity": "aggregated_quantity"}
    )  # fmt: skip


def pyindexnum_geks(df: pd.DataFrame) -> np.ndarray:
    import pyindexnum

    frame = _polars(df)
    return pyindexnum.geks_fisher(frame).sort("period")["index_value"].to_numpy()


def pyindexnum_chained(df: pd.DataFrame) -> np.ndarray:
    import polars as pl
    import pyindexnum

    frame = _polars(df)
    periods = frame["period"].unique().sort().to_list()
    by_period = frame.partition_by("period", as_dict=True)
    links = [
        pyindexnum.fisher(pl.concat([by_period[(a,)], by_period[(b,)]]))
        for a, b in itertools.pairwise(periods)
    ]
    return np.concatenate(([1.0], np.cumprod(links)))


@dataclass
class Task:
    name: str
    ours: Callable[[pd.DataFrame], np.ndarray]
    peers: dict[str, Callable[[pd.DataFrame], np.ndarray]]
    cost_power: int  # cost ∝ months^power × items


TASKS = [
    Task("GEKS-Fisher", ours_geks,
         {"PriceIndexCalc": priceindexcalc_geks, "pyindexnum": pyindexnum_geks}, 2),
    Task("chained Fisher", ours_chained,
         {"PriceIndexCalc": priceindexcalc_chained, "pyindexnum": pyindexnum_chained}, 1),
]  # fmt: skip


def best_time(
    fn: Callable[[pd.DataFrame], np.ndarray], data: pd.DataFrame, repeat: int
) -> tuple[float, np.ndarray]:
    """Best wall time of ``repeat`` runs of ``fn(data)``, and its result."""
    best, result = np.inf, np.array([])
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(data)
        best = min(best, time.perf_counter() - start)
    return best, result


def run(items: int, months: int, budget: float) -> list[tuple[str, ...]]:
    full = synthetic_panel(items, months)
    probe_months = min(months, 6)
    probe = full[full["month"] < full["month"].unique()[probe_months]]
    rows: list[tuple[str, ...]] = []
    for task in TASKS:
        ours_full, expected_full = best_time(task.ours, full, 5)
        rows.append((task.name, "entrepot", f"{items}×{months}", f"{ours_full:.4f}", "", ""))
        for peer, fn in task.peers.items():
            probe_time, _ = best_time(fn, probe, 1)
            scale = (months / probe_months) ** task.cost_power
            estimate = probe_time * scale
            size_months = months
            if estimate > budget:  # the most months that fit in the budget
                size_months = int(probe_months * (budget / probe_time) ** (1 / task.cost_power))
                size_months = max(probe_months, min(months, size_months))
            data = full[
                full["month"] < full["month"].unique()[size_months - 1] + pd.DateOffset(days=1)
            ]
            repeat = 3 if estimate < budget / 10 else 1  # best of 3 when it is cheap
            peer_time, got = best_time(fn, data, repeat)
            ours_time, expected = (
                (ours_full, expected_full)
                if size_months == months
                else best_time(task.ours, data, 5)
            )
            worst = float(np.max(np.abs(got / expected - 1)))
            if not worst <= 1e-9:
                raise AssertionError(f"{peer} {task.name} differs from entrepot by {worst:.2e}")
            note = "" if size_months == months else (
                f"full size ≈ {estimate:,.0f} s (est.): compared at {size_months} months"
            )  # fmt: skip
            rows.append(
                (task.name, peer, f"{items}×{size_months}", f"{peer_time:.4f}",
                 f"{peer_time / ours_time:,.0f}×", f"max rel diff {worst:.1e}  {note}".rstrip())
            )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per peer run")
    args = parser.parse_args()
    rows = run(args.items, args.months, args.budget)
    header = ("index", "library", "items×months", "seconds", "entrepot faster", "check")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()
