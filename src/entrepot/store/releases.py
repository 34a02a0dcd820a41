"""Releases kept in the store, and what changed since the previous one.

A release is a row of ``releases``: its period (YYYYMM), when it was made, the newest load
it saw (``last_load``) and the compilation it read (``compile_id``), the formats and folder
it was written to, and its figures as given (JSON: ``id``, ``text``, ``value``,
``measure``, ``inputs`` each). The next release of the same period compares itself with
it: which stored months later loads revised (:func:`revised_since`) and which figures
moved (:func:`changed_figures`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd

from ..backends import engine_errors
from ..errors import InputError, StoreError
from . import Store
from .adjustments import writable

__all__ = [
    "FigureChange",
    "StoredRelease",
    "changed_figures",
    "previous_release",
    "releases",
    "revised_since",
    "save_release",
]

_LISTED = "release_id, period, created, last_load, compile_id, formats, out_dir"

Status = Literal["revised", "added", "removed"]


@dataclass(frozen=True)
class StoredRelease:
    """One stored release: its row of ``releases`` with the figures read back."""

    release_id: int
    period: int
    created: datetime
    last_load: int | None
    compile_id: int | None
    formats: tuple[str, ...]
    out_dir: str
    figures: list[dict[str, Any]]


@dataclass(frozen=True)
class FigureChange:
    """A figure that differs between two releases (``revised``), or is in only one of
    them (``added``: only in the new one; ``removed``: only in the old one)."""

    id: str
    status: Status
    measure: str | None
    old_text: str | None
    new_text: str | None
    old_value: Any
    new_value: Any
    change: float | None
    """new − old when both values are numbers, else ``None``."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _formats(formats: Sequence[str]) -> str:
    names = [str(f).strip() for f in formats]
    bad = [n for n in names if not n or "," in n]
    if bad:
        raise InputError(
            f"Release formats must be names such as html or pdf, not {bad!r} "
            f"(given {list(formats)!r})."
        )
    return ",".join(names)


