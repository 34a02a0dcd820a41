"""Seasonally adjusted series in the store: save one, find the one made of the same input.

An adjustment is a row of ``adjusted_series`` (what series it is, the options, a hash of
the exact input, the method and model, X-13's diagnostics) and its months in
``adjusted_values`` (period, original value, adjusted value). A series is found again by
its description, its options and its input hash together: a revised input value, another
span or other options make another adjustment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from ..backends import engine_errors
from ..errors import StoreError
from . import Store

DESCRIBED = ("flow", "measure", "breakdown", "key", "filters")
"""Keys of a series' description that have columns of their own (to query by)."""


def canonical(mapping: Mapping[str, Any]) -> str:
    """``mapping`` as JSON that is the same text for the same content (the lookup key).

    >>> canonical({"key": "USA", "flow": "imports"})
    '{"flow":"imports","key":"USA"}'
    """
    return json.dumps(dict(mapping), sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class StoredAdjustment:
    """One stored adjustment: its row of ``adjusted_series`` and its months."""

    adjustment_id: int
    created: datetime
    what: dict[str, Any]
    options: dict[str, Any]
    input_hash: str
    method: str
    model: str
    regressors: dict[str, float] = field(default_factory=dict)
    residual_qs: tuple[float, float] | None = None
    notes: tuple[str, ...] = ()
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Columns ``period`` (YYYYMM), ``original``, ``adjusted``; by period."""


def writable(store: Store) -> bool:
    """Whether ``store`` was opened for writing (a read-only store only answers)."""
    row = store.query(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    )
    return not (row and row[0][0])


def save_adjustment(
    store: Store,
    *,
    what: Mapping[str, Any],
    options: Mapping[str, Any],
    input_hash: str,
    method: str,
    model: str,
    regressors: Mapping[str, float],
    residual_qs: tuple[float, float] | None,
    notes: Sequence[str],
    values: pd.DataFrame,
) -> int:
    """Store one adjustment in a single transaction and return its id. An adjustment of
    the same series, options and input made before (kept when asked to adjust again) is
    replaced by this one. ``values`` has columns ``period``, ``original``, ``adjusted``."""
    missing = {"period", "original", "adjusted"} - set(values.columns)
    if missing:
        raise StoreError(f"An adjustment's values need columns {sorted(missing)}.")
    frame = pd.DataFrame(
        {
            "period": values["period"].astype("int32").to_numpy(),
            "original": values["original"].astype(float).to_numpy(),
            "adjusted": values["adjusted"].astype(float).to_numpy(),
        }
    ).sort_values("period")
    key = [canonical(what), canonical(options), input_hash]
    with (
        engine_errors(f"Storing an adjusted series in {store.path}", StoreError),
        store.transaction() as con,
    ):
        # A new id before the replaced one goes: an id never names two adjustments.
        row = con.execute(
            "SELECT coalesce(max(adjustment_id), 0) + 1 FROM adjusted_series"
        ).fetchone()
        adjustment_id = int(row[0]) if row else 1
        con.execute(
            "DELETE FROM adjusted_values WHERE adjustment_id IN (SELECT adjustment_id "
            "FROM adjusted_series WHERE what = ? AND options = ? AND input_hash = ?)",
            key,
        )
        con.execute(
            "DELETE FROM adjusted_series WHERE what = ? AND options = ? AND input_hash = ?", key
        )
        described = [None if what.get(k) is None else str(what[k]) for k in DESCRIBED]
        qs, pvalue = residual_qs if residual_qs is not None else (None, None)
        con.execute(
            "INSERT INTO adjusted_series VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                adjustment_id,
                datetime.now(),
                *described,
                *key,
                int(frame["period"].min()) if len(frame) else None,
                int(frame["period"].max()) if len(frame) else None,
                method,
                model,
                json.dumps(dict(regressors)),
                qs,
                pvalue,
                json.dumps(list(notes)),
            ],
        )
        frame.insert(0, "adjustment_id", adjustment_id)
        con.register("_adjusted", frame)
        con.execute("INSERT INTO adjusted_values BY NAME SELECT * FROM _adjusted")
        con.unregister("_adjusted")
    return adjustment_id


def find_adjustment(
    store: Store, *, what: Mapping[str, Any], options: Mapping[str, Any], input_hash: str
) -> StoredAdjustment | None:
    """The stored adjustment of this series with these options and this exact input, or
    ``None`` if there is none."""
    rows = store.query(
        """SELECT adjustment_id, created, what, options, input_hash, method, model,
                  regressors, residual_qs, residual_qs_pvalue, notes
           FROM adjusted_series WHERE what = ? AND options = ? AND input_hash = ?
           ORDER BY adjustment_id DESC LIMIT 1""",
        [canonical(what), canonical(options), input_hash],
    )
    if not rows:
        return None
    (adjustment_id, created, what_, options_, hash_, method, model, regressors, qs, p, notes) = (
        rows[0]
    )
    values = store.frame(
        "SELECT period, original, adjusted FROM adjusted_values WHERE adjustment_id = ? "
        "ORDER BY period",
        [adjustment_id],
    )
    return StoredAdjustment(
        adjustment_id=int(adjustment_id),
        created=created,
        what=dict(json.loads(what_)),
        options=dict(json.loads(options_)),
        input_hash=str(hash_),
        method=str(method),
        model=str(model),
        regressors={str(k): float(v) for k, v in json.loads(regressors or "{}").items()},
        residual_qs=(float(qs), float(p)) if qs is not None and p is not None else None,
        notes=tuple(str(n) for n in json.loads(notes or "[]")),
        values=values,
    )


def adjustments_of(store: Store, **described: str) -> pd.DataFrame:
    """The stored adjustments (without their months), newest first; only those whose
    ``flow``, ``measure``, ``breakdown``, ``key`` or ``filters`` equal the ones given."""
    unknown = set(described) - set(DESCRIBED)
    if unknown:
        raise StoreError(
            f"Adjustments are found by {', '.join(DESCRIBED)}, not {', '.join(sorted(unknown))}."
        )
    where = " AND ".join(f"{k} = ?" for k in described) or "TRUE"
    return store.frame(
        "SELECT adjustment_id, created, flow, measure, breakdown, key, filters, options, "
        "first_period, last_period, method, model FROM adjusted_series "
        f"WHERE {where} ORDER BY adjustment_id DESC",
        list(described.values()),
    )
