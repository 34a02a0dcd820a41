"""The cells the sample can trade in: flow × item × partner × mode (× origin, consignment).

Built once per seed and scale. Each cell carries a base-year weight (its expected share of
its flow), a chance of trading in any month, and its own slow drift; the generator shares
each month's totals out over the cells that trade. Elementary cells (flow × item × partner,
the unit value cells of the indices) carry a unit value and a net weight per unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..periods import Period
from ..schema import FLOWS, MODES
from . import partners as P
from .calibration import Shape
from .commodities import SEGMENTS, WEIGHT_UNITS, Items, build_items

IMPORTS, DOMESTIC, RE_EXPORTS = (
    FLOWS.index(f) for f in ("imports", "domestic_exports", "re_exports")
)
NONE = -1

# Hubs that consign goods of other origins to Hong Kong.
_HUBS: tuple[str, ...] = ("CHN", "SGP", "TWN", "JPN", "KOR", "USA", "ARE", "NLD", "DEU", "MYS")


@dataclass(frozen=True)
class Cells:
    items: Items
    flow: np.ndarray
    item: np.ndarray
    partner: np.ndarray
    mode: np.ndarray
    origin: np.ndarray  # NONE for imports and domestic exports
    consignment: np.ndarray  # NONE for exports
    weight: np.ndarray
    activity: np.ndarray
    drift: np.ndarray
    element: np.ndarray
    element_flow: np.ndarray
    element_item: np.ndarray
    element_partner: np.ndarray
    element_weight: np.ndarray
    element_unit_value: np.ndarray
    element_kg: np.ndarray

    def __len__(self) -> int:
        return len(self.flow)

    @property
    def segment(self) -> np.ndarray:
        return self.items.segment[self.item]


def build_cells(seed: int, scale: float, shape: Shape) -> Cells:
    """Draw the cell universe for a seed and scale (independent of the months asked for)."""
    rng = np.random.default_rng([seed, 1])
    # Below scale 1 there are fewer items; above it, more items and more partners each.
    grow = float(np.sqrt(scale)) if scale > 1 else 1.0
    n_items = max(len(SEGMENTS), round(shape.items * (grow if scale > 1 else scale)))
    life = (Period.parse(shape.life_window[0]).index, Period.parse(shape.life_window[1]).index)
    items = build_items(rng, n_items, life, shape.new_items, shape.ended_items)
    parts = []
    for code in (IMPORTS, DOMESTIC, RE_EXPORTS):
        group = "imports" if code == IMPORTS else "exports"
        item_w = items.imports if code == IMPORTS else items.exports
        if code == DOMESTIC:
            item_w = np.where(items.domestic, item_w * _domestic_bias(items), 0.0)
        mean_partners = shape.partners_per_item[FLOWS[code]] * grow
        item, partner, w = _partners(rng, items, item_w, group, mean_partners)
        item, partner, mode, w = _modes(rng, items, item, partner, w, shape.extra_modes)
        origin = np.full(len(item), NONE)
        if code == RE_EXPORTS:
            item, partner, mode, origin, w = _origins(
                rng, items, item, partner, mode, w, shape.extra_origins
            )
        consignment = np.full(len(item), NONE)
        if code == IMPORTS:
            consignment = _consignments(rng, partner, shape.transshipped)
        w = w / w.sum()
        parts.append((np.full(len(item), code), item, partner, mode, origin, consignment, w))
    flow, item, partner, mode, origin, consignment, weight = (
        np.concatenate(cols) for cols in zip(*parts, strict=True)
    )

    # Output order: flow, commodity, partner, mode, origin, consignment (codes sort by iso3).
    rank = np.argsort(np.argsort(np.array(P.ISO3)))
    sort_keys = (rank[consignment], rank[origin], mode, rank[partner], item, flow)
    order = np.lexsort(sort_keys)
    flow, item, partner, mode, origin, consignment, weight = (
        a[order] for a in (flow, item, partner, mode, origin, consignment, weight)
    )

    activity = _activity(flow, weight, shape.activity_floor)
    drift = rng.normal(0.0, shape.cell_drift, len(flow))
    key = (flow.astype(np.int64) * len(items) + item) * len(P.PARTNERS) + partner
    keys, element = np.unique(key, return_inverse=True)
    e_flow = keys // (len(items) * len(P.PARTNERS))
    e_item = keys // len(P.PARTNERS) % len(items)
    n = len(keys)
    # Each partner's deals run at their own price level.
    unit_value = items.unit_value[e_item] * rng.lognormal(0.0, 0.25, n)
    by_weight = np.isin(items.unit[e_item], WEIGHT_UNITS)
    kg = items.kg_per_unit[e_item] * np.where(by_weight, 1.0, rng.lognormal(0.0, 0.1, n))
    return Cells(
        items=items,
        flow=flow,
        item=item,
        partner=partner,
        mode=mode,
        origin=origin,
        consignment=consignment,
        weight=weight,
        activity=activity,
        drift=drift,
        element=element.astype(np.int64),
        element_flow=e_flow,
        element_item=e_item,
        element_partner=keys % len(P.PARTNERS),
        element_weight=np.bincount(element, weights=weight, minlength=n),
        element_unit_value=unit_value,
        element_kg=kg,
    )


def _domestic_bias(items: Items) -> np.ndarray:
    return np.array([s.domestic for s in SEGMENTS])[items.segment]


def _top_k(rng: np.random.Generator, logits: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sample k columns per row without replacement, proportionally to exp(logits)
    (the Gumbel top-k trick), a block of rows at a time to bound memory at large scales."""
    rows, columns = [], []
    for start in range(0, len(logits), _BLOCK):
        block = logits[start : start + _BLOCK]
        keys = block + rng.gumbel(size=block.shape)
        order = np.argsort(-keys, axis=1, kind="stable")
        take = np.arange(block.shape[1])[None, :] < k[start : start + _BLOCK, None]
        rows.append(np.nonzero(take)[0] + start)
        columns.append(order[take])
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(rows), np.concatenate(columns)


