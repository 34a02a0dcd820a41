"""Extending a multilateral index window by window without revising published values.

A multilateral index is computed on a window of ``w`` periods. When period t arrives, the
window moves forward one period and the new window's movement is spliced onto the series:

- ``movement``: the last period-on-period movement of the new window (Ivancic, Diewert &
  Fox 2011);
- ``window``: the new window's movement since its first period, linked on the previous
  window's value of that period (Krsinich 2016);
- ``half``: the same, linked at the middle of the window (de Haan 2015);
- ``mean``: the geometric mean of the splices on every overlapping period (Diewert & Fox
  2022);
- ``wisp``, ``hasp``, ``mean_pub``: window, half and mean splices linked on the published
  series instead of the previous window (Chessa 2019);
- ``fbew``: fixed base expanding window: the window grows from a base period, renewed every
  ``w - 1`` periods, and the index is the base's published value times the window's
  movement since the base (Chessa 2016);
- ``fbew_expanding``: fbew from the very first period, so that the first window also grows
  one period at a time and no published value depends on later periods (PriceIndices'
  ``geks_fbew`` and ``price_indices(formula = "*_fbew")``; IndexNumR and PriceIndexCalc
  compute the first window whole, as for every other splice);
- ``fbmw``: fixed base moving window: a moving window of ``w`` periods, linked on the
  published value of the current base period (Lamboray 2017).

With a first period in December and ``w = 13``, fbew and fbmw use December as the link
month every year. The conventions, including which overlap period the half splice uses
for an even window, follow IndexNumR's ``GEKSIndex`` (G. White) and agree with
PriceIndices' ``*_splice`` functions (J. Białek).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SPLICES: dict[str, str] = {
    "movement": "last period-on-period movement of the new window",
    "window": "movement since the new window's first period, linked on the previous window",
    "half": "movement since the middle of the new window, linked on the previous window",
    "mean": "geometric mean of the splices on every overlapping period",
    "wisp": "window splice on the published series",
    "hasp": "half splice on the published series",
    "mean_pub": "mean splice on the published series",
    "fbew": "fixed base, expanding window (base renewed every window - 1 periods)",
    "fbmw": "fixed base, moving window (base renewed every window - 1 periods)",
    "fbew_expanding": "fbew whose first window expands too, so no value uses later periods",
}

WindowIndex = Callable[[int, int], np.ndarray]
"""``f(start, stop)``: log index of periods start..stop-1, zero at ``start``."""


def extend(periods: int, window: int, splice: str, window_index: WindowIndex) -> np.ndarray:
    """Log index over ``periods`` periods, zero at the first, spliced window by window."""
    out = np.full(periods, np.nan)
    out[: min(window, periods)] = window_index(0, min(window, periods))
    if splice == "fbew_expanding":
        first = range(1, min(window, periods))
        out[1 : min(window, periods)] = [window_index(0, t + 1)[-1] for t in first]
        splice = "fbew"
    old = out[:window].copy()
    half = (window - 1) // 2
    for t in range(window, periods):
        start = t - window + 1
        base = (t - 1) // (window - 1) * (window - 1)
        if splice == "fbew":
            out[t] = out[base] + window_index(base, t + 1)[-1]
            continue
        new = window_index(start, t + 1)
        if splice == "fbmw":
            out[t] = out[base] + new[-1] - new[base - start]
            continue
        # Overlap period τ = start + k sits at new[k] and at old[k + 1].
        reference = out[start - 1 : t] if splice in ("wisp", "hasp", "mean_pub") else old
        links = (new[-1] - new[:-1]) - (reference[-1] - reference[1:])
        if splice == "movement":
            step = links[-1]
        elif splice in ("window", "wisp"):
            step = links[0]
        elif splice in ("half", "hasp"):
            step = links[half]
        else:  # mean, mean_pub
            step = links.mean()
        out[t] = out[t - 1] + step
        old = new
    return out
