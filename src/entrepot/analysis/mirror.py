"""Mirror statistics: the store's exports to a partner against that partner's own imports
from the store's reporter (from the partner's UN Comtrade file), by SITC division and year.

Exports are valued f.o.b. and imports c.i.f., so a partner's imports run a little above the
reporter's exports to it: a gap inside the CIF/FOB band (default 10% of the exports) is
what freight and insurance explain; outside it, timing, classification, valuation or
where the goods were consigned. For an entrepôt the telling comparison is of its
re-exports: the store's re-exports of goods originating in ``origin`` to the partner
against the partner's imports from ``origin`` (the partner records the country of origin,
not the entrepôt).

The partner's commodities (HS, 6 digits) are put in SITC divisions through the store's own
correspondence: the division most of the store's items under that HS subheading belong
to. Values are in the store's currency: the partner's are converted at ``rate`` (the
store's currency per unit of the partner's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..backends import Backend
from ..errors import InputError, NotInStoreError
from ..ingest import comtrade
from ..schema import EXPORT_FLOWS
from .filters import narrowed
from .numbers import records
from .summary import values_by

DEFAULT_BAND = 10.0
"""The CIF/FOB band, in % of the reported exports, inside which a gap is unremarkable."""

MIRROR_COLUMNS = (
    "division", "name", "reported", "mirrored", "gap", "gap_pct", "inside_band",
)  # fmt: skip


@dataclass(frozen=True)
class Mirror:
    """A mirror comparison of one partner and year."""

    reporter: str
    partner: str
    origin: str | None
    year: int
    band: float
    currency: str
    rate: float
    total: dict[str, Any]
    """The totals over all divisions (:data:`MIRROR_COLUMNS` but division and name)."""
    divisions: pd.DataFrame
    """:data:`MIRROR_COLUMNS`, the largest gaps (in value) first."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "reporter": self.reporter,
            "partner": self.partner,
            "origin": self.origin,
            "year": self.year,
            "band_pct": self.band,
            "currency": self.currency,
            "rate": self.rate,
            "total": self.total,
            "divisions": records(self.divisions),
        }


def partner_imports(path: Path, source: str) -> tuple[str, pd.DataFrame]:
    """A partner's imports from ``source`` (ISO alpha-3) in its Comtrade file: its
    reporter, and value by year and HS subheading (annual rows where the file has them,
    else the sum of its months). The file's leaf rows, C00 and all modes, as ingest reads."""
    layout = comtrade.sniff(path)
    if layout is None:
        raise InputError(f"{path}: not a UN Comtrade file (no Comtrade header or records).")
    frame = comtrade.read_frame(path, layout)
    rows = comtrade.rows(frame, layout)
    annual = rows[comtrade.YEAR].notna()
    usable = rows[comtrade.PROBLEM].isna()
    rows = rows[usable & (rows.flow == "imports") & (rows.partner == source)].copy()
    reporters = comtrade.reporters(frame)
    if len(reporters) != 1:
        raise InputError(f"{path}: a partner file holds one reporter's data, not {reporters}.")
    year = frame.loc[rows.index, "year"].where(
        frame.loc[rows.index, "year"] != "", frame.loc[rows.index, "period"].str[:4]
    )
    rows["year"] = pd.to_numeric(year).astype(int)
    rows["annual"] = annual.loc[rows.index]
    rows["value"] = pd.to_numeric(rows.value)
    # Annual figures where the file gives them; months summed where it does not.
    has_annual = rows.groupby("year").annual.transform("any")
    rows = rows[rows.annual | ~has_annual]
    summed = rows.groupby(["year", "commodity"], as_index=False).value.sum()
    return reporters[0], summed


def hs_divisions(backend: Backend) -> pd.Series:
    """Each HS subheading (6 digits) of the store's items, with the SITC division most of
    them belong to."""
    table = backend.table("commodity_sitc")
    frame = backend.execute(table.select("commodity", "sitc"))
    frame["hs6"] = frame.commodity.str[:6]
    frame["division"] = frame.sitc.str[:2]
    counts = frame.groupby(["hs6", "division"]).size().reset_index(name="n")
    best = counts.sort_values(["hs6", "n", "division"], ascending=[True, False, True])
    return best.drop_duplicates("hs6").set_index("hs6").division


