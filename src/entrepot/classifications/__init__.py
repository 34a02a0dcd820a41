"""Classifications: HS/HKHS items to SITC Rev.4 and their names, SITC names, partners to
regions, areas and regional groupings.

:func:`load_classifications` reads files the user names and writes the store's dimension
tables (``commodity_sitc``, ``commodities``, ``sitc``, ``partners``, ``partner_groups``,
``classification_overrides``) inside one transaction: every file loads, or none does.
Each file's kind is detected from its headers (CSV), sheets and header rows (XLSX) or
structure (JSON); ``kind=`` forces one. The kinds, and the tables behind them, are in
:mod:`.codes`.

All or none
-----------
Every file named must be recognised, and so must every file of a directory named (but
``README*``, ``datapackage.json`` and hidden files): otherwise nothing loads and the error
lists each file that is not a classification table, with the headers seen, and those that
are. The office's metadata folder holds record layouts (``rawdata_format.xlsx``) and
partner reports (``*_201912_HKD_MN.xlsx``) beside its code lists, so it loads by naming
the code lists, not the folder. With ``kind=`` a directory loads its files of that kind.
A file that would store nothing (area memberships before any country is stored, a JSON
list of aggregates only) is an error that says what it needs.

HS editions
-----------
Each commodity table keeps its HS edition (HS2017, HS2022 …), read from its header, sheet
name, UN Comtrade class (H5, H6) or file name, or from the ``version`` of a
``datapackage.json`` beside it; ``commodity_sitc`` and ``commodities`` record it per row
(null when the file names none, as the office's lists and entrepot's own CSVs do). The
store holds one edition: a load of another one, or of two at once, is an error naming
both; ``replace=True`` (``--replace``) removes the stored edition's rows in the same
transaction. ``commodity_sitc`` stays one commodity → one SITC code.

Replacement: loading a file first deletes the rows an earlier load of a file with the same
name wrote (``source`` = file name), then upserts; so across files the last loaded wins per
code. ``sitc`` has no source column: its rows are upserted. ``classification_overrides``
holds one row per stored commodity whose code differs from the one published (a later
file that maps the commodity again removes the row).

Modules: :mod:`.codes` (kinds, regions, editions, overrides), :mod:`.readers` (files →
tables of cells), :mod:`.parsed` (rows and field checks), :mod:`.commodity_layouts` and
:mod:`.partner_layouts` (the parsers), :mod:`.layouts` (detection), :mod:`.load`. The SQL
is in :mod:`entrepot.store.classifications`; the Ibis lookups the compute layer uses are
in :mod:`entrepot.compute.classes` (re-exported here: :func:`commodity_classes`,
:func:`classify_commodities`, :func:`classify_partners`).
"""

from __future__ import annotations

from ..compute.classes import classify_commodities, classify_partners, commodity_classes
from .codes import (
    HS_EDITIONS,
    ISO_EXCEPTIONS,
    ISO_SUBREGIONS,
    KIND_HEADERS,
    KINDS,
    OVERRIDES,
    REGIONS,
    Override,
    hs_edition,
    sitc_overrides,
)
from .load import ClassificationLoad, load_classifications

__all__ = [
    "HS_EDITIONS",
    "ISO_EXCEPTIONS",
    "ISO_SUBREGIONS",
    "KINDS",
    "KIND_HEADERS",
    "OVERRIDES",
    "REGIONS",
    "ClassificationLoad",
    "Override",
    "classify_commodities",
    "classify_partners",
    "commodity_classes",
    "hs_edition",
    "load_classifications",
    "sitc_overrides",
]
