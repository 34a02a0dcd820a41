"""Filters as users write them, checked against the store and resolved to codes.

``--partner`` takes partner codes and also the name of any group of partners the store's
classifications hold (a region such as ``Asia``, an area, or a grouping loaded with the
partner groups), so "Asia as a whole" is ``--partner Asia``. ``--origin`` takes the same.
``--mode`` takes the modes of transport or ``not stated``; ``--commodity`` HS or SITC
prefixes (see :class:`~entrepot.compute.filters.Commodity`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ..backends import Backend
from ..compute.filters import Commodity, Filters, commodity_in
from ..errors import InputError
from ..schema import MODES, NOT_STATED


def split(values: Iterable[str] | None) -> list[str]:
    """Option values, each possibly comma-separated: ``["USA,CHN", "JPN"]`` → 3 values."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def resolve(
    backend: Backend,
    *,
    partner: Sequence[str] = (),
    commodity: Sequence[str] = (),
    origin: Sequence[str] = (),
    mode: Sequence[str] = (),
) -> Filters:
    """The :class:`Filters` these option values name; an error naming any value the store
    does not know, with the closest ones it does."""
    groups = _partner_groups(backend) if split(partner) or split(origin) else {}
    asked = {"partner": partner, "commodity": commodity, "origin": origin, "mode": mode}
    commodities = tuple(dict.fromkeys(Commodity.parse(c) for c in split(commodity)))
    return Filters(
        asked="; ".join(f"{k} {', '.join(split(v))}" for k, v in asked.items() if split(v)),
        partner=_partners(split(partner), groups, "partner"),
        commodity=commodities,
        origin=_partners(split(origin), groups, "origin"),
        mode=tuple(dict.fromkeys(_mode(m) for m in split(mode))),
        items=_items(backend, commodities) if commodities else None,
    )


def _items(backend: Backend, wanted: tuple[Commodity, ...]) -> tuple[str, ...]:
    """The commodity codes of the cells that ``wanted`` matches (a few thousand at most:
    the distinct codes, not the cells)."""
    cells = backend.table("cells")
    codes = cells.select(commodity=cells.commodity.cast("string")).distinct()
    sitc = backend.table("commodity_sitc") if any(c.system == "sitc" for c in wanted) else None
    matched = backend.execute(codes.filter(commodity_in(codes, wanted, sitc)))
    return tuple(sorted(str(c) for c in matched.commodity))


def _mode(text: str) -> str:
    mode = text.strip().lower()
    if mode not in (*MODES, NOT_STATED):
        raise InputError(f"Unknown mode {text!r}; choose from {', '.join(MODES)}, {NOT_STATED}.")
    return mode


def _partner_groups(backend: Backend) -> dict[str, list[str]]:
    """Every partner code (as itself) and every group name, upper-cased, → its codes."""
    partners = backend.execute(backend.table("partners").select("code", "region", "area"))
    groups: dict[str, list[str]] = {str(c).upper(): [str(c)] for c in partners.code}
    for column in ("region", "area"):
        for name, rows in partners.dropna(subset=[column]).groupby(column):
            groups.setdefault(str(name).upper(), list(rows.code))
    if backend.has("partner_groups"):
        table = backend.table("partner_groups")
        for name, rows in backend.execute(table).groupby("grouping_name"):
            groups.setdefault(str(name).upper(), list(rows.code))
    return groups


def _partners(values: list[str], groups: dict[str, list[str]], option: str) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        found = groups.get(value.upper())
        if found is None:
            close = difflib.get_close_matches(value.upper(), list(groups), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise InputError(
                f"Unknown {option} {value!r}: not a partner code or a group of partners "
                f"in the store's classifications.{hint}"
            )
        codes.extend(found)
    return tuple(dict.fromkeys(codes))


def narrowed(
    backend: Backend,
    *,
    partner: Sequence[str] = (),
    commodity: Sequence[str] = (),
    origin: Sequence[str] = (),
    mode: Sequence[str] = (),
) -> Backend:
    """``backend`` with its cells limited to what the option values name (itself when
    they name nothing)."""
    filters = resolve(backend, partner=partner, commodity=commodity, origin=origin, mode=mode)
    return backend.filtered(filters) if filters else backend
