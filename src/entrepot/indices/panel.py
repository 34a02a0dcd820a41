"""The dense panel every index formula works on.

Records of (period, item, price, quantity) become two periods × items matrices, prices and
quantities, with NaN where an item is not observed. Items are matched by their id, never by
row order. When several records share an item and a period they are first combined into a
unit value, Σ p·q ÷ Σ q, with the quantities summed, as for the unit value indices of the
IMF *Export and Import Price Index Manual* (2009) and for scanner data (Diewert & Fox 2022).
Periods keep the order of their first appearance in the input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import InputError


@dataclass(frozen=True, eq=False)
class Panel:
    """Unit-value prices and summed quantities on a periods × items grid.

    ``prices[t, n]`` is NaN when item ``n`` has no record in period ``t``; ``quantities``
    is NaN at the same cells. Every other cell holds a positive price and a non-negative
    quantity.
    """

    periods: pd.Index
    items: pd.Index
    prices: np.ndarray
    quantities: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.prices.shape

    @cached_property
    def values(self) -> np.ndarray:
        """Total value of every period over all its items, Σ p·q."""
        return np.nansum(self.prices * self.quantities, axis=1)

    def position(self, label: Hashable, what: str = "Base period") -> int:
        """The row of period ``label``; an :class:`InputError` naming the panel's periods if absent."""
        loc = _lookup(self.periods, label)
        if loc is None:
            raise InputError(
                f"{what} {label!r} is not in the panel, which holds {len(self.periods)} periods "
                f"from {self.periods[0]!r} to {self.periods[-1]!r}."
            )
        return loc

    def swapped(self) -> Panel:
        """Prices and quantities exchanged: a price formula on it is the quantity index."""
        return Panel(self.periods, self.items, self.quantities, self.prices)


def _lookup(index: pd.Index, label: Hashable) -> int | None:
    """Position of ``label`` in ``index``, accepting "2025-01" for a Timestamp period and
    "202501" for an integer one."""
    candidates: list[Hashable] = [label]
    if isinstance(label, str):
        if isinstance(index, pd.DatetimeIndex):
            with contextlib.suppress(ValueError, TypeError):
                candidates.append(pd.Timestamp(label))
        if label.lstrip("-").isdigit():
            candidates.append(int(label))
    elif isinstance(label, int | np.integer):
        candidates.append(str(label))
    for candidate in candidates:
        try:
            loc = index.get_loc(candidate)
        except (KeyError, TypeError, pd.errors.InvalidIndexError):
            continue
        if isinstance(loc, int | np.integer):
            return int(loc)
    return None


