from __future__ import annotations

import pandas as pd
import pytest

from entrepot.analysis.movers import movers, shares
from entrepot.errors import InputError
from entrepot.periods import Period

DECEMBER = Period(2025, 12)


def frame() -> pd.DataFrame:
    # December 2024 → 2025: A +50, B −30, C +30, D −10, E unchanged.
    before = {"A": 100.0, "B": 300.0, "C": 50.0, "D": 40.0, "E": 10.0}
    after = {"A": 150.0, "B": 270.0, "C": 80.0, "D": 30.0, "E": 10.0}
    rows = [(k, f"name of {k}", 202412, v) for k, v in before.items()]
    rows += [(k, f"name of {k}", 202512, v) for k, v in after.items()]
    return pd.DataFrame(rows, columns=["key", "label", "period", "value"])


def test_largest_increases_and_decreases() -> None:
    up, down = movers(frame(), DECEMBER, top=2)
    assert list(up.key) == ["A", "C"]
    assert list(up.change) == [50.0, 30.0]
    assert list(up.growth_pct) == [50.0, 60.0]
    assert list(down.key) == ["B", "D"]
    assert list(down.change) == [-30.0, -10.0]
    assert list(down.growth_pct) == [-10.0, -25.0]
    # Total 500 → 540: A adds 10 points.
    assert up.contribution_pp[0] == 10.0
    up, down = movers(frame(), DECEMBER)
    assert "E" not in set(up.key) | set(down.key)
    with pytest.raises(InputError, match="top must be"):
        movers(frame(), DECEMBER, top=0)


def test_shares() -> None:
    out = shares(frame(), DECEMBER)
    assert list(out.key) == ["B", "A", "C", "D", "E"]
    assert list(out.value) == [270.0, 150.0, 80.0, 30.0, 10.0]
    assert list(out.share_pct) == [
        50.0,
        pytest.approx(150 / 5.4),
        pytest.approx(80 / 5.4),
        pytest.approx(30 / 5.4),
        pytest.approx(10 / 5.4),
    ]
    assert list(out["rank"]) == [1, 2, 3, 4, 5]
    assert out.label[0] == "name of B"
    # Shares need only the current months.
    assert shares(frame()[frame().period == 202512], DECEMBER).share_pct[0] == 50.0
    with pytest.raises(InputError, match="No figures for 2025-11"):
        shares(frame(), Period(2025, 11))
