from __future__ import annotations

import math

import pandas as pd
import pytest

from entrepot.analysis.splits import VERDICTS, Split, split, splits


def test_usa_december_2025_is_volume_driven() -> None:
    s = split(46.5, 1.3, 44.6)
    assert s.verdict == "volume-driven"
    assert s.volume_share == pytest.approx(
        math.log(1.446) / (math.log(1.446) + math.log(1.013)), rel=1e-12
    )
    assert s.reason == "volume +44.6%, price +1.3%: volume accounts for 97% of the value change"


CASES = [
    # value, price, volume, verdict
    (46.5, 1.3, 44.6, "volume-driven"),
    (12.0, 10.0, 1.8, "price-driven"),  # price: 84% of the rise
    (21.0, 10.0, 10.0, "both"),
    (-9.7, -5.0, -5.0, "both falling"),
    (-2.1, 5.0, -6.8, "falling volume"),
    (1.9, -4.0, 6.1, "falling prices"),
    (0.5, 0.3, 0.2, "broadly flat"),
    (4.0, 2.0, 2.0, "mixed"),  # neither drives two thirds, neither moved 3%
    (5.0, None, math.nan, "not available"),
]


@pytest.mark.parametrize(("value", "price", "volume", "verdict"), CASES)
def test_each_verdict(value: float, price: float | None, volume: float, verdict: str) -> None:
    assert split(value, price, volume).verdict == verdict


def test_every_verdict_has_a_case() -> None:
    assert {c[3] for c in CASES} == set(VERDICTS)


def test_reasons() -> None:
    assert split(12.0, 10.0, 1.8).reason == (
        "volume +1.8%, price +10.0%: price accounts for 84% of the value change"
    )
    assert split(4.0, 2.0, 2.0).reason == (
        "volume +2.0%, price +2.0%: no single driver (volume accounts for 50% of the value change)"
    )
    assert split(-2.1, 5.0, -6.8).reason == (
        "volume -6.8%, price +5.0%: volume fell by 3% or more, prices did not"
    )
    assert split(5.0, None, 1.0) == Split(
        5.0, None, 1.0, None, "not available", "no value, price or volume figure"
    )


def test_rates_are_rounded_as_published_first() -> None:
    # +0.04% is +0.0%: no value change, no split.
    flat = split(0.04, -0.04, 0.04)
    assert (flat.value_pct, flat.price_pct, flat.volume_pct) == (0.0, 0.0, 0.0)
    assert flat.volume_share is None and flat.verdict == "broadly flat"
    assert flat.as_dict()["reason"] == (
        "volume +0.0%, price +0.0%: value +0.0%, all moved by less than 1%"
    )
    # A price rise of 2.96% is published as 3.0%: material, so not volume-driven.
    assert split(20.0, 2.94, 16.5).verdict == "volume-driven"
    assert split(20.0, 2.96, 16.5).verdict == "both"


def test_splits_of_a_frame() -> None:
    frame = pd.DataFrame(
        {
            "key": ["USA", "JPN"],
            "label": ["United States", "Japan"],
            "value_pct": [46.5, 0.5],
            "price_pct": [1.3, 0.3],
            "volume_pct": [44.6, 0.2],
        }
    )
    out = splits(frame)
    assert list(out.columns) == [*frame.columns, "volume_share", "verdict", "reason"]
    assert list(out.verdict) == ["volume-driven", "broadly flat"]
    assert out.volume_share[1] == pytest.approx(math.log(1.002) / math.log(1.002 * 1.003))
