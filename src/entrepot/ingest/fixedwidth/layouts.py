"""The statistics office's fixed-width detailed trade files: their layouts and names.

Each month the office publishes three files of 8-digit HS item × country records, every
line one fixed-width record of ASCII digits (layouts from the office's record-format sheet):

``HSCCIT.DAT`` (228 characters)
    imports, domestic exports and re-exports by country of consignment: transaction type
    X(1), HS item 9(8), country 9(3), then value and quantity, for the month and for the
    year to date, of each flow in turn (12 fields of 9(18)).
``HSCOIT.DAT`` (84 characters)
    imports by country of origin: type, HS item, origin, then import value and quantity for
    the month and the year to date.
``HSCOCCIT.DAT`` (87 characters)
    re-exports by origin × destination: type, HS item, origin, destination, then re-export
    value and quantity for the month and the year to date.

Transaction type ``1`` marks an HS item record. Countries are the office's 3-digit codes
(111 = USA, 631 = Chinese Mainland), kept as text; values are whole HK$.

:data:`FLOW_FIELDS` says which fields make each flow's record: HSCCIT imports have
partner = consignment = the country, its exports partner = the country (the destination);
HSCOIT has partner = origin; HSCOCCIT has partner = destination and origin.

HSCOIT and HSCOCCIT break down the same imports and re-exports as HSCCIT, by origin
instead of consignment. When a load names them together, :func:`superseded_flows` tells
HSCCIT which flows to leave out so that nothing is counted twice.

This module is the one definition of the layouts: the reader (:mod:`.reader`) and the
sample's writer (:mod:`entrepot.sample.office_files`) both use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import PeriodError
from ...periods import Period

TYPE = "Transaction-type"
ITEM = "HS Item code"
CONSIGNMENT = "Country/territory of Consignment code"
ORIGIN = "Country/territory of Origin code"
DESTINATION = "Country/territory of Destination code"
AMOUNT_WIDTH = 18  # every value and quantity is 9(18)


@dataclass(frozen=True)
class Column:
    """One field of a record: ``start`` is the 0-based offset into the line."""

    name: str
    start: int
    length: int

    @property
    def columns(self) -> str:
        """1-based, inclusive, as the office's layout sheets count."""
        return f"{self.start + 1}-{self.start + self.length}"


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    line_length: int
    fields: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.DAT"

    def field(self, name: str) -> Column:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.file_name} has no field {name!r}")


def _layout(name: str, description: str, fields: Sequence[tuple[str, int]]) -> Layout:
    columns, start = [], 0
    for field_name, length in fields:
        columns.append(Column(field_name, start, length))
        start += length
    return Layout(name, description, start, tuple(columns))


def _amounts(flow_label: str) -> list[tuple[str, int]]:
    return [
        (f"{flow_label} {measure} ({span})", AMOUNT_WIDTH)
        for span in ("current month", "current year-to-date")
        for measure in ("Value", "Quantity")
    ]


LAYOUTS: dict[str, Layout] = {
    "HSCCIT": _layout(
        "HSCCIT",
        "Imports / domestic exports / re-exports by consignment country/territory "
        "by HS commodity item",
        [
            (TYPE, 1),
            (ITEM, 8),
            (CONSIGNMENT, 3),
            *_amounts("Import"),
            *_amounts("Domestic export"),
            *_amounts("Re-export"),
        ],
    ),
    "HSCOIT": _layout(
        "HSCOIT",
        "Imports by origin country/territory by HS commodity item",
        [(TYPE, 1), (ITEM, 8), (ORIGIN, 3), *_amounts("Import")],
    ),
    "HSCOCCIT": _layout(
        "HSCOCCIT",
        "Re-exports by origin country/territory by destination country/territory "
        "by HS commodity item",
        [(TYPE, 1), (ITEM, 8), (ORIGIN, 3), (DESTINATION, 3), *_amounts("Re-export")],
    ),
}


@dataclass(frozen=True)
class FlowFields:
    """Which fields of a layout make one flow's record (None: the record leaves it null)."""

    flow: str
    value: str
    quantity: str
    partner: str
    consignment: str | None = None
    origin: str | None = None


FLOW_FIELDS: dict[str, tuple[FlowFields, ...]] = {
    "HSCCIT": (
        FlowFields(
            "imports",
            "Import Value (current month)",
            "Import Quantity (current month)",
            partner=CONSIGNMENT,
            consignment=CONSIGNMENT,
        ),
        FlowFields(
            "domestic_exports",
            "Domestic export Value (current month)",
            "Domestic export Quantity (current month)",
            partner=CONSIGNMENT,
        ),
        FlowFields(
            "re_exports",
            "Re-export Value (current month)",
            "Re-export Quantity (current month)",
            partner=CONSIGNMENT,
        ),
    ),
    "HSCOIT": (
        FlowFields(
            "imports",
            "Import Value (current month)",
            "Import Quantity (current month)",
            partner=ORIGIN,
        ),
    ),
    "HSCOCCIT": (
        FlowFields(
            "re_exports",
            "Re-export Value (current month)",
            "Re-export Quantity (current month)",
            partner=DESTINATION,
            origin=ORIGIN,
        ),
    ),
}

# HSCCIT's flows that a file breaking down the same trade by origin supersedes.
SUPERSEDES: dict[str, str] = {"HSCOIT": "imports", "HSCOCCIT": "re_exports"}

_LAYOUT_NAME = re.compile(r"(?<![A-Z])(HSCOCCIT|HSCOIT|HSCCIT)(?![A-Z])")
_PERIOD_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_]?(\d{2})(?!\d)")


def layout_for(path: Path) -> Layout | None:
    """The layout a ``.DAT`` file's name announces (HSCCIT.DAT, hsccit_202512.dat, ...)."""
    name = Path(path).name.upper()
    if not name.endswith(".DAT"):
        return None
    match = _LAYOUT_NAME.search(name[: -len(".DAT")])
    return LAYOUTS[match.group(1)] if match else None


def period_from_path(path: Path) -> Period | None:
    """The month named by YYYYMM, YYYY-MM or YYYY_MM in the file name, else its directory's."""
    path = Path(path)
    for name in (path.name, path.parent.name):
        for match in _PERIOD_IN_NAME.finditer(name):
            try:
                return Period(int(match.group(1)), int(match.group(2)))
            except PeriodError:
                continue  # e.g. a serial number that happens to have six digits
    return None


def superseded_flows(paths: Sequence[Path]) -> dict[Path, frozenset[str]]:
    """For each path, the flows it must not load because another file in ``paths`` carries
    the same trade in more detail (HSCOIT: imports, HSCOCCIT: re-exports, both over HSCCIT).

    Files are matched by the period in their names; files without one count as one period.
    """
    present: set[tuple[Period | None, str]] = set()
    for path in paths:
        layout = layout_for(path)
        if layout is not None:
            present.add((period_from_path(path), layout.name))
    result: dict[Path, frozenset[str]] = {}
    for path in paths:
        layout = layout_for(path)
        skip: set[str] = set()
        if layout is not None and layout.name == "HSCCIT":
            month = period_from_path(path)
            skip = {flow for name, flow in SUPERSEDES.items() if (month, name) in present}
        result[path] = frozenset(skip)
    return result
