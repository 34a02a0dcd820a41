"""Every parameter that steers the sample's figures, in one place.

The generator draws records; the figures compiled from them (totals, growth, shares, unit
value and volume indices) follow from the paths below plus the random draws, so another
seed tells the same story with different decimals. Each parameter's comment names the
published figure (the statistics office's release for December 2025 and its volume and
price statistics) it was tuned against. Levels are HK$ per month; paths are factors
relative to the base year (2023), log-linear between knots and flat beyond them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..periods import Period

BASE_YEAR = 2023


@dataclass(frozen=True)
class Knots:
    """A factor over time: log-linear between (month, factor) knots, flat outside them."""

    points: tuple[tuple[str, float], ...] = ()

    def at(self, month: int) -> float:
        """The factor at a month index (see :attr:`Period.index`)."""
        if not self.points:
            return 1.0
        xs, ys = _knots(self.points)
        return float(np.exp(np.interp(month, xs, np.log(ys))))


@dataclass(frozen=True)
class Growth:
    """Year-on-year growth of an underlying level: linear between knots, ``outside`` beyond."""

    points: tuple[tuple[str, float], ...]
    outside: float = 0.03

    def at(self, month: int) -> float:
        xs, ys = _knots(self.points)
        if month < xs[0] or month > xs[-1]:
            return self.outside
        return float(np.interp(month, xs, ys))


@lru_cache(maxsize=256)
def _knots(points: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    xs = np.array([Period.parse(p).index for p, _ in points], dtype=np.float64)
    return xs, np.array([v for _, v in points], dtype=np.float64)


@dataclass(frozen=True)
class FlowPath:
    """The total of one flow group before the margins share it out."""

    level: float
    """Average month of the base year, HK$, seasonally and holiday adjusted."""
    base_year_slope: float
    """Log growth across the base year (the 2023 recovery)."""
    growth: Growth
    """Underlying year-on-year growth after the base year."""
    seasonal: tuple[float, ...]
    """Jan..Dec factors without the Lunar New Year; normalised to average 1."""
    holiday_loss: float
    """Share of a day's trade lost on each day of the Lunar New Year break."""


@dataclass(frozen=True)
class Margins:
    """How one flow group's total is shared out, month by month."""

    mode_shares: tuple[float, float, float, float, float]
    """Base-year shares of air, land, sea, river, other."""
    modes: dict[str, Knots] = field(default_factory=dict)
    partners: dict[str, Knots] = field(default_factory=dict)
    """Keyed by ISO3 code or by region name (a partner's own entry wins)."""
    segments: dict[str, Knots] = field(default_factory=dict)


@dataclass(frozen=True)
class Prices:
    """Unit value paths; the volume figures are value growth divided by these."""

    segments: dict[str, Knots]
    other: Knots
    """Segments not listed above."""
    export_partners: dict[str, Knots]
    re_export_markup: float
    """Re-export unit values over import unit values of the same item."""
    noise: tuple[float, float]
    """Month-to-month log noise of an elementary cell's unit value: smallest cells, largest
    (which aggregate many shipments, so their unit values barely wander)."""


@dataclass(frozen=True)
class Shape:
    """The size and sparsity of the record set (scale 1; --scale multiplies)."""

    items: int = 3000
    partners_per_item: dict[str, float] = field(
        default_factory=lambda: {"imports": 2.8, "domestic_exports": 2.0, "re_exports": 3.0}
    )
    extra_modes: float = 0.2
    """Chance of each further mode for an item × partner."""
    extra_origins: float = 0.25
    """Chance of each further origin for a re-export item × destination × mode."""
    transshipped: float = 0.12
    """Share of non-Mainland import cells consigned from a third economy."""
    activity_floor: float = 0.15
    """Chance that the smallest cells trade in a month (the largest always do)."""
    new_items: float = 0.05
    ended_items: float = 0.04
    life_window: tuple[str, str] = ("2023-04", "2025-10")
    cell_drift: float = 0.12
    """Spread of cells' own yearly growth around their margins."""
    value_noise: tuple[float, float] = (0.45, 0.08)
    """Month-to-month log noise of a cell's value: smallest cells, largest cells."""
    margin_noise: tuple[float, float] = (0.002, 0.003)
    """Month-to-month log noise of a flow's total and of its partner, segment and mode
    shares. Raking spreads each cell's own noise over the others, so these alone set how
    far a seed's figures stray from the paths: aggregates of many cells are smooth."""


@dataclass(frozen=True)
class Calibration:
    exports: FlowPath
    imports: FlowPath
    domestic_share: Knots
    """Domestic exports as a share of total exports (about 1%)."""
    export_margins: Margins
    import_margins: Margins
    prices: Prices
    shape: Shape = field(default_factory=Shape)


