"""A series by HS subheading across an HS edition change (the ``hs_correlation``
classification: UNSD's correlation of two editions).

From the new edition's first year (2022 for HS2022) a subheading's months are its own
cells. Before it, the months are the cells of the older edition's subheadings that
correspond to it: **mapped** when each of those feeds this subheading alone (the same code,
or several merged into it), so the series is continuous; **split** when one of them also
feeds other subheadings of the new edition (its goods are shared out, so its whole value is
shown and flagged, naming the subheadings it is shared with).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..backends import Backend
from ..errors import InputError, NotInStoreError
from ..periods import Period
from ..schema import EXPORT_FLOWS, MEASURES, choice
from .numbers import records

BRIDGE_COLUMNS = ("period", "edition", "codes", "value", "status")


@dataclass(frozen=True)
class Bridged:
    """One subheading's monthly values across an edition change."""

    code: str
    flow: str
    new_edition: str
    old_edition: str
    first_year: int
    old_codes: tuple[str, ...]
    status: str
    """``mapped`` or ``split`` (for the months before the change)."""
    shared_with: tuple[str, ...]
    """New-edition subheadings the old codes also feed (when split)."""
    frame: pd.DataFrame
    """:data:`BRIDGE_COLUMNS`, by month."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "flow": self.flow,
            "new_edition": self.new_edition,
            "old_edition": self.old_edition,
            "first_year": self.first_year,
            "old_codes": list(self.old_codes),
            "status": self.status,
            "shared_with": list(self.shared_with),
            "months": records(self.frame),
        }


def bridged(backend: Backend, code: str, flow: str = "total_exports") -> Bridged:
    """The monthly values of ``flow`` under the new edition's subheading ``code`` (6
    digits), carried back across the edition change (see the module's rules)."""
    flow = choice(flow, MEASURES, "flow")
    code = code.strip()
    if not (code.isdigit() and len(code) == 6):
        raise InputError(f"--commodity {code!r}: a subheading of the new HS edition, 6 digits.")
    if not backend.has("hs_correlation"):
        raise NotInStoreError(
            "No HS correlation in the store: load UNSD's with classifications load."
        )
    correlation = backend.execute(backend.table("hs_correlation"))
    if correlation.empty:
        raise NotInStoreError(
            "No HS correlation in the store: load UNSD's with classifications load."
        )
    links = correlation[correlation.new_code == code]
    if links.empty:
        raise NotInStoreError(
            f"{code} is not a subheading of the stored correlation's new edition."
        )
    new_edition, old_edition = str(links.new_edition.iloc[0]), str(links.old_edition.iloc[0])
    first_year = int("".join(ch for ch in new_edition if ch.isdigit()))
    old_codes = tuple(sorted(set(links.old_code)))
    fed = correlation[correlation.old_code.isin(old_codes)]
    shared = tuple(sorted(set(fed.new_code) - {code}))
    status = "split" if shared else "mapped"

    cells = backend.table("cells")
    flows = list(EXPORT_FLOWS) if flow == "total_exports" else [flow]
    hs6 = cells.commodity.substr(0, 6)
    wanted = cells.filter(cells.flow.isin(flows) & hs6.isin([code, *old_codes]))
    sums = wanted.group_by(["period", hs6.name("hs6")]).aggregate(value=wanted.value.sum())
    found = backend.execute(sums)
    found["year"] = found.period.astype(int) // 100
    new = found[(found.year >= first_year) & (found.hs6 == code)]
    old = found[(found.year < first_year) & found.hs6.isin(old_codes)]
    rows = []
    for period, part in new.groupby("period"):
        rows.append((period, new_edition, code, float(part.value.sum()), "own"))
    for period, part in old.groupby("period"):
        rows.append(
            (period, old_edition, "+".join(sorted(set(part.hs6))), float(part.value.sum()), status)
        )
    frame = pd.DataFrame(rows, columns=list(BRIDGE_COLUMNS)).sort_values("period")
    frame["period"] = [str(Period.from_key(int(p))) for p in frame.period]
    return Bridged(
        code, flow, new_edition, old_edition, first_year, old_codes, status, shared,
        frame.reset_index(drop=True),
    )  # fmt: skip
