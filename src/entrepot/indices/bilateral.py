"""Bilateral index formulas, vectorised over many period pairs at once.

Each formula compares a base period 0 with a current period 1 over the items observed in
both (the matched sample), with ``r = p1/p0`` the price relatives and ``s0``, ``s1`` the
expenditure shares of the matched items. Formulas are written once and evaluated either for
a list of pairs (a chain or a fixed base) or for all T × T pairs (for GEKS).

Most formulas are ratios of sums of products of one base-period term and one current-period
term, ``Σₙ x₀ₙ·y₁ₙ``. On zero-filled periods × items matrices those sums are the entries of
``X @ Yᵀ``: unmatched items drop out because one factor is zero, and a matched-sample
T × T matrix of indices costs a handful of matrix products. Formulas whose weights mix both
periods item by item (Sato–Vartia, Vartia I, bilateral Geary–Khamis, bilateral TPD) are
evaluated element-wise, in blocks of pairs to bound memory.

References: ILO/IMF/OECD/UNECE/Eurostat/World Bank, *Consumer Price Index Manual: Theory
and Practice* (2004), ch. 15 (basic index number theory) and ch. 20 (elementary indices),
"CPI Manual 2004" below; Balk, *Price and Quantity Index Numbers* (2008); von der Lippe,
*Index Theory and Price Statistics* (2007).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np

from .panel import Panel

_BLOCK = 1 << 22  # elements per block of element-wise work (32 MiB of float64)


class Grid:
    """Zero-filled arrays derived once from a panel (NaN cells become 0)."""

    def __init__(self, panel: Panel) -> None:
        self.panel = panel
        finite = np.isfinite(panel.prices)
        self.mask = finite
        self.m = finite.astype(float)
        if finite.all():  # a complete panel: nothing to fill
            self.p, self.q = panel.prices, panel.quantities
        else:
            self.p = np.where(finite, panel.prices, 0.0)
            self.q = np.where(finite, panel.quantities, 0.0)

    @cached_property
    def e(self) -> np.ndarray:
        return self.p * self.q

    @cached_property
    def inv_p(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.where(self.mask, 1.0 / np.where(self.mask, self.p, 1.0), 0.0)

    @cached_property
    def log_p(self) -> np.ndarray:
        # Centred per item: only differences ln p1 − ln p0 of one item enter any formula, and
        # centring keeps the sums small so that they cancel without losing digits.
        with np.errstate(divide="ignore"):
            logs = np.where(self.mask, np.log(np.where(self.mask, self.p, 1.0)), np.nan)
        centre = np.zeros(logs.shape[1])
        seen = self.mask.any(axis=0)
        centre[seen] = np.nanmean(logs[:, seen], axis=0)
        return np.where(self.mask, logs - centre, 0.0)

    @cached_property
    def sqrt_q(self) -> np.ndarray:
        return np.sqrt(self.q)

    def power_p(self, a: float) -> np.ndarray:
        """p^a, zero where unobserved."""
        with np.errstate(divide="ignore", over="ignore"):
            return np.where(self.mask, np.where(self.mask, self.p, 1.0) ** a, 0.0)


class Pairs:
    """Period pairs (base, current) to evaluate, or all T × T pairs when ``full``."""

    def __init__(self, base: np.ndarray, current: np.ndarray, full: bool = False) -> None:
        self.base = np.asarray(base, dtype=np.intp)
        self.current = np.asarray(current, dtype=np.intp)
        self.full = full
        self._base = _selector(self.base)
        self._current = _selector(self.current)
        # All-pairs products, kept with their operands so that ids stay unique: Σ y_j x_k is
        # the transpose of Σ x_j y_k, which halves the matrix products of most formulas.
        self._products: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @classmethod
    def all(cls, periods: int) -> Pairs:
        base, current = np.divmod(np.arange(periods * periods), periods)
        return cls(base, current, full=True)

    @classmethod
    def chain(cls, periods: int) -> Pairs:
        """Each period against the one before: links 0→1, 1→2, …"""
        return cls(np.arange(periods - 1), np.arange(1, periods))

    @classmethod
    def fixed(cls, base: int, periods: int) -> Pairs:
        """Every period against ``base``."""
        return cls(np.full(periods, base), np.arange(periods))

    def __len__(self) -> int:
        return len(self.base)

    def dot(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Σₙ x[base, n]·y[current, n] for every pair."""
        if self.full:
            known = self._products.get((id(y), id(x)))
            if known is not None:
                return known[2].T.ravel()
            product = x @ y.T
            self._products[id(x), id(y)] = (x, y, product)
            return product.ravel()
        if isinstance(self._base, int):  # a fixed base: one matrix-vector product
            if isinstance(self._current, int):
                return np.full(len(self), x[self._base] @ y[self._current])
            return y[self._current] @ x[self._base]
        if isinstance(self._current, int):
            return x[self._base] @ y[self._current]
        return np.einsum("kn,kn->k", x[self._base], y[self._current])

    def blocks(self, n_items: int) -> list[slice]:
        step = max(1, _BLOCK // max(n_items, 1))
        return [slice(i, i + step) for i in range(0, len(self), step)]


def _selector(index: np.ndarray) -> int | slice | np.ndarray:
    """The cheapest way to take rows ``index``: one row, a slice (a view) or fancy indexing."""
    if len(index) == 0:
        return index
    if len(index) == 1:
        return slice(int(index[0]), int(index[0]) + 1)
    if (index == index[0]).all():
        return int(index[0])
    if (np.diff(index) == 1).all():
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


Formula = Callable[..., np.ndarray]


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)


