"""Value = volume × price: which of the two moved a value, in words.

A value's year-on-year change splits into a volume change and a price change,
(1 + value) ≈ (1 + volume)(1 + price). In log terms the split is additive, so the
**volume share** is ln(1 + volume) ÷ (ln(1 + volume) + ln(1 + price)): the part of the
value's change due to volume (none when that change is under 0.1%; "value rose" below
means it is a rise of at least 0.1%). The rates are rounded to one decimal, as published,
before any rule applies (+0.04% counts as 0.0%).

The verdict is the first rule that applies:

=====  ===================  =============================================================
Order  Verdict              Rule
=====  ===================  =============================================================
1      not available        value, price or volume has no figure
2      broadly flat         value, volume and price all moved by less than 1%
3      volume-driven        value rose, volume accounts for at least two thirds of the
                            rise and price moved by less than 3% either way
4      price-driven         value rose, price accounts for at least two thirds of the
                            rise and volume moved by less than 3% either way
5      both                 volume and price both rose by 3% or more
6      both falling         volume and price both fell by 3% or more
7      falling volume       volume fell by 3% or more; price fell by less than 3% or rose
8      falling prices       price fell by 3% or more; volume fell by less than 3% or rose
9      mixed                anything else: moves under 3%, or a rise that neither
                            volume nor price accounts for two thirds of
=====  ===================  =============================================================

Example: value +46.5%, price +1.3%, volume +44.6% → volume-driven (volume accounts for
97% of the value change; price moved less than 3%).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from .numbers import optional_float
from .streaks import published

FLAT = 1.0
"""Below this (in %, either way) value, volume and price are broadly flat."""
MATERIAL = 3.0
"""A move of this much (in %) or more is material; less counts as "moved little"."""
DOMINANT = 2 / 3
"""The share of a value rise that makes volume (or price) its driver."""
NO_CHANGE = math.log1p(0.001)
"""A log value change below this (0.1%) has no split."""

VERDICTS = (
    "not available", "broadly flat", "volume-driven", "price-driven", "both",
    "both falling", "falling volume", "falling prices", "mixed",
)  # fmt: skip
"""Every verdict, in the order of the rules."""


@dataclass(frozen=True)
class Split:
    """A value change split into volume and price, with its verdict and the reason."""

    value_pct: float | None
    price_pct: float | None
    volume_pct: float | None
    volume_share: float | None
    """Share of the log value change due to volume; None when that change is ~0."""
    verdict: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rounded(rate: float | None) -> float | None:
    rate = optional_float(rate)
    return None if rate is None else published(rate) + 0.0  # no -0.0


def _pct(rate: float) -> str:
    return f"{rate:+.1f}%"


def split(value_pct: float | None, price_pct: float | None, volume_pct: float | None) -> Split:
    """The verdict on a value change of ``value_pct`` with ``price_pct`` and
    ``volume_pct`` (year-on-year, in %), by the rules of this module."""
    value, price, volume = _rounded(value_pct), _rounded(price_pct), _rounded(volume_pct)
    if value is None or price is None or volume is None:
        return Split(
            value, price, volume, None, "not available", "no value, price or volume figure"
        )
    if min(price, volume) <= -100:
        raise InputError(f"A rate of {min(price, volume)}% is not a change of a positive level.")
    log_volume, log_price = math.log1p(volume / 100), math.log1p(price / 100)
    log_value = log_volume + log_price
    share = log_volume / log_value if abs(log_value) >= NO_CHANGE else None
    rose = share is not None and log_value > 0
    head = f"volume {_pct(volume)}, price {_pct(price)}: "

    def verdict(name: str, why: str) -> Split:
        return Split(value, price, volume, share, name, head + why)

    def accounts(what: str, part: float) -> str:
        return f"{what} accounts for {part:.0%} of the value change"

    if max(abs(value), abs(volume), abs(price)) < FLAT:
        return verdict("broadly flat", f"value {_pct(value)}, all moved by less than {FLAT:g}%")
    if rose and share is not None and share >= DOMINANT and abs(price) < MATERIAL:
        return verdict("volume-driven", accounts("volume", share))
    if rose and share is not None and 1 - share >= DOMINANT and abs(volume) < MATERIAL:
        return verdict("price-driven", accounts("price", 1 - share))
    if volume >= MATERIAL and price >= MATERIAL:
        return verdict("both", f"both rose by {MATERIAL:g}% or more")
    if volume <= -MATERIAL and price <= -MATERIAL:
        return verdict("both falling", f"both fell by {MATERIAL:g}% or more")
    if volume <= -MATERIAL:
        return verdict("falling volume", f"volume fell by {MATERIAL:g}% or more, prices did not")
    if price <= -MATERIAL:
        return verdict("falling prices", f"prices fell by {MATERIAL:g}% or more, volume did not")
    if share is None:
        return verdict("mixed", f"value {_pct(value)}, no single driver")
    return verdict("mixed", f"no single driver ({accounts('volume', share)})")


SPLIT_COLUMNS = ("volume_share", "verdict", "reason")


def splits(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (key, label, value_pct, price_pct, volume_pct) with each row's
    volume_share, verdict and reason added."""
    needed = ("key", "label", "value_pct", "price_pct", "volume_pct")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"Splits need columns {', '.join(missing)}.")
    found = [
        split(v, p, q)
        for v, p, q in zip(frame.value_pct, frame.price_pct, frame.volume_pct, strict=True)
    ]
    out = frame.copy()
    out["volume_share"] = [math.nan if s.volume_share is None else s.volume_share for s in found]
    out["verdict"] = [s.verdict for s in found]
    out["reason"] = [s.reason for s in found]
    return out
