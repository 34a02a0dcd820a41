from __future__ import annotations

import math

import pandas as pd
import pytest

from entrepot.analysis import compilations
from entrepot.analysis.streaks import Streak, growth_streak, longest, published, streak
from entrepot.errors import InputError
from entrepot.periods import Period

DECEMBER = Period(2025, 12)


def test_a_missing_month_breaks_the_streak() -> None:
    # No November figure: December's growth is a streak of at least one month, not three.
    rates = {202509: 2.0, 202510: 3.0, 202512: 1.5}
    assert streak(rates, DECEMBER) == Streak(1, True, "2025-12", "growth")
    assert streak(rates, Period(2025, 10)) == Streak(2, True, "2025-09", "growth")


def test_the_data_start_cuts_the_streak() -> None:
    rates = pd.Series({202510: 1.0, 202511: 2.0, 202512: 3.0})
    assert streak(rates, DECEMBER) == Streak(3, True, "2025-10", "growth")
    # A NaN rate is no rate: it cuts the streak the same way.
    assert streak(rates.replace(1.0, math.nan), DECEMBER) == Streak(2, True, "2025-11", "growth")


def test_a_decline_streak_ends_exactly_on_growth() -> None:
    rates = {202509: 2.0, 202510: -1.0, 202511: -0.5, 202512: -3.0}
    assert streak(rates, DECEMBER, "decline") == Streak(3, False, "2025-10", "decline")
    assert streak(rates, DECEMBER) == Streak(0, False, None, "growth")
    assert streak(rates, DECEMBER).as_dict() == {
        "months": 0,
        "at_least": False,
        "start": None,
        "direction": "growth",
    }


def test_published_rates_decide() -> None:
    # −0.04% is published as −0.0%: not a decline.
    assert published(-0.04) == 0.0
    assert streak({202511: -2.0, 202512: -0.04}, DECEMBER, "decline") == Streak(
        0, False, None, "decline"
    )
    assert streak({202511: -2.0, 202512: -0.06}, DECEMBER, "decline") == Streak(
        2, True, "2025-11", "decline"
    )
    # +0.04% is published as +0.0%: it ends the growth streak, which is then exact.
    assert streak({202511: 0.04, 202512: 0.06}, DECEMBER) == Streak(1, False, "2025-12", "growth")


def test_growth_streak_is_still_importable_from_compilations() -> None:
    assert compilations.growth_streak is growth_streak
    assert compilations.published is published
    frame = pd.DataFrame({"period": [202511, 202512], "volume_yoy_pct": [-1.0, 4.0]})
    assert growth_streak(frame, DECEMBER) == (1, False)


def test_longest_streaks() -> None:
    rows = []
    for key, rates in {
        "USA": {202510: 5.0, 202511: 6.0, 202512: 7.0},  # at least 3 (data start)
        "CHN": {202508: -1.0, 202509: 1.0, 202510: 1.0, 202511: 1.0, 202512: 1.0},  # 4
        "JPN": {202512: -2.0},  # none
        "DEU": {202510: 1.0, 202511: 2.0, 202512: 3.0},  # 3, ties with USA: DEU first
    }.items():
        rows += [(key, f"name of {key}", p, r) for p, r in rates.items()]
    frame = pd.DataFrame(rows, columns=["key", "label", "period", "rate"])
    top = longest(frame, DECEMBER, top=3)
    assert top.to_dict("records") == [
        {"key": "CHN", "label": "name of CHN", "months": 4, "at_least": False, "start": "2025-09"},
        {"key": "DEU", "label": "name of DEU", "months": 3, "at_least": True, "start": "2025-10"},
        {"key": "USA", "label": "name of USA", "months": 3, "at_least": True, "start": "2025-10"},
    ]
    down = longest(frame, DECEMBER, direction="decline")
    assert down.iloc[0].to_dict() == {
        "key": "JPN",
        "label": "name of JPN",
        "months": 1,
        "at_least": True,
        "start": "2025-12",
    }
    assert len(down) == 4
    with pytest.raises(InputError, match="direction 'up'"):
        longest(frame, DECEMBER, direction="up")
    with pytest.raises(InputError, match="columns rate"):
        longest(frame.drop(columns="rate"), DECEMBER)
