"""Multilateral indices over a window of periods: GEKS, Geary–Khamis and weighted TPD.

Every function here returns the log index over the periods of one window, normalised to
zero at the window's first period. The splicing module stitches windows into a series.

References: Ivancic, Diewert & Fox (2011), "Scanner data, time aggregation and the
construction of price indexes", *Journal of Econometrics* 161, 24–35 (GEKS, CCDI);
Diewert & Fox (2022), "Substitution bias in multilateral methods for CPI construction",
*Journal of Business & Economic Statistics* 40, 355–369 (GK, WTPD).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def geks_window(log_matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    """GEKS over periods ``start`` to ``stop - 1`` from a matrix of bilateral log indices.

    ``log_matrix[j, k]`` is ln P(j → k). GEKS is ln Pₖ = mean over j in the window of
    ln P(j → k), normalised to the first period (Gini 1931; Eltetö & Köves 1964; Szulc
    1964): P(s → k) = Π_j [P(j → k)/P(j → s)]^(1/w). Pairs with no matched item (NaN) are
    left out of the mean, as IndexNumR's ``GEKSIndex`` does; periods with no chain of
    comparisons to the window's first period get NaN.
    """
    block = log_matrix[start:stop, start:stop]
    seen = np.isfinite(block)
    with np.errstate(invalid="ignore", divide="ignore"):
        level = np.where(seen, block, 0.0).sum(axis=0) / seen.sum(axis=0)
    level = np.where(connected(seen), level, np.nan)
    return level - level[0]


def connected(shares: np.ndarray) -> np.ndarray:
    """Periods linked to the first one through a chain of comparisons.

    ``shares[j, k]`` says whether periods j and k have an item in common.
    """
    reached = np.zeros(len(shares), dtype=bool)
    reached[0] = True
    while True:
        grown = shares[reached].any(axis=0) | reached
        if (grown == reached).all():
            return reached
        reached = grown


def _on_connected(
    solve: Callable[[np.ndarray, np.ndarray], np.ndarray],
    prices: np.ndarray,
    quantities: np.ndarray,
) -> np.ndarray:
    """``solve`` on the periods connected to the first; NaN for the others (no comparison)."""
    seen = np.isfinite(prices).astype(float)
    linked = connected(seen @ seen.T > 0)
    out = np.full(len(prices), np.nan)
    out[linked] = solve(prices[linked], quantities[linked])
    return out


def geary_khamis_window(prices: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    """Geary–Khamis price levels of one window (Geary 1958; Khamis 1972).

    The GK system is Pₜ = Σₙ pₜₙqₜₙ / Σₙ bₙqₜₙ with item reference prices
    bₙ = Σₜ (qₜₙ/Qₙ)·pₜₙ/Pₜ, Qₙ = Σₜ qₜₙ. Eliminating b leaves a T × T system in πₜ = 1/Pₜ:
    Vₜπₜ = Σᵤ Mₜᵤπᵤ with M = q·diag(1/Q)·(p∘q)ᵀ, solved with π at the window's first period
    fixed to 1: the GK equations of Diewert & Fox (2022), solved through the small
    periods × periods system instead of the items × items one. Unobserved cells count as
    zero quantities (IndexNumR ``GKIndex`` default, PriceIndexCalc). Periods that share no
    item, directly or through other periods, with the first one get NaN.
    """
    return _on_connected(_geary_khamis, prices, quantities)


def _geary_khamis(prices: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    p = np.nan_to_num(prices, nan=0.0)
    q = np.nan_to_num(quantities, nan=0.0)
    total = q.sum(axis=0)
    keep = total > 0
    p, q, total = p[:, keep], q[:, keep], total[keep]
    e = p * q
    value = e.sum(axis=1)
    m = (q / total) @ e.T
    a = np.diag(value) - m
    pi_rest = np.linalg.solve(a[1:, 1:], m[1:, 0])
    pi = np.concatenate(([1.0], pi_rest))
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.log(pi)


def wtpd_window(prices: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    """Weighted time-product-dummy index of one window.

    The regression ln pₜₙ = αₜ + βₙ + εₜₙ over every observed (t, n), weighted by the
    expenditure share sₜₙ of the item in its period (Rao 2005; de Haan & Krsinich 2014;
    Diewert & Fox 2022), gives the index exp(αₜ − α₀). The normal equations for
    β give βₙ = Σₜ sₜₙ(yₜₙ − αₜ)/Wₙ with Wₙ = Σₜ sₜₙ; substituting them into those for α
    leaves the T × T system (I − S·diag(1/W)·Sᵀ)·α = r, rₜ = Σₙ sₜₙ(yₜₙ − zₙ),
    zₙ = Σₜ sₜₙyₜₙ/Wₙ, solved with α₀ = 0. Periods not connected to the first get NaN.
    """
    return _on_connected(_wtpd, prices, quantities)


def _wtpd(prices: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    seen = np.isfinite(prices)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(seen, np.log(np.where(seen, prices, 1.0)), np.nan)
        e = np.where(seen, prices * quantities, 0.0)
        s = e / e.sum(axis=1, keepdims=True)
    weight = s.sum(axis=0)
    keep = weight > 0
    s, weight, logs = s[:, keep], weight[keep], logs[:, keep]
    # Centring each item's log prices changes only β and keeps the sums well conditioned.
    logs = logs - np.nanmean(logs, axis=0)
    y = np.where(np.isfinite(logs), logs, 0.0)
    z = (s * y).sum(axis=0) / weight
    r = (s * (y - z)).sum(axis=1)
    a = np.eye(len(s)) - (s / weight) @ s.T
    alpha_rest = np.linalg.solve(a[1:, 1:], r[1:])
    return np.concatenate(([0.0], alpha_rest))
