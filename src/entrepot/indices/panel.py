"""The dense panel every index formula works on.

Records of (period, item, price, quantity) become two periods × items matrices, prices and
quantities, with NaN where an item is not observed. Items are matched by their id, never by
row order. When several records share an item and a period they are first combined into a
unit value, Σ p·q ÷ Σ q, with the quantities summed, as for the unit value indices of the
IMF *Export and Import Price Index Manual* (2009) and for scanner data (Diewert & Fox 2022).

Periods are read (:func:`read_periods`) and put in chronological order whatever the order
of the rows: months in any usual spelling (``2024-01``, ``2024-1``, ``202401``,
``2024M01``, ``2024/01``, all printed ``2024-01``), quarters (``2024-Q1``, ``2024Q1``),
dates (``2024-01-31``: a day, not its month), whole numbers (``1``, ``2``, ``3`` or years);
a column of numbers or of timestamps keeps its values. Labels that are none of these
(``t1``, ``t2``) keep their order of first appearance with ``periods="auto"``, and are an
error with ``periods="parse"``. Rows equal to an earlier row in every column are left out
with a warning (``duplicates="drop"``), counted (``"sum"``) or refused (``"reject"``).

Warnings (rows left out, index values that cannot be computed) go to the
``entrepot.indices`` logger; without logging set up, Python prints them on stderr.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import InputError

log = logging.getLogger("entrepot.indices")

PERIODS: dict[str, str] = {
    "parse": "every period read as a month, quarter, date or number, in calendar order",
    "auto": "as parse, but labels that are none of these keep their order of appearance",
    "given": "labels as they are, in their order of first appearance",
}
DUPLICATES: dict[str, str] = {
    "drop": "rows equal to an earlier row in every column are left out, with a warning",
    "sum": "repeated rows are all counted (summed into the unit value)",
    "reject": "repeated rows are an error",
}
FORMATS = (
    "months 2024-01 (or 2024-1, 202401, 2024M01, 2024/01), quarters 2024-Q1 (or 2024Q1), "
    "dates 2024-01-31, or whole numbers (1, 2, 3 or years 2024)"
)
"""The period spellings :func:`read_periods` accepts, for messages."""


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
        read = read_period(label)
        if read is not None:
            candidates.append(read[2])
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
    periods: str = "auto",
    duplicates: str = "drop",
) -> Panel:
    """Check the records of ``frame`` and lay them out as a :class:`Panel`.

    ``quantity=None`` treats every record as one unit (for unweighted formulas): the unit
    value is then the arithmetic mean of the records' prices. A cell whose quantities sum
    to zero also takes the mean of its prices, so that a price observed with no sales still
    counts for the unweighted formulas.

    ``periods`` says how the period column is read (see :data:`PERIODS` and
    :func:`read_periods`) and ``duplicates`` what becomes of rows equal to an earlier row in
    every column (see :data:`DUPLICATES`). When the frame's index is named ``line``,
    messages name rows by it (``line 5``), as the command line does for its CSV.
    """
    return _build(
        frame,
        period=period,
        item=item,
        price=price,
        quantity=quantity,
        periods=periods,
        duplicates=duplicates,
    )


def check_mode(value: str, choices: dict[str, str], name: str) -> str:
    """``value`` if it is one of ``choices``; an :class:`InputError` listing them otherwise."""
    if value not in choices:
        raise InputError(f"Unknown {name} {value!r}: use one of {', '.join(choices)}.")
    return value


def _build(
    frame: pd.DataFrame,
    *,
    period: str,
    item: str,
    price: str,
    quantity: str | None,
    periods: str,
    duplicates: str,
    where: str = "",
) -> Panel:
    check_mode(periods, PERIODS, "periods")
    check_mode(duplicates, DUPLICATES, "duplicates")
    roles = {"period": period, "item": item, "price": price}
    if quantity is not None:
        roles["quantity"] = quantity
    check_columns(frame, roles)
    if len(frame) == 0:
        raise InputError("The panel has no rows: there is nothing to index.")

    read = read_periods(frame[period], periods)
    if read is not None:
        labels, keys = read
        frame = frame.assign(**{period: labels})
        if len(keys) > 1 and (keys[1:] < keys[:-1]).any():
            frame = frame.iloc[np.argsort(keys, kind="stable")]
    p = _numeric(frame, price, "price")
    q = np.ones(len(frame)) if quantity is None else _numeric(frame, quantity, "quantity")
    _check_values(frame, p, q, period=period, item=item, price=price, quantity=quantity)
    if duplicates != "sum":
        frame, p, q = _without_duplicates(frame, p, q, price, quantity, duplicates, where)

    t_codes, periods_ = _factorize(frame[period])
    n_codes, items = _sorted_labels(*_factorize(frame[item], ordered=False))
    if (t_codes < 0).any() or (n_codes < 0).any():
        column = period if (t_codes < 0).any() else item
        row = int(np.flatnonzero((t_codes < 0) | (n_codes < 0))[0])
        raise InputError(
            f"Column {column!r} is empty in {rows_named(frame.index, [row])}: every record "
            "needs a period and an item."
        )
    n_periods, n_items = len(periods_), len(items)
    size = n_periods * n_items
    if len(p) == size and _in_grid_order(t_codes, n_codes, n_periods, n_items):
        # Every cell once, by period then item (a complete grid straight from a store).
        return Panel(
            pd.Index(periods_, name=period),
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
        pd.Index(periods_, name=period),
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


def _sorted_labels(codes: np.ndarray, labels: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """``codes`` renumbered so that ``labels`` come sorted: the item axis, and with it the
    order of every sum over items, then does not depend on the order of the rows (labels
    that cannot be compared keep their order)."""
    try:
        order = np.argsort(labels.to_numpy(), kind="stable")
    except TypeError:
        return codes, labels
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], -1), labels[order]


def _numeric(frame: pd.DataFrame, column: str, role: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"Column {column!r} (the {role}) has {int(bad.sum())} missing or non-numeric "
            f"value(s), the first {frame[column].iloc[row]!r} in {rows_named(frame.index, [row])}; "
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
                f"{frame[item].iloc[row]!r} in period {frame[period].iloc[row]!r} "
                f"({rows_named(frame.index, [row])})."
            )


def _shown(value: object) -> str:
    """A value as the user wrote it (no NumPy type names in messages)."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


