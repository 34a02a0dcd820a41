"""Monthly totals and how they are shared out: the calibration turned into targets.

For each month the generator asks for each flow group's expected total and its shares by
partner × commodity segment, by mode and, for exports, domestic versus re-exports, then
rakes the trading cells' values to those margins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..periods import Period
from ..schema import MODES
from . import partners as P
from .calibration import BASE_YEAR, Calibration, FlowPath, Knots
from .commodities import SEGMENTS, Segment
from .seasons import holiday_factor, seasonal_factor


@lru_cache(maxsize=4096)
def underlying(path: FlowPath, month: int) -> float:
    """The seasonally and holiday adjusted level of a flow group in a month."""
    period = Period.from_index(month)
    if period.year == BASE_YEAR:
        return path.level * float(np.exp(path.base_year_slope * (period.month - 6.5) / 12.0))
    if period.year > BASE_YEAR:
        return underlying(path, month - 12) * (1.0 + path.growth.at(month))
    return underlying(path, month + 12) / (1.0 + path.growth.at(month + 12))


def expected_total(path: FlowPath, month: int) -> float:
    """The expected value of a flow group in a month, HK$."""
    period = Period.from_index(month)
    return (
        underlying(path, month)
        * seasonal_factor(path.seasonal, period.month)
        * holiday_factor(period.year, period.month, path.holiday_loss)
    )


@dataclass(frozen=True)
class Targets:
    """One flow group's expected total and its shares, for one month."""

    total: float
    joint: np.ndarray
    """Partner × segment shares, summing to 1."""
    modes: np.ndarray
    domestic: float  # share of domestic exports (exports only)

    @property
    def partners(self) -> np.ndarray:
        return self.joint.sum(axis=1)

    @property
    def segments(self) -> np.ndarray:
        return self.joint.sum(axis=0)

    def perturbed(self, rng: np.random.Generator, total: float, shares: float) -> Targets:
        """The targets with log-normal noise on the total and on every share."""
        by_partner = np.exp(shares * rng.standard_normal(self.joint.shape[0]))
        by_segment = np.exp(shares * rng.standard_normal(self.joint.shape[1]))
        by_mode = np.exp(shares * rng.standard_normal(len(self.modes)))
        return Targets(
            total=self.total * float(np.exp(total * rng.standard_normal())),
            joint=_normalise(self.joint * np.outer(by_partner, by_segment)),
            modes=_normalise(self.modes * by_mode),
            domestic=self.domestic * float(np.exp(shares * rng.standard_normal())),
        )


def targets(calibration: Calibration, group: str, month: int) -> Targets:
    """The month's targets: partner and segment shares follow their paths, and each
    partner keeps its base-year mix of segments as far as both margins allow."""
    path = calibration.exports if group == "exports" else calibration.imports
    margins = calibration.export_margins if group == "exports" else calibration.import_margins
    partners = _normalise(P.weights(group) * partner_factors(margins.partners, month))
    segments = _normalise(_segment_base(group) * _factors(margins.segments, SEGMENTS, month))
    return Targets(
        total=expected_total(path, month),
        joint=_fit_table(_joint_base(group), partners, segments),
        modes=_normalise(
            np.array(margins.mode_shares)
            * np.array([margins.modes.get(m, Knots()).at(month) for m in MODES])
        ),
        domestic=calibration.domestic_share.at(month) if group == "exports" else 0.0,
    )


def _segment_base(group: str) -> np.ndarray:
    return _normalise(np.array([getattr(s, group) for s in SEGMENTS]))


@lru_cache(maxsize=2)
def _joint_base(group: str) -> np.ndarray:
    """Base-year partner × segment shares: partners' specialities within both margins."""
    return _fit_table(P.affinity(group).T, P.weights(group), _segment_base(group))


def attainable(joint: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Joint shares refitted to the partner × segment pairs that trade this month.

    A pair without a trading cell cannot carry its share; spreading it over every other
    pair would inflate the largest partners, so the shares are refitted to keep each
    partner's and each segment's total wherever that partner or segment trades at all.
    """
    table = np.where(present, joint, 0.0)
    rows = np.where(table.sum(axis=1) > 0, joint.sum(axis=1), 0.0)
    columns = np.where(table.sum(axis=0) > 0, joint.sum(axis=0), 0.0)
    return _fit_table(table, rows / rows.sum(), columns / columns.sum())


def _fit_table(table: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Rake a two-way table to row and column shares (as far as its zeros allow)."""
    x = table / table.sum()
    for _ in range(500):
        x *= _ratio(rows, x.sum(axis=1))[:, None]
        col = x.sum(axis=0)
        if np.max(np.abs(col - columns)) < 1e-13:
            break
        x *= _ratio(columns, col)[None, :]
    return x


def _ratio(goal: np.ndarray, now: np.ndarray) -> np.ndarray:
    return np.divide(goal, now, out=np.zeros_like(goal), where=now > 0)


def partner_factors(paths: dict[str, Knots], month: int) -> np.ndarray:
    """Each partner's factor: its own path, else its region's, else 1."""
    region = {r: paths[r].at(month) for r in {p.region for p in P.PARTNERS} if r in paths}
    return np.array(
        [
            paths[p.iso3].at(month) if p.iso3 in paths else region.get(p.region, 1.0)
            for p in P.PARTNERS
        ]
    )


def segment_prices(calibration: Calibration, month: int) -> np.ndarray:
    prices = calibration.prices
    return np.array([prices.segments.get(s.key, prices.other).at(month) for s in SEGMENTS])


def _factors(paths: dict[str, Knots], segments: tuple[Segment, ...], month: int) -> np.ndarray:
    return np.array([paths[s.key].at(month) if s.key in paths else 1.0 for s in segments])


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()


def rake(x: np.ndarray, margins: list[tuple[np.ndarray, np.ndarray]], total: float) -> np.ndarray:
    """Scale x so that its sums by each code match ``total`` times the target shares.

    Iterative proportional fitting. Categories with no trading cell this month are dropped
    from a margin and the others' shares scaled up. Where the margins contradict each other
    (small samples have too few cells to meet them all) the last one listed holds exactly.
    """
    fitted = []
    for codes, shares in margins:
        present = np.bincount(codes, weights=x, minlength=len(shares)) > 0
        goal = np.where(present, shares, 0.0)
        fitted.append((codes, goal * (total / goal.sum())))
    x = x.copy()
    for _ in range(200):
        worst = 0.0
        for codes, goal in fitted:
            sums = np.bincount(codes, weights=x, minlength=len(goal))
            ratio = np.divide(goal, sums, out=np.ones_like(goal), where=sums > 0)
            worst = max(worst, float(np.max(np.abs(ratio - 1.0))))
            x *= ratio[codes]
        if worst < 1e-9:
            break
    return x
