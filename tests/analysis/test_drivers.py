"""Drivers: surges on built series with planted events, mix shift and transport by hand,
and the sample's planted front-loading and surge found with few false alarms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from entrepot.analysis.drivers import (
    THRESHOLD,
    air_share_change,
    false_alarm_rate,
    mix_shift,
    mix_summary,
    scan,
    surges,
    transport,
)
from entrepot.errors import InputError
from entrepot.periods import Period

FACTORS = (0.97, 0.88, 1.01, 0.97, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.04, 1.05)
KEYS = [Period(2023, 1).shift(i).key for i in range(36)]


def built(*, seed: int = 0, noise: float = 0.02, level: float = 1e9) -> pd.Series:
    """36 months of 6% a year growth × monthly factors × log-normal noise."""
    rng = np.random.default_rng(seed)
    trend = level * np.exp(0.005 * np.arange(len(KEYS)))
    season = np.array([FACTORS[k % 100 - 1] for k in KEYS])
    return pd.Series(trend * season * np.exp(rng.normal(0, noise, len(KEYS))), index=KEYS)


def planted(series: pd.Series, factors: dict[int, float]) -> pd.Series:
    """``series`` multiplied by a factor from each listed month (YYYYMM) on, until the
    next listed month."""
    out = series.copy()
    steps = sorted(factors.items())
    for (start, factor), nxt in zip(steps, [*steps[1:], (10**6, 1.0)], strict=True):
        mask = (out.index >= start) & (out.index < nxt[0])
        out[mask] = series[mask] * factor
    return out


# --- surges on built series -----------------------------------------------------------


def test_a_seasonal_series_without_an_event_is_not_flagged() -> None:
    assert surges(built(seed=0)) is None
    # Over many noise draws, hardly any quiet series is flagged.
    flagged = [seed for seed in range(40) if surges(built(seed=seed)) is not None]
    assert len(flagged) <= 2, flagged


def test_a_level_jump_is_flagged_from_its_month_with_its_size() -> None:
    quiet = built(seed=3)
    jumped = planted(quiet, {202505: 1.25})
    surge = surges(jumped, name="jump")
    assert surge is not None
    assert surge.name == "jump"
    assert surge.start == "2025-05"
    assert surge.months == [str(Period.from_key(k)) for k in KEYS if k >= 202505]
    assert surge.cutoff == "2024-12"
    # The planted excess is what the jump added: 0.25 of the quiet series.
    planted_excess = float((jumped - quiet)[jumped.index >= 202505].sum())
    assert surge.excess == pytest.approx(planted_excess, rel=0.1)
    assert surge.excess_pct == pytest.approx(25, abs=3)
    assert surge.reversed is None  # the series ends with the surge
    assert surge.carried_by is None  # no price and volume given
    assert "month" in surge.model  # the monthly factors pay for themselves
    assert surge.as_dict()["start"] == "2025-05"


def test_a_spike_paid_back_is_reversed_and_one_not_paid_back_is_not() -> None:
    quiet = built(seed=5)
    payback = surges(planted(quiet, {202506: 1.4, 202508: 0.8, 202511: 1.0}))
    assert payback is not None
    assert payback.start == "2025-06" and payback.months == ["2025-06", "2025-07"]
    assert payback.reversed is True
    back_to_normal = surges(planted(quiet, {202506: 1.4, 202508: 1.0}))
    assert back_to_normal is not None and back_to_normal.reversed is False


def test_a_single_month_above_the_band_is_not_a_surge() -> None:
    assert surges(planted(built(seed=5), {202506: 1.4, 202507: 1.0})) is None
    # ... unless one month is asked to be enough.
    one = surges(planted(built(seed=5), {202506: 1.4, 202507: 1.0}), min_run=1)
    assert one is not None and one.months == ["2025-06"]


def test_carried_by_names_the_index_that_rose_above_its_own_forecast() -> None:
    value = built(seed=7)
    price = (
        100
        * built(seed=8, noise=0.005, level=1.0)
        / pd.Series([FACTORS[k % 100 - 1] for k in KEYS], index=KEYS)
    )

    def case(price_jump: float, volume_jump: float) -> str | None:
        p = planted(price, {202504: price_jump})
        v = planted(value / price, {202504: volume_jump})
        surge = surges(p * v, price=p, volume=v)
        assert surge is not None and surge.start == "2025-04"
        return surge.carried_by

    assert case(1.0, 1.3) == "volume"
    assert case(1.3, 1.0) == "price"
    assert case(1.14, 1.14) == "both"
    # Without both indices, or with one too short to forecast, there is no verdict.
    jumped = planted(value, {202504: 1.3})
    for p, v in ((price, None), (price, (value / price).iloc[20:])):
        surge = surges(jumped, price=p, volume=v)
        assert surge is not None and surge.carried_by is None


def test_a_benchmark_explains_growth_shared_with_it() -> None:
    rest = built(seed=11, level=2e10)
    boom = planted(rest, {202503: 1.2})
    mover = boom / 20 * np.exp(np.random.default_rng(12).normal(0, 0.02, len(KEYS)))
    # On its own the series jumps; against the rest that jumped with it, it does not.
    assert surges(mover) is not None
    assert surges(mover, benchmark=boom) is None
    outgrowing = planted(mover, {202510: 1.3})
    surge = surges(outgrowing, benchmark=boom)
    assert surge is not None and surge.start == "2025-10"
    assert surge.excess_pct == pytest.approx(30, abs=4)


def test_the_cutoff_and_missing_months() -> None:
    series = planted(built(seed=3), {202505: 1.25}).drop([202302, 202409, 202507])
    surge = surges(series, cutoff=Period(2025, 3), min_months=20)
    assert surge is not None and surge.start == "2025-05"
    assert surge.cutoff == "2025-03"
    assert "2025-07" not in surge.months


def test_surges_reports_bad_input() -> None:
    with pytest.raises(InputError, match="at least 24"):
        surges(built().iloc[:30])
    with pytest.raises(InputError, match="no month after the cutoff"):
        surges(built(), cutoff=Period(2025, 12))
    with pytest.raises(InputError, match="indexed by int periods"):
        surges(pd.Series([1.0, 2.0], index=["a", "b"]))
    with pytest.raises(InputError, match="threshold"):
        surges(built(), threshold=0)


def test_scan_finds_the_planted_series_largest_first() -> None:
    frames = []
    levels = {"AAA": 5e9, "BBB": 2e9, "CCC": 4e9, "DDD": 1e9}
    for i, (partner, level) in enumerate(levels.items()):
        series = built(seed=20 + i, level=level)
        if partner == "BBB":
            series = planted(series, {202509: 1.3})
        if partner == "DDD":
            series = planted(series, {202502: 1.5})
        frames.append(pd.DataFrame({"partner": partner, "period": KEYS, "value": series}))
    frame = pd.concat(frames, ignore_index=True)
    found = scan(frame, by=["partner"])
    assert [(s.name, s.start) for s in found] == [("DDD", "2025-02"), ("BBB", "2025-09")]
    assert found[0].keys == (("partner", "DDD"),)
    assert found[0].as_dict()["keys"] == {"partner": "DDD"}
    # Tiny series are skipped; without a benchmark the same two are found.
    assert scan(frame, by=["partner"], min_value=1e10) == []
    assert [s.name for s in scan(frame, by=["partner"], within=None)] == ["DDD", "BBB"]
    # Index columns that are empty for a series give no verdict, and no error.
    with_indices = frame.assign(price_index=np.nan, volume_index=np.nan)
    assert [s.carried_by for s in scan(with_indices, by=["partner"])] == [None, None]
    alarms = false_alarm_rate(frame, by=["partner"], planted={"partner": {"BBB", "DDD"}})
    assert (alarms.tested, alarms.flagged, alarms.rate) == (2, 0, 0.0)
    with pytest.raises(InputError, match="Existing columns: partner, period"):
        scan(frame.drop(columns="value"), by=["partner"])
    with pytest.raises(InputError, match="more than one row"):
        scan(pd.concat([frame, frame]), by=["partner"])


# --- mix shift ------------------------------------------------------------------------


def mix_frame() -> pd.DataFrame:
    rows = [
        (202401, "75", 10.0),
        (202401, "76", 20.0),
        (202401, "77", 30.0),
        (202401, "01", 40.0),
        (202402, "77", 25.0),
        (202402, "01", 75.0),
        (202501, "75", 20.0),
        (202501, "76", 15.0),
        (202501, "76", 5.0),  # two rows of one division are summed
        (202501, "77", 40.0),
        (202501, "01", 20.0),
    ]
    return pd.DataFrame(rows, columns=["period", "key", "value"])


def test_mix_shift_by_hand() -> None:
    out = mix_shift(mix_frame()).set_index("period")
    assert list(out.index) == [202401, 202402, 202501]
    assert out.loc[202401, "total"] == 100.0
    assert out.loc[202401, "share_pct"] == pytest.approx(60.0)
    assert out.loc[202402, "share_pct"] == pytest.approx(25.0)
    assert out.loc[202402, "share_75"] == 0.0
    assert out.loc[202501, "share_pct"] == pytest.approx(80.0)
    assert out.loc[202501, ["share_75", "share_76", "share_77"]].tolist() == pytest.approx(
        [20.0, 20.0, 40.0]
    )
    assert out.loc[202501, "change_pp"] == pytest.approx(20.0)
    assert math.isnan(out.loc[202402, "change_pp"])  # 2023-02 is not held


def test_mix_summary_compares_the_same_months() -> None:
    summary = mix_summary(mix_frame(), 2025)
    assert summary.months == 1  # only January 2025 has its year-earlier month
    assert summary.share_pct == pytest.approx(80.0)
    assert summary.share_before_pct == pytest.approx(60.0)
    assert summary.change_pp == pytest.approx(20.0)
    assert summary.growth_pct == pytest.approx(80 / 60 * 100 - 100)
    assert summary.total_growth_pct == pytest.approx(0.0)
    assert summary.shares["77"] == pytest.approx((40.0, 30.0))
    assert summary.as_dict()["shares"]["75"] == pytest.approx([20.0, 10.0])
    with pytest.raises(InputError, match="Years held: \\[2024, 2025\\]"):
        mix_summary(mix_frame(), 2024)


# --- transport ------------------------------------------------------------------------


def transport_frame() -> pd.DataFrame:
    rows = [
        (202412, "air", 40.0, 4.0),
        (202412, "sea", 60.0, 30.0),
        (202512, "air", 60.0, 5.0),
        (202512, "air", 10.0, None),  # weight unknown: counts in value, not per kg
        (202512, "sea", 30.0, 15.0),
        (202512, "land", 0.0, 0.0),
    ]
    return pd.DataFrame(rows, columns=["period", "mode", "value", "net_weight"])


def test_transport_by_hand() -> None:
    out = transport(transport_frame()).set_index(["period", "mode"])
    assert out.loc[(202512, "air"), "value"] == 70.0
    assert out.loc[(202512, "air"), "net_weight"] == 5.0
    assert out.loc[(202512, "air"), "value_per_kg"] == pytest.approx(12.0)
    assert out.loc[(202412, "air"), "value_per_kg"] == pytest.approx(10.0)
    assert out.loc[(202512, "sea"), "value_per_kg"] == pytest.approx(2.0)
    assert math.isnan(out.loc[(202512, "land"), "value_per_kg"])
    assert out.loc[(202412, "air"), "share_pct"] == pytest.approx(40.0)
    assert out.loc[(202512, "air"), "share_pct"] == pytest.approx(70.0)
    assert out.loc[(202512, "air"), "share_change_pp"] == pytest.approx(30.0)
    assert out.loc[(202512, "sea"), "share_change_pp"] == pytest.approx(-30.0)
    assert math.isnan(out.loc[(202512, "land"), "share_change_pp"])  # no land in 2024
    assert out.loc[(202512, "sea"), "air_share_pct"] == pytest.approx(70.0)
    assert out.loc[(202512, "sea"), "air_share_change_pp"] == pytest.approx(30.0)
    assert math.isnan(out.loc[(202412, "air"), "air_share_change_pp"])


def test_air_share_change_by_hand() -> None:
    change = air_share_change(transport_frame(), "2025-12")
    assert change.as_dict() == pytest.approx(
        {
            "period": "2025-12",
            "share_pct": 70.0,
            "share_before_pct": 40.0,
            "change_pp": 30.0,
            "value": 70.0,
            "value_before": 40.0,
            "growth_pct": 75.0,
        }
    )
    with pytest.raises(InputError, match="needs 2023-12, which the frame does not hold"):
        air_share_change(transport_frame(), Period(2024, 12))


# --- the sample -----------------------------------------------------------------------

EXPORTS = "c.flow IN ('domestic_exports', 're_exports')"


def quiet_partners() -> set[str]:
    """Partners whose exports follow the total: no path of their own or of their region."""
    from entrepot.sample.calibration import CALIBRATION
    from entrepot.sample.partners import PARTNERS

    paths = CALIBRATION.export_margins.partners
    return {p.iso3 for p in PARTNERS if p.iso3 not in paths and p.region not in paths}


@pytest.mark.slow
def test_the_sample_front_loading_and_surges_by_partner(sample_store) -> None:  # type: ignore[no-untyped-def]
    frame = sample_store.frame(
        "SELECT key AS partner, period, value, price_index, volume_index FROM index_series "
        "WHERE measure = 'total_exports' AND breakdown = 'partner'"
    )
    found = {s.name: s for s in scan(frame, by=["partner"])}
    print({n: (s.start, round(s.excess / 1e9, 1), s.carried_by) for n, s in found.items()})
    usa, twn = found["USA"], found["TWN"]
    assert usa.start == "2025-11" and usa.months == ["2025-11", "2025-12"]
    assert usa.carried_by == "volume"  # volume +44.6%, price +1.3%
    assert usa.excess_pct == pytest.approx(14.6, abs=3)
    # Taiwan's rise accelerates from January 2025 and is distinguishable within months.
    assert "2025-01" <= twn.start <= "2025-03"
    assert twn.carried_by == "volume"
    # Only partners with a rising path of their own are flagged.
    assert set(found) <= {"USA", "TWN", "MYS", "THA", "SGP", "VNM", "CHN"}
    assert not set(found) & quiet_partners()


@pytest.mark.slow
def test_the_sample_by_partner_and_division(sample_store) -> None:  # type: ignore[no-untyped-def]
    frame = sample_store.frame(
        "SELECT c.partner, substr(s.sitc, 1, 2) AS division, c.period, sum(c.value) AS value "
        f"FROM cells c JOIN commodity_sitc s USING (commodity) WHERE {EXPORTS} GROUP BY ALL"
    )
    found = scan(frame, by=["partner", "division"], within=["division"])
    carriers = {
        p: {s.keys[1][1]: s.start for s in found if s.keys[0][1] == p} for p in ("USA", "TWN")
    }
    print({p: dict(sorted(c.items())) for p, c in carriers.items()})
    # The front-loading to the USA shows in its big divisions, from November 2025, and
    # those starting then carry nearly all of the USA's excess.
    assert {carriers["USA"].get(d) for d in ("75", "76", "77", "89")} == {"2025-11"}
    usa = [s for s in found if s.keys[0][1] == "USA"]
    november = sum(s.excess for s in usa if s.start == "2025-11")
    assert november / sum(s.excess for s in usa) > 0.95
    assert {"75", "76", "77"} <= set(carriers["TWN"])
    assert carriers["TWN"]["77"] <= "2025-03"
    # Series of partners without a path of their own: few flagged.
    quiet = quiet_partners()
    everyone = set(frame["partner"].astype(str))
    alarms = false_alarm_rate(
        frame,
        by=["partner", "division"],
        within=["division"],
        planted={"partner": everyone - quiet},
    )
    print(f"false alarms at {THRESHOLD}: {alarms.as_dict()}")
    assert alarms.tested >= 100
    assert alarms.rate <= 0.05


@pytest.mark.slow
def test_the_sample_mix_and_air_share(sample_store) -> None:  # type: ignore[no-untyped-def]
    mix = sample_store.frame(
        "SELECT c.period, substr(s.sitc, 1, 2) AS key, sum(c.value) AS value "
        f"FROM cells c JOIN commodity_sitc s USING (commodity) WHERE {EXPORTS} GROUP BY ALL"
    )
    summary = mix_summary(mix, 2025)
    assert summary.months == 12
    # 75-77 outgrow total exports in 2025 (the AI hardware boom).
    assert summary.change_pp > 0 and summary.growth_pct > summary.total_growth_pct
    modes = sample_store.frame(
        "SELECT period, mode, sum(value) AS value, sum(net_weight) AS net_weight "
        f"FROM cells c WHERE {EXPORTS} GROUP BY ALL"
    )
    air = air_share_change(modes, "2025-12")
    # Steered to the published HK$137.8 bn (December 2024) and HK$194.1 bn.
    assert air.value_before / 1e9 == pytest.approx(137.8, rel=0.03)
    assert air.value / 1e9 == pytest.approx(194.1, rel=0.03)
    assert air.change_pp > 0
