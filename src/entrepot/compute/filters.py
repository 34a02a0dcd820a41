"""Which cells a query covers: partners, commodities, origins and modes.

A :class:`Filters` holds what the user asked for, already resolved to codes (partner
groups such as "Asia" expanded, see :func:`entrepot.analysis.filters.resolve`); :func:`apply`
turns it into a filter on the cells. Commodities are prefixes of the HS code (``8471``,
``hs:84``) or of the SITC code (``sitc:77``), so a division, a group or an HS chapter can be
picked without listing its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from ..errors import InputError
from ..schema import NOT_STATED

COMMODITY_SYSTEMS: tuple[str, ...] = ("hs", "sitc")


@dataclass(frozen=True)
class Commodity:
    """A commodity prefix in one classification: ``hs`` (the record's code) or ``sitc``."""

    system: str
    prefix: str

    @classmethod
    def parse(cls, text: str) -> Commodity:
        """``8471`` or ``hs:8471`` (HS), ``sitc:77`` (SITC); digits only."""
        system, _, prefix = text.strip().lower().rpartition(":")
        system = system or "hs"
        prefix = prefix.replace(".", "")
        if system not in COMMODITY_SYSTEMS or not prefix.isdigit():
            raise InputError(
                f"Commodity {text!r} is not a code prefix: write digits, e.g. 8471 or hs:84 "
                "for HS, sitc:77 for SITC."
            )
        return cls(system, prefix)

    def __str__(self) -> str:
        return f"{self.system}:{self.prefix}"


@dataclass(frozen=True)
class Filters:
    """The cells a query covers; an empty field does not filter. Partners and origins are
    codes, modes are :data:`~entrepot.schema.MODES` or ``not stated``."""

    partner: tuple[str, ...] = ()
    commodity: tuple[Commodity, ...] = ()
    origin: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    asked: str = ""
    """The filters as the user wrote them ("partner Asia"), for titles."""
    items: tuple[str, ...] | None = None
    """The commodity codes ``commodity`` matches among the cells, when resolved: one
    lookup per cell, where prefixes and the SITC classification are several."""

    def __bool__(self) -> bool:
        return bool(self.partner or self.commodity or self.origin or self.mode)

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, as lists of text (for JSON and provenance)."""
        out = {
            "partner": list(self.partner),
            "commodity": [str(c) for c in self.commodity],
            "origin": list(self.origin),
            "mode": list(self.mode),
        }
        return {k: v for k, v in out.items() if v}

    def describe(self) -> str:
        """One line for titles: ``partner USA; commodity sitc:77``."""
        if self.asked:
            return self.asked
        return "; ".join(f"{k} {', '.join(v)}" for k, v in self.as_dict().items())


def apply(
    cells: ir.Table,
    filters: Filters,
    commodity_sitc: ir.Table | None = None,
    items: ir.Table | None = None,
) -> ir.Table:
    """``cells`` limited to ``filters`` (``commodity_sitc`` is needed for SITC prefixes;
    ``items``, a table of the resolved commodity codes, when the engine holds one)."""
    if filters.partner:
        cells = cells.filter(cells.partner.isin(filters.partner))
    if filters.origin:
        cells = cells.filter(_stated_in(cells.origin, filters.origin))
    if filters.mode:
        cells = cells.filter(_stated_in(cells["mode"], filters.mode))
    if filters.items is not None:
        # A semi-join with a small table: an IN list of thousands of codes is far slower.
        if items is None:
            items = ibis.memtable(
                {"commodity": list(filters.items)}, schema={"commodity": "string"}
            )
        cells = cells.filter(cells.commodity.cast("string").isin(items.commodity))
    elif filters.commodity:
        cells = cells.filter(commodity_in(cells, filters.commodity, commodity_sitc))
    return cells


def _stated_in(column: ir.Column, wanted: tuple[str, ...]) -> ir.BooleanValue:
    """``column`` in ``wanted``, where ``not stated`` matches a null."""
    codes = [w for w in wanted if w != NOT_STATED]
    match = column.isin(codes) if codes else ibis.literal(False)
    return match | column.isnull() if NOT_STATED in wanted else match


def commodity_in(
    cells: ir.Table, wanted: tuple[Commodity, ...], commodity_sitc: ir.Table | None
) -> ir.BooleanValue:
    """Whether each row's ``commodity`` matches one of the ``wanted`` prefixes."""
    code = cells.commodity.cast("string")
    conditions = [code.startswith(c.prefix) for c in wanted if c.system == "hs"]
    sitc = [c.prefix for c in wanted if c.system == "sitc"]
    if sitc:
        if commodity_sitc is None:
            raise InputError("A SITC commodity filter needs the HS → SITC classification.")
        table = commodity_sitc
        hit = ibis.or_(*[table.sitc.startswith(p) for p in sitc])
        items = table.filter(hit).commodity
        # A code is classed by its own row, else by its HS subheading's (as classify does).
        own = code.isin(table.commodity)
        conditions.append(code.isin(items) | (~own & code.substr(0, 6).isin(items)))
    return ibis.or_(*conditions)
