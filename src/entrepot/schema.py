"""The canonical trade record: the single source of truth for field names, types and codes.

Every reader turns its source into these fields; validation checks them; the store keeps
them as monthly cells. A *cell* is every record that shares the key fields below; its
measures are summed, so declaration lines and pre-aggregated item × partner rows become the
same cells.
"""

from __future__ import annotations

from dataclasses import dataclass

FLOWS: tuple[str, ...] = ("imports", "domestic_exports", "re_exports")
"""Flows as records carry them. Total exports = domestic exports + re-exports."""

EXPORT_FLOWS: tuple[str, ...] = ("domestic_exports", "re_exports")

MODES: tuple[str, ...] = ("air", "land", "sea", "river", "other")
"""Transport modes. A record may leave the mode unstated (the office's detailed files do)."""

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
    Field("commodity", True, "8-digit HKHS or 6-digit HS code, with leading zeros"),
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
