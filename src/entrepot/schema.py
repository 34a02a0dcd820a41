"""The canonical trade record: the single source of truth for field names, types and codes.

Every reader turns its source into these fields; validation checks them; the store keeps
them as monthly cells. A *cell* is every record that shares the key fields below; its
measures are summed, so declaration lines and pre-aggregated item × partner rows become the
same cells.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InputError

FLOWS: tuple[str, ...] = ("imports", "domestic_exports", "re_exports")
"""Flows as records carry them. Total exports = domestic exports + re-exports."""

EXPORT_FLOWS: tuple[str, ...] = ("domestic_exports", "re_exports")

FLOW_ALIASES: dict[str, str] = {
    "import": "imports",
    "im": "imports",
    "domestic_export": "domestic_exports",
    "dx": "domestic_exports",
    "re_export": "re_exports",
    "reexports": "re_exports",
    "reexport": "re_exports",
    "rx": "re_exports",
    "total_export": "total_exports",
    "exports": "total_exports",
    "tx": "total_exports",
}
"""Flow spellings accepted besides the canonical names (after lower-casing, - and space → _).
Records carry only the three flows; ``exports`` names total exports where those exist."""

MEASURES: tuple[str, ...] = ("total_exports", "domestic_exports", "re_exports", "imports")
"""What values and indices are compiled for: the flows, and total exports as one of them."""

FLOW_LABELS: dict[str, str] = {
    "total_exports": "Total exports",
    "domestic_exports": "Domestic exports",
    "re_exports": "Re-exports",
    "imports": "Imports",
    "terms_of_trade": "Terms of trade",
}
"""How releases and tables name the flows."""

INDEX_FLOWS: tuple[str, ...] = (*MEASURES, "terms_of_trade")
"""What the index queries answer for: the measures, and terms of trade (export unit value
index ÷ import unit value index)."""

BREAKDOWNS: tuple[str, ...] = (
    "total", "section", "division", "group", "chapter", "partner", "region", "origin", "mode",
)  # fmt: skip
"""How values and indices are broken down: the whole flow (``total``), SITC section (1
digit), division (2) and group (3), HS chapter (the commodity's first two digits), partner,
its region, country of origin (of re-exports; "not stated" elsewhere), and transport mode."""

COMPILED_BREAKDOWNS: tuple[str, ...] = tuple(b for b in BREAKDOWNS if b != "origin")
"""What a compilation compiles unless told otherwise. Origin is not a key of the elementary
cell, so indices by origin need cells keyed by it (``compile --cell-keys origin``)."""

MODES: tuple[str, ...] = ("air", "land", "sea", "river", "other")
"""Transport modes. A record may leave the mode unstated (the office's detailed files do)."""

NOT_STATED = "not stated"
"""The key of a cell whose mode (origin, consignment) the record leaves unstated."""

MODE_LABELS: dict[str, str] = {
    "air": "Air",
    "land": "Land",
    "sea": "Sea",
    "river": "River",
    "other": "Other",
}

# IMTS 2010 (para. 7.5) modes of transport; entrepot's river trade is inland waterway.
MODE_IMTS: dict[str, tuple[str, str]] = {
    "air": ("2", "Air"),
    "land": ("3", "Land (road and rail)"),
    "sea": ("1", "Sea"),
    "river": ("5", "Inland waterway"),
    "other": ("9", "Other (pipelines, postal, self-propelled, not elsewhere classified)"),
}


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    description: str


FIELDS: tuple[Field, ...] = (
    Field("period", True, "month, YYYY-MM"),
    Field("flow", True, "imports, domestic_exports or re_exports"),
    Field(
        "commodity",
        True,
        "8-digit HKHS or 6-digit HS code (10 or 12 digits: a national tariff line), with "
        "leading zeros",
    ),
    Field("partner", True, "destination for exports, origin for imports (country code)"),
    Field("consignment", False, "country of consignment, for imports"),
    Field("origin", False, "country of origin, for re-exports"),
    Field("mode", False, "air, land, sea, river or other"),
    Field("value", True, "HK$ (imports CIF, exports FOB), not negative"),
    Field("quantity", False, "quantity in the unit below, not negative"),
    Field("unit", False, "quantity unit, e.g. KG, NO., THOUSAND"),
    Field("net_weight", False, "net weight in kg, not negative"),
    Field("record_id", False, "declaration line id; unique within a load"),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

CELL_KEY: tuple[str, ...] = (
    "period",
    "flow",
    "commodity",
    "partner",
    "consignment",
    "origin",
    "mode",
    "unit",
)
"""Fields that identify a monthly cell."""

CELL_MEASURES: tuple[str, ...] = ("value", "quantity", "net_weight", "records")

# The stored cell, as DuckDB column types. period is YYYYMM (see entrepot.periods).
CELL_COLUMNS: dict[str, str] = {
    "period": "INTEGER",
    "flow": "VARCHAR",
    "commodity": "VARCHAR",
    "partner": "VARCHAR",
    "consignment": "VARCHAR",
    "origin": "VARCHAR",
    "mode": "VARCHAR",
    "unit": "VARCHAR",
    "value": "DOUBLE",
    "quantity": "DOUBLE",
    "net_weight": "DOUBLE",
    "records": "BIGINT",
    "load_id": "BIGINT",
}

LINE = "_line"
"""Column every reader adds: the source line (or sheet row) of each record, for reports."""


def normal_name(text: str) -> str:
    """``Re-Exports`` → ``re_exports``: lower case, hyphens and spaces as underscores."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def choice(text: str, choices: Iterable[str], what: str) -> str:
    """The one of ``choices`` that ``text`` names, case-insensitively and with the flow
    spellings ingest accepts (``re-exports``, ``RX``); an error listing them otherwise.

    >>> choice("Re-Exports", MEASURES, "flow")
    're_exports'
    """
    options = tuple(choices)
    name = normal_name(text)
    name = FLOW_ALIASES.get(name, name)
    if name in options:
        return name
    raise InputError(f"Unknown {what} {text!r}; choose one of {', '.join(options)}.")
