"""The sample's own classification tables, as plain CSV files for ``classifications load``.

``commodities.csv`` maps each item to its SITC code, ``sitc.csv`` names the sections,
divisions and groups those codes fall in, ``partners.csv`` names the partners with their
region and area. Partner codes are ISO alpha-3, or the office's 3-digit codes beside
fixed-width records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from . import partners as P
from .commodities import Items, item_names
from .sitc import NAMES


def write_classifications(out: Path, items: Items, office_codes: bool) -> Path:
    folder = out / "classifications"
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "commodities.csv",
        ("commodity", "sitc", "name"),
        zip(items.code, items.sitc, item_names(items), strict=True),
    )
    codes = sorted({c[:n] for c in items.sitc for n in (1, 2, 3)}, key=lambda c: (c, len(c)))
    _write(folder / "sitc.csv", ("code", "level", "name"), ((c, len(c), NAMES[c]) for c in codes))
    rows = sorted(
        (p.office_code if office_codes else p.iso3, p.name, p.region, p.area) for p in P.PARTNERS
    )
    _write(folder / "partners.csv", ("code", "name", "region", "area"), rows)
    return folder


def _write(path: Path, header: tuple[str, ...], rows: Iterable[Iterable[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