# -- periods ------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_MONTH = re.compile(r"(\d{4})(?:-|/|[Mm])(\d{1,2})")
_YYYYMM = re.compile(r"(\d{4})(\d{2})")
_QUARTER = re.compile(r"(\d{4})[- ]?[Qq]([1-4])")
_NUMBER = re.compile(r"[+-]?\d+")
_KINDS = {"month": "months", "quarter": "quarters", "day": "dates", "number": "whole numbers"}


def read_period(value: object) -> tuple[str, int, Hashable] | None:
    """``(kind, sort key, label)`` of one period, or None when ``value`` is not a period.

    Kinds are ``month`` (label ``2024-01``; also written ``2024-1``, ``202401``,
    ``2024M01``, ``2024/01``), ``quarter`` (``2024-Q1``; also ``2024Q1``), ``day``
    (``2024-01-31``: a date is a period of its own, not its month) and ``number`` (an
    integer label: a sequence 1, 2, 3 or years). Six digits are always a month ``YYYYMM``.
    """
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return "number", int(value), int(value)
    if isinstance(value, float | np.floating):
        if np.isfinite(value) and float(value).is_integer():
            return "number", int(value), int(value)
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
        try:
            date = pd.Timestamp(year=year, month=month, day=day)
        except ValueError:
            return None
        return "day", date.toordinal(), f"{year:04d}-{month:02d}-{day:02d}"
    if match := _MONTH.fullmatch(text) or _YYYYMM.fullmatch(text):
        year, month = map(int, match.groups())
        if not 1 <= month <= 12:
            return None
        return "month", year * 12 + month - 1, f"{year:04d}-{month:02d}"
    if match := _QUARTER.fullmatch(text):
        year, quarter = map(int, match.groups())
        return "quarter", year * 4 + quarter - 1, f"{year:04d}-Q{quarter}"
    if _NUMBER.fullmatch(text):
        return "number", int(text), int(text)
    return None


