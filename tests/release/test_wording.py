"""The office's wording rules, each on its own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.periods import Period
from entrepot.release import wording


@pytest.mark.parametrize(
    ("pct", "words"),
    [
        (26.06, "increased by 26.1%"),
        (-3.44, "decreased by 3.4%"),
        (0.04, "virtually unchanged"),
        (-0.04, "virtually unchanged"),
        (0.3, "increased marginally by 0.3%"),
        (-0.45, "decreased by 0.5%"),  # printed -0.5 (half away from zero): not marginal
        (0.5, "increased by 0.5%"),
        (None, "not available"),
    ],
)
def test_change(pct: float | None, words: str) -> None:
    assert wording.change(pct) == words


def test_change_as_a_noun_and_the_previous_month() -> None:
    assert wording.change(18.79, noun=True) == "an increase of 18.8%"
    assert wording.change(-2.0, noun=True) == "a decrease of 2.0%"
    assert wording.change(0.2, noun=True) == "a marginal increase of 0.2%"
    assert wording.after(18.79, "November") == "after a year-on-year increase of 18.8% in November"
    assert wording.after(-4.1, "May") == "after a year-on-year decrease of 4.1% in May"
    assert wording.after(0.01, "May") == "after virtually no change year on year in May"


def test_amounts_streaks_and_months() -> None:
    assert wording.billion(512.84e9) == "$512.8 billion"
    assert wording.billion(-63.3e9) == "-$63.3 billion"
    assert wording.billion(4.86e8) == "$486.0 million"
    assert wording.billion(65.6e9, "US$") == "US$65.6 billion"
    assert wording.streak(11) == "the 11th consecutive month of growth"
    assert wording.streak(24, at_least=True) == "at least the 24th consecutive month of growth"
    assert [wording.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip
    assert wording.month(Period(2025, 12)) == "December 2025"
    assert wording.year_to_date(Period(2025, 12)) == "For 2025 as a whole"
    assert wording.year_to_date(Period(2025, 11)) == "For the first eleven months of 2025"
    assert wording.year_to_date(Period(2025, 1)) == "For January 2025"
    assert wording.quarter(Period(2025, 12)) == "fourth"


def test_double_digit_is_judged_on_the_printed_figure() -> None:
    assert wording.double_digit(9.96) and wording.double_digit(-12.0)
    assert not wording.double_digit(9.94) and not wording.double_digit(None)


@given(st.floats(min_value=-500, max_value=500, allow_nan=False))
def test_words_never_contradict_the_printed_figure(pct: float) -> None:
    printed = wording.pct(pct, signed=True)
    words = wording.change(pct)
    if printed in ("+0.0%", "-0.0%", "0.0%"):
        assert words == "virtually unchanged"
    else:
        assert printed.lstrip("+-") in words
        assert words.startswith("increased") == printed.startswith("+")
