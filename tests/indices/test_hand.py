"""Small cases whose values can be checked with a calculator."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from entrepot.indices import contributions, price_index, quantity_index

# Two items, two periods.
#            p0   q0    p1   q1
#   apples   1.0  10    1.2   8
#   bread    2.0   5    2.0   6
# Σp0q0 = 10 + 10 = 20    Σp1q0 = 12 + 10 = 22    Σp1q1 = 9.6 + 12 = 21.6    Σp0q1 = 8 + 12 = 20
TWO = pd.DataFrame(
    {
        "period": [0, 0, 1, 1],
        "item": ["apples", "bread", "apples", "bread"],
        "price": [1.0, 2.0, 1.2, 2.0],
        "quantity": [10.0, 5.0, 8.0, 6.0],
    }
)

HAND = {
    "laspeyres": 22 / 20,  # 1.1
    "paasche": 21.6 / 20,  # 1.08
    "fisher": math.sqrt(1.1 * 1.08),  # √1.188 = 1.0899541
    "drobisch": (1.1 + 1.08) / 2,  # 1.09
    "marshall_edgeworth": (1.2 * 18 + 2 * 11) / (18 + 2 * 11),  # 43.6/40 = 1.09
    # Walsh weights √(q0q1) = √80 and √30: (1.2·8.9443 + 2·5.4772)/(8.9443 + 2·5.4772)
    "walsh": (1.2 * math.sqrt(80) + 2 * math.sqrt(30)) / (math.sqrt(80) + 2 * math.sqrt(30)),
    # s0 = (½, ½), s1 = (9.6/21.6, 12/21.6) = (4/9, 5/9); only apples' price moves.
    "tornqvist": 1.2 ** ((1 / 2 + 4 / 9) / 2),  # 1.2^0.47222 = 1.0899113
    "geometric_laspeyres": 1.2**0.5,  # 1.0954451
    "geometric_paasche": 1.2 ** (4 / 9),  # 1.0844054
    "palgrave": 4 / 9 * 1.2 + 5 / 9,  # 1.0888889
    "harmonic_laspeyres": 1 / (0.5 / 1.2 + 0.5),  # 1.0909091
    # Q_L = Σq1p0/Σq0p0 = 20/20 = 1, A = (1.1 − 1)/2 = 0.05, V = 21.6/20 = 1.08
    "stuvel": 0.05 + math.sqrt(0.05**2 + 1.08),  # 1.0904326
    "lloyd_moulton": (0.5 * 1.2**0.5 + 0.5) ** 2,  # σ = ½: [Σ s0 r^½]² = 1.0977226
    "jevons": math.sqrt(1.2),  # 1.0954451
    "dutot": 3.2 / 3,  # 1.0666667
    "carli": (1.2 + 1) / 2,  # 1.1
    "harmonic": 2 / (1 / 1.2 + 1),  # 1.0909091
    "cswd": math.sqrt(1.1 * 2 / (1 / 1.2 + 1)),  # √(1.1·1.0909) = 1.0954451
    "lowe": 22 / 20,  # basket = period 0: Laspeyres
    "young": 0.5 * 1.2 + 0.5 * 1.0,  # shares of period 0: 1.1
    "quadratic_mean": math.sqrt(1.1 * 1.08),  # order 2 is Fisher
}


@pytest.mark.parametrize("formula", HAND)
def test_two_items_two_periods(formula: str) -> None:
    options = {"sigma": 0.5} if formula == "lloyd_moulton" else {}
    options |= {"r": 2.0} if formula == "quadratic_mean" else {}
    got = price_index(TWO, formula, **options)["index"].tolist()
    assert got == pytest.approx([1.0, HAND[formula]], rel=1e-14)


def test_fisher_quantity_index_and_factor_reversal() -> None:
    # Q_L = 20/20 = 1, Q_P = Σq1p1/Σq0p1 = 21.6/22, Q_F = √(21.6/22) = 0.9908674;
    # P_F·Q_F = √(22/20·21.6/20·21.6/22) = 21.6/20 = 1.08, the value ratio.
    q = quantity_index(TWO, "fisher")["index"].iloc[1]
    assert q == pytest.approx(math.sqrt(21.6 / 22), rel=1e-14)
    assert q * HAND["fisher"] == pytest.approx(1.08, rel=1e-14)
    implicit = price_index(TWO, "fisher", implicit=True)["index"].iloc[1]
    assert implicit == pytest.approx(HAND["fisher"], rel=1e-14)
    assert quantity_index(TWO, "laspeyres")["index"].iloc[1] == pytest.approx(1.0, rel=1e-14)


def test_fisher_contributions_by_hand() -> None:
    # Reinsdorf–Diewert–Ehemann: wₙ = q0 + q1/Q_F with Q_F = 0.9908674:
    # w_apples = 10 + 8/Q_F = 18.073734, w_bread = 5 + 6/Q_F = 11.055301,
    # Σ w·p0 = 18.073734 + 22.110601 = 40.184336,
    # c_apples = 18.073734·(1.2 − 1)/40.184336 = 0.0899541 = P_F − 1; bread's price did not move.
    got = contributions(TWO, reference=100).set_index("item")["contribution"]
    assert got["apples"] == pytest.approx(100 * (HAND["fisher"] - 1), rel=1e-13)
    assert got["bread"] == 0.0


# Three periods, an item that enters (cheese, period 2) and one that leaves (bread, period 3).
#            t1           t2           t3
#   apples   1.0 × 10     1.1 × 10     1.1 × 12
#   bread    2.0 × 5      2.0 × 5      —
#   cheese   —            4.0 × 2      5.0 × 2
THREE = pd.DataFrame(
    [
        ("t1", "apples", 1.0, 10),
        ("t1", "bread", 2.0, 5),
        ("t2", "apples", 1.1, 10),
        ("t2", "bread", 2.0, 5),
        ("t2", "cheese", 4.0, 2),
        ("t3", "apples", 1.1, 12),
        ("t3", "cheese", 5.0, 2),
    ],
    columns=["period", "item", "price", "quantity"],
)


def test_matched_sample_chained_laspeyres() -> None:
    # Link t1→t2 over apples, bread: (11 + 10)/(10 + 10) = 1.05.
    # Link t2→t3 over apples, cheese: (1.1·10 + 5·2)/(1.1·10 + 4·2) = 21/19.
    # Chained: 1.05·21/19 = 1.1605263. Fixed base t1→t3 matches apples only: 1.1.
    chained = price_index(THREE, "laspeyres", chain="chained", reference=100)["index"]
    assert chained.tolist() == pytest.approx([100, 105, 105 * 21 / 19], rel=1e-14)
    links = price_index(THREE, "laspeyres", chain="links")["index"]
    assert np.isnan(links.iloc[0])
    assert links.iloc[1:].tolist() == pytest.approx([1.05, 21 / 19], rel=1e-14)
    fixed = price_index(THREE, "laspeyres")["index"]
    assert fixed.tolist() == pytest.approx([1.0, 1.05, 1.1], rel=1e-14)
    # Jevons link t2→t3: √(1.1/1.1 · 5/4) = √1.25.
    jevons = price_index(THREE, "jevons", chain="links")["index"].iloc[2]
    assert jevons == pytest.approx(math.sqrt(1.25), rel=1e-14)


def test_base_and_reference() -> None:
    # Rebased on t2 = 100: t1 = 100/1.05, t3 = 100·21/19.
    got = price_index(THREE, "laspeyres", chain="chained", base="t2", reference=100)["index"]
    assert got.tolist() == pytest.approx([100 / 1.05, 100, 100 * 21 / 19], rel=1e-14)


def test_unit_values_of_several_records() -> None:
    # Two outlets sell apples in t1: 10 at 1.0 and 30 at 2.0; the unit value is
    # (10 + 60)/40 = 1.75 and the quantity 40. In t2 one outlet sells 40 at 2.1:
    # the Laspeyres index is 2.1·40/(1.75·40) = 1.2.
    records = pd.DataFrame(
        {
            "period": ["t1", "t1", "t2"],
            "item": ["apples"] * 3,
            "price": [1.0, 2.0, 2.1],
            "quantity": [10.0, 30.0, 40.0],
        }
    )
    assert price_index(records, "laspeyres")["index"].tolist() == pytest.approx([1, 1.2])


def test_items_match_by_id_not_by_row_order() -> None:
    shuffled = THREE.iloc[[6, 0, 3, 5, 1, 4, 2]]
    # Periods keep their order of first appearance: t3 comes first here.
    got = price_index(shuffled, "laspeyres", chain="chained", base="t1")
    assert got["period"].tolist() == ["t3", "t1", "t2"]
    # Chaining follows the new order t3 → t1 → t2, yet each link matches items by id.
    links = price_index(shuffled, "laspeyres", chain="links")["index"].tolist()
    # t3→t1 matches apples: p0 = 1.1, q0 = 12 → 1/1.1; t1→t2 as before: 1.05.
    assert links[1:] == pytest.approx([1 / 1.1, 1.05], rel=1e-14)
    # Reversing the rows within each period changes nothing.
    reversed_rows = THREE.iloc[::-1].sort_values("period", kind="stable")
    a = price_index(THREE, "fisher", chain="chained")["index"]
    b = price_index(reversed_rows, "fisher", chain="chained")["index"]
    assert a.tolist() == pytest.approx(b.tolist(), rel=1e-15)


def test_geks_of_two_periods_is_the_bilateral_index() -> None:
    # GEKS over {0, 1}: [P(0,1)·P(1,1)/P(1,0)]^½ = P(0,1) for a time-reversible formula.
    for formula in ("fisher", "tornqvist", "jevons", "walsh"):
        got = price_index(TWO, f"geks_{formula}")["index"].iloc[1]
        assert got == pytest.approx(HAND[formula], rel=1e-14)
    # GEKS-Laspeyres over two periods is √(P_L(0,1)/P_L(1,0)) = √(P_L·P_P): Fisher.
    assert price_index(TWO, "geks_laspeyres")["index"].iloc[1] == pytest.approx(HAND["fisher"])


def test_wtpd_and_geary_khamis_on_two_periods() -> None:
    # WTPD on two periods of a balanced panel: b = Σ hₙ ln rₙ / Σ hₙ with
    # hₙ = s0ₙ s1ₙ/(s0ₙ + s1ₙ); only apples moves: h_a = (½·4/9)/(½ + 4/9) = 4/17,
    # h_b = (½·5/9)/(½ + 5/9) = 5/19, so ln P = (4/17)·ln 1.2/(4/17 + 5/19).
    h_a, h_b = 4 / 17, 5 / 19
    wtpd = price_index(TWO, "wtpd")["index"].iloc[1]
    assert wtpd == pytest.approx(1.2 ** (h_a / (h_a + h_b)), rel=1e-13)
    # Geary–Khamis on two periods uses b = Σₜ (qₜ/Q) pₜ/Pₜ and reduces to the bilateral
    # Geary–Khamis (harmonic-mean quantities) index h = 2q0q1/(q0 + q1):
    # apples 160/18 = 8.889, bread 60/11 = 5.4545:
    # (1.2·8.889 + 2·5.4545)/(8.889 + 2·5.4545).
    h = np.array([160 / 18, 60 / 11])
    gk = (1.2 * h[0] + 2 * h[1]) / (h[0] + 2 * h[1])
    assert price_index(TWO, "geary_khamis")["index"].iloc[1] == pytest.approx(gk, rel=1e-13)
    assert price_index(TWO, "geary_khamis_bilateral")["index"].iloc[1] == pytest.approx(gk)


def test_groups() -> None:
    both = pd.concat([TWO.assign(flow="imports"), THREE.assign(flow="exports")])
    got = price_index(both, "laspeyres", by="flow")
    assert got.columns.tolist() == ["flow", "period", "index"]
    assert got[got.flow == "imports"]["index"].tolist() == pytest.approx([1, 1.1])
    assert got[got.flow == "exports"]["index"].tolist() == pytest.approx([1, 1.05, 1.1])


def test_unweighted_formulas_need_no_quantities() -> None:
    prices = TWO.drop(columns="quantity")
    assert price_index(prices, "jevons")["index"].iloc[1] == pytest.approx(math.sqrt(1.2))