def read_periods(column: pd.Series, mode: str = "auto") -> tuple[np.ndarray, np.ndarray] | None:
    """Labels and chronological sort keys of a period column, or None to keep it as given.

    Every spelling of a period gets one label (:func:`read_period`), so that ``2024-1`` and
    ``202401`` are the same month. A column of timestamps keeps its values. All periods
    must be of one kind (months, quarters, dates or numbers). A value that is not a period
    is an :class:`InputError` naming its row, except with ``mode="auto"`` when no value of
    the column is a period (labels such as ``t1``, ``t2``): then None.
    """
    check_mode(mode, PERIODS, "periods")
    if mode == "given":
        return None
    if column.dtype.kind == "M":
        return column.to_numpy(), column.to_numpy().view("int64")
    codes, uniques = pd.factorize(column, sort=False)
    read = [read_period(value) for value in uniques]
    bad = [i for i, r in enumerate(read) if r is None]
    if bad:
        if mode == "auto" and len(bad) == len(read):
            return None
        row = int(np.flatnonzero(codes == bad[0])[0])
        more = f" (and {len(bad) - 1} other values)" if len(bad) > 1 else ""
        raise InputError(
            f"Period {_shown(uniques[bad[0]])} in {rows_named(column.index, [row])} of column "
            f"{column.name!r} is not a period{more}: write {FORMATS}."
        )
    first: dict[str, int] = {}
    for i, r in enumerate(read):
        first.setdefault(r[0], i)  # type: ignore[index]
    if len(first) > 1:
        (a, i), (b, j) = list(first.items())[:2]
        row_i = int(np.flatnonzero(codes == i)[0])
        row_j = int(np.flatnonzero(codes == j)[0])
        raise InputError(
            f"Column {column.name!r} mixes {_KINDS[a]} and {_KINDS[b]}: "
            f"{_shown(uniques[i])} in {rows_named(column.index, [row_i])} and "
            f"{_shown(uniques[j])} in {rows_named(column.index, [row_j])}. The periods of a "
            f"panel are all of one kind: {FORMATS}."
        )
    keys = np.array([r[1] for r in read if r is not None] + [np.iinfo(np.int64).min])
    labels = np.empty(len(read) + 1, dtype=object)
    labels[:-1] = [r[2] for r in read if r is not None]
    labels[-1] = None
    if "number" in first and (codes >= 0).all():
        return labels[:-1].astype(np.int64)[codes], keys[codes]
    return labels[codes], keys[codes]


def rows_named(index: pd.Index, positions: Sequence[int] | np.ndarray, limit: int = 3) -> str:
    """Rows at ``positions`` named for a message: ``line 5`` when the index is named
    ``line`` (a file's line numbers), ``row 4`` otherwise; the first ``limit`` of them."""
    labels = [index[int(i)] for i in positions]
    if index.name == "line":
        word, shown = "line", [str(label) for label in sorted(labels)]
    else:
        word, shown = "row", [_shown(label) for label in labels]
    if len(shown) == 1:
        return f"{word} {shown[0]}"
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return f"{word}s {', '.join(shown[:limit])}{more}"


def _without_duplicates(
    frame: pd.DataFrame,
    p: np.ndarray,
    q: np.ndarray,
    price: str,
    quantity: str | None,
    duplicates: str,
    where: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows equal to an earlier one in every column (prices and quantities as numbers)
    left out with a warning, or an error with ``duplicates="reject"``."""
    compare = frame.assign(**{price: p, **({quantity: q} if quantity is not None else {})})
    repeated = compare.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return frame, p, q
    count = int(repeated.sum())
    rows = rows_named(frame.index, np.flatnonzero(repeated))
    if duplicates == "reject":
        raise InputError(
            f"{where}{count} row(s) repeat an earlier row in every column ({rows}). Leave them "
            "out (duplicates drop) or count every one (duplicates sum)."
        )
    log.warning(
        "%s%d row(s) repeat an earlier row in every column and are left out (%s); "
        "duplicates sum counts every one, reject refuses them.",
        where,
        count,
        rows,
    )
    keep = ~repeated
    return frame[keep], p[keep], q[keep]
