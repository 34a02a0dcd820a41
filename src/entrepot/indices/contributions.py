"""Additive contributions of items to the change of a Fisher index.

For one comparison 0 → 1 over the matched items, Reinsdorf, Diewert & Ehemann (2002),
"Additive decompositions for Fisher, Törnqvist and geometric mean indexes", *Journal of
Economic and Social Measurement* 28, 51–61, write

    P_F − 1 = Σₙ cₙ,   cₙ = (q0ₙ + q1ₙ/Q_F)·(p1ₙ − p0ₙ) / Σₖ (q0ₖ + q1ₖ/Q_F)·p0ₖ,

with Q_F = V/P_F the Fisher quantity index and V the value ratio of the matched items (the
decomposition the BEA uses for contributions to change, Moulton & Seskin 1999). Along a
chain Iₜ = Iₜ₋₁·Fₜ, the change since a base b adds up link by link,
Iₜ/I_b − 1 = Σᵤ (Iᵤ₋₁/I_b)(Fᵤ − 1), so the contribution of an item over several periods is
the sum of its link contributions, each weighted by the index level before the link.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from . import bilateral
from .bilateral import Grid, Pairs
from .formulas import resolve
from .panel import Panel
from .series import _panels, _series, _where


def fisher_contributions(grid: Grid, pairs: Pairs) -> np.ndarray:
    """Pairs × items matrix of RDE contributions cₙ; NaN for items not matched in a pair."""
    out = np.empty((len(pairs), grid.p.shape[1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for block in pairs.blocks(grid.p.shape[1]):
            b, c = pairs.base[block], pairs.current[block]
            matched = grid.mask[b] & grid.mask[c]
            p0, p1 = np.where(matched, grid.p[b], 0.0), np.where(matched, grid.p[c], 0.0)
            q0, q1 = np.where(matched, grid.q[b], 0.0), np.where(matched, grid.q[c], 0.0)
            v00, v11 = (p0 * q0).sum(axis=1), (p1 * q1).sum(axis=1)
            fisher = np.sqrt((p1 * q0).sum(axis=1) / v00 * v11 / (p0 * q1).sum(axis=1))
            q_fisher = v11 / v00 / fisher
            w = q0 + q1 / q_fisher[:, None]
            c_n = w * (p1 - p0) / (w * p0).sum(axis=1, keepdims=True)
            out[block] = np.where(matched, c_n, np.nan)
    return out


def contributions(
    panel: pd.DataFrame | Panel,
    *,
    chain: str = "chained",
    base: Hashable | None = None,
    reference: float = 1.0,
    quantity: bool = False,
    by: str | Sequence[str] | None = None,
    period: str = "period",
    item: str = "item",
    price: str = "price",
    quantity_col: str = "quantity",
    periods: str = "auto",
    duplicates: str = "drop",
) -> pd.DataFrame:
    """Each item's additive contribution to the change of the Fisher index.

    - ``chain="links"``: contributions to each period-on-period link, summing to
      ``reference·(Fₜ − 1)``;
    - ``chain="fixed"``: contributions to the direct Fisher index from ``base`` to each
      period, summing to ``index − reference``;
    - ``chain="chained"``: contributions to the chained Fisher index since ``base``,
      summing exactly to ``index − reference`` of :func:`price_index` with
      ``chain="chained"``.

    With ``reference=100`` the contributions are in index points (percentage points of
    change since the base). ``quantity=True`` decomposes the Fisher quantity index instead.
    Items not matched in any comparison of the span are left out. Columns: ``by`` (if any),
    the period column, the item column and ``contribution``. ``periods`` and
    ``duplicates`` read the records as :func:`~entrepot.indices.price_index` does, and a
    period without contributions because its comparison has no item in common is stated
    as a gap on the ``entrepot.indices`` logger.
    """
    if chain not in ("links", "fixed", "chained"):
        raise InputError(f"Unknown chain {chain!r}: use one of links, fixed, chained.")
    frames = []
    fisher = resolve("fisher")
    for key, group in _panels(
        panel, fisher, by, period, item, price, quantity_col, periods, duplicates
    ):
        try:  # the same checks, and the same stated gaps, as the Fisher index
            _series(group, fisher, chain, base, None, None, quantity, False, {}, _where(key))
        except InputError as exc:
            if not key:
                raise
            raise InputError(f"{_where(key)}{exc}") from exc
        frame = _one_panel(group.swapped() if quantity else group, chain, base, reference)
        frame.columns = [group.periods.name or period, group.items.name or item, "contribution"]
        for name, value in reversed(list(key)):
            frame.insert(0, name, value)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _one_panel(panel: Panel, chain: str, base: Hashable | None, reference: float) -> pd.DataFrame:
    t, _ = panel.shape
    grid = Grid(panel)
    base_pos = 0 if base is None else panel.position(base)
    if chain == "fixed":
        values = fisher_contributions(grid, Pairs.fixed(base_pos, t))
        values[base_pos] = np.nan
    else:
        links = Pairs.chain(t)
        per_link = np.vstack(
            [np.full((1, panel.shape[1]), np.nan), fisher_contributions(grid, links)]
        )
        if chain == "links":
            values = per_link
        else:
            fisher = bilateral.evaluate("fisher", grid, links)
            with np.errstate(divide="ignore", invalid="ignore"):
                level = np.exp(np.concatenate(([0.0], np.cumsum(np.log(fisher)))))
            level = level / level[base_pos]
            # Contribution over the span b → t: Σᵤ (Iᵤ₋₁/I_b)·cᵤₙ, as a difference of sums.
            weighted = np.nan_to_num(per_link) * np.concatenate(([0.0], level[:-1]))[:, None]
            total = np.cumsum(weighted, axis=0)
            seen = np.cumsum(np.isfinite(per_link), axis=0)
            values = total - total[base_pos]
            values[seen == seen[base_pos]] = np.nan
    rows, cols = np.nonzero(np.isfinite(values))
    return pd.DataFrame(
        {
            "period": panel.periods[rows],
            "item": panel.items[cols],
            "contribution": values[rows, cols] * reference,
        }
    )
