"""What the server answers: one function per answer, for its page and its JSON twin alike.

Each function takes the open store and the engine over its (filtered) cells, calls the
library functions the CLI calls, and returns an :class:`Answer`: the JSON object (the same
as the CLI's ``--json``) and, for tables, the flat frame behind ``?format=csv|parquet|xlsx``.
No answer computes anything of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis.compilations import index_rows
from ..analysis.facts import TOPICS, about, analyse, value_text
from ..analysis.numbers import records
from ..analysis.series import monthly_series
from ..analysis.summary import breakdown, rows_frame
from ..analysis.summary import summary as run_summary
from ..backends import Backend
from ..errors import NotInStoreError
from ..periods import Period
from ..schema import INDEX_FLOWS
from ..store import Store
from ..store import history as stored


@dataclass(frozen=True)
class Answer:
    data: Any
    """The JSON object."""
    frame: Callable[[], pd.DataFrame] | None = None
    """The same as one flat table, where it has one."""
    name: str = "entrepot"
    """What a downloaded file is called (without its extension)."""


def latest(store: Store) -> Period:
    """The last month the store holds."""
    periods = store.periods()
    if not periods:
        raise NotInStoreError(f"Store {store.path} holds no records yet.")
    return Period.from_key(periods[-1])


def periods(store: Store) -> Answer:
    rows = [
        {**row, "period": str(Period.from_key(int(row["period"])))}
        for row in records(stored.periods_revised(store))
    ]
    return Answer(
        {"periods": rows, "latest": rows[-1]["period"] if rows else None},
        lambda: pd.DataFrame(rows),
        "periods",
    )


def summary(engine: Backend, month: Period, by: str | None) -> Answer:
    if by:
        rows = breakdown(engine, month, by)
        return Answer(
            [r.as_dict() for r in rows], lambda: rows_frame(rows), f"summary-{month}-{by}"
        )
    result = run_summary(engine, month)
    return Answer(result.as_dict(), result.to_frame, f"summary-{month}")


def indices(store: Store, engine: Backend, month: Period, flow: str, by: str) -> Answer:
    rows = index_rows(store, month, flow=flow, by=by, backend=engine)
    data = [r.as_dict() for r in rows]
    return Answer(data, lambda: pd.DataFrame(data), f"indices-{month}-{flow}-{by}")


def series(
    store: Store,
    engine: Backend,
    *,
    flow: str,
    measure: str,
    by: str,
    keys: Sequence[str],
    adjusted: bool,
    start: Period | None,
    end: Period | None,
) -> Answer:
    # Read-only: an adjustment not stored yet is made for this answer and not kept.
    result = monthly_series(
        store, engine, flow=flow, measure=measure, by=by, keys=keys,
        start=start, end=end, adjusted=adjusted, keep=False,
    )  # fmt: skip
    return Answer(result.as_dict(), result.table, f"series-{flow}-{measure}-{by}")


def analysis(
    store: Store, engine: Backend, month: Period, *, adjusted: bool, topics: Sequence[str]
) -> Answer:
    result = analyse(store, engine, month, adjusted=adjusted, keep=False, topics=topics or TOPICS)
    return Answer(result.as_dict(), result.table, f"analysis-{month}")


def release(store: Store, engine: Backend, month: Period) -> Any:
    """The month's release as the ``release`` command builds it (not recorded: the server
    only reads)."""
    from ..release.content import build

    return build(store, engine, month, keep=False)


def release_figures(store: Store, engine: Backend, month: Period) -> Answer:
    document = release(store, engine, month)
    provenance = document.provenance()
    return Answer(provenance, lambda: pd.json_normalize(provenance["figures"]), f"release-{month}")


def loads(store: Store) -> Answer:
    frame = stored.loads(store)
    return Answer(records(frame), lambda: frame, "loads")


def revisions(store: Store) -> Answer:
    frame = stored.revisions(store)
    return Answer(records(frame), lambda: frame, "revisions")


OVERVIEW_TOPICS = ("streak", "mover", "split", "surge", "mix", "transport")
"""The analysis the overview shows beside the headline figures."""


def overview(store: Store, engine: Backend, month: Period) -> Answer:
    """The month at a glance: the headline values and indices with their changes, two
    years of monthly values and volumes, streaks, top movers and the drivers found."""
    start = month.shift(-23)
    headline = run_summary(engine, month).as_dict()
    indices_now = {}
    for flow in INDEX_FLOWS:
        rows = index_rows(store, month, flow=flow, by="total", backend=engine)
        if rows:
            indices_now[flow] = rows[0].as_dict()
    charts = {
        f"{flow}.{measure}": monthly_series(
            store, engine, flow=flow, measure=measure, start=start, end=month
        ).as_dict()["rows"]
        for flow in ("total_exports", "imports")
        for measure in ("value", "volume")
    }
    found = analyse(store, engine, month, adjusted=False, keep=False, topics=OVERVIEW_TOPICS)
    facts = [
        {**f.as_dict(), "about": about(f), "text": value_text(f, found.currency)}
        for f in found.facts
    ]
    data = {
        "period": str(month),
        "currency": found.currency,
        "summary": headline,
        "indices": indices_now,
        "charts": charts,
        "facts": facts,
        "notes": found.notes,
    }
    return Answer(data, None, f"overview-{month}")
