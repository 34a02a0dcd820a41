"""``analyse`` on the default sample: the facts a December 2025 release quotes."""

from __future__ import annotations

import pytest

from entrepot import Period, Store, duckdb_backend
from entrepot.analysis.facts import TOPICS, Analysis, analyse
from entrepot.analysis.filters import resolve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def december(sample_store: Store) -> Analysis:
    return analyse(sample_store, duckdb_backend(sample_store), Period(2025, 12), keep=False)


def test_every_fact_has_an_id_inputs_and_a_method(december: Analysis) -> None:
    ids = [f.id for f in december.facts]
    assert len(ids) == len(set(ids))
    assert december.notes == []
    assert {f.topic for f in december.facts} == set(TOPICS)
    for fact in december.facts:
        # The previous month's change ("after … in November") is of that month.
        month = "2025-11" if fact.id.endswith(".previous_month") else "2025-12"
        assert fact.inputs["period"] == month and fact.method, fact.id


def test_headline_comparisons_and_streaks(december: Analysis) -> None:
    assert december["total_exports.value.yoy"].value == pytest.approx(26.1, abs=1.5)
    assert december["total_exports.volume.yoy"].value == pytest.approx(21.6, abs=1.5)
    assert december["streak.total_exports.volume"].value == 11
    assert december["streak.total_exports.volume"].detail["start"] == "2025-02"
    assert december["region.Asia.total_exports.value.yoy"].value == pytest.approx(26.6, abs=1.5)


def test_the_seasonally_adjusted_three_months(december: Analysis) -> None:
    exports = december["sa.total_exports.value.three_on_three"]
    assert exports.value == pytest.approx(5.2, abs=1.0)
    assert exports.detail["current_months"] == ["2025-10", "2025-12"]
    assert exports.detail["previous_months"] == ["2025-07", "2025-09"]
    assert exports.detail["adjustment"]["method"] == "x13"
    assert december["sa.imports.value.three_on_three"].value == pytest.approx(6.7, abs=1.0)


def test_contributions_to_the_year(december: Analysis) -> None:
    top = [f for f in december.topic("contribution") if f.id.endswith(".year")]
    divisions = [f for f in top if f.inputs["breakdown"] == "division"]
    assert [f.inputs["key"] for f in divisions[:3]] == ["77", "75", "76"]
    assert divisions[0].detail["contribution_pp"] > divisions[1].detail["contribution_pp"] > 0


def test_splits_and_surges(december: Analysis) -> None:
    usa = december["split.total_exports.partner.USA"]
    assert usa.value == "volume-driven"
    assert usa.detail["volume_pct"] == pytest.approx(44.6, abs=1.5)
    surges = {f.inputs["key"]: f for f in december.topic("surge")}
    assert surges["USA"].value == "2025-11"
    assert surges["USA"].detail["carried_by"] == "volume"
    # The divisions carrying the front-loading: the electronics first, all from November.
    divisions = surges["USA"].detail["divisions"]
    assert {d["division"] for d in divisions[:3]} == {"75", "76", "77"}
    assert {d["start"] for d in divisions} == {"2025-11"}
    assert "TWN" in surges and surges["TWN"].value.startswith("2025-")
    # Partners with no path of their own in the generator are not flagged.
    assert not set(surges) & {"DEU", "GBR", "FRA", "AUS", "BRA", "ZAF", "SAU"}


def test_a_filtered_analysis(sample_store: Store) -> None:
    backend = duckdb_backend(sample_store)
    usa = backend.filtered(resolve(backend, partner=["USA"]))
    result = analyse(
        sample_store, usa, Period(2025, 12), adjusted=False, topics=("comparison", "split")
    )
    assert result.scope == "partner USA"
    assert result["total_exports.value.yoy"].value == pytest.approx(46.5, abs=2.0)
    assert result["split.total_exports.total.total"].value == "volume-driven"
