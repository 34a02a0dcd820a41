"""The headline series: value, unit value (price) and volume of every flow, in total and by
the main breakdowns (SITC section, region, mode of transport), month by month, as one tidy
long table from a stored compilation: what statistical offices exchange (see
:mod:`entrepot.sdmx`) and what R and pandas users read."""

from __future__ import annotations

import pandas as pd

from ..errors import NotInStoreError
from ..periods import Period
from ..schema import MEASURES
from ..store import Store
from ..store import compilations as stored

HEADLINE_BREAKDOWNS: tuple[str, ...] = ("total", "section", "region", "mode")
INDICATORS: dict[str, str] = {
    "value": "value",
    "price_index": "unit value index",
    "volume_index": "volume index",
}
"""The compiled columns of the headline, with what each is."""

HEADLINE_COLUMNS: tuple[str, ...] = (
    "flow", "breakdown", "key", "label", "indicator", "period", "value", "unit",
    "reference_year", "compile_id",
)  # fmt: skip


def headline(store: Store, compile_id: int | None = None) -> pd.DataFrame:
    """The headline series of compilation ``compile_id`` (default: the latest), one row per
    flow, breakdown, key, indicator and month: :data:`HEADLINE_COLUMNS`. Values are in the
    store's currency; indices have their compilation's reference year = 100."""
    compile_id = stored.latest_compilation(store) if compile_id is None else compile_id
    reference = stored.compilation_reference_year(store, compile_id)
    frames = []
    for flow in MEASURES:
        for by in HEADLINE_BREAKDOWNS:
            series = stored.series_of(store, compile_id, flow, by)
            if series.empty:
                continue
            long = series.rename(columns={"value": "value_"}).melt(
                id_vars=["period", "key", "label"],
                value_vars=["value_", "price_index", "volume_index"],
                var_name="indicator",
                value_name="value",
            )
            long["indicator"] = long.indicator.replace({"value_": "value"})
            long.insert(0, "flow", flow)
            long.insert(1, "breakdown", by)
            frames.append(long)
    if not frames:
        raise NotInStoreError(f"Compilation {compile_id} holds no headline series.")
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    out["period"] = [str(Period.from_key(int(p))) for p in out.period]
    out["unit"] = [
        store.currency if i == "value" else f"index, {reference} = 100" for i in out.indicator
    ]
    out["reference_year"] = reference
    out["compile_id"] = compile_id
    order = ["flow", "breakdown", "key", "indicator", "period"]
    return out.sort_values(order, kind="stable").reset_index(drop=True)[list(HEADLINE_COLUMNS)]
