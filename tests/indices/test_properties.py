"""Axiomatic properties of index numbers, checked on random panels (hypothesis)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from entrepot.indices import FORMULAS, build_panel, contributions, price_index, quantity_index
from entrepot.indices.bilateral import Grid, Pairs, evaluate

SETTINGS = settings(max_examples=40, deadline=None)
PARAMETERS = {"lloyd_moulton": {"sigma": 0.6}, "quadratic_mean": {"r": 1.5},
              "geks_lloyd_moulton": {"sigma": 0.6}, "geks_quadratic_mean": {"r": 1.5}}  # fmt: skip
BILATERAL = [name for name, info in FORMULAS.items() if info.kind == "bilateral"]
MULTILATERAL = [name for name, info in FORMULAS.items() if info.kind == "multilateral"]

price = st.floats(0.5, 20.0)
amount = st.floats(0.1, 50.0)


@st.composite
def panels(draw: st.DrawFn, balanced: bool = True, min_periods: int = 2) -> pd.DataFrame:
    """Records for T periods × N items, every cell present when ``balanced``."""
    t = draw(st.integers(min_periods, 5))
    n = draw(st.integers(1, 5))
    rows = []
    for period, item in itertools.product(range(t), range(n)):
        if balanced or draw(st.booleans()) or item == period % n:
            rows.append((f"p{period}", f"i{item}", draw(price), draw(amount)))
    return pd.DataFrame(rows, columns=["period", "item", "price", "quantity"])


def index(records: pd.DataFrame, formula: str, **options: object) -> np.ndarray:
    return price_index(records, formula, **PARAMETERS.get(formula, {}), **options)[
        "index"
    ].to_numpy()


@SETTINGS
@given(records=panels())
def test_identity(records: pd.DataFrame) -> None:
    # Same prices every period (quantities move): every formula gives 1, chained or not.
    first = records.groupby("item")["price"].transform("first")
    records = records.assign(price=first)
    for formula in BILATERAL:
        for chain in ("fixed", "chained"):
            np.testing.assert_allclose(index(records, formula, chain=chain), 1.0, rtol=1e-12)
    for formula in MULTILATERAL:
        np.testing.assert_allclose(index(records, formula), 1.0, rtol=1e-12)


@SETTINGS
@given(records=panels(balanced=False))
def test_chained_index_of_constant_prices_is_flat(records: pd.DataFrame) -> None:
    records = records.assign(price=records.groupby("item")["price"].transform("first"))
    links = price_index(records, "fisher", chain="links")["index"].to_numpy()[1:]
    assume(np.isfinite(links).all())  # every link has a matched item
    for formula in ("fisher", "tornqvist", "jevons", "laspeyres", "sato_vartia"):
        np.testing.assert_allclose(index(records, formula, chain="chained"), 1.0, rtol=1e-12)


@SETTINGS
@given(records=panels(), factors=st.lists(st.floats(0.2, 5.0), min_size=5, max_size=5))
def test_proportionality(records: pd.DataFrame, factors: list[float]) -> None:
    # Prices λₜ·p₀: the index is λₜ. Vartia I is the exception that proves the test: its
    # weights do not sum to one (Vartia 1976; Balk 2008 §4.2).
    lam = np.array([1.0, *factors])
    period = records["period"].str[1:].astype(int)
    first = records.groupby("item")["price"].transform("first")
    records = records.assign(price=first * lam[period])
    want = lam[: period.max() + 1]
    for formula in [*BILATERAL, *MULTILATERAL]:
        if "vartia_i" in formula:
            continue
        np.testing.assert_allclose(index(records, formula), want, rtol=1e-11, err_msg=formula)


@SETTINGS
@given(records=panels(balanced=False, min_periods=2))
def test_time_reversal_of_fisher_and_tornqvist(records: pd.DataFrame) -> None:
    periods = records["period"].unique()
    for formula in ("fisher", "tornqvist", "walsh", "sato_vartia", "jevons"):
        forward = index(records, formula, base=periods[0])
        backward = index(records, formula, base=periods[-1])
        product = forward[-1] * backward[0]  # P(0, T)·P(T, 0)
        assume(np.isfinite(product))
        assert product == pytest.approx(1.0, rel=1e-12)


@SETTINGS
@given(records=panels(balanced=False), chain=st.sampled_from(["chained", "fixed", "links"]))
def test_contributions_sum_exactly_to_the_index_change(records: pd.DataFrame, chain: str) -> None:
    fisher = price_index(records, "fisher", chain=chain).set_index("period")["index"]
    assume(np.isfinite(fisher.to_numpy()[1:]).all())
    sums = contributions(records, chain=chain).groupby("period")["contribution"].sum()
    change = fisher - 1
    for period, total in sums.items():
        # Exact up to rounding: 1e-12 of the index level (levels reach 10⁴ here).
        assert total == pytest.approx(change[period], abs=1e-12 * max(1.0, fisher[period]))
    # Periods without contributions did not move.
    missing = change.drop(sums.index, errors="ignore").dropna()
    np.testing.assert_allclose(missing.to_numpy(), 0.0, atol=1e-12)


@SETTINGS
@given(
    records=panels(balanced=False),
    base=st.integers(0, 4),
    reference=st.sampled_from([1.0, 100.0, 1000.0]),
    formula=st.sampled_from(["fisher", "tornqvist", "jevons", "geks_fisher", "wtpd", "gk"]),
)
def test_base_period_equals_reference(
    records: pd.DataFrame, base: int, reference: float, formula: str
) -> None:
    periods = records["period"].unique()
    label = periods[base % len(periods)]
    bilateral = FORMULAS.get(formula, FORMULAS["wtpd"]).kind == "bilateral"
    for chain in ["fixed", "chained"] if bilateral else ["fixed"]:
        got = price_index(records, formula, chain=chain, base=label, reference=reference)
        value = got.set_index("period")["index"][label]
        assume(np.isfinite(value))
        assert value == pytest.approx(reference, rel=1e-15)


@SETTINGS
@given(records=panels(), chain=st.sampled_from(["fixed", "chained"]))
def test_factor_reversal_of_fisher(records: pd.DataFrame, chain: str) -> None:
    # P_F·Q_F = Σp1q1/Σp0q0 on a balanced panel (Fisher 1922).
    p = index(records, "fisher", chain=chain)
    q = quantity_index(records, "fisher", chain=chain)["index"].to_numpy()
    value = (
        records.assign(v=records.price * records.quantity).groupby("period", sort=False)["v"].sum()
    )
    np.testing.assert_allclose(p * q, value.to_numpy() / value.iloc[0], rtol=1e-12)
    implicit = price_index(records, "fisher", chain=chain, implicit=True)["index"].to_numpy()
    np.testing.assert_allclose(implicit, p, rtol=1e-12)


@SETTINGS
@given(records=panels(balanced=False), seed=st.integers(0, 2**16))
def test_row_order_does_not_matter(records: pd.DataFrame, seed: int) -> None:
    shuffled = records.sample(frac=1.0, random_state=seed).sort_values("period", kind="stable")
    for formula in ("fisher", "geks_tornqvist", "wtpd"):
        a, b = index(records, formula), index(shuffled, formula)
        np.testing.assert_allclose(a, b, rtol=1e-12, equal_nan=True)


def _naive(formula: str, p0: dict, p1: dict, q0: dict, q1: dict) -> float:
    """Textbook formulas over the matched items, one item at a time."""
    items = sorted(set(p0) & set(p1))
    if not items:
        return math.nan
    e0 = sum(p0[i] * q0[i] for i in items)
    e1 = sum(p1[i] * q1[i] for i in items)
    s0 = {i: p0[i] * q0[i] / e0 for i in items}
    s1 = {i: p1[i] * q1[i] / e1 for i in items}
    las = sum(p1[i] * q0[i] for i in items) / e0
    paa = e1 / sum(p0[i] * q1[i] for i in items)
    return {
        "laspeyres": las,
        "paasche": paa,
        "fisher": math.sqrt(las * paa),
        "tornqvist": math.prod((p1[i] / p0[i]) ** ((s0[i] + s1[i]) / 2) for i in items),
        "jevons": math.prod((p1[i] / p0[i]) ** (1 / len(items)) for i in items),
        "walsh": sum(p1[i] * math.sqrt(q0[i] * q1[i]) for i in items)
        / sum(p0[i] * math.sqrt(q0[i] * q1[i]) for i in items),
        "carli": sum(p1[i] / p0[i] for i in items) / len(items),
        "palgrave": sum(s1[i] * p1[i] / p0[i] for i in items),
        "harmonic_laspeyres": 1 / sum(s0[i] * p0[i] / p1[i] for i in items),
    }[formula]


@SETTINGS
@given(records=panels(balanced=False))
def test_matrix_products_agree_with_the_textbook(records: pd.DataFrame) -> None:
    # The T × T matrix (used by GEKS) and the listed pairs (chains) against item-by-item sums.
    panel = build_panel(records)
    grid = Grid(panel)
    t = len(panel.periods)
    cells = [
        (
            {panel.items[n]: panel.prices[s, n] for n in range(panel.shape[1]) if grid.mask[s, n]},
            {
                panel.items[n]: panel.quantities[s, n]
                for n in range(panel.shape[1])
                if grid.mask[s, n]
            },
        )
        for s in range(t)
    ]
    pairs = Pairs(*np.divmod(np.arange(t * t), t))
    for formula in ("laspeyres", "paasche", "fisher", "tornqvist", "jevons", "walsh", "carli",
                    "palgrave", "harmonic_laspeyres"):  # fmt: skip
        matrix = evaluate(formula, grid, Pairs.all(t))
        listed = evaluate(formula, grid, pairs).reshape(t, t)
        naive = np.array(
            [[_naive(formula, cells[j][0], cells[k][0], cells[j][1], cells[k][1]) for k in range(t)]
             for j in range(t)]
        )  # fmt: skip
        np.testing.assert_allclose(matrix, naive, rtol=1e-12, equal_nan=True, err_msg=formula)
        np.testing.assert_allclose(listed, naive, rtol=1e-12, equal_nan=True, err_msg=formula)


@SETTINGS
@given(records=panels(min_periods=3), window=st.integers(2, 3), rate=st.floats(0.5, 2.0))
def test_every_splice_keeps_a_common_trend(records: pd.DataFrame, window: int, rate: float) -> None:
    # Every price grows at the same rate: each window finds it, and so must every splice.
    period = records["period"].str[1:].astype(int).to_numpy()
    first = records.groupby("item")["price"].transform("first")
    records = records.assign(price=first * rate**period)
    want = rate ** np.arange(period.max() + 1)
    for formula in ("geks_tornqvist", "geary_khamis", "wtpd"):
        for splice in ("movement", "window", "half", "mean", "wisp", "hasp", "mean_pub",
                       "fbew", "fbmw", "fbew_expanding"):  # fmt: skip
            got = index(records, formula, window=window, splice=splice)
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{formula} {splice}")