def mirror(
    backend: Backend,
    partner_file: Path,
    *,
    reporter: str,
    currency: str,
    rate: float | None = None,
    year: int | None = None,
    origin: str | None = None,
    band: float = DEFAULT_BAND,
    annual: pd.DataFrame | None = None,
) -> Mirror:
    """The store's exports (or, with ``origin``, re-exports of goods from ``origin``) to
    the partner whose Comtrade file is ``partner_file``, against that partner's imports
    from ``reporter`` (or from ``origin``), by SITC division in ``year`` (default: the
    latest year both cover). ``annual``: the store's annual cells
    (:func:`entrepot.store.annual.annual_cells`), whose years stand in for the years the
    store holds no twelve months of (they have no origin: not with ``origin``)."""
    if band < 0:
        raise InputError(f"--band must be a share in % and not negative, not {band}.")
    source = origin or reporter
    partner, imports = partner_imports(partner_file, source)
    rate = _rate(rate, currency)
    narrowed_backend = narrowed(backend, partner=[partner], origin=[origin] if origin else [])
    flow = "re_exports" if origin else "total_exports"
    table = values_by(narrowed_backend, "division")
    ours = backend.execute(table.select("key", "label", "period", value=table[flow]))
    ours["year"] = ours.period.astype(int) // 100
    ours = ours[ours.groupby("year").period.transform("nunique") == 12]  # whole years only
    divisions = hs_divisions(backend)
    if annual is not None and origin is None:
        yearly = _annual_exports(backend, annual, partner, divisions)
        ours = pd.concat([ours, yearly[~yearly.year.isin(ours.year)]], ignore_index=True)
    common = sorted(set(ours.year) & set(imports.year))
    if not common:
        raise NotInStoreError(
            f"No whole year in both the store (to {partner}) and {partner_file.name} "
            f"(years {sorted(set(imports.year))})."
        )
    if year is None:
        year = common[-1]
    elif year not in common:
        raise NotInStoreError(f"{year} is not a whole year of both; these are: {common}.")
    reported = ours[ours.year == year].groupby(["key", "label"], as_index=False).value.sum()
    theirs = imports[imports.year == year].copy()
    theirs["key"] = theirs.commodity.str[:6].map(divisions).fillna("unclassified")
    mirrored = theirs.groupby("key", as_index=False).value.sum()
    mirrored["value"] = mirrored.value * rate
    merged = reported.merge(mirrored, on="key", how="outer", suffixes=("_r", "_m"))
    merged["label"] = merged.label.fillna(merged.key)
    out = pd.DataFrame(
        {
            "division": merged.key,
            "name": merged.label,
            "reported": merged.value_r.fillna(0.0),
            "mirrored": merged.value_m.fillna(0.0),
        }
    )
    out = _gaps(out, band)
    out = out.reindex(out.gap.abs().sort_values(ascending=False, kind="stable").index)
    totals = _gaps(
        pd.DataFrame({"reported": [out.reported.sum()], "mirrored": [out.mirrored.sum()]}), band
    )
    return Mirror(
        reporter, partner, origin, year, band, currency, rate,
        records(totals)[0], out.reset_index(drop=True)[list(MIRROR_COLUMNS)],
    )  # fmt: skip


def _annual_exports(
    backend: Backend, annual: pd.DataFrame, partner: str, divisions: pd.Series
) -> pd.DataFrame:
    """The store's annual exports to ``partner`` by year and SITC division (key, label)."""
    mine = annual[(annual.partner == partner) & annual.flow.isin(EXPORT_FLOWS)].copy()
    mine["key"] = mine.commodity.astype(str).str[:6].map(divisions).fillna("unclassified")
    summed = mine.groupby(["year", "key"], as_index=False).value.sum()
    sitc = backend.table("sitc")
    names = backend.execute(sitc.filter(sitc.level == 2).select("code", "name"))
    summed["label"] = summed.key.map(dict(zip(names.code, names.name, strict=True)))
    summed["label"] = summed.label.fillna(summed.key)
    return summed


def _gaps(frame: pd.DataFrame, band: float) -> pd.DataFrame:
    """The partner's figure less the reported one, in value and in % of the reported, and
    whether that lies within ±``band`` %."""
    frame = frame.copy()
    frame["gap"] = frame.mirrored - frame.reported
    frame["gap_pct"] = [
        g / r * 100 if r else math.nan for g, r in zip(frame.gap, frame.reported, strict=True)
    ]
    frame["inside_band"] = frame.gap_pct.abs() <= band
    return frame


def _rate(rate: float | None, currency: str) -> float:
    if currency == comtrade.CURRENCY:
        return 1.0 if rate is None else rate
    if rate is None or rate <= 0:
        raise InputError(
            f"The partner's values are in {comtrade.CURRENCY} and the store's in {currency}: "
            f"give --rate ({currency} per {comtrade.CURRENCY})."
        )
    return rate