def check_columns(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """Raise an :class:`InputError` naming every missing column and the existing ones."""
    missing = [
        f"{column!r} (the {role} column)"
        for role, column in columns.items()
        if column not in frame.columns
    ]
    if missing:
        existing = ", ".join(repr(c) for c in frame.columns)
        raise InputError(
            f"Column {' and '.join(missing)} is not found in the panel. "
            f"Existing columns: {existing}. Name the right one with "
            + ", ".join(f"{role}=..." for role in columns)
            + "."
        )


def build_panel(
    frame: pd.DataFrame,
    *,
    period: str = "period",
    item: str = "item",
    price: str = "price",
    quantity: str | None = "quantity",
) -> Panel:
    """Check the records of ``frame`` and lay them out as a :class:`Panel`.

    ``quantity=None`` treats every record as one unit (for unweighted formulas): the unit
    value is then the arithmetic mean of the records' prices. A cell whose quantities sum
    to zero also takes the mean of its prices, so that a price observed with no sales still
    counts for the unweighted formulas.
    """
    roles = {"period": period, "item": item, "price": price}
    if quantity is not None:
        roles["quantity"] = quantity
    check_columns(frame, roles)
    if len(frame) == 0:
        raise InputError("The panel has no rows: there is nothing to index.")

    p = _numeric(frame, price, "price")
    q = np.ones(len(frame)) if quantity is None else _numeric(frame, quantity, "quantity")
    _check_values(frame, p, q, period=period, item=item, price=price, quantity=quantity)

    t_codes, periods = _factorize(frame[period])
    n_codes, items = _factorize(frame[item], ordered=False)
    if (t_codes < 0).any() or (n_codes < 0).any():
        column = period if (t_codes < 0).any() else item
        row = int(np.flatnonzero((t_codes < 0) | (n_codes < 0))[0])
        raise InputError(
            f"Column {column!r} is empty in row {frame.index[row]!r}: every record needs a "
            "period and an item."
        )
    n_periods, n_items = len(periods), len(items)
    size = n_periods * n_items
    if len(p) == size and _in_grid_order(t_codes, n_codes, n_periods, n_items):
        # Every cell once, by period then item (a complete grid straight from a store).
        return Panel(
            pd.Index(periods, name=period),
            pd.Index(items, name=item),
            p.reshape(n_periods, n_items).copy(),
            q.reshape(n_periods, n_items).copy(),
        )
    cell = t_codes.astype(np.int64) * n_items + n_codes
    count = np.bincount(cell, minlength=size)
    if count.max() == 1:  # one record per cell: no unit values to form
        prices = np.full(size, np.nan)
        quantities = np.full(size, np.nan)
        prices[cell] = p
        quantities[cell] = q
    else:
        value = np.bincount(cell, weights=p * q, minlength=size)
        quantities = np.bincount(cell, weights=q, minlength=size)
        mean_price = np.bincount(cell, weights=p, minlength=size)
        observed = count > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            prices = np.where(quantities > 0, value / quantities, mean_price / count)
        prices[~observed] = np.nan
        quantities[~observed] = np.nan
    return Panel(
        pd.Index(periods, name=period),
        pd.Index(items, name=item),
        prices.reshape(n_periods, n_items),
        quantities.reshape(n_periods, n_items),
    )


def _in_grid_order(t_codes: np.ndarray, n_codes: np.ndarray, periods: int, items: int) -> bool:
    rows, cols = t_codes.reshape(periods, items), n_codes.reshape(periods, items)
    return bool((rows == np.arange(periods)[:, None]).all() and (cols == np.arange(items)).all())


def _factorize(column: pd.Series, ordered: bool = True) -> tuple[np.ndarray, pd.Index]:
    """Codes and labels of ``column`` (-1 for missing).

    Labels come in order of first appearance, or in any order when not ``ordered``. Records
    usually come grouped (all rows of a month together): then only the first row of each
    run of equal values needs hashing. Compact integer codes (HS items as integers) are
    looked up in a table instead of hashed.
    """
    values = column.to_numpy()
    if not ordered and values.dtype.kind in "iu" and len(values) > 4096:
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(values):
            offset = values - low
            seen = np.zeros(high - low + 1, dtype=bool)
            seen[offset] = True
            codes = (np.cumsum(seen) - 1)[offset]
            labels = (np.flatnonzero(seen) + low).astype(values.dtype)
            return codes, pd.Index(labels)
    head = values[: min(len(values), 1024)]
    if len(values) > 4096 and np.count_nonzero(head[1:] != head[:-1]) < len(head) // 8:
        starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        if len(starts) < len(values) // 8:
            codes, labels = pd.factorize(column.iloc[starts], sort=False)
            lengths = np.diff(np.append(starts, len(values)))
            return np.repeat(codes, lengths), pd.Index(labels)
    codes, labels = pd.factorize(column, sort=False)
    return codes, pd.Index(labels)


def _numeric(frame: pd.DataFrame, column: str, role: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"Column {column!r} (the {role}) has {int(bad.sum())} missing or non-numeric "
            f"value(s), the first {frame[column].iloc[row]!r} in row {frame.index[row]!r}; "
            f"every record needs a finite {role}."
        )
    return values


def _check_values(
    frame: pd.DataFrame,
    p: np.ndarray,
    q: np.ndarray,
    *,
    period: str,
    item: str,
    price: str,
    quantity: str | None,
) -> None:
    checks: Sequence[tuple[np.ndarray, str, str]] = [
        (p <= 0, price, "positive (a price index needs log and ratio of prices)"),
    ]
    if quantity is not None:
        checks = [*checks, (q < 0, quantity, "zero or positive")]
    for bad, column, expected in checks:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"Column {column!r} has {int(bad.sum())} value(s) that are not {expected}: "
                f"the first is {_shown(frame[column].iloc[row])} for item "
                f"{frame[item].iloc[row]!r} in period {frame[period].iloc[row]!r}."
            )


def _shown(value: object) -> str:
    """A value as the user wrote it (no NumPy type names in messages)."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)