_BLOCK = 20_000


def _partners(
    rng: np.random.Generator, items: Items, item_w: np.ndarray, group: str, mean: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    traded = np.nonzero(item_w > 0)[0]
    w = item_w[traded]
    # Large items reach many partners, small ones a few.
    reach = (w / w.mean()) ** 0.35
    reach = reach / reach.mean()
    k = 1 + rng.poisson(np.maximum(mean - 1.0, 0.0) * reach)
    k = np.minimum(k, len(P.PARTNERS))
    affinity = P.affinity(group)[items.segment[traded]]
    rows, partner = _top_k(rng, np.log(affinity), k)
    share = affinity[rows, partner]
    share = share / np.bincount(rows, weights=share)[rows]
    weight = w[rows] * share * rng.lognormal(0.0, 0.7, len(rows))
    return traded[rows], partner, weight


def _modes(
    rng: np.random.Generator,
    items: Items,
    item: np.ndarray,
    partner: np.ndarray,
    w: np.ndarray,
    extra: float,
) -> tuple[np.ndarray, ...]:
    bias = np.array([s.modes for s in SEGMENTS])[items.segment[item]]
    propensity = P.mode_profile()[partner] * bias
    possible = (propensity > 0).sum(axis=1)
    k = np.minimum(1 + rng.binomial(len(MODES) - 1, extra, len(item)), possible)
    with np.errstate(divide="ignore"):
        rows, mode = _top_k(rng, np.log(propensity), k)
    share = propensity[rows, mode]
    share = share / np.bincount(rows, weights=share)[rows]
    weight = w[rows] * share * rng.lognormal(0.0, 0.4, len(rows))
    return item[rows], partner[rows], mode, weight


def _origins(
    rng: np.random.Generator,
    items: Items,
    item: np.ndarray,
    partner: np.ndarray,
    mode: np.ndarray,
    w: np.ndarray,
    extra: float,
) -> tuple[np.ndarray, ...]:
    """Re-exports to the Mainland are mostly of foreign origin; elsewhere mostly Mainland."""
    mainland = P.INDEX[P.MAINLAND]
    sources = P.affinity("imports")  # where each segment's goods come from
    sources[:, mainland] = 0.0
    k = 1 + rng.binomial(3, extra, len(item))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(item), _BLOCK):  # a block at a time: rows × partners is big
        block = slice(start, start + _BLOCK)
        propensity = sources[items.segment[item[block]]]
        propensity[np.arange(len(propensity)), partner[block]] = 0.0  # not its own origin
        propensity /= propensity.sum(axis=1, keepdims=True)
        own = np.where(partner[block] == mainland, 0.3, 0.8)
        propensity *= (1.0 - own)[:, None]
        propensity[:, mainland] = own
        with np.errstate(divide="ignore"):
            r, o = _top_k(rng, np.log(propensity), k[block])
        parts.append((r + start, o, propensity[r, o]))
    rows, origin, share = (np.concatenate(a) for a in zip(*parts, strict=True))
    share = share / np.bincount(rows, weights=share)[rows]
    weight = w[rows] * share * rng.lognormal(0.0, 0.4, len(rows))
    return item[rows], partner[rows], mode[rows], origin, weight


def _consignments(rng: np.random.Generator, partner: np.ndarray, share: float) -> np.ndarray:
    """Most imports are consigned from their origin; some come through a hub."""
    hubs = P.index_of(list(_HUBS))
    hub = hubs[rng.integers(0, len(hubs), len(partner))]
    via = (rng.random(len(partner)) < share) & (hub != partner)
    via &= partner != P.INDEX[P.MAINLAND]
    return np.where(via, hub, partner)


def _activity(flow: np.ndarray, weight: np.ndarray, floor: float) -> np.ndarray:
    """Chance of trading in a month: the larger half of each flow's cells always trade."""
    activity = np.empty(len(weight))
    for f in np.unique(flow):
        sel = flow == f
        w = weight[sel]
        pivot = np.quantile(w, 0.5)
        activity[sel] = floor + (1.0 - floor) * np.minimum(1.0, (w / pivot) ** 0.6)
    return activity
