"""Index series: fixed base, chained or spliced, for prices or quantities, direct or implicit."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import bilateral, multilateral
from .bilateral import Grid, Pairs
from .formulas import FORMULAS, FormulaInfo, resolve
from .panel import DUPLICATES, PERIODS, Panel, _build, check_columns, check_mode, log
from .splicing import SPLICES, extend

CHAINS: dict[str, str] = {
    "fixed": "every period compared directly with the base period",
    "chained": "period-on-period links multiplied together",
    "links": "the period-on-period links themselves (NaN for the first period)",
}


def price_index(
    panel: pd.DataFrame | Panel,
    formula: str = "fisher",
    *,
    chain: str = "fixed",
    base: Hashable | None = None,
    reference: float = 1.0,
    window: int | None = None,
    splice: str | None = None,
    quantity: bool = False,
    implicit: bool = False,
    basket: Hashable | None = None,
    sigma: float | None = None,
    r: float | None = None,
    by: str | Sequence[str] | None = None,
    period: str = "period",
    item: str = "item",
    price: str = "price",
    quantity_col: str = "quantity",
    periods: str = "auto",
    duplicates: str = "drop",
) -> pd.DataFrame:
    """An index series of ``formula`` over the records of ``panel``.

    ``panel`` holds one row per (period, item) record with a price and a quantity; several
    records of an item in a period are combined into their unit value first. Items are
    matched between periods by id. Periods are read and put in chronological order
    (``periods="auto"``: months in any usual spelling, quarters, dates or numbers, see
    :func:`entrepot.indices.panel.read_period`); labels that are none of these keep their
    order of first appearance, or are an error with ``periods="parse"``; ``"given"`` keeps
    every label as it is. Rows equal to an earlier row in every column are left out with a
    warning (``duplicates="drop"``), counted (``"sum"``) or an error (``"reject"``).

    Bilateral formulas give a ``chain="fixed"`` series (every period against ``base``), a
    ``"chained"`` one (period-on-period links multiplied together) or the ``"links"``. A
    comparison with no item in common is NaN (and so is a chain from there on), a gap
    stated by a warning on the ``entrepot.indices`` logger that names the periods. A
    weighted formula on a period whose quantities are all zero is an error.
    Multilateral formulas (``geks_*``, ``geary_khamis``, ``wtpd``) use one window of all
    periods, or a rolling ``window`` extended by ``splice`` (default ``"mean"``).

    ``quantity=True`` gives the quantity index: the formula with the roles of prices and
    quantities exchanged (for Geary–Khamis and WTPD, the value ratio divided by the price
    index). ``implicit=True`` gives the value ratio (total values, Σ p·q over all items)
    divided by the direct index of the other kind.

    The result has the columns ``by`` (if any), the period column and ``index``, scaled so
    that the ``base`` period (the first by default) equals ``reference`` (links are plain
    ratios). ``basket`` is the period whose quantities (Lowe) or expenditure shares (Young)
    weigh the prices, the first by default; ``sigma`` is Lloyd–Moulton's elasticity of
    substitution and ``r`` the order of the quadratic mean index.

    >>> records = pd.DataFrame({"period": [1, 1, 2, 2], "item": ["a", "b", "a", "b"],
    ...                         "price": [1.0, 2.0, 1.1, 2.0], "quantity": [10, 5, 10, 6]})
    >>> price_index(records, "laspeyres")["index"].round(4).tolist()
    [1.0, 1.05]
    """
    info = resolve(formula)
    if chain not in CHAINS:
        raise InputError(f"Unknown chain {chain!r}: use one of {', '.join(CHAINS)}.")
    params = _parameters(info, basket=basket, sigma=sigma, r=r)
    if info.kind == "bilateral" and (window is not None or splice is not None):
        geks = f"geks_{info.name}" if f"geks_{info.name}" in FORMULAS else "geks_fisher"
        raise InputError(
            f"window and splice apply to multilateral formulas; {info.name} is bilateral. "
            f"Use chain='fixed' or 'chained', or a multilateral formula such as {geks}."
        )
    if info.kind == "multilateral" and chain != "fixed":
        raise InputError(
            f"chain={chain!r} applies to bilateral formulas; {info.name} is multilateral and "
            "is extended with window= and splice= instead."
        )
    if splice is not None and splice not in SPLICES:
        raise InputError(f"Unknown splice {splice!r}: use one of {', '.join(SPLICES)}.")

    frames = []
    for key, group in _panels(
        panel, info, by, period, item, price, quantity_col, periods, duplicates
    ):
        where = _where(key)
        try:
            values = _series(
                group, info, chain, base, window, splice, quantity, implicit, params, where
            )
        except InputError as exc:
            if not key:
                raise
            raise InputError(f"{where}{exc}") from exc
        if chain != "links":
            values = values * reference
        frame = pd.DataFrame({group.periods.name or period: group.periods, "index": values})
        for name, value in reversed(list(key)):
            frame.insert(0, name, value)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def quantity_index(
    panel: pd.DataFrame | Panel, formula: str = "fisher", **options: Any
) -> pd.DataFrame:
    """:func:`price_index` with ``quantity=True``: the volume index of the same formula."""
    return price_index(panel, formula, quantity=True, **options)


def _parameters(
    info: FormulaInfo, *, basket: Hashable | None, sigma: float | None, r: float | None
) -> dict[str, object]:
    given = {"basket": basket, "sigma": sigma, "r": r}
    for name, value in given.items():
        if value is not None and name not in info.parameters:
            raise InputError(
                f"{name}= does not apply to {info.name}; it is a parameter of "
                + ", ".join(n for n, f in FORMULAS.items() if name in f.parameters)
                + "."
            )
    for name in ("sigma", "r"):
        if name in info.parameters and given[name] is None:
            raise InputError(f"{info.name} needs {name}= (e.g. {name}=0.7 or 2).")
    return {k: v for k, v in given.items() if v is not None}


def _where(key: tuple[tuple[str, object], ...]) -> str:
    """``In the group flow='imports': `` for messages about one group ('' for no group)."""
    if not key:
        return ""
    return "In the group " + ", ".join(f"{name}={value!r}" for name, value in key) + ": "


def _panels(
    panel: pd.DataFrame | Panel,
    info: FormulaInfo,
    by: str | Sequence[str] | None,
    period: str,
    item: str,
    price: str,
    quantity_col: str,
    periods: str = "auto",
    duplicates: str = "drop",
) -> Iterator[tuple[tuple[tuple[str, object], ...], Panel]]:
    check_mode(periods, PERIODS, "periods")
    check_mode(duplicates, DUPLICATES, "duplicates")
    if isinstance(panel, Panel):
        if by is not None:
            raise InputError("by= needs a DataFrame of records, not a built Panel.")
        yield (), panel
        return
    if not isinstance(panel, pd.DataFrame):
        raise InputError(
            f"panel must be a pandas DataFrame of records, not {type(panel).__name__}."
        )
    qcol: str | None = quantity_col
    if not info.weighted and quantity_col not in panel.columns:
        qcol = None  # unweighted formulas can do without quantities
    columns = dict(period=period, item=item, price=price)
    keys = [by] if isinstance(by, str) else list(by or [])
    check_columns(panel, {**columns, **{f"by[{i}]": k for i, k in enumerate(keys)}})
    options: dict[str, Any] = dict(
        period=period, item=item, price=price, quantity=qcol, periods=periods, duplicates=duplicates
    )
    if not keys:
        yield (), _build(panel, **options)
        return
    for key, group in panel.groupby(keys, sort=False, dropna=False):
        values = key if isinstance(key, tuple) else (key,)
        named = tuple(zip(keys, values, strict=True))
        try:
            built = _build(group, **options, where=_where(named))
        except InputError as exc:
            raise InputError(f"{_where(named)}{exc}") from exc
        yield named, built


def _series(
    panel: Panel,
    info: FormulaInfo,
    chain: str,
    base: Hashable | None,
    window: int | None,
    splice: str | None,
    quantity: bool,
    implicit: bool,
    params: dict[str, object],
    where: str = "",
) -> np.ndarray:
    t = len(panel.periods)
    base_pos = 0 if base is None else panel.position(base)
    if info.weighted:
        _check_quantities(panel, info)
    if "basket" in info.parameters:
        params = {
            **params,
            "basket": panel.position(params.get("basket", panel.periods[0]), "Basket period"),
        }
    if info.kind == "multilateral":
        window = _check_window(window, t)
    if info.kind == "multilateral" and info.bilateral is None:
        # GK and WTPD are price indices by construction; their volume index is implicit.
        direct, divide = panel, quantity
    else:
        direct, divide = (panel.swapped() if quantity != implicit else panel), implicit
    values = _direct(direct, info, chain, base_pos, window, splice, params)
    if divide:
        v = panel.values
        ratio = np.concatenate(([np.nan], v[1:] / v[:-1])) if chain == "links" else v / v[base_pos]
        values = ratio / values
    report_gaps(panel, info, chain, base_pos, values, where)
    return values


def _check_quantities(panel: Panel, info: FormulaInfo) -> None:
    """A weighted formula needs some quantity in every period: an error naming those
    whose quantities are all zero."""
    with np.errstate(invalid="ignore"):
        empty = np.flatnonzero(np.nansum(panel.quantities, axis=1) <= 0)
    if len(empty):
        shown = _periods(panel, empty)
        raise InputError(
            f"{shown} {'has' if len(empty) == 1 else 'have'} only zero quantities: {info.name} "
            "weighs prices by quantities and has nothing to weigh with there. Leave the "
            "period out, or use an unweighted formula (jevons, dutot, carli)."
        )


def _periods(panel: Panel, positions: Sequence[int] | np.ndarray, limit: int = 6) -> str:
    labels = [str(panel.periods[int(i)]) for i in positions]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    word = "Period" if len(labels) == 1 else "Periods"
    return f"{word} {', '.join(labels[:limit])}{more}"


def _unmatched(panel: Panel, a: int, b: int, weighted: bool) -> str | None:
    """Why periods ``a`` and ``b`` cannot be compared, or None if they can."""
    common = np.isfinite(panel.prices[a]) & np.isfinite(panel.prices[b])
    first, second = panel.periods[a], panel.periods[b]
    if not common.any():
        return f"{first} and {second} have no item in common"
    if weighted and (
        panel.quantities[a, common].sum() <= 0 or panel.quantities[b, common].sum() <= 0
    ):
        return f"the items {first} and {second} share have only zero quantities"
    return None


def report_gaps(
    panel: Panel, info: FormulaInfo, chain: str, base_pos: int, values: np.ndarray, where: str
) -> None:
    """A warning naming the periods whose index is NaN, and why: the stated gaps."""
    gaps = ~np.isfinite(values)
    if chain == "links":
        gaps[0] = False
    if not gaps.any():
        return
    t = len(panel.periods)
    if info.kind == "multilateral" or chain == "chained":
        pairs = [(u - 1, u) for u in range(1, t)]
        if info.kind == "multilateral":
            pairs = [(a, b) for a in range(t) for b in range(a + 1, t)]
        reasons = [r for a, b in pairs if (r := _unmatched(panel, a, b, info.weighted))]
        why = reasons[0] if reasons else f"{info.name} is not defined there"
        if info.kind == "multilateral":
            why = f"{why}, and {info.name} compares every pair of periods in a window"
        else:
            why = f"the chain breaks where {why}"
        messages: dict[str, list[int]] = {why: np.flatnonzero(gaps).tolist()}
    else:
        messages = {}
        for u in np.flatnonzero(gaps).tolist():
            a = base_pos if chain == "fixed" else u - 1
            why = _unmatched(panel, a, u, info.weighted) or f"{info.name} is not defined"
            messages.setdefault(why, []).append(u)
    for why, positions in messages.items():
        log.warning(
            "%sNo index for %s: %s. The value is left empty (NaN), a gap in the series.",
            where,
            _periods(panel, positions).split(" ", 1)[1],
            why,
        )


def _check_window(window: int | None, periods: int) -> int:
    if window is None:
        return periods
    if not isinstance(window, int | np.integer) or window < 2:
        raise InputError(f"window must be a whole number of periods, at least 2 (got {window!r}).")
    if window > periods:
        raise InputError(
            f"window={window} is larger than the number of periods in the panel ({periods}); "
            f"use window={periods} or fewer."
        )
    return int(window)


def _direct(
    panel: Panel,
    info: FormulaInfo,
    chain: str,
    base_pos: int,
    window: int | None,
    splice: str | None,
    params: dict[str, object],
) -> np.ndarray:
    """The direct index, 1 at ``base_pos`` (chain links: NaN first)."""
    t = len(panel.periods)
    if info.kind == "bilateral":
        grid = Grid(panel)
        if chain == "fixed":
            pairs = Pairs.fixed(base_pos, t)
            values = bilateral.evaluate(info.name, grid, pairs, **params)
            values[base_pos] = 1.0
            return values
        links = bilateral.evaluate(info.name, grid, Pairs.chain(t), **params)
        if chain == "links":
            return np.concatenate(([np.nan], links))
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.concatenate(([0.0], np.cumsum(np.log(links))))
        return np.exp(logs - logs[base_pos])
    logs = multilateral_logs(panel, info, window or t, splice, params)
    return np.exp(logs - logs[base_pos])


def multilateral_logs(
    panel: Panel, info: FormulaInfo, window: int, splice: str | None, params: dict[str, object]
) -> np.ndarray:
    """Log multilateral index over all periods, zero at the first, spliced if window < T."""
    t = len(panel.periods)
    if info.bilateral is not None:
        # One T × T matrix of bilateral indices serves every window.
        with np.errstate(divide="ignore", invalid="ignore"):
            matrix = np.log(bilateral.evaluate(info.bilateral, Grid(panel), Pairs.all(t), **params))

        def window_index(start: int, stop: int) -> np.ndarray:
            return multilateral.geks_window(matrix, start, stop)

    else:
        solve = (
            multilateral.geary_khamis_window
            if info.name == "geary_khamis"
            else multilateral.wtpd_window
        )

        def window_index(start: int, stop: int) -> np.ndarray:
            return solve(panel.prices[start:stop], panel.quantities[start:stop])

    if window >= t and splice != "fbew_expanding":
        return window_index(0, t)
    return extend(t, window, splice or "mean", window_index)