_SEASONAL_EXPORTS = (0.97, 0.88, 1.01, 0.97, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.04, 1.05)
_SEASONAL_IMPORTS = (0.98, 0.88, 1.01, 0.97, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.03, 1.05)

CALIBRATION = Calibration(
    exports=FlowPath(
        # Steers December 2025 total exports, HK$512.8 bn.
        level=364.6e9,
        base_year_slope=0.06,
        # Steers monthly export growth: a fall in February 2024 (Lunar New Year), growth
        # every month from March 2024 (the 21-month streak to November 2025), +1% in
        # January 2025, November 2025 +18.8%, December 2025 +26.1%, 2025 as a whole +15.4%.
        growth=Growth(
            (
                ("2024-01", 0.10),
                ("2024-02", 0.09),
                ("2024-04", 0.12),
                ("2024-07", 0.11),
                ("2024-09", 0.055),
                ("2024-11", 0.03),
                ("2024-12", 0.035),
                ("2025-01", 0.061),
                ("2025-02", 0.08),
                ("2025-03", 0.173),
                ("2025-05", 0.148),
                ("2025-06", 0.123),
                # Steers the seasonally adjusted Oct–Dec 2025 exports +5.2% on Jul–Sep.
                ("2025-08", 0.125),
                ("2025-09", 0.1425),
                ("2025-10", 0.178),
                ("2025-11", 0.188),
                ("2025-12", 0.261),
            )
        ),
        seasonal=_SEASONAL_EXPORTS,
        # With the January 2025 knot, steers January 2025 exports +1%; small enough that X-13's
        # Lunar New Year regressor takes the holiday, which the seasonally adjusted Oct–Dec
        # 2025 exports +5.2% on Jul–Sep rest on.
        holiday_loss=0.15,
    ),
    imports=FlowPath(
        # Steers December 2025 imports, HK$576.0 bn, and the 2025 deficit (7.9% of imports).
        level=395.1e9,
        base_year_slope=0.05,
        # Steers imports November 2025 +18.1%, December 2025 +30.6%, 2025 +15.5%.
        growth=Growth(
            (
                ("2024-01", 0.10),
                ("2024-02", 0.08),
                ("2024-04", 0.11),
                ("2024-07", 0.10),
                ("2024-09", 0.05),
                ("2024-11", 0.03),
                ("2024-12", 0.04),
                ("2025-01", 0.051),
                ("2025-03", 0.162),
                ("2025-06", 0.122),
                # Steers the seasonally adjusted Oct–Dec 2025 imports +6.7% on Jul–Sep.
                ("2025-09", 0.145),
                ("2025-10", 0.17),
                ("2025-11", 0.181),
                ("2025-12", 0.306),
            )
        ),
        seasonal=_SEASONAL_IMPORTS,
        # Steers the seasonally adjusted Oct–Dec 2025 imports +6.7% on Jul–Sep, as for exports.
        holiday_loss=0.15,
    ),
    # Steers domestic exports at about 1% of total exports.
    domestic_share=Knots((("2023-01", 0.012), ("2025-12", 0.0095))),
    export_margins=Margins(
        # 2023 exports by mode: air 40.2%, land 46.6%, sea 10.2%, river 2.7%, other 0.3%.
        mode_shares=(0.402, 0.466, 0.102, 0.027, 0.003),
        modes={
            # Steers exports by air, HK$137.8 bn in December 2024 and 194.1 bn a year later.
            "air": Knots(
                (("2023-06", 1.0), ("2024-12", 0.762), ("2025-06", 0.9), ("2025-12", 0.878))
            ),
            # Steers exports by sea "broadly flat" in December 2025.
            "sea": Knots((("2024-12", 1.0), ("2025-12", 0.818))),
        },
        partners={
            # Steers exports to the USA in December 2025 (value +46.5% = volume +44.6% with
            # price +1.3%): front-loading after the one-year tariff suspension of November.
            "USA": Knots(
                (("2024-12", 1.0), ("2025-10", 0.97), ("2025-11", 1.13), ("2025-12", 1.218))
            ),
            # Steers Taiwan +72.7% in December 2025 (volume +61.8%).
            "TWN": Knots(
                (("2023-06", 1.0), ("2024-12", 1.15), ("2025-06", 1.35), ("2025-12", 1.651))
            ),
            # Steers Malaysia +138.6%: servers for data centres.
            "MYS": Knots(
                (("2023-06", 1.0), ("2024-12", 1.15), ("2025-06", 1.5), ("2025-12", 2.28))
            ),
            # Steers Thailand +76.6%.
            "THA": Knots(
                (("2023-06", 1.0), ("2024-12", 1.1), ("2025-06", 1.2), ("2025-12", 1.614))
            ),
            # Steers Singapore +30.4% and Viet Nam +29.4%.
            "SGP": Knots((("2024-12", 1.0), ("2025-12", 1.084))),
            "VNM": Knots((("2024-12", 1.0), ("2025-12", 1.075))),
            # Steers the Chinese Mainland +24.9% and, with the other Asian partners, Asia as
            # a whole +26.6%.
            "CHN": Knots((("2024-12", 1.0), ("2025-12", 1.038))),
            # Asian partners without a path of their own (Japan, India, Korea, …).
            "Asia": Knots((("2024-12", 1.0), ("2025-12", 0.868))),
            "Western Europe": Knots((("2024-12", 1.0), ("2025-12", 0.9))),
            "Eastern Europe": Knots((("2024-12", 1.0), ("2025-12", 0.9))),
        },
        segments={
            # The AI hardware boom. Steers SITC 77 +17.2% in 2025 (integrated circuits are
            # most of it) against total exports +15.4%; 75 and 76 grow faster.
            "computers": Knots((("2023-12", 1.0), ("2024-12", 1.2), ("2025-12", 1.5))),
            "computer_parts": Knots((("2023-12", 1.0), ("2024-12", 1.1), ("2025-12", 1.3))),
            "network": Knots((("2023-12", 1.0), ("2024-12", 1.1), ("2025-12", 1.3))),
            "ic": Knots((("2023-12", 1.0), ("2024-12", 1.05), ("2025-12", 1.282))),
            "gold": Knots((("2023-06", 1.0), ("2024-12", 1.2), ("2025-12", 1.6))),
        },
    ),
    # Imports: no published breakdown to meet, so a plausible one: the chips and servers
    # of the AI boom come in from Taiwan and Malaysia.
    import_margins=Margins(
        mode_shares=(0.43, 0.36, 0.18, 0.025, 0.005),
        partners={
            "TWN": Knots((("2023-06", 1.0), ("2024-12", 1.2), ("2025-12", 1.5))),
            "MYS": Knots((("2023-06", 1.0), ("2024-12", 1.1), ("2025-12", 1.3))),
        },
        segments={
            "computers": Knots((("2023-12", 1.0), ("2024-12", 1.2), ("2025-12", 1.7))),
            "computer_parts": Knots((("2023-12", 1.0), ("2024-12", 1.1), ("2025-12", 1.35))),
            "ic": Knots((("2023-12", 1.0), ("2024-12", 1.05), ("2025-12", 1.15))),
            "gold": Knots((("2023-06", 1.0), ("2024-12", 1.2), ("2025-12", 1.6))),
        },
    ),
    prices=Prices(
        segments={
            # Chips: a 2023 slump, a recovery, and memory prices surging in late 2025.
            "ic": Knots(
                (
                    ("2023-01", 1.0),
                    ("2023-10", 0.95),
                    ("2024-06", 0.97),
                    ("2024-12", 0.99),
                    ("2025-08", 1.0),
                    ("2025-12", 1.04),
                )
            ),
            "computers": Knots((("2023-01", 1.0), ("2025-12", 1.04))),
            "computer_parts": Knots((("2023-01", 1.0), ("2025-12", 1.03))),
            "phones": Knots((("2023-01", 1.0), ("2025-12", 1.0))),
            # Gold: up about 10%, 25% and 60% over 2023, 2024 and 2025.
            "gold": Knots(
                (
                    ("2023-01", 1.0),
                    ("2023-12", 1.1),
                    ("2024-06", 1.25),
                    ("2024-12", 1.38),
                    ("2025-06", 1.77),
                    ("2025-12", 2.2),
                )
            ),
            "jewellery": Knots((("2023-01", 1.0), ("2024-12", 1.15), ("2025-12", 1.4))),
        },
        # With the segments above, steers total export prices: December 2025 +3.7% (volume
        # +21.6%), 2025 +2.3% (volume +12.8%), and January 2025 above value growth, so that
        # the volume streak starts in February 2025.
        other=Knots(
            (
                ("2023-01", 1.0),
                ("2024-12", 1.015),
                ("2025-01", 1.019),  # price lists reset at the turn of the year
                ("2025-09", 1.011),
                ("2025-12", 1.028),
            )
        ),
        export_partners={
            # Steers the USA price +1.3% in December 2025 (volume +44.6%).
            "USA": Knots((("2025-06", 1.0), ("2025-12", 0.9793))),
            # Steers Taiwan prices, value +72.7% over volume +61.8%.
            "TWN": Knots((("2024-12", 1.0), ("2025-12", 1.0315))),
        },
        re_export_markup=1.06,
        noise=(0.08, 0.005),
    ),
)
