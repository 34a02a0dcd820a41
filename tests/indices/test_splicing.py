"""Splicing by hand on windows whose indices disagree in a known way.

Window [s, e) reports the log index (t − s)·(1 + s) for its periods t: the later the
window, the steeper it is, so every splice gives a different answer.
"""

from __future__ import annotations

import numpy as np
import pytest

from entrepot.indices import SPLICES
from entrepot.indices.splicing import extend


def steeper(start: int, stop: int) -> np.ndarray:
    return (np.arange(start, stop) - start) * (1.0 + start)


# T = 4, w = 3. First window [0, 3): 0, 1, 2. For t = 3 the new window [1, 4) is 0, 2, 4 and
# the old one (periods 0..2) 0, 1, 2; the overlap periods are 1 and 2.
#   movement: 2 + (4 − 2)                              = 4
#   window:   2 + (4 − 0) − (2 − 1)                    = 5   (overlap period 1)
#   half:     2 + (4 − 2) − (2 − 2)                    = 4   (overlap period 1 + (3−1)//2 = 2)
#   mean:     2 + mean((4 − 0) − (2 − 1), (4 − 2) − 0) = 4.5
#   fbew:     bases 0, 2; out[2] + window [2, 4) at t = 3: 2 + 1·3 = 5
#   fbmw:     out[2] + new(3) − new(2) = 2 + 4 − 2      = 4
LAST = {"movement": 4, "window": 5, "half": 4, "mean": 4.5, "wisp": 5, "hasp": 4,
        "mean_pub": 4.5, "fbew": 5, "fbmw": 4}  # fmt: skip


@pytest.mark.parametrize("splice", list(LAST))
def test_one_splice_by_hand(splice: str) -> None:
    assert extend(4, 3, splice, steeper).tolist() == [0, 1, 2, LAST[splice]]


def test_published_splices_link_on_the_published_series() -> None:
    # T = 5: at t = 4 the new window [2, 5) is 0, 3, 6 and the previous window [1, 4) was
    # 0, 2, 4. Window splice: out[3] + 6 − (4 − 2) = 5 + 4 = 9. WISP links on the published
    # value of period 2 instead: out[2] + 6 = 8.
    assert extend(5, 3, "window", steeper).tolist() == [0, 1, 2, 5, 9]
    assert extend(5, 3, "wisp", steeper).tolist() == [0, 1, 2, 5, 8]


def test_fbew_expanding_grows_the_first_window() -> None:
    # Periods 1 and 2 come from windows [0, 2) and [0, 3) (both slope 1); period 3 from the
    # new base 2: out[2] + window [2, 4) at t = 3 = 2 + 3.
    assert extend(4, 3, "fbew_expanding", steeper).tolist() == [0, 1, 2, 5]


@pytest.mark.parametrize("splice", list(SPLICES))
def test_windows_that_agree_splice_to_the_same_series(splice: str) -> None:
    level = np.log([1.0, 1.2, 0.9, 1.4, 1.3, 1.1, 1.6])

    def consistent(start: int, stop: int) -> np.ndarray:
        return level[start:stop] - level[start]

    assert extend(7, 3, splice, consistent) == pytest.approx(level, abs=1e-15)
