"""Verdicts: a stated figure against the store's, by the rule of its qualifier.

* ``matches``: the store's figure rounded to the stated decimals is the stated figure (a
  qualitative claim: its rule holds).
* ``close``: within one unit of the last stated digit, or within the qualifier's meaning:
  "nearly"/"almost" X holds for X − 1 unit ≤ figure < X; "about"/"around"/"roughly"/"some"
  X within 5% of X (at least one unit); "more than"/"over"/"above" X for figure > X;
  "less than"/"under" X for figure < X.
* ``differs``: otherwise, with the store's figure and the difference.

Qualitative rules, on the published (one-decimal) rate: "more than doubled" > +100%;
"doubled" +95% to +105%; "double-digit" increase +10% to +99.9% (a fall: −10% to −99.9%);
"virtually unchanged" −0.5% to +0.5%; "broadly flat" / "little changed" −1.5% to +1.5%;
"driven by volume" the volume change larger than the price change and positive;
"driven by price" the reverse.
"""

from __future__ import annotations

import math

from ..analysis.streaks import published

NEARLY = ("nearly", "almost", "close to")
ABOUT = ("about", "around", "roughly", "some", "approximately")
ABOVE = ("more than", "over", "above")
BELOW = ("less than", "under")


def rounded(value: float, decimals: int) -> float:
    """``value`` at ``decimals`` places, halves away from zero (as published)."""
    scale = 10**decimals
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def verdict(stated: float, decimals: int, qualifier: str | None, store: float) -> str:
    """``matches``, ``close`` or ``differs`` (see the module's rules)."""
    unit = 10.0**-decimals
    if qualifier in ABOVE:
        return "close" if store > stated else "differs"
    if qualifier in BELOW:
        return "close" if store < stated else "differs"
    if qualifier in NEARLY:
        return "close" if stated - unit <= store <= stated else "differs"
    at = rounded(store, decimals)
    if abs(at - stated) < unit / 1e6:
        return "matches"
    if qualifier in ABOUT:
        return "close" if abs(store - stated) <= max(unit, 0.05 * abs(stated)) else "differs"
    return "close" if abs(at - stated) <= unit * (1 + 1e-9) else "differs"


def rule_holds(rule: str, change_pct: float, volume: float | None, price: float | None) -> bool:
    """Whether a qualitative claim holds for a published change (see the module's rules)."""
    rate = published(change_pct)
    if rule == "more_than_doubled":
        return rate > 100
    if rule == "doubled":
        return 95 <= rate <= 105
    if rule == "double_digit":
        return 10 <= abs(rate) < 100
    if rule == "virtually_unchanged":
        return abs(rate) <= 0.5
    if rule == "broadly_flat":
        return abs(rate) <= 1.5
    if rule in ("volume_driven", "price_driven"):
        if volume is None or price is None:
            raise ValueError("no volume and price changes")
        first, second = (volume, price) if rule == "volume_driven" else (price, volume)
        return first > 0 and first > second
    raise ValueError(f"no rule for {rule!r}")