def save_release(
    store: Store,
    *,
    period: int,
    last_load: int | None,
    compile_id: int | None,
    formats: Sequence[str],
    out_dir: str,
    figures: Sequence[Mapping[str, Any]],
) -> int:
    """Store one release of ``period`` (YYYYMM) in a single transaction and return its id
    (1, 2, …). Earlier releases of the period are kept: each is a record of what was
    published."""
    if not writable(store):
        raise StoreError(
            f"Store {store.path} was opened read-only: open it for writing to keep a release."
        )
    figures_json = json.dumps([dict(f) for f in figures], default=str)
    row = [
        int(period),
        datetime.now(),
        None if last_load is None else int(last_load),
        None if compile_id is None else int(compile_id),
        _formats(formats),
        str(out_dir),
        figures_json,
    ]
    with (
        engine_errors(f"Storing the release of {period} in {store.path}", StoreError),
        store.transaction() as con,
    ):
        fetched = con.execute("SELECT coalesce(max(release_id), 0) + 1 FROM releases").fetchone()
        release_id = int(fetched[0]) if fetched else 1
        con.execute("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [release_id, *row])
    return release_id


def previous_release(store: Store, period: int) -> StoredRelease | None:
    """The latest stored release of ``period`` (YYYYMM), or ``None`` if there is none."""
    rows = store.query(
        f"SELECT {_LISTED}, figures FROM releases WHERE period = ? "
        "ORDER BY release_id DESC LIMIT 1",
        [int(period)],
    )
    if not rows:
        return None
    release_id, period_, created, last_load, compile_id, formats, out_dir, figures = rows[0]
    return StoredRelease(
        release_id=int(release_id),
        period=int(period_),
        created=created,
        last_load=None if last_load is None else int(last_load),
        compile_id=None if compile_id is None else int(compile_id),
        formats=tuple(formats.split(",")) if formats else (),
        out_dir=str(out_dir),
        figures=[dict(f) for f in json.loads(figures)],
    )


def releases(store: Store, period: int | None = None) -> pd.DataFrame:
    """The stored releases (of ``period`` only, if given), oldest first, without their
    figures: id, period, created, last_load, compile_id, formats, out_dir and the number
    of figures."""
    where, params = ("WHERE period = ?", [int(period)]) if period is not None else ("", [])
    return store.frame(
        f"SELECT {_LISTED}, json_array_length(figures) AS figures FROM releases {where} "
        "ORDER BY release_id",
        params,
    )


def revised_since(store: Store, last_load: int | None, periods: Sequence[int]) -> pd.DataFrame:
    """What loads after ``last_load`` (every load, if ``None``) revised in ``periods``
    (YYYYMM): one row per period × flow, net of all those loads: the oldest old value, the
    newest new value, the last load that revised it (``load_id``, with when it
    ``finished``) and how many ``loads`` did. By period, then flow."""
    keys = sorted({int(p) for p in periods})
    return store.frame(
        """WITH revised AS (
               SELECT period, flow,
                      arg_min(old_value, revision_id) AS old_value,
                      arg_max(new_value, revision_id) AS new_value,
                      arg_max(load_id, revision_id) AS load_id,
                      count(DISTINCT load_id) AS loads
               FROM revisions
               WHERE list_contains(?::INTEGER[], period)
                 AND (?::BIGINT IS NULL OR load_id > ?::BIGINT)
               GROUP BY period, flow)
           SELECT r.period, r.flow, r.load_id, l.finished, r.old_value, r.new_value,
                  r.new_value - r.old_value AS change, r.loads
           FROM revised r LEFT JOIN loads l USING (load_id)
           ORDER BY r.period, r.flow""",
        [keys, last_load, last_load],
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _same(old: Any, new: Any, tolerance: float) -> bool:
    a, b = _number(old), _number(new)
    if a is None or b is None:
        return bool(old == new) if (a is None and b is None) else False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=0.0)


def _change(old: Any, new: Any) -> float | None:
    a, b = _number(old), _number(new)
    return None if a is None or b is None else b - a


def _text(figure: Mapping[str, Any]) -> str | None:
    text = figure.get("text")
    return None if text is None else str(text)


def changed_figures(
    previous: Sequence[Mapping[str, Any]],
    current: Sequence[Mapping[str, Any]],
    *,
    tolerance: float = 1e-9,
) -> list[FigureChange]:
    """The figures of ``current`` that differ from those of ``previous`` with the same
    ``id``: a numeric value that moved by more than ``tolerance`` (relative), another
    non-numeric value, or another text (``revised``); then those only in ``current``
    (``added``) in its order, and those only in ``previous`` (``removed``) in theirs.

    >>> old = [{"id": "x", "text": "1.0%", "value": 1.0, "measure": "value"}]
    >>> new = [{"id": "x", "text": "1.2%", "value": 1.2, "measure": "value"}]
    >>> [(c.id, c.status, c.old_text, c.new_text) for c in changed_figures(old, new)]
    [('x', 'revised', '1.0%', '1.2%')]
    """
    if tolerance < 0:
        raise InputError(f"A tolerance is a relative difference of 0 or more, not {tolerance}.")
    before: dict[str, Mapping[str, Any]] = {}
    for figure in previous:
        before.setdefault(str(figure["id"]), figure)
    after: dict[str, Mapping[str, Any]] = {}
    for figure in current:
        after.setdefault(str(figure["id"]), figure)
    revised: list[FigureChange] = []
    added: list[FigureChange] = []
    for id_, new in after.items():
        old = before.get(id_)
        measure = new.get("measure", old.get("measure") if old is not None else None)
        if old is None:
            added.append(
                FigureChange(id_, "added", measure, None, _text(new), None, new.get("value"), None)
            )
        elif _text(old) != _text(new) or not _same(old.get("value"), new.get("value"), tolerance):
            revised.append(
                FigureChange(
                    id_,
                    "revised",
                    measure,
                    _text(old),
                    _text(new),
                    old.get("value"),
                    new.get("value"),
                    _change(old.get("value"), new.get("value")),
                )
            )
    removed = [
        FigureChange(
            id_, "removed", old.get("measure"), _text(old), None, old.get("value"), None, None
        )
        for id_, old in before.items()
        if id_ not in after
    ]
    return [*revised, *added, *removed]
