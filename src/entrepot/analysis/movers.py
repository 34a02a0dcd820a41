"""Top movers and shares: the keys that gained or lost most, and who holds the total.

Movers rank keys by their change in HK$, not by growth rate, because a small market that
doubles moves the total less than a large one that grows a tenth.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..periods import Period
from .contributions import check_held, labels, require_columns, value_contributions, window_months

MOVER_COLUMNS = ("key", "label", "current", "previous", "change", "growth_pct", "contribution_pp")
SHARE_COLUMNS = ("key", "label", "value", "share_pct", "rank")


def movers(
    frame: pd.DataFrame, period: Period, *, window: str = "month", top: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``top`` largest increases and the ``top`` largest decreases in HK$ over
    ``window`` (see :data:`~entrepot.analysis.contributions.WINDOWS`), with each key's
    growth in % and its contribution to the total's, for ``frame`` with columns key,
    label, period, value. Keys that did not change are in neither."""
    if top < 1:
        raise InputError(f"top must be a positive number of rows, not {top}.")
    changes = value_contributions(frame, period, window)[list(MOVER_COLUMNS)]
    up = changes[changes.change > 0].head(top).reset_index(drop=True)
    down = changes[changes.change < 0]
    down = down.sort_values(["change", "key"], kind="stable").head(top).reset_index(drop=True)
    return up, down


def shares(frame: pd.DataFrame, period: Period, *, window: str = "month") -> pd.DataFrame:
    """Each key's value over the current months of ``window`` and its share of the total
    in %: key, label, value, share_pct, rank (1 the largest; ties by key), largest first."""
    require_columns(frame, ("key", "label", "period", "value"), "Shares")
    months, _ = window_months(period, window)
    check_held(frame, months)
    held = frame[frame.period.astype(int).isin(months)]
    value = held.groupby("key")["value"].sum().astype(float)
    out = pd.DataFrame(
        {
            "key": value.index,
            "label": labels(frame).reindex(value.index).to_numpy(),
            "value": value.to_numpy(),
        }
    )
    out = out.sort_values(["value", "key"], ascending=[False, True], kind="stable")
    total = out.value.sum()
    out["share_pct"] = out.value / total * 100 if total else float("nan")
    out["rank"] = range(1, len(out) + 1)
    return out[list(SHARE_COLUMNS)].reset_index(drop=True)