# --- fixed-basket (Lowe) family -------------------------------------------------------------


def laspeyres(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Laspeyres: P_L = Σ p1·q0 / Σ p0·q0 (Laspeyres 1871; CPI Manual 2004, ch. 15)."""
    return _safe_div(pairs.dot(g.q, g.p), pairs.dot(g.e, g.m))


def paasche(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Paasche: P_P = Σ p1·q1 / Σ p0·q1 (Paasche 1874; CPI Manual 2004, ch. 15)."""
    return _safe_div(pairs.dot(g.m, g.e), pairs.dot(g.p, g.q))


def fisher(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Fisher ideal: P_F = √(P_L·P_P) (Fisher 1922; CPI Manual 2004, ch. 15–17)."""
    return np.sqrt(laspeyres(g, pairs) * paasche(g, pairs))


def drobisch(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Drobisch (Sidgwick–Bowley): P_D = (P_L + P_P)/2 (Drobisch 1871; CPI Manual 2004, ch. 15)."""
    return (laspeyres(g, pairs) + paasche(g, pairs)) / 2


def walsh(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Walsh: P_W = Σ p1·√(q0·q1) / Σ p0·√(q0·q1) (Walsh 1901; CPI Manual 2004, ch. 15)."""
    sq = g.sqrt_q
    return _safe_div(pairs.dot(sq, g.p * sq), pairs.dot(g.p * sq, sq))


def marshall_edgeworth(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Marshall–Edgeworth: P_ME = Σ p1·(q0 + q1) / Σ p0·(q0 + q1) (Marshall 1887; Edgeworth 1925)."""
    num = pairs.dot(g.q, g.p) + pairs.dot(g.m, g.e)
    return _safe_div(num, pairs.dot(g.e, g.m) + pairs.dot(g.p, g.q))


def lowe(g: Grid, pairs: Pairs, *, basket: int = 0, **_: object) -> np.ndarray:
    """Lowe: P_Lo = Σ p1·q_b / Σ p0·q_b, quantities of the basket period b (Lowe 1823).

    The sums run over items observed in periods 0, 1 and b.
    """
    qb = g.q[basket]
    return _safe_div(pairs.dot(g.m * qb, g.p), pairs.dot(g.p * qb, g.m))


def young(g: Grid, pairs: Pairs, *, basket: int = 0, **_: object) -> np.ndarray:
    """Young: P_Y = Σ s_b·r, expenditure shares of the basket period b (Young 1812).

    The shares are those of the items observed in periods 0, 1 and b, normalised to one.
    """
    eb = g.e[basket]
    return _safe_div(pairs.dot(g.inv_p * eb, g.p), pairs.dot(g.m * eb, g.m))


def stuvel(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Stuvel: P_S = A + √(A² + V), A = (P_L − Q_L)/2, V the value ratio (Stuvel 1957)."""
    base_value = pairs.dot(g.e, g.m)
    p_l = _safe_div(pairs.dot(g.q, g.p), base_value)
    q_l = _safe_div(pairs.dot(g.p, g.q), base_value)
    value = _safe_div(pairs.dot(g.m, g.e), base_value)
    a = (p_l - q_l) / 2
    return a + np.sqrt(a * a + value)


# --- share-weighted means of price relatives -------------------------------------------------


def _log_geometric_laspeyres(g: Grid, pairs: Pairs) -> np.ndarray:
    return _safe_div(pairs.dot(g.e, g.log_p) - pairs.dot(g.e * g.log_p, g.m), pairs.dot(g.e, g.m))


def _log_geometric_paasche(g: Grid, pairs: Pairs) -> np.ndarray:
    return _safe_div(pairs.dot(g.m, g.e * g.log_p) - pairs.dot(g.log_p, g.e), pairs.dot(g.m, g.e))


def geometric_laspeyres(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Geometric Laspeyres: P_GL = Π r^s0 (CPI Manual 2004, ch. 15)."""
    return np.exp(_log_geometric_laspeyres(g, pairs))


def geometric_paasche(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Geometric Paasche: P_GP = Π r^s1 (CPI Manual 2004, ch. 15)."""
    return np.exp(_log_geometric_paasche(g, pairs))


def tornqvist(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Törnqvist: P_T = Π r^((s0 + s1)/2) (Törnqvist 1936; CPI Manual 2004, ch. 15)."""
    return np.exp((_log_geometric_laspeyres(g, pairs) + _log_geometric_paasche(g, pairs)) / 2)


def palgrave(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Palgrave: P_Pal = Σ s1·r (Palgrave 1886)."""
    return _safe_div(pairs.dot(g.inv_p, g.e * g.p), pairs.dot(g.m, g.e))


def harmonic_laspeyres(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Harmonic Laspeyres: P_HL = (Σ s0 / r)⁻¹ (Balk 2008, ch. 3)."""
    return _safe_div(pairs.dot(g.e, g.m), pairs.dot(g.e * g.p, g.inv_p))


def lloyd_moulton(g: Grid, pairs: Pairs, *, sigma: float = 0.7, **_: object) -> np.ndarray:
    """Lloyd–Moulton (CES): P_LM = [Σ s0·r^(1−σ)]^(1/(1−σ)) (Lloyd 1975; Moulton 1996).

    σ is the elasticity of substitution; σ = 1 is the limit Π r^s0 (geometric Laspeyres).
    """
    if np.isclose(sigma, 1.0, rtol=0, atol=1e-12):
        return geometric_laspeyres(g, pairs)
    a = 1.0 - sigma
    mean = _safe_div(pairs.dot(g.e * g.power_p(-a), g.power_p(a)), pairs.dot(g.e, g.m))
    return mean ** (1.0 / a)


def quadratic_mean(g: Grid, pairs: Pairs, *, r: float = 2.0, **_: object) -> np.ndarray:
    """Quadratic mean of order r: P_r = [Σ s0·r^(r/2)]^(1/r) / [Σ s1·r^(−r/2)]^(1/r).

    Diewert (1976), "Exact and superlative index numbers". r = 2 is Fisher, r → 0 Törnqvist.
    """
    if np.isclose(r, 0.0, rtol=0, atol=1e-12):
        return tornqvist(g, pairs)
    h = r / 2
    up = _safe_div(pairs.dot(g.e * g.power_p(-h), g.power_p(h)), pairs.dot(g.e, g.m))
    down = _safe_div(pairs.dot(g.power_p(h), g.e * g.power_p(-h)), pairs.dot(g.m, g.e))
    return (up / down) ** (1.0 / r)


# --- unweighted (elementary) formulas --------------------------------------------------------


def jevons(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Jevons: P_J = Π r^(1/N) (Jevons 1865; CPI Manual 2004, ch. 20)."""
    n = pairs.dot(g.m, g.m)
    return np.exp(_safe_div(pairs.dot(g.m, g.log_p) - pairs.dot(g.log_p, g.m), n))


def dutot(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Dutot: P_D = Σ p1 / Σ p0 (Dutot 1738; CPI Manual 2004, ch. 20)."""
    return _safe_div(pairs.dot(g.m, g.p), pairs.dot(g.p, g.m))


def carli(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Carli: P_C = Σ r / N (Carli 1764; CPI Manual 2004, ch. 20)."""
    return _safe_div(pairs.dot(g.inv_p, g.p), pairs.dot(g.m, g.m))


def harmonic(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Harmonic mean of relatives: P_H = (Σ r⁻¹ / N)⁻¹ (Coggeshall 1887; CPI Manual 2004, ch. 20)."""
    return _safe_div(pairs.dot(g.m, g.m), pairs.dot(g.p, g.inv_p))


def cswd(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Carruthers–Sellwood–Ward–Dalén: P_CSWD = √(P_C·P_H) (CPI Manual 2004, ch. 20)."""
    return np.sqrt(carli(g, pairs) * harmonic(g, pairs))


# --- element-wise formulas -------------------------------------------------------------------


def _elementwise(
    g: Grid,
    pairs: Pairs,
    kernel: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Apply ``kernel(p0, p1, q0, q1, matched)`` to blocks of pairs (rows = pairs)."""
    out = np.empty(len(pairs))
    with np.errstate(divide="ignore", invalid="ignore"):
        for block in pairs.blocks(g.p.shape[1]):
            b, c = pairs.base[block], pairs.current[block]
            matched = g.mask[b] & g.mask[c]
            out[block] = kernel(g.p[b], g.p[c], g.q[b], g.q[c], matched)
    return out


def _log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a − b)/(ln a − ln b), L(a, a) = a, L(a, 0) = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a - b) / (np.log(a) - np.log(b))
    same = np.isclose(a, b, rtol=1e-12, atol=0)
    out = np.where(same, a, ratio)
    return np.where((a > 0) & (b > 0), out, 0.0)


def _shares(e: np.ndarray, matched: np.ndarray) -> np.ndarray:
    e = np.where(matched, e, 0.0)
    return e / e.sum(axis=1, keepdims=True)


def _log_relatives(p0: np.ndarray, p1: np.ndarray, matched: np.ndarray) -> np.ndarray:
    return np.where(matched, np.log(np.where(matched, p1, 1.0) / np.where(matched, p0, 1.0)), 0.0)


def sato_vartia(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Sato–Vartia (Vartia II): ln P = Σ wₙ ln rₙ, wₙ ∝ L(s1ₙ, s0ₙ), normalised to sum to 1.

    Sato (1976), Vartia (1976); L is the logarithmic mean. Exact for CES preferences.
    """

    def kernel(p0, p1, q0, q1, matched):  # type: ignore[no-untyped-def]
        w = _log_mean(_shares(p1 * q1, matched), _shares(p0 * q0, matched))
        w = w / w.sum(axis=1, keepdims=True)
        return np.exp((w * _log_relatives(p0, p1, matched)).sum(axis=1))

    return _elementwise(g, pairs, kernel)


def vartia_i(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Vartia I: ln P = Σ L(v1ₙ, v0ₙ)/L(V1, V0)·ln rₙ, values v = p·q, V = Σ v (Vartia 1976)."""

    def kernel(p0, p1, q0, q1, matched):  # type: ignore[no-untyped-def]
        v0, v1 = np.where(matched, p0 * q0, 0.0), np.where(matched, p1 * q1, 0.0)
        w = _log_mean(v1, v0) / _log_mean(v1.sum(axis=1), v0.sum(axis=1))[:, None]
        return np.exp((w * _log_relatives(p0, p1, matched)).sum(axis=1))

    return _elementwise(g, pairs, kernel)


def geary_khamis_bilateral(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Bilateral Geary–Khamis: Σ p1·h / Σ p0·h, h the harmonic mean of q0 and q1.

    IndexNumR's ``gk`` bilateral method; the two-period case of Geary–Khamis.
    """

    def kernel(p0, p1, q0, q1, matched):  # type: ignore[no-untyped-def]
        h = np.where(matched & (q0 > 0) & (q1 > 0), 2 * q0 * q1 / (q0 + q1), 0.0)
        return (np.where(matched, p1, 0.0) * h).sum(axis=1) / (p0 * h).sum(axis=1)

    return _elementwise(g, pairs, kernel)


def tpd_bilateral(g: Grid, pairs: Pairs, **_: object) -> np.ndarray:
    """Bilateral weighted time-product-dummy index with Kennedy's bias adjustment.

    The regression ln pₜₙ = a + b·D₁ + βₙ over the matched items, weighted by each
    observation's expenditure share in its own period (de Haan & Krsinich 2014), has the
    closed form b = Σ hₙ·ln rₙ / Σ hₙ with hₙ = s0ₙ·s1ₙ/(s0ₙ + s1ₙ); its residual variance
    is Σ hₙ(ln rₙ − b)²/(N − 1) and Var(b) = that/Σ hₙ. The index is exp(b − Var(b)/2)
    (Kennedy 1981), as IndexNumR's ``priceIndex(indexMethod = "tpd")`` computes it.
    """

    def kernel(p0, p1, q0, q1, matched):  # type: ignore[no-untyped-def]
        s0, s1 = _shares(p0 * q0, matched), _shares(p1 * q1, matched)
        total = s0 + s1
        h = np.where(total > 0, s0 * s1 / np.where(total > 0, total, 1.0), 0.0)
        d = _log_relatives(p0, p1, matched)
        weight = h.sum(axis=1)
        b = (h * d).sum(axis=1) / weight
        n = matched.sum(axis=1)
        resid = (h * (d - b[:, None]) ** 2).sum(axis=1)
        var = np.where(n > 1, resid / np.maximum(n - 1, 1) / weight, 0.0)
        return np.exp(b - var / 2)

    return _elementwise(g, pairs, kernel)


def evaluate(name: str, panel_or_grid: Panel | Grid, pairs: Pairs, **params: object) -> np.ndarray:
    """Index values of formula ``name`` for ``pairs`` (a T × T matrix when ``pairs.full``)."""
    g = panel_or_grid if isinstance(panel_or_grid, Grid) else Grid(panel_or_grid)
    values = FUNCTIONS[name](g, pairs, **params)  # NaN where a pair has no matched item
    if pairs.full:
        t = g.p.shape[0]
        return values.reshape(t, t)
    return values


FUNCTIONS: dict[str, Formula] = {
    f.__name__: f
    for f in (
        laspeyres,
        paasche,
        fisher,
        tornqvist,
        walsh,
        marshall_edgeworth,
        drobisch,
        palgrave,
        geometric_laspeyres,
        geometric_paasche,
        harmonic_laspeyres,
        sato_vartia,
        vartia_i,
        stuvel,
        jevons,
        dutot,
        carli,
        harmonic,
        cswd,
        lowe,
        young,
        lloyd_moulton,
        quadratic_mean,
        geary_khamis_bilateral,
        tpd_bilateral,
    )
}
