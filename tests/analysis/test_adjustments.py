"""Adjusted series kept in the store: the same input is read back, not adjusted again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import entrepot.analysis.seasonal as seasonal
from entrepot.analysis.adjustments import adjusted
from entrepot.analysis.holidays import regressor
from entrepot.analysis.seasonal import Adjusted
from entrepot.errors import InputError
from entrepot.store import Store
from entrepot.store.adjustments import adjustments_of, writable

FACTORS = [0.9, 0.85, 1.0, 1.02, 1.05, 1.03, 1.04, 1.06, 1.05, 1.08, 1.1, 0.97]
WHAT = {"flow": "total_exports", "measure": "value", "breakdown": "total", "key": "total"}


def keyed(start: str = "2020-01", end: str = "2025-12", seed: int = 1) -> pd.Series:
    """Growth × monthly factors × a Lunar New Year dip × 1% noise, by YYYYMM keys."""
    periods = pd.period_range(start, end, freq="M")
    rng = np.random.default_rng(seed)
    season = np.array([FACTORS[p.month - 1] for p in periods])
    holiday = np.exp(-0.3 * regressor(periods).to_numpy())
    trend = 100 * np.exp(0.004 * np.arange(len(periods)))
    values = trend * season * holiday * np.exp(rng.normal(0, 0.01, len(periods)))
    return pd.Series(values, index=[p.year * 100 + p.month for p in periods], name="level")


class Counting:
    """Stands in for seasonal.adjust: halves the series, counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, series: pd.Series, *, lunar_new_year: bool = True) -> Adjusted:
        self.calls += 1
        regressors = {"lunar_new_year": -4.25} if lunar_new_year else {}
        return Adjusted(
            series * 0.5, "x13", "(0 1 1)(0 1 1)", regressors, (1.5, 0.47), ("a warning",)
        )


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    fake = Counting()
    monkeypatch.setattr(seasonal, "adjust", fake)
    return fake


def refuse(series: pd.Series, *, lunar_new_year: bool = True) -> Adjusted:
    raise AssertionError("X-13 was run: the stored adjustment should have been read")


def test_the_second_call_reads_the_store_without_running_x13(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = keyed()
    first = adjusted(store, series, what=WHAT)
    assert first.cached is False and first.adjustment_id == 1
    assert first.method == "x13" and first.model.startswith("(")
    assert first.series.index.tolist() == series.index.tolist()  # YYYYMM keys, as given
    monkeypatch.setattr(seasonal, "adjust", refuse)
    second = adjusted(store, series, what=WHAT)
    assert second.cached is True and second.adjustment_id == 1
    # Everything X-13 said comes back as it was.
    assert (second.method, second.model, second.regressors, second.residual_qs, second.notes) == (
        first.method,
        first.model,
        first.regressors,
        first.residual_qs,
        first.notes,
    )
    pd.testing.assert_series_equal(second.series, first.series)
    assert second.as_dict()["cached"] is True
    stored = store.frame("SELECT * FROM adjusted_values ORDER BY period")
    assert len(stored) == 72 and stored.original.tolist() == series.tolist()


def test_a_changed_input_value_is_adjusted_again(store: Store, counting: Counting) -> None:
    series = keyed()
    adjusted(store, series, what=WHAT)
    revised = series.copy()
    revised[202506] *= 1.001  # one month revised
    again = adjusted(store, revised, what=WHAT)
    assert counting.calls == 2 and again.cached is False
    assert again.series[202506] == pytest.approx(revised[202506] * 0.5)
    # Another span is another input too.
    adjusted(store, series.loc[202101:], what=WHAT)
    assert counting.calls == 3
    # Each input keeps its own adjustment: the first is still read back.
    assert adjusted(store, series, what=WHAT).cached is True
    assert counting.calls == 3 and store.count("adjusted_series") == 3


def test_options_and_descriptions_are_stored_apart(store: Store, counting: Counting) -> None:
    series = keyed()
    with_lny = adjusted(store, series, what=WHAT)
    without = adjusted(store, series, what=WHAT, lunar_new_year=False)
    other = adjusted(store, series, what={**WHAT, "key": "USA", "filters": "mode air"})
    assert counting.calls == 3
    assert (with_lny.adjustment_id, without.adjustment_id, other.adjustment_id) == (1, 2, 3)
    assert with_lny.regressors == {"lunar_new_year": -4.25} and without.regressors == {}
    again = adjusted(store, series, what=WHAT, lunar_new_year=False)
    assert again.cached and again.adjustment_id == 2 and again.regressors == {}
    assert counting.calls == 3
    found = adjustments_of(store, key="USA")
    assert found.adjustment_id.tolist() == [3] and found.filters.tolist() == ["mode air"]


def test_refresh_adjusts_again_and_replaces_the_stored_one(
    store: Store, counting: Counting
) -> None:
    series = keyed()
    adjusted(store, series, what=WHAT)
    fresh = adjusted(store, series, what=WHAT, refresh=True)
    assert counting.calls == 2 and fresh.cached is False and fresh.adjustment_id == 2
    assert store.count("adjusted_series") == 1 and store.count("adjusted_values") == 72
    assert adjusted(store, series, what=WHAT).adjustment_id == 2


def test_a_read_only_store_answers_without_storing(tmp_path: Path, counting: Counting) -> None:
    path = tmp_path / "store.duckdb"
    with Store(path) as writer:
        assert writable(writer)
        adjusted(writer, keyed(), what=WHAT)
    with Store(path, read_only=True) as reader:
        assert not writable(reader)
        stored = adjusted(reader, keyed(), what=WHAT)
        assert stored.cached is True and counting.calls == 1
        new = adjusted(reader, keyed(seed=2), what=WHAT)
        assert new.cached is False and new.adjustment_id is None and counting.calls == 2
        assert new.series.index[0] == 202001
        assert reader.count("adjusted_series") == 1


def test_without_a_store_it_just_adjusts(counting: Counting) -> None:
    result = adjusted(None, keyed(), what=WHAT)
    assert result.cached is False and result.adjustment_id is None and counting.calls == 1
    assert result.series[202512] == pytest.approx(keyed()[202512] * 0.5)


def test_bad_periods_are_refused(store: Store) -> None:
    with pytest.raises(InputError, match="Period 202513 is not a valid YYYYMM month"):
        adjusted(store, pd.Series([1.0, 2.0], index=[202512, 202513]), what=WHAT)
    monthly = pd.Series([1.0], index=pd.period_range("2025-01", periods=1, freq="M"))
    with pytest.raises(InputError, match="indexed by YYYYMM periods"):
        adjusted(store, monthly, what=WHAT)
    # A gap is the seasonal adjustment's to refuse, and nothing is stored.
    gap = keyed().drop(202305)
    with pytest.raises(InputError, match="1 are missing"):
        adjusted(store, gap, what=WHAT)
    assert store.count("adjusted_series") == 0
